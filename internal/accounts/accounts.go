// Package accounts is who may use the organisers' console and what they may
// do: organisers and their roles, the one-time tokens that invite them or
// sign them in, server-side sessions with an idle timeout, passkey
// credentials and the audit log's entries. It knows nothing of HTTP or SQL:
// internal/console speaks HTTP, store.Accounts keeps the rows.
//
// Every secret handed to a person (an invitation link, an emailed sign-in
// link, a session cookie) is 32 random bytes; only its SHA-256 is stored, so
// a copy of the database signs nobody in.
package accounts

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"strconv"
	"strings"
	"time"
)

// Role is what an organiser may do.
type Role string

// The roles. An editor changes their organisation's campaigns and data; a
// viewer only reads them; a site admin runs the installation and may act
// for every organisation.
const (
	RoleEditor    Role = "editor"
	RoleViewer    Role = "viewer"
	RoleSiteAdmin Role = "site-admin"
)

// ParseRole reads a role as typed on the command line.
func ParseRole(s string) (Role, error) {
	switch r := Role(strings.ToLower(strings.TrimSpace(s))); r {
	case RoleEditor, RoleViewer, RoleSiteAdmin:
		return r, nil
	}
	return "", errors.New("the role must be editor or viewer (or site-admin, given with --site-admin)")
}

// Organiser is one person's account for one organisation (a site admin's
// Org is empty). The same address invited by two organisations is two
// organisers, each signed in separately: a session never spans two
// organisations.
type Organiser struct {
	ID        int64
	Org       string
	Email     string
	Role      Role
	CreatedAt time.Time
}

// CanSee reports whether o may read org's console pages.
func (o Organiser) CanSee(org string) bool {
	return o.Role == RoleSiteAdmin || (org != "" && o.Org == org)
}

// CanChange reports whether o may change org's campaigns or data:
// moderate, erase, save files. Exports read personal data, so they need
// this too (a viewer sees counts, not people).
func (o Organiser) CanChange(org string) bool {
	return o.CanSee(org) && o.Role != RoleViewer
}

// Purpose says what a Token is for; TakeToken only returns a token for the
// purpose asked.
type Purpose string

// Token purposes.
const (
	// PurposeInvite signs a new organiser in once (then they add a passkey).
	PurposeInvite Purpose = "invite"
	// PurposeLink is an emailed single-use sign-in link.
	PurposeLink Purpose = "link"
	// PurposeReplaced is an invitation a newer one for the same organiser
	// replaced: it signs nobody in, and its link says it was replaced.
	PurposeReplaced Purpose = "invite-replaced"
	// PurposePasskey holds a passkey ceremony's challenge between its two
	// requests (Data is the library's session data).
	PurposePasskey Purpose = "passkey"
)

// Lifetimes of tokens and sessions.
const (
	// InviteTTL is how long an invitation link works: long enough for a
	// busy volunteer, short enough that a forgotten email goes stale.
	InviteTTL = 7 * 24 * time.Hour
	// LinkTTL is how long an emailed sign-in link works.
	LinkTTL = 15 * time.Minute
	// PasskeyTTL is how long a passkey prompt may stay open.
	PasskeyTTL = 5 * time.Minute
	// IdleTimeout ends a session nobody has used for this long.
	IdleTimeout = 2 * time.Hour
	// MaxLifetime ends a session this long after sign-in, however busy:
	// a cookie copied from a shared computer, or kept alive by a tab left
	// open, stops working by the next day.
	MaxLifetime = 12 * time.Hour
	// TouchEvery is how stale a session's LastSeen may get before a request
	// writes the new time: a page view does not cost a write each time.
	TouchEvery = time.Minute
	// FreshFor is how long after sign-in a session may add a passkey (a
	// sign-in that outlasts MaxLifetime): a copied session cookie, kept
	// busy, cannot add one of its own later on.
	FreshFor = 15 * time.Minute
)

// Token is a stored one-time token: what it is for, whose it is, and until
// when it works. Hash is the SHA-256 of the secret handed out.
type Token struct {
	Hash        [32]byte
	Purpose     Purpose
	OrganiserID int64 // 0 for a passkey sign-in ceremony (nobody known yet)
	Data        []byte
	ExpiresAt   time.Time
}

// Method is how a session signed in. Nothing else about the browser is
// kept: no address, no user agent.
type Method string

// The ways of signing in.
const (
	// MethodUnknown is a session opened before Placard recorded how
	// (migration 025), or by an older instance during an upgrade. Removing
	// any of the organiser's passkeys ends it, since it may have been
	// opened by that passkey.
	MethodUnknown Method = ""
	// MethodPasskey: a passkey signed in; Session.Passkey names it.
	MethodPasskey Method = "passkey"
	// MethodLink: an emailed sign-in link.
	MethodLink Method = "link"
	// MethodInvite: an invitation link.
	MethodInvite Method = "invitation"
)

