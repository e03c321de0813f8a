package site

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"net/url"
	"slices"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/placard/placard/internal/campaign"
	"github.com/placard/placard/internal/i18n"
	"github.com/placard/placard/internal/markdown"
	"github.com/placard/placard/internal/pagecache"
	"github.com/placard/placard/internal/qrcode"
	"github.com/placard/placard/internal/sharecard"
	"github.com/placard/placard/views"
	"rsc.io/qr"
	"rsc.io/qr/coding"
)

// This file serves the pictures and print pages that carry a campaign
// beyond its own page: share cards (card.png, card-square.png, and an
// organisation's card.png), QR codes (qr.svg, qr.png) and the printable
// poster.
//
// Cards and QR codes are made lazily: the snapshot only records, per
// address, what the file shows and a hash of it (a LazyFile). The first
// request renders it, once, into the server's LazyFiles under that hash;
// later requests, and later snapshots whose inputs are unchanged, are
// served from there. So a reload that changes one campaign's title redraws
// one card, and a site with hundreds of campaigns pays nothing at load.

// Address suffixes of the lazily made files.
const (
	cardSuffix       = "/card.png"
	squareCardSuffix = "/card-square.png"
	qrSVGSuffix      = "/qr.svg"
	qrPNGSuffix      = "/qr.png"
	posterSuffix     = "/poster"
)

// qrModulePx is the size of one QR module in the PNG and in the SVG's
// natural size: about 800 px across for a campaign address, plenty for a
// printed A4 poster.
const qrModulePx = 16

// qrSource is the source tag QR codes add to the campaign address, so
// arrivals from posters can be told from other visits.
const qrSource = "qr"

// hvCardCache lets browsers and networks keep a card or QR code for an
// hour, then revalidate with its ETag. The address does not change when
// the content does, so the time is short; og:image adds ?v=HASH so share
// previews fetch a changed card at once.
var hvCardCache = []string{"public, max-age=3600"}

// Generated is one lazily made file: key identifies its content (the same
// key always makes the same bytes), and make produces it.
type LazyFile struct {
	Key         string
	ContentType string
	Make        func() ([]byte, error)
	// CacheControl is sent with the file; nil means an hour. Copies of
	// pictures, whose addresses are hashed, are cached for a year.
	CacheControl []string
}

// GenCache holds generated files by key for the server's lifetime; keep
// drops the ones no current snapshot refers to. Safe for concurrent use.
type LazyFiles struct {
	Mu      sync.Mutex
	Entries map[string]*lazyEntry

	cardsOnce sync.Once
	cards     *sharecard.Renderer
	cardsErr  error

	// Renders counts files made, for tests and benchmarks that check a
	// file is made once and then served from the cache.
	Renders atomic.Int64
}

type lazyEntry struct {
	once sync.Once
	file *pagecache.Response
	err  error
}

// renderer returns the share card renderer, parsing the fonts on first use
// so servers that never serve a card never pay for it.
func (g *LazyFiles) renderer() (*sharecard.Renderer, error) {
	g.cardsOnce.Do(func() { g.cards, g.cardsErr = sharecard.NewRenderer() })
	return g.cards, g.cardsErr
}

// Get returns gen's file, making it if no request has yet. Concurrent
// requests for the same key wait for one render. A failed render is not
// kept, so the next request tries again.
func (g *LazyFiles) Get(gen *LazyFile) (*pagecache.Response, error) {
	g.Mu.Lock()
	if g.Entries == nil {
		g.Entries = map[string]*lazyEntry{}
	}
	e := g.Entries[gen.Key]
	if e == nil {
		e = &lazyEntry{}
		g.Entries[gen.Key] = e
	}
	g.Mu.Unlock()
	e.once.Do(func() {
		g.Renders.Add(1)
		// A panic in the shaper on some unforeseen text must cost one
		// picture, not the process (MakeAll runs this outside any
		// handler's recover).
		defer func() {
			if v := recover(); v != nil {
				e.err = fmt.Errorf("panic: %v", v)
			}
		}()
		data, err := gen.Make()
		if err != nil {
			e.err = err
			return
		}
		cc := gen.CacheControl
		if cc == nil {
			cc = hvCardCache
		}
		e.file = pagecache.New(data, gen.ContentType, cc, staticCSP)
	})
	if e.err != nil {
		g.Mu.Lock()
		if g.Entries[gen.Key] == e {
			delete(g.Entries, gen.Key)
		}
		g.Mu.Unlock()
	}
	return e.file, e.err
}

// Keep drops every file whose key is not in use, called after a new
// snapshot is swapped in, so memory holds only the current site's files.
func (g *LazyFiles) Keep(use map[string]*LazyFile) {
	keys := make(map[string]bool, len(use))
	for _, gen := range use {
		keys[gen.Key] = true
	}
	g.Mu.Lock()
	defer g.Mu.Unlock()
	for k := range g.Entries {
		if !keys[k] {
			delete(g.Entries, k)
		}
	}
}

