package web

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"github.com/placard/placard/internal/campaign"
	"github.com/placard/placard/internal/i18n"
	"github.com/placard/placard/internal/mail"
	"github.com/placard/placard/internal/store"
)

// dataLangEnv serves testdata/i18n (an organisation in English, Arabic
// and Hebrew) with email on, the per-client limit at limit a minute (-1
// for none), and Ada's signature made from the Arabic page.
func dataLangEnv(t *testing.T, limit int) (*signEnv, *mail.Tokens) {
	t.Helper()
	st := openSQLite(t)
	key, err := st.Secret(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	loaded, probs := campaign.Load("testdata/i18n")
	if loaded == nil {
		t.Fatal(probs)
	}
	c := &clock{t: time.Date(2026, 2, 20, 12, 0, 0, 0, time.UTC)}
	committer := store.NewCommitter(st, store.CommitterOptions{})
	t.Cleanup(func() { committer.Close() })
	tokens := mail.NewTokens(key)
	s, err := New(Config{BaseURL: "https://act.example.org", SiteName: "Act", Store: st, Recorder: committer,
		RateLimit: limit, Now: c.now, MailTokens: tokens}, loaded)
	if err != nil {
		t.Fatal(err)
	}
	e := &signEnv{s: s, st: st, clock: c}
	c.add(time.Minute)
	v := e.formValues(t, parkPage+"/ar", "petition-form")
	v.Set("public", "yes")
	c.add(time.Minute)
	wantStatus(t, e.post(t, parkPage+"/sign?lang=ar", v, nil), http.StatusSeeOther)
	return e, tokens
}

// wantPageIn fails unless res is a page in lang, right to left, whose
// main holds none of the English words of keys (the catalogue's).
func wantPageIn(t *testing.T, what string, res *http.Response, status int, lang string, keys ...string) *goquery.Document {
	t.Helper()
	wantStatus(t, res, status)
	d := doc(t, res)
	html := d.Find("html")
	if html.AttrOr("lang", "") != lang || html.AttrOr("dir", "") != "rtl" {
		t.Errorf("%s: <html lang=%q dir=%q>, want %s rtl", what, html.AttrOr("lang", ""), html.AttrOr("dir", ""), lang)
	}
	en, loc := i18n.New("en", nil), i18n.New(lang, nil)
	main := d.Find("main").Text()
	for _, k := range keys {
		if !strings.Contains(main, loc.T(k)) {
			t.Errorf("%s: the page lacks %s in %s (%q)", what, k, lang, loc.T(k))
		}
		if strings.Contains(main, en.T(k)) {
			t.Errorf("%s: the page holds the English %q", what, en.T(k))
		}
	}
	return d
}

// TestDataPageActionsSpeakThePagesLanguage: every button of the
// supporter's data page (download, withdraw, hide, erase) and the form
// asking for a new link post to an address naming the page's language,
// so a body too large to read, a POST from another site and one over the
// limit are refused in that language, Arabic or Hebrew, whatever the
// browser asks; and each action's answer page is in it too.
func TestDataPageActionsSpeakThePagesLanguage(t *testing.T) {
	e, tokens := dataLangEnv(t, -1)
	exp := e.clock.now().Add(time.Hour).Unix()
	english := http.Header{"Accept-Language": {"en"}}
	for _, lang := range []string{"ar", "he"} {
		link := "/trio/mail/data?t=" + tokens.Seal(mail.Claims{Purpose: mail.PurposeData, Org: "trio", Email: "ada@example.org", Lang: lang, Expires: exp})
		d := wantPageIn(t, "GET "+lang+" data page", get(t, e.s, "GET", link, english), http.StatusOK, lang)
		actions := map[string]string{}
		d.Find("form.data-action").Each(func(_ int, f *goquery.Selection) {
			a := f.AttrOr("action", "")
			p, _, _ := strings.Cut(a, "?")
			actions[p[strings.LastIndex(p, "/")+1:]] = a
		})
		tok := d.Find("form.data-action input[name=t]").First().AttrOr("value", "")
		for _, act := range []string{"download", "withdraw", "hide", "erase"} {
			a := actions[act]
			if a == "" && act == "withdraw" {
				// Offered only to a signer who let the organisation
				// contact them, which this one did not; the address is
				// the same.
				a = "/trio/mail/data/withdraw?lang=" + lang
			}
			if want := "/trio/mail/data/" + act + "?lang=" + lang; a != want {
				t.Errorf("%s data page: the %s button posts to %q, want %q", lang, act, a, want)
				continue
			}
			// Too large to read: refused in the page's language.
			req := httptest.NewRequest("POST", a, strings.NewReader("t="+strings.Repeat("x", 20<<10)))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			req.Header.Set("Sec-Fetch-Site", "same-origin")
			req.Header.Set("Accept-Language", "en")
			rec := httptest.NewRecorder()
			e.s.ServeHTTP(rec, req)
			wantPageIn(t, "POST "+a+" too large", rec.Result(), http.StatusRequestEntityTooLarge, lang, "error.sign.toolarge.heading")
			// From another site: refused in the page's language.
			wantPageIn(t, "POST "+a+" from another site", e.post(t, a, url.Values{"t": {tok}},
				http.Header{"Sec-Fetch-Site": {"cross-site"}, "Accept-Language": {"en"}}), http.StatusForbidden, lang, "error.sign.crossorigin.heading")
		}
		// Each action answers in the page's language (the token's own
		// language dropped: only the address names it).
		plain := tokens.Seal(mail.Claims{Purpose: mail.PurposeData, Org: "trio", Email: "ada@example.org", Expires: exp})
		for _, act := range []string{"withdraw", "hide"} {
			a := "/trio/mail/data/" + act + "?lang=" + lang
			wantPageIn(t, "POST "+a, e.post(t, a, url.Values{"t": {plain}}, english), http.StatusOK, lang)
		}
		// A link that no longer works offers a new one, in the language.
		res := get(t, e.s, "GET", "/trio/mail/data?t=forged&lang="+lang, english)
		ask := wantPageIn(t, "GET a forged link in "+lang, res, http.StatusBadRequest, lang, "data.invalid").Find("form.mail-form").AttrOr("action", "")
		if want := "/trio/mail/data?lang=" + lang; ask != want {
			t.Errorf("%s: the request for a new link posts to %q, want %q", lang, ask, want)
		}
		wantPageIn(t, "POST "+ask+" (not an address)", e.post(t, ask, url.Values{"email": {"not an address"}}, english),
			http.StatusUnprocessableEntity, lang, "data.request.invalid")
		wantPageIn(t, "POST "+ask+" from another site", e.post(t, ask, url.Values{"email": {"a@b.example"}},
			http.Header{"Sec-Fetch-Site": {"cross-site"}, "Accept-Language": {"en"}}), http.StatusForbidden, lang, "error.sign.crossorigin.heading")
		erase := "/trio/mail/data/erase?lang=" + lang
		wantPageIn(t, "POST "+erase, e.post(t, erase, url.Values{"t": {plain}}, english), http.StatusOK, lang)
		// Sign again for the next language.
		if lang == "ar" {
			e.clock.add(time.Minute)
			v := e.formValues(t, parkPage+"/he", "petition-form")
			v.Set("public", "yes")
			e.clock.add(time.Minute)
			wantStatus(t, e.post(t, parkPage+"/sign?lang=he", v, nil), http.StatusSeeOther)
		}
	}
}

// TestDataRequestLimitedInThePagesLanguage: a request for a data link
// over the per-client limit is refused (429) in the language its form's
// address names, not the browser's.
func TestDataRequestLimitedInThePagesLanguage(t *testing.T) {
	e, _ := dataLangEnv(t, 1)
	for i, lang := range []string{"he", "ar"} {
		res := get(t, e.s, "GET", "/trio/mail/data?lang="+lang, http.Header{"Accept-Language": {"en"}})
		ask := wantPageIn(t, "GET the request form in "+lang, res, http.StatusOK, lang).Find("form.mail-form").AttrOr("action", "")
		var last *http.Response
		for range 3 - i {
			last = e.post(t, ask, url.Values{"email": {"ada@example.org"}}, http.Header{"Accept-Language": {"en"}})
		}
		wantPageIn(t, "POST "+ask+" over the limit", last, http.StatusTooManyRequests, lang, "error.limited.heading")
	}
}
