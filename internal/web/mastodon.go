package web

import (
	"errors"
	"net/http"
	"slices"
	"strings"

	"golang.org/x/net/idna"

	"github.com/placard/placard/internal/attribution"
	"github.com/placard/placard/internal/i18n"
	"github.com/placard/placard/internal/mastodon"
	"github.com/placard/placard/internal/site"
	"github.com/placard/placard/views"
)

// The Mastodon share: a redirect to the reader's own server, after a
// check of the server's name and the message.

// Messages for a refused Mastodon share.
const (
	badInstanceHeading = "error.mastodon.server.heading"
	badInstanceMessage = "error.mastodon.server.message"
	mixedHeading       = "error.mastodon.mixed.heading"
	mixedMessage       = "error.mastodon.mixed.message"
)

// mastodonShare sends the reader to their own Mastodon server's share screen
// with the message prefilled. Mastodon has no central share address, so the
// campaign page asks for the reader's server in a small GET form. Only a
// valid public host name is accepted (not one whose labels mix alphabets,
// as look-alikes do), and the link always goes to https://HOST/share,
// never anywhere else.
//
// The server is the query's, so anyone can write a link here that would
// send a reader, from the organisation's own domain, to a server of their
// choosing; the message never is (ownMastodonText). Only a navigation from this site's
// own page (Sec-Fetch-Site: same-origin: the share form) is redirected at
// once; any other request gets a page, in the page's language, naming the
// server and showing the message, with a plain link to continue.
func (s *Server) mastodonShare(w http.ResponseWriter, r *http.Request) (err error) {
	snap := s.snap.Load()
	pagePath := strings.TrimSuffix(r.URL.Path, "/share/mastodon")
	text, ok := snap.Mastodon[pagePath]
	if !ok {
		return errNotFound
	}
	// A refusal speaks the language of the page shared.
	defer func() { err = inLang(err, snap.MastodonLoc[pagePath]) }()
	q := r.URL.Query()
	host, herr := mastodon.Host(q.Get("instance"))
	if errors.Is(herr, mastodon.ErrMixedScripts) {
		return badRequest(mixedHeading, mixedMessage)
	}
	if herr != nil {
		return badRequest(badInstanceHeading, badInstanceMessage)
	}
	// The words are the campaign's own: the form's text is taken only when
	// it is one the page's own form carries (a rotation's, or a signer's
	// personal link's); any other text (a link-maker's words) is ignored.
	if t := q.Get("text"); t != "" && s.ownMastodonText(snap, pagePath, t) {
		text = t
	}
	target := "https://" + host + "/share?text=" + site.QueryEscape(text)
	if r.Header.Get("Sec-Fetch-Site") != "same-origin" {
		return s.mastodonConfirm(w, r, snap, pagePath, host, text, target)
	}
	h := w.Header()
	h.Set("Location", target)
	h["Cache-Control"] = hvNoStore
	w.WriteHeader(http.StatusSeeOther)
	return nil
}

// mastodonConfirm is the page asking the reader to continue to host.
func (s *Server) mastodonConfirm(w http.ResponseWriter, r *http.Request, snap *site.Snapshot, pagePath, host, text, target string) error {
	loc := snap.MastodonLoc[pagePath]
	if loc == nil {
		loc = i18n.New(i18n.Default, nil)
	}
	shown := host
	if u, err := idna.ToUnicode(host); err == nil && u != host {
		shown = u + " (" + host + ")"
	}
	title := loc.T("share.mastodon.confirm.title")
	// In the frame of the page shared (its organisation's), never indexed.
	frame, csp := snap.ErrorFrame(pagePath, loc, title)
	frame.L = loc
	frame.Lang, frame.Dir, frame.OGLocale = site.LangInfo(loc.Lang())
	return s.writePage(w, r, http.StatusOK, views.MastodonConfirmPage(views.MastodonConfirmProps{
		Page: frame, Host: shown, Text: text, URL: target, BackURL: pagePath,
	}), csp)
}

// ownMastodonText reports whether t is a text the share form of the page
// at pagePath carries itself: the page's default or a rotation's
// (site.Snapshot.MastodonTexts), or the one a signer's thank-you page
// carries around their personal link (?ref=TOKEN), rebuilt here from the
// token and compared whole. A token names no one and proves nothing; only
// the campaign's own words around it pass.
func (s *Server) ownMastodonText(snap *site.Snapshot, pagePath, t string) bool {
	if slices.Contains(snap.MastodonTexts[pagePath], t) {
		return true
	}
	lc := snap.Signing[pagePath]
	if lc == nil {
		return false
	}
	const param = attribution.ParamRef + "="
	i := strings.Index(t, param)
	if i < 0 || len(t) < i+len(param)+attribution.TokenLen {
		return false
	}
	token := t[i+len(param) : i+len(param)+attribution.TokenLen]
	if !attribution.ValidToken(token) {
		return false
	}
	link := s.base + lc.Path + "?" + attribution.ParamRef + "=" + token
	return personalShare(lc, link).Mastodon.Text == t
}
