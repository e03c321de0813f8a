package site

import (
	"bytes"
	"context"
	"crypto/sha256"
	"crypto/sha512"
	"embed"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"html"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/placard/placard/internal/campaign"
	"github.com/placard/placard/internal/pagecache"
	"github.com/placard/placard/views"
)

// Embeds: a campaign's main call to action in a minimal page that partner
// sites frame (GET /{org}/{campaign}/embed), with the signing form posting
// inside the frame (POST …/embed/sign → …/embed/thanks), two small scripts
// that size the frame to its content, the snippet organisers hand to
// partners, and the oEmbed answer that lets content systems find it.
//
// Framing is the one thing the rest of the site forbids: every other
// response carries frame-ancestors 'none' and X-Frame-Options: DENY. An
// embed response lists exactly the origins the organisation wrote in
// org.yaml's embed_origins and drops X-Frame-Options; an organisation that
// lists none has no embeds, and the address answers 403 saying so.

//go:embed embedjs/frame.js embedjs/partner.js
var embedJS embed.FS

// OtherSites is what a snapshot offers other sites: embeds and their
// scripts, oEmbed data, Atom feeds, the sitemap and robots.txt.
type OtherSites struct {
	// frameScript is the address of the script inside the embed that posts
	// its height; partnerScript the content-hashed address of the script
	// partners load (/static/embed-HASH.js), and partnerSRI its
	// Subresource Integrity value (sha384-…).
	frameScript, partnerScript, partnerSRI string
	// Embeds holds the embeddable campaigns by campaign path ("/org/slug").
	Embeds map[string]*Embed
	// Pages holds the embed pages of campaigns that take no signatures on
	// this server, by embed path ("/org/slug/embed"); live campaigns keep
	// theirs in SigningPages.Embed.
	Pages map[string]*pagecache.Response
	// Thanks holds the embed thank-you pages of live campaigns: campaign
	// path → outcome → page.
	Thanks map[string]map[string]*pagecache.Response
	// Feeds holds each organisation's Atom feed by path ("/org/feed.atom").
	Feeds map[string]*pagecache.Response
	// Sitemap and robots are /sitemap.xml and /robots.txt.
	Sitemap, Robots *pagecache.Response

	// props remembers campaign page props while the snapshot is built, so
	// the feed and the embeds render each campaign's Markdown once between
	// them; addSyndication empties it.
	props map[*campaign.Campaign]views.CampaignPageProps
}

// remember keeps, for the feed and the embeds (plainProps), c's page props
// cp just made for its page: all of them when c's organisation allows
// embeds, else only what the feed reads (the page's address and
// description, each action's id, title and statement), so the build
// neither makes each campaign's props twice nor holds them all until
// the end.
func (b *builder) remember(c *campaign.Campaign, cp views.CampaignPageProps) {
	sy := b.syn()
	if len(c.Org.EmbedOrigins) > 0 {
		sy.props[c] = cp
		return
	}
	fp := views.CampaignPageProps{Page: views.Page{CanonicalURL: cp.Page.CanonicalURL, Description: cp.Page.Description},
		Actions: make([]views.ActionView, len(cp.Actions))}
	for i, a := range cp.Actions {
		fp.Actions[i] = views.ActionView{ID: a.ID, Title: a.Title, Statement: a.Statement}
	}
	sy.props[c] = fp
}

// plainProps is b.campaignProps(c, ""), remembered for this build (for
// the feed, only what it reads: remember).
func (b *builder) plainProps(c *campaign.Campaign) views.CampaignPageProps {
	sy := b.syn()
	if cp, ok := sy.props[c]; ok {
		return cp
	}
	cp, _ := b.campaignProps(c, "")
	sy.props[c] = cp
	return cp
}

// Embed is one campaign whose organisation allows embedding.
type Embed struct {
	path    string   // the campaign page, "/org/slug"
	Origins []string // the organisation's embed_origins, normalised
	CSP     string   // the embed page's policy: frame-ancestors = origins
	// Frame is the embed page without its action, filled per rendering.
	Frame views.EmbedPageProps
	// canonical is the campaign page's absolute address; title the
	// campaign's title, org its organisation's name.
	canonical, Title, Org string
	// Image is the campaign's share picture, the oEmbed thumbnail.
	Image *views.ShareImage
	// signs is true when the campaign takes signatures, so its embed shows a
	// form and needs more room by default.
	signs bool
}

// Default frame sizes in CSS pixels for the snippet and oEmbed: the resize
// script replaces the height once the embed has loaded.
const (
	EmbedWidth      = 560
	EmbedHeightForm = 900
	embedHeightLink = 360
)

