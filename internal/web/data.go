package web

import (
	"cmp"
	"context"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/placard/placard/internal/campaign"
	"github.com/placard/placard/internal/i18n"
	"github.com/placard/placard/internal/mail"
	"github.com/placard/placard/internal/signing"
	"github.com/placard/placard/internal/site"
	"github.com/placard/placard/internal/store"
	"github.com/placard/placard/internal/webhook"
	"github.com/placard/placard/views"
)

// The supporter's own data page (issue 14 §3), per organisation:
//
//	GET  /{org}/mail/data           a form: enter your address, get a link
//	POST /{org}/mail/data           sends the link (same answer whether known)
//	GET  /{org}/mail/data?t=…       everything held about the address
//	POST /{org}/mail/data/download  the same as JSON
//	POST /{org}/mail/data/withdraw  withdraw permission to be contacted
//	POST /{org}/mail/data/hide      take the name off public lists
//	POST /{org}/mail/data/erase     erase everything (on-disk promise)
//
// The link's token names the address only sealed (mail.Tokens) and works
// for mail.DataFor. Every POST passes the same cross-origin check as
// signing (routes.go), and the request form the signing rate limit.

// dataActions are the data page's choices, by the last part of their path.
var dataActions = map[string]bool{"download": true, "withdraw": true, "hide": true, "erase": true}

// data answers /{org}/mail/data and /{org}/mail/data/{action}.
func (s *Server) data(w http.ResponseWriter, r *http.Request) error {
	ms, ob, on := s.mailer()
	org := chi.URLParam(r, "org")
	action := chi.URLParam(r, "action")
	snap := s.snap.Load()
	if !on || snap.Site == nil || snap.Site.Org(org) == nil || (action != "" && !dataActions[action]) {
		return errMailOff
	}
	var form map[string][]string
	tok := r.URL.Query().Get("t")
	// The address's language, else the reader's (a token's comes first).
	lang := cmp.Or(r.URL.Query().Get("lang"), readerLang(r))
	switch r.Method {
	case http.MethodGet, http.MethodHead:
		if action != "" {
			w.Header()["Allow"] = []string{"POST"}
			return inLang(&httpError{status: http.StatusMethodNotAllowed, heading: "error.data.buttons.heading"}, orgLoc(snap, org, lang))
		}
	case http.MethodPost:
		f, err := s.mailForm(w, r)
		if err != nil {
			return inLang(err, orgLoc(snap, org, lang))
		}
		form, tok, lang = f, f.Get("t"), cmp.Or(f.Get("lang"), lang)
	default:
		w.Header()["Allow"] = []string{"GET, POST"}
		return inLang(&httpError{status: http.StatusMethodNotAllowed, heading: "error.data.method.heading"}, orgLoc(snap, org, lang))
	}
	now := s.cfg.Now()
	if tok == "" && action == "" {
		lc := orgLive(snap, org, lang)
		if lc == nil {
			return errMailOff
		}
		if r.Method == http.MethodPost {
			return s.dataRequest(w, r, lc, ob, ms, firstValue(form, "email"), now)
		}
		return s.dataRequestPage(w, r, lc, http.StatusOK, "", "")
	}
	c, err := s.cfg.MailTokens.Open(tok, mail.PurposeData, now)
	if err != nil && action == "" {
		if rc, rerr := s.cfg.MailTokens.Open(tok, mail.PurposeDataRequest, now); rerr == nil && rc.Org == org {
			return s.dataAsk(w, r, snap, ob, ms, rc, tok, lang, now)
		}
	}
	lc := orgLive(snap, org, cmp.Or(c.Lang, lang))
	if lc == nil {
		return errMailOff
	}
	if err != nil || c.Org != org {
		return s.dataRequestPage(w, r, lc, http.StatusBadRequest, lc.Loc.T("data.invalid"), lc.Loc.T("data.invalid.body"))
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(r.Context()), signTimeout)
	defer cancel()
	name := lc.Campaign.Org.Name
	done := ""
	switch action {
	case "withdraw", "hide":
		// The organisation's systems are told of each signature changed,
		// in the change's own transaction (datachoice.go).
		tell := s.tellChoice(snap, org, now)
		var n int
		var err error
		if action == "withdraw" {
			n, err = ms.WithdrawContact(ctx, org, c.Email, tell)
			done = lc.Loc.T("data.done.withdraw", "org", name)
		} else {
			n, err = ms.HideName(ctx, org, c.Email, tell)
			done = lc.Loc.T("data.done.hide", "org", name)
		}
		if err != nil {
			return err
		}
		if n > 0 && tell != nil && s.cfg.WakeOutbox != nil {
			s.cfg.WakeOutbox()
		}
	case "erase":
		// Every spelling the address may be held in (its A-label form
		// too: what an earlier version kept, in a keyed hash or a row the
		// rewrite could not reach), as the console and the command erase
		// every form (signing.EraseForms).
		//
		// The organisation's systems are told to forget the person too,
		// in the erasure's own transaction (store.TellErased), and only
		// when there was anything to forget: a second press of the
		// button (the link works for a day) erases nothing and tells
		// nothing, rather than write the address back into the outbox
		// and tell the CRM again of an address it no longer holds.
		o := lc.Campaign.Org
		queued := 0
		tell := webhook.Erasure(func(slug string) *campaign.Org {
			if slug != o.Slug {
				return nil
			}
			return o
		}, c.Email, now)
		counted := func(erased []signing.Signature) ([]signing.Message, error) {
			msgs, err := tell(erased)
			queued += len(msgs)
			return msgs, err
		}
		er, telling := ms.(store.Erasures)
		for _, e := range signing.EmailSpellings(c.Email) {
			var err error
			if telling {
				_, err = er.EraseSupporterTold(ctx, org, e, counted)
			} else {
				_, err = ms.EraseSupporter(ctx, org, e)
			}
			if err != nil {
				return err
			}
		}
		if queued > 0 && s.cfg.WakeOutbox != nil {
			s.cfg.WakeOutbox()
		}
		done = lc.Loc.T("data.done.erase", "org", name)
	}
	sigs, err := ms.Supporter(ctx, org, c.Email)
	if err != nil {
		return err
	}
	w.Header()["Referrer-Policy"] = hvNoReferrer
	w.Header()["X-Robots-Tag"] = []string{"noindex"}
	if action == "download" {
		return writeDataJSON(w, org, c.Email, sigs, snap)
	}
	p := views.DataPageProps{
		Heading:   lc.Loc.T("data.heading", "org", name),
		Intro:     lc.Loc.T("data.intro", "org", name, "email", c.Email),
		Done:      done,
		None:      lc.Loc.T("data.none", "org", name),
		Action:    mail.DataPath(org),
		Lang:      lc.Frame.Lang,
		Token:     tok,
		EraseWarn: lc.Loc.T("data.erase.warn", "org", name),
	}
	for _, sg := range sigs {
		p.Signatures = append(p.Signatures, dataSignature(snap, lc, sg))
		p.CanWithdraw = p.CanWithdraw || sg.ContactText != ""
		p.CanHide = p.CanHide || sg.Public
	}
	p.Page = lc.SignFrame(p.Heading)
	return s.writePage(w, r, http.StatusOK, views.DataPage(p), lc.CSP)
}

