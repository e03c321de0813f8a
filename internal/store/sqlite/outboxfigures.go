package sqlite

import (
	"context"
	"time"

	"github.com/placard/placard/internal/store"
)

var (
	_ store.OutboxFigures = (*DB)(nil)
	_ store.NoteFigures   = (*DB)(nil)
)

// noteStatus is the stored status of a waiting erasure note
// (waitingStatus).
const noteStatus = "note"

// NoteCounts is store.NoteFigures': one count per organisation, read
// through outbox_notes (migration 043). Notes are never bundled.
func (db *DB) NoteCounts(ctx context.Context) (_ map[string]int, err error) {
	defer failed(&err, "counting erasure notes")
	rows, err := db.r.QueryContext(ctx, `SELECT org, count(*) FROM outbox WHERE kind = 'erasure' AND status = 'note' GROUP BY org`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	counts := map[string]int{}
	for rows.Next() {
		var org string
		var n int64
		if err := rows.Scan(&org, &n); err != nil {
			return nil, err
		}
		counts[org] = int(n)
	}
	return counts, rows.Err()
}

// OutboxFigures is store.OutboxFigures': one count per status, then the
// held emails read row by row, never collected.
func (db *DB) OutboxFigures(ctx context.Context, org string, now time.Time, held func(campaign string, payload []byte) error) (waiting, dead int, err error) {
	heldFailed := false // held's own error goes back as it came
	defer func() {
		if !heldFailed {
			failed(&err, "counting messages")
		}
	}()
	if err := db.unbundleAll(ctx); err != nil {
		return 0, 0, err
	}
	rows, err := db.r.QueryContext(ctx, `SELECT status, count(*) FROM outbox WHERE org = ? GROUP BY status`, org)
	if err != nil {
		return 0, 0, err
	}
	defer rows.Close()
	for rows.Next() {
		var status string
		var n int
		if err := rows.Scan(&status, &n); err != nil {
			return 0, 0, err
		}
		switch status {
		case noteStatus: // counted apart (NoteCounts)
		case string(store.OutboxDead):
			dead += n
		default:
			waiting += n
		}
	}
	if err := rows.Err(); err != nil {
		return 0, 0, err
	}
	rows.Close()
	if held == nil {
		return waiting, dead, nil
	}
	rows, err = db.r.QueryContext(ctx, `SELECT campaign, payload FROM outbox
		WHERE org = ? AND kind = 'email' AND status = 'pending' AND not_before > ?`, org, formatTime(now))
	if err != nil {
		return 0, 0, err
	}
	defer rows.Close()
	for rows.Next() {
		var campaign string
		var payload []byte
		if err := rows.Scan(&campaign, &payload); err != nil {
			return 0, 0, err
		}
		if err := held(campaign, payload); err != nil {
			heldFailed = true
			return 0, 0, err
		}
	}
	return waiting, dead, rows.Err()
}
