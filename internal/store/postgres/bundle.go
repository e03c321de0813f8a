package postgres

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/placard/placard/internal/signing"
	"github.com/placard/placard/internal/store"
	"github.com/placard/placard/internal/store/internal/bundle"
)

// A bundle is the messages of one signing batch as one row of
// outbox_bundles (migration 018): the signing statement writes a single
// packed value (store/internal/bundle, the form SQLite stores too)
// instead of a row and two index entries per message, and PostgreSQL
// compresses it. Bundles are taken apart into ordinary outbox rows
// (unbundle) before anything claims, lists, changes or erases messages,
// so every other part of the outbox sees only rows. A message's place is
// its signature's place in the batch (addSQL's ord, from 1); the row
// names the signature at each place inserted by its id (migration 021),
// and a message whose very signature is gone is dropped (keepSigned).
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
	ms, _, err := readSigned(b, inserted, nil)
	return ms, err
}

// readSigned is readBundle that also gives each message's signature id:
// sigs[k] is the id of the signature at place inserted[k] (migration
// 021). A bundle from before it has none (sigs nil): every id is 0.
func readSigned(b []byte, inserted, sigs []int64) ([]signing.Message, []int64, error) {
	if sigs != nil && len(sigs) != len(inserted) {
		return nil, nil, errBundle
	}
	var ids []int64
	ms, err := bundle.Read(b, func(place uint64) bool {
		k := slices.Index(inserted, int64(place))
		if k < 0 {
			return false
		}
		var id int64
		if sigs != nil {
			id = sigs[k]
		}
		ids = append(ids, id)
		return true
	})
	if err != nil {
		return nil, nil, errBundle
	}
	return ms, ids, nil
}

// unbundle takes bundles apart into outbox rows in tx, oldest first, each
// message under its own id and with its bundle's creation time, but for
// the messages whose signature is gone (keepSigned). With want 0 it
// takes every bundle, waiting for any that another transaction is taking
// apart (erasures: nothing may stay bundled); with want > 0 (a claim) it
// takes the oldest bundles no one else holds until they hold at least
// want signatures' messages, and leaves the rest. A bundle that cannot
// be read is quarantined (quarantine.go) and counted in ev.
func unbundle(ctx context.Context, tx pgx.Tx, want int, ev *store.QuarantineEvent) error {
	var seqs []int64 // nil: every bundle
	if want > 0 {
		rows, err := tx.Query(ctx, `SELECT seq, cardinality(inserted) FROM outbox_bundles
			ORDER BY seq LIMIT `+strconv.Itoa(want)+` FOR UPDATE SKIP LOCKED`)
		if err != nil {
			return err
		}
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
	}
	was := ev.Quarantined + ev.Unreadable
	if err := takeApart(ctx, tx, ev, seqs); err != nil {
		return err
	}
	if want > 0 && ev.Quarantined+ev.Unreadable > was {
		// A damaged bundle held nothing to claim: the next ones may (each
		// round sets aside what it could not read, so the rounds end).
		return unbundle(ctx, tx, want, ev)
	}
	return nil
}

// takeApart deletes the bundles seqs (nil: every one) and writes their
// messages as outbox rows in tx, but for those whose signature is gone
// (keepSigned). A bundle that cannot be read is quarantined as it was
// (quarantine.go), counted in ev, and the others are taken apart all the
// same. One PostgreSQL itself cannot read (its stored bytes damaged on
// disk: unreadable) is deleted by its key without reading it, counted in
// ev.Unreadable: nothing could ever be sent from it nor shown to hold
// nothing of an erased person, and reading it failed the whole erasure,
// so the person could not be erased (TestEraseDecompressDamage).
func takeApart(ctx context.Context, tx pgx.Tx, ev *store.QuarantineEvent, seqs []int64) error {
	err := inSavepoint(ctx, tx, func(sp pgx.Tx) error { return takeApartOnce(ctx, sp, ev, seqs) })
	if !unreadable(err) {
		return err
	}
	// One bundle at a time, to find the unreadable ones.
	if seqs == nil {
		rows, err := tx.Query(ctx, `SELECT seq FROM outbox_bundles ORDER BY seq`)
		if err != nil {
			return err
		}
		if seqs, err = pgx.CollectRows(rows, pgx.RowTo[int64]); err != nil {
			return err
		}
	}
	for _, seq := range seqs {
		err := inSavepoint(ctx, tx, func(sp pgx.Tx) error { return takeApartOnce(ctx, sp, ev, []int64{seq}) })
		if !unreadable(err) {
			if err != nil {
				return err
			}
			continue
		}
		if _, err := tx.Exec(ctx, `DELETE FROM outbox_bundles WHERE seq = $1`, seq); err != nil {
			return err
		}
		ev.Unreadable++
	}
	return nil
}

