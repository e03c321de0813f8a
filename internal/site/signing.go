package site

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/placard/placard/internal/attribution"
	"github.com/placard/placard/internal/campaign"
	"github.com/placard/placard/internal/formtoken"
	"github.com/placard/placard/internal/i18n"
	"github.com/placard/placard/internal/pagecache"
	"github.com/placard/placard/internal/tallywatch"
	"github.com/placard/placard/views"
)

// LiveCampaign is a campaign page that takes signatures. Its pages carry a
// form token (pagecache.Spliced) and live figures: the props are kept from the
// snapshot build, packed (record.go), and when the store's figures change
// only the tally parts are replaced and the page re-rendered, never per
// request.
type SigningCampaign struct {
	Campaign *campaign.Campaign
	Key      string // "org/slug": the store's campaign key and what tokens sign
	Path     string // "/org/slug"
	// Signables are the petitions and letters taking signatures, by action id;
	// IDs lists every action id of the page (to tell "not signable" from
	// "no such action").
	Signables map[string]*Signable
	IDs       map[string]bool
	// Frame is the organisation's page frame for the sign and thank-you
	// pages; CSP the policy that goes with its theme.
	Frame views.Page
	CSP   string
	// pageCSP is the campaign page's own policy.
	pageCSP string
	// thanks are the thank-you pages' props by outcome while the
	// snapshot is built, then packed in thanksRecord (record.go): the
	// thank-you pages and those rendered per request with a new signer's
	// personal link (ThanksProps), whose policy (PersonalCSP) lets its
	// Mastodon form go on to the reader's server, are made from them.
	thanks       map[string]views.ThanksPageProps
	thanksRecord []byte
	// thanksKept are the thank-you props once a personal thank-you page
	// has unpacked them (ThanksProps).
	thanksKept  atomic.Pointer[map[string]views.ThanksPageProps]
	PersonalCSP string

	// props are the page's props while the snapshot is built; record
	// holds them, with the rotations', packed once the build has rendered
	// the page (record.go).
	props  views.CampaignPageProps
	record []byte
	// Regions are the props of the region variants by lower-cased region,
	// packed (record.go).
	Regions map[string][]byte
	// Embed is the campaign's embed (embed.go), nil when its organisation
	// allows none.
	Embed *Embed
	// Loc writes the page's interface strings (the figures' words) in its
	// language; LangNotices are the notices offering the page's other
	// languages, by language, on the default language's page only.
	Loc         *i18n.Localizer
	LangNotices map[string]*views.Suggestion
	Matcher     *i18n.Matcher

	// Pages is the campaign's current rendering, nil until the first
	// request asks for it (Current): a start renders no signing page.
	Pages atomic.Pointer[SigningPages]
	// mu orders the renderings of Pages (the first request's and the
	// tally watcher's); tally is the figures the next one shows.
	mu    sync.Mutex
	tally *tallywatch.Tally
	// rotations is how many other share-message renderings the page has
	// (signingRecord.Rotations).
	rotations int

	// reuse, set while a build that renders its pages at once
	// (Options.eager) renders them, reuses those the build before
	// prepared (pagecache.Reuse).
	reuse *pagecache.Reuse
}

// SigningPages is one rendering of a signing campaign: the page and its
// variants, swapped in together. Only the page itself is rendered with it;
// every variant (share-message rotation, language notice, embed, region)
// is rendered the first time one is asked for, from the packed props, with
// the tally the page was rendered with: a contact action may list hundreds
// of regions, and neither a change of tally nor a first request must cost
// a rendering of each.
type SigningPages struct {
	Main    *pagecache.Spliced
	Regions lazyRegions
	lc      *SigningCampaign
	embed   lazySpliced // unused without lc.Embed
	// rotations are the other share-message renderings, 1, 2, … (Main is
	// rotation 0); notices are Main with a notice offering another
	// language, by language (lc.LangNotices).
	rotations []lazySpliced
	notices   map[string]*lazySpliced
}

// lazySpliced is a page rendered on first use; a failed rendering is not
// kept.
type lazySpliced struct {
	pagecache.Once[pagecache.Spliced]
}

// get returns the page, made by render if it has not been yet.
func (l *lazySpliced) get(render func() (*pagecache.Spliced, error)) (*pagecache.Spliced, error) {
	p, made, err := l.Get(render)
	if made {
		renderedLazily()
	}
	return p, err
}

