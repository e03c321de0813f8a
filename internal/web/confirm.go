package web

import (
	"cmp"
	"context"
	"errors"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/placard/placard/internal/campaign"
	"github.com/placard/placard/internal/mail"
	"github.com/placard/placard/internal/signing"
	"github.com/placard/placard/internal/site"
	"github.com/placard/placard/internal/store"
	"github.com/placard/placard/views"
)

// maxMailForm is the largest form the email pages accept: a token and an
// address.
const maxMailForm = 8 << 10

// confirmWaitLocation is where a held signature's 303 leads: the page that
// says to check the inbox, in the signer's language.
func confirmWaitLocation(r *http.Request, lc *site.SigningCampaign) string {
	loc := mail.ConfirmPath(lc.Campaign.Org.Slug, lc.Campaign.Slug) + "?lang=" + url.QueryEscape(lc.Frame.Lang)
	if isEmbedSign(r) && lc.Embed != nil {
		loc += "&embed=1"
	}
	return loc
}

// confirm answers /{org}/{campaign}/confirm. Without a token (GET) it is
// the "check your inbox" page a held signature leads to. With the emailed
// link's token, GET shows a Confirm button — mail scanners fetch links, so
// opening one changes nothing — and POST confirms: the signature counts,
// the thank-you email and the signature.confirmed webhooks are queued, and
// the signer lands on the thank-you page with their personal link. A
// token that is forged, expired or already used gets a page saying so
// (400), never a 500 and never whether the address signed.
func (s *Server) confirm(w http.ResponseWriter, r *http.Request) error {
	ms, ob, on := s.mailer()
	snap := s.snap.Load()
	path := strings.TrimSuffix(r.URL.Path, "/confirm")
	lc := snap.Signing[path]
	if on && lc == nil {
		if to, ok := snap.Moved[path]; ok && snap.Signing[to] != nil {
			// A confirmation email sent before the campaign was renamed
			// (org.yaml's redirects): its signature has moved to the new
			// name, and so does its link. 308 keeps a POST's form.
			w.Header()["Cache-Control"] = hvNoStore
			http.Redirect(w, r, to+"/confirm"+queryOf(r), http.StatusPermanentRedirect)
			return nil
		}
	}
	if !on || lc == nil {
		return errMailOff
	}
	var tok string
	switch r.Method {
	case http.MethodGet, http.MethodHead:
		tok = r.URL.Query().Get("t")
		if tok == "" {
			return s.confirmWait(w, r, snap.InLang(path, lc, r.URL.Query().Get("lang")))
		}
	case http.MethodPost:
		form, err := s.mailForm(w, r)
		if err != nil {
			return inLang(err, snap.InLang(path, lc, refusalLang(r)).Loc)
		}
		tok = form.Get("t")
	default:
		w.Header()["Allow"] = []string{"GET, POST"}
		return inLang(&httpError{status: http.StatusMethodNotAllowed, heading: "error.confirm.method.heading"},
			snap.InLang(path, lc, r.URL.Query().Get("lang")).Loc)
	}
	now := s.cfg.Now()
	c, err := s.cfg.MailTokens.Open(tok, mail.PurposeConfirm, now)
	if err != nil || c.Org != lc.Campaign.Org.Slug || c.Campaign != lc.Campaign.Slug && !renamedTo(lc.Campaign, c.Campaign) {
		// No language from a token that does not open: the address's, else the reader's.
		return s.confirmInvalid(w, r, snap.InLang(path, lc, cmp.Or(c.Lang, refusalLang(r))))
	}
	lc = snap.InLang(path, lc, c.Lang)
	if r.Method != http.MethodPost {
		p := views.MailPageProps{
			CampaignTitle: lc.Campaign.Title, CampaignURL: lc.Path,
			Heading:    lc.Loc.T("confirm.heading"),
			Paragraphs: []string{lc.Loc.T("confirm.body", "title", lc.Campaign.Title)},
			Form:       &views.MailForm{Action: withLang(r.URL.Path, lc.Frame.Lang), Token: tok, Button: lc.Loc.T("confirm.button")},
		}
		// Anyone may sign with anyone's address: show its owner what
		// pressing the button confirms under it — the name, whether it
		// is listed, the comment — as it was typed.
		d, ok, err := s.confirmDetails(r.Context(), ms, snap, lc, c)
		if err == nil && !ok && c.Signed != 0 {
			// The signature this link names no longer waits (confirmed,
			// expired, erased): say so now rather than after the button.
			return s.confirmInvalid(w, r, lc)
		}
		if ok {
			p.Paragraphs = append(p.Paragraphs, lc.Loc.T("confirm.details"))
			p.Details = d
		}
		return s.writeMailPage(w, r, lc, http.StatusOK, p)
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(r.Context()), signTimeout)
	defer cancel()
	// Now the signer gets what a signature without confirmation gets at
	// once: a personal link, the thank-you email, the webhooks — queued
	// in the confirmation's own transaction, so the CRM hears of the
	// signature exactly when it counts.
	linkToken, linkKey := s.links.New()
	then := func(sig *signing.Signature) []signing.Message {
		return append(s.confirmedMessages(lc, sig, now), mail.NewMessage(mail.Payload{
			Template: mail.TemplateThanks, Lang: sig.Lang, Org: sig.Org, Campaign: sig.Campaign, To: sig.Email, Ref: linkToken, Confirmed: true,
		}))
	}
	confirmUnder := func(slug string) (sig signing.Signature, err error) {
		if cs, ok := ms.(store.Confirming); ok {
			return cs.ConfirmSigned(ctx, c.Org, slug, c.Email, c.SignedAt(), then)
		}
		sig, err = ms.Confirm(ctx, c.Org, slug, c.Email)
		if err == nil {
			if err := s.enqueue(ctx, ob, then(&sig)); err != nil {
				// The signature counts; only its messages are lost. Say
				// so in the log, without the address, and carry on.
				s.log.Error("queueing the messages of a confirmed signature failed", "campaign", lc.Key, "err", err, "request_id", requestID(r))
			}
		}
		return sig, err
	}
	// A link naming a renamed campaign's old name: its signature has
	// moved to the new name, or, not moved yet, waits under the old one.
	sig, err := confirmUnder(lc.Campaign.Slug)
	if errors.Is(err, store.ErrNotFound) && c.Campaign != lc.Campaign.Slug {
		sig, err = confirmUnder(c.Campaign)
	}
	if errors.Is(err, store.ErrNotFound) {
		// Used already, erased, or never stored: the same page for each.
		return s.confirmInvalid(w, r, lc)
	}
	if err != nil {
		s.log.Error("confirming a signature failed", "campaign", lc.Key, "err", err, "request_id", requestID(r))
		return errSignNotStored
	}
	if s.cfg.WakeOutbox != nil {
		s.cfg.WakeOutbox()
	}
	outcome := site.OutcomeSigned
	if sig.Status == signing.StatusPending {
		outcome = site.OutcomePending
	}
	return seeOther(w, lc.Path+"/thanks?outcome="+outcome+"&"+paramClaim+"="+s.claims.Seal(lc.Key, linkToken, linkKey, now))
}

