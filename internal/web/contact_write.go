package web

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/placard/placard/internal/campaign"
	"github.com/placard/placard/internal/formtoken"
	"github.com/placard/placard/internal/mail"
	"github.com/placard/placard/internal/signing"
	"github.com/placard/placard/internal/site"
	"github.com/placard/placard/internal/store"
	"github.com/placard/placard/views"
)

// send: server (issue 16). A supporter edits the organisation's message to
// one target on the contact page and gives their name and address: POST
// …/contact/ACTION/write queues an email asking them to confirm, whose link
// carries the message sealed (nothing is stored until they confirm). The
// link opens …/confirm, a page whose button POSTs it back; only then is the
// message queued for the target (store.TargetMail: once per supporter per
// target per campaign, at most per_hour an hour), with Reply-To the
// supporter and, when asked, a copy to them.

const (
	writeSuffix   = "/write"
	confirmSuffix = "/confirm"
	// maxWriteBody bounds a write POST: a 5,000-character message,
	// percent-encoded, and the rest.
	maxWriteBody = 64 << 10
	// maxSubject and maxMessage bound what a supporter writes.
	maxSubject, maxMessage, maxName = 200, 5000, 100
	// sealFor is how long a confirmation link works.
	sealFor = 48 * time.Hour
	// maxLink bounds a confirmation link: RFC 9110 asks every server to
	// take addresses of 8,000 characters, and nginx's default buffers
	// refuse a longer request line, so a longer link might never open.
	maxLink = 8000
)

// sealed is what the confirmation link carries.
type sealed struct {
	Path    string `json:"p"`
	Target  string `json:"t"`
	Name    string `json:"n"`
	Email   string `json:"e"`
	Subject string `json:"s"`
	Message string `json:"m"`
	Copy    bool   `json:"c"`
	Expires int64  `json:"x"`
}

// seal encrypts and authenticates v for the confirmation link, its JSON
// compressed first (formtoken.Sealer.SealPacked): a letter in Arabic or
// Hebrew takes two bytes a character, and uncompressed a long one made a
// link too long to open (maxLink). Only the supporter's own words and
// address are sealed, and the link goes to their own inbox, so its length
// tells nobody else anything.
func (s *Server) seal(v sealed) string {
	s.seals.Add(1)
	plain, _ := json.Marshal(v)
	return s.sealer.SealPacked(plain)
}

// unseal opens a confirmation link's value, refusing a forged, altered or
// expired one. A link sealed before its JSON was compressed still opens.
func (s *Server) unseal(c string, now time.Time) (sealed, bool) {
	var v sealed
	if len(c) > 4*maxWriteBody {
		return v, false
	}
	plain, ok := s.sealer.OpenPacked(c, 4*maxWriteBody)
	if !ok || json.Unmarshal(plain, &v) != nil || now.Unix() > v.Expires {
		return sealed{}, false
	}
	return v, true
}

// writeForm is the empty form of one target, or nil when the action does
// not send through the organisation or the target has no address.
func (s *Server) writeForm(ca *site.ContactAction, t campaign.Target, tok string) *views.WriteForm {
	if ca.Contact.Send != "server" || t.Email == "" {
		return nil
	}
	return &views.WriteForm{Action: ca.Path + writeSuffix, Token: tok, Target: t.ID, Subject: ca.Subject, Message: ca.Message}
}

// targetByID is the action's target with id, if any.
func targetByID(ct *campaign.Contact, id string) (campaign.Target, bool) {
	i := slices.IndexFunc(ct.Targets, func(t campaign.Target) bool { return t.ID == id && id != "" })
	if i < 0 {
		return campaign.Target{}, false
	}
	return ct.Targets[i], true
}

