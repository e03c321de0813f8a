package sqlite

import (
	"context"
	"database/sql"

	"github.com/placard/placard/internal/store"
)

var _ store.Traps = (*DB)(nil)

// caughtSQL adds n forms caught by the trap to one campaign's count
// (bots_caught, migration 052).
const caughtSQL = `INSERT INTO bots_caught (org, campaign, count) VALUES (?, ?, ?)
	ON CONFLICT (org, campaign) DO UPDATE SET count = count + excluded.count`

// addCaught writes caught's counts in tx with st, the prepared caughtSQL.
func addCaught(ctx context.Context, tx *sql.Tx, st *sql.Stmt, caught []store.Caught) error {
	txst := tx.StmtContext(ctx, st)
	for _, c := range caught {
		if _, err := txst.ExecContext(ctx, c.Org, c.Campaign, c.N); err != nil {
			return err
		}
	}
	return nil
}

// CaughtCounts returns org's forms caught by the trap (store.Traps).
func (db *DB) CaughtCounts(ctx context.Context, org string) (_ map[string]int, err error) {
	defer failed(&err, "reading the forms caught by the trap")
	return db.campaignCounts(ctx, "bots_caught", org) // refused.go
}
