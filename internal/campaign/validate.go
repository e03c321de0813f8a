package campaign

import (
	"fmt"
	"math"
	"net/mail"
	"net/url"
	"path"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/text"
	"golang.org/x/text/currency"
	"golang.org/x/text/language"
)

// Validation: what the decoder cannot see from one value alone. Every problem
// is placed at the value it is about, or, for a missing setting, at the group
// of settings it is missing from, and says which setting and what to write.

// checker validates one organisation's files.
type checker struct {
	l       *loader
	of      *orgFolder
	file    string      // the file being checked, for problems without a known position
	targets *targetData // the organisation's targets/ folder (targets.go)
}

// at returns the position of the first of ptrs the decoder saw, else the
// whole current file.
func (c *checker) at(ptrs ...any) where {
	for _, p := range ptrs {
		if w, ok := c.l.pos.of(p); ok {
			return w
		}
	}
	return where{File: c.file}
}

// broken reports whether the value p points to had the wrong shape in the
// YAML (already reported), so its own checks would only repeat the news.
func (c *checker) broken(p any) bool {
	v := reflect.ValueOf(p)
	return v.Kind() == reflect.Pointer && !v.IsNil() && c.l.bad[posKey{v.Pointer(), v.Type().Elem()}]
}

// seen reports whether the decoder saw the setting p points to.
func (c *checker) seen(p any) bool {
	_, ok := c.l.pos.of(p)
	return ok
}

// misspelt reports whether the decoder already told the organiser that a
// setting of group was probably meant as key.
func (c *checker) misspelt(group any, key string) bool {
	v := reflect.ValueOf(group)
	return v.Kind() == reflect.Pointer && c.l.misspelt[misspelling{v.Pointer(), key}]
}

func (c *checker) errorf(w where, format string, args ...any) {
	c.l.probs = append(c.l.probs, Problem{File: w.File, Line: w.Line, Col: w.Col, Message: fmt.Sprintf(format, args...)})
}

func (c *checker) warnf(w where, format string, args ...any) {
	c.l.probs = append(c.l.probs, Problem{File: w.File, Line: w.Line, Col: w.Col, Message: fmt.Sprintf(format, args...), Warning: true})
}

// required reports a setting that is missing (at its group) or blank (at
// the setting). noun names the group, what says what to write.
func (c *checker) required(val string, ptr, group any, noun, key, what string) bool {
	if strings.TrimSpace(val) != "" {
		return true
	}
	if c.misspelt(group, key) || c.seen(ptr) && c.l.hasErrorAt(c.at(ptr)) {
		return false // already reported
	}
	if c.seen(ptr) {
		c.errorf(c.at(ptr), "'%s' is empty — write %s", key, what)
	} else {
		c.errorf(c.at(group), "%s has no '%s' — add %s: with %s", noun, key, key, what)
	}
	return false
}

// hasErrorAt reports whether an error is already placed at w, so a value the
// decoder rejected is not reported a second time as missing.
func (l *loader) hasErrorAt(w where) bool {
	if l.errorsAt == nil {
		l.errorsAt = map[where]bool{}
	}
	for ; l.indexed < len(l.probs); l.indexed++ {
		if p := l.probs[l.indexed]; !p.Warning {
			l.errorsAt[where{p.File, p.Line, p.Col}] = true
		}
	}
	return l.errorsAt[w]
}

// check validates an organisation and its campaigns.
func (l *loader) check(of *orgFolder) {
	c := &checker{l: l, of: of, file: of.org.File}
	o := of.org
	if !of.failed {
		c.checkOrg(o)
	}
	c.targets = c.loadTargets()
	for _, camp := range o.Campaigns {
		c.file = camp.File
		c.checkCampaign(camp)
	}
}

func (c *checker) checkOrg(o *Org) {
	c.required(o.Name, &o.Name, o, "organisation", "name", "the organisation's full name")
	c.url(o.Website, &o.Website, "website")
	c.image(o.Logo, "logo")
	c.markdown(string(o.About), &o.About, "about")
	c.colours(&o.Colours)
	if o.MediaContact != nil {
		c.person(o.MediaContact, "media_contact")
	}
	for _, s := range []struct {
		key string
		val *string
	}{
		{"x", &o.Social.X}, {"bluesky", &o.Social.Bluesky}, {"mastodon", &o.Social.Mastodon},
		{"facebook", &o.Social.Facebook}, {"instagram", &o.Social.Instagram}, {"linkedin", &o.Social.LinkedIn},
		{"youtube", &o.Social.YouTube}, {"tiktok", &o.Social.TikTok}, {"threads", &o.Social.Threads},
		{"telegram", &o.Social.Telegram}, {"whatsapp", &o.Social.WhatsApp},
	} {
		c.url(*s.val, s.val, s.key)
	}
	c.url(o.Donate, &o.Donate, "donate")
	c.shareNetworks(o)
	c.url(o.PrivacyPolicy, &o.PrivacyPolicy, "privacy_policy")
	if o.Language != "" {
		if _, err := language.Parse(o.Language); err != nil {
			c.errorf(c.at(&o.Language), "'language' must be a language code, such as en, fr, es, ar or he — %s is not one", quoteValue(o.Language))
		}
	}
	for i := range o.Members {
		c.member(&o.Members[i])
	}
	c.consent(o.Consent, &o.Consent)
	c.contactPermission(o.ContactPermission, &o.ContactPermission)
	o.RetentionDays = c.retention(o.Retention, &o.Retention)
	c.enum(string(o.Typography), &o.Typography, "typography", Typographies)
	c.emailSettings(o.Email)
	c.enum(string(o.Delivery), &o.Delivery, "delivery", []string{string(DeliveryCount), string(DeliveryNames)})
	c.nameFields(&o.NameFields)
	c.redirects(o)
	c.embedOrigins(o)
	c.webhooks(o)
	c.checkLanguages(o)
}

// redirects checks each renamed campaign: both names well-formed, the old
// name free, the new name a campaign of this organisation.
func (c *checker) redirects(o *Org) {
	find := func(slug string) *Campaign {
		for _, camp := range o.Campaigns {
			if camp.Slug == slug {
				return camp
			}
		}
		return nil
	}
	seen := map[string]bool{}
	for i := range o.Redirects {
		r := &o.Redirects[i]
		switch {
		case !isSlug(r.From):
			c.errorf(c.at(&r.From), "redirects: %s is not a campaign name — use the old file name without .yaml, in lower-case letters, digits and dashes", quoteValue(r.From))
		case seen[r.From]:
			c.errorf(c.at(&r.From), "redirects: %s is listed twice — keep one line for it", quoteValue(r.From))
		case find(r.From) != nil:
			c.errorf(c.at(&r.From), "redirects: %s is still a campaign (%s.yaml), so it cannot also redirect — remove the line or rename the file", quoteValue(r.From), r.From)
		case !isSlug(r.To):
			c.errorf(c.at(&r.To), "redirects: %s is not a campaign name — use the new file name without .yaml, in lower-case letters, digits and dashes", quoteValue(r.To))
		case find(r.To) == nil:
			c.errorf(c.at(&r.To), "redirects: %s points to %s, but there is no campaign %s.yaml in this folder — check the new name", quoteValue(r.From), quoteValue(r.To), r.To)
		}
		seen[r.From] = true
	}
}

