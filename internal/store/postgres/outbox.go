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

// outboxInsertSQL adds a batch of messages from arrays in one statement;
// an id already there is left alone (Enqueue is idempotent).
const outboxInsertSQL = `INSERT INTO outbox (id, kind, target, email, org, campaign, payload, not_before, created_at)
	SELECT id, kind, target, email, org, campaign, payload, not_before, $9
	FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::bytea[], $8::timestamptz[])
		AS t(id, kind, target, email, org, campaign, payload, not_before)
	ON CONFLICT (id) DO NOTHING`

// addOutboxSQL is addSQL that also inserts the batch's messages: each
// message carries the place ($23) of its signature in the arrays, and
// only those of signatures actually inserted (in ins) are written. A
// data-modifying WITH query runs whether or not the rest reads it, and
// it is the same statement, so the same transaction, as the signatures.
var addOutboxSQL = func() string {
	const at = "\n-- Each inserted row's id"
	if !strings.Contains(addSQL, at) {
		panic("postgres: addSQL changed shape; update addOutboxSQL")
	}
	return strings.Replace(addSQL, at, `, ob AS (
	INSERT INTO outbox (id, kind, target, email, org, campaign, payload, not_before, created_at)
	SELECT m.id, m.kind, m.target, m.email, m.org, m.campaign, m.payload, m.not_before, $32
	FROM unnest($23::bigint[], $24::text[], $25::text[], $26::text[], $27::text[], $28::text[], $29::text[],
		$30::bytea[], $31::timestamptz[])
		AS m(place, id, kind, target, email, org, campaign, payload, not_before)
	WHERE m.place IN (SELECT input.ord FROM ins JOIN input USING (org, campaign, email))
	ON CONFLICT (id) DO NOTHING
)`+at, 1)
}()

// appendOutboxArgs adds addOutboxSQL's message arrays to args: every
// message of the signatures in order, each with its signature's place.
func appendOutboxArgs(args []any, sigs []*signing.Signature, order []int) []any {
	var place []int64
	var id, kind, target, email, org, campaign []string
	var payload [][]byte
	var nb []time.Time
	now := time.Now().UTC().Truncate(time.Microsecond)
	for j, i := range order {
		for _, m := range sigs[i].Outbox {
			place = append(place, int64(j+1))
			id, kind, target = append(id, m.ID), append(kind, m.Kind), append(target, m.Target)
			email, org, campaign = append(email, m.Email), append(org, m.Org), append(campaign, m.Campaign)
			p := m.Payload
			if p == nil {
				p = []byte{}
			}
			payload = append(payload, p)
			t := now
			if !m.NotBefore.IsZero() {
				t = m.NotBefore.UTC().Truncate(time.Microsecond)
			}
			nb = append(nb, t)
		}
	}
	return append(args, place, id, kind, target, email, org, campaign, payload, nb, now)
}

// hasOutbox reports whether any signature of sigs carries messages,
// allocating nothing.
func hasOutbox(sigs []*signing.Signature) bool {
	for _, s := range sigs {
		if len(s.Outbox) > 0 {
			return true
		}
	}
	return false
}

// insertOutbox writes msgs with one statement in tx.
func insertOutbox(ctx context.Context, tx pgx.Tx, msgs []signing.Message) error {
	if len(msgs) == 0 {
		return nil
	}
	now := time.Now().UTC().Truncate(time.Microsecond)
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
		nb[i] = m.NotBefore.UTC().Truncate(time.Microsecond)
		if m.NotBefore.IsZero() {
			nb[i] = now
		}
	}
	_, err := tx.Exec(ctx, outboxInsertSQL, id, kind, target, email, org, campaign, payload, nb, now)
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
		var status string
		if err := rows.Scan(&e.ID, &e.Kind, &e.Target, &e.Email, &e.Org, &e.Campaign, &e.Payload,
			&status, &e.Attempts, &e.NotBefore, &e.LastError, &e.CreatedAt); err != nil {
			return nil, err
		}
		e.Status = store.OutboxStatus(status)
		e.NotBefore, e.CreatedAt = e.NotBefore.UTC(), e.CreatedAt.UTC()
		out = append(out, e)
	}
	return out, rows.Err()
}

// Claim takes up to n due messages for worker. FOR UPDATE SKIP LOCKED lets
// instances claim side by side: each skips the rows another is claiming
// instead of waiting for them.
func (db *DB) Claim(ctx context.Context, worker string, n int, lease time.Duration) (_ []store.OutboxEntry, err error) {
	defer failed(&err, "claiming messages")
	if n <= 0 {
		return nil, nil
	}
	now := time.Now().UTC().Truncate(time.Microsecond)
	return collectOutbox(db.pool.Query(ctx, `WITH due AS (
			SELECT id FROM outbox WHERE status = 'pending' AND not_before <= $1
			ORDER BY not_before LIMIT $2 FOR UPDATE SKIP LOCKED
		), claimed AS (
			UPDATE outbox o SET not_before = $3, claimed_by = $4, attempts = o.attempts + 1
			FROM due WHERE o.id = due.id
			RETURNING o.*
		)
		SELECT `+outboxColumns+` FROM claimed ORDER BY created_at, id`,
		now, n, now.Add(lease), worker))
}

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
	_, err = db.pool.Exec(ctx, `UPDATE outbox SET status = 'pending', not_before = $2, last_error = $3, claimed_by = ''
		WHERE id = $1`, id, next.UTC().Truncate(time.Microsecond), lastError)
	return err
}

// Dead marks a message failed for good (store.Outbox).
func (db *DB) Dead(ctx context.Context, id string, lastError string) (err error) {
	defer failed(&err, "marking a message dead")
	_, err = db.pool.Exec(ctx, `UPDATE outbox SET status = 'dead', last_error = $2, claimed_by = '' WHERE id = $1`, id, lastError)
	return err
}

// List returns the messages with status ("" for all), oldest first.
func (db *DB) List(ctx context.Context, status store.OutboxStatus) (_ []store.OutboxEntry, err error) {
	defer failed(&err, "listing messages")
	return collectOutbox(db.pool.Query(ctx, `SELECT `+outboxColumns+` FROM outbox
		WHERE $1 = '' OR status = $1 ORDER BY created_at, id`, string(status)))
}

// Requeue makes the messages pending and due now (store.Outbox).
func (db *DB) Requeue(ctx context.Context, ids []string) (_ int, err error) {
	defer failed(&err, "requeueing messages")
	if len(ids) == 0 {
		return 0, nil
	}
	tag, err := db.pool.Exec(ctx, `UPDATE outbox SET status = 'pending', not_before = $2, claimed_by = ''
		WHERE id = ANY($1)`, ids, time.Now().UTC().Truncate(time.Microsecond))
	return int(tag.RowsAffected()), err
}

// Drop deletes the messages undelivered (store.Outbox).
func (db *DB) Drop(ctx context.Context, ids []string) (_ int, err error) {
	defer failed(&err, "dropping messages")
	if len(ids) == 0 {
		return 0, nil
	}
	tag, err := db.pool.Exec(ctx, `DELETE FROM outbox WHERE id = ANY($1)`, ids)
	return int(tag.RowsAffected()), err
}
