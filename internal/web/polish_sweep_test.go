package web

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"github.com/placard/placard/internal/campaign"
	"github.com/placard/placard/internal/campaign/campaigntest"
	"github.com/placard/placard/internal/i18n"
	"github.com/placard/placard/internal/mail"
)

// englishOnly lists the English catalogue's words that a page in lang
// must not show: every English text of ten letters or more that lang
// words otherwise.
func englishOnly(lang string) []string {
	en, other := i18n.New("en", nil), i18n.New(lang, nil)
	var out []string
	for _, key := range i18n.Keys() {
		w := en.T(key)
		if len(w) < 10 || strings.Contains(w, "{") || w == other.T(key) {
			continue
		}
		out = append(out, w)
	}
	return out
}

// TestHostileRequestsInArabicAndHebrew sweeps the public routes with an
// Arabic, then a Hebrew reader (the page's address in that language where
// it has one, the browser asking for it) and hostile or invalid input:
// every HTML answer is a page right to left in that language with no
// English catalogue text, and none is a 500.
func TestHostileRequestsInArabicAndHebrew(t *testing.T) {
	e := i18nEnv(t, openSQLite(t))
	shore, err := New(Config{BaseURL: "https://act.example.org", SiteName: "Act", Store: openSQLite(t), RateLimit: -1},
		campaigntest.Site(t, shoreCallFiles()))
	if err != nil {
		t.Fatal(err)
	}
	// The same organisations with email on: the links' pages.
	st := openSQLite(t)
	key, err := st.Secret(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	loaded, probs := campaign.Load("testdata/i18n")
	if loaded == nil {
		t.Fatal(probs)
	}
	mailed, err := New(Config{BaseURL: "https://act.example.org", SiteName: "Act", Store: st, RateLimit: -1, MailTokens: mail.NewTokens(key)}, loaded)
	if err != nil {
		t.Fatal(err)
	}
	const x = "%3Cscript%3Ealert(1)%3C%2Fscript%3E"
	park := parkPage + "/ar"
	cases := []sweepCase{
		{e.s, "GET", park + "/thanks?outcome=" + x, "", ""},
		{e.s, "GET", park + "/thanks?outcome=signed&claim=" + x, "", ""},
		{e.s, "GET", park + "/impact?key=" + x, "", ""},
		{e.s, "GET", park + "/impact", "", ""},
		{e.s, "GET", park + "/share/mastodon?instance=" + x, "", ""},
		{e.s, "GET", park + "/share/mastodon?instance=localhost", "", ""},
		{e.s, "GET", "/trio/ar/share/mastodon?instance=" + x, "", ""},
		{e.s, "GET", park + "/poster?claim=" + x, "", ""},
		{e.s, "GET", park + "/" + x, "", ""},
		{e.s, "GET", "/trio/ar/" + x, "", ""},
		{e.s, "GET", park + "/card.png/" + x, "", ""},
		{e.s, "PUT", park, "", ""},
		{e.s, "POST", "/trio/ar", "a=1", "application/x-www-form-urlencoded"},
		{e.s, "GET", parkPage + "/sign?lang=ar", "", ""},
		{e.s, "POST", parkPage + "/sign?lang=ar", "<xml/>", "text/xml"},
		{e.s, "POST", parkPage + "/sign?lang=ar", "action=petition&lang=ar&token=" + x, "application/x-www-form-urlencoded"},
		{e.s, "POST", parkPage + "/sign?lang=ar", "action=nope&lang=ar", "application/x-www-form-urlencoded"},
		{e.s, "POST", parkPage + "/sign?lang=ar", "%zz", "application/x-www-form-urlencoded"},
		{e.s, "GET", park + "/embed", "", ""},
		{e.s, "GET", parkPage + "/embed/thanks?outcome=" + x, "", ""},
		{e.s, "GET", parkPage + "/confirm?lang=ar&t=" + x, "", ""},
		{e.s, "GET", "/trio/mail/unsubscribe?t=" + x, "", ""},
		{e.s, "GET", "/trio/mail/data?t=" + x, "", ""},
		{mailed, "GET", parkPage + "/confirm?lang=ar&t=" + x, "", ""},
		{mailed, "GET", parkPage + "/confirm?lang=ar", "", ""},
		{mailed, "POST", parkPage + "/confirm?lang=ar", "t=" + x, "application/x-www-form-urlencoded"},
		{mailed, "POST", parkPage + "/confirm?lang=ar", "%zz", "application/x-www-form-urlencoded"},
		{mailed, "DELETE", parkPage + "/confirm?lang=ar", "", ""},
		{mailed, "GET", "/trio/mail/unsubscribe?t=" + x, "", ""},
		{mailed, "POST", "/trio/mail/unsubscribe?t=" + x, "", "application/x-www-form-urlencoded"},
		{mailed, "GET", "/trio/mail/data?lang=ar&t=" + x, "", ""},
		{mailed, "GET", "/trio/mail/data", "", ""},
		{mailed, "POST", "/trio/mail/data", "email=" + x, "application/x-www-form-urlencoded"},
		{mailed, "GET", "/trio/mail/data/erase?t=" + x, "", ""},
		{mailed, "POST", "/trio/mail/data/" + x, "t=" + x, "application/x-www-form-urlencoded"},
		{shore, "GET", "/shore/call/ar/contact/call?postcode=" + x, "", ""},
		{shore, "GET", "/shore/call/ar/contact/nope", "", ""},
		{shore, "GET", "/shore/call/ar/contact/call/" + x, "", ""},
		{shore, "POST", "/shore/call/ar/contact/call/called", "target=" + x, "application/x-www-form-urlencoded"},
		{shore, "POST", "/shore/call/ar/contact/call/write", "%zz", "application/x-www-form-urlencoded"},
		{shore, "GET", "/shore/call/ar/contact/call/confirm?c=" + x, "", ""},
	}
	for _, lang := range []string{"ar", "he"} {
		english := englishOnly(lang)
		if len(english) < 100 {
			t.Fatalf("%d English catalogue texts to look for, want the catalogue", len(english))
		}
		for _, tc := range cases {
			in := strings.NewReplacer("/ar", "/"+lang, "lang=ar", "lang="+lang)
			named := strings.Contains(tc.path, "/ar") || strings.Contains(tc.path, "lang=ar")
			tc.path, tc.body = in.Replace(tc.path), in.Replace(tc.body)
			tc.check(t, lang, lang, english)
			if named {
				// The address names the language: it wins over the browser's.
				tc.check(t, "en", lang, english)
			}
		}
	}
}

// sweepCase is one request of TestHostileRequestsInArabicAndHebrew.
type sweepCase struct {
	s                         *Server
	method, path, body, ctype string
}

// check sends the request from a browser asking for accept and checks
// that the answer is in lang.
func (tc sweepCase) check(t *testing.T, accept, lang string, english []string) {
	t.Helper()
	req := httptest.NewRequest(tc.method, tc.path, strings.NewReader(tc.body))
	req.Header.Set("Accept-Language", accept)
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	if tc.ctype != "" {
		req.Header.Set("Content-Type", tc.ctype)
	}
	rec := httptest.NewRecorder()
	tc.s.ServeHTTP(rec, req)
	res := rec.Result()
	what := tc.method + " " + tc.path + " (Accept-Language: " + accept + ")"
	if res.StatusCode >= 500 && res.StatusCode != http.StatusServiceUnavailable {
		t.Errorf("%s: %d", what, res.StatusCode)
	}
	if !strings.HasPrefix(res.Header.Get("Content-Type"), "text/html") {
		return
	}
	raw := body(t, res)
	if strings.Contains(raw, "<script>alert") {
		t.Errorf("%s: the input is reflected unescaped", what)
	}
	d, err := goquery.NewDocumentFromReader(strings.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	html := d.Find("html")
	if html.AttrOr("lang", "") != lang || html.AttrOr("dir", "") != "rtl" {
		t.Errorf("%s (%d): <html lang=%q dir=%q>, want %s rtl", what, res.StatusCode, html.AttrOr("lang", ""), html.AttrOr("dir", ""), lang)
		return
	}
	d.Find("[lang]").Not("html").Each(func(_ int, s *goquery.Selection) {
		s.Remove() // marked as another language on purpose (the switcher, a suggestion)
	})
	text := d.Find("body").Text() + " " + d.Find("title").Text()
	for _, w := range english {
		if strings.Contains(text, w) {
			t.Errorf("%s (%d): English %q on the page in %s", what, res.StatusCode, w, lang)
		}
	}
}
