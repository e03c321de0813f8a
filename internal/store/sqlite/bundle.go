package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"sync"
	"time"

	"github.com/placard/placard/internal/signing"
	"github.com/placard/placard/internal/store/internal/bundle"
)

// A bundle is the messages of one signing batch as one row of
// outbox_bundles (migration 019), packed as on PostgreSQL
// (store/internal/bundle): the signing transaction writes a single row
// instead of a row and an index entry per message. Only the messages of
// the signatures actually inserted are packed (a duplicate's are never
// sent), so every message of a bundle is kept when it is read. Bundles
// are taken apart into ordinary outbox rows (unbundle) before anything
// claims, lists, changes or erases messages, so every other part of the
// outbox sees only rows.

// bundleInsertSQL writes one batch's bundle.
const bundleInsertSQL = `INSERT INTO outbox_bundles (created_at, messages) VALUES (?, ?)`

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
}

var bundlePool = sync.Pool{New: func() any { return new(bundleScratch) }}

// insertBundle writes, in tx with st (bundleStmt), the messages of the
// signatures of order that were inserted (results[i] == nil) as one
// bundle entering the outbox at now. It writes nothing when they have no
// message.
func insertBundle(ctx context.Context, tx *sql.Tx, st *sql.Stmt, sigs []*signing.Signature, order []int, results []error, now time.Time) error {
	sc := bundlePool.Get().(*bundleScratch)
	defer func() {
		clear(sc.packed[:cap(sc.packed)])
		sc.kept, sc.packed = sc.kept[:0], sc.packed[:0]
		bundlePool.Put(sc)
	}()
	kept := sc.kept[:0]
	for _, i := range order {
		if results[i] == nil && len(sigs[i].Outbox) > 0 {
			kept = append(kept, i)
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
	_, err := tx.StmtContext(ctx, st).ExecContext(ctx, formatTime(now), sc.packed)
	return err
}

var errBundle = fmt.Errorf("sqlite: %w", bundle.ErrDamaged)

// unbundle takes bundles apart into outbox rows in tx, oldest first, each
// message under its own id and with its bundle's creation time. With want
// 0 it takes every bundle (erasures, list, retry, drop: nothing may stay
// bundled); with want > 0 (a claim) it takes the oldest bundles until
// they hold at least want messages, and leaves the rest. stmts are
// outboxStmts(ctx, outboxChunk), or nil to write with statements parsed
// in tx.
func unbundle(ctx context.Context, tx *sql.Tx, stmts map[int]*sql.Stmt, want int) error {
	q := `SELECT seq, created_at, messages FROM outbox_bundles ORDER BY seq`
	if want > 0 {
		// Every bundle holds at least one message.
		q += ` LIMIT ` + strconv.Itoa(want)
	}
	rows, err := tx.QueryContext(ctx, q)
	if err != nil {
		return err
	}
	type taken struct {
		created string
		msgs    []signing.Message
	}
	var bs []taken
	last, total := int64(-1), 0
	for rows.Next() {
		var seq int64
		var created string
		var packed sql.RawBytes
		if err := rows.Scan(&seq, &created, &packed); err != nil {
			rows.Close()
			return err
		}
		ms, err := bundle.Read(packed, bundle.All)
		if err != nil {
			rows.Close()
			return fmt.Errorf("taking bundled messages apart: %w", errBundle)
		}
		bs = append(bs, taken{created, ms})
		last, total = seq, total+len(ms)
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
	// The bundles read are the oldest up to last: none is left between.
	if _, err := tx.ExecContext(ctx, `DELETE FROM outbox_bundles WHERE seq <= ?`, last); err != nil {
		return err
	}
	for _, b := range bs {
		if err := insertOutboxAt(ctx, tx, stmts, b.msgs, b.created); err != nil {
			return err
		}
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
	if err := unbundle(ctx, tx, nil, 0); err != nil {
		return err
	}
	return tx.Commit()
}