// checkShorts checks the campaigns' short addresses across the site: each
// is a slug, no two campaigns share one, and none is an organisation's
// folder or an address the site uses itself (/static, /healthz, /oembed).
func (l *loader) checkShorts() {
	orgs := map[string]bool{}
	for _, of := range l.orgs {
		orgs[of.org.Slug] = true
	}
	taken := map[string]*Campaign{}
	for _, of := range l.orgs {
		for _, camp := range of.org.Campaigns {
			if camp.Short == "" {
				continue
			}
			c := &checker{l: l, of: of, file: camp.File}
			w := c.at(&camp.Short)
			s := camp.Short
			switch other := taken[s]; {
			case c.l.hasErrorAt(w):
				// not text; already reported
			case !isSlug(s):
				fix := "such as save-the-pool"
				if f := Slugify(s); f != "" {
					fix = quoteValue(f)
				}
				c.errorf(w, "short %s can only use lower-case letters a–z, digits and single hyphens, with no hyphen at either end — write %s", quoteValue(s), fix)
			case slices.Contains(reservedOrgSlugs, s):
				c.errorf(w, "short %s is an address the site uses itself (/%s) — choose another short address", quoteValue(s), s)
			case orgs[s]:
				c.errorf(w, "short %s is the address of the organisation %s (/%s) — choose another short address", quoteValue(s), s, s)
			case other != nil && c.l.opts.Reader != nil && c.l.opts.Reader.Org == of.org.Slug && other.Org != of.org:
				c.errorf(w, "short %s is already the short address of another organisation's campaign — each campaign needs its own; choose another", quoteValue(s))
			case other != nil:
				c.errorf(w, "short %s is already the short address of %s — each campaign needs its own; choose another", quoteValue(s), other.File)
			default:
				taken[s] = camp
			}
		}
	}
}

func (c *checker) colours(cs *Colours) {
	for _, x := range []struct {
		key string
		val *string
	}{{"primary", &cs.Primary}, {"accent", &cs.Accent}} {
		if *x.val == "" {
			continue
		}
		if rgb, ok := c.colour(*x.val, x.val, x.key); ok {
			if r := contrastWithWhite(rgb); r < 4.5 {
				c.errorf(c.at(x.val), "'%s' %s is too light for white text on it: the contrast is %s:1 and must be at least 4.5:1 — choose a darker shade, such as %s",
					x.key, *x.val, strconv.FormatFloat(math.Floor(r*10)/10, 'f', 1, 64), darkEnough(rgb))
			}
		}
	}
}

// colour parses #rrggbb or #rgb.
func (c *checker) colour(s string, ptr any, key string) ([3]float64, bool) {
	var rgb [3]float64
	h := strings.TrimPrefix(strings.TrimSpace(s), "#")
	if len(h) == 3 {
		h = string([]byte{h[0], h[0], h[1], h[1], h[2], h[2]})
	}
	n, err := strconv.ParseUint(h, 16, 32)
	if err != nil || len(h) != 6 || !strings.HasPrefix(strings.TrimSpace(s), "#") {
		hint := ""
		if err == nil && len(h) == 6 {
			hint = " (put it in quotes, like \"#" + h + "\", because YAML reads # as the start of a comment)"
		}
		c.errorf(c.at(ptr), "'%s' must be a colour written #rrggbb, like \"#0b5d3b\" — got %s%s", key, quoteValue(s), hint)
		return rgb, false
	}
	rgb = [3]float64{float64(n >> 16 & 0xff), float64(n >> 8 & 0xff), float64(n & 0xff)}
	return rgb, true
}

// luminance is the WCAG 2 relative luminance of an sRGB colour.
func luminance(rgb [3]float64) float64 {
	var l [3]float64
	for i, v := range rgb {
		v /= 255
		if v <= 0.04045 {
			l[i] = v / 12.92
		} else {
			l[i] = math.Pow((v+0.055)/1.055, 2.4)
		}
	}
	return 0.2126*l[0] + 0.7152*l[1] + 0.0722*l[2]
}

// contrastWithWhite is the WCAG contrast ratio of white text on rgb.
func contrastWithWhite(rgb [3]float64) float64 {
	return 1.05 / (luminance(rgb) + 0.05)
}

// darkEnough returns the lightest darkening of rgb (same hue) that white
// text reaches 4.5:1 on, as #rrggbb.
func darkEnough(rgb [3]float64) string {
	for f := 1.0; f > 0; f -= 0.01 {
		d := [3]float64{math.Floor(rgb[0] * f), math.Floor(rgb[1] * f), math.Floor(rgb[2] * f)}
		if contrastWithWhite(d) >= 4.5 {
			return fmt.Sprintf("#%02x%02x%02x", int(d[0]), int(d[1]), int(d[2]))
		}
	}
	return "#000000"
}

// person checks a media contact: a name and a way to reach them.
func (c *checker) person(p *Person, key string) {
	if c.broken(p) {
		return
	}
	c.required(p.Name, &p.Name, p, "'"+key+"'", "name", "the person's name")
	if strings.TrimSpace(p.Phone) == "" && strings.TrimSpace(p.Email) == "" {
		c.errorf(c.at(p), "'%s' needs a 'phone' or an 'email' — add at least one so journalists can reach them", key)
	}
	c.phone(p.Phone, &p.Phone, "phone")
	c.email(p.Email, &p.Email, "email")
}

func (c *checker) member(m *Member) {
	if c.broken(m) {
		return
	}
	c.required(m.Name, &m.Name, m, "this organisation", "name", "the organisation's name")
	c.url(m.Link, &m.Link, "link")
	c.email(m.Email, &m.Email, "email")
}

