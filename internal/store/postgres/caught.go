package postgres

import (
	"context"

	"github.com/placard/placard/internal/store"
)

var _ store.Traps = (*DB)(nil)

// caughtSQL adds forms caught by the trap to their campaigns' counts
// (bots_caught, migration 052): $1 orgs, $2 campaigns, $3 counts, in key
// order so two instances' batches lock the rows in the same order.
const caughtSQL = `INSERT INTO bots_caught AS t (org, campaign, count)
	SELECT org, campaign, n FROM unnest($1::text[], $2::text[], $3::bigint[]) AS c(org, campaign, n)
	ORDER BY org COLLATE "C", campaign COLLATE "C"
	ON CONFLICT (org, campaign) DO UPDATE SET count = t.count + excluded.count`

// caughtArgs are caughtSQL's arguments for caught.
func caughtArgs(caught []store.Caught) []any {
	orgs, campaigns, ns := make(textArray, len(caught)), make(textArray, len(caught)), make([]int64, len(caught))
	for i, c := range caught {
		orgs[i], campaigns[i], ns[i] = c.Org, c.Campaign, int64(c.N)
	}
	return []any{orgs, campaigns, ns}
}

// addWithCaught runs query (addSQL or addOutboxSQL with args) and
// caughtSQL in one transaction, reading the inserted ids into ids
// (scanIDs). It is AddBatch's path for a batch holding both signatures
// and caught forms.
func (db *DB) addWithCaught(ctx context.Context, query string, args []any, ids []int64, caught []store.Caught) error {
	tx, err := db.pool.Begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback(ctx)
	rows, err := tx.Query(ctx, query, args...)
	if err != nil {
		return err
	}
	if err := scanIDs(rows, ids); err != nil {
		return err
	}
	if _, err := tx.Exec(ctx, caughtSQL, caughtArgs(caught)...); err != nil {
		return err
	}
	return tx.Commit(ctx)
}

// CaughtCounts returns org's forms caught by the trap (store.Traps).
func (db *DB) CaughtCounts(ctx context.Context, org string) (_ map[string]int, err error) {
	defer failed(&err, "reading the forms caught by the trap")
	return db.campaignCounts(ctx, "bots_caught", org) // refused.go
}