// dataRequest sends a fresh data-page link to email when the organisation
// holds anything about it, and answers the same page either way. The
// page is written before the store is asked anything: the lookup, and for
// a signer the queued email (a write and its commit), follow the answer
// (dataLinkAfter), where before the answer they made a signer's address
// answer later than anyone else's — telling a bystander who typed it
// whether it had signed (TestDataRequestAnswersBeforeLooking).
func (s *Server) dataRequest(w http.ResponseWriter, r *http.Request, lc *site.SigningCampaign, ob interface {
	Enqueue(context.Context, []signing.Message) error
}, ms interface {
	Supporter(context.Context, string, string) ([]signing.Signature, error)
}, typed string, now time.Time) error {
	email, problem := signing.NormaliseEmail(typed)
	if !problem.IsZero() || email == "" || len(typed) > 254 {
		return s.dataRequestPage(w, r, lc, http.StatusUnprocessableEntity, "", lc.Loc.T("data.request.invalid"))
	}
	name := lc.Campaign.Org.Name
	err := s.writeMailPage(w, r, lc, http.StatusOK, views.MailPageProps{
		Heading:    lc.Loc.T("data.request.sent"),
		Paragraphs: []string{lc.Loc.T("data.request.sent.body", "org", name, "hours", "24")},
	})
	if err != nil {
		return err
	}
	org, lang, reqID := lc.Campaign.Org.Slug, lc.Frame.Lang, requestID(r)
	send := func() {
		ctx, cancel := context.WithTimeout(context.Background(), signTimeout)
		defer cancel()
		sigs, err := ms.Supporter(ctx, org, email)
		if err != nil {
			s.log.Error("looking up an address for a data-page link failed; no link was sent", "org", org, "err", err, "request_id", reqID)
			return
		}
		// At most one link every dataLinkEvery per mailbox.
		if len(sigs) == 0 || !s.dataLinkTurn(org, email, now) {
			return
		}
		p := mail.Payload{Template: mail.TemplateData, Lang: lang, Org: org, To: email}
		if err := ob.Enqueue(ctx, []signing.Message{mail.NewMessage(p)}); err != nil {
			s.log.Error("queueing a data-page link failed; none was sent", "org", org, "err", err, "request_id", reqID)
			return
		}
		if s.cfg.WakeOutbox != nil {
			s.cfg.WakeOutbox()
		}
	}
	if s.resending.Add(1) > maxResends {
		// Too many at once: after the answer has gone, in this request.
		s.resending.Add(-1)
		_ = http.NewResponseController(w).Flush()
		send()
		return nil
	}
	s.resends.Add(1)
	go func() {
		defer s.resends.Done()
		defer s.resending.Add(-1)
		send()
	}()
	return nil
}

