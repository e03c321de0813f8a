package site

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"html/template"
	"io/fs"
	"mime"
	"path"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/a-h/templ"

	"github.com/placard/placard/internal/campaign"
	"github.com/placard/placard/internal/i18n"
	"github.com/placard/placard/internal/markdown"
	"github.com/placard/placard/internal/pagecache"
	"github.com/placard/placard/internal/tallywatch"
	"github.com/placard/placard/views"
)

// Snapshot is everything served for one loaded Site. It is built once and
// never modified, so request handlers read it without locks.
type Snapshot struct {
	Site *campaign.Site
	// opt are the options the snapshot was compiled with.
	opt Options
	// Pages holds every public page by its path: "/", "/org", "/org/slug".
	Pages map[string]*pagecache.Response
	// Regions holds the region variants of campaign pages: path → lower-cased
	// region → page. Only pages with a contact region picker have any.
	Regions map[string]map[string]*pagecache.Response
	// Contacts holds each contact action's own page (lookup, calls) by
	// its path, rendered per request (contact.go).
	Contacts map[string]*ContactAction
	// Rotations holds the share-message renderings of campaign pages whose
	// share action lists several messages: path → one page per rotation,
	// [0] being the page in pages (see rotation.go).
	Rotations map[string][]*pagecache.Response
	// Static holds every file under /static/, by full path.
	Static map[string]*pagecache.Response
	// Live holds the campaign pages that take signatures, by path; their
	// pages carry form tokens and live tallies and are not in pages.
	Signing map[string]*SigningCampaign
	// Thanks holds the thank-you pages of live campaigns, each rendered on
	// its first request: campaign path → outcome → page.
	Thanks map[string]map[string]*LazyPage
	// Mastodon holds the default Mastodon share text of each campaign page
	// with a share action, by page path.
	Mastodon map[string]string
	// MastodonTexts holds every text a page's own Mastodon form may carry
	// (its default and each rotation's), by page path: the share page
	// shows no other words (a link's text is the link-maker's).
	MastodonTexts map[string][]string
	// MastodonLoc is the Localizer of each page in mastodon, so the page
	// asking to continue to a Mastodon server speaks the page's language.
	MastodonLoc map[string]*i18n.Localizer
	// Moved maps a renamed campaign's old path to its current path, from
	// org.yaml's redirects; only campaigns with a public page are listed.
	Moved map[string]string
	// oldKeys indexes Moved by the store key its campaigns' old names
	// lead to (OldKeys), made on first use.
	oldKeysOnce sync.Once
	oldKeys     map[string][]string
	// Shorts maps each campaign's short address (/save-the-pool, from its
	// short: setting) to its page; each is in moved too, answered with a 301,
	// and a static copy holds a page that forwards there (Export).
	Shorts map[string]string
	// Previews holds the pages of campaigns not yet public (drafts, or before
	// publish_at), by path, served only with ?preview=Config.PreviewKey. Empty
	// when no key is set.
	Previews map[string]*pagecache.Response
	// Generated holds the share cards and QR codes by address
	// (/org/card.png, /org/slug/card.png, card-square.png, qr.svg, qr.png),
	// made on first request and cached by content (cards.go).
	Lazy map[string]*LazyFile
	// copies lists the addresses in Lazy of the picture copies this
	// snapshot offers itself (not those lent by the one before),
	// pictures.go.
	copies []string
	// LiveKeys lists the live pages of each campaign by its store key
	// ("org/slug"): one per language, all showing the one shared tally.
	SigningKeys map[string][]*SigningCampaign
	// PageLangs lists, for the default-language address of each page of a
	// multilingual organisation, the languages the page exists in (default
	// first); LangNotices holds that page's variants with a notice offering each
	// other language: path → language → page.
	PageLangs   map[string]*i18n.Matcher
	LangNotices map[string]map[string]*pagecache.Response
	// Known lists the public pages for did-you-mean suggestions on 404s.
	Known []views.Link
	// Stylesheet and script are the hashed addresses of views.Static files.
	Stylesheet, script string
	// reachScript is the hashed address of reach.js.
	reachScript string
	// devScript is the hashed address of the live-preview script (dev.go),
	// empty unless Config.Dev.
	devScript string
	// siteImage is the generated share picture for site-level pages.
	siteImage *views.ShareImage
	// Favicon is a small square in the default colour.
	Favicon *pagecache.Response
	// siteLogo is the default organisation's logo (site.yaml), shown in
	// the header of pages that belong to no organisation; nil for none.
	siteLogo *views.Img

	// OtherSites holds embeds, oEmbed data, feeds, the sitemap and robots.txt
	// (embed.go, feed.go).
	OtherSites *OtherSites
	// InternalError is the pre-rendered 500 page, so even a failure in
	// rendering error pages never leaves a bare response.
	InternalError []byte

	// orgFrames holds the frame of each organisation's page by its path
	// (/org, /org/ar), worn by the 404s under it (notfound.go).
	orgFrames map[string]views.Page
	// reuse prepared this snapshot's pages; the next build reuses them
	// where nothing changed.
	reuse *pagecache.Reuse
	// byContent holds the static files' responses by SHA-256 and content
	// type, so identical files share one (staticResponse).
	byContent map[string]*pagecache.Response
	// posterCSS is the address of the posters' stylesheet, once a poster
	// has asked for it (posterStylesheet).
	posterCSS string
	// orgs remembers each organisation's pages were made from, by its
	// slug, for the next build to take them as they are (reuseorg.go).
	orgs map[string]orgBuilt
	// ownFiles lists the addresses of the organisations' own files and
	// picture copies, true for those a public page names (publicfiles.go).
	ownFiles map[string]bool
}