// cleanText trims s and refuses control characters other than line breaks
// and tabs, and what signing refuses in any text (signing/check.go): the
// line and paragraph separators, the byte-order mark and the bidi
// embedding, override and isolate controls, which could make the words
// read as others — in a decision-maker's inbox, under the organisation's
// address.
func cleanText(s string, max int, multiline bool) (string, bool) {
	s = strings.TrimSpace(strings.ReplaceAll(s, "\r\n", "\n"))
	if s == "" || utf8.RuneCountInString(s) > max || !utf8.ValidString(s) {
		return s, false
	}
	bad := strings.ContainsFunc(s, func(r rune) bool {
		switch {
		case multiline && (r == '\n' || r == '\t'):
			return false
		case unicode.IsControl(r), r == '\u2028', r == '\u2029', r == '\ufeff',
			r >= '\u202a' && r <= '\u202e', r >= '\u2066' && r <= '\u2069':
			return true
		}
		return false
	})
	return s, !bad
}

// cleanName is cleanText for the supporter's name, the From name of their
// message: like a signer's name it holds no invisible format character
// (zero-width space, direction marks …) but the joiners some scripts need,
// and none of an address's marks (mail.AddressMarks), which would let a
// name pass for someone else's address in the office's inbox.
func cleanName(s string, max int) (string, bool) {
	s, ok := cleanText(s, max, false)
	return s, ok && !strings.ContainsAny(s, mail.AddressMarks) && !strings.ContainsFunc(s, func(r rune) bool {
		return unicode.Is(unicode.Cf, r) && r != '\u200c' && r != '\u200d'
	})
}

