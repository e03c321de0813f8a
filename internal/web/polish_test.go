package web

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/placard/placard/internal/i18n"
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
