package console

import (
	"bytes"
	"encoding/json"
	"errors"
	"net/http"

	"github.com/go-webauthn/webauthn/protocol"
	"github.com/go-webauthn/webauthn/webauthn"

	"github.com/placard/placard/internal/accounts"
	"github.com/placard/placard/internal/store"
	"github.com/placard/placard/views/admin"
)

// Passkeys (WebAuthn, github.com/go-webauthn/webauthn). Each ceremony has
// two requests: begin answers the options for navigator.credentials and
// keeps the challenge server-side (a PurposePasskey token, whose secret
// rides in a short-lived cookie); finish checks the browser's answer
// against it. Sign-in uses discoverable credentials, so the organiser types
// nothing: the passkey names its organiser through its user handle.

// ceremonyCookie carries a ceremony's token between begin and finish.
func (c *Console) ceremonyCookie() string {
	if c.secure {
		return "__Host-placard-passkey"
	}
	return "placard-passkey"
}

// user adapts an organiser and their passkeys to the library.
type user struct {
	o     accounts.Organiser
	creds []webauthn.Credential
	// handle, when set, is the user handle the passkey signing in
	// presents: one moved here from a merged account keeps the handle of
	// the account that went (accounts.Credential.Handle).
	handle []byte
}

// userHandle is the organiser's id as the passkey's user handle: an
// opaque number, never their address.
func userHandle(id int64) []byte { return accounts.UserHandle(id) }

func (u *user) WebAuthnID() []byte {
	if u.handle != nil {
		return u.handle
	}
	return userHandle(u.o.ID)
}
func (u *user) WebAuthnName() string                       { return u.o.Email }
func (u *user) WebAuthnDisplayName() string                { return u.o.Email }
func (u *user) WebAuthnCredentials() []webauthn.Credential { return u.creds }

// loadUser reads an organiser's passkeys.
func (c *Console) loadUser(r *http.Request, o accounts.Organiser) (*user, error) {
	list, err := c.acc.Credentials(r.Context(), o.ID)
	if err != nil {
		return nil, err
	}
	u := &user{o: o}
	for _, sc := range list {
		var wc webauthn.Credential
		if err := json.Unmarshal(sc.Data, &wc); err != nil {
			return nil, err
		}
		u.creds = append(u.creds, wc)
	}
	return u, nil
}

// keepCeremony stores the challenge and sets the ceremony cookie.
func (c *Console) keepCeremony(w http.ResponseWriter, r *http.Request, organiserID int64, sd *webauthn.SessionData) error {
	data, err := json.Marshal(sd)
	if err != nil {
		return err
	}
	secret, hash := accounts.NewSecret()
	if err := c.acc.AddToken(r.Context(), accounts.Token{Hash: hash, Purpose: accounts.PurposePasskey, OrganiserID: organiserID, Data: data, ExpiresAt: c.now().Add(accounts.PasskeyTTL)}); err != nil {
		return err
	}
	http.SetCookie(w, &http.Cookie{Name: c.ceremonyCookie(), Value: secret, Path: Prefix, MaxAge: int(accounts.PasskeyTTL.Seconds()),
		HttpOnly: true, Secure: c.secure, SameSite: http.SameSiteStrictMode})
	return nil
}

// takeCeremony spends the ceremony the cookie names.
func (c *Console) takeCeremony(w http.ResponseWriter, r *http.Request) (accounts.Token, webauthn.SessionData, error) {
	var sd webauthn.SessionData
	ck, err := r.Cookie(c.ceremonyCookie())
	http.SetCookie(w, &http.Cookie{Name: c.ceremonyCookie(), Value: "", Path: Prefix, MaxAge: -1, HttpOnly: true, Secure: c.secure, SameSite: http.SameSiteStrictMode})
	if err != nil || !accounts.WellFormed(ck.Value) {
		return accounts.Token{}, sd, errExpired
	}
	t, err := c.acc.TakeToken(r.Context(), accounts.HashSecret(ck.Value), accounts.PurposePasskey, c.now())
	if errors.Is(err, store.ErrNotFound) {
		return t, sd, errExpired
	}
	if err != nil {
		return t, sd, err
	}
	if err := json.Unmarshal(t.Data, &sd); err != nil {
		return t, sd, err
	}
	return t, sd, nil
}

// writeJSON answers v as JSON.
func writeJSON(w http.ResponseWriter, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/json")
	w.Write(b)
	return nil
}