// newSigningPages is a rendering of lc whose page is main, with tally t,
// and no variant rendered yet.
func newSigningPages(lc *SigningCampaign, t *tallywatch.Tally, main *pagecache.Spliced) *SigningPages {
	lp := &SigningPages{Main: main, Regions: lazyRegions{t: t}, lc: lc}
	if lc.rotations > 0 {
		lp.rotations = make([]lazySpliced, lc.rotations)
	}
	if len(lc.LangNotices) > 0 {
		lp.notices = make(map[string]*lazySpliced, len(lc.LangNotices))
		for lang := range lc.LangNotices {
			lp.notices[lang] = &lazySpliced{}
		}
	}
	return lp
}

// Rotations is how many share-message renderings the page has: 0 when its
// messages do not rotate, else Main and the others.
func (lp *SigningPages) Rotations() int {
	if len(lp.rotations) == 0 {
		return 0
	}
	return len(lp.rotations) + 1
}

// Rotation returns share-message rendering i (0 is Main), rendering it on
// first use.
func (lp *SigningPages) Rotation(i int) (*pagecache.Spliced, error) {
	if i <= 0 || i > len(lp.rotations) {
		return lp.Main, nil
	}
	return lp.rotations[i-1].get(func() (*pagecache.Spliced, error) {
		rec, _, err := lp.lc.unpack()
		if err != nil {
			return nil, err
		}
		if i > len(rec.Rotations) {
			return nil, fmt.Errorf("rendering %s with share messages %d: not in its record", lp.lc.Path, i+1)
		}
		p, err := renderSigningPage(lp.lc, lp.Regions.t, rec.Rotations[i-1], i)
		if err != nil {
			return nil, fmt.Errorf("rendering %s with share messages %d: %w", lp.lc.Path, i+1, err)
		}
		return p, nil
	})
}

// LangNotice returns Main with the notice offering lang, rendering it on
// first use; nil when the page offers no such notice.
func (lp *SigningPages) LangNotice(lang string) (*pagecache.Spliced, error) {
	l := lp.notices[lang]
	if l == nil {
		return nil, nil
	}
	return l.get(func() (*pagecache.Spliced, error) {
		p, err := lp.lc.unpackMain()
		if err != nil {
			return nil, err
		}
		p.Page.Suggest = lp.lc.LangNotices[lang]
		page, err := renderSigningPage(lp.lc, lp.Regions.t, p, -1)
		if err != nil {
			return nil, fmt.Errorf("rendering %s with a %s suggestion: %w", lp.lc.Path, lang, err)
		}
		return page, nil
	})
}

// Embed returns the campaign's embed, rendering it on first use; nil when
// its organisation allows none.
func (lp *SigningPages) Embed() (*pagecache.Spliced, error) {
	lc := lp.lc
	if lc.Embed == nil {
		return nil, nil
	}
	return lp.embed.get(func() (*pagecache.Spliced, error) {
		main, err := lc.unpackMain()
		if err != nil {
			return nil, err
		}
		return lc.Embed.render(withFigures(main, lc, lp.Regions.t), lc.Key, lc.reuse)
	})
}

// pageSlots are the marks of the signing form's spliced slots: the form
// token and the share attribution.
var pageSlots = pagecache.Slots{Token: formtoken.Placeholder, Attribution: attribution.FormPlaceholder, BlankAttribution: attribution.BlankFormValue()}

// SplicedPage prepares a page whose signing forms take a fresh token per
// response, for the campaign whose store key is path.
func SplicedPage(body []byte, path, csp string) *pagecache.Spliced {
	return pagecache.NewSpliced(body, pageSlots, path, csp)
}

// newLive prepares campaign c (whose page props are cp) for signing, or
// returns nil when signing is off or c has nothing to sign.
func (b *builder) newLive(c *campaign.Campaign, cp views.CampaignPageProps) *SigningCampaign {
	if !b.opt.Signing {
		return nil
	}
	lc := &SigningCampaign{
		Campaign:    c,
		Key:         c.Org.Slug + "/" + c.Slug,
		Path:        CampaignPath(c),
		IDs:         map[string]bool{},
		props:       cp,
		Loc:         b.localizer(c.Org),
		LangNotices: map[string]*views.Suggestion{},
		Matcher:     b.matcher(c.Org),
	}
	for i := range c.Actions {
		lc.IDs[cp.Actions[i].ID] = true
	}
	lc.Signables = signablesOf(c, cp)
	if len(lc.Signables) == 0 {
		return nil
	}
	lc.Frame = b.basePage(c.Org)
	lc.Frame.Breadcrumbs = []views.Link{{Label: b.opt.SiteName, URL: "/"}, {Label: c.Org.Name, URL: orgPath(c.Org)}, {Label: c.Title, URL: lc.Path}}
	lc.Frame.Alternates, lc.Frame.XDefaultURL = nil, ""
	lc.Frame.Image = cp.Page.Image
	lc.Frame.JSONLD = mustJSON(map[string]any{"@context": "https://schema.org", "@type": "WebPage", "name": c.Title})
	lc.CSP = policy(b.mode, lc.Frame.ThemeCSS, false, nil)
	lc.PersonalCSP = policy(b.mode, lc.Frame.ThemeCSS, true, nil)
	_, mastodon := b.snap.Mastodon[lc.Path]
	lc.pageCSP = policy(b.mode, cp.Page.ThemeCSS, mastodon, nil)
	lc.Embed = b.embedFor(c, cp)
	return lc
}