// Mode says what a page is rendered for; it decides whether signing forms
// appear, where they post, and which policy the page gets.
type Mode int

const (
	// ModePublic is a page a live server answers: signing forms carry a
	// token placeholder when the server takes signatures.
	ModePublic Mode = iota
	// ModePreview is a campaign not public yet, shown only with the
	// preview key: no signing form, no card address, no embed, no
	// rotation and no Mastodon redirect.
	ModePreview
	// ModeEmbed is a campaign's embed (its own view model, built from the
	// campaign page's props), framed by the partner sites its
	// organisation lists: its policy names them (policy).
	ModeEmbed
	// ModeStatic is a page of a static copy (placard build): its signing
	// forms, when Options.FormOrigin is set, post there without a token.
	ModeStatic
)

// Options is what compiling a site needs from the server's configuration.
type Options struct {
	// Base is the site's public address without a trailing slash.
	Base string
	// SiteName names the whole site.
	SiteName string
	// Mode is ModePublic for a live server, ModeStatic for a static copy.
	Mode Mode
	// Signing is set when the server takes signatures: petitions and
	// letters become live pages with forms and tallies.
	Signing bool
	// FormOrigin is where a static copy's forms post (ModeStatic only).
	FormOrigin string
	// PreviewKey, when set, has previews of campaigns not yet public built.
	PreviewKey string
	// Dev adds the live-preview script (DevScript) and the embed snippet
	// to pages.
	Dev       bool
	DevScript []byte
	// Now is the time campaigns are judged open, closed or published at.
	Now func() time.Time
	// Tallies are the last known figures by store key ("org/slug"), shown
	// on live pages until the next poll.
	Tallies map[string]*tallywatch.Tally
	// Files is the cache share cards and QR codes are made into.
	Files *LazyFiles
	// FileKey keys the addresses a preview gives the files no public page
	// names (publicfiles.go): the server's, so the console's previews
	// name addresses the server opens. Empty: PreviewKey keys them.
	FileKey []byte
	// inline renders every page where it is laid out instead of setting
	// the renderings aside to run in parallel (tests compare the two).
	inline bool
	// eager renders at the build the pages a snapshot otherwise renders
	// on their first request, the signing pages from their props rather
	// than their packed record (tests compare the two).
	eager bool
}

