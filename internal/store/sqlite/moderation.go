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
// nothing, and what it tells is queued in that transaction.
func (db *DB) Decide(ctx context.Context, org string, ids []int64, from, to signing.Status, tell store.Tell) (moved map[string]int, err error) {
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
	q := `SELECT ` + sigColumns + ` FROM signatures WHERE id = ?`
	if org != "" {
		q += ` AND org = ?`
	}
	if from != "" {
		q += ` AND status = ?`
	}
	var ds tally.Deltas
	var changes []signing.Change
	seen := map[int64]bool{}
	removed := map[store.CampaignName]bool{}
	moved = map[string]int{}
	for _, id := range ids {
		if seen[id] {
			continue
		}
		seen[id] = true
		args := []any{id}
		if org != "" {
			args = append(args, org)
		}
		if from != "" {
			args = append(args, string(from))
		}
		before, err := scanSig(tx.QueryRowContext(ctx, q, args...).Scan)
		if errors.Is(err, sql.ErrNoRows) {
			return nil, store.ErrNotFound
		}
		if err != nil {
			return nil, err
		}
		if before.Status == to {
			continue
		}
		if to == signing.StatusApproved {
			if err := notRemoved(ctx, tx, before.Org, before.Campaign, removed); err != nil {
				return nil, err
			}
		}
		if _, err := tx.ExecContext(ctx, `UPDATE signatures SET status = ? WHERE id = ?`, string(to), id); err != nil {
			return nil, err
		}
		moved[before.Campaign]++
		after := before
		after.Status = to
		changes = append(changes, signing.Change{Before: before, After: after})
		ds.Add(tally.Key{Org: before.Org, Campaign: before.Campaign}, tally.Of(before.Kind, to).Sub(tally.Of(before.Kind, before.Status)))
	}
	if len(changes) == 0 {
		return moved, nil
	}
	if err := applyDeltas(ctx, tx, tallyStmt, &ds); err != nil {
		return nil, err
	}
	if err := queueTold(ctx, tx, tell, changes); err != nil {
		return nil, err
	}
	if err := tx.Commit(); err != nil {
		return nil, err
	}
	db.changed()
	return moved, nil
}

// notRemoved returns store.ErrRemovedCampaign when org/campaign is a
// removed campaign's: a kept-apart name, or a name with a removal
// record. seen holds the answers already read in this transaction.
func notRemoved(ctx context.Context, tx *sql.Tx, org, campaign string, seen map[store.CampaignName]bool) error {
	k := store.CampaignName{Org: org, Campaign: campaign}
	gone, ok := seen[k]
	if !ok {
		gone = store.IsKeptApart(campaign)
		if !gone {
			if err := tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM removed_campaigns WHERE org = ? AND name = ?)`,
				org, campaign).Scan(&gone); err != nil {
				return err
			}
		}
		seen[k] = gone
	}
	if gone {
		return store.ErrRemovedCampaign
	}
	return nil
}
