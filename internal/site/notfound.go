package site

import (
	"context"
	"net/url"
	"slices"
	"strings"

	"github.com/placard/placard/internal/i18n"
	"github.com/placard/placard/views"
)

// This file is the 404 page a live server renders per request: inside
// the frame of the organisation the address is under, or the site's.

// keepOrgFrame records the frame of the organisation's page at path
// (orgPath: /org, /org/ar), which a 404 under it wears.
func (snap *Snapshot) keepOrgFrame(path string, p views.Page) {
	if snap.orgFrames == nil {
		snap.orgFrames = map[string]views.Page{}
	}
	snap.orgFrames[path] = p
}

// NotFoundIn renders the 404 page for urlPath, the address asked for,
// with lang the reader's language (from the address or the browser; ""
// for none), and returns it with its Content-Security-Policy.
//
// Under an organisation (/org/…) the page wears the organisation's frame
// (its name and logo, its colours by the hashed inline rule, its language
// switcher) in the language the address names, else lang when the
// organisation has it, else its first, and leads back to its campaigns.
// Any other address gets the site's frame in lang. urlPath is shown only
// escaped, and only as text.
func (snap *Snapshot) NotFoundIn(urlPath, lang string) ([]byte, string, error) {
	return snap.notFound(urlPath, lang, true, true)
}

// NotFoundUnsuggested is NotFoundIn without the pages whose addresses are
// close to urlPath: the same page, status, frame and language, without
// the search (ClosePages), which is most of a 404's cost. A server sends
// it to a client past its share of searches.
func (snap *Snapshot) NotFoundUnsuggested(urlPath, lang string) ([]byte, string, error) {
	return snap.notFound(urlPath, lang, true, false)
}

// notFound is NotFoundIn, in the site's frame unless orgs, with
// suggestions when suggest.
func (snap *Snapshot) notFound(urlPath, lang string, orgs, suggest bool) ([]byte, string, error) {
	page, home, homeLabel, lang := snap.notFoundFrame(urlPath, lang, orgs)
	loc := page.L
	if loc == nil {
		loc = i18n.New(i18n.Default, nil)
	}
	title := loc.T("error.notfound")
	page.Title = title + " — " + orDefault(page.OGSiteName, snap.opt.SiteName)
	page.Description = title
	page.CanonicalURL = ""
	page.XDefaultURL = "" // no page here to index
	page.Noindex = true
	page.JSONLD = ""
	page.Discovery = nil
	page.Suggest = nil
	page.Untranslated = true
	page.MetaCSP = MetaPolicy(PageCSP(page.ThemeCSS, false))
	if orgs {
		page.Alternates = switchMissing(page.Alternates, urlPath, lang)
	}
	asked := urlPath
	if lang != "" {
		asked = strings.TrimSuffix(strings.TrimSuffix(urlPath, "/"), "/"+lang)
	}
	props := views.NotFoundPageProps{
		Page:      page,
		Path:      urlPath,
		HomeURL:   home,
		HomeLabel: homeLabel,
	}
	if suggest {
		props.Suggestions = inLanguageFirst(snap.Known, ClosePages(snap.Known, asked, 3), lang, 3)
	}
	var buf strings.Builder
	if err := views.NotFoundPage(props).Render(context.Background(), &buf); err != nil {
		return nil, "", err
	}
	return []byte(buf.String()), PageCSP(page.ThemeCSS, false), nil
}

// notFoundFrame is the frame of the 404 page for urlPath (see NotFoundIn)
// with the address its button leads to, the button's words ("" for the
// usual "home page") and the language chosen.
func (snap *Snapshot) notFoundFrame(urlPath, lang string, orgs bool) (page views.Page, home, homeLabel, chosen string) {
	// A language the address names (/org/ar/…, /org/x/ar), else the reader's.
	langs := append(strings.Split(strings.TrimPrefix(urlPath, "/"), "/"), lang)
	if page, key, ok := snap.orgFrame(urlPath, langs[1:]); ok && orgs {
		name := orDefault(page.OGSiteName, page.Brand.Name)
		return page, key, page.L.T("error.notfound.org", "org", name), page.Lang
	}
	page = snap.SitePage("")
	if slices.Contains(i18n.Supported, lang) {
		page.L = i18n.New(lang, nil)
		page.Lang, page.Dir, page.OGLocale = LangInfo(page.L.Lang())
		lang = page.L.Lang()
	}
	return page, "/", "", lang
}

// orgFrame is the frame of the organisation urlPath is under, in the
// first of langs it has a page in (its first language named by its code
// too, as in /org/x/en), else in its first language, with that page's
// path; ok is false for an address under no organisation.
func (snap *Snapshot) orgFrame(urlPath string, langs []string) (page views.Page, key string, ok bool) {
	slug, _, _ := strings.Cut(strings.TrimPrefix(urlPath, "/"), "/")
	if slug == "" {
		return page, "", false
	}
	key = "/" + slug
	if page, ok = snap.orgFrames[key]; !ok {
		return page, "", false
	}
	for _, l := range langs {
		if l == "" {
			continue
		}
		if l == page.Lang {
			return page, key, true
		}
		if p, ok := snap.orgFrames[key+"/"+l]; ok {
			return p, key + "/" + l, true
		}
	}
	return page, key, true
}

