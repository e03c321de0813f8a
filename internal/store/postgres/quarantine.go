package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/placard/placard/internal/store"
	"github.com/placard/placard/internal/store/internal/bundle"
)

var _ store.Quarantine = (*DB)(nil)

// A bundle that cannot be read (bundle.ErrDamaged) is moved, as it was,
// to outbox_quarantine (migration 022) by whatever takes it apart — a
// claim, a listing, an erasure — and the rest goes on without it: it is
// never read again, so never retried in a loop nor sent half read.
// Erasures then delete from the quarantine every bundle whose bytes hold
// what they erase (dropQuarantined): a damaged bundle cannot be shown to
// hold nothing of the erased person otherwise. Their VACUUM FULL
// rewrites the table (wipe).

// setAside is a damaged bundle as takeApart's DELETE returned it.
type setAside struct {
	created              time.Time
	inserted, signatures []int64
	messages             []byte
}

// quarantine writes the bundles bs, already deleted from outbox_bundles,
// to outbox_quarantine in tx and counts them in ev.
func quarantine(ctx context.Context, tx pgx.Tx, bs []setAside, ev *store.QuarantineEvent) error {
	now := time.Now().UTC().Truncate(time.Microsecond)
	for _, b := range bs {
		if _, err := tx.Exec(ctx, `INSERT INTO outbox_quarantine (created_at, quarantined_at, inserted, signatures, messages)
			VALUES ($1, $2, $3, $4, $5)`, b.created, now, b.inserted, b.signatures, b.messages); err != nil {
			return err
		}
		ev.Quarantined++
	}
	return nil
}

// dropQuarantined deletes in tx every quarantined bundle whose bytes
// name each of fields in full (bundle.Fields: an erased address with its
// organisation, a purged campaign with its organisation, or an address
// alone for an erasure everywhere), counts them in ev and returns how
// many: an erasure's part, after it has taken every bundle apart
// (unbundle), so the damaged ones among them are here too. A bundle
// names each address, organisation and campaign in full at least once,
// so one whose bytes lack it holds none of its messages. Only whole
// fields match, never a substring: an organisation's erasure must not
// delete, nor tell the count of, another organisation's set-aside
// messages, nor those of an address that merely contains the erased one.
func dropQuarantined(ctx context.Context, tx pgx.Tx, ev *store.QuarantineEvent, fields ...string) (int64, error) {
	return dropQuarantinedWhere(ctx, tx, ev, `true`, nil, fields...)
}

// dropQuarantinedWhere is dropQuarantined for the bundles matching cond
// (a condition on outbox_quarantine with its args, numbered from $1) too.
func dropQuarantinedWhere(ctx context.Context, tx pgx.Tx, ev *store.QuarantineEvent, cond string, condArgs []any, fields ...string) (int64, error) {
	q := `DELETE FROM outbox_quarantine WHERE ` + cond
	args := append(make([]any, 0, len(condArgs)+2*len(fields)), condArgs...)
	for _, f := range fields {
		fs := bundle.Fields(f)
		q += fmt.Sprintf(` AND (position($%d::bytea IN messages) > 0 OR position($%d::bytea IN messages) > 0)`, len(args)+1, len(args)+2)
		args = append(args, fs[0], fs[1])
	}
	var n int64
	err := inSavepoint(ctx, tx, func(sp pgx.Tx) error { // bundle.go
		tag, err := sp.Exec(ctx, q, args...)
		n = tag.RowsAffected()
		return err
	})
	if unreadable(err) {
		// A set-aside bundle PostgreSQL cannot read stops the search:
		// one at a time, and one unreadable is deleted unread, as
		// takeApart does, since it cannot be shown not to hold them.
		n, err = 0, nil
		rows, err := tx.Query(ctx, `SELECT id FROM outbox_quarantine ORDER BY id`)
		if err != nil {
			return 0, err
		}
		ids, err := pgx.CollectRows(rows, pgx.RowTo[int64])
		if err != nil {
			return 0, err
		}
		one := q + fmt.Sprintf(` AND id = $%d`, len(args)+1)
		for _, id := range ids {
			err := inSavepoint(ctx, tx, func(sp pgx.Tx) error {
				tag, err := sp.Exec(ctx, one, append(args, id)...)
				n += tag.RowsAffected()
				return err
			})
			if !unreadable(err) {
				if err != nil {
					return 0, err
				}
				continue
			}
			if _, err := tx.Exec(ctx, `DELETE FROM outbox_quarantine WHERE id = $1`, id); err != nil {
				return 0, err
			}
			ev.Unreadable++
		}
	}
	if err != nil {
		return 0, err
	}
	ev.Removed += int(n)
	return n, nil
}