// url checks an address readers are sent to: absolute, http(s), with a host.
func (c *checker) url(s string, ptr any, key string) {
	s = strings.TrimSpace(s)
	if s == "" {
		return
	}
	w := c.at(ptr)
	lower := strings.ToLower(s)
	switch {
	case strings.HasPrefix(lower, "mailto:"):
		c.errorf(w, "'%s' must be the address of a web page, starting with https:// — got an email address (mailto:)", key)
		return
	case strings.HasPrefix(lower, "tel:"):
		c.errorf(w, "'%s' must be the address of a web page, starting with https:// — got a phone number (tel:)", key)
		return
	case strings.ContainsAny(s, " \t\n"):
		c.errorf(w, "'%s' must be a web address, which has no spaces — got %s", key, quoteValue(s))
		return
	case !strings.Contains(s, "://"):
		if strings.Contains(s, ".") && !strings.Contains(s, "@") {
			c.errorf(w, "'%s' must be a full address starting with https:// — write https://%s", key, s)
		} else {
			c.errorf(w, "'%s' must be a full web address starting with https://, like https://example.org/page — got %s", key, quoteValue(s))
		}
		return
	}
	u, err := url.Parse(s)
	switch {
	case err != nil:
		c.errorf(w, "'%s' is not a web address a browser can open — check it for stray characters: %s", key, quoteValue(s))
	case u.Scheme != "http" && u.Scheme != "https":
		c.errorf(w, "'%s' must start with https:// — got %s", key, quoteValue(s))
	case u.Host == "" || u.Hostname() == "":
		c.errorf(w, "'%s' has no site name after %s:// — got %s", key, u.Scheme, quoteValue(s))
	case u.Scheme == "http":
		c.warnf(w, "'%s' uses http://, which browsers mark as not secure — use https:// if the site supports it", key)
	}
}

func (c *checker) email(s string, ptr any, key string) {
	s = strings.TrimSpace(s)
	if s == "" {
		return
	}
	if strings.HasPrefix(strings.ToLower(s), "mailto:") {
		c.errorf(c.at(ptr), "'%s' must be just the email address — leave out 'mailto:'", key)
		return
	}
	a, err := mail.ParseAddress(s)
	_, domain, _ := strings.Cut(s, "@")
	if err != nil || a.Address != s || !strings.Contains(domain, ".") || strings.HasSuffix(domain, ".") {
		c.errorf(c.at(ptr), "'%s' must be an email address, like press@example.org — got %s", key, quoteValue(s))
	}
}

// phone checks a number people will tap to call: digits with the usual
// separators, a + only in front, and 7 to 15 digits (the international limit).
func (c *checker) phone(s string, ptr any, key string) {
	s = strings.TrimSpace(s)
	if s == "" {
		return
	}
	digits := 0
	for i, r := range s {
		switch {
		case r >= '0' && r <= '9':
			digits++
		case r == '+' && i == 0, r == ' ', r == '-', r == '.', r == '(', r == ')':
		default:
			c.errorf(c.at(ptr), "'%s' must be a phone number written with digits, spaces, dashes, dots or brackets, and + with the country code in front, like +1 555 0100 — got %s", key, quoteValue(s))
			return
		}
	}
	if digits < 7 || digits > 15 {
		c.errorf(c.at(ptr), "'%s' has %d digits, but a phone number with its country code has 7 to 15 — got %s", key, digits, quoteValue(s))
	} else if s[0] != '+' {
		c.warnf(c.at(ptr), "'%s' has no country code — start it with + and the country code, like +1 555 0100, so it can be dialled from anywhere", key)
	}
}

// image checks a picture: a file and the words a screen reader says for it.
func (c *checker) image(img *Image, key string) {
	if img == nil || c.broken(img) {
		return
	}
	noun := "'" + key + "'"
	if c.required(img.Src, &img.Src, img, noun, "src", "the picture's file, such as assets/photo.jpg") {
		img.Asset = c.asset(img.Src, c.at(&img.Src), "src", true)
	}
	alt := strings.ToLower(strings.TrimSpace(img.Alt))
	for _, p := range []string{"image of", "picture of", "photo of", "photograph of"} {
		if strings.HasPrefix(alt, p) {
			c.warnf(c.at(&img.Alt), "'alt' need not start with %s — screen readers already say it is a picture: describe what it shows", quoteValue(img.Alt[:len(p)]))
		}
	}
	if _, ok := fileTypes[path.Ext(alt)]; ok && !strings.Contains(alt, " ") {
		c.warnf(c.at(&img.Alt), "'alt' looks like a file name — describe what the picture shows, for people who cannot see it")
	}
	if alt == "" && !c.misspelt(img, "alt") {
		if c.seen(&img.Alt) {
			c.errorf(c.at(&img.Alt), "'alt' is empty — describe the picture for people who cannot see it")
		} else {
			c.errorf(c.at(img), "%s has no alt text — add alt: describing the picture for people who cannot see it", noun)
		}
	}
}

// htmlTag finds an HTML tag in a stretch of raw HTML, to quote it.
var htmlTag = regexp.MustCompile(`</?[A-Za-z][A-Za-z0-9-]*`)

// markdown warns about raw HTML in a Markdown setting: pages drop it, so what
// the organiser wrote would silently not appear. HTML comments are fine.
func (c *checker) markdown(s string, ptr any, key string) {
	if !strings.Contains(s, "<") {
		return
	}
	src := []byte(s)
	doc := goldmark.DefaultParser().Parse(text.NewReader(src))
	var found string
	offset := 0 // of the HTML in s
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering || found != "" {
			return ast.WalkContinue, nil
		}
		var raw strings.Builder
		switch n := n.(type) {
		case *ast.RawHTML:
			if n.Segments.Len() > 0 {
				offset = n.Segments.At(0).Start
			}
			for i := range n.Segments.Len() {
				seg := n.Segments.At(i)
				raw.Write(seg.Value(src))
			}
		case *ast.HTMLBlock:
			if n.Lines().Len() > 0 {
				offset = n.Lines().At(0).Start
			}
			for i := range n.Lines().Len() {
				seg := n.Lines().At(i)
				raw.Write(seg.Value(src))
			}
		default:
			return ast.WalkContinue, nil
		}
		if loc := htmlTag.FindStringIndex(raw.String()); loc != nil {
			found = raw.String()[loc[0]:loc[1]] + ">"
			offset += loc[0]
		}
		return ast.WalkContinue, nil
	})
	if found != "" {
		c.warnf(c.inText(ptr, s, offset), "'%s' contains HTML (%s), which is not shown on the page — use Markdown instead, such as **bold**, *italic* or [a link](https://example.org)", key, found)
	}
}

// inText is the position of byte offset in the text s that ptr points to:
// exact for a literal block (|), whose lines are the file's lines, else the
// position of the value.
func (c *checker) inText(ptr any, s string, offset int) where {
	w := c.at(ptr)
	v := reflect.ValueOf(ptr)
	if w.Line == 0 || offset > len(s) || !c.l.literal[posKey{v.Pointer(), v.Type().Elem()}] {
		return w
	}
	before := s[:offset]
	lineStart := strings.LastIndexByte(before, '\n') + 1
	valueLine := s[lineStart:]
	if i := strings.IndexByte(valueLine, '\n'); i >= 0 {
		valueLine = valueLine[:i]
	}
	line := w.Line + 1 + strings.Count(before, "\n")
	src := (&decoder{src: c.l.sources[w.File]}).line(line)
	if !strings.HasSuffix(src, valueLine) {
		return w // not laid out as expected (indentation indicator, tabs …)
	}
	indent := utf8.RuneCountInString(src) - utf8.RuneCountInString(valueLine)
	return where{w.File, line, indent + utf8.RuneCountInString(before[lineStart:]) + 1}
}

