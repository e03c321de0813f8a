package store

import (
	"context"
	"time"
)

// OutboxFigures counts one organisation's outbox for the console's
// dashboard without holding it in memory: the database counts, and the
// few messages the dashboard must look into are handed over one at a
// time. Both engines implement it beside Outbox;
// storetest.RunOutboxFigures is its suite.
type OutboxFigures interface {
	// OutboxFigures returns how many of org's messages wait (pending,
	// leased ones included) and how many failed for good (dead), as List
	// would show them (bundled messages are taken apart first, as List
	// does), and, when held is not nil, calls it with the campaign and
	// payload of each of org's pending emails whose NotBefore is after
	// now (kept back by a drip, or being delivered), stopping at its first
	// error, which it returns.
	OutboxFigures(ctx context.Context, org string, now time.Time, held func(campaign string, payload []byte) error) (waiting, dead int, err error)
}
