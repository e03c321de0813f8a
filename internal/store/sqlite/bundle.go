package sqlite

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/binary"
	"errors"
	"fmt"
	"strconv"
	"sync"
	"time"

	"github.com/placard/placard/internal/signing"
	"github.com/placard/placard/internal/store"
	"github.com/placard/placard/internal/store/internal/bundle"
)

// A bundle is the messages of one signing batch as one row of
// outbox_bundles (migration 019), packed as on PostgreSQL
// (store/internal/bundle): the signing transaction writes a single row
// instead of a row and an index entry per message. Only the messages of
// the signatures actually inserted are packed (a duplicate's are never
// sent), so a message's place is its signature's among those, and the
// row records those signatures' ids in the same order (migration 021).
// Bundles are taken apart into ordinary outbox rows (unbundle) before
// anything claims, lists, changes or erases messages, so every other
// part of the outbox sees only rows; a message whose very signature is
// gone is dropped then (keepSigned).

// bundleInsertSQL writes one batch's bundle.
const bundleInsertSQL = `INSERT INTO outbox_bundles (created_at, messages, signatures) VALUES (?, ?, ?)`

// bundleStmt returns the prepared bundleInsertSQL; call it before BEGIN
// (see prepared).
func (db *DB) bundleStmt(ctx context.Context) (*sql.Stmt, error) {
	return db.prepared(ctx, stmtKey{kind: stmtInsertBundle}, func() string { return bundleInsertSQL })
}

// bundleScratch is a batch's packing buffers, reused from batch to batch
// and emptied before they go back: they hold signers' addresses.
type bundleScratch struct {
	kept   []int
	packed []byte
	sigs   []byte // appendIDs of the kept signatures
}

var bundlePool = sync.Pool{New: func() any { return new(bundleScratch) }}

// insertBundle writes, in tx with st (bundleStmt), the messages of the
// signatures of order that were inserted (ids[i], their ids, not 0) as
// one bundle entering the outbox at now, with those ids. It writes
// nothing when they have no message.
func insertBundle(ctx context.Context, tx *sql.Tx, st *sql.Stmt, sigs []*signing.Signature, order []int, ids []int64, now time.Time) error {
	sc := bundlePool.Get().(*bundleScratch)
	defer func() {
		clear(sc.packed[:cap(sc.packed)])
		sc.kept, sc.packed, sc.sigs = sc.kept[:0], sc.packed[:0], sc.sigs[:0]
		bundlePool.Put(sc)
	}()
	kept := sc.kept[:0]
	sc.sigs = sc.sigs[:0]
	var prev int64
	for _, i := range order {
		if ids[i] != 0 && len(sigs[i].Outbox) > 0 {
			kept = append(kept, i)
			sc.sigs = binary.AppendVarint(sc.sigs, ids[i]-prev)
			prev = ids[i]
		}
	}
	sc.kept = kept
	if len(kept) == 0 {
		return nil
	}
	if n := bundle.Size(sigs); cap(sc.packed) < n {
		sc.packed = make([]byte, 0, n)
	}
	sc.packed = bundle.Append(sc.packed[:0], sigs, kept)
	_, err := tx.StmtContext(ctx, st).ExecContext(ctx, formatTime(now), sc.packed, sc.sigs)
	return err
}

// readIDs unpacks a bundle's signature ids: the first, then each one's
// difference from the one before, as varints (insertBundle). A bundle
// from before migration 021 has none (nil).
func readIDs(b []byte) ([]int64, error) {
	var ids []int64
	var prev int64
	for len(b) > 0 {
		d, k := binary.Varint(b)
		if k <= 0 {
			return nil, errBundle
		}
		b = b[k:]
		prev += d
		ids = append(ids, prev)
	}
	return ids, nil
}

var errBundle = fmt.Errorf("sqlite: %w", bundle.ErrDamaged)