// switchMissing is the language switcher of the 404 for urlPath shown in
// lang, from alts, its organisation's page in each language: the address
// asked for in each language instead. The language shown links to the
// address as asked, marked current; each other language to the address
// without the language it names (the first of its parts, after the
// organisation's, that is one of alts' languages) and with that
// language's code last (/org/x/ar, /org/x/en), which a 404 reads before
// the reader's language (notFoundFrame). The head of an error page
// claims none of them as a translation (views.Page.Untranslated).
func switchMissing(alts []views.Alternate, urlPath, lang string) []views.Alternate {
	if len(alts) < 2 {
		return nil
	}
	parts := strings.Split(strings.TrimPrefix(urlPath, "/"), "/")
	for i := 1; i < len(parts); i++ {
		if slices.ContainsFunc(alts, func(a views.Alternate) bool { return a.Lang == parts[i] }) {
			parts = slices.Delete(parts, i, i+1)
			break
		}
	}
	base := strings.TrimRight("/"+strings.Join(parts, "/"), "/")
	out := make([]views.Alternate, len(alts))
	for i, a := range alts {
		a.URL, a.Current = "", a.Lang == lang
		p := base + "/" + a.Lang
		if a.Current {
			p = urlPath
		}
		a.Path = (&url.URL{Path: p}).EscapedPath()
		out[i] = a
	}
	return out
}

// switchHome is the language switcher of an error page other than a
// 404, from alts, its organisation's page in each language: those
// pages, none marked current (the page shown is none of them), and none
// claimed as a translation.
func switchHome(alts []views.Alternate) []views.Alternate {
	out := slices.Clone(alts)
	for i := range out {
		out[i].URL, out[i].Current = "", false
	}
	return out
}

// ErrorFrame is the frame of an error page (other than a 404) answering
// urlPath, titled and worded by loc: the frame of the organisation the
// address is under, in loc's language when the organisation has a page
// in it, else the site's; lang and dir are always loc's. It comes with
// the page's Content-Security-Policy, which allows its colours.
func (snap *Snapshot) ErrorFrame(urlPath string, loc *i18n.Localizer, title string) (views.Page, string) {
	page, _, ok := snap.orgFrame(urlPath, []string{loc.Lang()})
	if !ok {
		return snap.SitePage(title), DefaultCSP
	}
	page.Title = title + " — " + orDefault(page.OGSiteName, snap.opt.SiteName)
	page.Description = title
	page.CanonicalURL, page.XDefaultURL, page.JSONLD = "", "", ""
	page.Noindex = true
	page.Discovery, page.Suggest = nil, nil
	page.Untranslated = true
	page.Alternates = switchHome(page.Alternates)
	page.L = loc
	page.Lang, page.Dir, page.OGLocale = LangInfo(loc.Lang())
	return page, PageCSP(page.ThemeCSS, false)
}

func orDefault(s, def string) string {
	if s != "" {
		return s
	}
	return def
}

// frameOrgs are the addresses (/org) of the organisations whose frames
// are kept, sorted.
func (snap *Snapshot) frameOrgs() []string {
	var out []string
	for k := range snap.orgFrames {
		if strings.Count(k, "/") == 1 {
			out = append(out, k)
		}
	}
	slices.Sort(out)
	return out
}

// staticNotFound renders the "not found" page of a static copy, with its
// Content-Security-Policy: in the frame of the organisation at org
// ("/org", in its first language) or, for "", the site's (in English).
// A static host answers every missing address with the same file, so the
// page names no address and suggests no page, and the organisation's
// switcher leads to its page in each language, none marked current.
func (snap *Snapshot) staticNotFound(org string) ([]byte, string, error) {
	page, home, homeLabel := snap.SitePage(""), "/", ""
	if p, ok := snap.orgFrames[org]; ok && org != "" {
		page, home = p, org
		homeLabel = page.L.T("error.notfound.org", "org", orDefault(page.OGSiteName, page.Brand.Name))
		page.Alternates = switchHome(page.Alternates)
	}
	loc := page.L
	if loc == nil {
		loc = i18n.New(i18n.Default, nil)
	}
	title := loc.T("error.notfound")
	page.Title = title + " — " + orDefault(page.OGSiteName, snap.opt.SiteName)
	page.Description = title
	page.CanonicalURL, page.XDefaultURL, page.JSONLD = "", "", ""
	page.Noindex, page.Untranslated = true, true
	page.Discovery, page.Suggest = nil, nil
	page.MetaCSP = MetaPolicy(PageCSP(page.ThemeCSS, false))
	var buf strings.Builder
	props := views.NotFoundPageProps{Page: page, HomeURL: home, HomeLabel: homeLabel}
	if err := views.NotFoundPage(props).Render(context.Background(), &buf); err != nil {
		return nil, "", err
	}
	return []byte(buf.String()), PageCSP(page.ThemeCSS, false), nil
}

// MetaPolicy is policy as a page carries it in itself (views.Page.MetaCSP):
// without the directives a <meta http-equiv> policy may not hold —
// frame-ancestors, report-uri, sandbox — which browsers ignore there, with
// a warning in the console.
//
// The "not found" pages carry it: a static host answers a missing address
// with 404.html but gives the answer the _headers rules of the address
// asked for, not of 404.html (Netlify and Cloudflare Pages both match
// rules against the request), and no rule can name only the missing
// addresses. So the page brings its own policy, and serve's 404 the same
// one under its header. Framing is the headers' to refuse (X-Frame-Options
// in the export's /* rule when no page of the copy is an embed); a "not
// found" page holds no form, no input and nothing to press but links, so
// a frame around it gains a clickjacker nothing.
func MetaPolicy(policy string) string {
	var kept []string
	for d := range strings.SplitSeq(policy, ";") {
		d = strings.TrimSpace(d)
		name, _, _ := strings.Cut(d, " ")
		switch strings.ToLower(name) {
		case "", "frame-ancestors", "report-uri", "sandbox":
			continue
		}
		kept = append(kept, d)
	}
	return strings.Join(kept, "; ")
}
