package views

import (
	"bytes"
	"compress/gzip"
	"context"
	"flag"
	"io/fs"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
	"github.com/a-h/templ"
	"github.com/placard/placard/internal/browsertest"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/ from the current output")

// namedPage is a page component with its fixture, named for messages and golden files.
type namedPage struct {
	name string
	c    templ.Component
	page Page
}

// pages lists every page component with a realistic fixture. Adding a page
// component means adding it here, so the every-page checks cover it.
func pages() []namedPage {
	idx, org, sec, steps, closed, nf, ep := indexFixture(), orgFixture(), sectionsFixture(), stepsFixture(), closedFixture(), notFoundFixture(), errorFixture()
	sg, th := signFixture(), thanksFixture()
	return []namedPage{
		{"index", IndexPage(idx), idx.Page},
		{"org", OrgPage(org), org.Page},
		{"campaign-sections", CampaignPage(sec), sec.Page},
		{"campaign-steps", CampaignPage(steps), steps.Page},
		{"campaign-closed", CampaignPage(closed), closed.Page},
		{"not-found", NotFoundPage(nf), nf.Page},
		{"error", ErrorPage(ep), ep.Page},
		{"sign", SignPage(sg), sg.Page},
		{"thanks", ThanksPage(th), th.Page},
		{"thanks-personal", ThanksPage(personalThanksFixture()), personalThanksFixture().Page},
		{"impact", ImpactPage(impactFixture()), impactFixture().Page},
		{"mail-confirm", MailPage(confirmPageFixture()), confirmPageFixture().Page},
		{"mail-data-request", MailPage(dataRequestFixture()), dataRequestFixture().Page},
		{"mail-data", DataPage(dataPageFixture()), dataPageFixture().Page},
	}
}

// render renders c to a string, failing the test on error.
func render(t *testing.T, c templ.Component) string {
	t.Helper()
	var b bytes.Buffer
	if err := c.Render(context.Background(), &b); err != nil {
		t.Fatalf("render: %v", err)
	}
	return b.String()
}

// parse renders c and parses the result.
func parse(t *testing.T, c templ.Component) (*goquery.Document, string) {
	t.Helper()
	html := render(t, c)
	doc, err := goquery.NewDocumentFromReader(strings.NewReader(html))
	if err != nil {
		t.Fatalf("parse: %v", err)
	}
	return doc, html
}

// text is the selection's text with whitespace collapsed.
func text(s *goquery.Selection) string {
	return strings.Join(strings.Fields(s.Text()), " ")
}

// wantCount fails unless sel matches exactly n elements of doc.
func wantCount(t *testing.T, doc *goquery.Document, sel string, n int) *goquery.Selection {
	t.Helper()
	s := doc.Find(sel)
	if s.Length() != n {
		t.Errorf("%s: got %d elements, want %d", sel, s.Length(), n)
	}
	return s
}

// wantAttr fails unless s has attribute name with value want.
func wantAttr(t *testing.T, s *goquery.Selection, name, want string) {
	t.Helper()
	got, ok := s.Attr(name)
	if !ok {
		t.Errorf("%s: attribute %s missing, want %q", goquery.NodeName(s), name, want)
		return
	}
	if got != want {
		t.Errorf("%s[%s]: got %q, want %q", goquery.NodeName(s), name, got, want)
	}
}

// TestEveryPageRenders renders every page component and checks what every
// page must have: one h1, a title, headings that never skip a level, all
// share-preview tags, unique ids that references resolve to, landmarks, no
// empty heading or link, no inline script or style attribute.
func TestEveryPageRenders(t *testing.T) {
	for _, p := range pages() {
		t.Run(p.name, func(t *testing.T) {
			doc, _ := parse(t, p.c)

			if h1 := wantCount(t, doc, "h1", 1); text(h1) == "" {
				t.Errorf("h1 is empty")
			}
			if got := text(doc.Find("head > title")); got != p.page.Title || got == "" {
				t.Errorf("title: got %q, want %q", got, p.page.Title)
			}
			wantAttr(t, doc.Find("html"), "lang", p.page.Lang)
			wantAttr(t, doc.Find("html"), "dir", p.page.Dir)
			wantCount(t, doc, `meta[charset="utf-8"]`, 1)
			wantCount(t, doc, `meta[name="viewport"]`, 1)
			wantAttr(t, doc.Find(`link[rel="canonical"]`), "href", p.page.CanonicalURL)

			// Headings in order: the first is the h1 and none skips a level.
			prev := 0
			doc.Find("h1, h2, h3, h4, h5, h6").Each(func(_ int, h *goquery.Selection) {
				level := int(goquery.NodeName(h)[1] - '0')
				if prev == 0 && level != 1 {
					t.Errorf("first heading is %s %q, want h1", goquery.NodeName(h), text(h))
				}
				if level > prev+1 {
					t.Errorf("heading %s %q follows h%d: skips a level", goquery.NodeName(h), text(h), prev)
				}
				if text(h) == "" {
					t.Errorf("empty %s", goquery.NodeName(h))
				}
				prev = level
			})

			// Share previews.
			og := map[string]string{
				"og:title": p.page.Title, "og:description": p.page.Description, "og:url": p.page.CanonicalURL,
				"og:image": p.page.Image.URL, "og:image:width": strconv.Itoa(p.page.Image.Width),
				"og:image:height": strconv.Itoa(p.page.Image.Height), "og:image:alt": p.page.Image.Alt,
				"og:image:type": p.page.Image.Type, "og:type": p.page.OGType, "og:site_name": p.page.SiteName,
				"og:locale": p.page.OGLocale,
			}
			for prop, want := range og {
				wantAttr(t, wantCount(t, doc, `meta[property="`+prop+`"]`, 1), "content", want)
			}
			tw := map[string]string{
				"twitter:card": "summary_large_image", "twitter:title": p.page.Title,
				"twitter:description": p.page.Description, "twitter:image": p.page.Image.URL,
				"twitter:image:alt": p.page.Image.Alt,
			}
			for name, want := range tw {
				wantAttr(t, wantCount(t, doc, `meta[name="`+name+`"]`, 1), "content", want)
			}

			// Landmarks.
			wantCount(t, doc, "body > header", 1)
			wantCount(t, doc, "main#main", 1)
			wantCount(t, doc, "body > footer", 1)
			wantAttr(t, doc.Find("a.skip"), "href", "#main")
			doc.Find("nav").Each(func(_ int, n *goquery.Selection) {
				if l, _ := n.Attr("aria-label"); l == "" {
					t.Errorf("nav without aria-label")
				}
			})

			// Unique ids, and every reference resolves.
			ids := map[string]bool{}
			doc.Find("[id]").Each(func(_ int, s *goquery.Selection) {
				id, _ := s.Attr("id")
				if id == "" || strings.ContainsAny(id, " \t\n") {
					t.Errorf("invalid id %q", id)
				}
				if ids[id] {
					t.Errorf("duplicate id %q", id)
				}
				ids[id] = true
			})
			for _, attr := range []string{"for", "aria-labelledby", "aria-describedby", "data-copy"} {
				doc.Find("[" + attr + "]").Each(func(_ int, s *goquery.Selection) {
					v, _ := s.Attr(attr)
					for _, ref := range strings.Fields(v) {
						if !ids[ref] {
							t.Errorf("%s=%q: %q names no element", attr, v, ref)
						}
					}
					if strings.TrimSpace(v) == "" {
						t.Errorf("empty %s", attr)
					}
				})
			}
			doc.Find(`a[href^="#"]`).Each(func(_ int, s *goquery.Selection) {
				if v, _ := s.Attr("href"); !ids[v[1:]] {
					t.Errorf("link to %q: no such id", v)
				}
			})

			// Every link and button has a name; every image has alt text.
			doc.Find("a, button").Each(func(_ int, s *goquery.Selection) {
				if text(s) == "" && s.Find("img[alt]:not([alt=''])").Length() == 0 {
					t.Errorf("%s without text: %s", goquery.NodeName(s), s.AttrOr("href", ""))
				}
			})
			doc.Find("img").Each(func(_ int, s *goquery.Selection) {
				if _, ok := s.Attr("alt"); !ok {
					t.Errorf("img %s without alt", s.AttrOr("src", ""))
				}
			})
			// Every form control is labelled.
			doc.Find("input:not([type=hidden]), select, textarea").Each(func(_ int, s *goquery.Selection) {
				id, _ := s.Attr("id")
				if id == "" || doc.Find(`label[for="`+id+`"]`).Length() != 1 {
					t.Errorf("%s name=%q has no label", goquery.NodeName(s), s.AttrOr("name", ""))
				}
			})

			// The Content-Security-Policy forbids inline script and style attributes.
			doc.Find("*").Each(func(_ int, s *goquery.Selection) {
				for _, a := range s.Nodes[0].Attr {
					if a.Key == "style" || strings.HasPrefix(a.Key, "on") {
						t.Errorf("%s has inline %s attribute", goquery.NodeName(s), a.Key)
					}
				}
			})
			doc.Find("script").Each(func(_ int, s *goquery.Selection) {
				if _, ok := s.Attr("src"); !ok && s.AttrOr("type", "") != "application/ld+json" {
					t.Errorf("inline script: %q", s.Text())
				}
			})
		})
	}
}

// TestNothingLoadsFromAnotherOrigin checks that every stylesheet, script
// and image a page loads is relative or on the page's own origin.
func TestNothingLoadsFromAnotherOrigin(t *testing.T) {
	for _, p := range pages() {
		t.Run(p.name, func(t *testing.T) {
			doc, _ := parse(t, p.c)
			base, err := url.Parse(p.page.CanonicalURL)
			if err != nil {
				t.Fatal(err)
			}
			n := 0
			check := func(sel, attr string) {
				doc.Find(sel).Each(func(_ int, s *goquery.Selection) {
					v, ok := s.Attr(attr)
					if !ok {
						return
					}
					n++
					u, err := url.Parse(v)
					if err != nil {
						t.Errorf("%s %s=%q: %v", sel, attr, v, err)
						return
					}
					if u.Scheme == "data" || u.Scheme == "javascript" {
						t.Errorf("%s %s=%q: %s: URL", sel, attr, v, u.Scheme)
					}
					if r := base.ResolveReference(u); r.Scheme != base.Scheme || r.Host != base.Host {
						t.Errorf("%s %s=%q loads from another origin (page is %s)", sel, attr, v, base.Host)
					}
				})
			}
			check(`link[rel~="stylesheet"], link[rel~="preload"], link[rel~="icon"]`, "href")
			check("script", "src")
			check("img", "src")
			check("img", "srcset")
			check("iframe, video, audio, source, embed, object", "src")
			if n == 0 {
				t.Errorf("found nothing to check: want at least the stylesheet")
			}
			wantCount(t, doc, "iframe, embed, object, video, audio", 0)
		})
	}
}

// TestHead checks the head contract the web layer relies on: theme and
// JSON-LD written byte for byte, only when set; robots, twitter:site and the
// deferred script.
func TestHead(t *testing.T) {
	sec := sectionsFixture()
	doc, html := parse(t, CampaignPage(sec))
	if want := "<style>" + sec.Page.ThemeCSS + "</style>"; !strings.Contains(html, want) {
		t.Errorf("theme: want %q in the page", want)
	}
	if want := `<script type="application/ld+json">` + sec.Page.JSONLD + "</script>"; !strings.Contains(html, want) {
		t.Errorf("JSON-LD: want %q in the page", want)
	}
	wantCount(t, doc, "style", 1)
	wantAttr(t, wantCount(t, doc, `meta[name="twitter:site"]`, 1), "content", "@riverside")
	wantCount(t, doc, `meta[name="robots"]`, 0)
	s := wantCount(t, doc, "script[src]", 1)
	wantAttr(t, s, "src", sec.Page.ScriptURL)
	if _, ok := s.Attr("defer"); !ok {
		t.Errorf("script: want defer")
	}
	wantAttr(t, wantCount(t, doc, `link[rel="stylesheet"]`, 1), "href", sec.Page.StylesheetURL)
	wantAttr(t, doc.Find(`meta[name="description"]`), "content", sec.Page.Description)

	nf := notFoundFixture()
	nf.Page.ScriptURL = ""
	nf.Page.TwitterSite = ""
	doc, _ = parse(t, NotFoundPage(nf))
	wantCount(t, doc, "style", 0)
	wantCount(t, doc, `script`, 0)
	wantCount(t, doc, `meta[name="twitter:site"]`, 0)
	wantAttr(t, wantCount(t, doc, `meta[name="robots"]`, 1), "content", "noindex")
}

// actionSection renders the page and returns the section of the action with id.
func actionSection(t *testing.T, p CampaignPageProps, id string) (*goquery.Document, *goquery.Selection) {
	t.Helper()
	doc, _ := parse(t, CampaignPage(p))
	s := doc.Find("section#" + id)
	if s.Length() != 1 {
		t.Fatalf("section#%s: got %d, want 1", id, s.Length())
	}
	return doc, s
}

func TestShareAction(t *testing.T) {
	p := sectionsFixture()
	share := p.Actions[4].Share
	_, s := actionSection(t, p, "share")

	links := s.Find(".share-links a")
	if links.Length() != len(share.Links) {
		t.Fatalf("share links: got %d, want %d", links.Length(), len(share.Links))
	}
	networks := []string{"x", "bluesky", "facebook", "linkedin", "whatsapp", "telegram", "email"}
	for i, l := range share.Links {
		a := links.Eq(i)
		if l.Network != networks[i] {
			t.Fatalf("fixture out of order: %s", l.Network)
		}
		wantAttr(t, a, "href", l.URL)
		if got := text(a); got != l.Label {
			t.Errorf("link %d text: got %q, want %q", i, got, l.Label)
		}
	}
	if got := text(s.Find(`a[href^="https://bsky.app/"]`)); got != "Share on Bluesky" {
		t.Errorf("Bluesky link text: got %q, want %q", got, "Share on Bluesky")
	}

	// Mastodon: a GET form with a labelled instance field, the text hidden, a submit.
	f := s.Find("form.mastodon-form")
	if f.Length() != 1 {
		t.Fatalf("mastodon form: got %d, want 1", f.Length())
	}
	wantAttr(t, f, "method", "get")
	wantAttr(t, f, "action", share.Mastodon.Action)
	in := f.Find(`input[name="instance"]`)
	wantAttr(t, in, "type", "text")
	id, _ := in.Attr("id")
	if l := text(f.Find(`label[for="` + id + `"]`)); !strings.Contains(l, "Mastodon") {
		t.Errorf("instance label: got %q, want it to name Mastodon", l)
	}
	wantAttr(t, f.Find(`input[type="hidden"][name="text"]`), "value", share.Mastodon.Text)
	if got := text(f.Find(`button[type="submit"]`)); got != "Share on Mastodon" {
		t.Errorf("mastodon submit: got %q, want %q", got, "Share on Mastodon")
	}

	// One message to copy (issue 13 B3): no per-network "Text to paste"
	// blocks and no separate hashtag line; without a Message the block
	// falls back to the link field below.
	if n := s.Find(".share-text, .hashtags").Length(); n != 0 {
		t.Errorf("share block: got %d 'Text to paste' or hashtag blocks, want none (one message to copy)", n)
	}

	// The link field is the no-JavaScript fallback; the copy button is revealed by app.js.
	link := s.Find(".copy-link input")
	wantAttr(t, link, "value", share.URL)
	if _, ok := link.Attr("readonly"); !ok {
		t.Errorf("link field: want readonly")
	}
	lid, _ := link.Attr("id")
	if s.Find(`label[for="`+lid+`"]`).Length() != 1 {
		t.Errorf("link field %q: no label", lid)
	}
	b := s.Find("button[data-copy]")
	wantAttr(t, b, "data-copy", lid)
	wantAttr(t, b, "type", "button")
	if _, ok := b.Attr("hidden"); !ok {
		t.Errorf("copy button: want hidden until the script reveals it")
	}
}

func TestContactAction(t *testing.T) {
	p := sectionsFixture()
	c := p.Actions[3].Contact
	_, s := actionSection(t, p, "contact")

	f := s.Find("form.region-form")
	if f.Length() != 1 {
		t.Fatalf("region form: got %d, want 1", f.Length())
	}
	wantAttr(t, f, "method", "get")
	wantAttr(t, f, "action", c.FormAction)
	sel := f.Find(`select[name="region"]`)
	id, _ := sel.Attr("id")
	if got := text(f.Find(`label[for="` + id + `"]`)); got == "" {
		t.Errorf("region select %q: no label", id)
	}
	var opts []string
	sel.Find("option").Each(func(_ int, o *goquery.Selection) { opts = append(opts, o.AttrOr("value", "?")) })
	if got, want := strings.Join(opts, "|"), "|East ward|West ward"; got != want {
		t.Errorf("region options: got %q, want %q", got, want)
	}
	wantAttr(t, sel.Find("option[selected]"), "value", "East ward")
	if f.Find(`button[type="submit"]`).Length() != 1 {
		t.Errorf("region form: want a submit button")
	}

	tgt := c.Targets[0]
	tel := s.Find(`a[href^="tel:"]`)
	wantAttr(t, tel, "href", tgt.TelURL)
	if got := text(tel); got != "Call Councillor Lee at +1 555 0111" {
		t.Errorf("tel link text: got %q", got)
	}
	wantAttr(t, s.Find(`a[href^="mailto:"]`), "href", tgt.MailtoURL)
	if got := text(s.Find(".script")); !strings.Contains(got, "I live in your ward") {
		t.Errorf("call script: got %q", got)
	}
	if got := text(s.Find(".email-copy")); !strings.Contains(got, c.Subject) || !strings.Contains(got, "Please vote no on the closure.") {
		t.Errorf("email to copy: got %q", got)
	}

	// Without regions there is no picker.
	c2 := *c
	c2.Regions = nil
	p.Actions[3].Contact = &c2
	_, s = actionSection(t, p, "contact")
	if s.Find("form").Length() != 0 {
		t.Errorf("contact without regions: want no form")
	}
}

func TestStepsLayout(t *testing.T) {
	p := stepsFixture()
	doc, _ := parse(t, CampaignPage(p))
	steps := wantCount(t, doc, "ol.steps > li.step > section.action", 4)
	want := []string{"Step 1: Listen", "Step 2: Amplify", "Step 3: Engage", "Step 4: Support"}
	steps.Each(func(i int, s *goquery.Selection) {
		h := s.Find("h2")
		// What a screen reader says: the hidden "Step N:" and the title, not the decorations.
		spoken := h.Clone()
		spoken.Find(`[aria-hidden="true"]`).Remove()
		if got := text(spoken); got != want[i] {
			t.Errorf("step %d heading: got %q, want %q", i+1, got, want[i])
		}
		if got := text(h.Find(".step-num")); got != strconv.Itoa(i+1) {
			t.Errorf("step %d visible number: got %q, want %d", i+1, got, i+1)
		}
		wantAttr(t, h.Find(".step-num"), "aria-hidden", "true")
		if got := text(h.Find(".icon")); got != p.Actions[i].Icon {
			t.Errorf("step %d icon: got %q, want %q", i+1, got, p.Actions[i].Icon)
		}
		wantAttr(t, h.Find(".icon"), "aria-hidden", "true")
	})
	nav := doc.Find(`nav[aria-label="Steps"] a`)
	if nav.Length() != 4 {
		t.Fatalf("steps overview: got %d links, want 4", nav.Length())
	}
	for i, a := range p.Actions {
		wantAttr(t, nav.Eq(i), "href", "#"+a.ID)
		if got := text(nav.Eq(i).Find(".step-num")); got != strconv.Itoa(i+1) {
			t.Errorf("overview %d number: got %q", i+1, got)
		}
	}
	cta := wantCount(t, doc, ".cta a", 1)
	wantAttr(t, cta, "href", "#listen")
	if got := text(cta); got != "Start with step 1: Listen" {
		t.Errorf("steps call to action: got %q", got)
	}

	// Sections layout has no step numbers; its main button leads to the first
	// action that asks the reader to do something (the letter, not the statement).
	doc, _ = parse(t, CampaignPage(sectionsFixture()))
	wantAttr(t, wantCount(t, doc, ".cta a", 1), "href", "#letter")
	wantCount(t, doc, ".step-num, ol.steps", 0)
	wantCount(t, doc, ".sections > section.action", 6)
}

func TestLetterSignatories(t *testing.T) {
	p := sectionsFixture()
	l := p.Actions[1].Letter
	_, s := actionSection(t, p, "letter")
	if got := text(s.Find(".salutation")); got != l.Salutation {
		t.Errorf("salutation: got %q, want %q", got, l.Salutation)
	}
	if got := text(s.Find(".closing")); got != l.Closing {
		t.Errorf("closing: got %q, want %q", got, l.Closing)
	}
	if got := text(s.Find(".sig-count")); got != l.SignatoryCountText {
		t.Errorf("count: got %q, want %q", got, l.SignatoryCountText)
	}
	orgs := s.Find(".sig-orgs > li")
	if orgs.Length() != 3 {
		t.Fatalf("organisations: got %d, want 3", orgs.Length())
	}
	wantAttr(t, orgs.Eq(0).Find("a"), "href", "https://readers.example")
	logo := orgs.Eq(0).Find("img")
	wantAttr(t, logo, "src", l.Organisations[0].Logo.URL)
	wantAttr(t, logo, "alt", "")
	wantAttr(t, logo, "width", "120")
	if got := text(orgs.Eq(2)); got != "Parents for Play" {
		t.Errorf("unlinked organisation: got %q", got)
	}
	people := s.Find(".sig-people > li")
	if people.Length() != 2 {
		t.Fatalf("individuals: got %d, want 2", people.Length())
	}
	if got := text(people.Eq(0).Find(".sig-role")); got != "Congregation Beth Am" {
		t.Errorf("role: got %q", got)
	}
	// Every name and role is isolated (bdi: its direction from its own
	// first letter), so an Arabic or Hebrew name, or one ending in
	// punctuation, cannot reorder its neighbours or take the page's direction.
	for i := range orgs.Length() {
		if orgs.Eq(i).Find("bdi").Length() != 1 {
			t.Errorf("organisation %d: its name is not in a bdi", i)
		}
	}
	for i := range people.Length() {
		if people.Eq(i).Find("bdi.sig-name").Length() != 1 || people.Eq(i).Find("bdi.sig-role").Length() != people.Eq(i).Find(".sig-role").Length() {
			t.Errorf("individual %d: name or role not in a bdi: %s", i, text(people.Eq(i)))
		}
	}
	if h := s.Find("h4"); h.Length() != 2 || text(h.First()) != "Organisations" || text(h.Last()) != "Individuals" {
		t.Errorf("signatory subheadings: got %d, want Organisations and Individuals", h.Length())
	}
}

func TestStatementDateline(t *testing.T) {
	_, s := actionSection(t, sectionsFixture(), "statement")
	d := s.Find(".dateline")
	if got, want := text(d), "NEW YORK — 10 February 2026 —"; got != want {
		t.Errorf("dateline: got %q, want %q", got, want)
	}
	wantAttr(t, d.Find("time"), "datetime", "2026-02-10")
	m := s.Find("aside.contact-box")
	if got := text(m.Find("h3")); got != "Media contact" {
		t.Errorf("media box heading: got %q", got)
	}
	wantAttr(t, m.Find(`a[href^="tel:"]`), "href", "tel:+15550100")
	wantAttr(t, m.Find(`a[href^="mailto:"]`), "href", "mailto:press@riverside.example")
	if got := text(m); !strings.Contains(got, "available for interview") {
		t.Errorf("availability line missing from %q", got)
	}
	// Like a press release, the statement closes with the organisation's boilerplate.
	about := s.Find(".statement-about")
	if got, want := text(about.Find("h3")), "About Riverside Coalition"; got != want {
		t.Errorf("boilerplate heading: got %q, want %q", got, want)
	}
	if got := text(about.Find(".prose")); got != "A coalition of 40 neighbourhood groups." {
		t.Errorf("boilerplate: got %q", got)
	}
}

// TestPageShare checks that pages without a share action of their own —
// organisation pages, and campaigns like a plain statement — still close
// with share links for every network and the Mastodon form.
func TestPageShare(t *testing.T) {
	for name, c := range map[string]templ.Component{"org": OrgPage(orgFixture()), "closed": CampaignPage(closedFixture())} {
		doc, _ := parse(t, c)
		sec := doc.Find("section.page-share")
		if got := text(sec.Find("h2")); got != "Share this page" {
			t.Errorf("%s: share section heading: got %q, want %q", name, got, "Share this page")
		}
		if got, want := sec.Find(".share-links a").Length(), len(shareFixture().Links); got != want {
			t.Errorf("%s: share links: got %d, want %d", name, got, want)
		}
		if sec.Find(`form.mastodon-form input[name="instance"]`).Length() != 1 {
			t.Errorf("%s: no Mastodon form in the share section", name)
		}
	}
	// A campaign with its own share action has no second share section.
	doc, _ := parse(t, CampaignPage(sectionsFixture()))
	if n := doc.Find("section.page-share").Length(); n != 0 {
		t.Errorf("campaign with a share action: got %d page-share sections, want 0", n)
	}
}

func TestPetitionAndActionKinds(t *testing.T) {
	_, s := actionSection(t, sectionsFixture(), "petition")
	if got := text(s.Find(".goal")); got != "Help us reach 2,500" {
		t.Errorf("goal: got %q, want the tally's goal", got)
	}
	// Before signing opens, the organisers' goal alone.
	p := sectionsFixture()
	p.Actions[2].Petition.Tally, p.Actions[2].Petition.Form = nil, nil
	_, s = actionSection(t, p, "petition")
	if got := text(s.Find(".goal")); got != "Our goal: 5,000 signatures" {
		t.Errorf("goal without a tally: got %q", got)
	}
	if got := text(s.Find(".petition-to")); got != "To: Riverside City Council" {
		t.Errorf("target: got %q", got)
	}
	doc, _ := parse(t, CampaignPage(stepsFixture()))
	if got := text(doc.Find("#listen time")); got != "34 min" {
		t.Errorf("listen duration: got %q", got)
	}
	wantAttr(t, doc.Find("#listen time"), "datetime", "PT34M")
	wantCount(t, doc, "#engage h3", 2)
	if got := text(doc.Find(`#support .amounts a`).First()); got != "Give $25 to Coalition for Shared Futures" {
		t.Errorf("amount link: got %q", got)
	}
	_, s = actionSection(t, sectionsFixture(), "resources")
	a := s.Find("a").First()
	if _, ok := a.Attr("download"); !ok {
		t.Errorf("site file: want download attribute")
	}
	if got := text(a); got != "What the library gives Riverside (PDF, 1.2 MB)" {
		t.Errorf("resource link: got %q", got)
	}
	// Every kind renders through Action.
	kinds := map[string]bool{}
	for _, f := range []CampaignPageProps{sectionsFixture(), stepsFixture()} {
		for _, a := range f.Actions {
			kinds[a.Kind] = true
		}
	}
	for _, k := range []string{"statement", "letter", "petition", "contact", "share", "listen", "engage", "donate", "resources"} {
		if !kinds[k] {
			t.Errorf("fixtures lack a %s action", k)
		}
	}
}

func TestClosedCampaign(t *testing.T) {
	p := closedFixture()
	doc, _ := parse(t, CampaignPage(p))
	b := doc.Find("section.banner.banner-victory")
	if got := text(b.Find("h2")); !strings.Contains(got, p.Campaign.StatusText) {
		t.Errorf("banner heading: got %q, want %q", got, p.Campaign.StatusText)
	}
	if got := text(b.Find(".prose")); !strings.Contains(got, "voted 9–2") {
		t.Errorf("outcome: got %q", got)
	}
	wantCount(t, doc, ".cta", 0)
	wantCount(t, doc, "section.action.is-closed", 2)
	wantCount(t, doc, ".closed-note", 2)
	wantCount(t, doc, "#contact form", 0)
	// A closed petition keeps its tally but has no form: it says signing has ended.
	wantCount(t, doc, "#petition form, #petition input, #petition button", 0)
	wantCount(t, doc, "#petition progress", 1)
	if got := text(doc.Find("#petition .closed-text")); !strings.Contains(got, "Signing has ended") {
		t.Errorf("closed petition: got %q, want that signing has ended", got)
	}
	p.Actions[0].Petition.Form = nil
	doc, _ = parse(t, CampaignPage(p))
	if got := text(doc.Find("#petition .petition-progress")); !strings.Contains(got, "closed") {
		t.Errorf("closed petition without a form: got %q", got)
	}
}

func TestNotFoundPage(t *testing.T) {
	p := notFoundFixture()
	doc, _ := parse(t, NotFoundPage(p))
	if got := text(doc.Find("main code")); got != p.Path {
		t.Errorf("asked-for path: got %q, want %q", got, p.Path)
	}
	s := doc.Find("main ul a")
	if s.Length() != 2 {
		t.Fatalf("suggestions: got %d, want 2", s.Length())
	}
	wantAttr(t, s.First(), "href", "/riverside/save-the-library")
	home := doc.Find(`main a[href="/"]`)
	if got := text(home); got != "Go to the home page" {
		t.Errorf("home link: got %q", got)
	}
}

func TestSocialLinksSayWhose(t *testing.T) {
	doc, _ := parse(t, OrgPage(orgFixture()))
	var got []string
	doc.Find(`a[rel="me"]`).Each(func(_ int, a *goquery.Selection) { got = append(got, text(a)) })
	// The profile's link is labelled "Bluesky"; the footer's already names the organisation.
	want := []string{"Riverside Coalition on Bluesky", "Riverside Coalition on Bluesky"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("social links: got %q, want %q", got, want)
	}
}

func TestErrorPage(t *testing.T) {
	p := errorFixture()
	doc, _ := parse(t, ErrorPage(p))
	if got := text(doc.Find("h1")); got != p.Heading {
		t.Errorf("h1: got %q, want %q", got, p.Heading)
	}
	if got := text(doc.Find(".status-code")); got != "Error 413" {
		t.Errorf("status: got %q", got)
	}
	if got := text(doc.Find("main")); !strings.Contains(got, p.Message) {
		t.Errorf("message missing from %q", got)
	}
}

// TestEscaping checks that organisers' plain-text fields cannot inject markup.
func TestEscaping(t *testing.T) {
	p := sectionsFixture()
	p.Campaign.Title = `<script>alert(1)</script>`
	p.Actions[4].Share.URL = `"><img src=x onerror=alert(1)>`
	doc, html := parse(t, CampaignPage(p))
	if strings.Contains(html, "<script>alert") || strings.Contains(html, "<img src=x") {
		t.Errorf("plain text written as markup")
	}
	if got := text(doc.Find("h1")); got != p.Campaign.Title {
		t.Errorf("h1: got %q, want the title as text", got)
	}
	p.Actions[0].Statement.Media.TelURL = "javascript:alert(1)"
	_, html = parse(t, CampaignPage(p))
	if strings.Contains(html, `href="javascript:`) {
		t.Errorf("javascript: URL written into a link")
	}
}

func TestStatic(t *testing.T) {
	css, err := fs.ReadFile(Static, "style.css")
	if err != nil {
		t.Fatalf("style.css: %v", err)
	}
	js, err := fs.ReadFile(Static, "app.js")
	if err != nil {
		t.Fatalf("app.js: %v", err)
	}
	// Embeds, share buttons, step ticks and languages share the one file:
	// 17 KB raw is about 5 KB gzipped, inside the page budget.
	if len(css) > 17*1024 {
		t.Errorf("style.css is %d bytes, want at most %d", len(css), 17*1024)
	}
	// Physical directions would break right-to-left pages.
	physical := regexp.MustCompile(`(?m)(^|[\s{;])(margin|padding|border)-(left|right|top|bottom)\b|(^|[\s{;])(left|right|top|bottom)\s*:|text-align\s*:\s*(left|right)|float\s*:\s*(left|right)`)
	if m := physical.FindAll(css, -1); len(m) > 0 {
		t.Errorf("style.css uses physical properties %q; use logical ones (inline/block, start/end)", m)
	}
	// A four-value margin or padding whose right and left differ is physical too.
	four := regexp.MustCompile(`(margin|padding|inset|border-width|border-radius)\s*:\s*([^\s;]+)\s+([^\s;]+)\s+([^\s;]+)\s+([^\s;!]+)\s*[;}!]`)
	for _, m := range four.FindAllSubmatch(css, -1) {
		if !bytes.Equal(m[3], m[5]) {
			t.Errorf("style.css: %q differs left and right; use the -inline and -block properties", m[0])
		}
	}
	for _, want := range []string{"prefers-reduced-motion", "@media print", ":focus-visible", "--brand", "--accent"} {
		if !bytes.Contains(css, []byte(want)) {
			t.Errorf("style.css lacks %s", want)
		}
	}
	for _, f := range [][]byte{css, js} {
		if m := regexp.MustCompile(`(url\(\s*["']?(https?:)?//)|@import|https?://`).Find(f); m != nil {
			t.Errorf("static file refers to another origin: %q", m)
		}
	}
	if !bytes.Contains(js, []byte("data-copy")) {
		t.Errorf("app.js: want the copy-link enhancement")
	}
}

// TestCampaignPageSize keeps the campaign page's HTML and CSS within the
// 30 KB gzipped transfer budget.
func TestCampaignPageSize(t *testing.T) {
	css, err := fs.ReadFile(Static, "style.css")
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range []namedPage{pages()[2], pages()[3]} {
		total := gzipSize(t, []byte(render(t, p.c))) + gzipSize(t, css)
		if total > 30*1024 {
			t.Errorf("%s: HTML+CSS is %d bytes gzipped, want at most %d", p.name, total, 30*1024)
		}
	}
}

func gzipSize(t *testing.T, b []byte) int {
	t.Helper()
	var buf bytes.Buffer
	w, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	if _, err := w.Write(b); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Len()
}

// TestGolden compares a few whole pages with testdata/*.golden.html. Run
// `go test ./views/ -run TestGolden -update` after an intended change and
// review the diff.
func TestGolden(t *testing.T) {
	for _, p := range pages() {
		switch p.name {
		case "campaign-sections", "campaign-steps", "not-found", "sign", "thanks":
		default:
			continue
		}
		t.Run(p.name, func(t *testing.T) {
			got := []byte(render(t, p.c))
			path := filepath.Join("testdata", p.name+".golden.html")
			if *update {
				if err := os.WriteFile(path, got, 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run with -update to create it)", err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("%s differs from %s (%d bytes, want %d); run with -update if the change is intended", p.name, path, len(got), len(want))
			}
		})
	}
}

// TestNuHTMLChecker runs the W3C Nu HTML Checker (npm vnu-jar, with the
// machine's Java) over every page and wants 0 errors. It skips when Java or
// vnu.jar is missing, except under CI=true where that is a failure.
func TestNuHTMLChecker(t *testing.T) {
	java, jar := browsertest.Java(t), browsertest.VNU(t)
	dir := t.TempDir()
	var files []string
	for _, p := range pages() {
		f := filepath.Join(dir, p.name+".html")
		if err := os.WriteFile(f, []byte(render(t, p.c)), 0o644); err != nil {
			t.Fatal(err)
		}
		files = append(files, f)
	}
	out, err := exec.Command(java, append([]string{"-jar", jar, "--errors-only", "--format", "gnu"}, files...)...).CombinedOutput()
	if err != nil || len(bytes.TrimSpace(out)) > 0 {
		t.Errorf("Nu checker: %v\n%s", err, out)
	}
}

// TestDumpPages writes every fixture page to $PLACARD_VIEWS_DUMP (a
// temporary folder when unset), for looking at them in a browser.
func TestDumpPages(t *testing.T) {
	dir := os.Getenv("PLACARD_VIEWS_DUMP")
	if dir == "" {
		dir = t.TempDir()
	}
	for _, p := range pages() {
		if err := os.WriteFile(filepath.Join(dir, p.name+".html"), []byte(render(t, p.c)), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// TestPictureSizes: a picture offered in several widths carries srcset and
// sizes beside its width and height; one offered in one width carries
// neither, so the browser never sees an empty srcset.
func TestPictureSizes(t *testing.T) {
	p := sectionsFixture()
	doc, _ := parse(t, CampaignPage(p))
	hero := wantCount(t, doc, ".hero img", 1)
	wantAttr(t, hero, "srcset", p.Campaign.Image.SrcSet)
	wantAttr(t, hero, "sizes", p.Campaign.Image.Sizes)
	wantAttr(t, hero, "width", "1200")
	wantAttr(t, hero, "height", "630")

	p.Campaign.Image = &Img{URL: "/static/riverside/small.1a2b3c.png", Alt: "A small picture", Width: 300, Height: 200}
	doc, _ = parse(t, CampaignPage(p))
	hero = wantCount(t, doc, ".hero img", 1)
	for _, attr := range []string{"srcset", "sizes"} {
		if v, ok := hero.Attr(attr); ok {
			t.Errorf("a picture in one width has %s=%q", attr, v)
		}
	}
}

// TestShareBlockOneClearAction: the share block's first two networks (in
// the organisation's order) are full buttons and the others small links;
// Mastodon's form is folded in a details element; one message to copy,
// with its hashtags on their own line, replaces the link field; the
// Share… button is the primary button, hidden until the script finds a
// share sheet (issue 13 B3).
func TestShareBlockOneClearAction(t *testing.T) {
	p := sectionsFixture()
	sv := *p.Actions[4].Share
	sv.Message = "Save the library " + sv.URL + "?src=copy\n#SaveRiversideLibrary #Riverside"
	sv.NativeURL, sv.NativeText = sv.URL+"?src=share", "Save the library"
	p.Actions[4].Share = &sv
	_, s := actionSection(t, p, "share")
	var top, rest []string
	s.Find(".share-links li").Each(func(_ int, li *goquery.Selection) {
		switch {
		case li.HasClass("share-top"):
			top = append(top, li.Find("a").AttrOr("href", "")[:12])
		case li.HasClass("share-rest"):
			rest = append(rest, li.Find("a").AttrOr("href", ""))
		}
	})
	if len(top) != 2 || len(rest) != len(sv.Links)-2 {
		t.Errorf("share links: %d primary and %d compact, want 2 and %d", len(top), len(rest), len(sv.Links)-2)
	}
	if s.Find(".share-top a.btn-share").Length() != 0 || s.Find(".share-rest a.btn-share").Length() != len(rest) {
		t.Errorf("primary links must be filled buttons, the rest outline links")
	}
	if s.Find("details.share-mastodon form.mastodon-form").Length() != 1 {
		t.Errorf("the Mastodon form is not folded in details.share-mastodon")
	}
	msg := s.Find(".share-message textarea")
	if msg.Length() != 1 || msg.Text() != sv.Message {
		t.Errorf("message to copy: got %q, want %q", msg.Text(), sv.Message)
	}
	if id := msg.AttrOr("id", ""); s.Find(`label[for="`+id+`"]`).Length() != 1 || s.Find(`button[data-copy="`+id+`"][hidden]`).Length() != 1 {
		t.Errorf("message to copy: want a label and a hidden copy button for #%s", id)
	}
	if s.Find(".copy-link input[type=url]").Length() != 0 {
		t.Errorf("with a message to copy, the separate link field must go")
	}
	if b := s.Find(".native-share button.btn-big[hidden]"); b.Length() != 1 {
		t.Errorf("Share… button: want one primary (btn-big) button, hidden until the script finds a share sheet")
	}
}

// TestOrgNamedOnceAboveTitle: a campaign page whose breadcrumb names the
// organisation does not name it again above the title; one without a
// breadcrumb (an embed-like frame) still does (issue 13 B5).
func TestOrgNamedOnceAboveTitle(t *testing.T) {
	p := sectionsFixture()
	p.Page.Breadcrumbs = []Link{{Label: "Act", URL: "/"}, {Label: p.OrgName, URL: p.OrgURL}}
	doc, _ := parse(t, CampaignPage(p))
	if n := doc.Find(".campaign-head .eyebrow").Length(); n != 0 {
		t.Errorf("with a breadcrumb: got %d organisation lines above the title, want 0", n)
	}
	p.Page.Breadcrumbs = nil
	doc, _ = parse(t, CampaignPage(p))
	if got := doc.Find(".campaign-head .eyebrow").Text(); !strings.Contains(got, p.OrgName) {
		t.Errorf("without a breadcrumb: eyebrow %q, want the organisation's name", got)
	}
}

// TestOrgCampaignsBeforeAbout: an organisation page lists its campaigns
// before its about text, which can be long, so a reader on a phone
// reaches what they can do first (issue 13 B5).
func TestOrgCampaignsBeforeAbout(t *testing.T) {
	_, html := parse(t, OrgPage(orgFixture()))
	c, a := strings.Index(html, `id="campaigns-title"`), strings.Index(html, `id="about-title"`)
	if c < 0 || a < 0 || c > a {
		t.Errorf("organisation page: campaigns heading at %d, about heading at %d; want the campaigns first", c, a)
	}
}
