package web

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

	"github.com/placard/placard/internal/campaign"
	"github.com/placard/placard/internal/i18n"
	"github.com/placard/placard/internal/pagecache"
	"github.com/placard/placard/views"
)

// liveCampaign is a campaign page that takes signatures. Its pages carry a
// form token (tokenPage) and a live tally: the props are kept from the
// snapshot build, and when the store's figures change only the tally parts
// are replaced and the page re-rendered, never per request.
type liveCampaign struct {
	c    *campaign.Campaign
	key  string // "org/slug": the store's campaign key and what tokens sign
	path string // "/org/slug"
	// signables are the petitions and letters taking signatures, by action id;
	// ids lists every action id of the page (to tell "not signable" from
	// "no such action").
	signables map[string]*signable
	ids       map[string]bool
	// frame is the organisation's page frame for the sign and thank-you
	// pages; csp the policy that goes with its theme.
	frame views.Page
	csp   string
	// pageCSP is the campaign page's own policy.
	pageCSP string
	// thanksProps are the thank-you pages' props by outcome, for the pages
	// rendered per request with a new signer's personal link, whose policy
	// (personalCSP) lets its Mastodon form go on to the reader's server.
	thanksProps map[string]views.ThanksPageProps
	personalCSP string

	props   views.CampaignPageProps
	regions map[string]views.CampaignPageProps // lower-cased region → props
	// embed is the campaign's embed (embed.go), nil when its organisation
	// allows none.
	embed *embedCampaign
	// rotations are the props of the other share-message renderings
	// (rotation 1, 2, …; rotation 0 is props), see reach.go.
	rotations []views.CampaignPageProps
	// loc writes the page's interface strings (the tally's words) in its
	// language; suggestions are the notices offering the page's other
	// languages, by language, on the default language's page only.
	loc         *i18n.Localizer
	suggestions map[string]*views.Suggestion
	matcher     *i18n.Matcher

	pages atomic.Pointer[livePages]
}

// livePages is one rendering of a live campaign: the page and its region
// variants, swapped in together. Region variants are rendered on demand,
// the first time one is asked for, with the tally the page was rendered
// with: a contact action may list hundreds of regions, and a change of
// tally must not cost a rendering of each.
type livePages struct {
	main    *pagecache.Spliced
	regions lazyRegions
	embed   *pagecache.Spliced // nil without lc.embed
	// rotations are main and the other share-message renderings, in
	// rotation order; nil when the page has only one.
	rotations []*pagecache.Spliced
	suggest   map[string]*pagecache.Spliced // language → main page with its notice
}

// pageSlots are the marks of the signing form's spliced slots: the form
// token and the share attribution.
var pageSlots = pagecache.Slots{Token: tokenSlot, Via: viaSlot, BlankVia: []byte(viaBlank)}

// newTokenPage prepares a page whose signing forms take a fresh token per
// response, for the campaign whose store key is path.
func newTokenPage(body []byte, path, csp string) *pagecache.Spliced {
	return pagecache.NewSpliced(body, pageSlots, path, csp)
}

// newLive prepares campaign c (whose page props are cp) for signing, or
// returns nil when signing is off or c has nothing to sign.
func (b *builder) newLive(c *campaign.Campaign, cp views.CampaignPageProps) *liveCampaign {
	if !b.opt.Signing {
		return nil
	}
	lc := &liveCampaign{
		c:           c,
		key:         c.Org.Slug + "/" + c.Slug,
		path:        campaignPath(c),
		ids:         map[string]bool{},
		props:       cp,
		regions:     map[string]views.CampaignPageProps{},
		loc:         b.localizer(c.Org),
		suggestions: map[string]*views.Suggestion{},
		matcher:     b.matcher(c.Org),
	}
	for i := range c.Actions {
		lc.ids[cp.Actions[i].ID] = true
	}
	lc.signables = signablesOf(c, cp)
	if len(lc.signables) == 0 {
		return nil
	}
	lc.frame = b.basePage(c.Org)
	lc.frame.Breadcrumbs = []views.Link{{Label: b.opt.SiteName, URL: "/"}, {Label: c.Org.Name, URL: orgPath(c.Org)}, {Label: c.Title, URL: lc.path}}
	lc.frame.Alternates, lc.frame.XDefaultURL = nil, ""
	lc.frame.Image = cp.Page.Image
	lc.frame.JSONLD = mustJSON(map[string]any{"@context": "https://schema.org", "@type": "WebPage", "name": c.Title})
	lc.csp = pageCSP(lc.frame.ThemeCSS, false)
	lc.personalCSP = pageCSP(lc.frame.ThemeCSS, true)
	_, mastodon := b.snap.mastodon[lc.path]
	lc.pageCSP = pageCSP(cp.Page.ThemeCSS, mastodon)
	lc.embed = b.embedFor(c, cp)
	return lc
}

// lazyRegions holds the region variants of one rendering, each rendered
// once, by the first request that asks for it.
type lazyRegions struct {
	t  *tally // the tally the rendering shows
	mu sync.Mutex
	by map[string]*lazyRegion // lower-cased region → variant
}

type lazyRegion struct {
	once sync.Once
	page *pagecache.Spliced // nil when rendering failed
}

