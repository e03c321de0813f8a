package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"strconv"
	"time"

	"github.com/placard/placard/internal/store"
	"github.com/placard/placard/internal/store/internal/bundle"
)

var _ store.Quarantine = (*DB)(nil)

// A bundle that cannot be read (bundle.ErrDamaged) is moved, as it was,
// to outbox_quarantine (migration 022) by whatever takes it apart —
// a claim, a listing, an erasure — and the rest goes on without it: it
// is never read again, so never retried in a loop nor sent half read.
// Erasures then delete from the quarantine every bundle whose bytes hold
// what they erase (dropQuarantined): a damaged bundle cannot be shown to
// hold nothing of the erased person otherwise.

// quarantine moves the bundles seqs from outbox_bundles to
// outbox_quarantine in tx and counts them in ev. secure_delete zeroes the
// bytes left behind in outbox_bundles.
func quarantine(ctx context.Context, tx *sql.Tx, seqs []int64, ev *store.QuarantineEvent) error {
	if len(seqs) == 0 {
		return nil
	}
	list := seqList(seqs)
	if _, err := tx.ExecContext(ctx, `INSERT INTO outbox_quarantine (created_at, quarantined_at, messages, signatures)
		SELECT created_at, ?, messages, signatures FROM outbox_bundles
		WHERE seq IN (SELECT value FROM json_each(?)) ORDER BY seq`, formatTime(time.Now()), list); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM outbox_bundles WHERE seq IN (SELECT value FROM json_each(?))`, list); err != nil {
		return err
	}
	ev.Quarantined += len(seqs)
	return nil
}

// seqList is seqs as a JSON array, for json_each.
func seqList(seqs []int64) string {
	b := []byte{'['}
	for i, s := range seqs {
		if i > 0 {
			b = append(b, ',')
		}
		b = strconv.AppendInt(b, s, 10)
	}
	return string(append(b, ']'))
}

// dropQuarantined deletes in tx every quarantined bundle whose bytes
// name each of fields in full (bundle.Fields: an erased address with its
// organisation, a purged campaign with its organisation, or an address
// alone for an erasure everywhere), and counts them in ev: an erasure's
// part, after it has taken every bundle apart (unbundle), so the damaged
// ones among them are here too. A bundle names each address, organisation
// and campaign in full at least once, so one whose bytes lack it holds
// none of its messages. Only whole fields match, never a substring: an
// organisation's erasure must not delete, nor tell the count of, another
// organisation's set-aside messages, nor those of an address that merely
// contains the erased one.
func dropQuarantined(ctx context.Context, tx *sql.Tx, ev *store.QuarantineEvent, fields ...string) error {
	return dropQuarantinedWhere(ctx, tx, ev, `true`, nil, fields...)
}

// dropQuarantinedWhere is dropQuarantined for the bundles matching cond
// (a condition on outbox_quarantine with its args) too.
func dropQuarantinedWhere(ctx context.Context, tx *sql.Tx, ev *store.QuarantineEvent, cond string, condArgs []any, fields ...string) error {
	q := `DELETE FROM outbox_quarantine WHERE ` + cond
	args := append(make([]any, 0, len(condArgs)+2*len(fields)), condArgs...)
	for _, f := range fields {
		fs := bundle.Fields(f)
		q += ` AND (instr(messages, ?) > 0 OR instr(messages, ?) > 0)`
		args = append(args, fs[0], fs[1])
	}
	res, err := tx.ExecContext(ctx, q, args...)
	return countRemoved(res, err, ev)
}

// dropQuarantinedOf is dropQuarantined for the organisation and address
// of each signature matching where (a condition on signatures with
// args); it runs before they are deleted.
func dropQuarantinedOf(ctx context.Context, tx *sql.Tx, where string, args []any, ev *store.QuarantineEvent) error {
	rows, err := tx.QueryContext(ctx, `SELECT DISTINCT org, email FROM signatures WHERE `+where, args...)
	if err != nil {
		return err
	}
	var pairs [][2]string
	for rows.Next() {
		var p [2]string
		if err := rows.Scan(&p[0], &p[1]); err != nil {
			rows.Close()
			return err
		}
		pairs = append(pairs, p)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for _, p := range pairs {
		if err := dropQuarantined(ctx, tx, ev, p[0], p[1]); err != nil {
			return err
		}
	}
	return nil
}

func countRemoved(res sql.Result, err error, ev *store.QuarantineEvent) error {
	if err != nil {
		return err
	}
	n, err := res.RowsAffected()
	ev.Removed += int(n)
	return err
}

// Quarantined returns how many bundles are set aside (store.Quarantine).
func (db *DB) Quarantined(ctx context.Context) (n int, err error) {
	defer failed(&err, "counting quarantined bundles")
	err = db.r.QueryRowContext(ctx, `SELECT count(*) FROM outbox_quarantine`).Scan(&n)
	return n, err
}

// DropQuarantined deletes every set-aside bundle (store.Quarantine), then,
// when it deleted any, empties the write-ahead log as the erasures do
// (wipe): secure_delete zeroes the rows in the pages, and the WAL's
// frames, which still hold the bundle's bytes as it was written and set
// aside, are cut away.
func (db *DB) DropQuarantined(ctx context.Context) (_ int, err error) {
	defer failed(&err, "dropping quarantined bundles")
	tx, err := db.w.BeginTx(ctx, nil)
	if err != nil {
		return 0, err
	}
	defer tx.Rollback()
	res, err := tx.ExecContext(ctx, `DELETE FROM outbox_quarantine`)
	if err != nil {
		return 0, err
	}
	n, err := res.RowsAffected()
	if err != nil || n == 0 {
		return 0, err
	}
	if err := owe(ctx, tx); err != nil { // rewrites.go
		return 0, err
	}
	if err := tx.Commit(); err != nil {
		return 0, err
	}
	return int(n), db.wipe(ctx)
}

// RequeueQuarantined puts the set-aside bundles back (store.Quarantine),
// in the order they were set aside, after those waiting.
func (db *DB) RequeueQuarantined(ctx context.Context) (_ int, err error) {
	defer failed(&err, "requeueing quarantined bundles")
	tx, err := db.w.BeginTx(ctx, nil)
	if err != nil {
		return 0, err
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, `INSERT INTO outbox_bundles (created_at, messages, signatures)
		SELECT created_at, messages, signatures FROM outbox_quarantine ORDER BY id`); err != nil {
		return 0, err
	}
	res, err := tx.ExecContext(ctx, `DELETE FROM outbox_quarantine`)
	if err != nil {
		return 0, err
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, err
	}
	return int(n), tx.Commit()
}

// OnQuarantine sets what is told of quarantines (store.Quarantine).
func (db *DB) OnQuarantine(f func(store.QuarantineEvent)) { db.onQuarantine.Set(f) }

// quarantined tells OnQuarantine's function of ev, a committed
// transaction's doing, when it did anything.
func (db *DB) quarantined(ev store.QuarantineEvent) { db.onQuarantine.Tell(ev) }

// dropQuarantinedKeptApart is Purge's dropQuarantined for a kept-apart
// name (store.KeptApartSlug): the set-aside bundles of the removed
// campaign name its slug, as it was when they were written (damaged
// bytes are never rewritten; KeepApart moved only what it could read).
// Those written before its rows were kept apart, or within
// store.CreditMargin after (the clocks of the instances that wrote them),
// are its own: a campaign of the slug serves only once they were. Without
// this the retention purge of a removed campaign left its signers'
// set-aside messages behind.
func dropQuarantinedKeptApart(ctx context.Context, tx *sql.Tx, ev *store.QuarantineEvent, org, name string) error {
	slug, ok := store.KeptApartSlug(name)
	if !ok {
		return nil
	}
	var at string
	err := tx.QueryRowContext(ctx, `SELECT kept_apart_at FROM removed_campaigns WHERE org = ? AND name = ?`, org, name).Scan(&at)
	if errors.Is(err, sql.ErrNoRows) || err == nil && at == "" {
		return nil
	}
	if err != nil {
		return err
	}
	kept, err := parseTime(at)
	if err != nil {
		return err
	}
	return dropQuarantinedWhere(ctx, tx, ev, `created_at <= ?`, []any{formatTime(kept.Add(store.CreditMargin))}, org, slug)
}
