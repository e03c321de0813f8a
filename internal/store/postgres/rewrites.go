package postgres

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/placard/placard/internal/store"
)

var _ store.Rewrites = (*DB)(nil)

// The tables an erasure rewrites (VACUUM FULL) so its deleted rows'
// bytes leave the files, by what deleted from them. Each deletion owes
// them in its transaction (owe) and the rewrite pays them after
// (payRewrites): a rewrite that fails stays owed (store.Rewrites).
var (
	// wipeTables are wipe's: the signatures, the outbox, the outreach
	// senders' keyed hashes, and the waiting letters' inboxes and their
	// domains' counts, an erased person's taken out (eraseWaiting).
	wipeTables = []string{"signatures", "mail_suppressions", "outbox", "outbox_bundles", "outbox_quarantine", "outreach_senders", "outreach_held", "outreach_waiting", "outreach_drip_domains"}
	// organiserTables are the console's (wipeOrganisers).
	organiserTables = []string{"organisers", "organiser_sessions", "organiser_tokens", "organiser_credentials", "audit_log"}
	// reachTables are a purge's personal links and sources (wipeReach).
	reachTables = []string{"referrals", "sources"}
)

// rewritable is every table owe accepts: a name is put into VACUUM's
// text, so only these.
var rewritable = func() map[string]bool {
	m := map[string]bool{}
	for _, ts := range [][]string{wipeTables, organiserTables, reachTables} {
		for _, t := range ts {
			m[t] = true
		}
	}
	return m
}()

// rewriteLock is the advisory lock key an instance holds while it
// rewrites ("placarw"): one instance rewrites at a time, the others
// leave the rewrites owed to it or to their next round, so VACUUM FULLs
// of several instances never queue behind each other, each holding up
// signing in turn.
const rewriteLock int64 = 0x706c6163617277

// rewriteLockTimeout bounds how long one VACUUM FULL waits for its
// ACCESS EXCLUSIVE lock. While it waits, every signer queues behind it
// (PostgreSQL grants locks in order), so a long reader would stall
// signing for as long as it reads; past this the rewrite gives up, stays
// owed, and is tried again later (TestRewriteBehindReader). Tests
// shorten it.
var rewriteLockTimeout = 2 * time.Second

// owe records in tx that tables are owed a rewrite: the last statement of
// a deletion's transaction (a row of rewrites_owed is held only until
// commit, and no deletion waits for anything after taking it). In one
// order, so two deletions owing the same tables do not deadlock.
func owe(ctx context.Context, tx pgx.Tx, tables ...[]string) error {
	var all []string
	for _, ts := range tables {
		for _, t := range ts {
			if !rewritable[t] {
				return fmt.Errorf("owing a rewrite of %q, which is not a table erasures rewrite", t)
			}
			all = append(all, t)
		}
	}
	slices.Sort(all)
	all = slices.Compact(all)
	// xid: the deleting transaction, so the rewrite waits for every
	// snapshot older than it (heldBack).
	_, err := tx.Exec(ctx, `INSERT INTO rewrites_owed (tbl, xid) SELECT t, txid_current() FROM unnest($1::text[]) AS t ORDER BY 1
		ON CONFLICT (tbl) DO UPDATE SET seq = rewrites_owed.seq + 1, tries = 0, next_at = now(),
			xid = greatest(rewrites_owed.xid, excluded.xid)`, all)
	return err
}

// rewrite pays, after a deletion has committed, what it owed: every owed
// rewrite, its own among them. A rewrite that fails stays owed and is not
// the deletion's failure (store.Rewrites): the rows are gone, serve
// rewrites later. Only what is not even recorded is (payRewrites).
func (db *DB) rewrite(ctx context.Context) error {
	_, _, err := db.payRewrites(ctx, true)
	if errors.Is(err, errUnrecorded) {
		return err
	}
	return nil
}

// errUnrecorded wraps a failure to read what is owed: nothing was
// rewritten and nothing recorded of it.
var errUnrecorded = errors.New("reading the rewrites owed failed")

// PayRewrites is store.Rewrites'.
func (db *DB) PayRewrites(ctx context.Context, all bool) (paid, owed int, err error) {
	defer failed(&err, "rewriting the tables erasures left owed")
	return db.payRewrites(ctx, all)
}

