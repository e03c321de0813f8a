package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/placard/placard/internal/store"
)

var _ store.Rewrites = (*DB)(nil)

// owe records in tx that the write-ahead log is owed a TRUNCATE
// checkpoint (wipe): every deletion of what names a person runs it in its
// transaction, so a checkpoint that fails after the commit stays owed
// (store.Rewrites). seq tells an owing made since a checkpoint began.
func owe(ctx context.Context, tx *sql.Tx) error {
	now := formatTime(time.Now())
	_, err := tx.ExecContext(ctx, `INSERT INTO rewrites_owed (tbl, since, next_at) VALUES ('wal', ?, ?)
		ON CONFLICT (tbl) DO UPDATE SET seq = seq + 1, tries = 0, next_at = excluded.next_at`, now, now)
	return err
}

// errUnrecorded wraps a failure to read what is owed: nothing was
// rewritten and nothing recorded of it.
var errUnrecorded = errors.New("reading the rewrites owed failed")

// PayRewrites is store.Rewrites'.
func (db *DB) PayRewrites(ctx context.Context, all bool) (paid, owed int, err error) {
	defer failed(&err, "emptying the write-ahead log erasures left owed")
	return db.payRewrites(ctx, all)
}

// payRewrites makes the TRUNCATE checkpoint (checkpoint): always when all
// is set (an erasure's own, owed or not), else only when one is owed and
// due. Made, it deletes the owing it read (if none came since); failed,
// it leaves it owed, tried again after a wait doubling from a minute to
// an hour. It returns how many it made and how many stay owed (0 or 1
// each).
func (db *DB) payRewrites(ctx context.Context, all bool) (paid, owed int, err error) {
	now := time.Now()
	var seq int64
	var next string
	err = db.w.QueryRowContext(ctx, `SELECT seq, next_at FROM rewrites_owed WHERE tbl = 'wal'`).Scan(&seq, &next)
	owing := err == nil
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return 0, 0, fmt.Errorf("%w: %w", errUnrecorded, err)
	}
	if !all && (!owing || next > formatTime(now)) {
		owed, err = db.owed(ctx)
		return 0, owed, err
	}
	first := db.checkpoint(ctx)
	// On a context of its own: a cancelled caller must not keep the
	// record from being made.
	cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	switch {
	case !owing:
	case first == nil:
		if _, err := db.w.ExecContext(cctx, `DELETE FROM rewrites_owed WHERE tbl = 'wal' AND seq = ?`, seq); err != nil {
			first = err
		} else {
			paid = 1
			// Deleting the record wrote to the log again: empty it once
			// more, so an erasure leaves it empty as before. Nothing of
			// the erased is in that frame, so a busy answer is no harm.
			db.checkpoint(cctx)
		}
	default:
		var tries int
		if err := db.w.QueryRowContext(cctx, `UPDATE rewrites_owed SET tries = tries + 1 WHERE tbl = 'wal' RETURNING tries`).Scan(&tries); err == nil {
			wait := min(time.Hour, time.Minute<<min(tries-1, 10))
			db.w.ExecContext(cctx, `UPDATE rewrites_owed SET next_at = ? WHERE tbl = 'wal'`, formatTime(now.Add(wait)))
		}
	}
	owed, err = db.owed(cctx)
	if first == nil {
		first = err
	}
	return paid, owed, first
}

// owed counts the rewrites owed.
func (db *DB) owed(ctx context.Context) (n int, err error) {
	err = db.w.QueryRowContext(ctx, `SELECT count(*) FROM rewrites_owed`).Scan(&n)
	return n, err
}
