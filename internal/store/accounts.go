package store

import (
	"context"
	"errors"
	"time"

	"github.com/placard/placard/internal/accounts"
)

// ErrExists means the row to add is already there (an organiser with that
// address in that organisation). Nothing was changed.
var ErrExists = errors.New("already exists")

// ErrCounterBehind is UpdateCredential's answer to a sign-in whose
// signature counter is not ahead of the passkey's stored one: another
// sign-in with a higher counter finished first (or a copy of the key).
var ErrCounterBehind = errors.New("the passkey's signature counter is not ahead of the stored one")

// Accounts keeps the organisers' console: organisers, one-time tokens,
// sessions, passkey credentials and the audit log (internal/accounts
// says what each is). Both engines implement it beside Store; callers get
// it by type assertion on the Store they opened. Every write is durable
// when the method returns, like Store's.
//
// Secrets are never stored: tokens and sessions are keyed by the SHA-256
// of the value handed out. Store.Erase(email) also removes every organiser
// with that address (their sessions, tokens and passkeys) and blanks them as
// the actor of audit entries, with Erase's on-disk promise.
type Accounts interface {
	// AddOrganiser stores o and sets its ID and CreatedAt (UTC). It returns
	// ErrExists when the organisation already has an organiser with that
	// (normalised) address.
	AddOrganiser(ctx context.Context, o *accounts.Organiser) error
	// Organiser returns one organiser by id, or ErrNotFound.
	Organiser(ctx context.Context, id int64) (accounts.Organiser, error)
	// FindOrganiser returns the organiser with address email in org ("" for
	// a site admin), or ErrNotFound.
	FindOrganiser(ctx context.Context, org, email string) (accounts.Organiser, error)
	// Organisers lists the organisers of org, or of every organisation
	// (site admins included) when org is "", by org then address.
	Organisers(ctx context.Context, org string) ([]accounts.Organiser, error)
	// RemoveOrganiser deletes an organiser with their sessions, tokens and
	// passkeys; ErrNotFound when there is none. Their audit entries stay.
	RemoveOrganiser(ctx context.Context, id int64) error

	// AddToken stores a one-time token (dropping tokens already expired).
	AddToken(ctx context.Context, t accounts.Token) error
	// TakeToken deletes and returns the token with this hash and purpose if
	// it has not expired at now; otherwise ErrNotFound. However many race,
	// exactly one caller gets a token: it is single use.
	TakeToken(ctx context.Context, hash [32]byte, purpose accounts.Purpose, now time.Time) (accounts.Token, error)

	// AddSession stores a new session.
	AddSession(ctx context.Context, s accounts.Session) error
	// Session returns the session with this hash, or ErrNotFound.
	Session(ctx context.Context, hash [32]byte) (accounts.Session, error)
	// TouchSession sets a session's LastSeen.
	TouchSession(ctx context.Context, hash [32]byte, at time.Time) error
	// DeleteSession removes a session (sign-out, idle); no error when it
	// is already gone.
	DeleteSession(ctx context.Context, hash [32]byte) error

	// AddCredential stores a passkey; ErrExists when the id is taken.
	AddCredential(ctx context.Context, c accounts.Credential) error
	// Credentials lists one organiser's passkeys, oldest first.
	Credentials(ctx context.Context, organiserID int64) ([]accounts.Credential, error)
	// Credential returns the passkey with this id, or ErrNotFound.
	Credential(ctx context.Context, id []byte) (accounts.Credential, error)
	// UpdateCredential replaces a passkey's Data after a sign-in whose
	// authenticator counted signCount, only if that is ahead of the
	// stored counter (a compare-and-set, so sign-ins finishing in either
	// order on any instance never move it back) or both are 0 (an
	// authenticator that does not count, which WebAuthn allows).
	// ErrCounterBehind, changing nothing, when the stored counter is
	// already at or past signCount; ErrNotFound when there is no such
	// passkey.
	UpdateCredential(ctx context.Context, id, data []byte, signCount uint32) error

	// AddAudit appends an entry and sets its ID; At is kept to the
	// microsecond in UTC.
	AddAudit(ctx context.Context, e *accounts.AuditEntry) error
	// Audit returns org's entries, newest first, at most limit.
	Audit(ctx context.Context, org string, limit int) ([]accounts.AuditEntry, error)

	// EraseIn is Store.Erase limited to one organisation's campaigns: an
	// organisation's console erases a supporter from its own campaigns
	// only. Same tallies, change report and on-disk promise as Erase;
	// organisers are left alone.
	EraseIn(ctx context.Context, org, email string) (int, error)

	// SignaturesPerDay counts one campaign's signatures by the UTC day
	// they were made, from since (a UTC midnight) on, oldest day first;
	// days without signatures are left out. Counts only: nothing about who.
	SignaturesPerDay(ctx context.Context, org, campaign string, since time.Time) ([]DayCount, error)
}

// DayCount is how many signatures one campaign received on one UTC day.
type DayCount struct {
	Day   time.Time // midnight UTC
	Count int
}
