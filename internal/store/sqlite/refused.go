package sqlite

import (
	"context"

	"github.com/placard/placard/internal/store"
)

var _ store.Refusals = (*DB)(nil)

// NoteRefused counts one signature refused (store.Refusals).
func (db *DB) NoteRefused(ctx context.Context, org, campaign string) (err error) {
	defer failed(&err, "counting a refused signature")
	_, err = db.w.ExecContext(ctx, `INSERT INTO signatures_refused (org, campaign, count) VALUES (?, ?, 1)
		ON CONFLICT (org, campaign) DO UPDATE SET count = count + 1`, org, campaign)
	return err
}

// RefusedCounts returns org's refused signatures (store.Refusals).
func (db *DB) RefusedCounts(ctx context.Context, org string) (_ map[string]int, err error) {
	defer failed(&err, "reading the refused signatures")
	rows, err := db.r.QueryContext(ctx, `SELECT campaign, count FROM signatures_refused WHERE org = ?`, org)
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
