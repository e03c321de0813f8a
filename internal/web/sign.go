package web

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/a-h/templ"

	"github.com/placard/placard/internal/attribution"
	"github.com/placard/placard/internal/formtoken"
	"github.com/placard/placard/internal/i18n"
	"github.com/placard/placard/internal/pagecache"
	"github.com/placard/placard/internal/ratelimit"
	"github.com/placard/placard/internal/signing"
	"github.com/placard/placard/internal/site"
	"github.com/placard/placard/internal/store"
	"github.com/placard/placard/views"
)

// maxSignBody is the largest signing POST accepted. The longest honest
// form (every field at its limit, percent-encoded) is well under it.
const maxSignBody = 32 << 10

// signTimeout bounds how long a signature may wait for the store before
// the signer is told it was not recorded.
const signTimeout = 15 * time.Second

// Refusals of a signing POST, each a plain page with its status.
var (
	errSigningOff = &httpError{status: http.StatusServiceUnavailable,
		heading: "error.sign.off.heading", message: "error.sign.off.message"}
	errSignNotStored = &httpError{status: http.StatusServiceUnavailable,
		heading: "error.sign.notstored.heading", message: "error.sign.notstored.message"}
	errClaimUnavailable = &httpError{status: http.StatusServiceUnavailable,
		heading: "error.sign.claim.heading", message: "error.sign.claim.message"}
	errCrossOrigin = &httpError{status: http.StatusForbidden,
		heading: "error.sign.crossorigin.heading", message: "error.sign.crossorigin.message"}
	errRateLimited = &httpError{status: http.StatusTooManyRequests,
		heading: "error.sign.limited.heading", message: "error.sign.limited.message"}
	errTooLarge = &httpError{status: http.StatusRequestEntityTooLarge,
		heading: "error.sign.toolarge.heading", message: "error.sign.toolarge.message"}
	errBadForm = &httpError{status: http.StatusBadRequest,
		heading: "error.sign.badform.heading", message: "error.sign.badform.message"}
	errNotForm = &httpError{status: http.StatusUnsupportedMediaType,
		heading: "error.sign.badform.heading", message: "error.sign.notform.message"}
	errNotSignable = &httpError{status: http.StatusBadRequest,
		heading: "error.sign.notsignable.heading", message: "error.sign.notsignable.message"}
)

var (
	hvAllowPost        = []string{"POST"}
	hvRetryAfterMinute = []string{"60"}
	// hvRetryAfterStore is the Retry-After of a 503 the store's failure
	// caused (a full disk, a database restarting): the form comes back
	// to be sent again in a moment, and 30 s is about how long a
	// PostgreSQL restart or a freed disk takes to be seen.
	hvRetryAfterStore = []string{"30"}
)

// signRoute is the POST /{org}/{campaign}/sign handler with its guards, in
// order: the cross-origin check, the per-client rate limit (POSTs only),
// then the handler.
func (s *Server) signRoute() http.Handler {
	cop := http.NewCrossOriginProtection()
	// Behind a proxy that rewrites Host, the browser's Origin is still the
	// public base URL.
	_ = cop.AddTrustedOrigin(s.base)
	// Static copies of the site (placard build) post from their own
	// origins; New has checked each is well formed.
	for _, o := range s.cfg.SiteOrigins {
		_ = cop.AddTrustedOrigin(o)
	}
	cop.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.serveError(w, r, inLang(errCrossOrigin, s.signPageLoc(r)))
	}))

	var h http.Handler = s.handle(s.sign)
	// The client's address (Server.keyer): from the header the trusted
	// proxies set when one is named, else the TCP peer. Never RealIP,
	// which trusts any client. The rate limit and the used-token set
	// (formtoken.Used) key by it; each works it out from the request (a
	// parse and a short string), which is cheaper than carrying it in a
	// new context and a copy of the request.
	if s.cfg.RateLimit > 0 {
		// A sliding window of a minute per client (internal/ratelimit),
		// counting POSTs only; a refused POST is not counted. The refusal
		// says when to try again (Retry-After: the window), and nothing
		// else: no X-RateLimit-Limit, -Remaining or -Reset on any answer,
		// which would tell a script how many more it may send and when.
		limiter := ratelimit.New(s.cfg.RateLimit, time.Minute)
		next := h
		h = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Method == http.MethodPost && !s.signMoved(r) && !limiter.Allow(s.keyer.key(r), time.Now()) {
				w.Header()["Retry-After"] = hvRetryAfterMinute
				if !s.signLimited(w, r) {
					s.serveError(w, r, inLang(errRateLimited, s.signPageLoc(r)))
				}
				return
			}
			next.ServeHTTP(w, r)
		})
	}
	return cop.Handler(s.warningProxy(h))
}

