package console

import (
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"

	"github.com/placard/placard/internal/accounts"
	"github.com/placard/placard/internal/i18n"
	"github.com/placard/placard/internal/store"
	"github.com/placard/placard/views/admin"
)

// The organiser's sessions page lists the browsers signed in as them —
// when each signed in, how (which passkey, an emailed link, an
// invitation) and when it was last used; no address or user agent is
// kept, so none is shown — and ends one, or every other ("Sign out
// everywhere else"). Ending a session needs no fresh sign-in: it only
// takes access away.

// Audited session actions.
const (
	// ActSessionEnded records an organiser ending one of their sessions.
	ActSessionEnded accounts.Action = "session-ended"
	// ActSignedOutElsewhere records an organiser ending every session but
	// the one they use.
	ActSignedOutElsewhere accounts.Action = "signed-out-elsewhere"
)

// sessionsEndedDetail is the audit detail saying how many open sessions
// an action ended (auditwords.go words it).
func sessionsEndedDetail(n int) string { return fmt.Sprintf("%d sessions ended", n) }

// endedHere reports whether the request's own session is among ended,
// and how many of ended were still open (not idle or past their
// lifetime) — the ones that could still sign in.
func (c *Console) endedHere(r *http.Request, ended []accounts.Session) (here bool, open int) {
	cur, _ := r.Context().Value(organiserKey{}).(*signedIn)
	now := c.now()
	for _, s := range ended {
		if cur != nil && s.Hash == cur.hash {
			here = true
		}
		if !s.Ended(now) {
			open++
		}
	}
	return here, open
}

// sessionID is the name the page gives a session: derived from its hash
// (itself a hash of the cookie), so the page shows nothing that signs in
// or that the database holds, and a form can name only a session of the
// organiser asking.
func sessionID(hash [32]byte) string {
	sum := sha256.Sum256(append([]byte("placard console session\x00"), hash[:]...))
	return base64.RawURLEncoding.EncodeToString(sum[:15])
}

// sessionsPage lists the signed-in organiser's open sessions, this
// browser's first.
func (c *Console) sessionsPage(w http.ResponseWriter, r *http.Request) error {
	ss, ok := c.cfg.Store.(store.Sessions)
	if !ok {
		return errNotFound
	}
	cur, _ := r.Context().Value(organiserKey{}).(*signedIn)
	o := cur.org
	list, err := ss.OrganiserSessions(r.Context(), o.ID)
	if err != nil {
		return err
	}
	creds, err := c.acc.Credentials(r.Context(), o.ID)
	if err != nil {
		return err
	}
	p := c.page(r, localizer(r).T("console.sessions"))
	v := admin.Sessions{EndAction: Prefix + "/sessions/end", SignOutURL: p.SignOutURL}
	now := c.now()
	for _, s := range list {
		if s.Ended(now) {
			continue // signs nobody in; deleted when its cookie comes back
		}
		row := admin.SessionRow{
			ID: sessionID(s.Hash), Opened: auditTime(p.L, s.CreatedAt), LastSeen: auditTime(p.L, s.LastSeen),
			How: sessionHow(p.L, s, creds), Here: s.Hash == cur.hash,
		}
		if row.Here {
			v.Rows = slices.Insert(v.Rows, 0, row)
			continue
		}
		v.Rows = append(v.Rows, row)
		v.Others++
	}
	switch q := r.URL.Query(); {
	case q.Get("done") == "one":
		p.Notice = p.L.T("console.sessions.ended")
	case q.Get("done") == "others":
		p.Notice = p.L.N("console.sessions.others.ended", countParam(q.Get("n")))
	}
	c.render(w, r, http.StatusOK, admin.SessionsPage(p, v))
	return nil
}

// countParam reads a count a redirect carries; anything else is 0.
func countParam(s string) int {
	n, err := strconv.Atoi(s)
	if err != nil || n < 0 || n > 1_000_000 {
		return 0
	}
	return n
}

// sessionHow says how a session signed in: the passkey's name, an
// emailed link, an invitation, or that it was not recorded.
func sessionHow(l *i18n.Localizer, s accounts.Session, creds []accounts.Credential) string {
	switch s.Method {
	case accounts.MethodPasskey:
		for _, sc := range creds {
			if string(sc.ID) == string(s.Passkey) {
				return passkeyName(l, sc)
			}
		}
		return passkeyName(l, accounts.Credential{ID: s.Passkey})
	case accounts.MethodLink:
		return l.T("console.sessions.how.link")
	case accounts.MethodInvite:
		return l.T("console.sessions.how.invitation")
	}
	return l.T("console.sessions.how.unknown")
}

// sessionsEnd ends one of the signed-in organiser's sessions (id=…), or
// every other one (others=1). Ending this browser's own session signs it
// out.
func (c *Console) sessionsEnd(w http.ResponseWriter, r *http.Request) error {
	ss, ok := c.cfg.Store.(store.Sessions)
	if !ok {
		return errNotFound
	}
	if err := readForm(w, r); err != nil {
		return err
	}
	cur, _ := r.Context().Value(organiserKey{}).(*signedIn)
	o := cur.org
	if r.PostForm.Get("others") != "" {
		ended, err := ss.EndOtherSessions(r.Context(), o.ID, cur.hash)
		if err != nil {
			return err
		}
		_, n := c.endedHere(r, ended)
		if err := c.audit(r, o.Org, ActSignedOutElsewhere, sessionsEndedDetail(n)); err != nil {
			return err
		}
		http.Redirect(w, r, Prefix+"/sessions?done=others&n="+strconv.Itoa(n), http.StatusSeeOther)
		return nil
	}
	id := r.PostForm.Get("id")
	if id == "" || len(id) > 64 {
		return badRequest("console.sessions.gone")
	}
	list, err := ss.OrganiserSessions(r.Context(), o.ID)
	if err != nil {
		return err
	}
	i := slices.IndexFunc(list, func(s accounts.Session) bool { return sessionID(s.Hash) == id })
	if i < 0 {
		return badRequest("console.sessions.gone")
	}
	if err := ss.EndSession(r.Context(), o.ID, list[i].Hash); errors.Is(err, store.ErrNotFound) {
		return badRequest("console.sessions.gone")
	} else if err != nil {
		return err
	}
	if list[i].Hash == cur.hash {
		if err := c.audit(r, o.Org, accounts.ActSignOut, ""); err != nil {
			return err
		}
		c.clearCookie(w)
		http.Redirect(w, r, Prefix+"/signin?out=1", http.StatusSeeOther)
		return nil
	}
	if err := c.audit(r, o.Org, ActSessionEnded, ""); err != nil {
		return err
	}
	http.Redirect(w, r, Prefix+"/sessions?done=one", http.StatusSeeOther)
	return nil
}
