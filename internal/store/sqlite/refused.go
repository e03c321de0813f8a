package sqlite

import (
	"context"

	"github.com/placard/placard/internal/store"
)

var _ store.Refusals = (*DB)(nil)

// NoteRefused counts one signature refused (store.Refusals).
func (db *DB) NoteRefused(ctx context.Context, org, campaign string) (err error) {
	defer failed(&err, "counting a refused signature")
	return db.countUp(ctx, "signatures_refused", org, campaign)
}

// RefusedCounts returns org's refused signatures (store.Refusals).
func (db *DB) RefusedCounts(ctx context.Context, org string) (_ map[string]int, err error) {
	defer failed(&err, "reading the refused signatures")
	return db.campaignCounts(ctx, "signatures_refused", org)
}

// countUp adds one to the count of org's campaign in table, a table of
// counts only (org, campaign, count): signatures_refused, mail_unsent.
// table is always one of those names, never an input.
func (db *DB) countUp(ctx context.Context, table, org, campaign string) error {
	_, err := db.w.ExecContext(ctx, `INSERT INTO `+table+` (org, campaign, count) VALUES (?, ?, 1)
		ON CONFLICT (org, campaign) DO UPDATE SET count = count + 1`, org, campaign)
	return err
}

// campaignCounts returns org's counts in table (countUp), by campaign.
func (db *DB) campaignCounts(ctx context.Context, table, org string) (map[string]int, error) {
	rows, err := db.r.QueryContext(ctx, `SELECT campaign, count FROM `+table+` WHERE org = ?`, org)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]int{}
	for rows.Next() {
		var c string
		var n int
		if err := rows.Scan(&c, &n); err != nil {
			return nil, err
		}
		out[c] = n
	}
	return out, rows.Err()
}