// signMoved reports whether r is sent to a renamed campaign's old address
// (org.yaml's redirects), which the handler answers with a 308 to the new
// one and nothing else: the rate limit counts the POST that 308 leads to,
// not the hop too, so a form opened before the rename is not counted
// twice, and one over the limit comes back from the campaign's address
// holding what the signer typed (signLimited) rather than as a bare
// refusal from an address that has no form to show.
func (s *Server) signMoved(r *http.Request) bool {
	snap := s.snap.Load()
	path := signCampaignPath(r.URL.Path)
	if snap.Signing[path] != nil {
		return false
	}
	to, ok := snap.Moved[path]
	return ok && snap.Signing[to] != nil
}

// signLimited answers a signing POST over the rate limit (429) with the
// form holding what the signer typed, and reports whether it did: a
// person on a busy shared network (a rally's Wi-Fi, a university) keeps
// their details and presses the button again in a minute. Nothing is
// stored, nor the token spent. A POST that is not a readable form for an
// open campaign's signable action gets the plain refusal instead; the
// body is read no further than a signature's limit. One from a bot that
// filled the honeypot is answered as any other (the form never keeps that
// field): answered apart, it would tell a script which field is the trap.
func (s *Server) signLimited(w http.ResponseWriter, r *http.Request) bool {
	snap := s.snap.Load()
	path := signCampaignPath(r.URL.Path)
	lc := snap.Signing[path]
	now := s.cfg.Now()
	if lc == nil || site.ClosedNow(lc.Campaign, now) || !isURLEncodedForm(r.Header.Get("Content-Type")) {
		return false
	}
	if r.Body != nil && (r.ContentLength < 0 || r.ContentLength > maxSignBody) {
		r.Body = http.MaxBytesReader(w, r.Body, maxSignBody)
	}
	var form signForm
	if readSignForm(r, &form) != nil {
		return false
	}
	lc = formPage(snap, path, lc, r, form.get(sfLang), true)
	choices, ok := signChoices(lc, form.get(sfAction))
	if !ok {
		return false
	}
	tp, issued := s.formToken(r, lc, &form, now)
	return s.showForms(w, r, lc, choices, &form, nil, tp, issued, now, http.StatusTooManyRequests,
		lc.Loc.T("error.sign.limited.heading"), lc.Loc.T("sign.again.limited.message")) == nil
}

// signChoices are the actions of lc a form naming action id may be
// signed for: its own; the campaign's one signable action when the page
// no longer has the id (renamed while the signer had the page open);
// every signable action in page order when it has several; and none (ok
// false) for an action of the page that takes no signatures.
func signChoices(lc *site.SigningCampaign, id string) (choices []*site.Signable, ok bool) {
	if sa := lc.Signables[id]; sa != nil {
		return []*site.Signable{sa}, true
	}
	if lc.IDs[id] {
		return nil, false
	}
	return lc.SignablesInOrder(), true
}

// formToken checks the token of a form sent to lc: its problem, if any,
// and its issue time (formtoken.Signer.Check); a token-less form from a
// static copy of the site is to be confirmed (formtoken.Confirm).
func (s *Server) formToken(r *http.Request, lc *site.SigningCampaign, form *signForm, now time.Time) (formtoken.Problem, time.Time) {
	tok := form.get(sfToken)
	tp, issued := s.tokens.Check(lc.Key, tok, now)
	if tp == formtoken.Forged {
		tp, issued = s.renamedToken(lc, tok, tp, issued, now)
	}
	if tp == formtoken.Missing && s.fromSiteOrigin(r) {
		// A static copy's form has no token to send (see Config.SiteOrigins):
		// the signer confirms on the form shown again, with a token.
		tp = formtoken.Confirm
	}
	return tp, issued
}

// renamedToken checks tok, refused as forged for lc (problem tp, issue
// time issued), as a token for one of lc's old names (org.yaml's
// redirects): the page a signer opened before the campaign was renamed
// carries one, and its form reaches lc by the old address's 308. Its
// problem and issue time are those of the first old name whose key signed
// it; else tp and issued unchanged. Only a forged token pays for the
// search, over lc's own old names (Snapshot.OldKeys).
func (s *Server) renamedToken(lc *site.SigningCampaign, tok string, tp formtoken.Problem, issued, now time.Time) (formtoken.Problem, time.Time) {
	if tok == "" || len(tok) != formtoken.Len {
		return tp, issued
	}
	for _, old := range s.snap.Load().OldKeys(lc.Key) {
		if p, at := s.tokens.Check(old, tok, now); p != formtoken.Forged {
			return p, at
		}
	}
	return tp, issued
}

// signPageLoc is the localizer of the signing campaign page a refused
// POST was sent from: in the language its address names (formPage), else
// the reader's when the campaign has it; nil (the reader's language) for
// an address that is no campaign's. The form is not read: a refusal
// before the handler may be too large or from another site.
func (s *Server) signPageLoc(r *http.Request) *i18n.Localizer {
	snap := s.snap.Load()
	path := signCampaignPath(r.URL.Path)
	lc := snap.Signing[path]
	if lc == nil {
		return nil
	}
	return formPage(snap, path, lc, r, "", false).Loc
}

