package web

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"io/fs"
	"mime"
	"path"
	"sort"
	"strings"

	"github.com/a-h/templ"

	"github.com/placard/placard/internal/campaign"
	"github.com/placard/placard/internal/i18n"
	"github.com/placard/placard/views"
)

// snapshot is everything served for one loaded Site. It is built once and
// never modified, so request handlers read it without locks.
type snapshot struct {
	site *campaign.Site
	// pages holds every public page by its path: "/", "/org", "/org/slug".
	pages map[string]*cached
	// regions holds the region variants of campaign pages: path → lower-cased
	// region → page. Only pages with a contact region picker have any.
	regions map[string]map[string]*cached
	// rotations holds the share-message renderings of campaign pages whose
	// share action lists several messages: path → one page per rotation,
	// [0] being the page in pages (see reach.go).
	rotations map[string][]*cached
	// static holds every file under /static/, by full path.
	static map[string]*cached
	// live holds the campaign pages that take signatures, by path; their
	// pages carry form tokens and live tallies and are not in pages.
	live map[string]*liveCampaign
	// thanks holds the thank-you pages of live campaigns: campaign path →
	// outcome → page.
	thanks map[string]map[string]*cached
	// mastodon holds the default Mastodon share text of each campaign page
	// with a share action, by page path.
	mastodon map[string]string
	// mastodonLoc is the Localizer of each page in mastodon, so the page
	// asking to continue to a Mastodon server speaks the page's language.
	mastodonLoc map[string]*i18n.Localizer
	// moved maps a renamed campaign's old path to its current path, from
	// org.yaml's redirects; only campaigns with a public page are listed.
	moved map[string]string
	// shorts maps each campaign's short address (/save-the-pool, from its
	// short: setting) to its page; each is in moved too, answered with a 301,
	// and a static copy holds a page that forwards there (export.go).
	shorts map[string]string
	// previews holds the pages of campaigns not yet public (drafts, or before
	// publish_at), by path, served only with ?preview=Config.PreviewKey. Empty
	// when no key is set.
	previews map[string]*cached
	// generated holds the share cards and QR codes by address
	// (/org/card.png, /org/slug/card.png, card-square.png, qr.svg, qr.png),
	// made on first request and cached by content (cards.go).
	generated map[string]*generated
	// copies lists the addresses of the picture copies this snapshot
	// offers itself (not those lent by the one before), pictures.go.
	copies []string
	// liveKeys lists the live pages of each campaign by its store key
	// ("org/slug"): one per language, all showing the one shared tally.
	liveKeys map[string][]*liveCampaign
	// pageLangs lists, for the default-language address of each page of a
	// multilingual organisation, the languages the page exists in (default
	// first); suggest holds that page's variants with a notice offering each
	// other language: path → language → page.
	pageLangs map[string]*i18n.Matcher
	suggest   map[string]map[string]*cached
	// known lists the public pages for did-you-mean suggestions on 404s.
	known []views.Link
	// stylesheet and script are the hashed addresses of views.Static files.
	stylesheet, script string
	// reachScript is the hashed address of reach.js (reach.go).
	reachScript string
	// devScript is the hashed address of the live-preview script (dev.go),
	// empty unless Config.Dev.
	devScript string
	// siteImage is the generated share picture for site-level pages.
	siteImage *views.ShareImage
	// favicon is a small square in the default colour.
	favicon *cached
	// synd holds embeds, oEmbed data, feeds, the sitemap and robots.txt
	// (embed.go, feed.go).
	synd *syndication
	// internalError is the pre-rendered 500 page, so even a failure in
	// rendering error pages never leaves a bare response.
	internalError []byte
}

// builder carries what building one snapshot needs.
type builder struct {
	s    *Server
	snap *snapshot
	// preview is set while a preview page is built: no signing form, and no
	// Mastodon share redirect for a page that is not public.
	preview bool
	// variant is the share-message rotation being rendered (0 for the
	// page every static copy and cache key uses; see reach.go).
	variant int
	// assetURLs remembers the address each organiser file was given.
	assetURLs map[*campaign.Asset]string
	// pictures remembers the copies each organiser picture was given
	// (nil: none), pictures.go.
	pictures map[*campaign.Asset]*pictureSet
	// locs caches each organisation's Localizer per language (lang.go);
	// l is the one of the page being built, set by basePage.
	locs     map[string]*i18n.Localizer
	l        *i18n.Localizer
	matchers map[string]*i18n.Matcher
}