// unbundle takes bundles apart into outbox rows in tx, oldest first, each
// message under its own id and with its bundle's creation time, but for
// the messages whose signature is gone (keepSigned). With want 0 it takes
// every bundle (erasures, list, retry, drop: nothing may stay bundled);
// with want > 0 (a claim) it takes the oldest bundles until they hold at
// least want messages, and leaves the rest. stmts are
// outboxStmts(ctx, outboxChunk), or nil to write with statements parsed
// in tx. A bundle that cannot be read is quarantined (quarantine.go),
// counted in ev, and counts for none of want.
func unbundle(ctx context.Context, tx *sql.Tx, stmts map[int]*sql.Stmt, want int, ev *store.QuarantineEvent) error {
	q := `SELECT seq, created_at, messages, signatures FROM outbox_bundles ORDER BY seq`
	if want > 0 {
		// Every bundle holds at least one message.
		q += ` LIMIT ` + strconv.Itoa(want)
	}
	rows, err := tx.QueryContext(ctx, q)
	if err != nil {
		return err
	}
	var bs []taken
	var damaged []int64
	last, total := int64(-1), 0
	for rows.Next() {
		var seq int64
		var created string
		var packed, ids sql.RawBytes
		if err := rows.Scan(&seq, &created, &packed, &ids); err != nil {
			rows.Close()
			return err
		}
		last = seq
		b, err := readTaken(created, packed, ids)
		if errors.Is(err, bundle.ErrDamaged) {
			damaged = append(damaged, seq)
			continue
		}
		if err != nil {
			rows.Close()
			return fmt.Errorf("taking bundled messages apart: %w", err)
		}
		bs = append(bs, b)
		total += len(b.msgs)
		if want > 0 && total >= want {
			break
		}
	}
	if err := rows.Close(); err != nil {
		return err
	}
	if err := rows.Err(); err != nil {
		return err
	}
	if last < 0 {
		return nil
	}
	if err := quarantine(ctx, tx, damaged, ev); err != nil {
		return err
	}
	// The bundles read are the oldest up to last: none is left between.
	if _, err := tx.ExecContext(ctx, `DELETE FROM outbox_bundles WHERE seq <= ?`, last); err != nil {
		return err
	}
	if err := keepSigned(ctx, tx, bs); err != nil {
		return err
	}
	for _, b := range bs {
		if err := insertOutboxAt(ctx, tx, stmts, b.msgs, b.created); err != nil {
			return err
		}
	}
	if want > total && len(damaged) > 0 {
		// The damaged bundles held nothing to claim: the next ones may.
		return unbundle(ctx, tx, stmts, want-total, ev)
	}
	return nil
}

// unbundleCampaign takes apart in tx only the bundles holding a message
// of org's campaign (Purge): the others stay bundled, untouched, so a
// purge of a campaign that holds nothing writes nothing. It returns how
// many of the campaign's messages they held (those whose signature is
// gone, Purge's own deletion among them, are dropped: keepSigned). A
// bundle whose bytes do not even hold the campaign's name holds none of
// its messages, and is not unpacked; one that holds it and cannot be
// read is quarantined (quarantine.go), counted in ev, for Purge to drop.
func unbundleCampaign(ctx context.Context, tx *sql.Tx, org, campaign string, ev *store.QuarantineEvent) (int, error) {
	rows, err := tx.QueryContext(ctx, `SELECT seq, created_at, messages, signatures FROM outbox_bundles ORDER BY seq`)
	if err != nil {
		return 0, err
	}
	var bs []taken
	var seqs []byte
	var damaged []int64
	found := 0
	for rows.Next() {
		var seq int64
		var created string
		var packed, ids sql.RawBytes
		if err := rows.Scan(&seq, &created, &packed, &ids); err != nil {
			rows.Close()
			return 0, err
		}
		if !bytes.Contains(packed, []byte(campaign)) {
			continue
		}
		b, err := readTaken(created, packed, ids)
		if errors.Is(err, bundle.ErrDamaged) {
			damaged = append(damaged, seq)
			continue
		}
		if err != nil {
			rows.Close()
			return 0, fmt.Errorf("taking bundled messages apart: %w", err)
		}
		mine := 0
		for _, m := range b.msgs {
			if m.Org == org && m.Campaign == campaign {
				mine++
			}
		}
		if mine == 0 {
			continue
		}
		bs, found = append(bs, b), found+mine
		seqs = strconv.AppendInt(append(seqs, ','), seq, 10)
	}
	if err := rows.Close(); err != nil {
		return 0, err
	}
	if err := rows.Err(); err != nil {
		return 0, err
	}
	if err := quarantine(ctx, tx, damaged, ev); err != nil {
		return 0, err
	}
	if found == 0 {
		return 0, nil
	}
	seqs[0] = '['
	if _, err := tx.ExecContext(ctx, `DELETE FROM outbox_bundles WHERE seq IN (SELECT value FROM json_each(?))`,
		string(append(seqs, ']'))); err != nil {
		return 0, err
	}
	if err := keepSigned(ctx, tx, bs); err != nil {
		return 0, err
	}
	for _, b := range bs {
		if err := insertOutboxAt(ctx, tx, nil, b.msgs, b.created); err != nil {
			return 0, err
		}
	}
	return found, nil
}

