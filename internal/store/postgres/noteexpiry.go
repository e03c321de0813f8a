package postgres

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/placard/placard/internal/store"
)

var _ store.NoteExpiry = (*DB)(nil)

// MarkUnserved is store.NoteExpiry's: one statement each, so instances
// marking at once leave one record per organisation (ON CONFLICT keeps
// the first time).
func (db *DB) MarkUnserved(ctx context.Context, unserved []string, now time.Time) (err error) {
	defer failed(&err, "recording the organisations whose erasure notices wait")
	if unserved == nil {
		unserved = []string{}
	}
	tx, err := db.pool.Begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback(ctx)
	if _, err := tx.Exec(ctx, `DELETE FROM outbox_unserved WHERE NOT (org = ANY($1))`, unserved); err != nil {
		return err
	}
	if _, err := tx.Exec(ctx, `INSERT INTO outbox_unserved (org, since)
		SELECT DISTINCT u, $2::timestamptz FROM unnest($1::text[]) AS u
		ON CONFLICT (org) DO NOTHING`, unserved, now.UTC()); err != nil {
		return err
	}
	return tx.Commit(ctx)
}

// UnservedNotes is store.NoteExpiry's, read through outbox_notes
// (migration 043).
func (db *DB) UnservedNotes(ctx context.Context) (_ []store.UnservedNotes, err error) {
	defer failed(&err, "reading the organisations whose erasure notices wait")
	rows, err := db.pool.Query(ctx, `SELECT u.org, u.since, count(*), min(o.created_at), max(o.created_at)
		FROM outbox_unserved u JOIN outbox o ON o.org = u.org AND o.kind = 'erasure' AND o.status = 'note'
		GROUP BY u.org, u.since ORDER BY u.org COLLATE "C"`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []store.UnservedNotes
	for rows.Next() {
		var u store.UnservedNotes
		var n int64
		if err := rows.Scan(&u.Org, &u.Since, &n, &u.Oldest, &u.Newest); err != nil {
			return nil, err
		}
		u.Notes = int(n)
		u.Since, u.Oldest, u.Newest = u.Since.UTC(), u.Oldest.UTC(), u.Newest.UTC()
		out = append(out, u)
	}
	return out, rows.Err()
}

// DropUnservedNotes is store.NoteExpiry's: one DELETE … RETURNING, so
// of instances dropping at once each row is deleted, and counted, by
// one; the outbox is then rewritten (VACUUM FULL), as after an erasure.
func (db *DB) DropUnservedNotes(ctx context.Context, before time.Time) (_ map[string]int, err error) {
	defer failed(&err, "deleting the erasure notices of organisations not served")
	dropped := map[string]int{}
	err = pgx.BeginFunc(ctx, db.pool, func(tx pgx.Tx) error {
		clear(dropped)
		rows, err := tx.Query(ctx, `DELETE FROM outbox
			WHERE kind = 'erasure' AND status = 'note' AND created_at <= $1
			AND org IN (SELECT org FROM outbox_unserved WHERE since <= $1)
			RETURNING org`, before.UTC())
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var org string
			if err := rows.Scan(&org); err != nil {
				return err
			}
			dropped[org]++
		}
		if err := rows.Err(); err != nil {
			return err
		}
		rows.Close()
		if len(dropped) == 0 {
			return nil
		}
		// DELETE only marks the rows dead: the outbox is owed a rewrite,
		// as after an erasure (rewrites.go), so the addresses leave the
		// data files.
		return owe(ctx, tx, []string{"outbox"})
	})
	if err != nil {
		return nil, err
	}
	if len(dropped) > 0 {
		return dropped, db.rewrite(ctx)
	}
	return dropped, nil
}