// build renders site into a new snapshot. prev, when not nil, lends its
// static files for one more generation.
func (s *Server) build(site *campaign.Site, prev *snapshot) (*snapshot, error) {
	b := &builder{
		s: s,
		snap: &snapshot{
			site:        site,
			pages:       map[string]*cached{},
			regions:     map[string]map[string]*cached{},
			rotations:   map[string][]*cached{},
			static:      map[string]*cached{},
			mastodon:    map[string]string{},
			mastodonLoc: map[string]*i18n.Localizer{},
			live:        map[string]*liveCampaign{},
			thanks:      map[string]map[string]*cached{},
			moved:       map[string]string{},
			shorts:      map[string]string{},
			previews:    map[string]*cached{},

			generated: map[string]*generated{},
			liveKeys:  map[string][]*liveCampaign{},
			pageLangs: map[string]*i18n.Matcher{},
			suggest:   map[string]map[string]*cached{},
		},
		assetURLs: map[*campaign.Asset]string{},
		pictures:  map[*campaign.Asset]*pictureSet{},
	}
	if err := b.addViewsStatic(); err != nil {
		return nil, err
	}
	b.addDevScript()
	b.snap.siteImage = b.plainImage("site", defaultBrand, s.cfg.SiteName)
	b.snap.favicon = newCached(squarePNG(defaultBrand, 32), "image/png", hvDayCache, staticCSP)
	if err := b.addPages(site); err != nil {
		return nil, err
	}
	sort.Slice(b.snap.known, func(i, j int) bool { return b.snap.known[i].URL < b.snap.known[j].URL })
	if err := b.addSyndication(site); err != nil {
		return nil, err
	}
	if err := b.renderInternalError(); err != nil {
		return nil, err
	}
	if prev != nil {
		for k, v := range prev.static {
			if _, ok := b.snap.static[k]; !ok {
				b.snap.static[k] = v
			}
		}
		b.lendCopies(prev)
	}
	return b.snap, nil
}

// addViewsStatic serves every file of views.Static under a hashed name and
// records the stylesheet's and script's addresses.
func (b *builder) addViewsStatic() error {
	return fs.WalkDir(views.Static, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := fs.ReadFile(views.Static, p)
		if err != nil {
			return err
		}
		u := b.addStatic(p, data, "")
		switch p {
		case "style.css":
			b.snap.stylesheet = u
		case "app.js":
			b.snap.script = u
		case "reach.js":
			b.snap.reachScript = u
		}
		return nil
	})
}

// addStatic serves data under /static/ with the content hash in its name
// (dir/name.HASH.ext) and returns the address.
func (b *builder) addStatic(p string, data []byte, contentType string) string {
	sum := sha256.Sum256(data)
	hash := hex.EncodeToString(sum[:])[:12]
	ext := path.Ext(p)
	u := "/static/" + strings.TrimSuffix(p, ext) + "." + hash + ext
	if contentType == "" {
		contentType = mime.TypeByExtension(ext)
	}
	if contentType == "" {
		contentType = "application/octet-stream"
	}
	if strings.HasPrefix(contentType, "text/") && !strings.Contains(contentType, "charset") {
		contentType += "; charset=utf-8"
	}
	if _, ok := b.snap.static[u]; !ok {
		b.snap.static[u] = newCached(data, contentType, hvImmutable, staticCSP)
	}
	return u
}

// assetURL serves one of an organisation's files and returns its address.
func (b *builder) assetURL(org *campaign.Org, a *campaign.Asset) string {
	if a == nil {
		return ""
	}
	if u, ok := b.assetURLs[a]; ok {
		return u
	}
	u := b.addStatic(org.Slug+"/"+strings.TrimPrefix(path.Clean("/"+a.Path), "/"), a.Data, a.ContentType)
	b.assetURLs[a] = u
	return u
}

// addPages renders the index, every organisation page and every public
// campaign page, with region variants.
func (b *builder) addPages(site *campaign.Site) error {
	idx := b.indexProps(site)
	if err := b.addPage("/", views.IndexPage(idx), idx.Page); err != nil {
		return err
	}
	if site == nil {
		return nil
	}
	for _, o := range site.Orgs {
		// Serve every file the loader read for the organisation, so even a
		// file only Markdown links to has its hashed address.
		paths := make([]string, 0, len(o.Assets))
		for p := range o.Assets {
			paths = append(paths, p)
		}
		sort.Strings(paths)
		for _, p := range paths {
			b.assetURL(o, o.Assets[p])
		}
		for _, lang := range o.Langs() {
			if err := b.addOrg(o.In(lang)); err != nil {
				return err
			}
		}
	}
	return nil
}