// write takes a supporter's message: POST …/contact/ACTION/write.
func (s *Server) write(w http.ResponseWriter, r *http.Request, ca *site.ContactAction) error {
	if r.Method != http.MethodPost {
		w.Header()["Allow"] = hvAllowPost
		return &httpError{status: http.StatusMethodNotAllowed, heading: "error.write.method.heading",
			message: "error.write.method.message"}
	}
	if mt, _, _ := strings.Cut(r.Header.Get("Content-Type"), ";"); !strings.EqualFold(strings.TrimSpace(mt), "application/x-www-form-urlencoded") {
		return errNotForm
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxWriteBody)
	if err := r.ParseForm(); err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return errTooLarge
		}
		return errBadForm
	}
	now := s.cfg.Now()
	ob, _ := s.cfg.Store.(store.Outbox)
	switch {
	case ca.Contact.Send != "server":
		return errNotFound
	case ob == nil || s.outreach() == nil:
		return errCallsOff
	case site.ClosedNow(ca.Campaign, now):
		return errCallClosed
	}
	f := r.PostForm
	t, ok := targetByID(ca.Contact, f.Get("target"))
	if !ok || t.Email == "" {
		return errNoSuchTarget
	}
	loc := ca.Loc
	form := &views.WriteForm{Action: ca.Path + writeSuffix, Target: t.ID, Subject: f.Get("subject"), Message: f.Get("message"),
		Name: f.Get("name"), Email: f.Get("email"), Copy: signing.Ticked(f.Get("copy")), Open: true}
	name, okName := cleanName(form.Name, maxName)
	subject, okSubject := cleanText(form.Subject, maxSubject, false)
	message, okMessage := cleanText(form.Message, maxMessage, true)
	email, emailMsg := signing.NormaliseEmail(form.Email)
	switch {
	case !okName && strings.ContainsAny(form.Name, mail.AddressMarks):
		// Someone who wrote a name ("Sam <3") is told what it may not
		// hold, not asked for one.
		form.Errors = append(form.Errors, loc.T("contact.write.err.name.marks"))
	case !okName:
		form.Errors = append(form.Errors, loc.T("contact.write.err.name"))
	}
	if email == "" {
		if emailMsg.IsZero() {
			form.Errors = append(form.Errors, loc.T("contact.write.email"))
		} else {
			form.Errors = append(form.Errors, loc.Say(emailMsg))
		}
	}
	if !okSubject {
		form.Errors = append(form.Errors, loc.T("contact.write.err.subject"))
	}
	if !okMessage {
		form.Errors = append(form.Errors, loc.T("contact.write.err.message"))
	}
	// Every cheap refusal comes before the letter is sealed, the one
	// costly step (compressing it, formtoken.Sealer.SealPacked): a POST
	// with a made-up or spent token, or bad fields, seals nothing
	// (TestContactRefusalsSealNothing). The rate limit (contactRoute)
	// and the size limit come earlier still.
	client := s.keyer.key(r)
	tok := f.Get("token")
	var issued time.Time
	if len(form.Errors) == 0 {
		var problem formtoken.Problem
		problem, issued = s.tokens.Check(ca.Path+writeSuffix, tok, now)
		if problem != formtoken.OK || !s.used.Claim(tok, client, issued, now) {
			form.Errors = append(form.Errors, loc.T("contact.called.again"))
		}
	}
	status := http.StatusBadRequest
	if len(form.Errors) == 0 {
		if s.targetFull(r.Context(), ca, t, email, now) {
			// The decision-maker has a day of letters waiting: no
			// confirmation is sent for a letter that could not be queued.
			// The form comes back with the text kept, saying when to try
			// again; the token may serve again.
			s.used.Release(tok, client, issued)
			form.Errors = append(form.Errors, loc.T("contact.write.err.full", "name", t.Name))
			status = http.StatusTooManyRequests
			w.Header()["Retry-After"] = hvRetryHour
		}
	}
	var link string
	if len(form.Errors) == 0 {
		link = s.base + ca.Path + confirmSuffix + "?" + url.Values{"c": {s.seal(sealed{
			Path: ca.Path, Target: t.ID, Name: name, Email: email, Subject: subject, Message: message, Copy: form.Copy,
			Expires: now.Add(sealFor).Unix(),
		})}}.Encode()
		if len(link) > maxLink {
			// Compressed, any letter of the length allowed fits; what
			// does not compress (a run of emoji) is refused here, before
			// a link that might never open is sent.
			// Said as it is: the message may be well under 5,000
			// characters (a long letter in Chinese). Nothing was sent:
			// the token may serve again.
			s.used.Release(tok, client, issued)
			form.Errors = append(form.Errors, loc.T("contact.write.err.long"))
		}
	}
	if len(form.Errors) > 0 {
		p, _ := s.contactProps(r.Context(), ca, "", "")
		for _, list := range [][]views.CallTarget{p.Yours, p.Others} {
			for i := range list {
				if list[i].ID == t.ID && list[i].Write != nil {
					form.Token = list[i].Write.Token
					list[i].Write = form
				}
			}
		}
		w.Header()["Referrer-Policy"] = hvNoReferrer
		return s.writePage(w, r, status, views.ContactPage(p), ca.CSP)
	}
	confirmMail := mail.ContactPayload{Template: mail.TemplateContactConfirm, Lang: loc.Lang(), Org: ca.Campaign.Org.Slug, Campaign: ca.Campaign.Slug,
		To: email, TargetName: t.Name, Link: link} // no subject or body: the address is not confirmed yet (mail.RenderContact)
	// Anyone may type anyone's address here: the mailbox's pace
	// (datalimit.go) puts the confirmation off when it has had its share
	// lately, its link and so the message waiting with it in the outbox;
	// with no turn within the hour nothing is sent. The answer is the
	// same either way, and says to write again if no email comes.
	if at, turn := s.mailPace.Reserve("", email, now); turn {
		m := signing.Message{ID: signing.NewMessageID(), Kind: signing.MessageEmail, Email: email,
			Org: ca.Campaign.Org.Slug, Campaign: ca.Campaign.Slug, Payload: confirmMail.Encode()}
		if at.After(now) {
			m.NotBefore = at
			s.notePace(ca.Key, mail.TemplateContactConfirm, paceHeld, now)
		}
		ctx, cancel := context.WithTimeout(r.Context(), signTimeout)
		defer cancel()
		if err := ob.Enqueue(ctx, []signing.Message{m}); err != nil {
			// Nothing queued: the form may be sent again, and the
			// mailbox has its turn back.
			s.used.Release(tok, client, issued)
			s.mailPace.Release("", email, now)
			s.log.Error("queueing a confirmation failed", "campaign", ca.Key, "err", err)
			return errCallsOff
		}
		if s.cfg.WakeOutbox != nil {
			s.cfg.WakeOutbox()
		}
	} else {
		s.notePace(ca.Key, mail.TemplateContactConfirm, paceDropped, now)
	}
	http.Redirect(w, r, ca.Path+"?"+url.Values{"written": {t.ID}}.Encode(), http.StatusSeeOther)
	return nil
}