// addCard records a share card at path in format f, and returns its key.
func (b *builder) addCard(path string, card sharecard.Card, f sharecard.Format) string {
	key := card.Key(f)
	gc := b.opt.Files
	b.snap.Lazy[path] = &LazyFile{Key: key, ContentType: "image/png", Make: func() ([]byte, error) {
		r, err := gc.renderer()
		if err != nil {
			return nil, err
		}
		return r.PNG(card, f)
	}}
	return key
}

// addQR records a QR code (SVG and PNG) at pagePath+"/qr.*" for target.
func (b *builder) addQR(pagePath, target, title string) {
	sum := sha256.Sum256([]byte("qr/1\x00" + target + "\x00" + title))
	key := hex.EncodeToString(sum[:])
	b.snap.Lazy[pagePath+qrSVGSuffix] = &LazyFile{Key: key + ".svg", ContentType: "image/svg+xml", Make: func() ([]byte, error) {
		c, err := qrcode.Encode(target)
		if err != nil {
			return nil, err
		}
		return c.SVG(qrModulePx, title), nil
	}}
	b.snap.Lazy[pagePath+qrPNGSuffix] = &LazyFile{Key: key + ".png", ContentType: "image/png", Make: func() ([]byte, error) {
		c, err := qrcode.Encode(target)
		if err != nil {
			return nil, err
		}
		return c.PNG(qrModulePx)
	}}
}

// campaignCard is what a campaign's share card shows.
func (b *builder) campaignCard(c *campaign.Campaign) sharecard.Card {
	summary := strings.TrimSpace(c.Summary)
	if summary == "" {
		summary = b.markdown.PlainTextAs(string(c.Body), c.Verbatim(""))
	}
	return b.orgCardFrame(c.Org, c.Title, summary, c.Org.Name)
}

// orgCardFrame fills a card's colours and language from the organisation.
func (b *builder) orgCardFrame(o *campaign.Org, title, summary, label string) sharecard.Card {
	lang, dir, _ := LangInfo(o.Language)
	card := sharecard.Card{Title: title, Summary: summary, OrgName: label, Lang: lang, RTL: dir == "rtl"}
	if p, ok := parseHex(o.Colours.Primary); ok {
		card.Primary = p
	}
	if a, ok := parseHex(o.Colours.Accent); ok {
		card.Accent = a
	}
	return card
}

// addCardsAndPoster records a public campaign's cards and QR codes and
// renders its poster.
func (b *builder) addCardsAndPoster(c *campaign.Campaign) error {
	p := CampaignPath(c)
	card := b.campaignCard(c)
	b.addCard(p+cardSuffix, card, sharecard.Landscape)
	b.addCard(p+squareCardSuffix, card, sharecard.Square)
	target := b.opt.Base + p + "?src=" + qrSource
	b.addQR(p, target, "QR code for "+c.Title)
	pp := b.posterProps(c)
	return b.addPage(p+posterSuffix, views.PosterPage(pp), pp.Page, false)
}

// addOrgCard records an organisation's share card: its name, its about
// text and its website's host name.
func (b *builder) addOrgCard(o *campaign.Org) {
	label := ""
	if u, err := url.Parse(o.Website); err == nil {
		label = strings.TrimPrefix(u.Hostname(), "www.")
	}
	about := markdown.Truncate(b.markdown.PlainText(string(o.About)), 400)
	b.addCard("/"+o.Slug+cardSuffix, b.orgCardFrame(o, o.Name, about, label), sharecard.Landscape)
}

// cardImage describes the generated card at pagePath+"/card.png" as a
// page's og:image. The ?v= query (the card's key) changes when the card
// does, so networks that cache previews by address fetch the new one; the
// server ignores it.
func (b *builder) cardImage(pagePath, alt string) *views.ShareImage {
	gen := b.snap.Lazy[pagePath+cardSuffix]
	if gen == nil {
		return nil
	}
	w, h := sharecard.Landscape.Size()
	return &views.ShareImage{
		URL:   b.opt.Base + pagePath + cardSuffix + "?v=" + gen.Key[:12],
		Width: w, Height: h, Alt: alt, Type: "image/png",
	}
}

// campaignShareImage is a campaign page's og:image: the organiser's own
// picture when it is a raster image networks can show, else the campaign's
// share card. A preview (not yet public) has no card address, so it falls
// back to the organisation's logo or a plain picture.
func (b *builder) campaignShareImage(c *campaign.Campaign) *views.ShareImage {
	if si := b.rasterImage(c.Org, c.Image); si != nil {
		return si
	}
	if b.mode != ModePreview {
		if _, ok := b.snap.Lazy[CampaignPath(c)+cardSuffix]; !ok {
			b.addCard(CampaignPath(c)+cardSuffix, b.campaignCard(c), sharecard.Landscape)
		}
		if si := b.cardImage(CampaignPath(c), cardAlt(c.Title, c.Org.Name)); si != nil {
			return si
		}
	}
	return b.shareImage(c.Org, c.Image)
}

