package web

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"github.com/placard/placard/internal/campaign"
	"github.com/placard/placard/internal/campaign/campaigntest"
	"github.com/placard/placard/internal/i18n"
	"github.com/placard/placard/internal/mail"
	"github.com/placard/placard/internal/site"
)

// TestTooLargeFormSpeaksThePagesLanguage: a signing form too large to
// read, sent from the Arabic or Hebrew page by a browser that asks for
// English, is refused (413) in the page's language, right to left, with
// the catalogue's words in that language and none of the English ones.
// The body is never read for it: the form's address names the language.
func TestTooLargeFormSpeaksThePagesLanguage(t *testing.T) {
	e := i18nEnv(t, openSQLite(t))
	en := i18n.New("en", nil)
	for _, lang := range []string{"ar", "he"} {
		page := parkPage + "/" + lang
		e.clock.add(time.Minute)
		res := get(t, e.s, "GET", page, nil)
		wantStatus(t, res, 200)
		form := doc(t, res).Find("form#petition-form")
		action := form.AttrOr("action", "")
		if want := parkPage + "/sign?lang=" + lang; action != want {
			t.Errorf("%s: the form posts to %q, want %q", page, action, want)
		}
		if form.Find(`input[type=hidden][name=lang]`).AttrOr("value", "") != lang {
			t.Errorf("%s: the form lost its hidden lang field", page)
		}
		v := e.formValues(t, page, "petition-form")
		e.clock.add(time.Minute)
		big := url.Values{}
		for k, vs := range v {
			big[k] = slices.Clone(vs)
		}
		big.Set("comment", strings.Repeat("x", 40<<10))
		for _, target := range []string{action, strings.Replace(action, "/sign", "/embed/sign", 1)} {
			res = e.post(t, target, big, http.Header{"Accept-Language": {"en"}})
			wantStatus(t, res, http.StatusRequestEntityTooLarge)
			d := doc(t, res)
			html := d.Find("html")
			if html.AttrOr("lang", "") != lang || html.AttrOr("dir", "") != "rtl" {
				t.Errorf("POST %s: <html lang=%q dir=%q>, want %s rtl", target, html.AttrOr("lang", ""), html.AttrOr("dir", ""), lang)
			}
			loc := i18n.New(lang, nil)
			main := d.Find("main").Text()
			for _, key := range []string{"error.sign.toolarge.heading", "error.sign.toolarge.message"} {
				if !strings.Contains(main, loc.T(key)) {
					t.Errorf("POST %s: the page lacks %s in %s (%q): %q", target, key, lang, loc.T(key), main)
				}
				if strings.Contains(main, en.T(key)) {
					t.Errorf("POST %s: the page holds the English %q", target, en.T(key))
				}
			}
		}
	}
}

