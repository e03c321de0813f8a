package web

import (
	"context"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/go-chi/httprate"

	"github.com/placard/placard/internal/i18n"
	"github.com/placard/placard/internal/mail"
	"github.com/placard/placard/internal/signing"
	"github.com/placard/placard/internal/site"
	"github.com/placard/placard/internal/store"
	"github.com/placard/placard/views"
)

// Email to signers (serve --smtp): the messages a signature sends, and the
// pages the emails' links open — confirming a signature (confirm.go),
// unsubscribing (unsubscribe.go) and the supporter's own data page
// (data.go). Emails themselves are written and sent by internal/mail from
// the outbox; the web layer only queues small payloads, in the
// signature's own transaction when a signature causes them.

// mailer returns the store's email side and its outbox when this server
// emails signers: Config.MailTokens set and a store that keeps both.
func (s *Server) mailer() (store.Mail, store.Outbox, bool) {
	if s.cfg.MailTokens == nil || s.cfg.Store == nil {
		return nil, nil, false
	}
	m, ok := s.cfg.Store.(store.Mail)
	ob, ok2 := s.cfg.Store.(store.Outbox)
	return m, ob, ok && ok2
}

// holdForConfirmation makes sig wait unconfirmed when its campaign asks
// signers to confirm their address and this server sends email. It
// reports whether it waits. Without email a campaign's confirm: setting
// does nothing: signatures count at once, as before.
func (s *Server) holdForConfirmation(lc *site.SigningCampaign, sig *signing.Signature) bool {
	if _, _, on := s.mailer(); !on || !lc.Campaign.Confirm {
		return false
	}
	sig.Status = signing.StatusUnconfirmed
	return true
}

// addSignatureMail adds to sig.Outbox the one email a new signature
// sends: the confirmation when it waits, else the thank-you with the
// signer's personal link (ref, the link's public token, "" for none). It
// is written in the signature's transaction, so an acknowledged signature
// always gets it and a failed one never does.
//
// Anyone may sign with anyone's address (ada+1@, ada+2@ … on every
// campaign), so the email draws on the mailbox's pace (datalimit.go): put
// off (NotBefore) when the mailbox has had its share lately. With no turn
// within the hour the email is left out and the signature is stored all
// the same: a thank-you's signature counts without it, and a signature
// waiting for its confirmation waits — its owner may have been the one
// whose inbox someone else filled — until it expires, or until the same
// address signs again with a turn, which sends its confirmation
// (resendConfirmation). It reports the turn taken (none when this server
// sends no email): the caller hands it back if the store fails.
func (s *Server) addSignatureMail(lc *site.SigningCampaign, sig *signing.Signature, ref string, waits bool, now time.Time) (at time.Time, turn bool) {
	if _, _, on := s.mailer(); !on {
		return time.Time{}, false
	}
	template := mail.TemplateThanks
	if waits {
		template = mail.TemplateConfirm
	}
	at, turn = s.mailPace.Reserve("", sig.Email, now)
	if !turn {
		s.notePace(lc.Key, template, paceDropped, now)
		return at, false
	}
	p := mail.Payload{Template: mail.TemplateThanks, Lang: sig.Lang, Org: sig.Org, Campaign: sig.Campaign, To: sig.Email, Ref: ref}
	if waits {
		// The link confirms this signature and no later one made with
		// the same address (the store keeps CreatedAt to the microsecond).
		p = mail.Payload{Template: mail.TemplateConfirm, Lang: sig.Lang, Org: sig.Org, Campaign: sig.Campaign, To: sig.Email, Days: lc.Campaign.UnconfirmedDays,
			Signed: sig.CreatedAt.UnixMicro()}
	}
	m := mail.NewMessage(p)
	if at.After(now) {
		m.NotBefore = at
		s.notePace(lc.Key, template, paceHeld, now)
	}
	sig.Outbox = append(sig.Outbox, m)
	return at, true
}

// resendConfirmation queues, for a repeat of sig on a campaign that asks
// for confirmation, the confirmation of the signature the address made
// before when that one still waits — the first one's email may never
// have been sent (its mailbox had no turn: addSignatureMail), or been
// lost — at, the turn the repeat took. It reports whether it queued one.
// A signature already confirmed gets nothing; either way the signer is
// answered as for any signature.
func (s *Server) resendConfirmation(ctx context.Context, lc *site.SigningCampaign, sig *signing.Signature, at, now time.Time) (bool, error) {
	ms, ob, on := s.mailer()
	if !on {
		return false, nil
	}
	sigs, err := ms.Supporter(ctx, sig.Org, sig.Email)
	if err != nil {
		return false, err
	}
	for _, sg := range sigs {
		if sg.Campaign != sig.Campaign || sg.Status != signing.StatusUnconfirmed {
			continue
		}
		// The link names the waiting signature, and says how many of its
		// days are left. One whose days are over gets none: it is erased
		// within the hour (serve's unconfirmed loop), and signing again
		// after that, as the page says, makes a new one.
		left := time.Duration(lc.Campaign.UnconfirmedDays)*24*time.Hour - now.Sub(sg.CreatedAt)
		if left <= 0 {
			return false, nil
		}
		days := min(int((left+24*time.Hour-1)/(24*time.Hour)), lc.Campaign.UnconfirmedDays)
		m := mail.NewMessage(mail.Payload{Template: mail.TemplateConfirm, Lang: sig.Lang, Org: sig.Org, Campaign: sig.Campaign, To: sg.Email,
			Days: days, Signed: sg.CreatedAt.UnixMicro(), Again: true})
		if at.After(now) {
			m.NotBefore = at
		}
		// Queued only while it still waits, in one transaction: an
		// erasure between the read above and here (the supporter's own,
		// or the operator's) left an email queued to the person just
		// erased.
		if rs, ok := s.cfg.Store.(store.Resending); ok {
			queued, err := rs.QueueWaiting(ctx, sig.Org, sig.Campaign, sg.Email, sg.CreatedAt, []signing.Message{m})
			if queued && s.cfg.WakeOutbox != nil {
				s.cfg.WakeOutbox()
			}
			return queued, err
		}
		return true, s.enqueue(ctx, ob, []signing.Message{m})
	}
	return false, nil
}