// builder carries what building one snapshot needs.
type builder struct {
	opt      Options
	markdown *markdown.Renderer
	snap     *Snapshot
	// mode is what the pages being built are for (see with).
	mode Mode
	// variant is the share-message rotation being rendered (0 for the
	// page every static copy and cache key uses; see rotation.go).
	variant int
	// prevByContent is byContent of the snapshot before, whose static
	// responses are reused for the same bytes.
	prevByContent map[string]*pagecache.Response
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
	// later holds the renderings set aside to run in parallel once the
	// pages are laid out (parallel.go); shared by the builders of with.
	later *jobs
	// prev is the snapshot before, whose unchanged organisations' pages
	// are taken as they are; taken lists those organisations by slug, and
	// built records the one being built (reuseorg.go).
	prev  *Snapshot
	taken map[string]bool
	built *orgBuilt
	// mdFor is the campaign whose rendered Markdown mdMemo holds
	// (campaignMD).
	mdFor  *campaign.Campaign
	mdMemo map[mdKey]template.HTML
	// shared guards what the builders of one Compile share when
	// organisations are built in parallel (orgshards.go): the static
	// files (Snapshot.Static, byContent) and assetURLs. nil for a builder
	// that is not compiling a snapshot.
	shared *sync.Mutex
	// shard is set on the builder of one organisation built beside others
	// (orgshards.go): it writes into a snapshot of its own, merged into
	// the one being compiled once it is done.
	shard bool
}

// lock and unlock take and give back b.shared, when there is one.
func (b *builder) lock() {
	if b.shared != nil {
		b.shared.Lock()
	}
}

func (b *builder) unlock() {
	if b.shared != nil {
		b.shared.Unlock()
	}
}

// with is a builder for pages of another mode or share rotation, sharing
// b's snapshot and caches; b itself is left as it was.
func (b *builder) with(mode Mode, variant int) *builder {
	nb := *b
	nb.mode, nb.variant = mode, variant
	return &nb
}

// forms reports whether signable actions get a signing form on pages of
// b's mode.
func (b *builder) forms() bool {
	switch b.mode {
	case ModePublic:
		return b.opt.Signing
	case ModeStatic:
		return b.opt.FormOrigin != ""
	}
	return false
}

// Compile renders site (nil for an empty site) into a new snapshot as opt
// says, writing Markdown with md. prev, when not nil, lends its static
// files for one more generation.
func Compile(opt Options, md *markdown.Renderer, site *campaign.Site, prev *Snapshot) (*Snapshot, error) {
	b := newBuilder(opt, md, site, prev)
	if site != nil {
		// site.yaml's name (or its default organisation's) names the site.
		b.opt.SiteName = site.Config.DisplayName(opt.SiteName)
		b.snap.opt.SiteName = b.opt.SiteName
	}
	if !opt.inline {
		b.later = &jobs{}
	}
	var prevReuse *pagecache.Reuse
	if prev != nil {
		b.prevByContent = prev.byContent
		prevReuse = prev.reuse
	}
	b.snap.reuse = pagecache.NewReuse(prevReuse)
	defer b.snap.reuse.Done()
	defer dropPackers()
	if err := b.addViewsStatic(); err != nil {
		return nil, err
	}
	if opt.Dev {
		// Dev mode only, so production snapshots never hold it.
		b.snap.devScript = b.addStatic("dev.js", opt.DevScript, "text/javascript; charset=utf-8")
	}
	b.snap.siteImage = b.plainImage("site", defaultBrand, b.opt.SiteName)
	b.snap.Favicon = pagecache.New(squarePNG(defaultBrand, 32), "image/png", hvDayCache, staticCSP)
	b.snap.siteLogo = b.siteLogo()
	if err := b.addPages(site); err != nil {
		return nil, err
	}
	if err := b.later.run(); err != nil {
		return nil, err
	}
	sort.Slice(b.snap.Known, func(i, j int) bool { return b.snap.Known[i].URL < b.snap.Known[j].URL })
	if err := b.addSyndication(site); err != nil {
		return nil, err
	}
	if err := b.renderInternalError(); err != nil {
		return nil, err
	}
	if prev != nil {
		for k, v := range prev.Static {
			if _, ok := b.snap.Static[k]; !ok {
				b.snap.Static[k] = v
				if public, own := prev.ownFiles[k]; own {
					b.snap.ownFiles[k] = public
				}
			}
		}
		b.lendCopies(prev)
	}
	return b.snap, nil
}

