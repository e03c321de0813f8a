package postgres

import (
	"context"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

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

// outboxInsertSQL adds a batch of messages from arrays in one statement;
// an id already there is left alone (Enqueue is idempotent, and a bundle
// taken apart twice adds nothing).
const outboxInsertSQL = `INSERT INTO outbox (id, kind, target, email, org, campaign, payload, status, not_before, created_at)
	SELECT id, kind, target, email, org, campaign, payload, ` + waitingStatus + `, not_before, created_at
	FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::bytea[], $8::timestamptz[],
		$9::timestamptz[])
		AS t(id, kind, target, email, org, campaign, payload, not_before, created_at)
	ON CONFLICT (id) DO NOTHING`

// addOutboxSQL is addSQL that also writes the batch's messages as one
// bundle (bundle.go): $23 is the batch's messages packed, each with its
// signature's place, and the row records the places of the signatures
// actually inserted (in ins), whose messages alone are ever taken out,
// and in the same order those signatures' ids (migration 021), so a
// message is only ever taken out for the very signature it was written
// for, and the hashes of their addresses (personHash, migration 047). A
// data-modifying WITH query runs whether or not the rest reads it, and it
// is the same statement, so the same transaction, as the signatures. No
// bundle is written when no signature was inserted.
var addOutboxSQL = func() string {
	const at = "\n-- Each inserted row's id"
	if !strings.Contains(addSQL, at) {
		panic("postgres: addSQL changed shape; update addOutboxSQL")
	}
	return strings.Replace(addSQL, at, `, ob AS (
	INSERT INTO outbox_bundles (created_at, inserted, signatures, messages, persons)
	SELECT $24, array_agg(input.ord ORDER BY input.ord), array_agg(ins.id ORDER BY input.ord), $23::bytea,
		array_agg(DISTINCT `+personHash+`)
	FROM ins JOIN input USING (org, campaign, email)
	HAVING count(*) > 0
)`+at, 1)
}()

// appendOutboxArgs adds addOutboxSQL's arguments to args: every message
// of the signatures in order packed into one bundle, and the time it
// enters the outbox.
func appendOutboxArgs(args []any, sigs []*signing.Signature, order []int) []any {
	b := appendBundle(make([]byte, 0, bundleSize(sigs)), sigs, order)
	return append(args, b, timestamptz(time.Now()))
}

// hasOutboxIn reports whether any signature sigs[i] of order carries
// messages (a refused or repeated one, left out of order, sends
// nothing), allocating nothing.
func hasOutboxIn(sigs []*signing.Signature, order []int) bool {
	for _, i := range order {
		if len(sigs[i].Outbox) > 0 {
			return true
		}
	}
	return false
}

// insertOutbox writes msgs with one statement in tx, entering the outbox
// now.
func insertOutbox(ctx context.Context, tx pgx.Tx, msgs []signing.Message) error {
	now := time.Now().UTC().Truncate(time.Microsecond)
	created := make([]time.Time, len(msgs))
	for i := range created {
		created[i] = now
	}
	return insertOutboxAt(ctx, tx, msgs, created)
}

// insertOutboxAt writes msgs with one statement in tx, msgs[i] entering
// the outbox at created[i] (a bundled message keeps its bundle's time, so
// its maximum age counts from its signature).
func insertOutboxAt(ctx context.Context, tx pgx.Tx, msgs []signing.Message, created []time.Time) error {
	if len(msgs) == 0 {
		return nil
	}
	n := len(msgs)
	id, kind, target, email, org, campaign := make([]string, n), make([]string, n), make([]string, n), make([]string, n), make([]string, n), make([]string, n)
	payload := make([][]byte, n)
	nb := make([]time.Time, n)
	for i, m := range msgs {
		id[i], kind[i], target[i], email[i], org[i], campaign[i] = m.ID, m.Kind, m.Target, m.Email, m.Org, m.Campaign
		payload[i] = m.Payload
		if payload[i] == nil {
			payload[i] = []byte{}
		}
		created[i] = created[i].UTC().Truncate(time.Microsecond)
		nb[i] = m.NotBefore.UTC().Truncate(time.Microsecond)
		if m.NotBefore.IsZero() {
			nb[i] = created[i]
		}
	}
	_, err := tx.Exec(ctx, outboxInsertSQL, id, kind, target, email, org, campaign, payload, nb, created)
	return err
}

// Enqueue adds msgs in one transaction of its own (store.Outbox).
func (db *DB) Enqueue(ctx context.Context, msgs []signing.Message) (err error) {
	defer failed(&err, "queueing messages")
	if len(msgs) == 0 {
		return nil
	}
	return pgx.BeginFunc(ctx, db.pool, func(tx pgx.Tx) error { return insertOutbox(ctx, tx, msgs) })
}

// outboxColumns are the columns collectOutbox reads, in its order.
const outboxColumns = `id, kind, target, email, org, campaign, payload, status, attempts, not_before, last_error, created_at`

func collectOutbox(rows pgx.Rows, err error) ([]store.OutboxEntry, error) {
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []store.OutboxEntry
	for rows.Next() {
		var e store.OutboxEntry
		if err := scanOutbox(rows, &e); err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// scanOutbox reads a row of outboxColumns into e, then any columns after
// them into after.
func scanOutbox(rows pgx.Rows, e *store.OutboxEntry, after ...any) error {
	var status string
	if err := rows.Scan(append([]any{&e.ID, &e.Kind, &e.Target, &e.Email, &e.Org, &e.Campaign, &e.Payload,
		&status, &e.Attempts, &e.NotBefore, &e.LastError, &e.CreatedAt}, after...)...); err != nil {
		return err
	}
	e.Status = store.OutboxStatus(status)
	if status == "note" {
		e.Status = store.OutboxPending // waitingStatus
	}
	e.NotBefore, e.CreatedAt = e.NotBefore.UTC(), e.CreatedAt.UTC()
	return nil
}

// Claim takes up to n due messages for worker. FOR UPDATE SKIP LOCKED lets
// instances claim side by side: each skips the rows another is claiming
// instead of waiting for them.
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
	// oldest that no other instance is taking apart.
	var ev store.QuarantineEvent
	if err := pgx.BeginFunc(ctx, db.pool, func(tx pgx.Tx) error {
		ev = store.QuarantineEvent{}
		return unbundle(ctx, tx, n, &ev)
	}); err != nil {
		return nil, err
	}
	db.quarantined(ev)
	now := time.Now().UTC().Truncate(time.Microsecond)
	orgs, kinds, targets := make([]string, len(busy)), make([]string, len(busy)), make([]string, len(busy))
	for i, l := range busy {
		orgs[i], kinds[i], targets[i] = l.Org, l.Kind, l.Target
	}
	rows, err := db.pool.Query(ctx, claimStatement(len(busy)), now, n, now.Add(lease), worker, orgs, kinds, targets)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []store.OutboxEntry
	for rows.Next() {
		var e store.OutboxEntry
		if err := scanOutbox(rows, &e, &e.Due); err != nil {
			return nil, err
		}
		e.Due = e.Due.UTC()
		out = append(out, e)
	}
	return out, rows.Err()
}

// Held reports whether worker still holds message id (store.OutboxHeld).
func (db *DB) Held(ctx context.Context, worker, id string) (_ bool, err error) {
	defer failed(&err, "checking a claimed message")
	var held bool
	err = db.pool.QueryRow(ctx, `SELECT EXISTS (SELECT FROM outbox WHERE id = $1 AND claimed_by = $2 AND status IN ('pending', 'note'))`, id, worker).Scan(&held)
	return held, err
}

// Release gives back claimed messages untried, each due again when it
// was due before the claim (store.OutboxLanes).
func (db *DB) Release(ctx context.Context, worker string, back []store.OutboxEntry) (err error) {
	defer failed(&err, "giving back claimed messages")
	if len(back) == 0 {
		return nil
	}
	ids, dues := make([]string, len(back)), make([]time.Time, len(back))
	now := time.Now().UTC().Truncate(time.Microsecond)
	for i, e := range back {
		ids[i], dues[i] = e.ID, e.Due.UTC()
		if e.Due.IsZero() {
			dues[i] = now // not from ClaimAround: due now, as ever
		}
	}
	_, err = db.pool.Exec(ctx, `UPDATE outbox o SET not_before = b.due, claimed_by = '', attempts = greatest(o.attempts - 1, 0)
		FROM unnest($2::text[], $3::timestamptz[]) AS b(id, due)
		WHERE o.id = b.id AND o.claimed_by = $1 AND o.status IN ('pending', 'note')`, worker, ids, dues)
	return err
}

// Untried puts back a claimed message that was not tried, due when it
// was due before the claim, its attempt not counted (store.OutboxLanes).
func (db *DB) Untried(ctx context.Context, worker string, e store.OutboxEntry, lastError string) (err error) {
	defer failed(&err, "putting back a message not tried")
	due := e.Due.UTC().Truncate(time.Microsecond)
	if e.Due.IsZero() {
		due = time.Now().UTC().Truncate(time.Microsecond) // not from a claim: due now
	}
	_, err = db.pool.Exec(ctx, `UPDATE outbox SET not_before = $3, claimed_by = '', attempts = greatest(attempts - 1, 0), last_error = $4
		WHERE id = $2 AND claimed_by = $1 AND status IN ('pending', 'note')`, worker, e.ID, due, lastError)
	return err
}

// claimSQL is Claim's statement: the due erasure notes first (status
// 'note', which no older placard claims: waitingStatus; a handful at
// most, through outbox_due), then the due pending messages, n in all,
// each with when it was due before the claim (store.OutboxEntry.Due),
// none of the busy lanes given as three arrays ($5 orgs, $6 kinds, $7
// targets; empty for none).
const claimSQL = `WITH busy AS (
		SELECT * FROM unnest($5::text[], $6::text[], $7::text[]) AS b(org, kind, target)
	), notes AS (
		SELECT id, not_before FROM outbox o WHERE status = 'note' AND kind = 'erasure' AND not_before <= $1
		AND NOT EXISTS (SELECT 1 FROM busy b WHERE b.org = o.org AND b.kind = o.kind AND b.target = o.target)
		ORDER BY not_before LIMIT $2 FOR UPDATE SKIP LOCKED
	), due AS (
		SELECT id, not_before FROM outbox o WHERE status = 'pending' AND not_before <= $1
		AND NOT EXISTS (SELECT 1 FROM busy b WHERE b.org = o.org AND b.kind = o.kind AND b.target = o.target)
		ORDER BY not_before LIMIT $2 - (SELECT count(*) FROM notes) FOR UPDATE SKIP LOCKED
	), claimed AS (
		UPDATE outbox o SET not_before = $3, claimed_by = $4, attempts = o.attempts + 1
		FROM (SELECT id, not_before FROM notes UNION ALL SELECT id, not_before FROM due) d WHERE o.id = d.id
		RETURNING o.*, d.not_before AS was_due
	)
	SELECT ` + outboxColumns + `, was_due FROM claimed ORDER BY created_at, id`

// claimStatement is the claim's statement around busy lanes: claimSQL,
// or with some lane busy claimAroundSQL.
func claimStatement(busy int) string {
	if busy > 0 {
		return claimAroundSQL
	}
	return claimSQL
}

// claimAroundSQL is claimSQL for a claim around busy lanes (same
// arguments), finding the due pending messages through outbox_lane_due
// (migration 049): it steps from lane to lane in the index (lane, one
// seek each: a busy lane's backlog, however long, is passed over at
// once), leaves out the busy ones before reading any of their rows
// (open, materialized so the planner cannot read a busy lane's rows
// before filtering them), reads up to $2 due messages of each other
// lane, oldest first, without locking them, keeps the $2 oldest of those
// (chosen), and locks and claims only these (due, SKIP LOCKED). Reading
// the due messages oldest first read every one of a busy lane older than
// the others' (TestClaimAroundSkipsBusyLanes). Locking every lane's $2
// candidates instead wrote a row lock (a WAL record, a dirtied page) for
// each of up to lanes × $2 rows a claim did not take: 3,184 for a claim
// of 16 around 200 lanes (TestClaimAroundLocksOnlyWhatItClaims). A
// chosen row another instance claims meanwhile is passed by (SKIP LOCKED)
// or fails the re-check of its status and due time, so this claim takes
// fewer and the next takes the rest. A claim around no lane keeps to
// claimSQL, which reads $2 rows however many lanes wait.
const claimAroundSQL = `WITH RECURSIVE busy AS (
		SELECT * FROM unnest($5::text[], $6::text[], $7::text[]) AS b(org, kind, target)
	), notes AS (
		SELECT id, not_before FROM outbox o WHERE status = 'note' AND kind = 'erasure' AND not_before <= $1
		AND NOT EXISTS (SELECT 1 FROM busy b WHERE b.org = o.org AND b.kind = o.kind AND b.target = o.target)
		ORDER BY not_before LIMIT $2 FOR UPDATE SKIP LOCKED
	), lane AS (
		(SELECT org, kind, target FROM outbox WHERE status = 'pending' ORDER BY org, kind, target LIMIT 1)
		UNION ALL
		SELECT n.org, n.kind, n.target FROM lane l CROSS JOIN LATERAL (
			SELECT o.org, o.kind, o.target FROM outbox o
			WHERE o.status = 'pending' AND (o.org, o.kind, o.target) > (l.org, l.kind, l.target)
			ORDER BY o.org, o.kind, o.target LIMIT 1) n
	), open AS MATERIALIZED (
		SELECT * FROM lane l WHERE NOT EXISTS (SELECT 1 FROM busy b WHERE b.org = l.org AND b.kind = l.kind AND b.target = l.target)
	), chosen AS MATERIALIZED (
		SELECT d.id FROM open l CROSS JOIN LATERAL (
			SELECT o.id, o.not_before FROM outbox o
			WHERE o.status = 'pending' AND o.org = l.org AND o.kind = l.kind AND o.target = l.target AND o.not_before <= $1
			ORDER BY o.not_before LIMIT $2) d
		ORDER BY d.not_before LIMIT $2 - (SELECT count(*) FROM notes)
	), due AS (
		SELECT o.id, o.not_before FROM outbox o
		WHERE o.id IN (SELECT id FROM chosen) AND o.status = 'pending' AND o.not_before <= $1
		FOR UPDATE SKIP LOCKED
	), claimed AS (
		UPDATE outbox o SET not_before = $3, claimed_by = $4, attempts = o.attempts + 1
		FROM (SELECT id, not_before FROM notes UNION ALL SELECT id, not_before FROM due) d WHERE o.id = d.id
		RETURNING o.*, d.not_before AS was_due
	)
	SELECT ` + outboxColumns + `, was_due FROM claimed ORDER BY created_at, id`

// Done deletes delivered messages in one statement (store.Outbox).
func (db *DB) Done(ctx context.Context, ids ...string) (err error) {
	defer failed(&err, "removing delivered messages")
	if len(ids) == 0 {
		return nil
	}
	_, err = db.pool.Exec(ctx, `DELETE FROM outbox WHERE id = ANY($1::text[])`, ids)
	return err
}

// Retry leaves a message pending until next (store.Outbox).
func (db *DB) Retry(ctx context.Context, id string, next time.Time, lastError string) (err error) {
	defer failed(&err, "rescheduling a message")
	_, err = db.pool.Exec(ctx, `UPDATE outbox SET status = `+waitingStatus+`, not_before = $2, last_error = $3, claimed_by = ''
		WHERE id = $1`, id, next.UTC().Truncate(time.Microsecond), lastError)
	return err
}

// Dead marks a message failed for good (store.Outbox); an erasure note
// is deleted instead, the address it held with it.
func (db *DB) Dead(ctx context.Context, id string, lastError string) (err error) {
	defer failed(&err, "marking a message dead")
	_, err = db.pool.Exec(ctx, deadSQL, id, lastError)
	return err
}

// deadSQL is Dead's statement: a note that cannot be turned into its
// notices is of no use to anyone, and a dead row would keep the erased
// address until an operator dropped it.
const deadSQL = `WITH note AS (DELETE FROM outbox WHERE id = $1 AND kind = 'erasure')
	UPDATE outbox SET status = 'dead', last_error = $2, claimed_by = '' WHERE id = $1 AND kind <> 'erasure'`

// List returns the messages with status ("" for all), oldest first.
func (db *DB) List(ctx context.Context, status store.OutboxStatus) (_ []store.OutboxEntry, err error) {
	defer failed(&err, "listing messages")
	if err := db.unbundleAll(ctx); err != nil {
		return nil, err
	}
	return collectOutbox(db.pool.Query(ctx, `SELECT `+outboxColumns+` FROM outbox
		WHERE $1 = '' OR status = $1 OR $1 = 'pending' AND status = 'note' ORDER BY created_at, id`, string(status)))
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
	tag, err := db.pool.Exec(ctx, `UPDATE outbox SET status = `+waitingStatus+`, not_before = $2, claimed_by = ''
		WHERE id = ANY($1)`, ids, time.Now().UTC().Truncate(time.Microsecond))
	return int(tag.RowsAffected()), err
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
	// person's, dropped once erased in the CRM by hand): owed a rewrite of
	// the outbox in the same transaction, and of the bundles just taken
	// apart, as an erasure's (rewrites.go).
	n := 0
	err = pgx.BeginFunc(ctx, db.pool, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `DELETE FROM outbox WHERE id = ANY($1)`, ids)
		if err != nil {
			return err
		}
		if n = int(tag.RowsAffected()); n == 0 {
			return nil
		}
		return owe(ctx, tx, []string{"outbox", "outbox_bundles"})
	})
	if err != nil || n == 0 {
		return 0, err
	}
	return n, db.rewrite(ctx)
}

