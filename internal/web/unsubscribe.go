package web

import (
	"cmp"
	"context"
	"net/http"

	"github.com/go-chi/chi/v5"

	"github.com/placard/placard/internal/mail"
	"github.com/placard/placard/internal/store"
	"github.com/placard/placard/views"
)

// unsubscribe answers /{org}/mail/unsubscribe?t=…, every email's
// List-Unsubscribe address and visible link. GET shows a button (a mail
// scanner opening the link changes nothing); POST unsubscribes, from that
// button or from a mail client's one-click button (RFC 8058: a POST of
// List-Unsubscribe=One-Click to the same address, from the provider's
// servers, so it carries no Origin and the token in the query is what
// proves it). The address goes on the organisation's suppression list as
// a keyed hash with the time, and no later email from the organisation
// reaches it.
func (s *Server) unsubscribe(w http.ResponseWriter, r *http.Request) error {
	ms, _, on := s.mailer()
	org := chi.URLParam(r, "org")
	snap := s.snap.Load()
	if !on || snap.Site == nil || snap.Site.Org(org) == nil {
		return errMailOff
	}
	tok := r.URL.Query().Get("t")
	if r.Method == http.MethodPost && tok == "" {
		form, err := s.mailForm(w, r)
		if err != nil {
			return inLang(err, orgLoc(snap, org, refusalLang(r)))
		}
		tok = form.Get("t")
	}
	c, err := s.cfg.MailTokens.Open(tok, mail.PurposeUnsubscribe, s.cfg.Now())
	// A token that does not open names no language: the reader's.
	lc := orgLive(snap, org, cmp.Or(c.Lang, refusalLang(r)))
	if lc == nil {
		return errMailOff
	}
	name := lc.Campaign.Org.Name
	if err != nil || c.Org != org {
		return s.writeMailPage(w, r, lc, http.StatusBadRequest, views.MailPageProps{
			Heading: lc.Loc.T("unsubscribe.invalid"), Paragraphs: []string{lc.Loc.T("unsubscribe.invalid.body")},
		})
	}
	switch r.Method {
	case http.MethodGet, http.MethodHead:
		return s.writeMailPage(w, r, lc, http.StatusOK, views.MailPageProps{
			Heading:    lc.Loc.T("unsubscribe.heading", "org", name),
			Paragraphs: []string{lc.Loc.T("unsubscribe.body", "org", name)},
			Form:       &views.MailForm{Action: withLang(r.URL.Path, lc.Frame.Lang), Token: tok, Button: lc.Loc.T("unsubscribe.button")},
		})
	case http.MethodPost:
	default:
		w.Header()["Allow"] = []string{"GET, POST"}
		return inLang(&httpError{status: http.StatusMethodNotAllowed, heading: "error.unsubscribe.method.heading"}, lc.Loc)
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(r.Context()), signTimeout)
	defer cancel()
	key, err := s.cfg.Store.Secret(ctx)
	if err == nil {
		// c.Email is in its current form (mail.Tokens.Open), the one
		// every later check hashes first (store.SuppressedAddress).
		err = ms.Suppress(ctx, org, store.AddressHash(key, c.Email), s.cfg.Now())
	}
	if err != nil {
		s.log.Error("recording an unsubscription failed", "org", org, "err", err, "request_id", requestID(r))
		return &httpError{status: http.StatusServiceUnavailable, heading: "error.unsubscribe.failed.heading",
			message: "error.unsubscribe.failed.message", loc: lc.Loc}
	}
	return s.writeMailPage(w, r, lc, http.StatusOK, views.MailPageProps{
		Heading:    lc.Loc.T("unsubscribe.done"),
		Paragraphs: []string{lc.Loc.T("unsubscribe.done.body", "org", name)},
	})
}
