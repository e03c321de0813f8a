package site

import (
	"encoding/xml"
	"slices"
	"strings"
	"time"

	"github.com/placard/placard/internal/campaign"
	"github.com/placard/placard/internal/markdown"
	"github.com/placard/placard/internal/pagecache"
	"github.com/placard/placard/views"
)

// Discovery: an Atom 1.0 feed per organisation (GET /{org}/feed.atom) of
// its campaigns and press statements, a sitemap of every public page (GET
// /sitemap.xml) and robots.txt naming it. All three are built once per
// snapshot from what the pages show, so they can never list a draft or a
// page that does not exist.

// Content types of the discovery documents.
const (
	atomType    = "application/atom+xml; charset=utf-8"
	sitemapType = "application/xml; charset=utf-8"
)

// atomFeed is an Atom 1.0 feed (RFC 4287) with the elements Placard writes.
type atomFeed struct {
	XMLName  xml.Name    `xml:"http://www.w3.org/2005/Atom feed"`
	Lang     string      `xml:"xml:lang,attr,omitempty"`
	ID       string      `xml:"id"`
	Title    atomText    `xml:"title"`
	Subtitle *atomText   `xml:"subtitle,omitempty"`
	Updated  string      `xml:"updated"`
	Links    []atomLink  `xml:"link"`
	Author   atomPerson  `xml:"author"`
	Icon     string      `xml:"icon,omitempty"`
	Entries  []atomEntry `xml:"entry"`
}

type atomText struct {
	Type string `xml:"type,attr,omitempty"`
	Body string `xml:",chardata"`
}

type atomLink struct {
	Rel  string `xml:"rel,attr,omitempty"`
	Type string `xml:"type,attr,omitempty"`
	Href string `xml:"href,attr"`
}

type atomPerson struct {
	Name string `xml:"name"`
	URI  string `xml:"uri,omitempty"`
}

type atomEntry struct {
	ID        string     `xml:"id"`
	Title     atomText   `xml:"title"`
	Updated   string     `xml:"updated"`
	Published string     `xml:"published,omitempty"`
	Links     []atomLink `xml:"link"`
	Summary   *atomText  `xml:"summary,omitempty"`
	Content   *atomText  `xml:"content,omitempty"`

	at time.Time // Updated, for sorting
}

// feedLink is the <link rel="alternate"> that announces an organisation's
// feed on its pages.
func (b *builder) feedLink(o *campaign.Org) views.Discovery {
	return views.Discovery{Type: "application/atom+xml", Title: b.localizer(o).T("journey.feed.title", "org", o.Name), URL: b.opt.Base + "/" + o.Slug + "/feed.atom"}
}

// changedAt is when a campaign last changed in a way a reader of the feed
// or a crawler should notice: its date, its publish_at, or its close_at
// once passed (it then shows as closed). Placard keeps no edit times, so
// the dates the organiser wrote are the record.
func (b *builder) changedAt(c *campaign.Campaign) time.Time {
	t := c.Date
	if c.PublishAt.After(t) {
		t = c.PublishAt
	}
	if !c.CloseAt.IsZero() && c.CloseAt.After(t) && !b.opt.Now().Before(c.CloseAt) {
		t = c.CloseAt
	}
	return t
}

// atomTime writes t as RFC 3339, the only form Atom allows; a campaign
// without any date counts from the Unix epoch so the element is never
// missing.
func atomTime(t time.Time) string {
	if t.IsZero() {
		t = time.Unix(0, 0)
	}
	return t.UTC().Format(time.RFC3339)
}

// addOrgSyndication adds organisation o's feed and the embed pages of its
// campaigns that take no signatures here, once its pages are laid out
// (buildOrg), and forgets the props its pages left for them (remember).
func (b *builder) addOrgSyndication(o *campaign.Org) error {
	sy := b.syn()
	data, err := b.orgFeed(o)
	if err != nil {
		return err
	}
	sy.Feeds["/"+o.Slug+"/feed.atom"] = b.snap.reuse.New(data, atomType, hvNoCache, "")
	if len(o.EmbedOrigins) > 0 {
		for _, c := range o.Campaigns {
			if !b.public(c) || b.snap.Signing[CampaignPath(c)] != nil {
				continue
			}
			if err := b.addEmbedPage(c, b.plainProps(c)); err != nil {
				return err
			}
		}
	}
	for _, c := range o.Campaigns {
		delete(sy.props, c)
	}
	return nil
}

