package site

import (
	"strings"
	"sync"
	"sync/atomic"

	"golang.org/x/text/language"

	"github.com/placard/placard/internal/campaign"
	"github.com/placard/placard/internal/i18n"
	"github.com/placard/placard/views"
)

// Languages. An organisation that declares several languages has every
// page once per language: the default language at the plain address
// (/org, /org/campaign), each other language at a stable address with the
// language code appended (/org/ar, /org/campaign/ar). Each is its own
// pre-rendered page, built from the campaign package's resolved copy in
// that language (Org.In, Campaign.In), so crawlers and shared links always
// get one language per address. A reader whose browser prefers another of
// the page's languages is never redirected: the plain address carries a
// small notice, in that language, linking to it (see suggestions).

// localizer is the interface wording for org's pages in org's language
// (the language of that copy), with the organisation's own strings; the
// site's pages (org nil) are English.
func (b *builder) localizer(org *campaign.Org) *i18n.Localizer {
	if org == nil {
		return i18n.New(i18n.Default, nil)
	}
	key := org.Slug + "\x00" + org.Language
	if l, ok := b.locs[key]; ok {
		return l
	}
	l := i18n.New(org.Language, org.Strings[org.Language])
	if b.locs == nil {
		b.locs = map[string]*i18n.Localizer{}
	}
	b.locs[key] = l
	return l
}

// isDefaultLang reports whether o is the organisation in its default language.
func isDefaultLang(o *campaign.Org) bool {
	return o.Language == "" || o.Language == o.Langs()[0]
}

// orgPath is the organisation's page in o's language: /org, or /org/ar.
func orgPath(o *campaign.Org) string {
	if isDefaultLang(o) {
		return "/" + o.Slug
	}
	return "/" + o.Slug + "/" + o.Language
}

// CampaignPath is the campaign's page in its language: /org/slug, or
// /org/slug/ar. The sign, thanks and share addresses hang below it.
func CampaignPath(c *campaign.Campaign) string {
	if isDefaultLang(c.Org) {
		return "/" + c.Org.Slug + "/" + c.Slug
	}
	return "/" + c.Org.Slug + "/" + c.Slug + "/" + c.Org.Language
}

// defaultCampaignPath is the campaign's plain address whatever c's
// language: signing forms post there (with a hidden lang field), so one
// guarded route takes every language's signatures.
func defaultCampaignPath(c *campaign.Campaign) string {
	return "/" + c.Org.Slug + "/" + c.Slug
}

// alternates fills p's language alternates (hreflang, og:locale:alternate,
// the switcher) for a page of o that exists in each of o's languages at
// pathIn(o in that language).
func (b *builder) alternates(p *views.Page, o *campaign.Org, pathIn func(*campaign.Org) string) {
	langs := o.Langs()
	if len(langs) < 2 {
		return
	}
	for _, lang := range langs {
		path := pathIn(o.In(lang))
		a := views.Alternate{Lang: lang, Name: i18n.Name(lang), URL: b.opt.Base + path, Path: path, Dir: "ltr", Current: lang == o.Language}
		if i18n.IsRTL(lang) {
			a.Dir = "rtl"
		}
		p.Alternates = append(p.Alternates, a)
	}
	p.XDefaultURL = b.opt.Base + pathIn(o.In(langs[0]))
}

// suggestion is the notice offering alt to a reader of the default page.
func suggestion(alt views.Alternate, overrides map[string]string) *views.Suggestion {
	l := i18n.New(alt.Lang, overrides)
	return &views.Suggestion{Lang: alt.Lang, Dir: alt.Dir, Path: alt.Path, Text: l.T("layout.suggest", "language", alt.Name)}
}

// matcher returns the shared language matcher of o's languages.
func (b *builder) matcher(o *campaign.Org) *i18n.Matcher {
	key := strings.Join(o.Langs(), ",")
	if m, ok := b.matchers[key]; ok {
		return m
	}
	if b.matchers == nil {
		b.matchers = map[string]*i18n.Matcher{}
	}
	m := i18n.NewMatcher(o.Langs())
	b.matchers[key] = m
	return m
}

// LangInfo returns the BCP 47 tag for <html lang>, "ltr" or "rtl", and the
// og:locale for an organisation's language code (default en).
func LangInfo(code string) (lang, dir, locale string) {
	if i, ok := langInfos.Load(code); ok {
		li := i.(langInfo)
		return li.lang, li.dir, li.locale
	}
	lang, dir, locale = parseLangInfo(code)
	if langInfosN.Add(1) <= maxLangInfos {
		langInfos.Store(code, langInfo{lang, dir, locale})
	}
	return lang, dir, locale
}

// langInfos holds LangInfo's answers by code, at most maxLangInfos of
// them (a site's languages, a few): every page asks, and parsing the
// code each time was 2% of the memory a site's build allocates.
var (
	langInfos  sync.Map
	langInfosN atomic.Int32
)

const maxLangInfos = 256

// langInfo is what LangInfo answers for one code.
type langInfo struct{ lang, dir, locale string }

// parseLangInfo is LangInfo, worked out.
func parseLangInfo(code string) (lang, dir, locale string) {
	code = strings.TrimSpace(code)
	if code == "" {
		code = "en"
	}
	tag, err := language.Parse(code)
	if err != nil {
		tag = language.English
	}
	lang = tag.String()
	dir = "ltr"
	if i18n.IsRTL(lang) {
		dir = "rtl"
	}
	return lang, dir, i18n.OGLocale(lang)
}