// lazyRegions holds the region variants of one rendering, each rendered
// once, by the first request that asks for it.
type lazyRegions struct {
	t  *tallywatch.Tally // the tally the rendering shows
	mu sync.Mutex
	by map[string]*lazyRegion // lower-cased region → variant
}

type lazyRegion struct {
	once sync.Once
	page *pagecache.Spliced // nil when rendering failed
}

// Region returns lc's variant for region (lower-cased), rendering it on
// first use; nil when lc has no such region or it could not be rendered.
// Only lc's own regions are ever rendered or kept, so what a reader asks
// for cannot grow the map.
func (lp *SigningPages) Region(log *slog.Logger, lc *SigningCampaign, region string) *pagecache.Spliced {
	if _, ok := lc.Regions[region]; !ok {
		return nil
	}
	lr := &lp.Regions
	lr.mu.Lock()
	if lr.by == nil {
		lr.by = map[string]*lazyRegion{}
	}
	e := lr.by[region]
	if e == nil {
		e = &lazyRegion{}
		lr.by[region] = e
	}
	lr.mu.Unlock()
	e.once.Do(func() {
		p, _, err := lc.regionProps(region)
		var tp *pagecache.Spliced
		if err == nil {
			tp, err = renderSigningPage(lc, lr.t, p, -1)
		}
		if err != nil {
			log.Error("rendering a region variant failed; the page is served without it", "campaign", lc.Key, "err", err)
			return
		}
		e.page = tp
	})
	return e.page
}

// Rendered is how many region variants have been rendered (tests).
func (lr *lazyRegions) Rendered() int {
	lr.mu.Lock()
	defer lr.mu.Unlock()
	return len(lr.by)
}

// renderSigningPage renders one variant p of lc's page with tally t;
// rotation (≥ 0) is the share-message rendering it is, named in its ETags
// (pagecache.NewSplicedVariant), or -1 for a page that is none.
func renderSigningPage(lc *SigningCampaign, t *tallywatch.Tally, p views.CampaignPageProps, rotation int) (*pagecache.Spliced, error) {
	p = withFigures(p, lc, t)
	var buf bytes.Buffer
	if err := views.CampaignPage(p).Render(context.Background(), &buf); err != nil {
		return nil, err
	}
	return lc.reuse.NewSplicedVariant(buf.Bytes(), pageSlots, lc.Key, lc.pageCSP, rotation), nil
}

// mainVariant is the share-message rendering Main is: 0 when the page
// has others, else none (-1).
func (lc *SigningCampaign) mainVariant() int {
	if lc.rotations > 0 {
		return 0
	}
	return -1
}

// RenderSigning records figures t as lc's and, when lc's page has been
// rendered, renders it again and swaps it in; its variants (rotations,
// language notices, embed, regions) follow on demand. A page never asked for stays unrendered: its
// first request renders it with t (Current). The tally watcher calls it
// when a campaign's figures change.
func RenderSigning(lc *SigningCampaign, t *tallywatch.Tally) error {
	lc.mu.Lock()
	defer lc.mu.Unlock()
	lc.tally = t
	if lc.Pages.Load() == nil {
		return nil
	}
	return lc.renderLocked()
}

// Current returns lc's rendering, rendering it first (from the packed
// props, with the last figures) when no request has asked for it yet.
// Concurrent first requests wait for one rendering; a failure is returned
// and not kept, so the next request tries again.
func (lc *SigningCampaign) Current() (*SigningPages, error) {
	if lp := lc.Pages.Load(); lp != nil {
		return lp, nil
	}
	lc.mu.Lock()
	defer lc.mu.Unlock()
	if lp := lc.Pages.Load(); lp != nil {
		return lp, nil
	}
	if err := lc.renderLocked(); err != nil {
		return nil, err
	}
	renderedLazily()
	return lc.Pages.Load(), nil
}