// notFoundServer serves shoreCallFiles (an organisation in English,
// Arabic and Hebrew with its own colours) as "Act".
func notFoundServer(t *testing.T) *Server {
	t.Helper()
	s, err := New(Config{BaseURL: "https://act.example.org", SiteName: "Act", RateLimit: -1}, campaigntest.Site(t, shoreCallFiles()))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestNotFoundWearsTheOrganisationsFrame: an unknown address under an
// organisation answers 404 inside the organisation's frame (its name,
// its colours by the inline rule the policy hashes, its language
// switcher, a way back to its campaigns) in the language the address
// names, else the reader's when the organisation has it, else its first;
// an unknown organisation gets the site's frame in the reader's language.
// Always noindex and never cached; the address asked for is shown only
// escaped.
func TestNotFoundWearsTheOrganisationsFrame(t *testing.T) {
	s := notFoundServer(t)
	const hostile = "/shore/%3Cscript%3Ealert(1)%3C%2Fscript%3E%22%3E"
	for _, tc := range []struct {
		path, accept, lang, dir, brand, home string
		org                                  bool
	}{
		{"/shore/nope", "he,en;q=0.5", "he", "rtl", "קואליציית החוף המשותף", "/shore/he", true},
		{"/shore/call/ar/nope", "en", "ar", "rtl", "ائتلاف الشاطئ المشترك", "/shore/ar", true},
		{"/shore/nope/he", "ar", "he", "rtl", "קואליציית החוף המשותף", "/shore/he", true},
		{"/shore/nope", "de", "en", "ltr", "Shared Shore Coalition", "/shore", true},
		{hostile, "ar", "ar", "rtl", "ائتلاف الشاطئ المشترك", "/shore/ar", true},
		{"/nobody/here", "ar", "ar", "rtl", "Act", "/", false},
		{"/nobody", "he", "he", "rtl", "Act", "/", false},
	} {
		res := get(t, s, "GET", tc.path, http.Header{"Accept-Language": {tc.accept}})
		wantStatus(t, res, http.StatusNotFound)
		if cc := res.Header.Get("Cache-Control"); cc != "no-cache" && cc != "no-store" {
			t.Errorf("%s: Cache-Control %q, want no-cache or no-store", tc.path, cc)
		}
		if v := res.Header.Get("Vary"); !strings.Contains(v, "Accept-Language") {
			t.Errorf("%s: Vary %q, want Accept-Language named: the page follows it", tc.path, v)
		}
		csp := res.Header.Get("Content-Security-Policy")
		raw := body(t, res)
		d, err := goquery.NewDocumentFromReader(strings.NewReader(raw))
		if err != nil {
			t.Fatal(err)
		}
		html := d.Find("html")
		if html.AttrOr("lang", "") != tc.lang || html.AttrOr("dir", "") != tc.dir {
			t.Errorf("%s: <html lang=%q dir=%q>, want %s %s", tc.path, html.AttrOr("lang", ""), html.AttrOr("dir", ""), tc.lang, tc.dir)
		}
		if d.Find(`meta[name=robots][content=noindex]`).Length() != 1 {
			t.Errorf("%s: not marked noindex", tc.path)
		}
		if got := strings.TrimSpace(d.Find("header .brand").Text()); got != tc.brand {
			t.Errorf("%s: brand %q, want %q", tc.path, got, tc.brand)
		}
		loc := i18n.New(tc.lang, nil)
		if got := strings.TrimSpace(d.Find("main h1").Text()); got != loc.T("error.notfound") {
			t.Errorf("%s: h1 %q, want %q", tc.path, got, loc.T("error.notfound"))
		}
		btn := d.Find(".notice .actions-row a.btn")
		if got := btn.AttrOr("href", ""); got != tc.home {
			t.Errorf("%s: the way back leads to %q, want %q", tc.path, got, tc.home)
		}
		style := d.Find("head style")
		if tc.org {
			if want := loc.T("error.notfound.org", "org", tc.brand); strings.TrimSpace(btn.Text()) != want {
				t.Errorf("%s: the way back says %q, want %q", tc.path, strings.TrimSpace(btn.Text()), want)
			}
			if style.Length() != 1 || !strings.Contains(style.Text(), "#7a2e0e") {
				t.Errorf("%s: no brand colour rule in the head", tc.path)
			} else if sum := sha256.Sum256([]byte(style.Text())); !strings.Contains(csp, "'sha256-"+base64.StdEncoding.EncodeToString(sum[:])+"'") {
				t.Errorf("%s: the policy %q does not allow the brand rule", tc.path, csp)
			}
			if n := d.Find("nav.lang-switch a").Length(); n != 3 {
				t.Errorf("%s: %d languages in the switcher, want 3", tc.path, n)
			}
		} else if style.Length() != 0 {
			t.Errorf("%s: the site's frame carries an organisation's colours", tc.path)
		}
		if !strings.Contains(csp, "default-src 'none'") || strings.Contains(csp, "unsafe-inline") {
			t.Errorf("%s: policy %q", tc.path, csp)
		}
		// Protected as the static copy's 404.html is: its header policy
		// in the page too (what a static host cannot put in a header),
		// and the framing the headers refuse.
		if got := d.Find(`head meta[http-equiv="Content-Security-Policy"]`).AttrOr("content", ""); got != site.MetaPolicy(csp) || res.Header.Get("X-Frame-Options") != "DENY" {
			t.Errorf("%s: the page's own policy %q and X-Frame-Options %q, want %q and DENY", tc.path, got, res.Header.Get("X-Frame-Options"), site.MetaPolicy(csp))
		}
		if tc.lang != "en" {
			en := i18n.New("en", nil)
			text := d.Find("body").Text()
			for _, key := range []string{"error.notfound", "error.mistyped", "error.nothing", "error.home", "error.notfound.org", "layout.skip"} {
				if w := en.T(key, "org", tc.brand); strings.Contains(text, w) {
					t.Errorf("%s in %s: English %q on the page", tc.path, tc.lang, w)
				}
			}
		}
		if strings.Contains(raw, "<script>alert") || strings.Contains(raw, `"><`+"/script") {
			t.Errorf("%s: the address asked for is reflected unescaped", tc.path)
		}
		if tc.path == hostile && !strings.Contains(d.Find("code.path").Text(), "<script>alert(1)</script>") {
			t.Errorf("%s: the address asked for is not shown as text: %q", tc.path, d.Find("code.path").Text())
		}
	}
}

// TestErrorPagesWearTheOrganisationsFrame: a refusal under an
// organisation (a Mastodon server name that is none, a method the page
// does not take) and the page asking to continue to a Mastodon server
// wear the organisation's frame — its name and colours, allowed by the
// policy — in the language of the words, whether the organisation has
// that language or not.
func TestErrorPagesWearTheOrganisationsFrame(t *testing.T) {
	s := notFoundServer(t)
	for _, tc := range []struct {
		method, path     string
		header           http.Header
		status           int
		lang, dir, brand string
	}{
		{"GET", "/shore/call/he/share/mastodon?instance=%3Cb%3E", nil, 400, "he", "rtl", "קואליציית החוף המשותף"},
		{"PUT", "/shore/call/ar", nil, 405, "ar", "rtl", "ائتلاف الشاطئ المشترك"},
		{"GET", "/shore/call/ar/share/mastodon?instance=mastodon.example", http.Header{"Sec-Fetch-Site": {"cross-site"}}, 200, "ar", "rtl", "ائتلاف الشاطئ المشترك"},
		{"PUT", "/shore/call", http.Header{"Accept-Language": {"fr"}}, 405, "fr", "ltr", "Shared Shore Coalition"},
	} {
		res := get(t, s, tc.method, tc.path, tc.header)
		wantStatus(t, res, tc.status)
		csp := res.Header.Get("Content-Security-Policy")
		d := doc(t, res)
		html := d.Find("html")
		if html.AttrOr("lang", "") != tc.lang || html.AttrOr("dir", "") != tc.dir {
			t.Errorf("%s %s: <html lang=%q dir=%q>, want %s %s", tc.method, tc.path, html.AttrOr("lang", ""), html.AttrOr("dir", ""), tc.lang, tc.dir)
		}
		if got := strings.TrimSpace(d.Find("header .brand").Text()); got != tc.brand {
			t.Errorf("%s %s: brand %q, want %q", tc.method, tc.path, got, tc.brand)
		}
		style := d.Find("head style")
		if style.Length() != 1 {
			t.Errorf("%s %s: no brand colour rule", tc.method, tc.path)
		} else if sum := sha256.Sum256([]byte(style.Text())); !strings.Contains(csp, "'sha256-"+base64.StdEncoding.EncodeToString(sum[:])+"'") {
			t.Errorf("%s %s: the policy %q does not allow the brand rule", tc.method, tc.path, csp)
		}
		if d.Find(`meta[name=robots][content=noindex]`).Length() != 1 {
			t.Errorf("%s %s: not marked noindex", tc.method, tc.path)
		}
	}
}

// TestMailFormsTooLargeInThePagesLanguage: the buttons of the pages an
// email's link opens (confirm a signature, unsubscribe) post to an
// address naming the page's language, so a body too large to read is
// refused (413) in that language, not the browser's.
func TestMailFormsTooLargeInThePagesLanguage(t *testing.T) {
	st := openSQLite(t)
	key, err := st.Secret(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	loaded, probs := campaign.Load("testdata/i18n")
	if loaded == nil {
		t.Fatal(probs)
	}
	tokens := mail.NewTokens(key)
	s, err := New(Config{BaseURL: "https://act.example.org", SiteName: "Act", Store: st, RateLimit: -1, MailTokens: tokens}, loaded)
	if err != nil {
		t.Fatal(err)
	}
	exp := time.Now().Add(time.Hour).Unix()
	for _, tc := range []struct {
		page, lang string
	}{
		{parkPage + "/confirm?t=" + tokens.Seal(mail.Claims{Purpose: mail.PurposeConfirm, Org: "trio", Campaign: "open-the-park", Email: "ada@example.org", Lang: "he", Expires: exp}), "he"},
		{"/trio/mail/unsubscribe?t=" + tokens.Seal(mail.Claims{Purpose: mail.PurposeUnsubscribe, Org: "trio", Email: "ada@example.org", Lang: "ar", Expires: exp}), "ar"},
	} {
		res := get(t, s, "GET", tc.page, http.Header{"Accept-Language": {"en"}})
		wantStatus(t, res, http.StatusOK)
		action := doc(t, res).Find("main form[method=post]").AttrOr("action", "")
		if !strings.HasSuffix(action, "?lang="+tc.lang) {
			t.Errorf("%s: the button posts to %q, want the page's language named", tc.page, action)
		}
		req := httptest.NewRequest("POST", action, strings.NewReader("t="+strings.Repeat("x", 20<<10)))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Sec-Fetch-Site", "same-origin")
		req.Header.Set("Accept-Language", "en")
		rec := httptest.NewRecorder()
		s.ServeHTTP(rec, req)
		res = rec.Result()
		wantStatus(t, res, http.StatusRequestEntityTooLarge)
		d := doc(t, res)
		loc := i18n.New(tc.lang, nil)
		if html := d.Find("html"); html.AttrOr("lang", "") != tc.lang || html.AttrOr("dir", "") != "rtl" ||
			strings.TrimSpace(d.Find("main h1").Text()) != loc.T("error.sign.toolarge.heading") {
			t.Errorf("POST %s too large: <html lang=%q dir=%q>, h1 %q; want %s rtl, %q", action, html.AttrOr("lang", ""), html.AttrOr("dir", ""),
				strings.TrimSpace(d.Find("main h1").Text()), tc.lang, loc.T("error.sign.toolarge.heading"))
		}
	}
}