// enum checks a setting that takes one of a few words; empty means the default.
func (c *checker) enum(val string, ptr any, key string, options []string) {
	if val != "" && !slices.Contains(options, val) {
		c.errorf(c.at(ptr), "%s", enumMessage(key, val, options))
	}
}

var hashtagChars = func(r rune) bool {
	return unicode.IsLetter(r) || unicode.IsDigit(r) || r == '_' || unicode.Is(unicode.Mn, r)
}

// hashtagFix writes a hashtag the way it was meant: without #, its words
// joined, each starting with a capital (which screen readers also read better).
func hashtagFix(t string) string {
	var b strings.Builder
	for _, w := range strings.FieldsFunc(t, func(r rune) bool { return !hashtagChars(r) }) {
		r, size := utf8.DecodeRuneInString(w)
		b.WriteRune(unicode.ToUpper(r))
		b.WriteString(w[size:])
	}
	return b.String()
}

func (c *checker) hashtags(tags []string) {
	for i := range tags {
		t := strings.TrimSpace(tags[i])
		w := c.at(&tags[i])
		switch {
		case c.l.hasErrorAt(w):
			// not text; already reported
		case t == "" || t == "#":
			c.errorf(w, "this hashtag is empty — write the tag, or remove the line")
		case strings.HasPrefix(t, "#"):
			c.errorf(w, "write hashtags without the # (Placard adds it) — write %s", hashtagFix(t))
		case strings.ContainsFunc(t, func(r rune) bool { return !hashtagChars(r) }):
			c.errorf(w, "hashtag %s can only have letters, digits and _ — a hashtag ends at the first space or other character; write %s", quoteValue(t), hashtagFix(t))
		}
	}
}

func (c *checker) checkCampaign(camp *Campaign) {
	if !c.seen(camp) {
		return // the file could not be read or parsed; already reported
	}
	c.required(camp.Title, &camp.Title, camp, "campaign", "title", "the campaign's headline")
	if c.required(camp.Summary, &camp.Summary, camp, "campaign", "summary", "one or two sentences for cards and share previews") {
		if n := utf8.RuneCountInString(strings.TrimSpace(camp.Summary)); n > 200 {
			c.warnf(c.at(&camp.Summary), "'summary' is %d characters — keep it under 200 so it fits on cards and share previews", n)
		}
	}
	if camp.Date.IsZero() && !c.misspelt(camp, "date") {
		if !c.seen(&camp.Date) {
			c.errorf(c.at(camp), "campaign has no 'date' — add date: with the day it is published, like 2026-02-10")
		} else if w := c.at(&camp.Date); !c.l.hasErrorAt(w) {
			c.errorf(w, "'date' is empty — write the day the campaign is published, like 2026-02-10")
		}
	}
	c.enum(string(camp.Status), &camp.Status, "status", []string{string(StatusPublished), string(StatusDraft), string(StatusClosed), string(StatusVictory)})
	c.enum(string(camp.Layout), &camp.Layout, "layout", []string{string(LayoutSections), string(LayoutSteps)})
	c.nameFields(&camp.NameFields)
	c.enum(string(camp.Typography), &camp.Typography, "typography", Typographies)
	c.placeholders(camp)
	if !camp.CloseAt.IsZero() && !camp.Date.IsZero() && camp.CloseAt.Before(camp.Date) {
		c.errorf(c.at(&camp.CloseAt), "'close_at' (%s) is before the campaign's 'date' (%s), so it would close before it opens — check both dates", dateText(camp.CloseAt), dateText(camp.Date))
	}
	if !camp.PublishAt.IsZero() && !camp.CloseAt.IsZero() && camp.CloseAt.Before(camp.PublishAt) {
		c.errorf(c.at(&camp.PublishAt), "'publish_at' (%s) is after 'close_at' (%s), so the campaign would close before it appears — move publish_at earlier or close_at later", dateText(camp.PublishAt), dateText(camp.CloseAt))
	}
	camp.RetentionDays = c.retention(camp.Retention, &camp.Retention)
	c.emailSettings(camp.Email)
	camp.Confirm, camp.UnconfirmedDays = camp.Email.Resolve(camp.Org)
	if camp.RetentionDays == 0 && strings.TrimSpace(camp.Retention) == "" && camp.Org != nil {
		camp.RetentionDays, _ = ParseRetention(camp.Org.Retention)
	}
	if camp.RetentionDays > 0 && camp.CloseAt.IsZero() && (camp.Status == StatusClosed || camp.Status == StatusVictory) {
		c.warnf(c.at(&camp.Status), "retention counts from 'close_at', and this %s campaign has none, so its signatures are kept until you erase them — add close_at: with the day it closed, like 2026-02-10", camp.Status)
	}
	if (camp.Status == StatusClosed || camp.Status == StatusVictory) && strings.TrimSpace(string(camp.Outcome)) == "" {
		c.warnf(c.at(&camp.Status), "a %s campaign should say how it ended — add outcome: with a few words readers see at the top", camp.Status)
	}
	c.markdown(string(camp.Outcome), &camp.Outcome, "outcome")
	c.markdown(string(camp.Body), &camp.Body, "body")
	c.image(camp.Image, "image")
	if img := camp.Image; img != nil && img.Asset != nil && img.Asset.Width > 0 && (img.Asset.Width < 1200 || img.Asset.Height < 630) {
		c.warnf(c.at(&img.Src), "%s is %d × %d pixels — a campaign's picture is shown when the page is shared, so make it at least 1200 × 630 or it will look blurred", img.Asset.Path, img.Asset.Width, img.Asset.Height)
	}
	c.hashtags(camp.Hashtags)
	for i := range camp.Related {
		c.related(camp, &camp.Related[i])
	}
	if len(camp.Actions) == 0 && !c.misspelt(camp, "actions") && !c.broken(&camp.Actions) {
		c.errorf(c.at(&camp.Actions, camp), "campaign has no calls to action — add actions: with at least one, such as a petition or a share")
	}
	ids := map[string]*Action{}
	for i := range camp.Actions {
		a := &camp.Actions[i]
		if a.ID != "" {
			if !isSlug(a.ID) {
				c.errorf(c.at(&a.ID), "'id' is part of the page's address (#%s), so it can only use lower-case letters a–z, digits and hyphens — %s", a.ID, renameHint(a.ID, ""))
			} else if prev := ids[a.ID]; prev != nil {
				c.errorf(c.at(&a.ID), "id '%s' is already used by the call to action on line %d — give each one its own id", a.ID, c.at(&prev.ID).Line)
			} else {
				ids[a.ID] = a
			}
		}
		c.action(camp, a)
	}
}

