package sqlite

import (
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"math/bits"
	"slices"
	"strings"
	"time"

	"github.com/placard/placard/internal/signing"
	"github.com/placard/placard/internal/store"
)

var _ store.Outbox = (*DB)(nil)

// waitingStatus is the stored status of a message waiting to be
// delivered: 'pending', or 'note' for an erasure note (kind 'erasure',
// migration 046), which no claim of an older placard selects — an older
// serve, not knowing the kind, would try it for 48 hours and mark it
// dead, keeping the address and telling no CRM. Notes are reported as
// store.OutboxPending all the same.
const waitingStatus = `CASE WHEN kind = 'erasure' THEN 'note' ELSE 'pending' END`

// outboxInsertSQL adds n messages in one statement; an id already there
// is left alone (Enqueue is idempotent).
func outboxInsertSQL(n int) string {
	var b strings.Builder
	b.WriteString(`INSERT INTO outbox (id, kind, target, email, org, campaign, payload, status, not_before, created_at)
	SELECT column1, column2, column3, column4, column5, column6, column7,
		CASE WHEN column2 = 'erasure' THEN 'note' ELSE 'pending' END, column8, column9 FROM (VALUES `)
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString("(?,?,?,?,?,?,?,?,?)")
	}
	b.WriteString(`) WHERE true ON CONFLICT (id) DO NOTHING`)
	return b.String()
}

// outboxChunk caps the rows of one INSERT of messages; a power of two.
const outboxChunk = 64

// outboxChunks cuts n messages into INSERTs of powers of two (at most
// outboxChunk rows), so a handful of prepared statements serves every
// count, as for personal links.
func outboxChunks(n int) []int {
	var chunks []int
	for rest := n; rest > 0; {
		c := min(outboxChunk, 1<<(bits.Len(uint(rest))-1))
		chunks = append(chunks, c)
		rest -= c
	}
	return chunks
}

// hasOutbox reports whether any signature of sigs carries messages. It
// allocates nothing, so signing without an outbox costs a loop over the
// batch and nothing more.
func hasOutbox(sigs []*signing.Signature) bool {
	for _, s := range sigs {
		if len(s.Outbox) > 0 {
			return true
		}
	}
	return false
}

// outboxStmts prepares the INSERTs for any count of messages up to n:
// every power of two up to outboxChunk and n (outboxChunks uses no
// other), so a claim that does not know beforehand how many messages its
// bundles hold (outboxStmts(outboxChunk)) needs nothing prepared inside
// the transaction, where the writer's only connection is taken. Call it
// before BEGIN; each is prepared once in the store's life (see prepared).
// Signing writes no rows here: its messages go in one bundle (bundle.go).
func (db *DB) outboxStmts(ctx context.Context, n int) (map[int]*sql.Stmt, error) {
	stmts := map[int]*sql.Stmt{}
	for c := 1; c <= min(n, outboxChunk); c *= 2 {
		st, err := db.prepared(ctx, stmtKey{stmtInsertOutbox, c}, func() string { return outboxInsertSQL(c) })
		if err != nil {
			return nil, err
		}
		stmts[c] = st
	}
	return stmts, nil
}

// insertOutbox writes msgs in tx with stmts (outboxStmts(len(msgs))),
// entering the outbox at now.
func insertOutbox(ctx context.Context, tx *sql.Tx, stmts map[int]*sql.Stmt, msgs []signing.Message, now time.Time) error {
	return insertOutboxAt(ctx, tx, stmts, msgs, formatTime(now))
}