// orgFeed builds organisation o's feed: one entry per public campaign (its
// summary) and one per press statement (its full text), newest first.
func (b *builder) orgFeed(o *campaign.Org) ([]byte, error) {
	orgURL := b.opt.Base + "/" + o.Slug
	f := atomFeed{
		Lang:   b.basePage(o).Lang,
		ID:     orgURL + "/feed.atom",
		Title:  atomText{Body: o.Name},
		Links:  []atomLink{{Rel: "self", Type: "application/atom+xml", Href: orgURL + "/feed.atom"}, {Rel: "alternate", Type: "text/html", Href: orgURL}},
		Author: atomPerson{Name: o.Name, URI: orgURL},
	}
	if o.Website != "" {
		f.Author.URI = o.Website
	}
	if about := strings.TrimSpace(b.markdown.PlainText(string(o.About))); about != "" {
		f.Subtitle = &atomText{Body: about}
	}
	for _, c := range o.Campaigns {
		if !b.public(c) {
			continue
		}
		cp := b.plainProps(c)
		page := cp.Page.CanonicalURL
		at := b.changedAt(c)
		e := atomEntry{
			ID:      page,
			Title:   atomText{Body: c.Title},
			Updated: atomTime(at),
			Links:   []atomLink{{Rel: "alternate", Type: "text/html", Href: page}},
			at:      at,
		}
		if !c.Date.IsZero() {
			e.Published = atomTime(c.Date)
		}
		if s := cp.Page.Description; s != "" {
			e.Summary = &atomText{Body: s}
		}
		f.Entries = append(f.Entries, e)
		for i, a := range cp.Actions {
			st := a.Statement
			if st == nil || i >= len(c.Actions) || c.Actions[i].Statement == nil {
				continue
			}
			// The statement's day: the loader gives every statement a date.
			sd := c.Actions[i].Statement.Date
			date := time.Date(sd.Year(), sd.Month(), sd.Day(), 0, 0, 0, 0, time.UTC)
			title := a.Title
			if title == "" || title == b.basePage(c.Org).L.T("title."+string(campaign.KindStatement)) {
				title = "Statement: " + c.Title
			}
			se := atomEntry{
				ID:        page + "#" + a.ID,
				Title:     atomText{Body: title},
				Updated:   atomTime(date),
				Published: atomTime(date),
				Links:     []atomLink{{Rel: "alternate", Type: "text/html", Href: page + "#" + a.ID}},
				Content:   &atomText{Type: "html", Body: absoluteLinks(string(st.BodyHTML), b.opt.Base)},
				at:        date,
			}
			summary := markdown.Truncate(b.markdown.PlainTextAs(string(c.Actions[i].Statement.Body), c.Verbatim(campaign.KindStatement)), descriptionLimit)
			if st.Dateline != "" {
				summary = st.Dateline + " — " + summary
			}
			if summary != "" {
				se.Summary = &atomText{Body: summary}
			}
			f.Entries = append(f.Entries, se)
		}
	}
	slices.SortStableFunc(f.Entries, func(x, y atomEntry) int { return y.at.Compare(x.at) })
	var newest time.Time
	for _, e := range f.Entries {
		if e.at.After(newest) {
			newest = e.at
		}
	}
	f.Updated = atomTime(newest)
	out, err := xml.MarshalIndent(f, "", "  ")
	if err != nil {
		return nil, err
	}
	return append([]byte(xml.Header), append(out, '\n')...), nil
}

// absoluteLinks makes the site-relative addresses in rendered Markdown
// (pictures and files under /static/) absolute, since a feed reader shows
// the HTML away from the site.
func absoluteLinks(h, base string) string {
	h = strings.ReplaceAll(h, `href="/`, `href="`+base+`/`)
	return strings.ReplaceAll(h, `src="/`, `src="`+base+`/`)
}

// sitemapSet is a sitemap (sitemaps.org 0.9). The xhtml namespace is
// declared for hreflang alternates (sitemapURL.Alternates).
type sitemapSet struct {
	XMLName xml.Name     `xml:"http://www.sitemaps.org/schemas/sitemap/0.9 urlset"`
	XHTML   string       `xml:"xmlns:xhtml,attr"`
	URLs    []sitemapURL `xml:"url"`
}