// Earlier reports whether a message made before m about the same address
// is still pending for the same receiver (store.OutboxOrder). It reads,
// through outbox_person (migration 037), the address's own webhook and
// OSDI rows to that receiver, then the erasure notices to it (filed under
// no address), then, through outbox_notes (migration 043), the
// organisation's erasure notes: never the whole outbox, which a receiver that was down
// fills with tens of thousands of messages, each asking before each
// attempt. The kinds are written as the index's are, so the planner
// proves it serves; ids compare byte by byte, as they sort.
//
// Last, the bundles made before m that name its address: through
// outbox_bundles_persons (migration 047), those whose hashes of their
// signatures' addresses hold its hash — an exact look-up, where a search
// of the bytes found an address inside a longer one and read every
// bundle — and, through outbox_bundles_unmarked, the few without hashes
// (from before it, or an older placard's) whose bytes hold it. The
// first counts rather than asks EXISTS: with no statistics on the hashes
// (none may be sampled) the planner guesses a bundle in 200 names the
// person, and, to find the first, a sequential scan looked cheaper than
// the index (TestEarlierFindsBundlesByIndex); a count reads every match,
// which are a person's few bundles. Another
// instance's claim may be taking such a bundle apart right now (SKIP
// LOCKED let this claim pass it by), and until it commits its messages
// are neither rows nor, to this claim, gone — a later row about the same
// person (a rejection's signature.updated) claimed here was delivered
// before the signature.created being unpacked, and the CRM kept the
// signature as approved (TestEarlierSeesABundleBeingUnpacked). Claims
// take the oldest bundles first, so those made before m are the few
// being unpacked; a wait it causes ends when they are rows.
func (db *DB) Earlier(ctx context.Context, m signing.Message) (_ bool, err error) {
	defer failed(&err, "reading earlier messages")
	if m.Email == "" || (m.Kind != signing.MessageWebhook && m.Kind != signing.MessageOSDI) {
		return false, nil
	}
	var found bool
	err = db.pool.QueryRow(ctx, earlierSQL, earlierArgs(m)...).Scan(&found)
	return found, err
}