// emptySnapshot is a snapshot of site as opt says with every table made
// and empty but the two a builder may share with others: the static files
// and the responses by content (see newShard).
func emptySnapshot(site *campaign.Site, opt Options, static, byContent map[string]*pagecache.Response) *Snapshot {
	return &Snapshot{
		Site:          site,
		opt:           opt,
		Pages:         map[string]*pagecache.Response{},
		Regions:       map[string]map[string]*pagecache.Response{},
		Contacts:      map[string]*ContactAction{},
		Rotations:     map[string][]*pagecache.Response{},
		Static:        static,
		Mastodon:      map[string]string{},
		MastodonTexts: map[string][]string{},
		MastodonLoc:   map[string]*i18n.Localizer{},
		Signing:       map[string]*SigningCampaign{},
		Thanks:        map[string]map[string]*LazyPage{},
		Moved:         map[string]string{},
		Shorts:        map[string]string{},
		Previews:      map[string]*pagecache.Response{},
		Lazy:          map[string]*LazyFile{},
		SigningKeys:   map[string][]*SigningCampaign{},
		PageLangs:     map[string]*i18n.Matcher{},
		LangNotices:   map[string]map[string]*pagecache.Response{},
		byContent:     byContent,
		orgs:          map[string]orgBuilt{},
		ownFiles:      map[string]bool{},
	}
}

// newBuilder is the builder of a snapshot of site as opt says, with
// nothing laid out yet.
func newBuilder(opt Options, md *markdown.Renderer, site *campaign.Site, prev *Snapshot) *builder {
	return &builder{
		opt:       opt,
		markdown:  md,
		mode:      opt.Mode,
		snap:      emptySnapshot(site, opt, map[string]*pagecache.Response{}, map[string]*pagecache.Response{}),
		prev:      prev,
		taken:     map[string]bool{},
		assetURLs: map[*campaign.Asset]string{},
		pictures:  map[*campaign.Asset]*pictureSet{},
		shared:    &sync.Mutex{},
	}
}

// SitePage is the site's page frame, never indexed, for pages rendered
// per request (error pages).
func (snap *Snapshot) SitePage(title string) views.Page {
	b := &builder{opt: snap.opt, snap: snap}
	return b.sitePage(title)
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
			b.snap.Stylesheet = u
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
	b.lock()
	if _, ok := b.snap.Static[u]; !ok {
		b.snap.Static[u] = b.staticResponse(sum, data, contentType)
	}
	b.unlock()
	if b.built != nil && !slices.Contains(b.built.static, u) {
		b.built.static = append(b.built.static, u)
	}
	return u
}

// staticResponse prepares data as a static file, or returns the response
// already made for the same bytes and type, in this snapshot or the one
// before: organisations copied from one another share their files' bytes,
// and a reload reuses every file that did not change. Called under
// b.lock.
func (b *builder) staticResponse(sum [sha256.Size]byte, data []byte, contentType string) *pagecache.Response {
	key := string(sum[:]) + contentType
	if r := b.snap.byContent[key]; r != nil {
		return r
	}
	r := b.prevByContent[key]
	if r == nil {
		r = pagecache.New(data, contentType, hvImmutable, staticCSP)
	}
	b.snap.byContent[key] = r
	return r
}

