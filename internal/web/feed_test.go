package web

import (
	"encoding/xml"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/placard/placard/internal/campaign"
	"github.com/placard/placard/internal/campaign/campaigntest"
)

// feedSite is testSite plus a press statement, so the feed has a
// statement entry with content.
func feedSite(t testing.TB) *campaign.Site {
	t.Helper()
	f := testFiles(t)
	f["riverside/statement.yaml"] = `title: Council vote
summary: Our response to the vote.
date: 2026-03-04
actions:
  - kind: statement
    id: press
    dateline: RIVERSIDE
    date: 2026-03-05
    body: The council **listened** & voted <to keep> the library.
`
	return campaigntest.Site(t, f)
}

// Atom as a reader parses it: every element RFC 4287 requires, and the
// ones Placard promises, so a missing one shows up as an empty field.
type testFeed struct {
	XMLName xml.Name `xml:"http://www.w3.org/2005/Atom feed"`
	Lang    string   `xml:"http://www.w3.org/XML/1998/namespace lang,attr"`
	ID      string   `xml:"http://www.w3.org/2005/Atom id"`
	Title   string   `xml:"http://www.w3.org/2005/Atom title"`
	Updated string   `xml:"http://www.w3.org/2005/Atom updated"`
	Links   []struct {
		Rel  string `xml:"rel,attr"`
		Href string `xml:"href,attr"`
	} `xml:"http://www.w3.org/2005/Atom link"`
	Author struct {
		Name string `xml:"http://www.w3.org/2005/Atom name"`
	} `xml:"http://www.w3.org/2005/Atom author"`
	Entries []struct {
		ID        string `xml:"http://www.w3.org/2005/Atom id"`
		Title     string `xml:"http://www.w3.org/2005/Atom title"`
		Updated   string `xml:"http://www.w3.org/2005/Atom updated"`
		Published string `xml:"http://www.w3.org/2005/Atom published"`
		Links     []struct {
			Rel  string `xml:"rel,attr"`
			Href string `xml:"href,attr"`
		} `xml:"http://www.w3.org/2005/Atom link"`
		Summary string `xml:"http://www.w3.org/2005/Atom summary"`
		Content struct {
			Type string `xml:"type,attr"`
			Body string `xml:",chardata"`
		} `xml:"http://www.w3.org/2005/Atom content"`
	} `xml:"http://www.w3.org/2005/Atom entry"`
}

func wantRFC3339(t *testing.T, what, s string) time.Time {
	t.Helper()
	at, err := time.Parse(time.RFC3339, s)
	if err != nil {
		t.Errorf("%s = %q, want an RFC 3339 date-time", what, s)
	}
	return at
}