// addOrg renders the pages of organisation o in o's language: its page,
// its campaigns' pages with region variants, and, for the default
// language of a multilingual organisation, the variants carrying a notice
// that suggests another language (see lang.go).
func (b *builder) addOrg(o *campaign.Org) error {
	{
		op := b.orgProps(o)
		orgPath := orgPath(o)
		if err := b.addPage(orgPath, views.OrgPage(op), op.Page); err != nil {
			return err
		}
		if err := b.addSuggestions(orgPath, o, op.Page, func(p views.Page) templ.Component {
			v := op
			v.Page = p
			return views.OrgPage(v)
		}); err != nil {
			return err
		}
		b.snap.known = append(b.snap.known, views.Link{Label: o.Name, URL: orgPath})
		for _, r := range o.Redirects {
			if c := o.Campaign(r.To); c != nil && b.public(c) {
				old := "/" + o.Slug + "/" + r.From
				if !isDefaultLang(o) {
					old += "/" + o.Language
				}
				b.snap.moved[old] = campaignPath(c)
			}
		}
		for _, c := range o.Campaigns {
			if !b.public(c) {
				if err := b.addPreview(c); err != nil {
					return err
				}
				continue
			}
			cp, regions := b.campaignProps(c, "")
			p := campaignPath(c)
			b.snap.known = append(b.snap.known, views.Link{Label: c.Title, URL: p})
			if c.Short != "" && isDefaultLang(o) {
				b.snap.moved["/"+c.Short] = p
				b.snap.shorts["/"+c.Short] = p
			}
			if err := b.addCampaignReach(c); err != nil {
				return err
			}
			if lc := b.newLive(c, cp); lc != nil {
				if isDefaultLang(o) {
					for _, alt := range cp.Page.Alternates {
						if !alt.Current {
							lc.suggestions[alt.Lang] = suggestion(alt, o.Strings[alt.Lang])
						}
					}
				}
				if err := b.addLive(lc, regions); err != nil {
					return err
				}
				continue
			}
			cp = b.staticTally(c, cp)
			if err := b.addPage(p, views.CampaignPage(cp), cp.Page); err != nil {
				return err
			}
			if err := b.addRotations(c, p); err != nil {
				return err
			}
			if err := b.addSuggestions(p, o, cp.Page, func(pg views.Page) templ.Component {
				v := cp
				v.Page = pg
				return views.CampaignPage(v)
			}); err != nil {
				return err
			}
			for _, region := range regions {
				vp, _ := b.campaignProps(c, region)
				page, err := b.renderPage(p, views.CampaignPage(vp), vp.Page)
				if err != nil {
					return fmt.Errorf("rendering %s for region %s: %w", p, region, err)
				}
				if b.snap.regions[p] == nil {
					b.snap.regions[p] = map[string]*cached{}
				}
				b.snap.regions[p][strings.ToLower(region)] = page
			}
		}
	}
	return nil
}

// addSuggestions renders, for the default-language page at path of a
// multilingual organisation o, one variant per other language with a
// notice suggesting it; render builds the page from a modified frame.
func (b *builder) addSuggestions(path string, o *campaign.Org, page views.Page, render func(views.Page) templ.Component) error {
	if !isDefaultLang(o) || len(page.Alternates) < 2 {
		return nil
	}
	b.snap.pageLangs[path] = b.matcher(o)
	set := map[string]*cached{}
	for _, alt := range page.Alternates {
		if alt.Current {
			continue
		}
		p := page
		p.Suggest = suggestion(alt, o.Strings[alt.Lang])
		c, err := b.renderPage(path, render(p), p)
		if err != nil {
			return fmt.Errorf("rendering %s with a %s suggestion: %w", path, alt.Lang, err)
		}
		set[alt.Lang] = c
	}
	b.snap.suggest[path] = set
	return nil
}

// addLive renders a campaign that takes signatures: its page and region
// variants with the last known tally, and its thank-you pages.
func (b *builder) addLive(lc *liveCampaign, regions []string) error {
	for _, region := range regions {
		vp, _ := b.campaignProps(lc.c, region)
		lc.regions[strings.ToLower(region)] = vp
	}
	lc.rotations = b.rotationProps(lc.c)
	if err := b.s.renderLive(lc, b.s.tallies[lc.key]); err != nil {
		return err
	}
	b.snap.live[lc.path] = lc
	b.snap.liveKeys[lc.key] = append(b.snap.liveKeys[lc.key], lc)
	share, donate, hasDonate := shareAndDonate(lc.path, lc.props)
	set := map[string]*cached{}
	lc.thanksProps = map[string]views.ThanksPageProps{}
	for _, o := range outcomes {
		tp := b.thanksProps(lc.c, lc.frame, o, share, donate, hasDonate)
		tp.Next = thanksNext(lc.path, lc.props)
		lc.thanksProps[o] = tp
		var buf bytes.Buffer
		if err := views.ThanksPage(tp).Render(context.Background(), &buf); err != nil {
			return fmt.Errorf("rendering the thank-you page of %s: %w", lc.path, err)
		}
		set[o] = newCached(buf.Bytes(), "text/html; charset=utf-8", hvNoCache, lc.csp)
	}
	b.snap.thanks[lc.path] = set
	return b.addEmbedThanks(lc, share)
}