// confirmDetails is what confirming c's signature would count, as the
// data page shows it; false when there is none waiting (used, erased: the
// POST says so), and an error when it cannot be read now.
func (s *Server) confirmDetails(ctx context.Context, ms store.Mail, snap *site.Snapshot, lc *site.SigningCampaign, c mail.Claims) ([]views.DataField, bool, error) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), signTimeout)
	defer cancel()
	sigs, err := ms.Supporter(ctx, c.Org, c.Email)
	if err != nil {
		return nil, false, err
	}
	for _, sg := range sigs {
		// Only the signature the link names (any, for a link from
		// before), under its name or the one it was renamed to.
		if sg.Campaign != c.Campaign && sg.Campaign != lc.Campaign.Slug || sg.Status != signing.StatusUnconfirmed || c.Signed != 0 && sg.CreatedAt.UnixMicro() != c.Signed {
			continue
		}
		d := dataSignature(snap, lc, sg)
		return append(d.Details,
			views.DataField{Label: lc.Loc.T("data.public"), Value: d.Public},
			views.DataField{Label: lc.Loc.T("data.contact"), Value: d.Contact}), true, nil
	}
	return nil, false, nil
}

// confirmWait is the "check your inbox" page after a held signature.
func (s *Server) confirmWait(w http.ResponseWriter, r *http.Request, lc *site.SigningCampaign) error {
	if r.URL.Query().Get("embed") == "1" && lc.Embed != nil {
		// Shown inside the partner's frame, as the embed's thank-you is.
		w.Header()["Content-Security-Policy"] = []string{lc.Embed.CSP}
		allowFraming(w)
		p := views.MailPageProps{Heading: lc.Loc.T("mail.confirm.heading"), Paragraphs: []string{lc.Loc.T("mail.confirm.body", "title", lc.Campaign.Title), lc.Loc.T("confirm.wait.late")}}
		p.Page = lc.SignFrame(p.Heading)
		return s.writePage(w, r, http.StatusOK, views.MailPage(p), lc.Embed.CSP)
	}
	return s.writeMailPage(w, r, lc, http.StatusOK, views.MailPageProps{
		CampaignTitle: lc.Campaign.Title, CampaignURL: lc.Path,
		Heading: lc.Loc.T("mail.confirm.heading"),
		Paragraphs: []string{lc.Loc.T("mail.confirm.body", "title", lc.Campaign.Title), lc.Loc.T("mail.confirm.ignore", "days", strconv.Itoa(lc.Campaign.UnconfirmedDays)),
			lc.Loc.T("confirm.wait.late")},
	})
}

// confirmInvalid says a confirmation link does not work (any more).
func (s *Server) confirmInvalid(w http.ResponseWriter, r *http.Request, lc *site.SigningCampaign) error {
	return s.writeMailPage(w, r, lc, http.StatusBadRequest, views.MailPageProps{
		CampaignTitle: lc.Campaign.Title, CampaignURL: lc.Path,
		Heading:    lc.Loc.T("confirm.invalid"),
		Paragraphs: []string{lc.Loc.T("confirm.invalid.body")},
	})
}

// mailForm reads a small urlencoded form of the email pages, refusing
// anything else with the signing form's plain errors.
func (s *Server) mailForm(w http.ResponseWriter, r *http.Request) (url.Values, error) {
	if ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); ct != "application/x-www-form-urlencoded" {
		return nil, errNotForm
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxMailForm)
	if err := r.ParseForm(); err != nil {
		if mbe := (*http.MaxBytesError)(nil); errors.As(err, &mbe) {
			return nil, errTooLarge
		}
		if clientGone(r, err) {
			return nil, errClientGone
		}
		return nil, errBadForm
	}
	return r.PostForm, nil
}

// renamedTo reports whether from is an old name of campaign c: a line of
// its organisation's redirects, from → c. A confirmation email names the
// campaign as it was called when its signer signed.
func renamedTo(c *campaign.Campaign, from string) bool {
	for _, r := range c.Org.Redirects {
		if r.From == from && r.To == c.Slug {
			return true
		}
	}
	return false
}
