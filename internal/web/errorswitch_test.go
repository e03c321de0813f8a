package web

import (
	"crypto/sha256"
	"encoding/base64"
	"net/http"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"github.com/placard/placard/internal/site"
)

// switcher is the language switcher of a page: each link's hreflang and
// href, and the hreflang of the one marked aria-current ("" for none).
func switcher(d *goquery.Document) (links map[string]string, current string) {
	links = map[string]string{}
	d.Find("nav.lang-switch a").Each(func(_ int, a *goquery.Selection) {
		links[a.AttrOr("hreflang", "")] = a.AttrOr("href", "")
		if a.AttrOr("aria-current", "") != "" {
			current += a.AttrOr("hreflang", "")
		}
	})
	return links, current
}

// claimsTranslations reports what in d's head says the page exists in
// other languages: hreflang alternates and og:locale:alternate.
func claimsTranslations(d *goquery.Document) int {
	return d.Find(`head link[rel=alternate][hreflang], head meta[property="og:locale:alternate"]`).Length()
}

// TestNotFoundSwitcherOffersTheMissingAddress: the language switcher of
// a 404 under an organisation offers the address asked for in each of the
// organisation's languages, marks the language shown (and only it) as
// current, and each of its links answers the 404 in its own language;
// the head claims no translation (no hreflang, no og:locale:alternate):
// an error page is the translation of nothing.
func TestNotFoundSwitcherOffersTheMissingAddress(t *testing.T) {
	s := notFoundServer(t)
	const hostile = "/shore/%3Cb%3E%3F%23x"
	for _, tc := range []struct {
		path, accept, lang string
		want               map[string]string
	}{
		{"/shore/nope", "he", "he", map[string]string{"en": "/shore/nope/en", "ar": "/shore/nope/ar", "he": "/shore/nope"}},
		{"/shore/nope", "de", "en", map[string]string{"en": "/shore/nope", "ar": "/shore/nope/ar", "he": "/shore/nope/he"}},
		{"/shore/call/ar/nope", "he", "ar", map[string]string{"en": "/shore/call/nope/en", "ar": "/shore/call/ar/nope", "he": "/shore/call/nope/he"}},
		{"/shore/nope/he", "ar", "he", map[string]string{"en": "/shore/nope/en", "ar": "/shore/nope/ar", "he": "/shore/nope/he"}},
		{hostile, "ar", "ar", map[string]string{"en": "/shore/%3Cb%3E%3F%23x/en", "ar": hostile, "he": "/shore/%3Cb%3E%3F%23x/he"}},
	} {
		res := get(t, s, "GET", tc.path, http.Header{"Accept-Language": {tc.accept}})
		wantStatus(t, res, http.StatusNotFound)
		d := doc(t, res)
		if got := d.Find("html").AttrOr("lang", ""); got != tc.lang {
			t.Errorf("%s: <html lang=%q>, want %s", tc.path, got, tc.lang)
		}
		links, current := switcher(d)
		if current != tc.lang {
			t.Errorf("%s shown in %s: the switcher marks %q as current", tc.path, tc.lang, current)
		}
		for l, want := range tc.want {
			if links[l] != want {
				t.Errorf("%s: the switcher's %s link is %q, want %q", tc.path, l, links[l], want)
			}
		}
		if len(links) != len(tc.want) {
			t.Errorf("%s: switcher %v, want %v", tc.path, links, tc.want)
		}
		if n := claimsTranslations(d); n != 0 {
			t.Errorf("%s: the head claims %d translations of an error page", tc.path, n)
		}
		// Each link, followed with the same browser, answers in its language.
		for l, href := range links {
			res := get(t, s, "GET", href, http.Header{"Accept-Language": {tc.accept}})
			wantStatus(t, res, http.StatusNotFound)
			d := doc(t, res)
			if got := d.Find("html").AttrOr("lang", ""); got != l {
				t.Errorf("%s → %s: <html lang=%q>, want %s", tc.path, href, got, l)
			}
			if _, cur := switcher(d); cur != l {
				t.Errorf("%s → %s: the switcher marks %q as current, want %s", tc.path, href, cur, l)
			}
		}
	}
}

