package store

import (
	"context"

	"github.com/placard/placard/internal/signing"
)

// Moderation decides signatures waiting for approval all at once or not at
// all: the console's approve and reject, one signature or many ticked.
// Both engines implement it beside Store; callers get it by type assertion
// on the Store they opened.
type Moderation interface {
	// Decide moves the signatures ids, each of organisation org and each
	// with status from, to status to, in one transaction, adjusting the
	// tallies and reporting the change as SetStatus does. If any of them
	// is not there, is another organisation's or no longer has status
	// from (someone decided or erased it meanwhile), nothing is changed
	// and it returns ErrNotFound. An id given twice counts once. moved is
	// how many it moved on each campaign, read in the same transaction,
	// so what the caller records is exactly what changed.
	Decide(ctx context.Context, org string, ids []int64, from, to signing.Status) (moved map[string]int, err error)
}
