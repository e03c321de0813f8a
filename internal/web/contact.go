package web

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/go-chi/httprate"

	"github.com/placard/placard/internal/campaign"
	"github.com/placard/placard/internal/formtoken"
	"github.com/placard/placard/internal/i18n"
	"github.com/placard/placard/internal/site"
	"github.com/placard/placard/internal/store"
	"github.com/placard/placard/internal/targets"
	"github.com/placard/placard/views"
)

// A contact action's own page (issue 16): GET …/contact/ACTION finds the
// supporter's representatives from ?postcode= (never stored or logged: the
// request log has the path only, and the page sends no referrer), and POST
// …/contact/ACTION/called counts one anonymous call.

// maxCalledBody bounds an "I called" POST: a few short fields.
const maxCalledBody = 4 << 10

// calledSuffix ends the address the "I called" form posts to.
const calledSuffix = "/called"

// outcomes are the answers the "I called" form offers.
var outcomes = []string{"staff", "voicemail", "no-answer"}

var (
	errCallsOff = &httpError{status: http.StatusServiceUnavailable,
		heading: "error.calls.off.heading", message: "error.calls.off.message"}
	errCallClosed = &httpError{status: http.StatusGone,
		heading: "error.calls.closed.heading", message: "error.calls.closed.message"}
	errNoSuchTarget = &httpError{status: http.StatusBadRequest,
		heading: "error.calls.target.heading", message: "error.calls.target.message"}
	errLookupLimited = &httpError{status: http.StatusTooManyRequests,
		heading: "error.limited.heading", message: "error.limited.message"}
)

var hvAllowGetPost = []string{"GET, HEAD, POST"}

// contactRoute serves a contact action's page and its "I called" form,
// behind the signing form's guards: the cross-origin check for the POST,
// and a per-client rate limit of its own for lookups and calls alike.
func (s *Server) contactRoute() http.Handler {
	var h http.Handler = s.handle(s.contact)
	if s.cfg.RateLimit > 0 {
		h = httprate.LimitBy(s.cfg.RateLimit, time.Minute,
			func(r *http.Request) (string, error) { return s.keyer.key(r), nil },
			httprate.WithLimitHandler(func(w http.ResponseWriter, r *http.Request) {
				s.serveError(w, r, inLang(errLookupLimited, s.contactLoc(r)))
			}),
			httprate.WithErrorHandler(func(w http.ResponseWriter, r *http.Request, err error) {
				s.serveError(w, r, inLang(errCallsOff, s.contactLoc(r)))
			}),
		)(h)
	}
	cop := http.NewCrossOriginProtection()
	_ = cop.AddTrustedOrigin(s.base)
	cop.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.serveError(w, r, inLang(errCrossOrigin, s.contactLoc(r)))
	}))
	return cop.Handler(h)
}

// contactLoc is the localizer of the contact action a request refused by
// contactRoute's guards was for, or nil (the reader's language).
func (s *Server) contactLoc(r *http.Request) *i18n.Localizer {
	snap := s.snap.Load()
	ca := snap.Contacts[r.URL.Path]
	for _, suffix := range []string{calledSuffix, writeSuffix, confirmSuffix} {
		if p, ok := strings.CutSuffix(r.URL.Path, suffix); ca == nil && ok {
			ca = snap.Contacts[p]
		}
	}
	if ca == nil {
		return nil
	}
	return ca.Loc
}

// contact answers both addresses of a contact action's page.
func (s *Server) contact(w http.ResponseWriter, r *http.Request) error {
	snap := s.snap.Load()
	// The page itself first: an action may be called "write" or "called".
	if ca := snap.Contacts[r.URL.Path]; ca != nil {
		return inLang(s.contactPage(w, r, ca), ca.Loc)
	}
	for _, step := range []struct {
		suffix string
		h      func(http.ResponseWriter, *http.Request, *site.ContactAction) error
	}{{calledSuffix, s.called}, {writeSuffix, s.write}, {confirmSuffix, s.confirmWrite}} {
		if p, ok := strings.CutSuffix(r.URL.Path, step.suffix); ok {
			ca := snap.Contacts[p]
			if ca == nil {
				break
			}
			// A refusal is in the language of the action's page.
			return inLang(step.h(w, r, ca), ca.Loc)
		}
	}
	if to, ok := movedContact(snap, r.URL.Path); ok {
		// A renamed campaign's old address: the page, and a form open
		// since before the rename (308 keeps the method and the form).
		code := http.StatusMovedPermanently
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			code = http.StatusPermanentRedirect
		}
		w.Header()["Cache-Control"] = hvNoStore
		http.Redirect(w, r, to+queryOf(r), code)
		return nil
	}
	return errNotFound
}