// unreadable reports whether err is PostgreSQL failing to read a value
// it stored (XX001 data_corrupted: "compressed lz4 data is corrupt",
// "missing chunk number … for toast value").
func unreadable(err error) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && pe.Code == "XX001"
}

// inSavepoint runs f in a savepoint of tx, rolled back when f fails, so
// tx can go on after an unreadable value.
func inSavepoint(ctx context.Context, tx pgx.Tx, f func(pgx.Tx) error) error {
	sp, err := tx.Begin(ctx)
	if err != nil {
		return err
	}
	if err := f(sp); err != nil {
		sp.Rollback(ctx)
		return err
	}
	return sp.Commit(ctx)
}

// takeApartOnce is takeApart's work when every bundle reads.
func takeApartOnce(ctx context.Context, tx pgx.Tx, ev *store.QuarantineEvent, seqs []int64) error {
	del := `DELETE FROM outbox_bundles RETURNING created_at, inserted, signatures, messages`
	var args []any
	if seqs != nil {
		del = `DELETE FROM outbox_bundles WHERE seq = ANY($1) RETURNING created_at, inserted, signatures, messages`
		args = []any{seqs}
	}
	rows, err := tx.Query(ctx, del, args...)
	if err != nil {
		return err
	}
	var msgs []signing.Message
	var created []time.Time
	var sigs []int64
	var at time.Time
	var inserted, ids []int64
	var packed []byte
	var damaged []setAside
	_, err = pgx.ForEachRow(rows, []any{&at, &inserted, &ids, &packed}, func() error {
		ms, ss, err := readSigned(packed, inserted, ids)
		if errors.Is(err, bundle.ErrDamaged) {
			damaged = append(damaged, setAside{created: at, inserted: slices.Clone(inserted),
				signatures: slices.Clone(ids), messages: slices.Clone(packed)})
			return nil
		}
		if err != nil {
			return err
		}
		msgs, sigs = append(msgs, ms...), append(sigs, ss...)
		for range ms {
			created = append(created, at)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("taking bundled messages apart: %w", err)
	}
	if err := quarantine(ctx, tx, damaged, ev); err != nil {
		return err
	}
	if msgs, created, err = keepSigned(ctx, tx, msgs, created, sigs); err != nil {
		return err
	}
	return insertOutboxAt(ctx, tx, msgs, created)
}

// unbundleCampaign takes apart in tx only the bundles holding a message
// of org's campaign (Purge): the others stay bundled, untouched, so a
// purge of a campaign that holds nothing writes nothing. It returns how
// many of the campaign's messages they held (those whose signature is
// gone, Purge's own deletion among them, are dropped: keepSigned). A
// bundle whose bytes do not even hold the campaign's name holds none of
// its messages, and is not unpacked. Purge holds lockSigning, so no
// bundle is written meanwhile; one a claim is taking apart is waited for
// by the DELETE, which then skips it, and its rows, committed, are seen
// by Purge's next statement. A bundle holding the campaign's name that
// cannot be read is quarantined (quarantine.go), counted in ev, for
// Purge to drop.
func unbundleCampaign(ctx context.Context, tx pgx.Tx, org, campaign string, ev *store.QuarantineEvent) (int, error) {
	var seqs, damaged []int64
	found := 0
	var seq int64
	var inserted []int64
	var packed []byte
	// look reads one bundle the scan returned.
	look := func() error {
		if !bytes.Contains(packed, []byte(campaign)) {
			return nil
		}
		ms, err := readBundle(packed, inserted)
		if errors.Is(err, bundle.ErrDamaged) {
			damaged = append(damaged, seq) // takeApart quarantines it
			return nil
		}
		if err != nil {
			return err
		}
		mine := 0
		for _, m := range ms {
			if m.Org == org && m.Campaign == campaign {
				mine++
			}
		}
		if mine > 0 {
			seqs, found = append(seqs, seq), found+mine
		}
		return nil
	}
	scan := func(tx pgx.Tx, q string, args ...any) error {
		rows, err := tx.Query(ctx, q, args...)
		if err != nil {
			return err
		}
		_, err = pgx.ForEachRow(rows, []any{&seq, &inserted, &packed}, look)
		return err
	}
	err := inSavepoint(ctx, tx, func(sp pgx.Tx) error {
		return scan(sp, `SELECT seq, inserted, messages FROM outbox_bundles`)
	})
	if unreadable(err) {
		// One at a time: an unreadable bundle may hold the campaign, and
		// takeApart deletes it unread.
		seqs, damaged, found = nil, nil, 0
		rows, err := tx.Query(ctx, `SELECT seq FROM outbox_bundles ORDER BY seq`)
		if err != nil {
			return 0, err
		}
		all, err := pgx.CollectRows(rows, pgx.RowTo[int64])
		if err != nil {
			return 0, err
		}
		for _, one := range all {
			err := inSavepoint(ctx, tx, func(sp pgx.Tx) error {
				return scan(sp, `SELECT seq, inserted, messages FROM outbox_bundles WHERE seq = $1`, one)
			})
			if unreadable(err) {
				damaged = append(damaged, one)
			} else if err != nil {
				return 0, err
			}
		}
	} else if err != nil {
		return 0, fmt.Errorf("taking bundled messages apart: %w", err)
	}
	if found == 0 && len(damaged) == 0 {
		return 0, nil
	}
	return found, takeApart(ctx, tx, ev, append(seqs, damaged...))
}

// keepSigned returns msgs (and their created) without those whose
// signature is gone: the very signature, sigs[i], by its id, which an
// identity column never gives again; for a message of a bundle from
// before migration 021 (sigs[i] 0), a signature of its address on its
// organisation and campaign made no later than its bundle (one with no
// address is kept). Every erasure of this version takes the bundles
// apart before deleting signatures, in a transaction signing batches
// wait for (lockSigning), so a bundled message outliving its signature
// was left by an instance of an older placard (before migration 018)
// that erased during a rolling upgrade knowing nothing of bundles:
// sending it would send what was erased, and once the same address has
// signed again, matching it by address would send it for the new
// signature.
func keepSigned(ctx context.Context, tx pgx.Tx, msgs []signing.Message, created []time.Time, sigs []int64) ([]signing.Message, []time.Time, error) {
	if len(msgs) == 0 {
		return msgs, created, nil
	}
	emails, orgs, camps := make([]string, len(msgs)), make([]string, len(msgs)), make([]string, len(msgs))
	for i, m := range msgs {
		emails[i], orgs[i], camps[i] = m.Email, m.Org, m.Campaign
	}
	rows, err := tx.Query(ctx, `SELECT m.i FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::timestamptz[])
			WITH ORDINALITY AS m(sig, email, org, campaign, at, i)
		WHERE CASE WHEN m.sig <> 0 THEN EXISTS (SELECT 1 FROM signatures s WHERE s.id = m.sig)
			ELSE m.email = '' OR EXISTS (SELECT 1 FROM signatures s
				WHERE s.email = m.email AND s.org = m.org AND s.campaign = m.campaign AND s.created_at <= m.at) END
		ORDER BY m.i`,
		sigs, emails, orgs, camps, created)
	if err != nil {
		return nil, nil, err
	}
	keep, err := pgx.CollectRows(rows, pgx.RowTo[int64])
	if err != nil || len(keep) == len(msgs) {
		return msgs, created, err
	}
	var km []signing.Message
	var kc []time.Time
	for _, i := range keep {
		km, kc = append(km, msgs[i-1]), append(kc, created[i-1])
	}
	return km, kc, nil
}

// unbundleAll takes every bundle apart in a transaction of its own.
func (db *DB) unbundleAll(ctx context.Context) error {
	var ev store.QuarantineEvent
	err := pgx.BeginFunc(ctx, db.pool, func(tx pgx.Tx) error {
		ev = store.QuarantineEvent{}
		return unbundle(ctx, tx, 0, &ev)
	})
	if err == nil {
		db.quarantined(ev)
	}
	return err
}