// dropQuarantinedOf is dropQuarantined for the organisation and address
// of each signature matching where (a condition on signatures with
// args); it runs before they are deleted.
func dropQuarantinedOf(ctx context.Context, tx pgx.Tx, where string, args []any, ev *store.QuarantineEvent) (int64, error) {
	rows, err := tx.Query(ctx, `SELECT DISTINCT org, email FROM signatures WHERE `+where, args...)
	if err != nil {
		return 0, err
	}
	pairs, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) ([2]string, error) {
		var p [2]string
		return p, r.Scan(&p[0], &p[1])
	})
	if err != nil {
		return 0, err
	}
	var n int64
	for _, p := range pairs {
		k, err := dropQuarantined(ctx, tx, ev, p[0], p[1])
		if err != nil {
			return 0, err
		}
		n += k
	}
	return n, nil
}

func countRemoved(tag pgconn.CommandTag, err error, ev *store.QuarantineEvent) (int64, error) {
	if err != nil {
		return 0, err
	}
	ev.Removed += int(tag.RowsAffected())
	return tag.RowsAffected(), nil
}

// Quarantined returns how many bundles are set aside (store.Quarantine).
func (db *DB) Quarantined(ctx context.Context) (n int, err error) {
	defer failed(&err, "counting quarantined bundles")
	err = db.pool.QueryRow(ctx, `SELECT count(*) FROM outbox_quarantine`).Scan(&n)
	return n, err
}

// DropQuarantined deletes every set-aside bundle (store.Quarantine), then,
// when it deleted any, rewrites the tables that held their bytes as the
// erasures do (wipe): DELETE only marks a row dead, and the bundle's
// bytes, names and addresses among them, would stay in the files until
// the space was reused. outbox_bundles is rewritten too: the bundle was
// deleted from it when it was set aside.
func (db *DB) DropQuarantined(ctx context.Context) (_ int, err error) {
	defer failed(&err, "dropping quarantined bundles")
	n := 0
	err = pgx.BeginFunc(ctx, db.pool, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `DELETE FROM outbox_quarantine`)
		if err != nil || tag.RowsAffected() == 0 {
			return err
		}
		n = int(tag.RowsAffected())
		return owe(ctx, tx, []string{"outbox_bundles", "outbox_quarantine"}) // rewrites.go
	})
	if err != nil || n == 0 {
		return 0, err
	}
	return n, db.rewrite(ctx)
}

// RequeueQuarantined puts the set-aside bundles back (store.Quarantine),
// in the order they were set aside, after those waiting.
func (db *DB) RequeueQuarantined(ctx context.Context) (_ int, err error) {
	defer failed(&err, "requeueing quarantined bundles")
	tag, err := db.pool.Exec(ctx, `WITH moved AS (
			DELETE FROM outbox_quarantine RETURNING id, created_at, inserted, signatures, messages
		)
		INSERT INTO outbox_bundles (created_at, inserted, signatures, messages)
		SELECT created_at, inserted, signatures, messages FROM moved ORDER BY id`)
	return int(tag.RowsAffected()), err
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
func dropQuarantinedKeptApart(ctx context.Context, tx pgx.Tx, ev *store.QuarantineEvent, org, name string) (int64, error) {
	slug, ok := store.KeptApartSlug(name)
	if !ok {
		return 0, nil
	}
	var at *time.Time
	err := tx.QueryRow(ctx, `SELECT kept_apart_at FROM removed_campaigns WHERE org = $1 AND name = $2`, org, name).Scan(&at)
	if errors.Is(err, pgx.ErrNoRows) || err == nil && at == nil {
		return 0, nil
	}
	if err != nil {
		return 0, err
	}
	return dropQuarantinedWhere(ctx, tx, ev, `created_at <= $1`, []any{at.Add(store.CreditMargin)}, org, slug)
}