// TestFeed: /{org}/feed.atom is well-formed Atom 1.0 with the feed's
// required elements (id, title, updated, author, self and alternate
// links) and an entry per public campaign and per statement, each with
// id, title, updated and link; statements carry their text as content.
func TestFeed(t *testing.T) {
	s, err := New(Config{BaseURL: "https://act.example.org", SiteName: "Act"}, feedSite(t))
	if err != nil {
		t.Fatal(err)
	}
	res := get(t, s, "GET", "/riverside/feed.atom", nil)
	wantStatus(t, res, 200)
	wantHeader(t, res, "Content-Type", "application/atom+xml; charset=utf-8")
	raw := body(t, res)
	if !strings.HasPrefix(raw, `<?xml version="1.0" encoding="UTF-8"?>`) {
		t.Errorf("feed does not start with the XML declaration: %.60s", raw)
	}
	var f testFeed
	if err := xml.Unmarshal([]byte(raw), &f); err != nil {
		t.Fatalf("feed is not well-formed Atom: %v\n%s", err, raw)
	}
	if f.ID != "https://act.example.org/riverside/feed.atom" || f.Title != "Riverside Coalition" || f.Author.Name != "Riverside Coalition" || f.Lang != "en" {
		t.Errorf("feed id %q title %q author %q lang %q; want the feed address, the organisation's name twice and en", f.ID, f.Title, f.Author.Name, f.Lang)
	}
	links := map[string]string{}
	for _, l := range f.Links {
		links[l.Rel] = l.Href
	}
	if links["self"] != "https://act.example.org/riverside/feed.atom" || links["alternate"] != "https://act.example.org/riverside" {
		t.Errorf("feed links %v, want self = the feed and alternate = the organisation page", links)
	}
	updated := wantRFC3339(t, "feed updated", f.Updated)
	ids := map[string]bool{}
	got := map[string]int{}
	for _, e := range f.Entries {
		if e.ID == "" || e.Title == "" || len(e.Links) == 0 || e.Links[0].Href == "" {
			t.Errorf("entry %+v lacks an id, title or link", e)
		}
		if ids[e.ID] {
			t.Errorf("entry id %q repeated", e.ID)
		}
		if u, err := url.Parse(e.ID); err != nil || !u.IsAbs() {
			t.Errorf("entry id %q is not an absolute IRI, as Atom requires", e.ID)
		}
		ids[e.ID] = true
		if at := wantRFC3339(t, "entry updated", e.Updated); at.After(updated) {
			t.Errorf("entry %q updated %s after the feed's %s", e.ID, e.Updated, f.Updated)
		}
		got[e.ID]++
		switch e.ID {
		case "https://act.example.org/riverside/save-the-library":
			if e.Summary != "The council votes on 3 March." || e.Published != "2026-02-10T00:00:00Z" {
				t.Errorf("campaign entry summary %q published %q", e.Summary, e.Published)
			}
		case "https://act.example.org/riverside/statement#press":
			if e.Content.Type != "html" || !strings.Contains(e.Content.Body, "<strong>listened</strong>") || strings.Contains(e.Content.Body, "<to keep>") {
				t.Errorf("statement content (%s) %q, want the statement as sanitised HTML", e.Content.Type, e.Content.Body)
			}
			if e.Published != "2026-03-05T00:00:00Z" {
				t.Errorf("statement published %q, want its own date", e.Published)
			}
			if e.Summary != "RIVERSIDE — The council listened & voted the library." {
				t.Errorf("statement summary %q, want the dateline and the plain text", e.Summary)
			}
		}
	}
	for _, id := range []string{"https://act.example.org/riverside/save-the-library", "https://act.example.org/riverside/statement", "https://act.example.org/riverside/statement#press"} {
		if got[id] != 1 {
			t.Errorf("feed has %d entries %q, want 1", got[id], id)
		}
	}
	if got["https://act.example.org/riverside/secret-plan"] != 0 {
		t.Errorf("feed lists the draft")
	}
	if f.Entries[0].ID != "https://act.example.org/riverside/statement#press" {
		t.Errorf("first entry %q, want the newest (the statement)", f.Entries[0].ID)
	}

	d := doc(t, get(t, s, "GET", "/riverside", nil))
	if href := d.Find(`head link[rel=alternate][type="application/atom+xml"]`).AttrOr("href", ""); href != "https://act.example.org/riverside/feed.atom" {
		t.Errorf("organisation page feed link %q, want the feed", href)
	}
	wantStatus(t, get(t, s, "GET", "/nobody/feed.atom", nil), http.StatusNotFound)
}