// sign takes one signature: a form POST from a petition or letter. It
// answers 303 to the thank-you page only once the signature is durably
// stored (or the email had already signed, answered the same way); everything else gets a 4xx
// page saying what to do, or 503 saying plainly that nothing was recorded.
// Nothing the signer typed is ever logged.
func (s *Server) sign(w http.ResponseWriter, r *http.Request) (err error) {
	if r.Method != http.MethodPost {
		w.Header()["Allow"] = hvAllowPost
		return inLang(&httpError{status: http.StatusMethodNotAllowed,
			heading: "error.sign.method.heading",
			message: "error.sign.method.message"}, s.signPageLoc(r))
	}
	snap := s.snap.Load()
	path := signCampaignPath(r.URL.Path)
	lc := snap.Signing[path]
	if lc == nil {
		if s.cfg.Store == nil && snap.Pages[path] != nil {
			return errSigningOff
		}
		if to, ok := snap.Moved[path]; ok && snap.Signing[to] != nil {
			// A renamed campaign's form, open since before the rename:
			// 308 keeps the method and the form.
			w.Header()["Cache-Control"] = hvNoStore
			http.Redirect(w, r, to+r.URL.Path[len(path):]+queryOf(r), http.StatusPermanentRedirect)
			return nil
		}
		return errNotFound
	}
	// A refusal is worded in the language of the page the form was sent
	// from: the one the form names once it is read, before that the one
	// its address names (formPage).
	formRead := false
	defer func() {
		if err != nil {
			if formRead {
				err = inLang(err, lc.Loc)
			} else {
				err = inLang(err, formPage(snap, path, lc, r, "", false).Loc)
			}
		}
	}()
	now := s.cfg.Now()
	if site.ClosedNow(lc.Campaign, now) {
		// Read the form only to answer in the signer's language.
		if isURLEncodedForm(r.Header.Get("Content-Type")) {
			r.Body = http.MaxBytesReader(w, r.Body, maxSignBody)
			if r.ParseForm() == nil {
				lc = formPage(snap, path, lc, r, r.PostForm.Get(site.FieldLang), true)
			} else {
				lc = formPage(snap, path, lc, r, "", false)
			}
		}
		return s.signClosed(w, r, lc)
	}
	if !isURLEncodedForm(r.Header.Get("Content-Type")) {
		return errNotForm
	}
	// A body whose Content-Length is within the limit is limited to it by
	// net/http already (and readSignForm refuses more in any case); only
	// a larger or unannounced one needs the limit's reader, which also
	// closes the connection after the refusal.
	if r.Body != nil && (r.ContentLength < 0 || r.ContentLength > maxSignBody) {
		r.Body = http.MaxBytesReader(w, r.Body, maxSignBody)
	}
	var form signForm
	if ferr := readSignForm(r, &form); ferr != nil {
		if mbe := (*http.MaxBytesError)(nil); errors.As(ferr, &mbe) {
			return errTooLarge
		}
		if clientGone(r, ferr) {
			return errClientGone
		}
		return errBadForm
	}
	lc = formPage(snap, path, lc, r, form.get(sfLang), true)
	formRead = true
	id := form.get(sfAction)
	sa := lc.Signables[id]
	if sa == nil && !lc.IDs[id] && len(lc.Signables) == 1 {
		// The action's id changed while the signer had its form open:
		// the campaign's one signable action takes what they typed.
		for id, sa = range lc.Signables {
		}
	}
	if sa == nil {
		if lc.IDs[id] {
			return errNotSignable
		}
		// An id the page no longer has, on a campaign with several
		// signable actions (renamed or removed while the signer had the
		// page open): which they meant cannot be told, so nothing is
		// stored and they choose, with what they typed kept (never the
		// honeypot, so a bot's form is answered the same).
		tp, issued := s.formToken(r, lc, &form, now)
		return s.signChoose(w, r, lc, &form, tp, issued, now)
	}

	sig, errs := signing.CheckForm(formSubmission(id, &form), sa.Rules, sa.Consent, sa.Contact, now)
	tok := form.get(sfToken)
	tokProblem, issued := s.formToken(r, lc, &form, now)
	// The client's address (Server.keyer): from the header the trusted
	// proxies set when one is named, else the TCP peer.
	client := s.keyer.key(r)
	if tokProblem == formtoken.OK && len(errs) == 0 && !s.used.Claim(tok, client, issued, now) {
		tokProblem = formtoken.Spent
	}
	if tokProblem != formtoken.OK || len(errs) > 0 {
		return s.signAgain(w, r, lc, sa, &form, errs, tokProblem, issued, now)
	}
	if form.get(sfHoneypot) != "" {
		// A bot filled the field people never see: answer as if it had
		// worked, so it learns nothing, and keep nothing. Only now, with
		// the form checked and its token spent as a signature's is: a
		// form a signature would have been refused for is refused the
		// same (TestHoneypotRefusedLikeASignature).
		return s.honeypotAnswer(w, r, lc, sa, &form, sig, tok, client, issued, now)
	}
	sig.Org, sig.Campaign, sig.Action, sig.Lang = lc.Campaign.Org.Slug, lc.Campaign.Slug, id, lc.Frame.Lang
	// Where the signer came from, and the personal link they followed.
	source, ref := attribution.ParseFormValue(form.get(sfVia))

	// The signature is stored even if the signer's connection drops: the
	// commit must not be cut short half-way by a closed tab.
	ctx := s.signContext()
	// Their personal link is made here and stored nowhere: its row comes
	// with the first signature it brings (internal/attribution). Embeds
	// show none. A campaign that asks signers to confirm holds the
	// signature until they do (mail.go); their personal link comes after
	// confirming.
	waits := s.holdForConfirmation(lc, sig)
	var linkToken, linkKey string
	haveLink := !isEmbedSign(r) && !waits
	if haveLink {
		linkToken, linkKey = s.links.New()
	}
	// The messages this signature sends go in its own transaction.
	sig.Outbox = s.signatureMessages(lc, sig, now)
	// The email draws on its mailbox's pace (mail.go: addSignatureMail);
	// with no turn the signature is stored without it, and answered the
	// same. A repeat takes its turn too, and keeps it: handing it back
	// would let whoever watches the inbox's budget tell whether the
	// address had signed. A repeat of a signature still waiting for its
	// confirmation sends it again with that turn (resendConfirmation).
	at, turn := s.addSignatureMail(lc, sig, linkToken, waits, now)
	serr := s.cfg.Recorder.Sign(ctx, sig)
	if serr == nil {
		s.wakeOutbox(sig)
	}
	already := errors.Is(serr, store.ErrAlreadySigned)
	if already && waits && turn {
		s.resendAfter(lc, sig, at, now, requestID(r))
	}
	if serr != nil && !already {
		// Not recorded: the same form may be sent again, and the mailbox
		// has its turn back, as nothing was sent to it.
		s.used.Release(tok, client, issued)
		if turn {
			s.mailPace.Release("", sig.Email, now)
		}
		if ise := (*store.InvalidSignatureError)(nil); errors.As(serr, &ise) {
			// Refused as sent: sending it again would be refused again.
			return s.signRefused(w, r, lc, sa, &form, ise, issued, now)
		}
		// Only the campaign and the error: never the signer's details.
		s.log.Error("storing a signature failed; the signer was told it was not recorded",
			"campaign", lc.Key, "err", serr, "request_id", requestID(r))
		return s.notRecorded(w, r, lc, sa, &form, issued, now)
	}
	// An address that had already signed is answered exactly as a first
	// signature (DESIGN.md: no answer tells whether an address has signed).
	// The store changed nothing; the claim below names a link made as a
	// first signature's is, tied to no signature.
	outcome := site.OutcomeSigned
	if sig.Status == signing.StatusPending {
		outcome = site.OutcomePending
	}
	// What the signature brought is counted now and written later, apart
	// from it. A repeat is counted too: the link's owner sees its count at
	// once on the private page, so a count that moved only for new
	// addresses would tell whoever signs an address through their own link
	// whether it had signed.
	s.credits.Add(sig.Org, sig.Campaign, source, ref, now)
	if waits {
		// "Check your inbox", the same for a repeat.
		return seeOther(w, confirmWaitLocation(r, lc))
	}
	// The address and its claim are built in one buffer on the stack.
	var buf [256]byte
	loc := appendThanksLocation(buf[:0], r, lc, outcome)
	if haveLink {
		loc = append(loc, "&"+paramClaim+"="...)
		loc = s.claims.AppendSeal(loc, lc.Key, linkToken, linkKey, now)
	}
	return seeOther(w, string(loc))
}