type sitemapURL struct {
	Loc     string `xml:"loc"`
	LastMod string `xml:"lastmod,omitempty"`
	// Alternates are the page in other languages, as
	// <xhtml:link rel="alternate" hreflang="…" href="…"/>.
	Alternates []sitemapAlt `xml:"xhtml:link"`
}

type sitemapAlt struct {
	Rel      string `xml:"rel,attr"`
	Hreflang string `xml:"hreflang,attr"`
	Href     string `xml:"href,attr"`
}

// sitemapLangs lists a page in each of its organisation's languages, as
// one <url> per language each naming all of them (and x-default, the
// default language's address), the way search engines read hreflang in
// sitemaps. pathIn gives the page's address in a language. A page in one
// language is one <url> with no alternates.
func (b *builder) sitemapLangs(o *campaign.Org, pathIn func(lang string) string, lastMod string) []sitemapURL {
	langs := o.Langs()
	if len(langs) < 2 {
		return []sitemapURL{{Loc: b.opt.Base + pathIn(langs[0]), LastMod: lastMod}}
	}
	var alts []sitemapAlt
	for _, l := range langs {
		alts = append(alts, sitemapAlt{Rel: "alternate", Hreflang: l, Href: b.opt.Base + pathIn(l)})
	}
	alts = append(alts, sitemapAlt{Rel: "alternate", Hreflang: "x-default", Href: b.opt.Base + pathIn(langs[0])})
	var out []sitemapURL
	for _, l := range langs {
		out = append(out, sitemapURL{Loc: b.opt.Base + pathIn(l), LastMod: lastMod, Alternates: alts})
	}
	return out
}

// siteMap lists every public page — the index, each organisation and each
// public campaign — with its last change. Previews, embeds, thank-you pages
// and region variants are not pages to index and are left out.
func (b *builder) siteMap(site *campaign.Site) ([]byte, error) {
	sm := sitemapSet{XHTML: "http://www.w3.org/1999/xhtml"}
	day := func(at time.Time) string {
		if at.IsZero() {
			return ""
		}
		return at.UTC().Format(time.DateOnly)
	}
	var newest time.Time
	var rest []sitemapURL
	if site != nil {
		for _, o := range site.Orgs {
			var orgNewest time.Time
			var camps []sitemapURL
			for _, c := range o.Campaigns {
				if !b.public(c) {
					continue
				}
				at := b.changedAt(c)
				if at.After(orgNewest) {
					orgNewest = at
				}
				camps = append(camps, b.sitemapLangs(o, func(l string) string { return CampaignPath(c.In(l)) }, day(at))...)
			}
			rest = append(rest, b.sitemapLangs(o, func(l string) string { return orgPath(o.In(l)) }, day(orgNewest))...)
			rest = append(rest, camps...)
			if orgNewest.After(newest) {
				newest = orgNewest
			}
		}
	}
	sm.URLs = append(sm.URLs, sitemapURL{Loc: b.opt.Base + "/", LastMod: day(newest)})
	sm.URLs = append(sm.URLs, rest...)
	out, err := xml.MarshalIndent(sm, "", "  ")
	if err != nil {
		return nil, err
	}
	return append([]byte(xml.Header), append(out, '\n')...), nil
}

// robots is robots.txt: everything public may be crawled, except addresses
// that are not pages of their own (embeds, thank-you pages, the signing and
// share endpoints, oEmbed and preview addresses), and the sitemap is named.
func (b *builder) robots() []byte {
	var s strings.Builder
	s.WriteString("User-agent: *\n")
	s.WriteString("Allow: /\n")
	for _, p := range []string{"/*/*/embed", "/*/*/thanks", "/*/*/sign", "/*/share/", "/*/*/share/", "/oembed", "/*?preview="} {
		s.WriteString("Disallow: " + p + "\n")
	}
	s.WriteString("\nSitemap: " + b.opt.Base + "/sitemap.xml\n")
	return []byte(s.String())
}

// addSyndication builds, after every page, the embeds of campaigns that
// take no signatures here, each organisation's feed, the sitemap and
// robots.txt.
func (b *builder) addSyndication(site *campaign.Site) error {
	sy := b.syn()
	data, err := b.siteMap(site)
	if err != nil {
		return err
	}
	sy.Sitemap = pagecache.New(data, sitemapType, hvNoCache, "")
	sy.Robots = pagecache.New(b.robots(), "text/plain; charset=utf-8", hvNoCache, "")
	sy.props = nil
	return nil
}
