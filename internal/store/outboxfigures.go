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
	// leased ones included; erasure notes are not among them, see
	// NoteFigures) and how many failed for good (dead), as List
	// would show them (bundled messages are taken apart first, as List
	// does), and, when held is not nil, calls it with the campaign and
	// payload of each of org's pending emails whose NotBefore is after
	// now (kept back by a drip, or being delivered), stopping at its first
	// error, which it returns.
	OutboxFigures(ctx context.Context, org string, now time.Time, held func(campaign string, payload []byte) error) (waiting, dead int, err error)
}

// NoteFigures counts the erasure notes waiting in the outbox (kind
// "erasure", stored with status 'note'): what an erasure made without
// an organisation's settings leaves for placard serve to turn into its
// CRMs' notices. They are counted apart from the other messages, by
// organisation, so the console and placard can say what they are, and
// placard serve can tell the operator of those whose organisation it no
// longer serves, which wait until it does again or are dropped by hand.
// Counts only: never an address. Both engines implement it beside
// Outbox; storetest.RunOutboxFigures is its suite.
type NoteFigures interface {
	// NoteCounts returns how many erasure notes wait, by organisation
	// slug; an organisation with none is absent.
	NoteCounts(ctx context.Context) (map[string]int, error)
}