// refusedFields are the signing form's fields by the Go name of the
// signature's field a store refusal names (store.InvalidSignatureError).
var refusedFields = map[string]string{
	"Name": "name", "GivenName": "given_name", "FamilyName": "family_name",
	"Email": "email", "Postcode": "postcode", "Country": "country", "Phone": "phone",
	"Comment": "comment", "Organisation": "organisation", "Role": "role",
}

// refusedProblem is the check message of the form field a store refusal
// names, worded as the form's own check words it ("contains characters
// we cannot read — type it again"), or false when the refusal names no
// field the signer typed (the campaign's own text, a time).
func refusedProblem(ise *store.InvalidSignatureError) (field string, msg i18n.Message, ok bool) {
	field, ok = refusedFields[ise.Field]
	if !ok {
		return "", i18n.Message{}, false
	}
	switch {
	case field == "country":
		return field, i18n.Msg("check.country.list"), true
	case ise.Problem == store.ProblemKeyTooLong:
		return field, i18n.Msg("check.email.unstorable"), true
	case ise.Problem == store.ProblemNUL:
		return field, i18n.Msg("check." + field + ".invisible"), true
	case ise.Problem == store.ProblemNotUTF8:
		return field, i18n.Msg("check." + field + ".unreadable"), true
	}
	return "", i18n.Message{}, false
}