// hvRetryHour is the Retry-After of a letter refused for a full queue: the
// drip frees an hour of slots every hour.
var hvRetryHour = []string{"3600"}

// targetFull reports whether a letter from email to t would find no place
// in its queue now (store.TargetMail.TargetMailRoom): true for a day of
// letters waiting, false for room. Only the day's cap is read
// here. The domain's fair share (store.ErrDomainShare) is decided at the
// confirmation, by the inbox's owner alone: asked here, of a typed and
// unconfirmed address, it told anyone who typed x@company.example whether
// that domain's people had written to this decision-maker in numbers
// (TestContactDomainShareToldPlainly/NoProbe). A letter turned away is counted as held
// back, once per inbox however often Send is pressed (NoteHeld). On a
// store error it answers false: the confirmation decides again, and a
// valid letter is never refused on a guess.
func (s *Server) targetFull(ctx context.Context, ca *site.ContactAction, t campaign.Target, email string, now time.Time) bool {
	tm, ok := s.cfg.Store.(store.TargetMail)
	if !ok {
		return false
	}
	org, camp, perHour := ca.Campaign.Org.Slug, ca.Campaign.Slug, max(ca.Contact.PerHour, 1)
	room, err := tm.TargetMailRoom(ctx, org, camp, t.ID, "", perHour, now)
	if err != nil {
		s.log.Warn("reading a decision-maker's queue failed", "campaign", ca.Key, "err", err)
		return false
	}
	if room {
		return false
	}
	if err := tm.NoteHeld(ctx, org, camp, ca.ID, t.ID, email, now); err != nil {
		s.log.Warn("counting a letter held back failed", "campaign", ca.Key, "err", err)
	}
	return true
}

