package web

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"github.com/placard/placard/internal/campaign/campaigntest"
	"github.com/placard/placard/internal/i18n"
	"github.com/placard/placard/internal/mail"
	"github.com/placard/placard/internal/store"
)

// The signing form of a campaign page in its organisation's FIRST
// language (the unprefixed address) is answered in that language, as the
// other languages' forms are, whatever the browser's Accept-Language
// says: the refusals made before the form is read (too large, from
// another site, over the rate limit), the form shown again, and the pages
// the 303s lead to. These tests post over real HTTP to the address the
// page's form names.

// firstLangFiles is testdata/i18n (one organisation in English, Arabic
// and Hebrew, one petition) with langs as its languages, the first one
// the unprefixed pages' language, and extra appended to org.yaml.
func firstLangFiles(t *testing.T, langs, extra string) campaigntest.Files {
	t.Helper()
	f := campaigntest.Files{}
	for _, name := range []string{"trio/org.yaml", "trio/open-the-park.yaml"} {
		b, err := os.ReadFile(filepath.Join("testdata/i18n", name))
		if err != nil {
			t.Fatal(err)
		}
		f[name] = string(b)
	}
	org := strings.Replace(f["trio/org.yaml"], "languages: [en, ar, he]", "languages: ["+langs+"]", 1)
	if !strings.Contains(org, "languages: ["+langs+"]") {
		t.Fatal("testdata/i18n/trio/org.yaml no longer says languages: [en, ar, he]")
	}
	f["trio/org.yaml"] = org + extra
	return f
}

// langServer is a signing server for files on a real loopback listener.
type langServer struct {
	*signEnv
	url    string
	client *http.Client
}

func newLangServer(t *testing.T, files campaigntest.Files, rateLimit int) *langServer {
	t.Helper()
	st := openSQLite(t)
	c := &clock{t: time.Date(2026, 2, 20, 12, 0, 0, 0, time.UTC)}
	committer := store.NewCommitter(st, store.CommitterOptions{})
	t.Cleanup(func() { committer.Close() })
	key, err := st.Secret(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	s, err := New(Config{BaseURL: "https://act.example.org", SiteName: "Act", Store: st, Recorder: committer,
		RateLimit: rateLimit, Now: c.now, MailTokens: mail.NewTokens(key)}, campaigntest.Site(t, files))
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	srv := httptest.NewServer(s)
	t.Cleanup(srv.Close)
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	t.Cleanup(client.CloseIdleConnections)
	return &langServer{signEnv: &signEnv{s: s, st: st, clock: c}, url: srv.URL, client: client}
}

// do sends one request over HTTP as a browser reading lang first would.
func (ls *langServer) do(t *testing.T, method, target, browserLang string, body string, header http.Header) *http.Response {
	t.Helper()
	req, err := http.NewRequest(method, ls.url+target, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Accept-Language", browserLang)
	if method == http.MethodPost {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Sec-Fetch-Site", "same-origin")
	}
	for k, vs := range header {
		req.Header[http.CanonicalHeaderKey(k)] = vs
	}
	res, err := ls.client.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, target, err)
	}
	t.Cleanup(func() { res.Body.Close() })
	return res
}

// pageForm reads the signing form of page as a browser whose language is
// browserLang gets it: the address it posts to and its fields, filled in.
func (ls *langServer) pageForm(t *testing.T, page, browserLang string) (action string, v url.Values) {
	t.Helper()
	res := ls.do(t, http.MethodGet, page, browserLang, "", nil)
	wantStatus(t, res, http.StatusOK)
	form := doc(t, res).Find("form.sign-form")
	if form.Length() != 1 {
		t.Fatalf("%s: %d signing forms, want 1", page, form.Length())
	}
	action = form.AttrOr("action", "")
	if !strings.HasPrefix(action, "/") {
		t.Fatalf("%s: the form posts to %q, want an address on this site", page, action)
	}
	v = url.Values{}
	form.Find("input[type=hidden]").Each(func(_ int, s *goquery.Selection) {
		v.Set(s.AttrOr("name", ""), s.AttrOr("value", ""))
	})
	v.Set("name", "Ada Lovelace")
	v.Set("email", "ada@example.org")
	v.Set("consent", "yes")
	ls.clock.add(time.Minute) // a person takes longer than the token's minimum age
	return action, v
}

// wantPageLang checks that res is a page in lang (its <html lang dir>)
// whose heading is the catalogue's heading key in lang, and returns it.
func wantPageLang(t *testing.T, what string, res *http.Response, status int, lang, heading string) *goquery.Document {
	t.Helper()
	if res.StatusCode != status {
		t.Errorf("%s: status %d, want %d", what, res.StatusCode, status)
	}
	d := doc(t, res)
	html := d.Find("html")
	dir := "ltr"
	if i18n.IsRTL(lang) {
		dir = "rtl"
	}
	if got, gotDir := html.AttrOr("lang", ""), html.AttrOr("dir", ""); got != lang || gotDir != dir {
		t.Errorf("%s: <html lang=%q dir=%q>, want lang=%q dir=%q", what, got, gotDir, lang, dir)
	}
	if heading != "" {
		if got, want := strings.TrimSpace(d.Find("h1").Text()), i18n.New(lang, nil).T(heading); got != want {
			t.Errorf("%s: heading %q, want %q (%s in %s)", what, got, want, heading, lang)
		}
	}
	return d
}