// assetURL serves one of an organisation's files and returns the address
// a page of b's mode names it at (nameFile).
func (b *builder) assetURL(org *campaign.Org, a *campaign.Asset) string {
	return b.nameFile(b.serveAsset(org, a))
}

// serveAsset serves one of an organisation's files and returns its address.
func (b *builder) serveAsset(org *campaign.Org, a *campaign.Asset) string {
	if a == nil {
		return ""
	}
	b.lock()
	u, ok := b.assetURLs[a]
	b.unlock()
	if ok {
		return u
	}
	u = b.addStatic(org.Slug+"/"+strings.TrimPrefix(path.Clean("/"+a.Path), "/"), a.Data, a.ContentType)
	b.lock()
	b.assetURLs[a] = u
	b.ownFile(u, false)
	r := b.snap.Static[u]
	b.unlock()
	// The file's bytes, once served as they are, are the response's own:
	// the loaded copy (and every other organisation's copy of the same
	// file) is dropped. Not for an organisation taken from the snapshot
	// before, which is serving and already shares them, nor by the builder
	// of one organisation among others (orgshards.go), which may read
	// another's files: addPages serves every organisation's files first.
	if r != nil && !b.taken[org.Slug] && !b.shard {
		if kept := r.Stored(); len(kept) > 0 && len(a.Data) == len(kept) && &kept[0] != &a.Data[0] && bytes.Equal(kept, a.Data) {
			a.Data = kept
		}
	}
	return u
}