func dateText(t time.Time) string {
	if t.Hour() == 0 && t.Minute() == 0 && t.Second() == 0 {
		return t.Format(time.DateOnly)
	}
	return t.Format(time.RFC3339)
}

// related checks a link to another campaign and resolves its Target.
func (c *checker) related(camp *Campaign, r *Related) {
	if c.broken(r) {
		return
	}
	if strings.TrimSpace(r.Campaign) == "" {
		if c.required(r.Title, &r.Title, r, "this related link", "title", "the page's headline (or write campaign: with a campaign's name)") {
			c.required(r.Link, &r.Link, r, "this related link", "link", "the page's address")
		}
		c.url(r.Link, &r.Link, "link")
		return
	}
	if r.Title != "" || r.Link != "" {
		c.errorf(c.at(r), "a related link is either one of this site's campaigns (campaign:) or an outside page (title: and link:), not both — remove one")
		return
	}
	orgSlug, slug, other := strings.Cut(strings.TrimSpace(r.Campaign), "/")
	if !other {
		orgSlug, slug = camp.Org.Slug, orgSlug
	}
	var target *Org
	// every lists the site's campaigns for a suggestion, only when one is
	// needed: listing them for each related link made loading a few
	// thousand campaigns quadratic.
	every := func() []string {
		var names []string
		for _, of := range c.l.orgs {
			for _, x := range of.org.Campaigns {
				if !c.l.opts.hides(camp.Org.Slug, x) {
					names = append(names, of.org.Slug+"/"+x.Slug)
				}
			}
		}
		return names
	}
	for _, of := range c.l.orgs {
		if of.org.Slug == orgSlug {
			target = of.org
		}
	}
	if target == nil {
		msg := fmt.Sprintf("related campaign %s names the organisation %s, but there is no folder %s", quoteValue(r.Campaign), quoteValue(orgSlug), c.l.display(orgSlug))
		if s := suggest(r.Campaign, every()); s != "" {
			msg += " — did you mean " + quoteValue(s) + "?"
		}
		c.errorf(c.at(&r.Campaign), "%s", msg)
		return
	}
	var names []string
	for _, x := range target.Campaigns {
		if c.l.opts.hides(camp.Org.Slug, x) {
			continue // as if it did not exist (LoadOptions.Reader)
		}
		if x.Slug == slug {
			r.Target = x
		}
		if !other {
			names = append(names, x.Slug)
		}
	}
	switch {
	case r.Target == nil:
		msg := fmt.Sprintf("related campaign %s does not exist: there is no %s", quoteValue(r.Campaign), c.l.display(orgSlug+"/"+slug+".yaml"))
		if other {
			names = every()
		}
		if s := suggest(r.Campaign, names); s != "" {
			msg += " — did you mean " + quoteValue(s) + "?"
		} else {
			msg += " — write the campaign's file name without .yaml, and org/name for another organisation's"
		}
		c.errorf(c.at(&r.Campaign), "%s", msg)
	case r.Target == camp:
		c.errorf(c.at(&r.Campaign), "a campaign cannot be related to itself — remove %s", quoteValue(r.Campaign))
	case r.Target.Status == StatusDraft:
		c.warnf(c.at(&r.Campaign), "related campaign %s is a draft, so the link will not be shown until it is published", quoteValue(r.Campaign))
	}
}

func (c *checker) action(camp *Campaign, a *Action) {
	c.markdown(string(a.Text), &a.Text, "text")
	switch {
	case a.Statement != nil:
		s := a.Statement
		c.required(string(s.Body), &s.Body, a, "statement", "body", "the statement's text")
		c.markdown(string(s.Body), &s.Body, "body")
		if !s.Date.IsZero() && !camp.Date.IsZero() {
			if gap := s.Date.Sub(camp.Date); gap > 366*24*time.Hour || gap < -366*24*time.Hour {
				c.warnf(c.at(&s.Date), "the statement's 'date' (%s) is more than a year from the campaign's 'date' (%s) — check the year", dateText(s.Date), dateText(camp.Date))
			}
		}
		if s.MediaContact != nil {
			c.person(s.MediaContact, "media_contact")
		} else if c.of.org.MediaContact == nil && !c.misspelt(a, "media_contact") {
			c.warnf(c.at(a), "this statement has no media contact — add media_contact: here or in %s, so journalists know whom to call", c.of.org.File)
		}
	case a.Letter != nil:
		lt := a.Letter
		c.required(string(lt.Body), &lt.Body, a, "letter", "body", "the letter's text")
		if len(lt.Organisations) == 0 && len(lt.Individuals) == 0 && !lt.Signing && !c.misspelt(a, "organisations") && !c.misspelt(a, "individuals") {
			c.errorf(c.at(&lt.Organisations, &lt.Individuals, a), "a letter needs at least one signatory — add organisations: (or individuals:) with the name of each who signed")
		}
		c.markdown(string(lt.Body), &lt.Body, "body")
		for i := range lt.Organisations {
			c.signatory(&lt.Organisations[i])
		}
		for i := range lt.Individuals {
			c.signatory(&lt.Individuals[i])
		}
		c.letterSigning(lt)
	case a.Petition != nil:
		p := a.Petition
		c.required(p.Target, &p.Target, a, "petition", "target", "who the petition is addressed to")
		c.required(string(p.Text), &p.Text, a, "petition", "text", "what signers ask for")
		c.markdown(string(p.Text), &p.Text, "text")
		if p.Goal < 0 || p.Goal == 0 && c.seen(&p.Goal) && !c.l.hasErrorAt(c.at(&p.Goal)) {
			c.errorf(c.at(&p.Goal), "'goal' must be more than 0 — write the number of signatures you aim for, like 5000")
		}
		c.fields(&p.Fields, false)
		c.consent(p.Consent, &p.Consent)
	case a.Contact != nil:
		c.contact(a, a.Contact)
	case a.Share != nil:
		c.share(camp, a.Share)
	case a.Listen != nil:
		l := a.Listen
		if len(l.Items) == 0 && strings.TrimSpace(string(a.Text)) == "" && !c.broken(&l.Items) && !c.misspelt(a, "items") {
			c.errorf(c.at(&l.Items, a), "a listen action needs something to listen to — add items: with a title and link for each recording or statement, or text: with a link in it")
		}
		for i := range l.Items {
			it := &l.Items[i]
			if c.broken(it) {
				continue
			}
			c.required(it.Title, &it.Title, it, "this item", "title", "the recording's or statement's title")
			c.required(it.Link, &it.Link, it, "this item", "link", "its address")
			c.url(it.Link, &it.Link, "link")
			c.enum(it.Format, &it.Format, "format", MediaFormats)
		}
	case a.Engage != nil:
		e := a.Engage
		if len(e.Organisations) == 0 && len(c.of.org.Members) == 0 && strings.TrimSpace(string(a.Text)) == "" && !c.broken(&e.Organisations) && !c.misspelt(a, "organisations") {
			c.errorf(c.at(&e.Organisations, a), "an engage action needs organisations to show — add organisations: here, or members: to %s, or text: with a link to a directory elsewhere", c.of.org.File)
		}
		for i := range e.Organisations {
			c.member(&e.Organisations[i])
		}
	case a.Donate != nil:
		c.donate(a, a.Donate)
	case a.Resources != nil:
		r := a.Resources
		if len(r.Items) == 0 && !c.broken(&r.Items) && !c.misspelt(a, "items") {
			c.errorf(c.at(&r.Items, a), "a resources action needs at least one document — add items: with a title and a link or file for each")
		}
		for i := range r.Items {
			it := &r.Items[i]
			if c.broken(it) {
				continue
			}
			hasLink, hasFile := strings.TrimSpace(it.Link) != "", strings.TrimSpace(it.File) != ""
			switch {
			case hasLink && hasFile:
				c.errorf(c.at(&it.File), "a document has either a 'link' (on another site) or a 'file' (in your folder), not both — remove one")
			case !hasLink && !hasFile:
				c.errorf(c.at(it), "this document needs a 'link' (an address on another site) or a 'file' (such as assets/report.pdf) — add one")
			case hasLink:
				c.url(it.Link, &it.Link, "link")
			default:
				it.Asset = c.asset(it.File, c.at(&it.File), "file", false)
			}
		}
	}
}

