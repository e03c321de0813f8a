package postgres

import (
	"context"

	"github.com/placard/placard/internal/store"
)

var _ store.Outreach = (*DB)(nil)

// RecordOutreach adds one to an hour's count (part of store.Outreach).
func (db *DB) RecordOutreach(ctx context.Context, e store.OutreachEvent) (err error) {
	defer failed(&err, "counting outreach")
	_, err = db.pool.Exec(ctx, `INSERT INTO outreach AS o (org, campaign, action, target, kind, outcome, hour, n)
		VALUES ($1, $2, $3, $4, $5, $6, $7, 1)
		ON CONFLICT (org, campaign, action, target, kind, outcome, hour) DO UPDATE SET n = o.n + 1`,
		e.Org, e.Campaign, e.Action, e.Target, e.Kind, e.Outcome, store.OutreachHour(e.At))
	return err
}

// OutreachCounts sums an organisation's counts over hours (part of
// store.Outreach).
func (db *DB) OutreachCounts(ctx context.Context, org, campaign string) (_ []store.OutreachCount, err error) {
	defer failed(&err, "reading outreach counts")
	rows, err := db.pool.Query(ctx, `SELECT campaign, action, target, kind, outcome, sum(n)::bigint FROM outreach
		WHERE org = $1 AND ($2 = '' OR campaign = $2)
		GROUP BY campaign, action, target, kind, outcome
		ORDER BY campaign COLLATE "C", action COLLATE "C", target COLLATE "C", kind COLLATE "C", outcome COLLATE "C"`, org, campaign)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []store.OutreachCount
	for rows.Next() {
		c := store.OutreachCount{Org: org}
		if err := rows.Scan(&c.Campaign, &c.Action, &c.Target, &c.Kind, &c.Outcome, &c.Count); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}