// region returns lc's variant for region (lower-cased), rendering it on
// first use; nil when lc has no such region or it could not be rendered.
// Only lc's own regions are ever rendered or kept, so what a reader asks
// for cannot grow the map.
func (lp *livePages) region(log *slog.Logger, lc *liveCampaign, region string) *pagecache.Spliced {
	p, ok := lc.regions[region]
	if !ok {
		return nil
	}
	lr := &lp.regions
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
		tp, err := renderLivePage(lc, lr.t, p)
		if err != nil {
			log.Error("rendering a region variant failed; the page is served without it", "campaign", lc.key, "err", err)
			return
		}
		e.page = tp
	})
	return e.page
}

// rendered is how many region variants have been rendered (tests).
func (lr *lazyRegions) rendered() int {
	lr.mu.Lock()
	defer lr.mu.Unlock()
	return len(lr.by)
}

// renderLivePage renders one variant p of lc's page with tally t.
func renderLivePage(lc *liveCampaign, t *tally, p views.CampaignPageProps) (*pagecache.Spliced, error) {
	p = withTally(p, lc, t)
	var buf bytes.Buffer
	if err := views.CampaignPage(p).Render(context.Background(), &buf); err != nil {
		return nil, err
	}
	return newTokenPage(buf.Bytes(), lc.key, lc.pageCSP), nil
}

// render renders lc's page with t and swaps it in; region variants follow
// on demand (livePages.region).
func renderLive(lc *liveCampaign, t *tally) error {
	one := func(p views.CampaignPageProps) (*pagecache.Spliced, error) { return renderLivePage(lc, t, p) }
	main, err := one(lc.props)
	if err != nil {
		return fmt.Errorf("rendering %s: %w", lc.path, err)
	}
	lp := &livePages{main: main, regions: lazyRegions{t: t}, suggest: map[string]*pagecache.Spliced{}}
	if lc.embed != nil {
		if lp.embed, err = lc.embed.render(withTally(lc.props, lc, t), lc.key); err != nil {
			return err
		}
	}
	if len(lc.rotations) > 0 {
		lp.rotations = []*pagecache.Spliced{main}
		for i, p := range lc.rotations {
			tp, err := one(p)
			if err != nil {
				return fmt.Errorf("rendering %s with share messages %d: %w", lc.path, i+2, err)
			}
			lp.rotations = append(lp.rotations, tp)
		}
	}
	for lang, sug := range lc.suggestions {
		p := lc.props
		p.Page.Suggest = sug
		if lp.suggest[lang], err = one(p); err != nil {
			return fmt.Errorf("rendering %s with a %s suggestion: %w", lc.path, lang, err)
		}
	}
	lc.pages.Store(lp)
	return nil
}

// withTally returns p with the live tally on its petitions and letters and
// the approved organisations added to its letters' signatories. Slices and
// pointed-to views are copied, never changed in place: p's originals are
// kept for the next rendering.
func withTally(p views.CampaignPageProps, lc *liveCampaign, t *tally) views.CampaignPageProps {
	p.Actions = slices.Clone(p.Actions)
	for i := range p.Actions {
		a := &p.Actions[i]
		sa := lc.signables[a.ID]
		if sa == nil {
			continue
		}
		switch {
		case a.Petition != nil:
			pv := *a.Petition
			pv.Tally = tallyView(lc.loc, t, sa.goal)
			a.Petition = &pv
		case a.Letter != nil:
			lv := *a.Letter
			lv.Tally = tallyView(lc.loc, t, sa.goal)
			if t != nil && len(t.orgs) > 0 {
				lv.Organisations = slices.Clone(lv.Organisations)
				for _, o := range t.orgs {
					lv.Organisations = append(lv.Organisations, signatoryOf(o))
				}
				lv.SignatoryCountText = signedBy(lc.loc, len(lv.Organisations), len(lv.Individuals))
			}
			a.Letter = &lv
		}
	}
	return p
}

// signablesOf finds c's petitions and letters that take signatures, by the
// action ids its page props cp gave them.
func signablesOf(c *campaign.Campaign, cp views.CampaignPageProps) map[string]*signable {
	out := map[string]*signable{}
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

// hasLetter reports whether any of lc's signables is a letter, whose
// approved organisations are listed.
func (lc *liveCampaign) hasLetter() bool {
	for _, sa := range lc.signables {
		if sa.letter {
			return true
		}
	}
	return false
}

// liveByKey finds a live campaign by its store key.
func (snap *snapshot) liveByKey(key string) *liveCampaign {
	return snap.live["/"+key]
}

// closedNow reports whether c no longer takes signatures at now.
func closedNow(c *campaign.Campaign, now time.Time) bool {
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
func (b *builder) staticTally(c *campaign.Campaign, cp views.CampaignPageProps) views.CampaignPageProps {
	if b.mode != ModeStatic || b.opt.FormOrigin == "" {
		return cp
	}
	lc := &liveCampaign{signables: signablesOf(c, cp), loc: b.localizer(c.Org)}
	if len(lc.signables) == 0 {
		return cp
	}
	return withTally(cp, lc, nil)
}
