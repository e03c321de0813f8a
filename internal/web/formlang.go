package web

import (
	"net/http"
	"net/url"

	"github.com/placard/placard/internal/site"
)

// refusalLang is the language a signing refusal made before the form is
// read (too large, from another site, over the rate limit) speaks: the
// one the form's address names (…/sign?lang=ar, which site.SignForm
// writes on a page in another than the organisation's first language),
// else the reader's. The body is never read for it: it may be the
// reason for the refusal.
func refusalLang(r *http.Request) string {
	if r.URL.RawQuery != "" {
		if lang := r.URL.Query().Get(site.FieldLang); lang != "" {
			return lang
		}
	}
	return readerLang(r)
}

// withLang is the address of a form that posts to path from a page in
// lang: path?lang=…, so a refusal made before the form is read speaks
// the page's language (refusalLang).
func withLang(path, lang string) string {
	if lang == "" {
		return path
	}
	return path + "?" + site.FieldLang + "=" + url.QueryEscape(lang)
}