func withValue(v url.Values, key, value string) url.Values {
	c := url.Values{}
	for k, vs := range v {
		c[k] = slices.Clone(vs)
	}
	c.Set(key, value)
	return c
}

// firstLangCases are the campaigns the first-language tests run on: the
// organisation's first language and a browser that asks for another the
// campaign also has (and another writing direction).
var firstLangCases = []struct {
	name, langs, first, browser string
}{
	{"en first, Arabic browser", "en, ar, he", "en", "ar,en;q=0.5"},
	{"he first, English browser", "he, en, ar", "he", "en"},
	{"ar first, Hebrew browser", "ar, en, he", "ar", "he,en;q=0.3"},
}

// TestFirstLanguageFormSpeaksItsPage: every answer to a signing form sent
// from a campaign page at its unprefixed address (the organisation's
// first language) is in that page's language: 422 (a mistake, a missing
// token), 403 (from another site), 413 (too large), 429 (over the rate
// limit), and the pages the success and "check your email" 303s lead to,
// with a browser asking for another language the campaign has.
func TestFirstLanguageFormSpeaksItsPage(t *testing.T) {
	for _, c := range firstLangCases {
		t.Run(c.name, func(t *testing.T) {
			ls := newLangServer(t, firstLangFiles(t, c.langs, ""), 100)
			action, v := ls.pageForm(t, parkPage, c.browser)
			post := func(v url.Values, header http.Header) *http.Response {
				return ls.do(t, http.MethodPost, action, c.browser, v.Encode(), header)
			}

			d := wantPageLang(t, "422 (no name)", post(withValue(v, "name", ""), nil), http.StatusUnprocessableEntity, c.first, "sign.check")
			if reshown := d.Find("form.sign-form").AttrOr("action", ""); reshown != action {
				t.Errorf("the form shown again posts to %q, want %q as the page's did", reshown, action)
			}
			wantPageLang(t, "422 (no token)", post(withValue(v, "token", ""), nil),
				http.StatusUnprocessableEntity, c.first, "sign.again.expired")
			wantPageLang(t, "403 (another site)", post(v, http.Header{"Sec-Fetch-Site": {"cross-site"}, "Origin": {"https://evil.example"}}),
				http.StatusForbidden, c.first, "error.sign.crossorigin.heading")
			wantPageLang(t, "413 (too large)", post(withValue(v, "comment", strings.Repeat("x", 40<<10)), nil),
				http.StatusRequestEntityTooLarge, c.first, "error.sign.toolarge.heading")

			res := post(v, nil)
			wantStatus(t, res, http.StatusSeeOther)
			loc := res.Header.Get("Location")
			if !strings.HasPrefix(loc, parkPage+"/thanks?outcome=signed") {
				t.Fatalf("signed: Location %q, want the first language's thank-you page %s/thanks", loc, parkPage)
			}
			wantPageLang(t, "the thank-you page", ls.do(t, http.MethodGet, loc, c.browser, "", nil), http.StatusOK, c.first, "")

			// The same address again: answered as a first signature.
			_, again := ls.pageForm(t, parkPage, c.browser)
			res = post(again, nil)
			wantStatus(t, res, http.StatusSeeOther)
			if loc := res.Header.Get("Location"); !strings.HasPrefix(loc, parkPage+"/thanks?outcome=signed") {
				t.Errorf("signed again: Location %q, want the first language's thank-you page", loc)
			}
		})
	}
}

// TestFirstLanguageFormRateLimitSpeaksItsPage: over the rate limit, a
// first-language page's form is refused in that page's language.
func TestFirstLanguageFormRateLimitSpeaksItsPage(t *testing.T) {
	for _, c := range firstLangCases {
		t.Run(c.name, func(t *testing.T) {
			ls := newLangServer(t, firstLangFiles(t, c.langs, ""), 1)
			action, v := ls.pageForm(t, parkPage, c.browser)
			wantStatus(t, ls.do(t, http.MethodPost, action, c.browser, v.Encode(), nil), http.StatusSeeOther)
			_, v = ls.pageForm(t, parkPage, c.browser)
			wantPageLang(t, "429 (over the limit)", ls.do(t, http.MethodPost, action, c.browser, v.Encode(), nil),
				http.StatusTooManyRequests, c.first, "error.sign.limited.heading")
		})
	}
}