// earlierArgs are earlierSQL's arguments for m.
func earlierArgs(m signing.Message) []any {
	// Bundles made up to a minute after m (instances' clocks differ)
	// may hold an earlier message; with no time in its id, any bundle.
	before := time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC)
	if at, ok := signing.MessageTime(m.ID); ok {
		before = at.Add(bundleClockMargin)
	}
	return []any{m.Email, m.Target, m.Org, m.ID, store.ErasedAddress(m.Email), store.ErasedAddress(signing.ASCIIEmail(m.Email)),
		store.NotedAddress(m.Email), store.NotedAddress(signing.ASCIIEmail(m.Email)), before, []byte(m.Email)}
}

// bundleClockMargin is how much later than a message's id a bundle's
// time may be and still hold a message made before it: the id and the
// bundle's time come from the clocks of two instances.
const bundleClockMargin = time.Minute

// earlierSQL is Earlier's statement.
const earlierSQL = `SELECT EXISTS (SELECT 1 FROM outbox
		WHERE kind IN ('webhook', 'osdi') AND email = $1 AND target = $2 AND org = $3
		AND status = 'pending' AND id COLLATE "C" < $4 COLLATE "C")
	OR EXISTS (SELECT 1 FROM outbox
		WHERE kind IN ('webhook', 'osdi') AND email = '' AND target = $2 AND org = $3
		AND status = 'pending' AND id COLLATE "C" < $4 COLLATE "C" AND (position($5::bytea IN payload) > 0 OR position($6::bytea IN payload) > 0))
	OR EXISTS (SELECT 1 FROM outbox
		WHERE kind = 'erasure' AND org = $3
		AND status IN ('note', 'pending') AND id COLLATE "C" < $4 COLLATE "C" AND (position($7::bytea IN payload) > 0 OR position($8::bytea IN payload) > 0))
	OR (SELECT count(*) FROM outbox_bundles
		WHERE persons @> ARRAY[hashtextextended($1, 0)] AND created_at <= $9) > 0
	OR EXISTS (SELECT 1 FROM outbox_bundles
		WHERE persons IS NULL AND created_at <= $9 AND position($10::bytea IN messages) > 0)`

// personHash is the hash of an inserted signature's address that its
// bundle records (migration 047), written as Earlier's statement writes
// it for a message's address: hashtextextended is stable across
// PostgreSQL versions (hash partitioning relies on it).
const personHash = `hashtextextended(ins.email, 0)`

// Hold leaves a message that waited for an earlier one pending until
// next, its age starting again at since (store.OutboxOrder).
func (db *DB) Hold(ctx context.Context, id string, since, next time.Time, reason string) (err error) {
	defer failed(&err, "holding a message")
	_, err = db.pool.Exec(ctx, `UPDATE outbox SET status = `+waitingStatus+`, not_before = $2, last_error = $3, claimed_by = '', created_at = $4
		WHERE id = $1`, id, next.UTC().Truncate(time.Microsecond), reason, since.UTC().Truncate(time.Microsecond))
	return err
}

var _ store.OutboxOrder = (*DB)(nil)
var _ store.OutboxLanes = (*DB)(nil)
