package postgres

import (
	"context"
	"slices"

	"github.com/jackc/pgx/v5"

	"github.com/placard/placard/internal/store"
)

var _ store.Paging = (*DB)(nil)

// SignaturePage is store.Paging's: one bounded read for the page (a row
// more than asked, to know whether another page follows in its direction)
// and a one-row probe for the other direction, in one read-only
// transaction so both see the same rows.
func (db *DB) SignaturePage(ctx context.Context, q store.PageQuery) (page store.SignaturePage, err error) {
	defer failed(&err, "reading a page of signatures")
	if err := q.Check(); err != nil {
		return page, err
	}
	// The status is written into the text (Check allows only signing's
	// four): a partial index (migration 027 holds the pending queue's) is
	// used only by a plan whose query implies its condition, and pgx's
	// cached statements get generic plans that cannot see a parameter's
	// value.
	// One campaign is compared with = rather than = ANY, so its index
	// gives the rows in id order on every server version.
	where, campaigns := `org = $1 AND campaign = ANY($2)`, any(q.Campaigns)
	if len(q.Campaigns) == 1 {
		where, campaigns = `org = $1 AND campaign = $2`, q.Campaigns[0]
	}
	if q.Status != "" {
		where += ` AND status = '` + string(q.Status) + `'`
	}
	sql := `SELECT ` + signatureColumns + ` FROM signatures WHERE ` + where
	var probe string
	var edge int64
	if q.Before > 0 {
		sql += ` AND id < $3 ORDER BY id DESC LIMIT $4`
		probe, edge = ` AND id >= $3`, q.Before
	} else {
		sql += ` AND id > $3 ORDER BY id LIMIT $4`
		probe, edge = ` AND id <= $3`, q.After
	}
	err = pgx.BeginTxFunc(ctx, db.pool, pgx.TxOptions{AccessMode: pgx.ReadOnly, IsoLevel: pgx.RepeatableRead}, func(tx pgx.Tx) error {
		page = store.SignaturePage{}
		rows, err := tx.Query(ctx, sql, q.Org, campaigns, edge, q.Limit+1)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			s, err := scanSignature(rows)
			if err != nil {
				return err
			}
			page.Signatures = append(page.Signatures, s)
		}
		if err := rows.Err(); err != nil {
			return err
		}
		rows.Close()
		more := len(page.Signatures) > q.Limit
		if more {
			page.Signatures = page.Signatures[:q.Limit]
		}
		other := false
		if q.Before > 0 || q.After > 0 {
			if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM signatures WHERE `+where+probe+`)`, q.Org, campaigns, edge).Scan(&other); err != nil {
				return err
			}
		}
		if q.Before > 0 {
			slices.Reverse(page.Signatures)
			page.Older, page.Newer = more, other
		} else {
			page.Older, page.Newer = other, more
		}
		return nil
	})
	return page, err
}