// TestSitemapAndRobots: /sitemap.xml lists every public page exactly once
// with a lastmod date, and nothing else; robots.txt names it and keeps
// crawlers off the embeds.
func TestSitemapAndRobots(t *testing.T) {
	s, err := New(Config{BaseURL: "https://act.example.org", SiteName: "Act"}, feedSite(t))
	if err != nil {
		t.Fatal(err)
	}
	res := get(t, s, "GET", "/sitemap.xml", nil)
	wantStatus(t, res, 200)
	wantHeader(t, res, "Content-Type", "application/xml; charset=utf-8")
	var sm struct {
		XMLName xml.Name `xml:"http://www.sitemaps.org/schemas/sitemap/0.9 urlset"`
		URLs    []struct {
			Loc     string `xml:"http://www.sitemaps.org/schemas/sitemap/0.9 loc"`
			LastMod string `xml:"http://www.sitemaps.org/schemas/sitemap/0.9 lastmod"`
		} `xml:"http://www.sitemaps.org/schemas/sitemap/0.9 url"`
	}
	raw := body(t, res)
	if err := xml.Unmarshal([]byte(raw), &sm); err != nil {
		t.Fatalf("sitemap is not well-formed: %v\n%s", err, raw)
	}
	got := map[string]string{}
	for _, u := range sm.URLs {
		if _, dup := got[u.Loc]; dup {
			t.Errorf("sitemap lists %s twice", u.Loc)
		}
		got[u.Loc] = u.LastMod
	}
	want := map[string]string{
		"https://act.example.org/":                           "2026-03-04",
		"https://act.example.org/riverside":                  "2026-03-04",
		"https://act.example.org/riverside/save-the-library": "2026-02-10",
		"https://act.example.org/riverside/statement":        "2026-03-04",
		"https://act.example.org/plain":                      "2026-01-05",
		"https://act.example.org/plain/a-note":               "2026-01-05",
	}
	for loc, lm := range want {
		if got[loc] != lm {
			t.Errorf("sitemap %s lastmod %q, want %q", loc, got[loc], lm)
		}
	}
	if len(got) != len(want) {
		t.Errorf("sitemap lists %d pages %v, want exactly %d (no drafts, embeds or thank-you pages)", len(got), got, len(want))
	}

	r := body(t, get(t, s, "GET", "/robots.txt", nil))
	for _, line := range []string{"User-agent: *", "Sitemap: https://act.example.org/sitemap.xml", "Disallow: /*/*/embed", "Disallow: /oembed"} {
		if !strings.Contains(r, line+"\n") {
			t.Errorf("robots.txt lacks %q:\n%s", line, r)
		}
	}
}

// TestExportDiscovery: a static copy holds the feeds, the sitemap,
// robots.txt and the embeds, the embeds with their frame-ancestors; the
// oEmbed endpoint is not exported.
func TestExportDiscovery(t *testing.T) {
	site := embedSite(t)
	s, err := New(Config{BaseURL: "https://act.example.org", FormOrigin: "https://api.example.org"}, site)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]http.Header{}
	bodies := map[string]string{}
	if err := s.Export(func(p string, h http.Header, body []byte) error {
		got[p], bodies[p] = h, string(body)
		return nil
	}); err != nil {
		t.Fatalf("Export: %v", err)
	}
	for _, p := range []string{"/riverside/feed.atom", "/plain/feed.atom", "/sitemap.xml", "/robots.txt", libraryEmbed} {
		if _, ok := got[p]; !ok {
			t.Errorf("Export did not hand over %s", p)
		}
	}
	if h := got[libraryEmbed]; h != nil {
		if csp := h.Get("Content-Security-Policy"); !strings.Contains(csp, "frame-ancestors "+partner+" "+localPartner) || !strings.Contains(csp, "form-action 'self' https://api.example.org") {
			t.Errorf("exported embed policy %q, want the partners as frame-ancestors and the API origin as form-action", csp)
		}
		if h.Get("X-Frame-Options") != "" {
			t.Errorf("exported embed has X-Frame-Options %q", h.Get("X-Frame-Options"))
		}
		if !strings.Contains(bodies[libraryEmbed], `action="https://api.example.org/riverside/save-the-library/embed/sign?lang=en"`) {
			t.Errorf("exported embed form does not post to the API origin's embed sign address")
		}
	}
	if _, ok := got["/plain/a-note/embed"]; ok {
		t.Errorf("Export wrote an embed for an organisation without embed_origins")
	}
	for p := range got {
		if strings.HasPrefix(p, "/oembed") {
			t.Errorf("Export wrote %s, which needs a server", p)
		}
	}
}

