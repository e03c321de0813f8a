package sqlite

import (
	"context"
	"database/sql"
	"errors"

	"github.com/placard/placard/internal/signing"
	"github.com/placard/placard/internal/store"
	"github.com/placard/placard/internal/store/internal/tally"
)

var _ store.Moderation = (*DB)(nil)

// Decide is store.Moderation's: every signature is read and changed in
// one write transaction, so a decision made meanwhile is seen and undoes
// nothing.
func (db *DB) Decide(ctx context.Context, org string, ids []int64, from, to signing.Status) (moved map[string]int, err error) {
	defer failed(&err, "deciding signatures")
	tallyStmt, err := db.tallyStmt(ctx)
	if err != nil {
		return nil, err
	}
	tx, err := db.w.BeginTx(ctx, nil)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	var ds tally.Deltas
	seen := map[int64]bool{}
	moved = map[string]int{}
	for _, id := range ids {
		if seen[id] {
			continue
		}
		seen[id] = true
		var campaign, kind string
		err := tx.QueryRowContext(ctx, `SELECT campaign, kind FROM signatures WHERE id = ? AND org = ? AND status = ?`, id, org, string(from)).
			Scan(&campaign, &kind)
		if errors.Is(err, sql.ErrNoRows) {
			return nil, store.ErrNotFound
		}
		if err != nil {
			return nil, err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE signatures SET status = ? WHERE id = ?`, string(to), id); err != nil {
			return nil, err
		}
		k := signing.Kind(kind)
		moved[campaign]++
		ds.Add(tally.Key{Org: org, Campaign: campaign}, tally.Of(k, to).Sub(tally.Of(k, from)))
	}
	if err := applyDeltas(ctx, tx, tallyStmt, &ds); err != nil {
		return nil, err
	}
	if err := tx.Commit(); err != nil {
		return nil, err
	}
	db.changed()
	return moved, nil
}