// addPages renders the index, every organisation page and every public
// campaign page, with region variants.
func (b *builder) addPages(site *campaign.Site) error {
	idx := b.indexProps(site)
	if err := b.addPage("/", views.IndexPage(idx), idx.Page, false); err != nil {
		return err
	}
	if site == nil {
		return nil
	}
	b.taken = b.takeable(b.prev, site)
	var todo []*campaign.Org
	for _, o := range site.Orgs {
		// Serve every file the loader read for the organisation, so even a
		// file only Markdown links to has its hashed address; every
		// organisation's first, as the pages built in parallel may show
		// another's (orgshards.go).
		paths := make([]string, 0, len(o.Assets))
		for p := range o.Assets {
			paths = append(paths, p)
		}
		sort.Strings(paths)
		for _, p := range paths {
			b.serveAsset(o, o.Assets[p])
		}
		if !b.taken[o.Slug] {
			todo = append(todo, o) // the others: takeOrgs below
		}
	}
	if err := b.buildOrgs(todo); err != nil {
		return err
	}
	b.takeOrgs(b.prev)
	if def := site.Config.DefaultOrg(); def != nil && b.snap.Pages[orgPath(def)] != nil {
		// The site belongs to one organisation (site.yaml's
		// default_organisation): its page is the home page too, its
		// canonical address still /org.
		b.snap.Pages["/"] = b.snap.Pages[orgPath(def)]
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
		if err := b.addPage(orgPath, views.OrgPage(op), op.Page, false); err != nil {
			return err
		}
		b.snap.keepOrgFrame(orgPath, op.Page)
		if err := b.addLangNotices(orgPath, o, op.Page, false, func(p views.Page) templ.Component {
			v := op
			v.Page = p
			return views.OrgPage(v)
		}); err != nil {
			return err
		}
		b.snap.Known = append(b.snap.Known, views.Link{Label: o.Name, URL: orgPath})
		for _, r := range o.Redirects {
			if c := o.Campaign(r.To); c != nil && b.public(c) {
				old := "/" + o.Slug + "/" + r.From
				if !isDefaultLang(o) {
					old += "/" + o.Language
				}
				b.snap.Moved[old] = CampaignPath(c)
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
			if isDefaultLang(o) {
				b.remember(c, cp)
			}
			p := CampaignPath(c)
			b.snap.Known = append(b.snap.Known, views.Link{Label: c.Title, URL: p})
			if c.Short != "" && isDefaultLang(o) {
				b.snap.Moved["/"+c.Short] = p
				b.snap.Shorts["/"+c.Short] = p
			}
			if err := b.addCardsAndPoster(c); err != nil {
				return err
			}
			b.addContacts(c, cp)
			if lc := b.newLive(c, cp); lc != nil {
				if isDefaultLang(o) {
					for _, alt := range cp.Page.Alternates {
						if !alt.Current {
							lc.LangNotices[alt.Lang] = suggestion(alt, o.Strings[alt.Lang])
						}
					}
				}
				if err := b.addLive(lc, regions); err != nil {
					return err
				}
				continue
			}
			cp = b.staticFigures(c, cp)
			if err := b.addPage(p, views.CampaignPage(cp), cp.Page, postsForm(cp.Actions)); err != nil {
				return err
			}
			if err := b.addRotations(c, p); err != nil {
				return err
			}
			if err := b.addLangNotices(p, o, cp.Page, postsForm(cp.Actions), func(pg views.Page) templ.Component {
				v := cp
				v.Page = pg
				return views.CampaignPage(v)
			}); err != nil {
				return err
			}
			for _, region := range regions {
				vp, _ := b.campaignProps(c, region)
				page, err := b.renderPage(p, views.CampaignPage(vp), vp.Page, postsForm(vp.Actions))
				if err != nil {
					return fmt.Errorf("rendering %s for region %s: %w", p, region, err)
				}
				if b.snap.Regions[p] == nil {
					b.snap.Regions[p] = map[string]*pagecache.Response{}
				}
				b.snap.Regions[p][strings.ToLower(region)] = page
			}
		}
	}
	return nil
}

// addSuggestions renders, for the default-language page at path of a
// multilingual organisation o, one variant per other language with a
// notice suggesting it; render builds the page from a modified frame.
func (b *builder) addLangNotices(path string, o *campaign.Org, page views.Page, forms bool, render func(views.Page) templ.Component) error {
	if !isDefaultLang(o) || len(page.Alternates) < 2 {
		return nil
	}
	b.snap.PageLangs[path] = b.matcher(o)
	set := map[string]*pagecache.Response{}
	for _, alt := range page.Alternates {
		if alt.Current {
			continue
		}
		p := page
		p.Suggest = suggestion(alt, o.Strings[alt.Lang])
		c, err := b.renderPage(path, render(p), p, forms)
		if err != nil {
			return fmt.Errorf("rendering %s with a %s suggestion: %w", path, alt.Lang, err)
		}
		set[alt.Lang] = c
	}
	b.snap.LangNotices[path] = set
	return nil
}

// addLive renders a campaign that takes signatures: its page and region
// variants with the last known tally, and its thank-you pages.
func (b *builder) addLive(lc *SigningCampaign, regions []string) error {
	var regionProps map[string]views.CampaignPageProps
	for _, region := range regions {
		vp, _ := b.campaignProps(lc.Campaign, region)
		if regionProps == nil {
			regionProps = map[string]views.CampaignPageProps{}
		}
		regionProps[strings.ToLower(region)] = vp
	}
	rotations := b.rotationProps(lc.Campaign)
	lc.rotations = len(rotations)
	b.snap.Signing[lc.Path] = lc
	b.snap.SigningKeys[lc.Key] = append(b.snap.SigningKeys[lc.Key], lc)
	share, donate, hasDonate := shareAndDonate(lc.Path, lc.props)
	set := map[string]*LazyPage{}
	b.snap.Thanks[lc.Path] = set
	lc.thanks = map[string]views.ThanksPageProps{}
	for _, o := range outcomes {
		tp := b.thanksProps(lc.Campaign, lc.Frame, o, share, donate, hasDonate)
		tp.Next = ThanksNext(lc.Path, lc.props)
		lc.thanks[o] = tp
		set[o] = newLazyPage(func() (*pagecache.Response, error) {
			tp, _, err := lc.thanksPageProps(o)
			if err != nil {
				return nil, err
			}
			var buf bytes.Buffer
			if err := views.ThanksPage(tp).Render(context.Background(), &buf); err != nil {
				return nil, fmt.Errorf("rendering the thank-you page of %s: %w", lc.Path, err)
			}
			return pagecache.New(buf.Bytes(), "text/html; charset=utf-8", hvNoCache, lc.CSP), nil
		})
	}
	// The page is rendered on its first request (SigningCampaign.Current)
	// from the props packed here, with the figures known now; packing
	// needs nothing more of the builder and runs with the other
	// campaigns' (parallel.go).
	tally, props := b.opt.Tallies[lc.Key], lc.props
	lc.tally = tally
	lc.props = views.CampaignPageProps{}
	eager, reuse := b.opt.eager, b.snap.reuse
	if err := b.later.add(func() error {
		if eager {
			// As the first requests would, from the props themselves.
			lc.reuse = reuse
			err := renderSigning(lc, tally, props, rotations)
			lc.reuse = nil // the tally watcher's renderings are never reused
			if err != nil {
				return err
			}
			for _, o := range outcomes {
				if _, err := set[o].Get(); err != nil {
					return err
				}
			}
		}
		if err := lc.packThanks(); err != nil {
			return err
		}
		return lc.packRecord(props, rotations, regionProps)
	}); err != nil {
		return err
	}
	return b.addEmbedThanks(lc, share)
}

// addPage renders the page at p; forms as for renderPage.
func (b *builder) addPage(p string, c templ.Component, page views.Page, forms bool) error {
	cp, err := b.renderPage(p, c, page, forms)
	if err != nil {
		return fmt.Errorf("rendering %s: %w", p, err)
	}
	b.snap.Pages[p] = cp
	return nil
}

// addPreview renders a campaign that is not public yet for the preview
// address, when a preview key is set: noindex, never stored by caches, and
// without a signing form (a preview takes no signatures).
func (b *builder) addPreview(c *campaign.Campaign) error {
	if b.opt.PreviewKey == "" && !b.opt.Dev {
		return nil
	}
	dev := b.opt.Dev
	b = b.with(ModePreview, 0)
	cp, _ := b.campaignProps(c, "")
	cp.Page.Noindex = true
	// Under serve --dev the organiser sees a draft at its own address,
	// marked as one; elsewhere only the preview key shows it.
	cp.Page.Preview, cp.Page.Draft = !dev, dev
	p := CampaignPath(c)
	page, err := b.renderPageCC(p, views.CampaignPage(cp), cp.Page, postsForm(cp.Actions), hvNoStore)
	if err != nil {
		return fmt.Errorf("rendering the preview of %s: %w", p, err)
	}
	b.snap.Previews[p] = page
	return nil
}

// renderPage renders one page into a cached response with its own
// Content-Security-Policy.
//
// forms says whether the page holds an open signing form (postsForm): a
// static copy's forms post to the live server, so such a page's policy
// allows that form action; pages without one keep serve's policy.
//
// The rendering and compression are set aside to run in parallel with the
// other pages' (parallel.go): the response returned is filled in then,
// before the snapshot is served, and must not be read before.
func (b *builder) renderPage(p string, c templ.Component, page views.Page, forms bool) (*pagecache.Response, error) {
	return b.renderPageCC(p, c, page, forms, hvNoCache)
}

// renderPageCC is renderPage with the response's Cache-Control.
func (b *builder) renderPageCC(p string, c templ.Component, page views.Page, forms bool, cacheControl []string) (*pagecache.Response, error) {
	_, mastodonForm := b.snap.Mastodon[p]
	csp := policy(b.mode, page.ThemeCSS, mastodonForm, nil)
	if forms || mastodonForm {
		csp = b.formCSP(csp) // a static copy's Mastodon form also goes to the live server
	}
	if b.lazy() {
		// Rendered and compressed on its first request (lazypage.go).
		return pagecache.NewLazy(func() ([]byte, error) {
			var buf bytes.Buffer
			if err := c.Render(context.Background(), &buf); err != nil {
				return nil, fmt.Errorf("rendering %s: %w", p, err)
			}
			renderedLazily()
			return buf.Bytes(), nil
		}, "text/html; charset=utf-8", cacheControl, csp), nil
	}
	reuse := b.snap.reuse
	out := new(pagecache.Response)
	return out, b.later.add(func() error {
		var buf bytes.Buffer
		if err := c.Render(context.Background(), &buf); err != nil {
			return fmt.Errorf("rendering %s: %w", p, err)
		}
		reuse.NewInto(out, buf.Bytes(), "text/html; charset=utf-8", cacheControl, csp)
		return nil
	})
}

// lazy reports whether b's pages are rendered on their first request
// rather than at the build: a server's are (unless Options.eager); a
// static copy writes every page at once, rendered on every core.
func (b *builder) lazy() bool { return !b.opt.eager && b.opt.Mode != ModeStatic }

// formCSP is csp for a page holding an open signing form: in a static copy
// the form posts to Options.FormOrigin, which form-action must allow.
func (b *builder) formCSP(csp string) string {
	if b.mode != ModeStatic || b.opt.FormOrigin == "" {
		return csp
	}
	return strings.Replace(csp, "form-action 'self'", "form-action 'self' "+b.opt.FormOrigin, 1)
}

// postsForm reports whether a campaign page's actions hold an open signing
// form.
func postsForm(actions []views.ActionView) bool {
	for _, a := range actions {
		if a.Closed {
			continue
		}
		if a.Petition != nil && openForm(a.Petition.Form) || a.Letter != nil && openForm(a.Letter.Form) {
			return true
		}
		if a.Contact != nil && a.Contact.LookupURL != "" { // the postcode form (contact.go)
			return true
		}
	}
	return false
}

// openForm reports whether f is a form that takes signatures.
func openForm(f *views.SignForm) bool { return f != nil && !f.Closed }

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
	b.snap.InternalError = buf.Bytes()
	return nil
}