// ActPasskeyCopied records a passkey sign-in refused because the key's
// signature counter went back (a copied key).
const ActPasskeyCopied accounts.Action = "passkey-copied"

// passkeyFailed is a 400 for a ceremony the library refused (a cancelled
// prompt, a wrong origin, a passkey nobody registered).
var passkeyFailed = &httpError{http.StatusBadRequest, "console.err.passkey", "console.err.passkey.text"}

// errStale refuses a passkey ceremony to a session signed in more than
// accounts.FreshFor ago: sign in again first.
var errStale = &httpError{http.StatusForbidden, "console.passkey", "console.passkey.stale"}

// passkeyPage lists the organiser's passkeys, with Remove, and offers to
// register one; a session signed in more than accounts.FreshFor ago sees
// the list and is asked to sign in again first to change it.
func (c *Console) passkeyPage(w http.ResponseWriter, r *http.Request) error {
	if c.wa == nil {
		return errNotFound
	}
	o, _ := OrganiserFrom(r.Context())
	list, err := c.acc.Credentials(r.Context(), o.ID)
	if err != nil {
		return err
	}
	p := c.page(r, localizer(r).T("console.passkeys"))
	rows, err := c.passkeyRows(r.Context(), p.L, o, list)
	if err != nil {
		return err
	}
	k := admin.Passkey{Next: Prefix, Count: len(list), Keys: rows}
	if !c.fresh(r, 0) {
		k.Stale, k.StaleText, k.StaleLink, k.StaleURL = true, p.L.T("console.passkey.stale"), p.L.T("console.passkey.stale.link"), Prefix+"/signin"
	} else {
		p.ScriptURL = c.jsURL
		k.Begin, k.Finish = Prefix+"/passkey/begin", Prefix+"/passkey/finish"
		if _, ok := c.cfg.Store.(store.Passkeys); ok {
			k.RemoveAction = Prefix + "/passkey/remove"
		}
		if cur, ok := r.Context().Value(organiserKey{}).(*signedIn); ok && cur.sess.Method == accounts.MethodUnknown && len(list) > 0 {
			// Removing any passkey ends a session whose way in was not
			// recorded (passkeylist.go): say so before it happens.
			k.HereNote = p.L.T("console.passkey.here.unknown")
		}
		switch {
		case len(list) == 1 && c.cfg.Mail == nil:
			k.RemoveAction, k.LastNote = "", p.L.T("console.passkey.only")
		case len(list) == 1:
			k.LastNote = p.L.T("console.passkey.only.email")
		}
	}
	switch q := r.URL.Query(); {
	case q.Get("added") != "":
		p.Notice = p.L.T("console.passkey.added")
	case q.Get("removed") == "last":
		p.Notice = p.L.T("console.passkey.removed.last") + " " + p.L.N("console.passkey.ended", countParam(q.Get("ended")))
	case q.Get("removed") != "":
		p.Notice = p.L.T("console.passkey.removed") + " " + p.L.N("console.passkey.ended", countParam(q.Get("ended")))
	}
	c.render(w, r, http.StatusOK, admin.PasskeyPage(p, k))
	return nil
}

// passkeyRegisterBegin starts registering a passkey for the signed-in
// organiser: a discoverable credential, user verification required. Only
// a session signed in within accounts.FreshFor may.
func (c *Console) passkeyRegisterBegin(w http.ResponseWriter, r *http.Request) error {
	if c.wa == nil {
		return errNotFound
	}
	if !c.fresh(r, 0) {
		return errStale
	}
	o, _ := OrganiserFrom(r.Context())
	u, err := c.loadUser(r, o)
	if err != nil {
		return err
	}
	opts, sd, err := c.wa.BeginRegistration(u,
		webauthn.WithResidentKeyRequirement(protocol.ResidentKeyRequirementRequired),
		webauthn.WithExclusions(webauthn.Credentials(u.creds).CredentialDescriptors()),
	)
	if err != nil {
		return err
	}
	if err := c.keepCeremony(w, r, o.ID, sd); err != nil {
		return err
	}
	return writeJSON(w, opts)
}