// syn returns the snapshot's OtherSites, creating it (and serving the
// two embed scripts) on first use.
func (b *builder) syn() *OtherSites {
	if b.snap.OtherSites != nil {
		return b.snap.OtherSites
	}
	sy := &OtherSites{
		Embeds: map[string]*Embed{},
		Pages:  map[string]*pagecache.Response{},
		Thanks: map[string]map[string]*pagecache.Response{},
		Feeds:  map[string]*pagecache.Response{},
		props:  map[*campaign.Campaign]views.CampaignPageProps{},
	}
	b.snap.OtherSites = sy
	frame, _ := embedJS.ReadFile("embedjs/frame.js")
	// The snapshot's, not the organisation's being built: every build
	// serves it (addSyndication).
	nb := *b
	nb.built = nil
	sy.frameScript = nb.addStatic("embed-frame.js", frame, "text/javascript; charset=utf-8")
	sy.partnerScript, sy.partnerSRI = partnerScript()
	partner, _ := embedJS.ReadFile("embedjs/partner.js")
	b.lock()
	b.snap.Static[sy.partnerScript] = b.staticResponse(sha256.Sum256(partner), partner, "text/javascript; charset=utf-8")
	b.unlock()
	return sy
}

// partnerScript is the content-hashed address of the script partners load
// (/static/embed-HASH.js) and its Subresource Integrity value (sha384-…).
func partnerScript() (address, sri string) {
	partner, _ := embedJS.ReadFile("embedjs/partner.js")
	sum := sha256.Sum256(partner)
	sum384 := sha512.Sum384(partner)
	return "/static/embed-" + hex.EncodeToString(sum[:])[:12] + ".js", "sha384-" + base64.StdEncoding.EncodeToString(sum384[:])
}

// IsPartnerScript reports whether p is the address of a partner script
// (/static/embed-HASH.js), which partners load cross-origin with
// crossorigin="anonymous" and so must be served with CORS allowed.
func IsPartnerScript(p string) bool {
	rest, ok := strings.CutPrefix(p, "/static/embed-")
	return ok && strings.HasSuffix(rest, ".js") && !strings.Contains(rest, "/")
}

// embedFor prepares campaign c's embed (whose page props are cp), or
// returns nil when c's organisation lists no embed_origins or c is not
// public. The same value serves the live page and the oEmbed answer.
func (b *builder) embedFor(c *campaign.Campaign, cp views.CampaignPageProps) *Embed {
	if len(c.Org.EmbedOrigins) == 0 || b.mode == ModePreview {
		return nil
	}
	sy := b.syn()
	if e := sy.Embeds[CampaignPath(c)]; e != nil {
		return e
	}
	page := cp.Page
	page.Title = c.Title + " — " + c.Org.Name
	page.Noindex = true
	e := &Embed{
		path:      CampaignPath(c),
		Origins:   slices.Clone(c.Org.EmbedOrigins),
		canonical: cp.Page.CanonicalURL,
		Title:     c.Title,
		Org:       c.Org.Name,
		Image:     cp.Page.Image,
		Frame: views.EmbedPageProps{
			Page:           page,
			FrameScriptURL: sy.frameScript,
			Origins:        slices.Clone(c.Org.EmbedOrigins),
			OrgName:        c.Org.Name,
			SiteName:       c.Org.Name, // the embed reads "on <organisation>"
			CampaignURL:    cp.Page.CanonicalURL,
			Title:          c.Title,
			Summary:        c.Summary,
			StatusText:     cp.Campaign.StatusText,
			PrivacyURL:     c.Org.PrivacyPolicy,
		},
	}
	e.CSP = policy(ModeEmbed, page.ThemeCSS, false, e.Origins)
	// Judged from the campaign, not this server: the snippet printed by a
	// server without a store (placard embed) is for the live one.
	e.signs = signs(c)
	if b.opt.Dev {
		// Organisers previewing with --dev see the code to give partners.
		e.Frame.Snippet = Snippet(b.opt.Base, sy, e, e.Origins[0], EmbedWidth, e.Height())
	}
	sy.Embeds[e.path] = e
	return e
}

// signs reports whether any of c's actions takes signatures.
func signs(c *campaign.Campaign) bool {
	for i := range c.Actions {
		if signableAction(c, &c.Actions[i], "") != nil {
			return true
		}
	}
	return false
}