// renderLocked renders lc's page with lc.tally from its record, its
// variants to follow on demand; lc.mu is held.
func (lc *SigningCampaign) renderLocked() error {
	props, err := lc.unpackMain()
	if err != nil {
		return err
	}
	main, err := renderSigningPage(lc, lc.tally, props, lc.mainVariant())
	if err != nil {
		return fmt.Errorf("rendering %s: %w", lc.Path, err)
	}
	lc.Pages.Store(newSigningPages(lc, lc.tally, main))
	return nil
}

// renderSigning renders lc's page and every variant but the regions with
// figures t from props and rotations (the props of the other
// share-message renderings, rotation 1, 2, …), as the first requests of
// each would, and swaps them in (builds rendering at once: Options.eager).
func renderSigning(lc *SigningCampaign, t *tallywatch.Tally, props views.CampaignPageProps, rotations []views.CampaignPageProps) error {
	one := func(p views.CampaignPageProps, v int) (*pagecache.Spliced, error) {
		return renderSigningPage(lc, t, p, v)
	}
	main, err := one(props, lc.mainVariant())
	if err != nil {
		return fmt.Errorf("rendering %s: %w", lc.Path, err)
	}
	lp := newSigningPages(lc, t, main)
	if lc.Embed != nil {
		e, err := lc.Embed.render(withFigures(props, lc, t), lc.Key, lc.reuse)
		if err != nil {
			return err
		}
		lp.embed.Store(e)
	}
	for i, p := range rotations {
		tp, err := one(p, i+1)
		if err != nil {
			return fmt.Errorf("rendering %s with share messages %d: %w", lc.Path, i+2, err)
		}
		lp.rotations[i].Store(tp)
	}
	for lang, sug := range lc.LangNotices {
		p := props
		p.Page.Suggest = sug
		tp, err := one(p, -1)
		if err != nil {
			return fmt.Errorf("rendering %s with a %s suggestion: %w", lc.Path, lang, err)
		}
		lp.notices[lang].Store(tp)
	}
	lc.Pages.Store(lp)
	return nil
}

// withFigures returns p with the live figures on its petitions and letters and
// the approved organisations added to its letters' signatories. Slices and
// pointed-to views are copied, never changed in place: p's originals are
// kept for the next rendering.
func withFigures(p views.CampaignPageProps, lc *SigningCampaign, t *tallywatch.Tally) views.CampaignPageProps {
	p.Actions = slices.Clone(p.Actions)
	for i := range p.Actions {
		a := &p.Actions[i]
		sa := lc.Signables[a.ID]
		if sa == nil {
			continue
		}
		switch {
		case a.Petition != nil:
			pv := *a.Petition
			pv.Tally = figuresView(lc.Loc, t, sa.goal, nil)
			a.Petition = &pv
		case a.Letter != nil:
			lv := *a.Letter
			if t != nil && len(t.Orgs) > 0 {
				lv.Organisations = slices.Clone(lv.Organisations)
				for _, o := range t.Orgs {
					lv.Organisations = append(lv.Organisations, signatoryOf(o))
				}
				lv.SignatoryCountText = signedBy(lc.Loc, len(lv.Organisations), len(lv.Individuals))
			}
			lv.Tally = figuresView(lc.Loc, t, sa.goal, &lv)
			a.Letter = &lv
		}
	}
	return p
}

// signablesOf finds c's petitions and letters that take signatures, by the
// action ids its page props cp gave them.
func signablesOf(c *campaign.Campaign, cp views.CampaignPageProps) map[string]*Signable {
	out := map[string]*Signable{}
	for i := range c.Actions {
		if i >= len(cp.Actions) {
			break
		}
		if sa := signableAction(c, &c.Actions[i], cp.Actions[i].ID); sa != nil {
			out[cp.Actions[i].ID] = sa
		}
	}
	return out
}

