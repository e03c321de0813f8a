package sqlite

import (
	"context"
	"slices"
	"strings"

	"github.com/placard/placard/internal/signing"
	"github.com/placard/placard/internal/store"
)

var _ store.Paging = (*DB)(nil)

// SignaturePage is store.Paging's: one bounded read for the page (a row
// more than asked, to know whether another page follows in its direction)
// and a one-row probe for the other direction, each its own short read.
func (db *DB) SignaturePage(ctx context.Context, q store.PageQuery) (page store.SignaturePage, err error) {
	defer failed(&err, "reading a page of signatures")
	if err := q.Check(); err != nil {
		return page, err
	}
	from, where, args := pageWhere(q)
	sql := `SELECT ` + signatureColumns + ` FROM ` + from + ` WHERE ` + where
	var probe string
	var rowsArgs, probeArgs []any
	if q.Before > 0 {
		sql += ` AND id < ? ORDER BY id DESC LIMIT ?`
		rowsArgs = append(slices.Clone(args), q.Before, q.Limit+1)
		probe = ` AND id >= ?`
		probeArgs = append(args, q.Before)
	} else {
		sql += ` AND id > ? ORDER BY id LIMIT ?`
		rowsArgs = append(slices.Clone(args), q.After, q.Limit+1)
		if q.After > 0 {
			probe = ` AND id <= ?`
			probeArgs = append(args, q.After)
		}
	}
	rows, err := db.r.QueryContext(ctx, sql, rowsArgs...)
	if err != nil {
		return page, err
	}
	defer rows.Close()
	for rows.Next() {
		s, err := scanSignature(rows)
		if err != nil {
			return page, err
		}
		page.Signatures = append(page.Signatures, s)
	}
	if err := rows.Err(); err != nil {
		return page, err
	}
	rows.Close()
	more := len(page.Signatures) > q.Limit
	if more {
		page.Signatures = page.Signatures[:q.Limit]
	}
	other := false
	if probe != "" {
		var one int
		err := db.r.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM `+from+` WHERE `+where+probe+`)`, probeArgs...).Scan(&one)
		if err != nil {
			return page, err
		}
		other = one == 1
	}
	if q.Before > 0 {
		slices.Reverse(page.Signatures)
		page.Older, page.Newer = more, other
	} else {
		page.Older, page.Newer = other, more
	}
	return page, nil
}

// pageWhere is the table (with the index a page reads) and the condition
// naming q's signatures, with its arguments. The pending queue has
// indexes of its own (migration 027): by campaign for one campaign, by
// organisation for several, which keeps the id order without sorting.
// The status is written into the text, which Check allows only for
// signing's four, because SQLite uses a partial index only for a query
// whose text implies the index's condition.
func pageWhere(q store.PageQuery) (from, where string, args []any) {
	from = "signatures"
	switch {
	case q.Status == signing.StatusPending && len(q.Campaigns) == 1:
		from += " INDEXED BY signatures_pending"
	case q.Status == signing.StatusPending:
		from += " INDEXED BY signatures_pending_org"
	case len(q.Campaigns) == 1:
		from += " INDEXED BY signatures_campaign_id"
	}
	args = append(args, q.Org)
	where = "org = ?"
	if len(q.Campaigns) == 1 {
		where += " AND campaign = ?"
		args = append(args, q.Campaigns[0])
	} else {
		where += " AND campaign IN (?" + strings.Repeat(", ?", len(q.Campaigns)-1) + ")"
		for _, c := range q.Campaigns {
			args = append(args, c)
		}
	}
	if q.Status != "" {
		where += " AND status = '" + string(q.Status) + "'"
	}
	return from, where, args
}
