package postgres

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/placard/placard/internal/signing"
	"github.com/placard/placard/internal/store/internal/bundle"
)

// A bundle is the messages of one signing batch as one row of
// outbox_bundles (migration 018): the signing statement writes a single
// packed value (store/internal/bundle, the form SQLite stores too)
// instead of a row and two index entries per message, and PostgreSQL
// compresses it. Bundles are taken apart into ordinary outbox rows
// (unbundle) before anything claims, lists, changes or erases messages,
// so every other part of the outbox sees only rows. A message's place is
// its signature's place in the batch (addSQL's ord, from 1).
const bundleVersion = bundle.Version

// appendBundle packs the messages of sigs, taken in order (order[j] is
// the signature at place j+1), onto b.
func appendBundle(b []byte, sigs []*signing.Signature, order []int) []byte {
	return bundle.Append(b, sigs, order)
}

// bundleSize is at most how many bytes appendBundle writes for sigs, so
// its buffer is allocated once.
func bundleSize(sigs []*signing.Signature) int { return bundle.Size(sigs) }

var errBundle = fmt.Errorf("postgres: %w", bundle.ErrDamaged)

// readBundle unpacks b: the messages of the signatures whose places are
// in inserted, the others (duplicates, which sent nothing) left out.
func readBundle(b []byte, inserted []int64) ([]signing.Message, error) {
	ms, err := bundle.Read(b, func(place uint64) bool { return slices.Contains(inserted, int64(place)) })
	if err != nil {
		return nil, errBundle
	}
	return ms, nil
}

// unbundle takes bundles apart into outbox rows in tx, oldest first, each
// message under its own id and with its bundle's creation time. With
// want 0 it takes every bundle, waiting for any that another transaction is
// taking apart (erasures: nothing may stay bundled); with want > 0 (a
// claim) it takes the oldest bundles no one else holds until they hold
// at least want signatures' messages, and leaves the rest.
func unbundle(ctx context.Context, tx pgx.Tx, want int) error {
	del := `DELETE FROM outbox_bundles RETURNING created_at, inserted, messages`
	var args []any
	if want > 0 {
		rows, err := tx.Query(ctx, `SELECT seq, cardinality(inserted) FROM outbox_bundles
			ORDER BY seq LIMIT `+strconv.Itoa(want)+` FOR UPDATE SKIP LOCKED`)
		if err != nil {
			return err
		}
		var seqs []int64
		total := 0
		var seq int64
		var n int
		_, err = pgx.ForEachRow(rows, []any{&seq, &n}, func() error {
			if total < want {
				seqs, total = append(seqs, seq), total+n
			}
			return nil
		})
		if err != nil || len(seqs) == 0 {
			return err
		}
		del = `DELETE FROM outbox_bundles WHERE seq = ANY($1) RETURNING created_at, inserted, messages`
		args = []any{seqs}
	}
	rows, err := tx.Query(ctx, del, args...)
	if err != nil {
		return err
	}
	var msgs []signing.Message
	var created []time.Time
	var at time.Time
	var inserted []int64
	var packed []byte
	_, err = pgx.ForEachRow(rows, []any{&at, &inserted, &packed}, func() error {
		ms, err := readBundle(packed, inserted)
		if err != nil {
			return err
		}
		msgs = append(msgs, ms...)
		for range ms {
			created = append(created, at)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("taking bundled messages apart: %w", err)
	}
	return insertOutboxAt(ctx, tx, msgs, created)
}

// unbundleAll takes every bundle apart in a transaction of its own.
func (db *DB) unbundleAll(ctx context.Context) error {
	return pgx.BeginFunc(ctx, db.pool, func(tx pgx.Tx) error { return unbundle(ctx, tx, 0) })
}