// letterSigning checks the settings that open a letter to more signatures:
// a positive goal, the fields and the consent text, none of which means
// anything unless signing is on.
func (c *checker) letterSigning(lt *Letter) {
	if lt.Goal < 0 || lt.Goal == 0 && c.seen(&lt.Goal) && !c.l.hasErrorAt(c.at(&lt.Goal)) {
		c.errorf(c.at(&lt.Goal), "'goal' must be more than 0 — write the number of names you aim for, like 500")
	}
	c.fields(&lt.Fields, true)
	c.consent(lt.Consent, &lt.Consent)
	if lt.Signing {
		return
	}
	for _, s := range []struct {
		key string
		ptr any
	}{{"goal", &lt.Goal}, {"fields", &lt.Fields}, {"consent", &lt.Consent}} {
		if c.seen(s.ptr) && !c.l.hasErrorAt(c.at(s.ptr)) {
			c.errorf(c.at(s.ptr), "'%s' applies only to a letter that takes signatures — add signing: true to this letter, or remove %s:", s.key, s.key)
		}
	}
}

// FieldRules are the words a signing field's rule can be.
var FieldRules = []string{string(FieldRequired), string(FieldOptional)}

// fields checks a signing form's field rules: each required or optional;
// organisation and role only on letters, where organisations sign on.
func (c *checker) fields(f *Fields, letter bool) {
	for _, r := range []struct {
		key  string
		rule *FieldRule
	}{
		{"name", &f.Name}, {"email", &f.Email}, {"postcode", &f.Postcode}, {"country", &f.Country},
		{"phone", &f.Phone}, {"comment", &f.Comment}, {"organisation", &f.Organisation}, {"role", &f.Role},
	} {
		if c.broken(r.rule) {
			continue
		}
		if !letter && (r.key == "organisation" || r.key == "role") && c.seen(r.rule) {
			c.errorf(c.at(r.rule), "a petition cannot ask for '%s' — organisations sign open letters; remove %s: here, or use a letter with signing: true", r.key, r.key)
			continue
		}
		v := string(*r.rule)
		if v == "" && c.seen(r.rule) {
			c.errorf(c.at(r.rule), "'%s' is empty — write required or optional, or remove %s: to not ask for it", r.key, r.key)
			continue
		}
		c.enum(v, r.rule, r.key, FieldRules)
		if r.key == "email" && v == string(FieldOptional) {
			c.errorf(c.at(r.rule), "'email' cannot be optional: Placard keeps one signature per address and finds a signer's signatures by it to erase them on request — write email: required, or remove email:")
		}
	}
}

// consentLimit is the most characters a consent sentence may have: it sits
// beside a checkbox, and longer terms belong in the privacy policy.
const consentLimit = 500

// consent checks a consent text, shown as plain text beside the consent box.
func (c *checker) consent(s string, ptr *string) {
	if !c.seen(ptr) || c.l.hasErrorAt(c.at(ptr)) {
		return
	}
	t := strings.TrimSpace(s)
	switch {
	case t == "":
		c.errorf(c.at(ptr), "'consent' is empty — write the sentence signers agree to, such as \"We may email you about this campaign. You can unsubscribe at any time.\"")
	case utf8.RuneCountInString(t) > consentLimit:
		c.errorf(c.at(ptr), "'consent' is %d characters long — keep it to %d or fewer and link the details from privacy_policy in org.yaml", utf8.RuneCountInString(t), consentLimit)
	case consentTag.MatchString(t):
		c.errorf(c.at(ptr), "'consent' is shown as plain text, so HTML in it would appear as code — remove the tags and put links in privacy_policy")
	case strings.ContainsAny(t, "\n\r"):
		c.warnf(c.at(ptr), "'consent' is shown as one sentence beside a checkbox, so its line breaks are dropped — write it on one line, or use > instead of |")
	}
}

// retention checks a retention setting and returns it in days (0 when it
// is absent or wrong).
func (c *checker) retention(s string, ptr *string) int {
	if !c.seen(ptr) || c.l.hasErrorAt(c.at(ptr)) {
		return 0
	}
	days, ok := ParseRetention(s)
	if !ok {
		c.errorf(c.at(ptr), "'retention' must be a number of days, weeks or years after the campaign closes, such as 180d, 26w or 2y — not %s", quoteValue(s))
		return 0
	}
	if days < 1 || days > maxRetentionDays {
		c.errorf(c.at(ptr), "'retention' must be between 1d and 100y — %s is not; remove it to keep signatures until you erase them", quoteValue(s))
		return 0
	}
	return days
}

// maxRetentionDays is the longest retention accepted: 100 years.
const maxRetentionDays = 100 * 365

// retentionForm is a retention as written: a whole number and a unit.
var retentionForm = regexp.MustCompile(`^([0-9]{1,6})\s*([dwy])$`)

