package postgres

import (
	"context"
	"errors"
	"slices"

	"github.com/jackc/pgx/v5"

	"github.com/placard/placard/internal/signing"
	"github.com/placard/placard/internal/store"
	"github.com/placard/placard/internal/store/internal/tally"
)

var _ store.Moderation = (*DB)(nil)

// Decide is store.Moderation's: each row is locked as it is read, so a
// decision made meanwhile by another instance is seen and undoes nothing.
func (db *DB) Decide(ctx context.Context, org string, ids []int64, from, to signing.Status) (moved map[string]int, err error) {
	defer failed(&err, "deciding signatures")
	// In order, so two decisions over the same rows never wait on each other.
	ids = slices.Sorted(slices.Values(ids))
	err = pgx.BeginFunc(ctx, db.pool, func(tx pgx.Tx) error {
		var ds tally.Deltas
		seen := map[int64]bool{}
		moved = map[string]int{}
		for _, id := range ids {
			if seen[id] {
				continue
			}
			seen[id] = true
			var campaign, kind string
			err := tx.QueryRow(ctx, `SELECT campaign, kind FROM signatures WHERE id = $1 AND org = $2 AND status = $3 FOR UPDATE`, id, org, string(from)).
				Scan(&campaign, &kind)
			if errors.Is(err, pgx.ErrNoRows) {
				return store.ErrNotFound
			}
			if err != nil {
				return err
			}
			if _, err := tx.Exec(ctx, `UPDATE signatures SET status = $1 WHERE id = $2`, string(to), id); err != nil {
				return err
			}
			k := signing.Kind(kind)
			moved[campaign]++
			ds.Add(tally.Key{Org: org, Campaign: campaign}, tally.Of(k, to).Sub(tally.Of(k, from)))
		}
		return applyDeltas(ctx, tx, &ds)
	})
	if err != nil {
		return nil, err
	}
	return moved, nil
}