// passkeyRegisterFinish checks the new passkey and stores it.
func (c *Console) passkeyRegisterFinish(w http.ResponseWriter, r *http.Request) error {
	if c.wa == nil {
		return errNotFound
	}
	if !c.fresh(r, accounts.PasskeyTTL) { // begun in time, it may take its prompt's time
		return errStale
	}
	o, _ := OrganiserFrom(r.Context())
	t, sd, err := c.takeCeremony(w, r)
	if err != nil {
		return err
	}
	if t.OrganiserID != o.ID {
		return errExpired
	}
	u, err := c.loadUser(r, o)
	if err != nil {
		return err
	}
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	cred, err := c.wa.FinishRegistration(u, sd, r)
	if err != nil {
		return passkeyFailed
	}
	data, err := json.Marshal(cred)
	if err != nil {
		return err
	}
	if err := c.acc.AddCredential(r.Context(), accounts.Credential{ID: cred.ID, OrganiserID: o.ID, Data: data, CreatedAt: c.now().UTC(), SignCount: cred.Authenticator.SignCount}); err != nil {
		if errors.Is(err, store.ErrExists) {
			return passkeyFailed
		}
		return err
	}
	if err := c.audit(r, o.Org, accounts.ActPasskey, ""); err != nil {
		return err
	}
	c.tellPasskeyAdded(r, o)
	return writeJSON(w, map[string]string{"next": Prefix + "/passkey?added=1"})
}

// passkeySignInBegin starts a discoverable sign-in, user verification
// required: the passkey is the only thing asked for.
func (c *Console) passkeySignInBegin(w http.ResponseWriter, r *http.Request) error {
	if c.wa == nil {
		return errNotFound
	}
	opts, sd, err := c.wa.BeginDiscoverableLogin(webauthn.WithUserVerification(protocol.VerificationRequired))
	if err != nil {
		return err
	}
	if err := c.keepCeremony(w, r, 0, sd); err != nil {
		return err
	}
	return writeJSON(w, opts)
}

// passkeySignInFinish checks the assertion, finds the organiser by the
// passkey's user handle and signs them in with a new session.
func (c *Console) passkeySignInFinish(w http.ResponseWriter, r *http.Request) error {
	if c.wa == nil {
		return errNotFound
	}
	_, sd, err := c.takeCeremony(w, r)
	if err != nil {
		return err
	}
	var who accounts.Organiser
	var found *user
	handler := func(rawID, handle []byte) (webauthn.User, error) {
		// The passkey names its organiser: the stored credential's, when
		// the handle is the one it was made with (its organiser's id, or
		// the id of a merged account it moved from).
		stored, err := c.acc.Credential(r.Context(), rawID)
		if err != nil || !bytes.Equal(stored.Handle(), handle) {
			return nil, errors.New("unknown passkey")
		}
		o, err := c.acc.Organiser(r.Context(), stored.OrganiserID)
		if err != nil {
			return nil, err
		}
		u, err := c.loadUser(r, o)
		if err != nil {
			return nil, err
		}
		u.handle = handle
		who, found = o, u
		return u, nil
	}
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	cred, err := c.wa.FinishDiscoverableLogin(handler, sd, r)
	if err != nil || found == nil {
		return passkeyFailed
	}
	copied := func() error {
		// The signature counter went back: this is a copy of the key, or
		// the original after its copy was used. Neither signs in; the
		// organisation's log says so, and the stored counter is kept.
		if err := c.auditAs(r.Context(), who.Org, who.Email, ActPasskeyCopied, ""); err != nil {
			return err
		}
		return passkeyFailed
	}
	if cred.Authenticator.CloneWarning {
		return copied()
	}
	data, err := json.Marshal(cred)
	if err != nil {
		return err
	}
	// The library compared the counter with the one read above; the
	// store compares it again as it writes (a compare-and-set), since
	// another sign-in with this passkey, on any instance, may have stored
	// a higher one since. Such a sign-in lost the race is refused as a
	// copy would be had it come second: its counter is no longer ahead,
	// and accepting it would let a copy through whenever it races the
	// original. ErrNotFound: the passkey was removed during this sign-in.
	switch err := c.acc.UpdateCredential(r.Context(), cred.ID, data, cred.Authenticator.SignCount); {
	case errors.Is(err, store.ErrCounterBehind):
		return copied()
	case errors.Is(err, store.ErrNotFound):
		return passkeyFailed
	case err != nil:
		return err
	}
	if err := c.passkeyUsed(r.Context(), cred.ID); errors.Is(err, store.ErrNotFound) {
		return passkeyFailed
	} else if err != nil {
		return err
	}
	if err := c.startSession(w, r, who, accounts.MethodPasskey, cred.ID); err != nil {
		return err
	}
	return writeJSON(w, map[string]string{"next": Prefix})
}