// Session is a signed-in browser, kept server-side. Hash is the SHA-256 of
// the cookie's value.
type Session struct {
	Hash        [32]byte
	OrganiserID int64
	CreatedAt   time.Time
	LastSeen    time.Time
	// Method is how it signed in, and Passkey the credential id of the
	// passkey that did (nil for any other way): removing that passkey
	// ends the session.
	Method  Method
	Passkey []byte
}

// Idle reports whether the session has been unused past IdleTimeout at now.
func (s Session) Idle(now time.Time) bool { return now.Sub(s.LastSeen) >= IdleTimeout }

// Ended reports whether the session is over at now: idle (Idle), or
// MaxLifetime past its sign-in.
func (s Session) Ended(now time.Time) bool {
	return s.Idle(now) || now.Sub(s.CreatedAt) >= MaxLifetime
}

// Fresh reports whether the session signed in within FreshFor of now.
func (s Session) Fresh(now time.Time) bool { return now.Sub(s.CreatedAt) < FreshFor }

// Stale reports whether LastSeen should be written again at now.
func (s Session) Stale(now time.Time) bool { return now.Sub(s.LastSeen) >= TouchEvery }

// Credential is a passkey registered by an organiser: its credential id and
// the library's record of it (public key, counters) as stored bytes.
type Credential struct {
	ID          []byte
	OrganiserID int64
	Data        []byte
	CreatedAt   time.Time
	// UserHandle is the WebAuthn user handle the passkey was made with
	// when it is not OrganiserID's: a passkey moved to this organiser
	// when two accounts holding spellings of one address were merged
	// (store.EmailForms) keeps presenting the handle of the account that
	// went. Empty otherwise. Handle gives the handle either way.
	UserHandle []byte
	// SignCount is the authenticator's signature counter when the
	// passkey was added (AddCredential stores it beside Data; later
	// sign-ins move it through UpdateCredential). Not read back.
	SignCount uint32
}

// UserHandle is organiser id's WebAuthn user handle, as a passkey made
// for them carries it: an opaque number, never their address.
func UserHandle(id int64) []byte { return strconv.AppendInt(nil, id, 10) }

// Handle is the user handle the passkey presents at sign-in.
func (c Credential) Handle() []byte {
	if len(c.UserHandle) > 0 {
		return c.UserHandle
	}
	return UserHandle(c.OrganiserID)
}

// Action names what an audit entry records.
type Action string

// Audited actions.
const (
	ActSignIn  Action = "sign-in"
	ActSignOut Action = "sign-out"
	ActPasskey Action = "passkey-added"
	ActExport  Action = "export"
	ActErase   Action = "erase"
	ActApprove Action = "approve"
	ActReject  Action = "reject"
	ActSave    Action = "save"
	ActInvite  Action = "invite"
	ActRemove  Action = "remove"
	// ActRole records an organiser's role changed (detail: the new role).
	ActRole    Action = "role-changed"
	ActPublish Action = "publish"
	ActClose   Action = "close"
	// ActRoleMerged records that two accounts of one organisation holding
	// spellings of one address were merged and the account kept the
	// weaker of their roles (store.MergeRole). Its Actor is that account's
	// address — whose role it is, as no organiser did it — and its Detail
	// MergedRoleDetail.
	ActRoleMerged Action = "role-merged"
)

// MergedRoleDetail is an ActRoleMerged entry's detail: the role kept and
// the other account's, "viewer, not editor".
func MergedRoleDetail(kept, other Role) string { return string(kept) + ", not " + string(other) }

// AuditEntry is one line of an organisation's audit log. Actor is the
// organiser's address (blanked if that organiser is ever erased); Detail
// says what was done in plain words and never holds a supporter's address,
// name or postcode: "erased 2 signatures", not whose.
type AuditEntry struct {
	ID     int64
	Org    string
	Actor  string
	Action Action
	Detail string
	At     time.Time
}

// NewSecret returns a fresh secret to hand out (URL-safe, 43 characters)
// and the hash to store.
func NewSecret() (secret string, hash [32]byte) {
	b := make([]byte, 32)
	_, _ = rand.Read(b) // never fails (crypto/rand since Go 1.24)
	secret = base64.RawURLEncoding.EncodeToString(b)
	return secret, HashSecret(secret)
}

// HashSecret is the stored form of a secret handed out.
func HashSecret(secret string) [32]byte { return sha256.Sum256([]byte(secret)) }

// WellFormed reports whether s could be a secret from NewSecret, so junk
// from a hostile request is turned away before any lookup.
func WellFormed(s string) bool {
	if len(s) != 43 {
		return false
	}
	_, err := base64.RawURLEncoding.DecodeString(s)
	return err == nil
}
