package store

import (
	"context"
	"time"

	"github.com/placard/placard/internal/accounts"
)

// Sessions lets an organiser see and end their own sessions (the
// console's sessions page). Both engines implement it beside Accounts;
// callers get it by type assertion. A session records how it signed in
// (accounts.Session.Method and Passkey, migration 025) and nothing else
// about the browser: no address, no user agent.
//
// The sessions returned are the rows as stored, idle or past their
// lifetime included: which of them still sign in is accounts.Session's
// to say (Ended), not the store's.
type Sessions interface {
	// OrganiserSessions lists organiserID's sessions, newest sign-in
	// first.
	OrganiserSessions(ctx context.Context, organiserID int64) ([]accounts.Session, error)
	// EndSession deletes session hash of organiserID; ErrNotFound when
	// that organiser has no such session (another's is never touched).
	EndSession(ctx context.Context, organiserID int64, hash [32]byte) error
	// EndOtherSessions deletes every session of organiserID except keep,
	// in one statement, and returns the ones it deleted.
	EndOtherSessions(ctx context.Context, organiserID int64, keep [32]byte) ([]accounts.Session, error)
	// DeleteEndedSessions deletes every session that has ended at now
	// (accounts.Session.Ended: unused for accounts.IdleTimeout, or
	// accounts.MaxLifetime past its sign-in) and every one-time token
	// expired at now, and returns how many sessions it deleted. Serve
	// runs it with the retention purge: a session nobody signs out of
	// would otherwise keep its row, and who signed in when, for good.
	DeleteEndedSessions(ctx context.Context, now time.Time) (int, error)
}

// Roles changes what an organiser may do. Both engines implement it
// beside Accounts. The console reads an organiser's role at every
// request (the session names the organiser, not the role), so a change
// holds from each open session's next request.
type Roles interface {
	// SetRole sets organiser id's role; ErrNotFound when there is none.
	SetRole(ctx context.Context, id int64, role accounts.Role) error
}