// signRefused answers a signature the store refused as sent
// (store.ErrInvalidSignature): 422 and the form again holding what the
// signer typed, its token still good, with the field to change and what
// to change in it — or, when the refusal names nothing they typed, a
// plain message that nothing was recorded and sending it again will not
// help. It never says "try again": the same form would be refused again,
// and the signer would think the site down. The refusal is counted for
// the operator (store.Refusals: the console's dashboard, placard stats)
// and logged with the campaign and the field's name, never its value.
func (s *Server) signRefused(w http.ResponseWriter, r *http.Request, lc *site.SigningCampaign, sa *site.Signable, form *signForm, ise *store.InvalidSignatureError, issued, now time.Time) error {
	s.log.Warn("a signature was refused by the store as sent; the signer was asked to change it",
		"campaign", lc.Key, "field", ise.Field, "problem", string(ise.Problem), "request_id", requestID(r))
	if rf, ok := s.cfg.Store.(store.Refusals); ok {
		ctx, cancel := context.WithTimeout(context.WithoutCancel(r.Context()), signTimeout)
		err := rf.NoteRefused(ctx, lc.Campaign.Org.Slug, lc.Campaign.Slug)
		cancel()
		if err != nil {
			s.log.Error("counting a refused signature failed", "campaign", lc.Key, "err", err, "request_id", requestID(r))
		}
	}
	if field, msg, ok := refusedProblem(ise); ok {
		return s.showForms(w, r, lc, []*site.Signable{sa}, form, signing.FieldErrors{field: msg}, formtoken.OK, issued, now,
			http.StatusUnprocessableEntity, lc.Loc.T("sign.check"), "")
	}
	return s.showForms(w, r, lc, []*site.Signable{sa}, form, nil, formtoken.OK, issued, now,
		http.StatusUnprocessableEntity, lc.Loc.T("error.sign.notstored.heading"), lc.Loc.T("sign.again.refused.message"))
}

// formSubmission is what form says for action id, as signing reads it.
func formSubmission(id string, form *signForm) signing.Submission {
	return signing.Submission{
		Action: id, Name: form.get(sfName), Email: form.get(sfEmail), Postcode: form.get(sfPostcode),
		GivenName: form.get(sfGivenName), FamilyName: form.get(sfFamilyName),
		Country: form.get(sfCountry), Phone: form.get(sfPhone), Comment: form.get(sfComment),
		Organisation: form.get(sfOrganisation), Role: form.get(sfRole),
		Consent: form.get(sfConsent), Contact: form.get(sfContact), Public: form.get(sfPublic),
	}
}

// honeypotAnswer answers a form whose hidden trap field was filled, checked
// as signature sig, where a signature of the same form would lead: the check-your-inbox page on a
// campaign that asks signers to confirm, else the thank-you page of its
// outcome (pending for an organisation's sign-on), the embed's own inside
// a partner's frame, and on the campaign's page with a claim for a link
// made as any signer's is. Nothing is kept. Led anywhere else, the answer
// told a script its trap had been seen, and a person whose browser had
// filled the field in got, inside an embed, a page the frame may not show
// (TestHoneypotAnsweredAsASignature).
//
// It is answered as late as a signature is: once the committer's next
// batch has committed (store.Committer.Pass), as a signature sent at the
// same moment would be; answered at once, its speed alone told a bot that
// its form had been thrown away (TestHoneypotWaitsLikeASignature). The
// pass is counted for the campaign in that batch's transaction (bots
// turned away: the console's dashboard, placard stats), so on a quiet
// site it costs a transaction as a signature does. When that transaction
// fails — the store is down — it is answered exactly as a signature not
// recorded is: 503 and the form again (never the trap's value), its token
// released to be sent again (TestHoneypotFailsLikeASignature); answered
// "signed" while signatures got 503, the trap was told apart.
func (s *Server) honeypotAnswer(w http.ResponseWriter, r *http.Request, lc *site.SigningCampaign, sa *site.Signable, form *signForm, sig *signing.Signature, tok, client string, issued, now time.Time) error {
	if p, ok := s.cfg.Recorder.(passer); ok {
		if err := p.Pass(s.signContext(), lc.Campaign.Org.Slug, lc.Campaign.Slug); err != nil {
			s.used.Release(tok, client, issued)
			// Only the campaign and the error, as for a signature.
			s.log.Error("counting a form caught by the trap failed; it was answered as a signature not recorded",
				"campaign", lc.Key, "err", err, "request_id", requestID(r))
			return s.notRecorded(w, r, lc, sa, form, issued, now)
		}
	}
	outcome := site.OutcomeSigned
	if sig.Status == signing.StatusPending {
		outcome = site.OutcomePending
	}
	if _, _, on := s.mailer(); on && lc.Campaign.Confirm {
		return seeOther(w, confirmWaitLocation(r, lc))
	}
	loc := appendThanksLocation(nil, r, lc, outcome)
	if !isEmbedSign(r) {
		token, key := s.links.New()
		loc = append(loc, "&"+paramClaim+"="...)
		loc = s.claims.AppendSeal(loc, lc.Key, token, key, now)
	}
	return seeOther(w, string(loc))
}