// ParseRetention reads a retention such as 180d, 26w or 2y (a year is 365
// days) and returns it in days; ok is false for anything else, and for an
// empty string (no retention).
func ParseRetention(s string) (days int, ok bool) {
	m := retentionForm.FindStringSubmatch(strings.ToLower(strings.TrimSpace(s)))
	if m == nil {
		return 0, false
	}
	n, err := strconv.Atoi(m[1])
	if err != nil {
		return 0, false
	}
	return n * map[string]int{"d": 1, "w": 7, "y": 365}[m[2]], true
}

// contactPermission checks the optional box's sentence like a consent
// sentence: plain text on one line, not empty when given, not too long.
func (c *checker) contactPermission(s string, ptr *string) {
	if !c.seen(ptr) || c.l.hasErrorAt(c.at(ptr)) {
		return
	}
	t := strings.TrimSpace(s)
	switch {
	case t == "":
		c.errorf(c.at(ptr), "'contact_permission' is empty — write the sentence signers may tick to be kept informed, such as \"Keep me informed about our work for renters.\", or remove the setting to show no such box")
	case utf8.RuneCountInString(t) > consentLimit:
		c.errorf(c.at(ptr), "'contact_permission' is %d characters long — keep it to %d or fewer and link the details from privacy_policy", utf8.RuneCountInString(t), consentLimit)
	case consentTag.MatchString(t):
		c.errorf(c.at(ptr), "'contact_permission' is shown as plain text, so HTML in it would appear as code — remove the tags and put links in privacy_policy")
	case strings.ContainsAny(t, "\n\r"):
		c.warnf(c.at(ptr), "'contact_permission' is shown as one sentence beside a checkbox, so its line breaks are dropped — write it on one line, or use > instead of |")
	}
}

// consentTag finds a whole HTML tag in a consent sentence.
var consentTag = regexp.MustCompile(`</?[a-zA-Z][a-zA-Z0-9]*(\s[^<>]*)?/?>`)

func (c *checker) signatory(s *Signatory) {
	if c.broken(s) {
		return
	}
	c.required(s.Name, &s.Name, s, "this signatory", "name", "the organisation's or person's name")
	c.url(s.Link, &s.Link, "link")
	c.image(s.Logo, "logo")
}

func (c *checker) contact(a *Action, ct *Contact) {
	fromFiles := c.contactTargets(a, ct)
	c.contactSend(ct)
	if fromFiles {
		// Targets from files were checked there, at their rows.
		c.markdown(string(ct.Script), &ct.Script, "script")
		return
	}
	if len(ct.Targets) == 0 && !c.broken(&ct.Targets) && !c.misspelt(a, "targets") {
		c.errorf(c.at(&ct.Targets, a), "a contact action needs at least one target — add targets: with each decision-maker's name and phone or email")
	}
	withRegion := 0
	for i := range ct.Targets {
		t := &ct.Targets[i]
		if c.broken(t) {
			continue
		}
		c.required(t.Name, &t.Name, t, "this target", "name", "the decision-maker's name")
		if strings.TrimSpace(t.Phone) == "" && strings.TrimSpace(t.Email) == "" {
			c.errorf(c.at(t), "this target needs a 'phone' or an 'email' — add at least one so supporters can reach them")
		}
		c.phone(t.Phone, &t.Phone, "phone")
		c.email(t.Email, &t.Email, "email")
		if strings.TrimSpace(t.Region) != "" {
			withRegion++
		}
	}
	if withRegion > 0 && withRegion < len(ct.Targets) {
		for i := range ct.Targets {
			if t := &ct.Targets[i]; strings.TrimSpace(t.Region) == "" {
				c.warnf(c.at(t), "this target has no 'region' while others do, so readers who pick their region will not see it — add region:")
			}
		}
	}
	c.markdown(string(ct.Script), &ct.Script, "script")
}

var amountParam = regexp.MustCompile(`^[A-Za-z0-9_.\-\[\]]+$`)

func (c *checker) donate(a *Action, d *Donate) {
	if len(d.Destinations) == 0 && strings.TrimSpace(c.of.org.Donate) == "" && strings.TrimSpace(string(a.Text)) == "" && !c.broken(&d.Destinations) && !c.misspelt(a, "destinations") {
		c.errorf(c.at(&d.Destinations, a), "a donate action needs somewhere to give — add destinations: with a name and link, or donate: with your donation page to %s, or text: with a link", c.of.org.File)
	}
	for i := range d.Destinations {
		dst := &d.Destinations[i]
		if c.broken(dst) {
			continue
		}
		c.required(dst.Name, &dst.Name, dst, "this destination", "name", "who receives the gift")
		c.required(dst.Link, &dst.Link, dst, "this destination", "link", "the donation page's address")
		c.url(dst.Link, &dst.Link, "link")
		if dst.AmountParam != "" && !amountParam.MatchString(dst.AmountParam) {
			c.errorf(c.at(&dst.AmountParam), "'amount_param' must be the name of the donation page's amount setting as it appears in its address, such as amount — got %s", quoteValue(dst.AmountParam))
		}
	}
	for i, n := range d.Amounts {
		if n <= 0 && !c.l.hasErrorAt(c.at(&d.Amounts[i])) {
			c.errorf(c.at(&d.Amounts[i]), "each of 'amounts' must be more than 0 — got %d", n)
		}
	}
	if cur := strings.TrimSpace(d.Currency); cur != "" {
		if len(cur) == 3 && strings.ToUpper(cur) != cur {
			c.errorf(c.at(&d.Currency), "'currency' is written in capital letters — write %s", strings.ToUpper(cur))
		} else if _, err := currency.ParseISO(cur); err != nil || len(cur) != 3 {
			c.errorf(c.at(&d.Currency), "'currency' must be a three-letter currency code, such as USD, EUR or GBP — got %s", quoteValue(cur))
		}
	} else if len(d.Amounts) > 0 && !c.misspelt(a, "currency") {
		c.errorf(c.at(&d.Amounts), "'amounts' need a 'currency' — add currency: with its three-letter code, such as USD or EUR")
	}
}

// linkLength is what a link counts for in a share message. X and Mastodon
// count every address as 23 characters however long it is. Bluesky counts
// an address as written, but the campaign's own address is only known when
// the site is served, so Placard counts 23 there too: the campaign link
// ({link}, or the link added after the message) and any address written in
// the message itself count 23 on each of the three networks. The hashtags
// pages add to the message (WithHashtags) count as written.
const linkLength = 23

var urlInText = regexp.MustCompile(`https?://[^\s]+`)

// shareLength counts a message as the networks do: characters (not bytes),
// with links counted as linkLength. Without {link}, the campaign link is
// added after a space.
func shareLength(msg string) int {
	msg = strings.TrimSpace(msg)
	placeholder := strings.Repeat("x", linkLength)
	msg = urlInText.ReplaceAllString(msg, placeholder)
	if strings.Contains(msg, "{link}") {
		msg = strings.ReplaceAll(msg, "{link}", placeholder)
	} else {
		msg += " " + placeholder
	}
	return utf8.RuneCountInString(msg)
}

