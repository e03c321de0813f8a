package store

import (
	"context"
	"time"

	"github.com/placard/placard/internal/accounts"
)

// Passkeys lets organisers see and remove their own passkeys (the
// console's passkeys page): when each last signed in, and removal, which
// ends the sessions the passkey opened (a lost phone's). Both
// engines implement it beside Accounts; callers get it by type assertion.
// A passkey's last use is kept in its own row, so Erase and
// RemoveOrganiser remove it with the passkey.
type Passkeys interface {
	// CredentialUsed records that passkey id signed in at at (UTC, to the
	// microsecond); ErrNotFound when there is no such passkey.
	CredentialUsed(ctx context.Context, id []byte, at time.Time) error
	// CredentialsUsed returns when each of organiserID's passkeys last
	// signed in, keyed by string(id); a passkey never used since it was
	// added is absent.
	CredentialsUsed(ctx context.Context, organiserID int64) (map[string]time.Time, error)
	// RemoveCredential deletes passkey id of organiserID and, in the same
	// transaction, every session of organiserID it opened
	// (accounts.Session.Passkey) and every one whose way of signing in
	// was not recorded (accounts.MethodUnknown, which it may have
	// opened); it returns the sessions it ended. ErrNotFound when that
	// organiser has no such passkey (another's is never touched), and
	// then no session ends.
	RemoveCredential(ctx context.Context, organiserID int64, id []byte) ([]accounts.Session, error)
}