// notRecorded answers a form the store failed to record (a signature, or
// a trap's pass: honeypotAnswer): 503 and the form again, holding what
// was typed and the same token, to press the button again in a moment.
// Both answers are this one, so a trap's cannot differ.
func (s *Server) notRecorded(w http.ResponseWriter, r *http.Request, lc *site.SigningCampaign, sa *site.Signable, form *signForm, issued, now time.Time) error {
	w.Header()["Retry-After"] = hvRetryAfterStore
	if s.showForms(w, r, lc, []*site.Signable{sa}, form, nil, formtoken.OK, issued, now, http.StatusServiceUnavailable,
		lc.Loc.T("error.sign.notstored.heading"), lc.Loc.T("sign.again.notstored.message")) != nil {
		return errSignNotStored
	}
	return nil
}

// maxResends is how many waiting signatures' confirmations may be being
// queued again after their answers at once (resendAfter).
const maxResends = 64

// resendAfter queues the confirmation of the signature sig repeats, if it
// still waits (resendConfirmation), after the repeat is answered: done
// before, its read and its write made the repeat of a waiting signature
// answer later than that of a confirmed one, which queues nothing —
// telling whoever typed the address whether its owner had confirmed
// (TestRepeatAnswerWaitsForNoResend). At most maxResends at once; past
// that, as when the store is too slow to keep up, before the answer.
func (s *Server) resendAfter(lc *site.SigningCampaign, sig *signing.Signature, at, now time.Time, reqID string) {
	sg := *sig
	sig = &sg // the goroutine's own
	resend := func() {
		ctx, cancel := context.WithTimeout(context.Background(), signTimeout)
		defer cancel()
		if _, err := s.resendConfirmation(ctx, lc, sig, at, now); err != nil {
			// The signature is stored; only its email is not queued
			// again. Signing again later sends it.
			s.log.Error("queueing a waiting signature's confirmation again failed", "campaign", lc.Key, "err", err, "request_id", reqID)
		}
	}
	if s.resending.Add(1) > maxResends {
		s.resending.Add(-1)
		resend()
		return
	}
	s.resends.Add(1)
	go func() {
		defer s.resends.Done()
		defer s.resending.Add(-1)
		resend()
	}()
}

// signWindow is a context whose deadline is signTimeout (and less than a
// second) after any moment before renew.
type signWindow struct {
	ctx    context.Context
	cancel context.CancelFunc
	renew  time.Time
}

// signContext is the context a signature waits for the store under: no
// request's cancellation (a closed tab must not cut a commit short) and a
// deadline at least signTimeout and less than signTimeout + 1 s away.
// The signatures of one second share it, so a signature pays for no
// context, timer or cancellation of its own (five allocations, and a
// timer added and removed under the runtime's lock); each context ends by
// its own deadline, a second or so after the last signature to take it.
func (s *Server) signContext() context.Context {
	now := time.Now()
	if w := s.signWindow.Load(); w != nil && now.Before(w.renew) {
		return w.ctx
	}
	w := &signWindow{renew: now.Add(time.Second)}
	w.ctx, w.cancel = context.WithDeadline(context.Background(), w.renew.Add(signTimeout))
	// Two signers may both renew it: either context does.
	s.signWindow.Store(w)
	return w.ctx
}

// seeOther answers a POST with 303 to location (Post/Redirect/Get).
//
// The answer keeps the security headers every response carries
// (DESIGN.md: the CSP with its frame-ancestors, nosniff, the referrer
// policy; and X-Frame-Options, the opener policy and HSTS) but
// Permissions-Policy, which governs what a document may use and a redirect
// is none. With it, Location and Cache-Control were a ninth key in the
// header map (eight in the clear): net/http's map grew past its first
// group, and WriteHeader cloned the grown map — five allocations and about
// 1.1 KB per signature (TestSignHTTPAllocations, TestSignRedirectHeaders).
func seeOther(w http.ResponseWriter, location string) error {
	h := w.Header()
	delete(h, "Permissions-Policy")
	h["Location"] = []string{location}
	h["Cache-Control"] = hvNoStore
	w.WriteHeader(http.StatusSeeOther)
	return nil
}

// Catalogue keys of the headings of a re-shown form whose token was
// refused. The signer's details are kept; one more press of the button
// sends them.
var tokenHeadings = map[formtoken.Problem]string{
	formtoken.Missing: "sign.again.expired",
	formtoken.Forged:  "sign.again.expired",
	formtoken.Fresh:   "sign.again.quick",
	formtoken.Expired: "sign.again.old",
	formtoken.Spent:   "sign.again.spent",
	formtoken.Confirm: "sign.again.confirm",
}

// signAgain re-shows the form (422) with the signer's values, each problem
// beside its field, and a token.
//
// When the token sent was good (the form had other problems) or merely too
// fresh, the form keeps it, with its ORIGINAL issue time: a person who
// filled the form once has held it at least three seconds by the time they
// correct it, so pressing Sign again at once passes, and a script that
// posts the moment it fetches a form still has to wait the same three
// seconds. Any other token (missing, forged, expired, already used, or
// none from a static copy) is replaced by one issued now, never
// back-dated: back-dating would hand any script a token to post with at
// once. A person who presses again within three seconds gets the form once
// more with that same token, which then passes.
func (s *Server) signAgain(w http.ResponseWriter, r *http.Request, lc *site.SigningCampaign, sa *site.Signable, form *signForm, errs signing.FieldErrors, tp formtoken.Problem, issued, now time.Time) error {
	heading := lc.Loc.T("sign.check")
	if tp != formtoken.OK {
		heading = lc.Loc.T(tokenHeadings[tp])
	}
	return s.showForms(w, r, lc, []*site.Signable{sa}, form, errs, tp, issued, now, http.StatusUnprocessableEntity, heading, "")
}