// TestErrorPageSwitcherClaimsNothing: an error page under an
// organisation (a method the page does not take) wears the
// organisation's frame; its switcher leads to the organisation's page in
// each language and marks none as the current page (none of them is),
// even when the words are in a language the organisation does not have;
// its head claims no translation.
func TestErrorPageSwitcherClaimsNothing(t *testing.T) {
	s := notFoundServer(t)
	for _, tc := range []struct {
		method, path, accept, lang string
	}{
		{"PUT", "/shore/call/ar", "en", "ar"},
		{"PUT", "/shore/call", "fr", "fr"},
		{"GET", "/shore/call/he/share/mastodon?instance=%3Cb%3E", "en", "he"},
	} {
		res := get(t, s, tc.method, tc.path, http.Header{"Accept-Language": {tc.accept}})
		if res.StatusCode < 400 {
			t.Fatalf("%s %s: status %d, want an error", tc.method, tc.path, res.StatusCode)
		}
		d := doc(t, res)
		if got := d.Find("html").AttrOr("lang", ""); got != tc.lang {
			t.Errorf("%s %s: <html lang=%q>, want %s", tc.method, tc.path, got, tc.lang)
		}
		links, current := switcher(d)
		if current != "" {
			t.Errorf("%s %s: the switcher marks %q as the current page", tc.method, tc.path, current)
		}
		want := map[string]string{"en": "/shore", "ar": "/shore/ar", "he": "/shore/he"}
		for l, href := range want {
			if links[l] != href {
				t.Errorf("%s %s: the switcher's %s link is %q, want %q", tc.method, tc.path, l, links[l], href)
			}
		}
		if n := claimsTranslations(d); n != 0 {
			t.Errorf("%s %s: the head claims %d translations of an error page", tc.method, tc.path, n)
		}
		if strings.Contains(d.Find("head").Text(), "x-default") {
			t.Errorf("%s %s: x-default in the head", tc.method, tc.path)
		}
	}
}

// TestExportNotFoundPerOrganisation: a static copy holds, beside the
// site's 404.html, one at /org/404.html in the organisation's frame (its
// name and colours, allowed by the policy its header carries, its first
// language) for hosts that answer a missing address with the nearest
// 404.html. A host sends the same file for every missing address, so
// neither names an address nor suggests a page, the switcher marks no
// page current, and the head claims no translation.
func TestExportNotFoundPerOrganisation(t *testing.T) {
	s := notFoundServer(t)
	type file struct {
		h    http.Header
		body string
	}
	got := map[string]file{}
	var order []string
	if err := s.Export(func(p string, h http.Header, body []byte) error {
		if strings.HasSuffix(p, "/404.html") {
			got[p] = file{h, string(body)}
			order = append(order, p)
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if want := []string{"/shore/404.html", "/404.html"}; strings.Join(order, " ") != strings.Join(want, " ") {
		t.Fatalf("not-found files %v, want %v (the site's last)", order, want)
	}
	for p, f := range got {
		d, err := goquery.NewDocumentFromReader(strings.NewReader(f.body))
		if err != nil {
			t.Fatal(err)
		}
		org := p == "/shore/404.html"
		brand, home, csp := strings.TrimSpace(d.Find("header .brand").Text()), d.Find(".notice a.btn").AttrOr("href", ""), f.h.Get("Content-Security-Policy")
		style := d.Find("head style")
		if org {
			if brand != "Shared Shore Coalition" || home != "/shore" || d.Find("html").AttrOr("lang", "") != "en" {
				t.Errorf("%s: brand %q, way back %q, lang %q; want the organisation's frame in English", p, brand, home, d.Find("html").AttrOr("lang", ""))
			}
			if style.Length() != 1 || !strings.Contains(style.Text(), "#7a2e0e") {
				t.Errorf("%s: no brand colour rule", p)
			} else if sum := sha256.Sum256([]byte(style.Text())); !strings.Contains(csp, "'sha256-"+base64.StdEncoding.EncodeToString(sum[:])+"'") {
				t.Errorf("%s: the policy %q does not allow the brand rule", p, csp)
			}
			links, current := switcher(d)
			if want := map[string]string{"en": "/shore", "ar": "/shore/ar", "he": "/shore/he"}; len(links) != 3 || links["en"] != want["en"] || links["ar"] != want["ar"] || links["he"] != want["he"] || current != "" {
				t.Errorf("%s: switcher %v (current %q), want %v, none current", p, links, current, want)
			}
		} else if brand != "Act" || home != "/" || style.Length() != 0 {
			t.Errorf("%s: brand %q, way back %q, %d style rules; want the site's frame", p, brand, home, style.Length())
		}
		if d.Find("code.path").Length() != 0 || strings.Contains(d.Find("main").Text(), "404.html") || d.Find("main ul.link-list").Length() != 0 {
			t.Errorf("%s: the page names an address or suggests pages: %q", p, d.Find("main").Text())
		}
		if claimsTranslations(d) != 0 || d.Find(`meta[name=robots][content=noindex]`).Length() != 1 {
			t.Errorf("%s: claims translations, or is not noindex", p)
		}
		// A host answers missing addresses with it under their own rules,
		// not its: it carries its policy itself.
		if got := d.Find(`head meta[http-equiv="Content-Security-Policy"]`).AttrOr("content", ""); got == "" || got != site.MetaPolicy(csp) {
			t.Errorf("%s: carries the policy %q, want its header's %q without frame-ancestors", p, got, site.MetaPolicy(csp))
		}
		if f.h.Get("Cache-Control") != "no-cache" || f.h.Get("X-Content-Type-Options") != "nosniff" {
			t.Errorf("%s: headers %v", p, f.h)
		}
	}
}