// enqueue adds messages no new signature causes (the thank-you after a
// confirmation, a data-page link, webhooks) and wakes the worker.
func (s *Server) enqueue(ctx context.Context, ob store.Outbox, msgs []signing.Message) error {
	if len(msgs) == 0 {
		return nil
	}
	if err := ob.Enqueue(ctx, msgs); err != nil {
		return err
	}
	if s.cfg.WakeOutbox != nil {
		s.cfg.WakeOutbox()
	}
	return nil
}

// orgLive is a signing campaign of org in lang, whose page frame, policy
// and language the organisation-wide pages of email use; nil when org
// takes no signatures. The first campaign by address is taken, so the
// choice never changes between requests.
func orgLive(snap *site.Snapshot, org, lang string) *site.SigningCampaign {
	var paths []string
	for p, lc := range snap.Signing {
		if lc.Campaign.Org.Slug == org {
			paths = append(paths, p)
		}
	}
	if len(paths) == 0 {
		return orgContactFrame(snap, org, lang)
	}
	slices.Sort(paths)
	return snap.InLang(paths[0], snap.Signing[paths[0]], lang)
}

// orgContactFrame stands in for orgLive when org takes no signatures but
// writes to decision-makers (send: server): those emails carry the
// organisation's unsubscribe link too, and it must open. The frame,
// policy and wording are a contact action's, the first by address (in
// lang when one is); nil when org has none either.
func orgContactFrame(snap *site.Snapshot, org, lang string) *site.SigningCampaign {
	var paths []string
	for p, ca := range snap.Contacts {
		if ca.Campaign.Org.Slug == org {
			paths = append(paths, p)
		}
	}
	if len(paths) == 0 {
		return nil
	}
	slices.Sort(paths)
	ca := snap.Contacts[paths[0]]
	for _, p := range paths {
		if c := snap.Contacts[p]; c.Frame.Lang == lang {
			ca = c
			break
		}
	}
	return &site.SigningCampaign{Campaign: ca.Campaign, Key: ca.Key, Path: ca.CampaignPath, Frame: ca.Frame, CSP: ca.CSP, Loc: ca.Loc}
}

// writeMailPage renders a page of the email flow in lc's frame.
func (s *Server) writeMailPage(w http.ResponseWriter, r *http.Request, lc *site.SigningCampaign, status int, p views.MailPageProps) error {
	p.Page = lc.SignFrame(p.Heading)
	// Links with tokens open these pages: no referrer leaves them, and
	// no search engine keeps them.
	w.Header()["Referrer-Policy"] = hvNoReferrer
	w.Header()["X-Robots-Tag"] = []string{"noindex"}
	return s.writePage(w, r, status, views.MailPage(p), lc.CSP)
}

// mailRateLimited wraps h in the per-client limit of signing, for the
// forms that make the server send email (the data page's request), so
// nobody can make it mail an address over and over.
func (s *Server) mailRateLimited(h http.Handler) http.Handler {
	if s.cfg.RateLimit <= 0 {
		return h
	}
	limited := httprate.LimitBy(s.cfg.RateLimit, time.Minute,
		func(r *http.Request) (string, error) {
			client, _ := r.Context().Value(clientCtx{}).(string)
			return client, nil
		},
		httprate.WithLimitHandler(func(w http.ResponseWriter, r *http.Request) {
			s.serveError(w, r, inLang(errMailRateLimited, s.mailPageLoc(r)))
		}),
	)(h)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost {
			limited.ServeHTTP(w, r)
			return
		}
		h.ServeHTTP(w, r)
	})
}

var errMailRateLimited = &httpError{status: http.StatusTooManyRequests,
	heading: "error.limited.heading", message: "error.mail.limited.message"}

// errMailOff answers the email pages on a server that sends no email.
var errMailOff = errNotFound

// mailGuard gives the email pages' forms signing's protection: the
// cross-origin check (a POST from another site is refused) and the
// client's address for the rate limit.
func (s *Server) mailGuard(h http.Handler) http.Handler {
	cop := http.NewCrossOriginProtection()
	_ = cop.AddTrustedOrigin(s.base)
	cop.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.serveError(w, r, inLang(errCrossOrigin, s.mailPageLoc(r)))
	}))
	return cop.Handler(s.withClient(h))
}

// mailPageLoc is the localizer of a POST to an email page refused before
// its form is read (from another site, over the limit): the
// organisation's the address is under, in the language the address
// names (the pages' forms post to …?lang=xx), else the reader's; nil
// (the reader's language) when the organisation takes no signatures.
func (s *Server) mailPageLoc(r *http.Request) *i18n.Localizer {
	org, _, _ := strings.Cut(strings.TrimPrefix(r.URL.Path, "/"), "/")
	return orgLoc(s.snap.Load(), org, refusalLang(r))
}
