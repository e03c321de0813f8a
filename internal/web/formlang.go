package web

import (
	"net/http"
	"net/url"
	"slices"

	"github.com/placard/placard/internal/i18n"
	"github.com/placard/placard/internal/site"
)

// A form's answers speak the language of the page it was sent from. Every
// signing form names that language twice: in its hidden field (lang=…),
// read with the rest of the form, and in its address (…/sign?lang=…,
// which site.SignForm writes on every page, the organisation's first
// language's included), which a refusal made before the form is read (too
// large, from another site, over the rate limit) can use without reading
// the body: the body may be the reason for the refusal. The address is
// part of the cached page, the same for every reader of the page.

// refusalLang is the language a refusal made before a form is read
// speaks: the one the form's address names when it is a language Placard
// has, else the reader's.
func refusalLang(r *http.Request) string {
	if lang := queryLang(r); lang != "" && slices.Contains(i18n.Supported, lang) {
		return lang
	}
	return readerLang(r)
}

// queryLang is the language a form's address names (?lang=…), "" for
// none. Nothing is checked: the caller finds the page it names, if any.
func queryLang(r *http.Request) string {
	if r.URL.RawQuery == "" {
		return ""
	}
	return r.URL.Query().Get(site.FieldLang)
}

// signingPageIn is the campaign at path (lc, its page in the
// organisation's first language) as the page in lang, and whether the
// campaign has a page in lang.
func signingPageIn(snap *site.Snapshot, path string, lc *site.SigningCampaign, lang string) (*site.SigningCampaign, bool) {
	if lang == "" {
		return lc, false
	}
	if lang == lc.Campaign.Org.Language {
		return lc, true
	}
	other := snap.InLang(path, lc, lang)
	return other, other != lc
}

// formPage is the page of the campaign at path (lc) a signing POST was
// sent from, whose language its answer speaks: the one the form's hidden
// field names (field, once the form is read), else the one its address
// names, when the campaign has a page in it. A POST naming neither is
// answered as it was before forms named their language in the address:
// after the form is read, the first language's page (lc); before, the
// page in the reader's language (Accept-Language). A language the
// campaign has no page in (a hostile value, or a page since removed)
// gives the page in the reader's language, whatever was written there.
// The usual POST names its page in the field: no address is parsed.
func formPage(snap *site.Snapshot, path string, lc *site.SigningCampaign, r *http.Request, field string, read bool) *site.SigningCampaign {
	if page, ok := signingPageIn(snap, path, lc, field); ok {
		return page
	}
	q := queryLang(r)
	if page, ok := signingPageIn(snap, path, lc, q); ok {
		return page
	}
	if read && field == "" && q == "" {
		return lc
	}
	return snap.InLang(path, lc, readerLang(r))
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