// policy is the Content-Security-Policy of a page rendered for mode m:
// PageCSP, except that an embed (ModeEmbed) may be framed by
// frameOrigins, where every other page may be framed by none.
func policy(m Mode, themeCSS string, mastodonForm bool, frameOrigins []string) string {
	csp := PageCSP(themeCSS, mastodonForm)
	if m != ModeEmbed {
		return csp
	}
	return strings.Replace(csp, "frame-ancestors 'none'", "frame-ancestors "+strings.Join(frameOrigins, " "), 1)
}

// props is the embed page for the campaign page cp (with its live tally,
// when it has one): the first petition or letter with a signing form, or
// else a button to the first call to action.
func (e *Embed) props(cp views.CampaignPageProps) views.EmbedPageProps {
	p := e.Frame
	for _, a := range cp.Actions {
		var form *views.SignForm
		var t *views.Tally
		var target string
		switch {
		case a.Petition != nil && a.Petition.Form != nil:
			form, t, target = a.Petition.Form, a.Petition.Tally, a.Petition.Target
		case a.Letter != nil && a.Letter.Form != nil:
			form, t, target = a.Letter.Form, a.Letter.Tally, a.Letter.To
		default:
			continue
		}
		p.Action = &views.EmbedAction{ID: a.ID, Title: a.Title, Target: target, Form: EmbedForm(*form), Closed: a.Closed}
		if t != nil {
			tv := *t
			tv.Recent = nil // the frame has no room for the list of names
			p.Action.Tally = &tv
		}
		return p
	}
	if i := mainAction(cp.Actions); i >= 0 {
		a := cp.Actions[i]
		link := &views.Link{Label: a.Title, URL: e.canonical + "#" + a.ID}
		if a.Donate != nil && len(a.Donate.Destinations) > 0 && a.Donate.Destinations[0].URL != "" {
			link.URL = a.Donate.Destinations[0].URL
		}
		if a.Closed {
			link.Label = "See what happened"
			link.URL = e.canonical
		}
		p.Action = &views.EmbedAction{ID: a.ID, Title: a.Title, Link: link, Closed: a.Closed}
	}
	return p
}

// mainAction is the call to action an embed offers when nothing is signed
// in it: the first that asks the reader to do something (as the campaign
// page's main button chooses), else the first of all, or -1.
func mainAction(actions []views.ActionView) int {
	for i, a := range actions {
		if a.Petition != nil || a.Contact != nil || a.Letter != nil || a.Donate != nil || a.Share != nil || a.Engage != nil {
			return i
		}
	}
	if len(actions) > 0 {
		return 0
	}
	return -1
}

// EmbedForm is a campaign page's signing form as the embed shows it:
// posting to the embed's own sign address, so a refusal and the thanks
// stay inside the frame, with its links opening a new tab.
func EmbedForm(f views.SignForm) *views.SignForm {
	path, query, _ := strings.Cut(f.Action, "?")
	if base, ok := strings.CutSuffix(path, "/sign"); ok {
		f.Action = base + "/embed/sign"
		if query != "" {
			f.Action += "?" + query
		}
	}
	f.NewTab = true
	return &f
}

// render renders the embed of a live campaign whose page props, with the
// live tally, are cp.
func (e *Embed) render(cp views.CampaignPageProps, key string, reuse *pagecache.Reuse) (*pagecache.Spliced, error) {
	var buf bytes.Buffer
	if err := views.EmbedPage(e.props(cp)).Render(context.Background(), &buf); err != nil {
		return nil, fmt.Errorf("rendering the embed of %s: %w", e.path, err)
	}
	return reuse.NewSpliced(buf.Bytes(), pageSlots, key, e.CSP), nil
}

// addEmbedThanks renders a live campaign's embed thank-you pages from its
// full thank-you pages' props.
func (b *builder) addEmbedThanks(lc *SigningCampaign, share string) error {
	e := lc.Embed
	if e == nil {
		return nil
	}
	set := map[string]*pagecache.Response{}
	for _, o := range outcomes {
		tp := b.thanksProps(lc.Campaign, lc.Frame, o, share, "", false)
		p := e.Frame
		p.Page.Title = tp.Heading + " — " + lc.Campaign.Title
		p.Notice = &views.EmbedNotice{Heading: tp.Heading, Message: tp.Message}
		p.Action = &views.EmbedAction{ID: "share", Title: "Will you share?",
			Link: &views.Link{Label: "Share the campaign", URL: b.opt.Base + share}}
		r, err := b.prepareHTML(func() ([]byte, error) {
			var buf bytes.Buffer
			if err := views.EmbedPage(p).Render(context.Background(), &buf); err != nil {
				return nil, fmt.Errorf("rendering the embed thank-you page of %s: %w", lc.Path, err)
			}
			return buf.Bytes(), nil
		}, e.CSP)
		if err != nil {
			return err
		}
		set[o] = r
	}
	b.syn().Thanks[lc.Path] = set
	return nil
}