// SignablesInOrder is lc's signable actions in the order its page shows
// them (Signables is a map).
func (lc *SigningCampaign) SignablesInOrder() []*Signable {
	out := make([]*Signable, 0, len(lc.Signables))
	for i := range lc.Campaign.Actions {
		for _, sa := range lc.Signables {
			if sa.action == &lc.Campaign.Actions[i] {
				out = append(out, sa)
			}
		}
	}
	if len(out) != len(lc.Signables) {
		// Not built from lc.Campaign's actions: by id, at least the same
		// order every time.
		out = out[:0]
		for _, sa := range lc.Signables {
			out = append(out, sa)
		}
		slices.SortFunc(out, func(a, b *Signable) int { return strings.Compare(a.ID, b.ID) })
	}
	return out
}

// HasLetter reports whether any of lc's signables is a letter, whose
// approved organisations are listed.
func (lc *SigningCampaign) HasLetter() bool {
	for _, sa := range lc.Signables {
		if sa.letter {
			return true
		}
	}
	return false
}

// OldKeys are the store keys ("org/old") of the old names of the campaign
// whose key is key, from org.yaml's redirects (Moved): what the tokens of
// its forms opened before a rename were issued for. Moved holds every
// renamed and short address of the site; this index of it is made once
// per snapshot, so checking a form's token against its campaign's old
// names costs a lookup, not a walk of the whole site's addresses.
func (snap *Snapshot) OldKeys(key string) []string {
	snap.oldKeysOnce.Do(func() {
		m := map[string][]string{}
		for old, to := range snap.Moved {
			// "/org/old" → "/org/slug": a campaign's old name, not a short
			// address nor a language's page.
			if strings.Count(old, "/") != 2 || len(to) < 2 {
				continue
			}
			m[to[1:]] = append(m[to[1:]], old[1:])
		}
		for _, olds := range m {
			slices.Sort(olds)
		}
		snap.oldKeys = m
	})
	return snap.oldKeys[key]
}

// LiveByKey finds a live campaign by its store key.
func (snap *Snapshot) SigningByKey(key string) *SigningCampaign {
	return snap.Signing["/"+key]
}

// ClosedNow reports whether c no longer takes signatures at now.
func ClosedNow(c *campaign.Campaign, now time.Time) bool {
	switch c.Status {
	case campaign.StatusClosed, campaign.StatusVictory, campaign.StatusDraft:
		return true
	}
	return !c.CloseAt.IsZero() && !now.Before(c.CloseAt)
}

// shareAndDonate finds where the thank-you page's two answers lead: the
// share action (or the page's own share section) and the donate action
// (or, without one, the campaign page).
func shareAndDonate(path string, cp views.CampaignPageProps) (share, donate string, hasDonate bool) {
	share, donate = path+"#page-share-title", path
	for _, a := range cp.Actions {
		switch {
		case a.Share != nil && strings.HasPrefix(share, path+"#page-"):
			share = path + "#" + a.ID
		case a.Donate != nil && !hasDonate:
			donate, hasDonate = path+"#"+a.ID, true
		}
	}
	return share, donate, hasDonate
}

// staticTally gives the petitions and letters of a static copy's page
// (Config.FormOrigin without a Store) the tally block a live server shows
// with no signatures yet, so the exported page is the page serve sends,
// apart from the form's origin and token. A static copy is rebuilt to move
// its numbers; the live server's pages always have the current ones.
func (b *builder) staticFigures(c *campaign.Campaign, cp views.CampaignPageProps) views.CampaignPageProps {
	if b.mode != ModeStatic || b.opt.FormOrigin == "" && len(b.opt.Tallies) == 0 {
		return cp
	}
	lc := &SigningCampaign{Signables: signablesOf(c, cp), Loc: b.localizer(c.Org)}
	if len(lc.Signables) == 0 {
		return cp
	}
	return withFigures(cp, lc, bakedTally(b.opt.Tallies[c.Org.Slug+"/"+c.Slug]))
}

// SignFrame is the page frame of lc's sign pages, titled.
func (lc *SigningCampaign) SignFrame(title string) views.Page {
	p := lc.Frame
	p.Title = title + " — " + lc.Campaign.Title
	p.Description = title
	p.CanonicalURL = ""
	p.Noindex = true
	return p
}

// InLang returns the live page of the campaign at path (lc, its default
// language's) in lang, the hidden field of the form that was sent: the
// same campaign, store key and tally, whose answers (the re-shown form,
// the thank-you page) come in that language. An unknown lang gives lc.
func (snap *Snapshot) InLang(path string, lc *SigningCampaign, lang string) *SigningCampaign {
	if lang == "" || lang == lc.Campaign.Org.Language {
		return lc
	}
	if other := snap.Signing[path+"/"+lang]; other != nil && other.Key == lc.Key {
		return other
	}
	return lc
}