// orgShareImage is an organisation page's og:image: its share card.
func (b *builder) orgShareImage(o *campaign.Org) *views.ShareImage {
	if _, ok := b.snap.Lazy["/"+o.Slug+cardSuffix]; !ok {
		b.addOrgCard(o)
	}
	return b.cardImage("/"+o.Slug, cardAlt(o.Name, ""))
}

// cardAlt describes a share card for people who cannot see it: the text
// it shows.
func cardAlt(title, org string) string {
	if org == "" {
		return title
	}
	return title + " — " + org
}

// posterProps is a campaign's printable poster.
func (b *builder) posterProps(c *campaign.Campaign) views.PosterPageProps {
	o := c.Org
	p := b.basePage(o)
	p.Title = p.L.T("journey.poster.title", "title", c.Title) + " — " + o.Name
	p.CanonicalURL = b.opt.Base + CampaignPath(c)
	p.Description = markdown.Truncate(strings.TrimSpace(c.Summary), descriptionLimit)
	p.Noindex = true
	u, _ := url.Parse(b.opt.Base)
	short := CampaignPath(c)
	if c.Short != "" {
		// The campaign's own short address, which redirects to its page.
		short = "/" + c.Short
	}
	if u != nil {
		short = u.Host + short
	}
	pp := views.PosterPageProps{
		Page:                p,
		PosterStylesheetURL: b.posterStylesheet(),
		OrgName:             o.Name,
		Logo:                b.img(o, o.Logo),
		Title:               c.Title,
		Summary:             markdown.Truncate(strings.TrimSpace(c.Summary), posterSummaryLimit),
		QR: views.Img{
			URL:   CampaignPath(c) + qrSVGSuffix,
			Alt:   p.L.T("journey.poster.qr", "address", short),
			Width: qrSide(b.opt.Base + CampaignPath(c) + "?src=" + qrSource),
		},
		ShortURL:    short,
		CampaignURL: CampaignPath(c),
		Action:      PosterAction(p.L, c),
	}
	pp.QR.Height = pp.QR.Width
	return pp
}

// qrSide is the width and height in pixels of target's QR code SVG (its
// modules and quiet zone at qrModulePx), so the poster's img has its size
// before the file arrives; 0 when target cannot be encoded.
func qrSide(target string) int {
	v := qrVersion(target)
	if v == 0 {
		return 0
	}
	return (17 + 4*int(v) + 2*qrcode.QuietZone) * qrModulePx
}

// qrVersion is the QR version (size 17 + 4v modules) qrcode.Encode gives
// target, found as rsc.io/qr picks it but without drawing the code (a
// build sizes every poster's); 0 when target is too long.
func qrVersion(target string) coding.Version {
	var enc coding.Encoding
	switch {
	case coding.Num(target).Check() == nil:
		enc = coding.Num(target)
	case coding.Alpha(target).Check() == nil:
		enc = coding.Alpha(target)
	default:
		enc = coding.String(target)
	}
	l := coding.Level(qr.M)
	for v := coding.Version(coding.MinVersion); v <= coding.MaxVersion; v++ {
		if enc.Bits(v) <= v.DataBytes(l)*8 {
			return v
		}
	}
	return 0
}

// posterSummaryLimit caps the summary on the poster, which must leave room
// for the QR code on one A4 page; longer summaries are cut at a word with
// "…" (the validator already warns past 200 characters).
const posterSummaryLimit = 300

// PosterAction names, in l's language, what the poster asks of its reader:
// the campaign's first call to action that takes signatures, else its
// first call to action ("Sign the petition", "Read the statement" …).
func PosterAction(l *i18n.Localizer, c *campaign.Campaign) string {
	var first *campaign.Action
	for i := range c.Actions {
		a := &c.Actions[i]
		switch {
		case a.Kind == campaign.KindPetition && a.Petition != nil:
			return l.T("poster.petition")
		case a.Kind == campaign.KindLetter && a.Letter != nil && a.Letter.Signing:
			return l.T("poster.letter.sign")
		}
		if first == nil {
			first = a
		}
	}
	if first == nil || !i18n.Known("poster."+string(first.Kind)) {
		return ""
	}
	return l.T("poster." + string(first.Kind))
}

// posterStylesheet serves views/static/poster.css under its hashed name
// (addStatic returns the same address the snapshot already gave it).
func (b *builder) posterStylesheet() string {
	if b.snap.posterCSS == "" {
		data, err := fs.ReadFile(views.Static, "poster.css")
		if err != nil {
			return ""
		}
		b.snap.posterCSS = b.addStatic("poster.css", data, "")
	}
	// Hashed once per build; each organisation still records it (addStatic).
	u := b.snap.posterCSS
	if b.built != nil && !slices.Contains(b.built.static, u) {
		b.built.static = append(b.built.static, u)
	}
	return u
}