func (b *builder) addPage(p string, c templ.Component, page views.Page) error {
	cp, err := b.renderPage(p, c, page)
	if err != nil {
		return fmt.Errorf("rendering %s: %w", p, err)
	}
	b.snap.pages[p] = cp
	return nil
}

// addPreview renders a campaign that is not public yet for the preview
// address, when a preview key is set: noindex, never stored by caches, and
// without a signing form (a preview takes no signatures).
func (b *builder) addPreview(c *campaign.Campaign) error {
	if b.s.cfg.PreviewKey == "" {
		return nil
	}
	b.preview = true
	defer func() { b.preview = false }()
	cp, _ := b.campaignProps(c, "")
	cp.Page.Noindex = true
	cp.Page.Preview = true
	p := campaignPath(c)
	page, err := b.renderPage(p, views.CampaignPage(cp), cp.Page)
	if err != nil {
		return fmt.Errorf("rendering the preview of %s: %w", p, err)
	}
	page.cacheControl = hvNoStore
	b.snap.previews[p] = page
	return nil
}

// renderPage renders one page into a cached response with its own
// Content-Security-Policy.
func (b *builder) renderPage(p string, c templ.Component, page views.Page) (*cached, error) {
	_, mastodonForm := b.snap.mastodon[p]
	var buf bytes.Buffer
	if err := c.Render(context.Background(), &buf); err != nil {
		return nil, err
	}
	csp := pageCSP(page.ThemeCSS, mastodonForm)
	if o := b.s.cfg.FormOrigin; o != "" && b.s.cfg.Store == nil && bytes.Contains(buf.Bytes(), []byte(`action="`+o+`/`)) {
		// A static copy's signing forms post to the live server; pages
		// without one keep serve's policy.
		csp = strings.Replace(csp, "form-action 'self'", "form-action 'self' "+o, 1)
	}
	return newCached(buf.Bytes(), "text/html; charset=utf-8", hvNoCache, csp), nil
}

func (b *builder) renderInternalError() error {
	props := views.ErrorPageProps{
		Page:    b.sitePage("Something went wrong"),
		Status:  500,
		Heading: "Something went wrong on our side",
		Message: "The page could not be shown. Please try again in a moment.",
		HomeURL: "/",
	}
	var buf bytes.Buffer
	if err := views.ErrorPage(props).Render(context.Background(), &buf); err != nil {
		return fmt.Errorf("rendering the error page: %w", err)
	}
	b.snap.internalError = buf.Bytes()
	return nil
}

// staticCSP is the policy on files under /static/: they are never documents
// to run, so an SVG opened on its own can neither run script nor load anything.
const staticCSP = "default-src 'none'; style-src 'unsafe-inline'; sandbox; frame-ancestors 'none'"

// pageCSP is a page's Content-Security-Policy: nothing from other origins,
// scripts only from this site, and inline style only for the page's own
// theme rule, allowed by its hash. A page with a Mastodon share form may
// send that form on to the reader's own server, so its form-action also
// allows https: (browsers apply form-action to the redirect).
func pageCSP(themeCSS string, mastodonForm bool) string {
	style := "style-src 'self'"
	if themeCSS != "" {
		sum := sha256.Sum256([]byte(themeCSS))
		style += " 'sha256-" + base64.StdEncoding.EncodeToString(sum[:]) + "'"
	}
	form := "form-action 'self'"
	if mastodonForm {
		form += " https:"
	}
	return "default-src 'none'; script-src 'self'; " + style + "; img-src 'self'; " + form +
		"; base-uri 'none'; frame-ancestors 'none'"
}

// public reports whether a campaign has a page now: every status but draft,
// once its publish_at (if any) has come. The snapshot is rebuilt when the
// next publish_at passes (see scheduleClose), so it appears on time.
func (b *builder) public(c *campaign.Campaign) bool { return c.PublicAt(b.s.cfg.Now()) }

func hasKind(c *campaign.Campaign, k campaign.Kind) bool {
	for _, a := range c.Actions {
		if a.Kind == k {
			return true
		}
	}
	return false
}
