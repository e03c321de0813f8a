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
// decision made meanwhile by another instance is seen and undoes nothing,
// and what it tells is queued in the same transaction.
func (db *DB) Decide(ctx context.Context, org string, ids []int64, from, to signing.Status, tell store.Tell) (moved map[string]int, err error) {
	defer failed(&err, "deciding signatures")
	if err := knownStatus(to); err != nil {
		return nil, err
	}
	// In order, so two decisions over the same rows never wait on each other.
	ids = slices.Sorted(slices.Values(ids))
	q := `SELECT ` + sigColumns + ` FROM signatures WHERE id = $1`
	if org != "" {
		q += ` AND org = $2`
		if from != "" {
			q += ` AND status = $3`
		}
	} else if from != "" {
		q += ` AND status = $2`
	}
	err = pgx.BeginFunc(ctx, db.pool, func(tx pgx.Tx) error {
		if err := lockForChange(ctx, tx); err != nil {
			return err
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
			before, err := scanSig(tx.QueryRow(ctx, q+` FOR UPDATE`, args...))
			if errors.Is(err, pgx.ErrNoRows) {
				return store.ErrNotFound
			}
			if err != nil {
				return err
			}
			if before.Status == to {
				continue
			}
			if to == signing.StatusApproved {
				if err := notRemoved(ctx, tx, before.Org, before.Campaign, removed); err != nil {
					return err
				}
			}
			if moderating != nil {
				moderating()
			}
			if _, err := tx.Exec(ctx, `UPDATE signatures SET status = $1 WHERE id = $2`, string(to), id); err != nil {
				return err
			}
			moved[before.Campaign]++
			after := before
			after.Status = to
			changes = append(changes, signing.Change{Before: before, After: after})
			ds.Add(tally.Key{Org: before.Org, Campaign: before.Campaign}, tally.Of(before.Kind, to).Sub(tally.Of(before.Kind, before.Status)))
		}
		if len(changes) == 0 {
			return nil
		}
		if err := applyDeltas(ctx, tx, &ds); err != nil {
			return err
		}
		return queueTold(ctx, tx, tell, changes)
	})
	if err != nil {
		return nil, err
	}
	return moved, nil
}

// notRemoved returns store.ErrRemovedCampaign when org/campaign is a
// removed campaign's: a kept-apart name, or a name with a removal
// record. seen holds the answers already read in this transaction. A
// removal recorded meanwhile by another instance is not waited for: a
// decision committed first is kept apart with the rows, counted under
// the kept-apart name only.
func notRemoved(ctx context.Context, tx pgx.Tx, org, campaign string, seen map[store.CampaignName]bool) error {
	k := store.CampaignName{Org: org, Campaign: campaign}
	gone, ok := seen[k]
	if !ok {
		gone = store.IsKeptApart(campaign)
		if !gone {
			if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM removed_campaigns WHERE org = $1 AND name = $2)`,
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