// dataAsk answers the data-page link of a thank-you email
// (mail.PurposeDataRequest): GET a button, POST sends a data-page link
// to the address the token names, as the request form does for a typed
// one. The page shows nothing about the signer, so a forwarded
// thank-you lets its reader do no more than mail them.
func (s *Server) dataAsk(w http.ResponseWriter, r *http.Request, snap *site.Snapshot, ob store.Outbox, ms store.Mail, c mail.Claims, tok, lang string, now time.Time) error {
	lc := orgLive(snap, c.Org, cmp.Or(c.Lang, lang))
	if lc == nil {
		return errMailOff
	}
	if r.Method == http.MethodPost {
		return s.dataRequest(w, r, lc, ob, ms, c.Email, now)
	}
	name := lc.Campaign.Org.Name
	return s.writeMailPage(w, r, lc, http.StatusOK, views.MailPageProps{
		Heading:    lc.Loc.T("data.request.heading", "org", name),
		Paragraphs: []string{lc.Loc.T("data.ask.body", "org", name, "hours", strconv.Itoa(int(mail.DataFor/time.Hour)))},
		Form: &views.MailForm{Action: withLang(mail.DataPath(c.Org), lc.Frame.Lang), Token: tok, Lang: lc.Frame.Lang,
			Button: lc.Loc.T("data.request.button")},
	})
}

// dataRequestPage is the form asking for an address; heading and message,
// when set, say why it is shown (an expired link) or what to correct.
func (s *Server) dataRequestPage(w http.ResponseWriter, r *http.Request, lc *site.SigningCampaign, status int, heading, problem string) error {
	name := lc.Campaign.Org.Name
	p := views.MailPageProps{
		Heading:    lc.Loc.T("data.request.heading", "org", name),
		Paragraphs: []string{lc.Loc.T("data.request.body", "org", name)},
		Form: &views.MailForm{Action: withLang(mail.DataPath(lc.Campaign.Org.Slug), lc.Frame.Lang), Lang: lc.Frame.Lang,
			EmailLabel: lc.Loc.T("data.request.email"), Button: lc.Loc.T("data.request.button")},
	}
	if heading != "" {
		p.Heading = heading
		p.Paragraphs = append([]string{problem}, p.Paragraphs...)
	} else if problem != "" {
		p.Form.Error = problem
	}
	return s.writeMailPage(w, r, lc, status, p)
}

// dataSignature is one signature as the data page shows it.
func dataSignature(snap *site.Snapshot, lc *site.SigningCampaign, sg signing.Signature) views.DataSignature {
	title, url := sg.Campaign, "/"+sg.Org+"/"+sg.Campaign
	if c := snap.Site.Campaign(sg.Org, sg.Campaign); c != nil {
		c = c.In(lc.Frame.Lang)
		title, url = c.Title, site.CampaignPath(c)
	} else if slug, ok := store.KeptApartSlug(sg.Campaign); ok {
		// A removed campaign's signature, kept apart from any new
		// campaign of its name (store.Removals): no page to link to,
		// and the page at its old address is another campaign's.
		title, url = lc.Loc.T("data.removed", "name", slug), ""
	}
	d := views.DataSignature{
		Campaign: title, CampaignURL: url,
		Signed:  lc.Loc.T("data.signed", "date", lc.Loc.Date(sg.CreatedAt)),
		Consent: sg.ConsentText,
		Contact: lc.Loc.T("data.contact.none"),
		Public:  lc.Loc.T("data.public.no"),
	}
	if sg.Status == signing.StatusUnconfirmed {
		d.Status = lc.Loc.T("data.status.unconfirmed")
	}
	if sg.ContactText != "" {
		d.Contact = sg.ContactText
	}
	if sg.Public {
		d.Public = lc.Loc.T("data.public.yes")
	}
	for _, f := range []struct{ key, v string }{
		{"field.name", sg.Name}, {"field.given_name", sg.GivenName}, {"field.family_name", sg.FamilyName}, {"field.email", sg.Email}, {"field.organisation", sg.Organisation}, {"field.role", sg.Role},
		{"field.postcode", sg.Postcode}, {"field.country", sg.Country}, {"field.phone", sg.Phone}, {"field.comment", sg.Comment},
	} {
		if f.v != "" {
			d.Details = append(d.Details, views.DataField{Label: lc.Loc.T(f.key), Value: f.v})
		}
	}
	return d
}

