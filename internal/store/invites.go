package store

import (
	"context"
	"time"

	"github.com/placard/placard/internal/accounts"
)

// Invites lets a new invitation replace an organiser's earlier ones: the
// old links stop working and can say why. Both engines implement it
// beside Accounts; callers get it by type assertion. Replaced tokens keep
// their organiser and expiry, so they go when those do (Erase included).
type Invites interface {
	// ReplaceTokens turns organiserID's tokens for purpose from into
	// tokens for purpose to (TakeToken for from no longer finds them) and
	// returns how many it turned.
	ReplaceTokens(ctx context.Context, organiserID int64, from, to accounts.Purpose) (int, error)
	// TokenPurpose returns what the token with this hash is for, without
	// spending it, if it has not expired at now; otherwise ErrNotFound.
	TokenPurpose(ctx context.Context, hash [32]byte, now time.Time) (accounts.Purpose, error)
}
