package sqlite

import (
	"context"

	"github.com/placard/placard/internal/store"
)

var _ store.Outreach = (*DB)(nil)

// RecordOutreach adds one to an hour's count (part of store.Outreach).
func (db *DB) RecordOutreach(ctx context.Context, e store.OutreachEvent) (err error) {
	defer failed(&err, "counting outreach")
	_, err = db.w.ExecContext(ctx, `INSERT INTO outreach (org, campaign, action, target, kind, outcome, hour, n)
		VALUES (?, ?, ?, ?, ?, ?, ?, 1)
		ON CONFLICT (org, campaign, action, target, kind, outcome, hour) DO UPDATE SET n = n + 1`,
		e.Org, e.Campaign, e.Action, e.Target, e.Kind, e.Outcome, store.OutreachHour(e.At).Unix())
	return err
}

// OutreachCounts sums an organisation's counts over hours (part of
// store.Outreach).
func (db *DB) OutreachCounts(ctx context.Context, org, campaign string) (_ []store.OutreachCount, err error) {
	defer failed(&err, "reading outreach counts")
	rows, err := db.r.QueryContext(ctx, `SELECT campaign, action, target, kind, outcome, sum(n) FROM outreach
		WHERE org = ? AND (? = '' OR campaign = ?)
		GROUP BY campaign, action, target, kind, outcome
		ORDER BY campaign, action, target, kind, outcome`, org, campaign, campaign)
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
