package postgres

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/placard/placard/internal/signing"
)

// A bundle is the messages of one signing batch as one row of
// outbox_bundles (migration 018): the signing statement writes a single
// packed value instead of a row and two index entries per message, and
// PostgreSQL compresses it. Bundles are taken apart into ordinary outbox
// rows (unbundle) before anything claims, lists, changes or erases
// messages, so every other part of the outbox sees only rows.
//
// The packed form: a version byte (bundleVersion), then per message its
// signature's place in the batch (as addSQL's ord, from 1) and its
// fields ID, Kind, Target, Email, Org, Campaign and Payload, each a
// uvarint and the bytes: the uvarint is the length plus one, or 0 for
// the same bytes as the previous message's field (a batch's messages
// mostly share their kind, target, organisation and campaign); then
// NotBefore in microseconds since 1970 as a varint, 0 for at once.
// Version 1 wrote every field in full, its uvarint the plain length.
const bundleVersion = 2

// appendBundle packs the messages of sigs, taken in order (order[j] is
// the signature at place j+1), onto b.
func appendBundle(b []byte, sigs []*signing.Signature, order []int) []byte {
	b = append(b, bundleVersion)
	var prev *signing.Message
	for j, i := range order {
		for k := range sigs[i].Outbox {
			m := &sigs[i].Outbox[k]
			b = binary.AppendUvarint(b, uint64(j+1))
			put := func(v, was string) {
				if prev != nil && v == was {
					b = append(b, 0)
					return
				}
				b = binary.AppendUvarint(b, uint64(len(v))+1)
				b = append(b, v...)
			}
			var was signing.Message
			if prev != nil {
				was = *prev
			}
			put(m.ID, was.ID)
			put(m.Kind, was.Kind)
			put(m.Target, was.Target)
			put(m.Email, was.Email)
			put(m.Org, was.Org)
			put(m.Campaign, was.Campaign)
			if prev != nil && bytes.Equal(m.Payload, was.Payload) {
				b = append(b, 0)
			} else {
				b = binary.AppendUvarint(b, uint64(len(m.Payload))+1)
				b = append(b, m.Payload...)
			}
			var nb int64
			if !m.NotBefore.IsZero() {
				nb = m.NotBefore.UnixMicro()
			}
			b = binary.AppendVarint(b, nb)
			prev = m
		}
	}
	return b
}

// bundleSize is at most how many bytes appendBundle writes for sigs, so
// its buffer is allocated once.
func bundleSize(sigs []*signing.Signature) int {
	n := 1
	for _, s := range sigs {
		for k := range s.Outbox {
			m := &s.Outbox[k]
			n += 3 + 7*3 + 10 + len(m.ID) + len(m.Kind) + len(m.Target) + len(m.Email) + len(m.Org) + len(m.Campaign) + len(m.Payload)
		}
	}
	return n
}

var errBundle = errors.New("postgres: a bundle of messages is damaged")

// readBundle unpacks b: the messages of the signatures whose places are
// in inserted, the others (duplicates, which sent nothing) left out.
func readBundle(b []byte, inserted []int64) ([]signing.Message, error) {
	if len(b) == 0 || b[0] < 1 || b[0] > bundleVersion {
		return nil, errBundle
	}
	v1 := b[0] == 1
	b = b[1:]
	var fs [7][]byte
	first := true
	// field reads the next field into f, reporting false when b is
	// damaged.
	field := func(f *[]byte) bool {
		n, k := binary.Uvarint(b)
		if k <= 0 {
			return false
		}
		b = b[k:]
		if !v1 {
			if n == 0 {
				return !first // the previous message's
			}
			n--
		}
		if n > uint64(len(b)) {
			return false
		}
		*f, b = b[:n], b[n:]
		return true
	}
	var out []signing.Message
	for len(b) > 0 {
		place, k := binary.Uvarint(b)
		if k <= 0 {
			return nil, errBundle
		}
		b = b[k:]
		for i := range fs {
			if !field(&fs[i]) {
				return nil, errBundle
			}
		}
		first = false
		nb, k := binary.Varint(b)
		if k <= 0 {
			return nil, errBundle
		}
		b = b[k:]
		if !slices.Contains(inserted, int64(place)) {
			continue
		}
		m := signing.Message{ID: string(fs[0]), Kind: string(fs[1]), Target: string(fs[2]), Email: string(fs[3]),
			Org: string(fs[4]), Campaign: string(fs[5]), Payload: slices.Clone(fs[6])}
		if m.Payload == nil {
			m.Payload = []byte{}
		}
		if nb != 0 {
			m.NotBefore = time.UnixMicro(nb).UTC()
		}
		out = append(out, m)
	}
	return out, nil
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
	if msgs, created, err = keepSigned(ctx, tx, msgs, created); err != nil {
		return err
	}
	return insertOutboxAt(ctx, tx, msgs, created)
}

// keepSigned returns msgs (and their created) without those about an
// address whose signature on their organisation and campaign is gone.
// Every erasure of this version takes the bundles apart before deleting
// signatures, so a bundled message outliving its signature was left by
// an instance of an older placard (before migration 018) that erased
// during a rolling upgrade knowing nothing of bundles: sending it would
// send what was erased. Every message a signing batch bundles is about
// its signature's address, organisation and campaign; one with no
// address is kept.
func keepSigned(ctx context.Context, tx pgx.Tx, msgs []signing.Message, created []time.Time) ([]signing.Message, []time.Time, error) {
	if len(msgs) == 0 {
		return msgs, created, nil
	}
	emails, orgs, camps := make([]string, len(msgs)), make([]string, len(msgs)), make([]string, len(msgs))
	for i, m := range msgs {
		emails[i], orgs[i], camps[i] = m.Email, m.Org, m.Campaign
	}
	rows, err := tx.Query(ctx, `SELECT m.i FROM unnest($1::text[], $2::text[], $3::text[]) WITH ORDINALITY AS m(email, org, campaign, i)
		WHERE m.email = '' OR EXISTS (SELECT 1 FROM signatures s WHERE s.email = m.email AND s.org = m.org AND s.campaign = m.campaign)
		ORDER BY m.i`,
		emails, orgs, camps)
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
	return pgx.BeginFunc(ctx, db.pool, func(tx pgx.Tx) error { return unbundle(ctx, tx, 0) })
}