// TestFirstLanguageFormCheckEmailSpeaksItsPage: on a campaign that asks
// signers to confirm, the "check your email" page a first-language form
// leads to is in that language.
func TestFirstLanguageFormCheckEmailSpeaksItsPage(t *testing.T) {
	for _, c := range firstLangCases {
		t.Run(c.name, func(t *testing.T) {
			ls := newLangServer(t, firstLangFiles(t, c.langs, "email: {confirm: true}\n"), 100)
			action, v := ls.pageForm(t, parkPage, c.browser)
			res := ls.do(t, http.MethodPost, action, c.browser, v.Encode(), nil)
			wantStatus(t, res, http.StatusSeeOther)
			loc := res.Header.Get("Location")
			if !strings.HasPrefix(loc, parkPage+"/confirm") {
				t.Fatalf("signed: Location %q, want the check-your-email page", loc)
			}
			wantPageLang(t, "the check-your-email page", ls.do(t, http.MethodGet, loc, c.browser, "", nil), http.StatusOK, c.first, "")
		})
	}
}

// TestSignFormWithoutLanguageMarker: a form that names no language in its
// address (one from a page cached before forms did, or written by hand)
// is answered as before: a refusal made before the form is read in the
// browser's language, one made after it in the form's hidden field's.
// A language the campaign does not have, in the address or the form,
// falls back to the browser's; nothing a client writes there is a 500.
func TestSignFormWithoutLanguageMarker(t *testing.T) {
	ls := newLangServer(t, firstLangFiles(t, "en, ar, he", ""), 100)
	_, v := ls.pageForm(t, parkPage, "ar")
	big := withValue(v, "comment", strings.Repeat("x", 40<<10))
	post := func(target string, v url.Values) *http.Response {
		return ls.do(t, http.MethodPost, target, "ar", v.Encode(), nil)
	}
	wantPageLang(t, "413 with no marker", post(parkPage+"/sign", big), http.StatusRequestEntityTooLarge, "ar", "error.sign.toolarge.heading")
	wantPageLang(t, "422 with no marker", post(parkPage+"/sign", withValue(v, "name", "")), http.StatusUnprocessableEntity, "en", "sign.check")
	// The same with no hidden field either: the campaign's page as before.
	noField := withValue(v, "name", "")
	noField.Del("lang")
	wantPageLang(t, "422 with no marker or field", post(parkPage+"/sign", noField), http.StatusUnprocessableEntity, "en", "sign.check")

	for _, q := range []string{"lang=fr", "lang=xx", "lang=%ff", "lang=", "lang=" + strings.Repeat("a", 4000),
		"lang=..%2F..%2Fetc", "lang=%3Cscript%3E", "lang=AR", "lang[]=ar", "lang=ar%00"} {
		wantPageLang(t, "413 with ?"+q[:min(len(q), 20)], post(parkPage+"/sign?"+q, big),
			http.StatusRequestEntityTooLarge, "ar", "error.sign.toolarge.heading")
		wantPageLang(t, "403 with ?"+q[:min(len(q), 20)], ls.do(t, http.MethodPost, parkPage+"/sign?"+q, "he", v.Encode(),
			http.Header{"Sec-Fetch-Site": {"cross-site"}, "Origin": {"https://evil.example"}}),
			http.StatusForbidden, "he", "error.sign.crossorigin.heading")
	}
	// A bad escape in the address is refused as before, in the browser's language.
	wantPageLang(t, "400 with ?lang=%zz", post(parkPage+"/sign?lang=%zz", v), http.StatusBadRequest, "ar", "error.sign.badform.heading")
	// A hidden field naming a language the campaign lacks: the browser's.
	for _, lang := range []string{"fr", "xx", "<b>", strings.Repeat("z", 300)} {
		wantPageLang(t, "422 with lang="+lang[:min(len(lang), 20)], post(parkPage+"/sign", withValue(withValue(v, "name", ""), "lang", lang)),
			http.StatusUnprocessableEntity, "ar", "sign.check")
	}
}

// TestEveryPagesFormNamesItsLanguage: the signing form of every page in
// every language, on the campaign page and in the embed (which is in the
// first language only), posts to an
// address naming the page's language, the same whatever language the
// reader's browser asks for (the form is part of the cached page).
func TestEveryPagesFormNamesItsLanguage(t *testing.T) {
	files := firstLangFiles(t, "he, en, ar", "embed_origins: [https://partner.example]\n")
	ls := newLangServer(t, files, 100)
	for _, lang := range []string{"he", "en", "ar"} {
		page := parkPage
		if lang != "he" {
			page += "/" + lang
		}
		pages := []struct{ page, sign string }{{page, "/sign"}}
		if lang == "he" {
			pages = append(pages, struct{ page, sign string }{page + "/embed", "/embed/sign"})
		}
		for _, p := range pages {
			for _, browser := range []string{"en", "ar", "he", ""} {
				res := ls.do(t, http.MethodGet, p.page, browser, "", nil)
				wantStatus(t, res, http.StatusOK)
				action := doc(t, res).Find("form.sign-form").AttrOr("action", "")
				if want := parkPage + p.sign + "?lang=" + lang; action != want {
					t.Errorf("%s (browser %q): the form posts to %q, want %q", p.page, browser, action, want)
				}
			}
		}
	}
}
