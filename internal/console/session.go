package console

import (
	"context"
	"errors"
	"net/http"
	"time"

	"github.com/placard/placard/internal/accounts"
	"github.com/placard/placard/internal/store"
)

type organiserKey struct{}

// signedIn is what the session middleware puts in the request context.
type signedIn struct {
	org  accounts.Organiser
	hash [32]byte
	sess accounts.Session
}

// fresh reports whether the request's session signed in within
// accounts.FreshFor (and grace more).
func (c *Console) fresh(r *http.Request, grace time.Duration) bool {
	s, ok := r.Context().Value(organiserKey{}).(*signedIn)
	return ok && s.sess.Fresh(c.now().Add(-grace))
}

// OrganiserFrom returns the signed-in organiser of a console request, and
// false when nobody is signed in.
func OrganiserFrom(ctx context.Context) (accounts.Organiser, bool) {
	s, ok := ctx.Value(organiserKey{}).(*signedIn)
	if !ok {
		return accounts.Organiser{}, false
	}
	return s.org, true
}

// session reads the session cookie and, when it names a live session,
// puts its organiser in the request context. A session that is idle or
// past its lifetime (accounts.Session.Ended) is deleted.
// LastSeen is written at most every accounts.TouchEvery.
func (c *Console) session(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ck, err := r.Cookie(c.cookie)
		if err != nil || !accounts.WellFormed(ck.Value) {
			next.ServeHTTP(w, r)
			return
		}
		ctx := r.Context()
		hash := accounts.HashSecret(ck.Value)
		s, err := c.acc.Session(ctx, hash)
		if errors.Is(err, store.ErrNotFound) {
			c.clearCookie(w)
			next.ServeHTTP(w, r)
			return
		}
		if err != nil {
			c.serveError(w, r, err)
			return
		}
		now := c.cfg.Now()
		if s.Ended(now) {
			_ = c.acc.DeleteSession(ctx, hash)
			c.clearCookie(w)
			next.ServeHTTP(w, r)
			return
		}
		if s.Method == accounts.MethodPasskey {
			// Removing a passkey deletes the sessions it opened, but a
			// sign-in with it still under way (here or on another
			// instance) may store its session just after: a session
			// whose passkey is gone signs nobody in, whenever it was
			// stored.
			cred, err := c.acc.Credential(ctx, s.Passkey)
			if errors.Is(err, store.ErrNotFound) || (err == nil && cred.OrganiserID != s.OrganiserID) {
				_ = c.acc.DeleteSession(ctx, hash)
				c.clearCookie(w)
				next.ServeHTTP(w, r)
				return
			}
			if err != nil {
				c.serveError(w, r, err)
				return
			}
		}
		o, err := c.acc.Organiser(ctx, s.OrganiserID)
		if errors.Is(err, store.ErrNotFound) {
			_ = c.acc.DeleteSession(ctx, hash)
			c.clearCookie(w)
			next.ServeHTTP(w, r)
			return
		}
		if err != nil {
			c.serveError(w, r, err)
			return
		}
		if s.Stale(now) {
			if err := c.acc.TouchSession(ctx, hash, now); err != nil {
				c.serveError(w, r, err)
				return
			}
		}
		next.ServeHTTP(w, r.WithContext(context.WithValue(ctx, organiserKey{}, &signedIn{org: o, hash: hash, sess: s})))
	})
}

// requireSignIn sends a visitor who is not signed in to the sign-in page
// (a GET) or refuses them (anything else).
func (c *Console) requireSignIn(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if _, ok := OrganiserFrom(r.Context()); ok {
			next.ServeHTTP(w, r)
			return
		}
		if r.Method == http.MethodGet || r.Method == http.MethodHead {
			http.Redirect(w, r, Prefix+"/signin", http.StatusSeeOther)
			return
		}
		c.serveError(w, r, errForbidden)
	})
}

// signInDetail is how the audit log records each way of signing in (the
// words older entries use too; auditwords.go words them).
var signInDetail = map[accounts.Method]string{
	accounts.MethodPasskey: "passkey", accounts.MethodInvite: "invitation", accounts.MethodLink: "email link",
}

// startSession signs o in: a new random session id (never one the browser
// brought, so a planted cookie cannot be fixed), stored hashed, in a
// cookie that is HttpOnly, SameSite=Lax, Path=/ and Secure (except on
// plain-http loopback). An earlier session of this browser is deleted.
// The session records how it signed in (m) and, for a passkey, which
// one, so that removing that passkey ends it (passkeylist.go).
func (c *Console) startSession(w http.ResponseWriter, r *http.Request, o accounts.Organiser, m accounts.Method, passkey []byte) error {
	ctx := r.Context()
	if ck, err := r.Cookie(c.cookie); err == nil && accounts.WellFormed(ck.Value) {
		_ = c.acc.DeleteSession(ctx, accounts.HashSecret(ck.Value))
	}
	secret, hash := accounts.NewSecret()
	now := c.cfg.Now().UTC()
	if err := c.acc.AddSession(ctx, accounts.Session{Hash: hash, OrganiserID: o.ID, CreatedAt: now, LastSeen: now, Method: m, Passkey: passkey}); err != nil {
		return err
	}
	http.SetCookie(w, &http.Cookie{
		Name: c.cookie, Value: secret, Path: "/",
		HttpOnly: true, Secure: c.secure, SameSite: http.SameSiteLaxMode,
	})
	return c.auditAs(ctx, o.Org, o.Email, accounts.ActSignIn, signInDetail[m])
}

// clearCookie tells the browser to forget the session cookie.
func (c *Console) clearCookie(w http.ResponseWriter) {
	http.SetCookie(w, &http.Cookie{
		Name: c.cookie, Value: "", Path: "/", MaxAge: -1,
		HttpOnly: true, Secure: c.secure, SameSite: http.SameSiteLaxMode,
	})
}

// signOut deletes the session server-side and the cookie.
func (c *Console) signOut(w http.ResponseWriter, r *http.Request) error {
	if s, ok := r.Context().Value(organiserKey{}).(*signedIn); ok {
		if err := c.acc.DeleteSession(r.Context(), s.hash); err != nil {
			return err
		}
		if err := c.auditAs(r.Context(), s.org.Org, s.org.Email, accounts.ActSignOut, ""); err != nil {
			return err
		}
	}
	c.clearCookie(w)
	http.Redirect(w, r, Prefix+"/signin?out=1", http.StatusSeeOther)
	return nil
}

// audit records what the signed-in organiser did in their organisation's
// log (org is the organisation acted on: a site admin acts for others).
// detail must not hold a supporter's address, name or postcode.
// An action whose entry cannot be written answers 500, so nothing is done
// unrecorded without someone hearing of it.
func (c *Console) audit(r *http.Request, org string, act accounts.Action, detail string) error {
	o, _ := OrganiserFrom(r.Context())
	return c.auditAs(r.Context(), org, o.Email, act, detail)
}

func (c *Console) auditAs(ctx context.Context, org, actor string, act accounts.Action, detail string) error {
	e := accounts.AuditEntry{Org: org, Actor: actor, Action: act, Detail: detail, At: c.cfg.Now()}
	return c.acc.AddAudit(context.WithoutCancel(ctx), &e)
}

// now is the console's clock.
func (c *Console) now() time.Time { return c.cfg.Now() }