// dataExport is the download's shape: everything held, field by field.
type dataExport struct {
	Organisation string          `json:"organisation"`
	Email        string          `json:"email"`
	Signatures   []dataExportSig `json:"signatures"`
}

type dataExportSig struct {
	Campaign      string `json:"campaign"`
	CampaignTitle string `json:"campaign_title,omitempty"`
	Action        string `json:"action"`
	Kind          string `json:"kind"`
	Status        string `json:"status"`
	Name          string `json:"name"`
	GivenName     string `json:"given_name,omitempty"`
	FamilyName    string `json:"family_name,omitempty"`
	Email         string `json:"email"`
	Postcode      string `json:"postcode,omitempty"`
	Country       string `json:"country,omitempty"`
	Phone         string `json:"phone,omitempty"`
	Comment       string `json:"comment,omitempty"`
	Organisation  string `json:"organisation,omitempty"`
	Role          string `json:"role,omitempty"`
	Public        bool   `json:"public"`
	ConsentText   string `json:"consent_text"`
	ConsentAt     string `json:"consent_at"`
	ContactText   string `json:"contact_text,omitempty"`
	ContactAt     string `json:"contact_at,omitempty"`
	Lang          string `json:"lang"`
	CreatedAt     string `json:"created_at"`
}

// writeDataJSON answers the download as a JSON attachment.
func writeDataJSON(w http.ResponseWriter, org, email string, sigs []signing.Signature, snap *site.Snapshot) error {
	out := dataExport{Organisation: org, Email: email, Signatures: []dataExportSig{}}
	for _, s := range sigs {
		e := dataExportSig{
			Campaign: s.Campaign, Action: s.Action, Kind: string(s.Kind), Status: string(s.Status),
			Name: s.Name, GivenName: s.GivenName, FamilyName: s.FamilyName, Email: s.Email, Postcode: s.Postcode, Country: s.Country, Phone: s.Phone, Comment: s.Comment,
			Organisation: s.Organisation, Role: s.Role, Public: s.Public,
			ConsentText: s.ConsentText, ConsentAt: s.ConsentAt.UTC().Format(time.RFC3339),
			ContactText: s.ContactText, Lang: s.Lang, CreatedAt: s.CreatedAt.UTC().Format(time.RFC3339),
		}
		if !s.ContactAt.IsZero() {
			e.ContactAt = s.ContactAt.UTC().Format(time.RFC3339)
		}
		if c := snap.Site.Campaign(s.Org, s.Campaign); c != nil {
			e.CampaignTitle = c.Title
		}
		out.Signatures = append(out.Signatures, e)
	}
	b, err := json.MarshalIndent(out, "", "  ")
	if err != nil {
		return err
	}
	h := w.Header()
	h["Content-Type"] = []string{"application/json; charset=utf-8"}
	h["Cache-Control"] = hvNoStore
	h.Set("Content-Disposition", `attachment; filename="`+strings.ReplaceAll(org, `"`, "")+`-my-data.json"`)
	w.WriteHeader(http.StatusOK)
	_, err = w.Write(append(b, '\n'))
	return err
}

// firstValue is form's first value for key, or "".
func firstValue(form map[string][]string, key string) string {
	if v := form[key]; len(v) > 0 {
		return v[0]
	}
	return ""
}

// orgLoc is the localizer the organisation's email pages use for lang
// (orgLive), or nil when it takes no signatures.
func orgLoc(snap *site.Snapshot, org, lang string) *i18n.Localizer {
	if lc := orgLive(snap, org, lang); lc != nil {
		return lc.Loc
	}
	return nil
}

// Drain waits for the work left after answers (resends: confirmations
// queued again after a repeat's answer, data-page links looked up and
// queued after the request form's answer). Serve calls it once the HTTP
// server has stopped and before the committer and the store close, so a
// person told a link is on its way is not let down by the shutdown.
func (s *Server) Drain() { s.resends.Wait() }