// Cache-Control values of the prepared responses.
var (
	hvNoCache   = []string{"no-cache"}
	hvNoStore   = []string{"no-store"}
	hvImmutable = []string{"public, max-age=31536000, immutable"}
	hvDayCache  = []string{"public, max-age=86400"}
)

// staticCSP is the policy on files under /static/: they are never documents
// to run, so an SVG opened on its own can neither run script nor load anything.
const staticCSP = "default-src 'none'; style-src 'unsafe-inline'; sandbox; frame-ancestors 'none'"

// PageCSP is a page's Content-Security-Policy: nothing from other origins,
// scripts only from this site, and inline style only for the page's own
// theme rule, allowed by its hash. A page with a Mastodon share form may
// send that form on to the reader's own server, so its form-action also
// allows https: (browsers apply form-action to the redirect).
func PageCSP(themeCSS string, mastodonForm bool) string {
	key := cspKey{themeCSS, mastodonForm}
	if csp, ok := cspMade.Load(key); ok {
		return csp.(string)
	}
	csp := pageCSP(themeCSS, mastodonForm)
	cspMade.Store(key, csp)
	return csp
}

// cspMade holds each policy PageCSP has made, so the pages of one theme
// (an organisation's, and most share the default) share one string
// instead of each holding its own copy. Bounded by the themes the site
// has had.
var cspMade sync.Map

// cspKey is what a page's policy is made from.
type cspKey struct {
	themeCSS     string
	mastodonForm bool
}

// pageCSP makes PageCSP's policy.
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
func (b *builder) public(c *campaign.Campaign) bool { return c.PublicAt(b.opt.Now()) }

func hasKind(c *campaign.Campaign, k campaign.Kind) bool {
	for _, a := range c.Actions {
		if a.Kind == k {
			return true
		}
	}
	return false
}