// movedContact is the address a contact action's page or step (path) has
// under its campaign's new name (org.yaml's redirects), when there is one.
func movedContact(snap *site.Snapshot, path string) (string, bool) {
	to, ok := movedUnder(snap, path)
	if !ok {
		return "", false
	}
	if snap.Contacts[to] != nil {
		return to, true
	}
	for _, suffix := range []string{calledSuffix, writeSuffix, confirmSuffix} {
		if p, ok := strings.CutSuffix(to, suffix); ok && snap.Contacts[p] != nil {
			return to, true
		}
	}
	return "", false
}

// contactPage answers GET …/contact/ACTION.
func (s *Server) contactPage(w http.ResponseWriter, r *http.Request, ca *site.ContactAction) error {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header()["Allow"] = hvAllowGetPost
		return &httpError{status: http.StatusMethodNotAllowed, heading: "error.contact.method.heading",
			message: "error.contact.method.message"}
	}
	q := r.URL.Query()
	p, status := s.contactProps(r.Context(), ca, q.Get("postcode"), q.Get("district"))
	if id := q.Get("called"); id != "" {
		s.thank(ca, &p, id)
	}
	p.Notice = writeNotice(ca, q)
	switch q.Get("again") {
	case "expired":
		p.Again = ca.Loc.T("contact.called.again")
	case "choose":
		p.Again = ca.Loc.T("contact.called.choose")
	}
	// The address holds the postcode: no referrer leaves this page.
	w.Header()["Referrer-Policy"] = hvNoReferrer
	w.Header()["X-Robots-Tag"] = []string{"noindex"}
	return s.writePage(w, r, status, views.ContactPage(p), ca.CSP)
}

// contactProps builds the page for what the supporter typed: their own
// representatives first when the postcode is found, then everyone else.
func (s *Server) contactProps(ctx context.Context, ca *site.ContactAction, typed, district string) (views.ContactPageProps, int) {
	now := s.cfg.Now()
	ct := ca.Contact
	title := ca.Action.Title
	if title == "" {
		title = ca.Campaign.Title
	}
	p := views.ContactPageProps{
		Page: ca.Frame, Title: title, CampaignTitle: ca.Campaign.Title, CampaignURL: ca.CampaignPath,
		Closed: site.ClosedNow(ca.Campaign, now) || s.outreach() == nil,
	}
	status := http.StatusOK
	var mine []string // the districts whose targets come first
	if ct.LookupTable != nil {
		p.LookupAction = ca.Path
		if strings.TrimSpace(typed) != "" {
			code, err := targets.Normalise(typed)
			var ds []string
			if err == nil {
				ds, err = ct.LookupTable.Find(code)
			}
			switch {
			case errors.Is(err, targets.ErrUnknownCode):
				p.Postcode, p.Problem = code, ca.Loc.T("contact.unknown")
			case err != nil:
				p.Problem = ca.Loc.T("contact.bad")
				status = http.StatusBadRequest
			default:
				p.Postcode = code
				mine = ds
				if len(ds) > 1 {
					for _, d := range ds {
						cur := strings.EqualFold(d, strings.TrimSpace(district))
						if cur {
							p.District, mine = d, []string{d}
						}
						p.Districts = append(p.Districts, views.ContactDistrict{Name: d, Current: cur,
							URL: ca.Path + "?" + url.Values{"postcode": {code}, "district": {d}}.Encode() + "#yours"})
					}
				} else {
					p.District = ds[0]
				}
			}
		}
	}
	tok := s.tokens.Issue(ca.Path, now)
	for _, t := range ct.Targets {
		v := s.callTarget(ca, t, p.Postcode, p.District, tok)
		if slices.ContainsFunc(mine, func(d string) bool { return strings.EqualFold(d, t.Region) }) {
			p.Yours = append(p.Yours, v)
		} else {
			p.Others = append(p.Others, v)
		}
	}
	if n := s.callsMade(ctx, ca); n > 0 {
		p.Calls = ca.Loc.N("n.calls", int(n))
	}
	return p, status
}

// callTarget is one target with the script filled in for them.
func (s *Server) callTarget(ca *site.ContactAction, t campaign.Target, postcode, district, tok string) views.CallTarget {
	v := views.CallTarget{
		ID: t.ID, Name: t.Name, Role: t.Role, Region: t.Region, Party: t.Party, Hours: t.Hours, Address: t.Address, Email: t.Email,
		ScriptHTML: site.FillScript(ca.Script, t.Name, t.Role, postcode),
		Form:       views.CallForm{Action: ca.Path + calledSuffix, Token: tok, Target: t.ID, Postcode: postcode, District: district},
		Photo:      ca.Photos[t.ID],
	}
	v.Write = s.writeForm(ca, t, s.tokens.Issue(ca.Path+writeSuffix, s.cfg.Now()))
	if postcode == "" {
		v.ScriptHTML = site.FillScript(ca.Script, t.Name, t.Role, ca.Loc.T("contact.placeholder.code"))
	}
	for _, ph := range t.Phones {
		if u := targets.TelURL(ph); u != "" {
			v.Phones = append(v.Phones, views.PhoneLink{Number: ph, TelURL: u})
		}
	}
	if t.Email != "" {
		v.MailtoURL = site.MailtoURL(t.Email, ca.Subject, ca.Message)
		v.GmailURL = site.GmailURL(t.Email, ca.Subject, ca.Message)
		v.OutlookURL = site.OutlookURL(t.Email, ca.Subject, ca.Message)
	}
	return v
}