// shareLimits are the networks whose messages have a length limit.
var shareLimits = []struct {
	network Network
	name    string
	limit   int
}{
	{NetworkX, "X", 280},
	{NetworkBluesky, "Bluesky", 300},
	{NetworkMastodon, "Mastodon", 500},
}

// linkLike finds what an organiser may have meant as the link placeholder:
// a word or two in braces, single or doubled, such as {url}, {Link} or {{link}}.
var linkLike = regexp.MustCompile(`\{+ *[A-Za-z_][A-Za-z_ ]{0,19} *\}+`)

// sharePlaceholders warns about a brace placeholder other than {link} in a
// share message. Pages put the campaign's address where {link} is and add it
// after a message without one, so every share carries the link and a message
// without {link} is fine; but {url} or {Link} is shown as written, braces and
// all, beside the link.
func (c *checker) sharePlaceholders(m *ShareMessages) {
	for _, f := range shareKeys(m) {
		for i := range *f.list {
			ptr := &(*f.list)[i]
			if *ptr == "" || !c.seen(ptr) {
				continue
			}
			for _, loc := range linkLike.FindAllStringIndex(*ptr, -1) {
				if got := (*ptr)[loc[0]:loc[1]]; got != "{link}" {
					c.warnf(c.inText(ptr, *ptr, loc[0]), "the '%s' message has %s, which is shown as written — write {link} where the campaign's address goes, or leave it out and the address is added at the end", f.key, got)
				}
			}
		}
	}
}

// maxShareVariants bounds how many messages one network may rotate
// through: each is a full rendering of the page, kept in memory.
const maxShareVariants = 10

// shareKeys lists the message settings with their keys, in page order.
func shareKeys(m *ShareMessages) []struct {
	key  string
	list *ShareText
} {
	return []struct {
		key  string
		list *ShareText
	}{
		{"default", &m.Default}, {"x", &m.X}, {"bluesky", &m.Bluesky}, {"mastodon", &m.Mastodon},
		{"facebook", &m.Facebook}, {"linkedin", &m.LinkedIn}, {"whatsapp", &m.WhatsApp},
		{"telegram", &m.Telegram}, {"email", &m.Email},
	}
}

func (c *checker) share(camp *Campaign, s *Share) {
	c.hashtags(s.Hashtags)
	m := &s.Messages
	c.sharePlaceholders(m)
	for _, f := range shareKeys(m) {
		if n := len(*f.list); n > maxShareVariants {
			c.errorf(c.at(f.list), "'%s' has %d messages — pages rotate through at most %d, so remove %d", f.key, n, maxShareVariants, n-maxShareVariants)
		}
		for i := range *f.list {
			if strings.TrimSpace((*f.list)[i]) == "" && len(*f.list) > 1 && !c.broken(&(*f.list)[i]) {
				c.errorf(c.at(&(*f.list)[i], f.list), "message %d of '%s' is empty — write the message or remove the empty '- ' line", i+1, f.key)
			}
		}
	}
	// Group the networks a message is too long for by the message, so a
	// long default is one problem, not three.
	type over struct {
		names []string
		keys  []string
		limit int
		from  string // "own", "default" or "summary"
		msg   string
	}
	var order []*string
	overs := map[*string]*over{}
	tags := camp.Hashtags
	if len(s.Hashtags) > 0 {
		tags = s.Hashtags
	}
	counting := fmt.Sprintf("counting the link as %d", linkLength)
	if len(tags) > 0 {
		counting += " and the hashtags Placard adds"
	}
	length := func(msg string) int { return shareLength(WithHashtags(msg, tags)) }
	for _, n := range shareLimits {
		var list []*string
		from := "own"
		var own *ShareText
		switch n.network {
		case NetworkX:
			own = &m.X
		case NetworkBluesky:
			own = &m.Bluesky
		case NetworkMastodon:
			own = &m.Mastodon
		}
		if len(*own) == 0 {
			own, from = &m.Default, "default"
		}
		for i := range *own {
			list = append(list, &(*own)[i])
		}
		if len(list) == 0 {
			list, from = []*string{&camp.Summary}, "summary"
		}
		for _, ptr := range list {
			msg := *ptr
			if strings.TrimSpace(msg) == "" || length(msg) <= n.limit {
				continue
			}
			o := overs[ptr]
			if o == nil {
				o = &over{limit: n.limit, from: from, msg: msg}
				overs[ptr] = o
				order = append(order, ptr)
			}
			o.names = append(o.names, fmt.Sprintf("%s's %d", n.name, n.limit))
			o.keys = append(o.keys, string(n.network))
			o.limit = min(o.limit, n.limit)
		}
	}
	for _, ptr := range order {
		o := overs[ptr]
		msg := o.msg
		switch o.from {
		case "own":
			c.errorf(c.at(ptr), "this message is %d characters (%s), over %s — shorten it by %d", length(msg), counting, andList(o.names), length(msg)-o.limit)
		case "default":
			c.errorf(c.at(ptr), "the 'default' message is %d characters (%s), over %s — shorten it by %d, or write shorter %s messages", length(msg), counting, andList(o.names), length(msg)-o.limit, andList(o.keys))
		default:
			c.errorf(c.at(&s.Messages, ptr), "the share action uses the campaign's 'summary' as its message, and at %d characters (%s) it is over %s — add messages: with a shorter default", length(msg), counting, andList(o.names))
		}
	}
}

// applyDefaults fills in what organisers may leave out, after validation so
// that messages speak of what was written.
func applyDefaults(o *Org) {
	normaliseLangs(o)
	if o.Language == "" {
		o.Language = "en"
	}
	if o.Colours.Accent == "" {
		o.Colours.Accent = o.Colours.Primary
	}
	if o.Delivery == "" {
		o.Delivery = DeliveryCount
	}
	for _, camp := range o.Campaigns {
		if camp.Status == "" {
			camp.Status = StatusPublished
		}
		if camp.Layout == "" {
			camp.Layout = LayoutSections
		}
		splitNames(o, camp)
		taken := map[string]bool{}
		for _, a := range camp.Actions {
			taken[a.ID] = a.ID != ""
		}
		for i := range camp.Actions {
			a := &camp.Actions[i]
			if s := a.Statement; s != nil {
				if s.Date.IsZero() {
					s.Date = camp.Date
				}
				if s.MediaContact == nil {
					s.MediaContact = o.MediaContact
				}
			}
			if a.ID != "" {
				continue
			}
			base := string(a.Kind)
			if !isSlug(base) {
				base = "action"
			}
			id := base
			for n := 2; taken[id]; n++ {
				id = base + "-" + strconv.Itoa(n)
			}
			a.ID = id
			taken[id] = true
		}
	}
}
