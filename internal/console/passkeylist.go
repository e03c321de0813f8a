package console

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"net/http"
	"strconv"

	"github.com/go-webauthn/webauthn/protocol"
	"github.com/go-webauthn/webauthn/webauthn"

	"github.com/placard/placard/internal/accounts"
	"github.com/placard/placard/internal/i18n"
	"github.com/placard/placard/internal/store"
	"github.com/placard/placard/views/admin"
)

// The organiser's passkeys page lists their passkeys (what kind, when
// added, when last used) and removes one. Removing, like adding, needs a
// sign-in from the last accounts.FreshFor. The last passkey is not
// removed when the server sends no email: with no passkey and no emailed
// link, the organiser could not sign in again.

// ActPasskeyRemoved records an organiser removing one of their passkeys.
const ActPasskeyRemoved accounts.Action = "passkey-removed"

// errLastPasskey refuses to remove the only way an organiser signs in.
var errLastPasskey = &httpError{http.StatusConflict, "console.passkey.remove.refused", "console.passkey.remove.last"}

// passkeyRows describes o's passkeys for the page.
func (c *Console) passkeyRows(ctx context.Context, l *i18n.Localizer, o accounts.Organiser, list []accounts.Credential) ([]admin.PasskeyRow, error) {
	pk, ok := c.cfg.Store.(store.Passkeys)
	if !ok {
		return nil, nil
	}
	used, err := pk.CredentialsUsed(ctx, o.ID)
	if err != nil {
		return nil, err
	}
	rows := make([]admin.PasskeyRow, 0, len(list))
	for _, sc := range list {
		id := base64.RawURLEncoding.EncodeToString(sc.ID)
		row := admin.PasskeyRow{ID: id, Added: auditTime(l, sc.CreatedAt), LastUsed: l.T("console.passkey.never")}
		if at, ok := used[string(sc.ID)]; ok {
			row.LastUsed = auditTime(l, at)
		}
		row.Name = passkeyName(l, sc)
		row.Here = c.signedInWith(ctx, sc.ID)
		rows = append(rows, row)
	}
	return rows, nil
}

// passkeyName describes a passkey to its organiser: what kind it is and
// the end of its id ("Security key …x3Fq9A").
func passkeyName(l *i18n.Localizer, sc accounts.Credential) string {
	var wc webauthn.Credential
	_ = json.Unmarshal(sc.Data, &wc) // unreadable: described as "a passkey"
	tail := base64.RawURLEncoding.EncodeToString(sc.ID)
	if len(tail) > 6 {
		tail = tail[len(tail)-6:]
	}
	return l.T(passkeyKind(wc), "id", tail)
}

// signedInWith reports whether the request's session was opened by
// passkey id.
func (c *Console) signedInWith(ctx context.Context, id []byte) bool {
	s, ok := ctx.Value(organiserKey{}).(*signedIn)
	return ok && s.sess.Method == accounts.MethodPasskey && string(s.sess.Passkey) == string(id)
}

// passkeyKind is the catalogue key describing what kind of passkey wc is,
// from what its authenticator said when it was added.
func passkeyKind(wc webauthn.Credential) string {
	has := func(t protocol.AuthenticatorTransport) bool {
		for _, x := range wc.Transport {
			if x == t {
				return true
			}
		}
		return false
	}
	switch {
	case wc.Flags.BackupEligible:
		return "console.passkey.kind.synced"
	case wc.Authenticator.Attachment == protocol.Platform || has(protocol.Internal):
		return "console.passkey.kind.device"
	case has(protocol.USB) || has(protocol.NFC) || has(protocol.BLE):
		return "console.passkey.kind.key"
	case has(protocol.Hybrid):
		return "console.passkey.kind.phone"
	}
	return "console.passkey.kind.other"
}

// passkeyRemove removes one of the signed-in organiser's passkeys (id is
// its credential id, base64url), unless it is their last and the server
// sends no email.
func (c *Console) passkeyRemove(w http.ResponseWriter, r *http.Request) error {
	pk, ok := c.cfg.Store.(store.Passkeys)
	if c.wa == nil || !ok {
		return errNotFound
	}
	if !c.fresh(r, 0) {
		return errStale
	}
	if err := readForm(w, r); err != nil {
		return err
	}
	id, err := base64.RawURLEncoding.DecodeString(r.PostForm.Get("id"))
	if err != nil || len(id) == 0 || len(id) > 1023 {
		return badRequest("console.passkey.remove.gone")
	}
	o, _ := OrganiserFrom(r.Context())
	list, err := c.acc.Credentials(r.Context(), o.ID)
	if err != nil {
		return err
	}
	found := false
	for _, sc := range list {
		found = found || string(sc.ID) == string(id)
	}
	if !found {
		return badRequest("console.passkey.remove.gone")
	}
	if len(list) == 1 && c.cfg.Mail == nil {
		return errLastPasskey
	}
	ended, err := pk.RemoveCredential(r.Context(), o.ID, id)
	if errors.Is(err, store.ErrNotFound) {
		return badRequest("console.passkey.remove.gone")
	} else if err != nil {
		return err
	}
	// The sessions it opened ended with it (a lost phone's, a thief's);
	// the organiser is told how many were still open.
	here, n := c.endedHere(r, ended)
	if err := c.audit(r, o.Org, ActPasskeyRemoved, sessionsEndedDetail(n)); err != nil {
		return err
	}
	if here {
		// This browser signed in with it: it is signed out too, and the
		// sign-in page says why.
		c.clearCookie(w)
		http.Redirect(w, r, Prefix+"/signin?removed=here&ended="+strconv.Itoa(n), http.StatusSeeOther)
		return nil
	}
	done := "1"
	if len(list) == 1 {
		done = "last"
	}
	http.Redirect(w, r, Prefix+"/passkey?removed="+done+"&ended="+strconv.Itoa(n), http.StatusSeeOther)
	return nil
}

// tellPasskeyAdded emails the organiser that a passkey was added to their
// account, so that one added by someone else does not go unnoticed. A
// failure is logged (never the address); the passkey stays.
func (c *Console) tellPasskeyAdded(r *http.Request, o accounts.Organiser) {
	if c.cfg.Mail == nil {
		return
	}
	l := localizer(r)
	who := o.Org
	if who == "" {
		who = c.cfg.SiteName
	}
	body := l.T("console.mail.passkey.body", "org", who, "date", auditTime(l, c.now()), "link", c.base+Prefix+"/passkey")
	err := c.cfg.Mail(r.Context(), Letter{To: o.Email, Lang: l.Lang(), Subject: l.T("console.mail.passkey.subject", "site", c.cfg.SiteName), Body: body})
	if err != nil {
		c.log.Error("queueing the email about a new passkey failed", "err", err)
	}
}

// passkeyUsed records a passkey's sign-in for the passkeys page.
func (c *Console) passkeyUsed(ctx context.Context, id []byte) error {
	if pk, ok := c.cfg.Store.(store.Passkeys); ok {
		return pk.CredentialUsed(ctx, id, c.now())
	}
	return nil
}
