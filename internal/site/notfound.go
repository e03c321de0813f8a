package site

import (
	"context"
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
	page, home, homeLabel, lang := snap.notFoundFrame(urlPath, lang)
	loc := page.L
	if loc == nil {
		loc = i18n.New(i18n.Default, nil)
	}
	title := loc.T("error.notfound")
	page.Title = title + " — " + orDefault(page.OGSiteName, snap.opt.SiteName)
	page.Description = title
	page.CanonicalURL = ""
	page.XDefaultURL = "" // the switcher stays; no page here to index
	page.Noindex = true
	page.JSONLD = ""
	page.Discovery = nil
	page.Suggest = nil
	asked := urlPath
	if lang != "" {
		asked = strings.TrimSuffix(strings.TrimSuffix(urlPath, "/"), "/"+lang)
	}
	props := views.NotFoundPageProps{
		Page:        page,
		Path:        urlPath,
		Suggestions: inLanguageFirst(snap.Known, ClosePages(snap.Known, asked, 3), lang, 3),
		HomeURL:     home,
		HomeLabel:   homeLabel,
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
func (snap *Snapshot) notFoundFrame(urlPath, lang string) (page views.Page, home, homeLabel, chosen string) {
	parts := strings.Split(strings.TrimPrefix(urlPath, "/"), "/")
	if org := "/" + parts[0]; parts[0] != "" {
		if def, ok := snap.orgFrames[org]; ok {
			key, chosen := org, def.Lang
			// A language the address names (/org/ar/…, /org/x/ar), else the reader's.
			for _, p := range append(parts[1:], lang) {
				if _, ok := snap.orgFrames[org+"/"+p]; ok && p != "" {
					key, chosen = org+"/"+p, p
					break
				}
			}
			page = snap.orgFrames[key]
			name := page.Brand.Name
			if page.OGSiteName != "" {
				name = page.OGSiteName
			}
			return page, key, page.L.T("error.notfound.org", "org", name), chosen
		}
	}
	page = snap.SitePage("")
	if slices.Contains(i18n.Supported, lang) {
		page.L = i18n.New(lang, nil)
		page.Lang, page.Dir, page.OGLocale = LangInfo(page.L.Lang())
		lang = page.L.Lang()
	}
	return page, "/", "", lang
}

func orDefault(s, def string) string {
	if s != "" {
		return s
	}
	return def
}