// showForms answers a signing POST that cannot be recorded as sent with
// status and the form for the one action in choices, or, with several,
// every one of them under its title: each holds what the signer typed
// (errs beside their fields), under heading and message (none when "").
// The token is reshownToken's. An embed's answer shows the first choice's
// form inside the frame.
func (s *Server) showForms(w http.ResponseWriter, r *http.Request, lc *site.SigningCampaign, choices []*site.Signable, form *signForm, errs signing.FieldErrors, tp formtoken.Problem, issued, now time.Time, status int, heading, message string) error {
	kept, attr := keptValues(form)
	tok := s.reshownToken(lc, tp, issued, now)
	if isEmbedSign(r) && lc.Embed != nil {
		sa := choices[0]
		f := site.SignForm(lc.Loc, lc.Campaign, sa, tok, attr, false, kept, errs)
		return s.writeEmbedForm(w, r, lc, status, heading, message, *f, sa)
	}
	props := views.SignPageProps{
		Page:          lc.SignFrame(heading),
		CampaignTitle: lc.Campaign.Title,
		CampaignURL:   lc.Path,
		Heading:       heading,
		Message:       message,
	}
	if len(choices) == 1 {
		props.Form = *site.SignForm(lc.Loc, lc.Campaign, choices[0], tok, attr, false, kept, errs)
	} else {
		for _, sa := range choices {
			f := site.SignForm(lc.Loc, lc.Campaign, sa, tok, attr, false, kept, errs)
			props.Choices = append(props.Choices, views.SignChoice{Title: sa.Title(lc.Loc), Form: *f})
		}
	}
	return s.writePage(w, r, status, views.SignPage(props), lc.CSP)
}

// keptValues are the fields of a form sent that a re-shown form keeps:
// the signer's own (never the honeypot or the token) and their boxes, and
// the attribution value the first form carried.
func keptValues(form *signForm) (kept url.Values, attr string) {
	kept = form.values(signing.FieldOrder)
	kept.Set(site.FieldContact, form.get(sfContact))
	kept.Set(site.FieldPublic, form.get(sfPublic))
	return kept, string(attribution.FormValue(attribution.ParseFormValue(form.get(sfVia))))
}

// reshownToken is the token of a form shown again after one whose token
// had problem tp (issued at issued): the same token when it was good or
// only too fresh, else one issued now (signAgain says why).
func (s *Server) reshownToken(lc *site.SigningCampaign, tp formtoken.Problem, issued, now time.Time) string {
	at := now
	if tp == formtoken.OK || tp == formtoken.Fresh {
		at = issued
	}
	return s.tokens.Issue(lc.Key, at)
}

// signChoose answers a form naming an action its campaign, which has
// several signable actions, no longer has (422): the page comes back with
// each of them, in page order and under its title, holding what the
// signer typed, and a plain message asking them to press the one they
// mean. The id sent is never shown. An embed shows its own action's form
// the same way, inside the frame. Nothing is stored, nor the token spent.
func (s *Server) signChoose(w http.ResponseWriter, r *http.Request, lc *site.SigningCampaign, form *signForm, tp formtoken.Problem, issued, now time.Time) error {
	all := lc.SignablesInOrder()
	if isEmbedSign(r) && lc.Embed != nil {
		// The embed shows the campaign's first signing form, under its title.
		return s.showForms(w, r, lc, all[:1], form, nil, tp, issued, now, http.StatusUnprocessableEntity,
			all[0].Title(lc.Loc), lc.Loc.T("sign.again.changed.message"))
	}
	return s.showForms(w, r, lc, all, form, nil, tp, issued, now, http.StatusUnprocessableEntity,
		lc.Loc.T("sign.again.which"), lc.Loc.T("sign.again.which.message"))
}

// signClosed refuses a signature on a closed campaign (410) with a page
// that says signing has ended.
func (s *Server) signClosed(w http.ResponseWriter, r *http.Request, lc *site.SigningCampaign) error {
	var sa *site.Signable
	for _, v := range lc.Signables {
		sa = v
		break
	}
	f := site.SignForm(lc.Loc, lc.Campaign, sa, "", string(attribution.BlankFormValue()), true, nil, nil)
	props := views.SignPageProps{
		Page:          lc.SignFrame(lc.Loc.T("sign.ended")),
		CampaignTitle: lc.Campaign.Title,
		CampaignURL:   lc.Path,
		Heading:       lc.Loc.T("sign.ended"),
		Form:          *f,
	}
	if isEmbedSign(r) && lc.Embed != nil {
		return s.writeEmbedForm(w, r, lc, http.StatusGone, props.Heading, "", *f, sa)
	}
	return s.writePage(w, r, http.StatusGone, views.SignPage(props), lc.CSP)
}