// insertOutboxAt writes msgs in tx, entering the outbox at created (a
// stored time), with stmts (outboxStmts(len(msgs)) or more), or with
// statements parsed in tx when stmts is nil.
func insertOutboxAt(ctx context.Context, tx *sql.Tx, stmts map[int]*sql.Stmt, msgs []signing.Message, created string) error {
	args := make([]any, 0, 9*min(outboxChunk, len(msgs)))
	for _, c := range outboxChunks(len(msgs)) {
		args = args[:0]
		for _, m := range msgs[:c] {
			nb := created
			if !m.NotBefore.IsZero() {
				nb = formatTime(m.NotBefore)
			}
			payload := m.Payload
			if payload == nil {
				payload = []byte{}
			}
			args = append(args, m.ID, m.Kind, m.Target, m.Email, m.Org, m.Campaign, payload, nb, created)
		}
		msgs = msgs[c:]
		var err error
		if stmts == nil {
			_, err = tx.ExecContext(ctx, outboxInsertSQL(c), args...)
		} else {
			_, err = tx.StmtContext(ctx, stmts[c]).ExecContext(ctx, args...)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// Enqueue adds msgs in one transaction of its own (store.Outbox).
func (db *DB) Enqueue(ctx context.Context, msgs []signing.Message) (err error) {
	defer failed(&err, "queueing messages")
	if len(msgs) == 0 {
		return nil
	}
	stmts, err := db.outboxStmts(ctx, len(msgs))
	if err != nil {
		return err
	}
	tx, err := db.w.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if err := insertOutbox(ctx, tx, stmts, msgs, time.Now()); err != nil {
		return err
	}
	return tx.Commit()
}

// outboxColumns are the columns scanOutbox reads, in its order.
const outboxColumns = `id, kind, target, email, org, campaign, payload, status, attempts, not_before, last_error, created_at`

func scanOutbox(rows *sql.Rows) (store.OutboxEntry, error) {
	return scanOutboxWith(rows)
}

// scanOutboxWith is scanOutbox for rows whose columns start with before
// and go on with outboxColumns.
func scanOutboxWith(rows *sql.Rows, before ...any) (store.OutboxEntry, error) {
	var e store.OutboxEntry
	var status, nb, created string
	if err := rows.Scan(append(before, &e.ID, &e.Kind, &e.Target, &e.Email, &e.Org, &e.Campaign, &e.Payload,
		&status, &e.Attempts, &nb, &e.LastError, &created)...); err != nil {
		return e, err
	}
	e.Status = store.OutboxStatus(status)
	if status == "note" {
		e.Status = store.OutboxPending // waitingStatus
	}
	var err error
	if e.NotBefore, err = parseTime(nb); err != nil {
		return e, err
	}
	e.CreatedAt, err = parseTime(created)
	return e, err
}

func collectOutbox(rows *sql.Rows, err error) ([]store.OutboxEntry, error) {
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []store.OutboxEntry
	for rows.Next() {
		e, err := scanOutbox(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// Claim takes up to n due messages for worker in one transaction on the
// single writer: SQLite has one claimer at a time by construction.
func (db *DB) Claim(ctx context.Context, worker string, n int, lease time.Duration) ([]store.OutboxEntry, error) {
	return db.ClaimAround(ctx, worker, n, lease, nil)
}

// ClaimAround is Claim leaving busy's lanes alone (store.OutboxLanes).
func (db *DB) ClaimAround(ctx context.Context, worker string, n int, lease time.Duration, busy []store.OutboxLane) (_ []store.OutboxEntry, err error) {
	defer failed(&err, "claiming messages")
	if n <= 0 {
		return nil, nil
	}
	// Signed messages wait bundled (bundle.go): take apart enough of the
	// oldest first, in the claim's transaction.
	stmts, err := db.outboxStmts(ctx, outboxChunk)
	if err != nil {
		return nil, err
	}
	tx, err := db.w.BeginTx(ctx, nil)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	var ev store.QuarantineEvent
	if err := unbundle(ctx, tx, stmts, n, &ev); err != nil {
		return nil, err
	}
	now := time.Now()
	// A busy lane's messages are skipped in the scan of outbox_due for
	// the notes (a handful at most); the pending messages are found lane
	// by lane around the busy ones (claimAroundSQL). There are a handful
	// of busy lanes at most (the worker's slots over its per-lane limit).
	around, aroundArgs := "", []any(nil)
	for _, l := range busy {
		around += ` AND NOT (org = ? AND kind = ? AND target = ?)`
		aroundArgs = append(aroundArgs, l.Org, l.Kind, l.Target)
	}
	// The due erasure notes first (status 'note', which no older placard
	// claims: waitingStatus; a handful at most), then pending messages.
	// Each is read first, with when it was due (Due: Release puts a
	// message given back in its place again), then claimed — RETURNING
	// sees only the new not_before.
	var out []store.OutboxEntry
	for _, status := range []string{"note", "pending"} {
		due := map[int64]string{}
		q, args := `SELECT seq, not_before FROM outbox INDEXED BY outbox_due
			WHERE status = ? AND not_before <= ?`+around+` ORDER BY not_before LIMIT ?`,
			slices.Concat([]any{status, formatTime(now)}, aroundArgs, []any{n - len(out)})
		if status == "pending" && len(busy) > 0 {
			q, args = claimAroundSQL(len(busy)), slices.Concat([]any{formatTime(now), n - len(out)}, aroundArgs)
		}
		rows, err := tx.QueryContext(ctx, q, args...)
		if err != nil {
			return nil, err
		}
		var seqs []any
		for rows.Next() {
			var seq int64
			var nb string
			if err := rows.Scan(&seq, &nb); err != nil {
				rows.Close()
				return nil, err
			}
			due[seq] = nb
			seqs = append(seqs, seq)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
		if len(seqs) == 0 {
			continue
		}
		rows, err = tx.QueryContext(ctx, `UPDATE outbox
		SET not_before = ?, claimed_by = ?, attempts = attempts + 1
		WHERE seq IN (`+strings.TrimSuffix(strings.Repeat("?,", len(seqs)), ",")+`)
		RETURNING seq, `+outboxColumns, append([]any{formatTime(now.Add(lease)), worker}, seqs...)...)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var seq int64
			e, err := scanOutboxWith(rows, &seq)
			if err == nil {
				e.Due, err = parseTime(due[seq])
			}
			if err != nil {
				rows.Close()
				return nil, err
			}
			out = append(out, e)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	if err := tx.Commit(); err != nil {
		return nil, err
	}
	db.quarantined(ev)
	// RETURNING gives rows in no promised order: put them in due order.
	sortEntries(out)
	return out, nil
}

// claimAroundSQL is the claim's read of the oldest due pending messages
// outside busy busy lanes (arguments: now, n, then each busy lane's org,
// kind and target), through outbox_lane_due (migration 049): it steps
// from lane to lane in the index (each step a seek past the lane, written
// as three, since SQLite seeks a row value's first column only: a busy
// lane's backlog, however long, is passed over at once), takes up to n due
// messages of each other lane, oldest first, and keeps the n oldest of
// those. Walking outbox_due instead read every due message of a busy
// lane that was older than the others' (TestClaimAroundSkipsBusyLanes).
// A claim around no lane keeps to outbox_due, which reads n rows however
// many lanes wait.
func claimAroundSQL(busy int) string {
	var around strings.Builder
	for i := range busy {
		fmt.Fprintf(&around, ` AND NOT (org = ?%d AND kind = ?%d AND target = ?%d)`, 3+3*i, 4+3*i, 5+3*i)
	}
	return `WITH RECURSIVE lane(org, kind, target) AS (
		SELECT org, kind, target FROM (SELECT org, kind, target FROM outbox INDEXED BY outbox_lane_due
			WHERE status = 'pending' ORDER BY org, kind, target LIMIT 1)
		UNION ALL
		SELECT o.org, o.kind, o.target FROM lane l JOIN outbox o ON o.seq = coalesce(
			(SELECT seq FROM outbox INDEXED BY outbox_lane_due
				WHERE status = 'pending' AND org = l.org AND kind = l.kind AND target > l.target
				ORDER BY org, kind, target LIMIT 1),
			(SELECT seq FROM outbox INDEXED BY outbox_lane_due
				WHERE status = 'pending' AND org = l.org AND kind > l.kind
				ORDER BY org, kind, target LIMIT 1),
			(SELECT seq FROM outbox INDEXED BY outbox_lane_due
				WHERE status = 'pending' AND org > l.org
				ORDER BY org, kind, target LIMIT 1))
	), open(org, kind, target) AS MATERIALIZED (
		SELECT org, kind, target FROM lane WHERE true` + around.String() + `
	)
	SELECT o.seq, o.not_before FROM open l JOIN outbox o ON o.seq IN (
		SELECT seq FROM outbox INDEXED BY outbox_lane_due
		WHERE status = 'pending' AND org = l.org AND kind = l.kind AND target = l.target AND not_before <= ?1
		ORDER BY not_before LIMIT ?2)
	ORDER BY o.not_before LIMIT ?2`
}

// sortEntries orders entries oldest first (CreatedAt, then ID).
func sortEntries(es []store.OutboxEntry) {
	slices.SortFunc(es, func(a, b store.OutboxEntry) int {
		return cmp.Or(a.CreatedAt.Compare(b.CreatedAt), cmp.Compare(a.ID, b.ID))
	})
}

// Held reports whether worker still holds message id (store.OutboxHeld).
func (db *DB) Held(ctx context.Context, worker, id string) (_ bool, err error) {
	defer failed(&err, "checking a claimed message")
	var held bool
	err = db.r.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM outbox WHERE id = ? AND claimed_by = ? AND status IN ('pending', 'note'))`, id, worker).Scan(&held)
	return held, err
}

// Release gives back claimed messages untried, each due again when it
// was due before the claim (store.OutboxLanes).
func (db *DB) Release(ctx context.Context, worker string, back []store.OutboxEntry) (err error) {
	defer failed(&err, "giving back claimed messages")
	if len(back) == 0 {
		return nil
	}
	tx, err := db.w.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	for _, e := range back {
		due := e.Due
		if due.IsZero() {
			due = time.Now() // not from ClaimAround: due now, as ever
		}
		if _, err := tx.ExecContext(ctx, `UPDATE outbox SET not_before = ?, claimed_by = '', attempts = max(attempts - 1, 0)
			WHERE claimed_by = ? AND status IN ('pending', 'note') AND id = ?`, formatTime(due), worker, e.ID); err != nil {
			return err
		}
	}
	return tx.Commit()
}

// Untried puts back a claimed message that was not tried, due when it
// was due before the claim, its attempt not counted (store.OutboxLanes).
func (db *DB) Untried(ctx context.Context, worker string, e store.OutboxEntry, lastError string) (err error) {
	defer failed(&err, "putting back a message not tried")
	due := e.Due
	if due.IsZero() {
		due = time.Now() // not from a claim: due now
	}
	_, err = db.w.ExecContext(ctx, `UPDATE outbox SET not_before = ?, claimed_by = '', attempts = max(attempts - 1, 0), last_error = ?
		WHERE claimed_by = ? AND status IN ('pending', 'note') AND id = ?`, formatTime(due), lastError, worker, e.ID)
	return err
}

// Done deletes delivered messages in one statement (store.Outbox).
func (db *DB) Done(ctx context.Context, ids ...string) (err error) {
	defer failed(&err, "removing delivered messages")
	if len(ids) == 0 {
		return nil
	}
	list, args := idList(ids)
	_, err = db.w.ExecContext(ctx, `DELETE FROM outbox WHERE id IN `+list, args...)
	return err
}

// Retry leaves a message pending until next (store.Outbox).
func (db *DB) Retry(ctx context.Context, id string, next time.Time, lastError string) (err error) {
	defer failed(&err, "rescheduling a message")
	_, err = db.w.ExecContext(ctx, `UPDATE outbox SET status = `+waitingStatus+`, not_before = ?, last_error = ?, claimed_by = ''
		WHERE id = ?`, formatTime(next), lastError, id)
	return err
}

// Dead marks a message failed for good (store.Outbox); an erasure note
// is deleted instead, the address it held with it: a note that cannot be
// turned into its notices is of no use to anyone, and a dead row would
// keep the erased address until an operator dropped it.
func (db *DB) Dead(ctx context.Context, id string, lastError string) (err error) {
	defer failed(&err, "marking a message dead")
	tx, err := db.w.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, `DELETE FROM outbox WHERE id = ? AND kind = 'erasure'`, id); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `UPDATE outbox SET status = 'dead', last_error = ?, claimed_by = ''
		WHERE id = ? AND kind <> 'erasure'`, lastError, id); err != nil {
		return err
	}
	return tx.Commit()
}

// List returns the messages with status ("" for all), oldest first.
func (db *DB) List(ctx context.Context, status store.OutboxStatus) (_ []store.OutboxEntry, err error) {
	defer failed(&err, "listing messages")
	if err := db.unbundleAll(ctx); err != nil {
		return nil, err
	}
	return collectOutbox(db.r.QueryContext(ctx, `SELECT `+outboxColumns+` FROM outbox
		WHERE ?1 = '' OR status = ?1 OR ?1 = 'pending' AND status = 'note' ORDER BY created_at, id`, string(status)))
}

// idList is a statement's "(?, ?, …)" for n ids and the ids as arguments.
func idList(ids []string) (string, []any) {
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	return "(" + strings.TrimSuffix(strings.Repeat("?,", len(ids)), ",") + ")", args
}

// Requeue makes the messages pending and due now (store.Outbox).
func (db *DB) Requeue(ctx context.Context, ids []string) (_ int, err error) {
	defer failed(&err, "requeueing messages")
	if len(ids) == 0 {
		return 0, nil
	}
	if err := db.unbundleAll(ctx); err != nil {
		return 0, err
	}
	list, args := idList(ids)
	res, err := db.w.ExecContext(ctx, `UPDATE outbox SET status = `+waitingStatus+`, not_before = ?, claimed_by = ''
		WHERE id IN `+list, append([]any{formatTime(time.Now())}, args...)...)
	if err != nil {
		return 0, err
	}
	n, err := res.RowsAffected()
	return int(n), err
}

// Drop deletes the messages undelivered (store.Outbox).
func (db *DB) Drop(ctx context.Context, ids []string) (_ int, err error) {
	defer failed(&err, "dropping messages")
	if len(ids) == 0 {
		return 0, nil
	}
	if err := db.unbundleAll(ctx); err != nil {
		return 0, err
	}
	// The dropped messages hold addresses (an erasure notice's, its
	// person's, dropped once erased in the CRM by hand): secure_delete
	// zeroes them in the pages, and the write-ahead log, which still holds
	// them as written, is owed a checkpoint in the same transaction, as
	// after an erasure (rewrites.go).
	tx, err := db.w.BeginTx(ctx, nil)
	if err != nil {
		return 0, err
	}
	defer tx.Rollback()
	list, args := idList(ids)
	res, err := tx.ExecContext(ctx, `DELETE FROM outbox WHERE id IN `+list, args...)
	if err != nil {
		return 0, err
	}
	n, err := res.RowsAffected()
	if err != nil || n == 0 {
		return 0, err
	}
	if err := owe(ctx, tx); err != nil {
		return 0, err
	}
	if err := tx.Commit(); err != nil {
		return 0, err
	}
	return int(n), db.wipe(ctx)
}

// Earlier reports whether a message made before m about the same address
// is still pending for the same receiver (store.OutboxOrder). It reads,
// through outbox_person (migration 037), the address's own webhook and
// OSDI rows to that receiver, then the erasure notices to it (filed under
// no address), then, through outbox_notes (migration 043), the
// organisation's erasure notes: never the whole outbox, which a receiver that was down
// fills with tens of thousands of messages, each asking before each
// attempt. The kinds are written as the index's are, so it serves.
func (db *DB) Earlier(ctx context.Context, m signing.Message) (_ bool, err error) {
	defer failed(&err, "reading earlier messages")
	if m.Email == "" || (m.Kind != signing.MessageWebhook && m.Kind != signing.MessageOSDI) {
		return false, nil
	}
	var found bool
	err = db.r.QueryRowContext(ctx, earlierSQL, m.Email, m.Target, m.Org, m.ID,
		m.Target, m.Org, m.ID, store.ErasedAddress(m.Email), store.ErasedAddress(signing.ASCIIEmail(m.Email)),
		m.Org, m.ID, store.NotedAddress(m.Email), store.NotedAddress(signing.ASCIIEmail(m.Email))).Scan(&found)
	return found, err
}

// earlierSQL is Earlier's statement.
const earlierSQL = `SELECT EXISTS (SELECT 1 FROM outbox INDEXED BY outbox_person
		WHERE kind IN ('webhook', 'osdi') AND email = ? AND target = ? AND org = ?
		AND status = 'pending' AND id < ?)
	OR EXISTS (SELECT 1 FROM outbox INDEXED BY outbox_person
		WHERE kind IN ('webhook', 'osdi') AND email = '' AND target = ? AND org = ?
		AND status = 'pending' AND id < ? AND (instr(payload, ?) > 0 OR instr(payload, ?) > 0))
	OR EXISTS (SELECT 1 FROM outbox INDEXED BY outbox_notes
		WHERE kind = 'erasure' AND org = ?
		AND status IN ('note', 'pending') AND id < ? AND (instr(payload, ?) > 0 OR instr(payload, ?) > 0))`

// Hold leaves a message that waited for an earlier one pending until
// next, its age starting again at since (store.OutboxOrder).
func (db *DB) Hold(ctx context.Context, id string, since, next time.Time, reason string) (err error) {
	defer failed(&err, "holding a message")
	_, err = db.w.ExecContext(ctx, `UPDATE outbox SET status = `+waitingStatus+`, not_before = ?, last_error = ?, claimed_by = '', created_at = ?
		WHERE id = ?`, formatTime(next), reason, formatTime(since), id)
	return err
}

var _ store.OutboxOrder = (*DB)(nil)
var _ store.OutboxLanes = (*DB)(nil)