// thank fills the thank-you after "I called" for the target id, and the
// next target to call: the next on the page, in its order, with a phone.
func (s *Server) thank(ca *site.ContactAction, p *views.ContactPageProps, id string) {
	all := append(slices.Clone(p.Yours), p.Others...)
	i := slices.IndexFunc(all, func(t views.CallTarget) bool { return t.ID == id })
	if i < 0 {
		return
	}
	p.Thanked = ca.Loc.T("contact.called.thanks", "name", all[i].Name)
	for _, t := range all[i+1:] {
		if len(t.Phones) > 0 {
			p.Next = &t
			return
		}
	}
	p.Done = true
}

// outreach is the store's outreach counts, or nil without a store.
func (s *Server) outreach() store.Outreach {
	o, _ := s.cfg.Store.(store.Outreach)
	return o
}

// callsMade is how many calls the action has counted (0 on any error:
// the figure is a nicety, never worth failing the page).
func (s *Server) callsMade(ctx context.Context, ca *site.ContactAction) int64 {
	o := s.outreach()
	if o == nil {
		return 0
	}
	counts, err := o.OutreachCounts(ctx, ca.Campaign.Org.Slug, ca.Campaign.Slug)
	if err != nil {
		s.log.Warn("reading outreach counts failed", "campaign", ca.Key, "err", err)
		return 0
	}
	var n int64
	for _, c := range counts {
		if c.Action == ca.ID && c.Kind == store.OutreachCall {
			n += c.Count
		}
	}
	return n
}

// called counts one call: POST …/contact/ACTION/called with the target and
// the outcome, then 303 back to the page, which thanks and offers the next
// target. Only the campaign, action, target, outcome and hour are kept.
func (s *Server) called(w http.ResponseWriter, r *http.Request, ca *site.ContactAction) error {
	if r.Method != http.MethodPost {
		w.Header()["Allow"] = hvAllowPost
		return &httpError{status: http.StatusMethodNotAllowed, heading: "error.called.method.heading",
			message: "error.called.method.message"}
	}
	if mt, _, _ := strings.Cut(r.Header.Get("Content-Type"), ";"); !strings.EqualFold(strings.TrimSpace(mt), "application/x-www-form-urlencoded") {
		return errNotForm
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxCalledBody)
	if err := r.ParseForm(); err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return errTooLarge
		}
		return errBadForm
	}
	now := s.cfg.Now()
	o := s.outreach()
	switch {
	case o == nil:
		return errCallsOff
	case site.ClosedNow(ca.Campaign, now):
		return errCallClosed
	}
	f := r.PostForm
	id := f.Get("target")
	if !slices.ContainsFunc(ca.Contact.Targets, func(t campaign.Target) bool { return t.ID == id && id != "" }) {
		return errNoSuchTarget
	}
	back := url.Values{}
	if code, err := targets.Normalise(f.Get("postcode")); err == nil && ca.Contact.LookupTable != nil {
		back.Set("postcode", code)
		if ds, err := ca.Contact.LookupTable.Find(code); err == nil {
			if i := slices.IndexFunc(ds, func(d string) bool { return strings.EqualFold(d, f.Get("district")) }); i >= 0 {
				back.Set("district", ds[i])
			}
		}
	}
	outcome := f.Get("outcome")
	if !slices.Contains(outcomes, outcome) {
		back.Set("again", "choose")
		http.Redirect(w, r, ca.Path+"?"+back.Encode()+"#target-"+id, http.StatusSeeOther)
		return nil
	}
	client := s.keyer.key(r)
	tok := f.Get("token")
	problem, issued := s.tokens.Check(ca.Path, tok, now)
	if problem != formtoken.OK || !s.used.Claim(tok, client, issued, now) {
		back.Set("again", "expired")
		http.Redirect(w, r, ca.Path+"?"+back.Encode()+"#target-"+id, http.StatusSeeOther)
		return nil
	}
	ctx, cancel := context.WithTimeout(r.Context(), signTimeout)
	defer cancel()
	if err := o.RecordOutreach(ctx, store.OutreachEvent{Org: ca.Campaign.Org.Slug, Campaign: ca.Campaign.Slug, Action: ca.ID,
		Target: id, Kind: store.OutreachCall, Outcome: outcome, At: now}); err != nil {
		s.used.Release(tok, client, issued)
		s.log.Error("counting a call failed", "campaign", ca.Key, "err", err)
		return errCallsOff
	}
	back.Set("called", id)
	http.Redirect(w, r, ca.Path+"?"+back.Encode(), http.StatusSeeOther)
	return nil
}