// writePage renders c into a buffer and writes it with status, gzipped
// when the client accepts it (compress.go): a failed render becomes a 500
// page, never half a page. Such pages are never cached.
func (s *Server) writePage(w http.ResponseWriter, r *http.Request, status int, c templ.Component, csp string) error {
	var buf bytes.Buffer
	// Rendered even if the client has gone (see serveError).
	if err := c.Render(context.WithoutCancel(r.Context()), &buf); err != nil {
		return err
	}
	h := w.Header()
	h["Content-Type"] = hvHTML
	h["Cache-Control"] = hvNoStore
	if csp != "" {
		h["Content-Security-Policy"] = []string{csp}
	}
	pagecache.WriteBody(w, r, status, buf.Bytes())
	return nil
}

// fromSiteOrigin reports whether r's Origin header names one of the
// configured static copies of the site (Config.SiteOrigins).
func (s *Server) fromSiteOrigin(r *http.Request) bool {
	origin := r.Header.Get("Origin")
	for _, o := range s.cfg.SiteOrigins {
		if origin != "" && strings.EqualFold(origin, o) {
			return true
		}
	}
	return false
}

// The embed's signing form posts to …/embed/sign and is answered here too:
// inside the partner's frame.

// framedAsEmbed lets every answer to an embed's signing POST show inside
// the partner's frame, refusals included (another site's POST, the rate
// limit, a store failure): they get the embed's frame-ancestors and no
// X-Frame-Options, so the signer reads the message instead of a blocked
// frame. Answers that set their own policy (the form shown again) keep it.
func (s *Server) framedAsEmbed(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if lc := s.snap.Load().Signing[signCampaignPath(r.URL.Path)]; lc != nil && lc.Embed != nil {
			w.Header()["Content-Security-Policy"] = []string{lc.Embed.CSP}
			allowFraming(w)
		}
		next.ServeHTTP(w, r)
	})
}

// queryOf is r's query string with its "?", or "".
func queryOf(r *http.Request) string {
	if r.URL.RawQuery == "" {
		return ""
	}
	return "?" + r.URL.RawQuery
}

// isEmbedSign reports whether a signing POST came from an embed's form.
func isEmbedSign(r *http.Request) bool { return isEmbedSignPath(r.URL.Path) }

// isEmbedSignPath reports whether p is /org/slug/embed/sign: four
// segments, so that /org/embed/sign, the own form of a campaign called
// embed, is not taken for the embed form of a campaign at /org.
func isEmbedSignPath(p string) bool {
	return strings.HasSuffix(p, "/embed/sign") && strings.Count(p, "/") == 4
}

// signCampaignPath is the campaign page a signing POST's address belongs
// to: /org/slug for /org/slug/sign and /org/slug/embed/sign.
func signCampaignPath(p string) string {
	if isEmbedSignPath(p) {
		return p[:len(p)-len("/embed/sign")]
	}
	return strings.TrimSuffix(p, "/sign")
}

// thanksLocation is where a recorded signature's 303 leads: the campaign's
// thank-you page, or, for a form sent from the embed, the embed's own
// (which may be framed), keeping ?origin= when it is a listed partner so
// the resize script there can address it.
func thanksLocation(r *http.Request, lc *site.SigningCampaign, outcome string) string {
	return string(appendThanksLocation(nil, r, lc, outcome))
}

// appendThanksLocation appends thanksLocation to dst.
func appendThanksLocation(dst []byte, r *http.Request, lc *site.SigningCampaign, outcome string) []byte {
	if !isEmbedSign(r) || lc.Embed == nil {
		dst = append(dst, lc.Path...)
		dst = append(dst, "/thanks?outcome="...)
		return append(dst, outcome...)
	}
	dst = append(dst, lc.Path...)
	dst = append(dst, "/embed/thanks?outcome="...)
	dst = append(dst, outcome...)
	if o := r.URL.Query().Get("origin"); o != "" && slices.Contains(lc.Embed.Origins, o) {
		dst = append(dst, "&origin="...)
		dst = append(dst, url.QueryEscape(o)...)
	}
	return dst
}

// writeEmbedForm answers an embed's signing POST that cannot be recorded
// as sent (a form to correct, or signing has ended) inside the frame:
// the embed page with the form, heading and message (none when ""),
// framed as the embed is.
func (s *Server) writeEmbedForm(w http.ResponseWriter, r *http.Request, lc *site.SigningCampaign, status int, heading, message string, f views.SignForm, sa *site.Signable) error {
	e := lc.Embed
	p := e.Frame
	p.Page.Title = heading + " — " + lc.Campaign.Title
	p.Heading = heading
	p.Message = message
	p.Action = &views.EmbedAction{ID: sa.ID, Title: heading, Form: site.EmbedForm(f), Closed: f.Closed}
	allowFraming(w)
	return s.writePage(w, r, status, views.EmbedPage(p), e.CSP)
}