// payRewrites rewrites, on a connection of its own with lock_timeout
// set (SET LOCAL is not possible: VACUUM runs outside any transaction),
// each owed table (those due unless all), one VACUUM FULL each, and
// deletes its row when made and still owed for the same deletions (seq);
// a failed one is tried again after a wait doubling from a minute to an
// hour. It returns how many stay owed. In one process erasures wait for
// each other's rewrite (payMu); another instance rewriting
// (rewriteLock) leaves them owed, for it or the next round.
func (db *DB) payRewrites(ctx context.Context, all bool) (paid, owed int, err error) {
	db.payMu.Lock()
	defer db.payMu.Unlock()
	conn, err := db.pool.Acquire(ctx)
	if err != nil {
		return 0, 0, fmt.Errorf("%w: %w", errUnrecorded, err)
	}
	clean := false
	defer func() {
		if clean {
			conn.Release()
			return
		}
		// Its session settings or lock are in doubt: close it rather than
		// give it back to the pool.
		c := conn.Hijack()
		c.Close(context.Background())
	}()
	if _, err := conn.Exec(ctx, fmt.Sprintf(`SET lock_timeout = %d`, rewriteLockTimeout.Milliseconds())); err != nil {
		return 0, 0, fmt.Errorf("%w: %w", errUnrecorded, err)
	}
	var got bool
	if err := conn.QueryRow(ctx, `SELECT pg_try_advisory_lock($1)`, rewriteLock).Scan(&got); err != nil {
		return 0, 0, fmt.Errorf("%w: %w", errUnrecorded, err)
	}
	type due struct {
		table string
		seq   int64
		xid   *int64
	}
	var dues []due
	if got {
		rows, err := conn.Query(ctx, `SELECT tbl, seq, xid FROM rewrites_owed WHERE $1 OR next_at <= now() ORDER BY tbl`, all)
		if err != nil {
			return 0, 0, fmt.Errorf("%w: %w", errUnrecorded, err)
		}
		for rows.Next() {
			var d due
			if err := rows.Scan(&d.table, &d.seq, &d.xid); err != nil {
				rows.Close()
				return 0, 0, fmt.Errorf("%w: %w", errUnrecorded, err)
			}
			dues = append(dues, d)
		}
		if err := rows.Err(); err != nil {
			return 0, 0, fmt.Errorf("%w: %w", errUnrecorded, err)
		}
	}
	var first error
	for _, d := range dues {
		if !rewritable[d.table] {
			continue // not ours to rewrite (a newer version's): left owed
		}
		err := heldBack(ctx, conn.Conn(), d.xid)
		if err == nil {
			_, err = conn.Exec(ctx, `VACUUM (FULL) `+pgx.Identifier{d.table}.Sanitize())
		}
		if err != nil {
			if first == nil {
				first = fmt.Errorf("rewriting %s: %w", d.table, lockTimedOut(err))
			}
			if ctx.Err() != nil || conn.Conn().IsClosed() {
				break
			}
			if _, err := conn.Exec(ctx, `UPDATE rewrites_owed SET tries = tries + 1,
				next_at = now() + least(interval '1 hour', interval '1 minute' * power(2, least(tries, 10)))
				WHERE tbl = $1`, d.table); err != nil {
				break
			}
			continue
		}
		if _, err := conn.Exec(ctx, `DELETE FROM rewrites_owed WHERE tbl = $1 AND seq = $2`, d.table, d.seq); err != nil {
			if first == nil {
				first = err
			}
			break
		}
		paid++
	}
	// Unlocked and reset before the connection goes back to the pool;
	// on a context of its own, so a cancelled caller does not leave them.
	cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	if !conn.Conn().IsClosed() {
		if _, err := conn.Exec(cctx, `SELECT pg_advisory_unlock_all()`); err == nil {
			_, err = conn.Exec(cctx, `RESET lock_timeout`)
			clean = err == nil
		}
	}
	if err := db.pool.QueryRow(cctx, `SELECT count(*) FROM rewrites_owed`).Scan(&owed); err != nil && first == nil {
		first = err
	}
	return paid, owed, first
}

// errOlderSnapshot is a rewrite not made because a snapshot older than
// the deletion still lasts: VACUUM FULL would copy the deleted rows'
// bytes into the new files and count as made.
var errOlderSnapshot = errors.New("a connection to the database has been in one transaction since before the erasure (an idle transaction, a long report, a backup by pg_dump, or a replication slot), and PostgreSQL keeps the erased rows for it, so the rewrite was left to be tried again later; if this repeats for hours, end that connection")

// heldBack returns errOlderSnapshot when a session of this database (or
// of none: a standby's feedback), a prepared transaction or a
// replication slot holds a snapshot or a transaction as old as xid, the
// deletion's: VACUUM FULL keeps every row such a snapshot may see. nil
// when xid is unknown (owed before migration 059). Ages are compared,
// not the 32-bit xids (which wrap round), all against the same next xid
// in one statement: a snapshot whose xmin is xid or older is held.
func heldBack(ctx context.Context, conn *pgx.Conn, xid *int64) error {
	if xid == nil {
		return nil
	}
	var held bool
	// Past a billion transactions ago the 32-bit age would wrap round:
	// no snapshot is checked (a NULL age), as before migration 059.
	err := conn.QueryRow(ctx, `WITH d AS (SELECT CASE WHEN txid_snapshot_xmax(txid_current_snapshot()) - $1::bigint < 1000000000
			THEN age(($1::bigint % 4294967296)::text::xid) END AS a)
		SELECT EXISTS (SELECT 1 FROM pg_stat_activity, d WHERE pid <> pg_backend_pid()
				AND (datid IS NULL OR datname = current_database())
				AND (age(backend_xmin) >= d.a OR age(backend_xid) >= d.a))
			OR EXISTS (SELECT 1 FROM pg_prepared_xacts, d WHERE database = current_database() AND age(transaction) >= d.a)
			OR EXISTS (SELECT 1 FROM pg_replication_slots, d WHERE age(xmin) >= d.a)`, *xid).Scan(&held)
	if err != nil {
		return err
	}
	if held {
		return errOlderSnapshot
	}
	return nil
}

// lockTimedOut says plainly a rewrite that gave up waiting for its lock
// (55P03): a reader held the table longer than rewriteLockTimeout.
func lockTimedOut(err error) error {
	var pe *pgconn.PgError
	if errors.As(err, &pe) && pe.Code == "55P03" {
		return fmt.Errorf("another connection was reading it for longer than %v, so it was left to be tried again later: %w", rewriteLockTimeout, err)
	}
	return err
}