// addEmbedPage renders the embed of a campaign that takes no signatures on
// this server (any campaign when signing is off). In a static copy whose
// forms post to a live server (Config.FormOrigin), a petition's embed has
// its form and tally as the live server shows them, and only an embed
// with a form allows that origin in form-action, as pages do.
func (b *builder) addEmbedPage(c *campaign.Campaign, cp views.CampaignPageProps) error {
	e := b.embedFor(c, cp)
	if e == nil {
		return nil
	}
	props := e.props(b.staticFigures(c, cp))
	csp := e.CSP
	if a := props.Action; a != nil && !a.Closed && openForm(a.Form) {
		csp = b.formCSP(csp)
	}
	r, err := b.prepareHTML(func() ([]byte, error) {
		var buf bytes.Buffer
		if err := views.EmbedPage(props).Render(context.Background(), &buf); err != nil {
			return nil, fmt.Errorf("rendering the embed of %s: %w", e.path, err)
		}
		return buf.Bytes(), nil
	}, csp)
	if err != nil {
		return err
	}
	b.syn().Pages[e.path+"/embed"] = r
	return nil
}

// Height is the frame's starting height: room for the form, or a button.
func (e *Embed) Height() int {
	if e.signs {
		return EmbedHeightForm
	}
	return embedHeightLink
}

// Snippet is the partner's HTML for embed e: the iframe (sandboxed to
// what the embed needs: its form, its scripts, its own origin for the
// form's same-origin check, and links opening new tabs) and the resize
// script with its integrity value.
func Snippet(base string, sy *OtherSites, e *Embed, origin string, width, height int) string {
	src := base + e.path + "/embed"
	if origin != "" {
		src += "?origin=" + url.QueryEscape(origin)
	}
	return fmt.Sprintf(`<iframe data-placard-embed src="%s" title="%s" width="%d" height="%d" style="width:100%%;max-width:%dpx;border:0" sandbox="allow-forms allow-scripts allow-same-origin allow-popups allow-popups-to-escape-sandbox" loading="lazy"></iframe>`+"\n"+
		`<script src="%s" integrity="%s" crossorigin="anonymous" defer></script>`,
		html.EscapeString(src), html.EscapeString(e.Title+" — "+e.Org), width, height, width,
		html.EscapeString(base+sy.partnerScript), sy.partnerSRI)
}

// EmbedSnippet is the HTML a partner site pastes to show campaign
// orgSlug/slug: an iframe of its embed and the resize script, loaded with
// Subresource Integrity so the partner's browser refuses it if it ever
// differs from what was given out. origin, when not empty, is the partner
// site the snippet is for and must be one of the organisation's
// embed_origins; the embed then addresses its height to that origin only.
// It fails with a message for organisers when the campaign is unknown or
// not public, its organisation lists no embed_origins, or origin is not
// listed.
//
// It needs no snapshot: base is the live server's address and now the
// time the campaign must be public at.
func EmbedSnippet(base string, site *campaign.Site, now time.Time, orgSlug, slug, origin string) (string, error) {
	c := site.Campaign(orgSlug, slug)
	if c == nil || !c.PublicAt(now) {
		return "", fmt.Errorf("there is no public campaign %s/%s — check the folder and file names (drafts and campaigns before their publish_at cannot be embedded)", orgSlug, slug)
	}
	if len(c.Org.EmbedOrigins) == 0 {
		return "", fmt.Errorf("%s lists no sites allowed to embed its campaigns — add embed_origins to %s, such as  embed_origins: [https://partner.example]", c.Org.Name, c.Org.File)
	}
	e := &Embed{path: CampaignPath(c), Origins: slices.Clone(c.Org.EmbedOrigins), Title: c.Title, Org: c.Org.Name, signs: signs(c)}
	if origin != "" {
		norm, problem := campaign.EmbedOrigin(origin)
		if problem != "" {
			return "", fmt.Errorf("the partner site %q %s", origin, problem)
		}
		if !slices.Contains(e.Origins, norm) {
			return "", fmt.Errorf("%s is not among %s's embed_origins (%s) — add it to %s first", norm, c.Org.Name, strings.Join(e.Origins, ", "), c.Org.File)
		}
		origin = norm
	}
	sy := &OtherSites{}
	sy.partnerScript, sy.partnerSRI = partnerScript()
	return Snippet(base, sy, e, origin, EmbedWidth, e.Height()), nil
}