// taken is a bundle taken apart: when it was written, its messages and,
// for each, the id of the signature it was written for (nil for a bundle
// from before migration 021, which names none).
type taken struct {
	created string
	msgs    []signing.Message
	sigs    []int64
}

// readTaken unpacks one bundle: packed its messages, ids its signatures'
// ids (NULL before migration 021).
func readTaken(created string, packed, ids []byte) (taken, error) {
	b := taken{created: created}
	// Copied into each message's row, a creation time that is not one
	// would fail every listing and claim after: damaged too.
	if _, err := parseTime(created); err != nil {
		return b, errBundle
	}
	var places []uint64
	ms, err := bundle.Read(packed, func(place uint64) bool {
		places = append(places, place)
		return true
	})
	if err != nil {
		return b, errBundle
	}
	b.msgs = ms
	if ids == nil {
		return b, nil
	}
	byPlace, err := readIDs(ids)
	if err != nil {
		return b, err
	}
	b.sigs = make([]int64, len(ms))
	for i, p := range places {
		if p < 1 || p > uint64(len(byPlace)) {
			return b, errBundle
		}
		b.sigs[i] = byPlace[p-1]
	}
	return b, nil
}

// keepSigned leaves in each bundle of bs only the messages whose
// signature still exists: the very signature, by its id, which
// AUTOINCREMENT never gives again; for a bundle from before migration
// 021, which names none, a signature of the message's address on its
// organisation and campaign made no later than the bundle (a message
// with no address is kept). Every erasure of this version takes the
// bundles apart before deleting signatures, in the same transaction, so
// a bundled message outliving its signature was left by an older placard
// erasing beside this one knowing nothing of bundles: sending it would
// send what was erased, and once the same address has signed again,
// matching it by address would send it for the new signature.
func keepSigned(ctx context.Context, tx *sql.Tx, bs []taken) error {
	var ids []byte
	legacy := false
	for _, b := range bs {
		for _, id := range b.sigs {
			ids = strconv.AppendInt(append(ids, ','), id, 10)
		}
		legacy = legacy || (b.sigs == nil && len(b.msgs) > 0)
	}
	alive := map[int64]bool{}
	if len(ids) > 0 {
		ids[0] = '['
		rows, err := tx.QueryContext(ctx, `SELECT id FROM signatures
			WHERE id IN (SELECT value FROM json_each(?))`, string(append(ids, ']')))
		if err != nil {
			return err
		}
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return err
			}
			alive[id] = true
		}
		if err := rows.Close(); err != nil {
			return err
		}
		if err := rows.Err(); err != nil {
			return err
		}
	}
	var older *sql.Stmt
	if legacy {
		var err error
		older, err = tx.PrepareContext(ctx, `SELECT EXISTS (SELECT 1 FROM signatures
			WHERE email = ? AND org = ? AND campaign = ? AND created_at <= ?)`)
		if err != nil {
			return err
		}
		defer older.Close()
	}
	for k := range bs {
		b := &bs[k]
		kept := b.msgs[:0]
		for i, m := range b.msgs {
			ok := false
			switch {
			case b.sigs != nil:
				ok = alive[b.sigs[i]]
			case m.Email == "":
				ok = true
			default:
				if err := older.QueryRowContext(ctx, m.Email, m.Org, m.Campaign, b.created).Scan(&ok); err != nil {
					return err
				}
			}
			if ok {
				kept = append(kept, m)
			}
		}
		clear(b.msgs[len(kept):])
		b.msgs, b.sigs = kept, nil
	}
	return nil
}

// unbundleAll takes every bundle apart in a transaction of its own.
func (db *DB) unbundleAll(ctx context.Context) error {
	tx, err := db.w.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	var ev store.QuarantineEvent
	if err := unbundle(ctx, tx, nil, 0, &ev); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return err
	}
	db.quarantined(ev)
	return nil
}