// BenchmarkSetSiteExamples rebuilds the snapshot of the example campaigns,
// as a reload does: every page, and since embeds and feeds, each
// campaign's embed, each organisation's feed and the sitemap.
func BenchmarkSetSiteExamples(b *testing.B) {
	site, problems := campaign.Load("../../campaigns")
	if problems.HasErrors() {
		b.Fatalf("loading the examples: %v", problems)
	}
	s, err := New(Config{BaseURL: "https://act.example.org"}, site)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if err := s.SetSite(site); err != nil {
			b.Fatal(err)
		}
	}
}

// TestFeedShape checks the feed against RFC 4287's cardinality rules,
// element by element: the feed and each entry have exactly one id, title
// and updated; at most one subtitle, published, summary and content; the
// feed an author and one rel=self link, each entry a rel=alternate link;
// and nothing outside the elements the RFC defines.
func TestFeedShape(t *testing.T) {
	s, err := New(Config{BaseURL: "https://act.example.org", SiteName: "Act"}, feedSite(t))
	if err != nil {
		t.Fatal(err)
	}
	for _, org := range []string{"riverside", "plain"} {
		raw := body(t, get(t, s, "GET", "/"+org+"/feed.atom", nil))
		dec := xml.NewDecoder(strings.NewReader(raw))
		const atom = "http://www.w3.org/2005/Atom"
		known := map[string]bool{"author": true, "category": true, "content": true, "contributor": true, "generator": true,
			"icon": true, "id": true, "link": true, "logo": true, "published": true, "rights": true, "source": true,
			"subtitle": true, "summary": true, "title": true, "updated": true, "entry": true, "name": true, "uri": true, "email": true}
		type counts struct {
			n     map[string]int
			links map[string]int
		}
		var stack []*counts
		check := func(where string, c *counts, entry bool) {
			for _, el := range []string{"id", "title", "updated"} {
				if c.n[el] != 1 {
					t.Errorf("%s %s: %d <%s>, want exactly 1", org, where, c.n[el], el)
				}
			}
			for _, el := range []string{"subtitle", "published", "summary", "content", "icon", "logo", "rights"} {
				if c.n[el] > 1 {
					t.Errorf("%s %s: %d <%s>, want at most 1", org, where, c.n[el], el)
				}
			}
			if entry {
				if c.links["alternate"] < 1 && c.n["content"] == 0 {
					t.Errorf("%s %s: no rel=alternate link and no content", org, where)
				}
			} else {
				if c.n["author"] < 1 || c.links["self"] != 1 || c.links["alternate"] != 1 {
					t.Errorf("%s feed: %d authors, %d self links, %d alternate links; want ≥1, 1, 1", org, c.n["author"], c.links["self"], c.links["alternate"])
				}
			}
		}
		entries := 0
		for {
			tok, err := dec.Token()
			if err != nil {
				break
			}
			switch el := tok.(type) {
			case xml.StartElement:
				if el.Name.Space != atom && el.Name.Space != "" {
					t.Errorf("%s: element %v outside the Atom namespace", org, el.Name)
				}
				var parent *counts
				if len(stack) > 0 {
					parent = stack[len(stack)-1]
				}
				if parent != nil {
					if !known[el.Name.Local] {
						t.Errorf("%s: unknown Atom element <%s>", org, el.Name.Local)
					}
					parent.n[el.Name.Local]++
					if el.Name.Local == "link" {
						rel := "alternate"
						for _, a := range el.Attr {
							if a.Name.Local == "rel" {
								rel = a.Value
							}
						}
						parent.links[rel]++
					}
				}
				if el.Name.Local == "feed" || el.Name.Local == "entry" {
					stack = append(stack, &counts{n: map[string]int{}, links: map[string]int{}})
				} else {
					stack = append(stack, nil) // grandchildren (author/name) are not counted
				}
			case xml.EndElement:
				c := stack[len(stack)-1]
				stack = stack[:len(stack)-1]
				switch el.Name.Local {
				case "entry":
					entries++
					check("entry "+strconv.Itoa(entries), c, true)
				case "feed":
					check("feed", c, false)
				}
			}
		}
		if entries == 0 {
			t.Errorf("%s feed has no entries", org)
		}
	}
}
