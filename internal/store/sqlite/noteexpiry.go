package sqlite

import (
	"context"
	"time"

	"github.com/placard/placard/internal/store"
)

var _ store.NoteExpiry = (*DB)(nil)

// MarkUnserved is store.NoteExpiry's: one transaction, so two instances
// marking at once leave one record per organisation, the earlier time
// kept.
func (db *DB) MarkUnserved(ctx context.Context, unserved []string, now time.Time) (err error) {
	defer failed(&err, "recording the organisations whose erasure notices wait")
	tx, err := db.w.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	keep := map[string]bool{}
	for _, org := range unserved {
		keep[org] = true
	}
	rows, err := tx.QueryContext(ctx, `SELECT org FROM outbox_unserved`)
	if err != nil {
		return err
	}
	var gone []string
	for rows.Next() {
		var org string
		if err := rows.Scan(&org); err != nil {
			rows.Close()
			return err
		}
		if !keep[org] {
			gone = append(gone, org)
		}
	}
	if err := rows.Close(); err != nil {
		return err
	}
	for _, org := range gone {
		if _, err := tx.ExecContext(ctx, `DELETE FROM outbox_unserved WHERE org = ?`, org); err != nil {
			return err
		}
	}
	for org := range keep {
		if _, err := tx.ExecContext(ctx, `INSERT INTO outbox_unserved (org, since) VALUES (?, ?)
			ON CONFLICT (org) DO NOTHING`, org, formatTime(now)); err != nil {
			return err
		}
	}
	return tx.Commit()
}

// UnservedNotes is store.NoteExpiry's, read through outbox_notes
// (migration 043).
func (db *DB) UnservedNotes(ctx context.Context) (_ []store.UnservedNotes, err error) {
	defer failed(&err, "reading the organisations whose erasure notices wait")
	rows, err := db.r.QueryContext(ctx, `SELECT u.org, u.since, count(*), min(o.created_at), max(o.created_at)
		FROM outbox_unserved u JOIN outbox o ON o.org = u.org AND o.kind = 'erasure' AND o.status = 'note'
		GROUP BY u.org, u.since ORDER BY u.org`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []store.UnservedNotes
	for rows.Next() {
		var u store.UnservedNotes
		var since, oldest, newest string
		if err := rows.Scan(&u.Org, &since, &u.Notes, &oldest, &newest); err != nil {
			return nil, err
		}
		if u.Since, err = parseTime(since); err != nil {
			return nil, err
		}
		if u.Oldest, err = parseTime(oldest); err != nil {
			return nil, err
		}
		if u.Newest, err = parseTime(newest); err != nil {
			return nil, err
		}
		out = append(out, u)
	}
	return out, rows.Err()
}

// DropUnservedNotes is store.NoteExpiry's. The notes' bytes are
// overwritten (secure_delete) and the write-ahead log emptied after, as
// after an erasure: a dropped note leaves no address in the files.
func (db *DB) DropUnservedNotes(ctx context.Context, before time.Time) (_ map[string]int, err error) {
	defer failed(&err, "deleting the erasure notices of organisations not served")
	b := formatTime(before)
	tx, err := db.w.BeginTx(ctx, nil)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	rows, err := tx.QueryContext(ctx, `DELETE FROM outbox
		WHERE kind = 'erasure' AND status = 'note' AND created_at <= ?1
		AND org IN (SELECT org FROM outbox_unserved WHERE since <= ?1)
		RETURNING org`, b)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	dropped := map[string]int{}
	for rows.Next() {
		var org string
		if err := rows.Scan(&org); err != nil {
			return nil, err
		}
		dropped[org]++
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if err := rows.Close(); err != nil {
		return nil, err
	}
	if len(dropped) == 0 {
		return dropped, nil
	}
	if err := owe(ctx, tx); err != nil { // rewrites.go
		return nil, err
	}
	if err := tx.Commit(); err != nil {
		return nil, err
	}
	return dropped, db.wipe(ctx)
}