// confirmWrite answers the link in the confirmation email: GET shows the message
// and a button, POST queues it for the target.
func (s *Server) confirmWrite(w http.ResponseWriter, r *http.Request, ca *site.ContactAction) error {
	now := s.cfg.Now()
	loc := ca.Loc
	expired := &httpError{status: http.StatusBadRequest, heading: "contact.write.expired", message: "contact.write.expired", loc: loc}
	var c string
	switch r.Method {
	case http.MethodGet, http.MethodHead:
		c = r.URL.Query().Get("c")
	case http.MethodPost:
		r.Body = http.MaxBytesReader(w, r.Body, maxWriteBody*2)
		if err := r.ParseForm(); err != nil {
			return errBadForm
		}
		c = r.PostForm.Get("c")
	default:
		w.Header()["Allow"] = hvAllowGetPost
		return &httpError{status: http.StatusMethodNotAllowed, heading: "error.writeconfirm.method.heading", message: "error.writeconfirm.method.message"}
	}
	v, ok := s.unseal(c, now)
	if ok && v.Path != ca.Path {
		// Sealed before the campaign was renamed (org.yaml's redirects)?
		to, moved := movedUnder(s.snap.Load(), v.Path)
		ok = moved && to == ca.Path
	}
	if !ok {
		return expired
	}
	t, ok := targetByID(ca.Contact, v.Target)
	if !ok || t.Email == "" || ca.Contact.Send != "server" {
		return expired
	}
	// The address holds the sealed message: no referrer leaves the page.
	w.Header()["Referrer-Policy"] = hvNoReferrer
	w.Header()["X-Robots-Tag"] = []string{"noindex"}
	confirmPage := func(status int, notice string) error {
		p := views.ConfirmPageProps{
			Page:    ca.Frame,
			Heading: loc.T("contact.write.confirm.heading", "name", t.Name),
			Intro:   loc.T("contact.write.confirm.intro", "org", ca.Campaign.Org.Name),
			Subject: v.Subject, Message: v.Message,
			Action: ca.Path + confirmSuffix, Token: s.tokens.Issue(ca.Path, now), Seal: c,
			Button: loc.T("contact.write.submit"), BackURL: ca.Path, Error: notice,
		}
		return s.writePage(w, r, status, views.ConfirmPage(p), ca.CSP)
	}
	if r.Method != http.MethodPost {
		return confirmPage(http.StatusOK, "")
	}
	tm, ok := s.cfg.Store.(store.TargetMail)
	if !ok {
		return errCallsOff
	}
	if site.ClosedNow(ca.Campaign, now) {
		return errCallClosed
	}
	base := mail.ContactPayload{Lang: loc.Lang(), Org: ca.Campaign.Org.Slug, Campaign: ca.Campaign.Slug, Subject: v.Subject, Body: v.Message, TargetName: t.Name,
		Action: ca.ID, Target: t.ID}
	toTarget := base
	toTarget.Template, toTarget.To, toTarget.ReplyTo, toTarget.FromName = mail.TemplateContactTarget, t.Email, v.Email, v.Name
	msgs := []signing.Message{mailMessage(ca, v.Email, toTarget)}
	if v.Copy {
		cp := base
		cp.Template, cp.To, cp.TargetEmail = mail.TemplateContactCopy, v.Email, t.Email
		msgs = append(msgs, mailMessage(ca, v.Email, cp))
	}
	ctx, cancel := context.WithTimeout(r.Context(), signTimeout)
	defer cancel()
	due, err := tm.QueueTargetMail(ctx, store.TargetMailing{Org: ca.Campaign.Org.Slug, Campaign: ca.Campaign.Slug, Action: ca.ID,
		Target: t.ID, Sender: v.Email, PerHour: max(ca.Contact.PerHour, 1), Messages: msgs, At: now})
	outcome := "sent"
	switch {
	case errors.Is(err, store.ErrAlreadySent):
		outcome = "already"
	case errors.Is(err, store.ErrTargetFull):
		// A day of letters waits for this decision-maker already (or,
		// ErrDomainShare, the address's domain holds its fair share of
		// a half-full queue): nothing was queued or recorded. The page comes back with the
		// letter and its button, which works again once the drip has
		// moved on (the link lasts sealFor).
		w.Header()["Retry-After"] = hvRetryHour
		key := "contact.write.full"
		if errors.Is(err, store.ErrDomainShare) {
			key = "contact.write.share"
		}
		return confirmPage(http.StatusTooManyRequests, loc.T(key, "name", t.Name))
	case err != nil:
		s.log.Error("queueing a message to a decision-maker failed", "campaign", ca.Key, "err", err)
		return errCallsOff
	case due.After(now):
		outcome = "later"
	}
	if err == nil && s.cfg.WakeOutbox != nil {
		s.cfg.WakeOutbox()
	}
	http.Redirect(w, r, ca.Path+"?"+url.Values{outcome: {t.ID}}.Encode(), http.StatusSeeOther)
	return nil
}

func mailMessage(ca *site.ContactAction, email string, m mail.ContactPayload) signing.Message {
	payload := m.Encode()
	return signing.Message{ID: signing.NewMessageID(), Kind: signing.MessageEmail, Email: email,
		Org: ca.Campaign.Org.Slug, Campaign: ca.Campaign.Slug, Payload: payload}
}

// writeNotice is the page's word after a write or a confirmation.
func writeNotice(ca *site.ContactAction, q url.Values) string {
	for _, k := range []string{"written", "sent", "later", "already"} {
		if id := q.Get(k); id != "" {
			if t, ok := targetByID(ca.Contact, id); ok {
				key := map[string]string{"written": "contact.write.check", "sent": "contact.write.sent", "later": "contact.write.later", "already": "contact.write.already"}[k]
				return ca.Loc.T(key, "name", t.Name)
			}
		}
	}
	return ""
}
