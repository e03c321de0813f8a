package postgres

import (
	"cmp"
	"context"
	"errors"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/placard/placard/internal/store"
)

var _ store.Outreach = (*DB)(nil)

// RecordOutreach adds one to an hour's count (part of store.Outreach).
func (db *DB) RecordOutreach(ctx context.Context, e store.OutreachEvent) (err error) {
	defer failed(&err, "counting outreach")
	_, err = db.pool.Exec(ctx, `INSERT INTO outreach AS o (org, campaign, action, target, kind, outcome, hour, n)
		VALUES ($1, $2, $3, $4, $5, $6, $7, 1)
		ON CONFLICT (org, campaign, action, target, kind, outcome, hour) DO UPDATE SET n = o.n + 1`,
		e.Org, e.Campaign, e.Action, e.Target, e.Kind, e.Outcome, store.OutreachHour(e.At))
	return err
}

// OutreachCounts sums an organisation's counts over hours (part of
// store.Outreach).
func (db *DB) OutreachCounts(ctx context.Context, org, campaign string) (_ []store.OutreachCount, err error) {
	defer failed(&err, "reading outreach counts")
	rows, err := db.pool.Query(ctx, `SELECT campaign, action, target, kind, outcome, sum(n)::bigint FROM outreach
		WHERE org = $1 AND ($2 = '' OR campaign = $2)
		GROUP BY campaign, action, target, kind, outcome
		ORDER BY campaign COLLATE "C", action COLLATE "C", target COLLATE "C", kind COLLATE "C", outcome COLLATE "C"`, org, campaign)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []store.OutreachCount
	for rows.Next() {
		c := store.OutreachCount{Org: org}
		if err := rows.Scan(&c.Campaign, &c.Action, &c.Target, &c.Kind, &c.Outcome, &c.Count); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

var _ store.TargetMail = (*DB)(nil)

// QueueTargetMail records the sender, takes the target's next drip slot and
// queues the messages, in one transaction (part of store.TargetMail). The
// target's drip row is locked for the transaction, so instances queueing to
// one target at once take its slots one after the other.
func (db *DB) QueueTargetMail(ctx context.Context, q store.TargetMailing) (_ time.Time, err error) {
	defer failed(&err, "queueing a message to a decision-maker")
	secret, err := db.Secret(ctx)
	if err != nil {
		return time.Time{}, err
	}
	if err := db.forgetHeld(ctx, q.At); err != nil {
		return time.Time{}, err
	}
	// Domain counts of hours gone by (their letters have left the
	// queue), of every target: a target that gets no letter more must
	// not keep its senders' domains for good. On its own, as
	// forgetHeld, so instances queueing to different targets do not
	// wait on each other's rows.
	for _, table := range []string{"outreach_drip_domains", "outreach_waiting"} {
		if _, err := db.pool.Exec(ctx, `DELETE FROM `+table+` WHERE hour < $1`, store.OutreachHour(q.At)); err != nil {
			return time.Time{}, err
		}
	}
	var due time.Time
	err = pgx.BeginFunc(ctx, db.pool, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `INSERT INTO outreach_senders (org, campaign, target, sender) VALUES ($1, $2, $3, $4)
			ON CONFLICT DO NOTHING`, q.Org, q.Campaign, q.Target, store.InboxHash(secret, q.Sender))
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			return store.ErrAlreadySent
		}
		for _, h := range store.OlderSenderHashes(secret, q.Sender) {
			var sent bool
			if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM outreach_senders WHERE org = $1 AND campaign = $2 AND target = $3 AND sender = $4)`,
				q.Org, q.Campaign, q.Target, h).Scan(&sent); err != nil || sent {
				return cmp.Or(err, store.ErrAlreadySent)
			}
		}
		if _, err := tx.Exec(ctx, `INSERT INTO outreach_drip (org, campaign, target, hour, n) VALUES ($1, $2, $3, 'epoch', 0)
			ON CONFLICT DO NOTHING`, q.Org, q.Campaign, q.Target); err != nil {
			return err
		}
		var hour time.Time
		var n int
		if err := tx.QueryRow(ctx, `SELECT hour, n FROM outreach_drip WHERE org = $1 AND campaign = $2 AND target = $3 FOR UPDATE`,
			q.Org, q.Campaign, q.Target).Scan(&hour, &n); err != nil {
			return err
		}
		hour, n, due = store.DripSlot(hour.UTC(), n, q.PerHour, q.At)
		if store.DripFull(hour, q.At) {
			return store.ErrTargetFull
		}
		// The target's drip row is locked: no other instance counts
		// this queue's domains until this letter is in or out.
		cur := store.OutreachHour(q.At)
		domain := store.DomainHash(secret, q.Sender)
		waiting, mine, err := domainShare(ctx, tx, q.Org, q.Campaign, q.Target, domain, cur)
		if err != nil {
			return err
		}
		if store.DomainOverShare(mine, waiting, q.PerHour) {
			return store.ErrDomainShare
		}
		// Rows of hours gone by went before the transaction, for every
		// target: deleted here too, under the drip lock, they could
		// deadlock with another instance's sweep of the same rows.
		if _, err := tx.Exec(ctx, `INSERT INTO outreach_drip_domains AS d (org, campaign, target, domain, hour, n) VALUES ($1, $2, $3, $4, $5, 1)
			ON CONFLICT (org, campaign, target, domain, hour) DO UPDATE SET n = d.n + 1`,
			q.Org, q.Campaign, q.Target, domain, hour); err != nil {
			return err
		}
		// Which inbox's letter it is, while it waits: an erasure takes
		// it out of its domain's count (eraseWaiting).
		if _, err := tx.Exec(ctx, `INSERT INTO outreach_waiting (org, campaign, target, sender, domain, hour) VALUES ($1, $2, $3, $4, $5, $6)
			ON CONFLICT (org, campaign, target, sender) DO UPDATE SET domain = excluded.domain, hour = excluded.hour`,
			q.Org, q.Campaign, q.Target, store.InboxHash(secret, q.Sender), domain, hour); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE outreach_drip SET hour = $4, n = $5 WHERE org = $1 AND campaign = $2 AND target = $3`,
			q.Org, q.Campaign, q.Target, hour, n); err != nil {
			return err
		}
		msgs := slices.Clone(q.Messages)
		for i := range msgs {
			msgs[i].NotBefore = due
		}
		if err := insertOutbox(ctx, tx, msgs); err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `INSERT INTO outreach AS o (org, campaign, action, target, kind, outcome, hour, n)
			VALUES ($1, $2, $3, $4, 'email', 'queued', $5, 1)
			ON CONFLICT (org, campaign, action, target, kind, outcome, hour) DO UPDATE SET n = o.n + 1`,
			q.Org, q.Campaign, q.Action, q.Target, store.OutreachHour(q.At))
		return err
	})
	if errors.Is(err, store.ErrTargetFull) {
		// Nothing of the letter is kept (the supporter may try again);
		// only the count of letters held back, once per inbox.
		if err := db.NoteHeld(ctx, q.Org, q.Campaign, q.Action, q.Target, q.Sender, q.At); err != nil {
			return time.Time{}, err
		}
		return time.Time{}, err
	}
	if err != nil {
		return time.Time{}, err
	}
	return due, nil
}

// domainShare reads how many letters wait in a target's queue (due in
// cur or later) and how many of them come from domain.
func domainShare(ctx context.Context, q interface {
	QueryRow(context.Context, string, ...any) pgx.Row
}, org, campaign, target string, domain []byte, cur time.Time) (waiting, mine int, err error) {
	err = q.QueryRow(ctx, `SELECT coalesce(sum(n), 0)::int, coalesce(sum(n) FILTER (WHERE domain = $4), 0)::int
		FROM outreach_drip_domains WHERE org = $1 AND campaign = $2 AND target = $3 AND hour >= $5`,
		org, campaign, target, domain, cur).Scan(&waiting, &mine)
	return waiting, mine, err
}

// forgetHeld deletes the held-back inboxes older than store.HeldFor, of
// every target: a keyed hash of an address that may never have confirmed
// is kept no longer than that, whether or not the target hears again. It
// runs on its own, outside the letter's transaction, so instances
// queueing to different targets do not wait on each other's rows.
func (db *DB) forgetHeld(ctx context.Context, at time.Time) error {
	_, err := db.pool.Exec(ctx, `DELETE FROM outreach_held WHERE hour < $1`, store.OutreachHour(at).Add(-store.HeldFor))
	return err
}

// SweepTargetMail deletes the held-back inboxes past store.HeldFor and
// the domain counts of hours gone by (part of store.TargetMail). Each
// DELETE stands alone, as forgetHeld, so instances sweeping at once only
// find less to delete.
func (db *DB) SweepTargetMail(ctx context.Context, now time.Time) (_ int, err error) {
	defer failed(&err, "sweeping the decision-makers' queues")
	cur := store.OutreachHour(now)
	n := int64(0)
	for _, q := range []struct {
		sql string
		arg time.Time
	}{
		{`DELETE FROM outreach_held WHERE hour < $1`, cur.Add(-store.HeldFor)},
		{`DELETE FROM outreach_drip_domains WHERE hour < $1`, cur},
		{`DELETE FROM outreach_waiting WHERE hour < $1`, cur},
	} {
		tag, err := db.pool.Exec(ctx, q.sql, q.arg)
		if err != nil {
			return int(n), err
		}
		n += tag.RowsAffected()
	}
	return int(n), nil
}

// NoteHeld counts a letter turned away, once per inbox, target and
// campaign within store.HeldFor (part of store.TargetMail).
func (db *DB) NoteHeld(ctx context.Context, org, campaign, action, target, sender string, at time.Time) (err error) {
	defer failed(&err, "counting a letter held back")
	secret, err := db.Secret(ctx)
	if err != nil {
		return err
	}
	hour := store.OutreachHour(at)
	if err := db.forgetHeld(ctx, at); err != nil {
		return err
	}
	return pgx.BeginFunc(ctx, db.pool, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `INSERT INTO outreach_held (org, campaign, target, sender, hour) VALUES ($1, $2, $3, $4, $5)
			ON CONFLICT DO NOTHING`, org, campaign, target, store.InboxHash(secret, sender), hour)
		if err != nil || tag.RowsAffected() == 0 {
			return err // none: this letter was counted already
		}
		_, err = tx.Exec(ctx, `INSERT INTO outreach AS o (org, campaign, action, target, kind, outcome, hour, n)
			VALUES ($1, $2, $3, $4, $5, $6, $7, 1)
			ON CONFLICT (org, campaign, action, target, kind, outcome, hour) DO UPDATE SET n = o.n + 1`,
			org, campaign, action, target, store.OutreachEmail, store.OutcomeHeld, hour)
		return err
	})
}

// TargetQueues lists org's queues still running at at (part of
// store.TargetMail).
func (db *DB) TargetQueues(ctx context.Context, org string, at time.Time) (_ []store.TargetQueue, err error) {
	defer failed(&err, "reading the decision-makers' queues")
	rows, err := db.pool.Query(ctx, `SELECT d.campaign, d.target, d.hour, coalesce(w.waiting, 0)::int, coalesce(w.top, 0)::int
		FROM outreach_drip d LEFT JOIN (
			SELECT campaign, target, sum(n) AS waiting, max(n) AS top FROM (
				SELECT campaign, target, sum(n) AS n FROM outreach_drip_domains WHERE org = $1 AND hour >= $2
				GROUP BY campaign, target, domain) x
			GROUP BY campaign, target) w ON w.campaign = d.campaign AND w.target = d.target
		WHERE d.org = $1 AND d.hour >= $2
		ORDER BY d.campaign COLLATE "C", d.target COLLATE "C"`, org, store.OutreachHour(at))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []store.TargetQueue
	for rows.Next() {
		var q store.TargetQueue
		if err := rows.Scan(&q.Campaign, &q.Target, &q.Last, &q.Waiting, &q.Top); err != nil {
			return nil, err
		}
		q.Last = q.Last.UTC()
		out = append(out, q)
	}
	return out, rows.Err()
}

// TargetMailRoom reads whether the target's drip has a slot within
// store.MaxDripAhead, and sender's domain its share (part of
// store.TargetMail).
func (db *DB) TargetMailRoom(ctx context.Context, org, campaign, target, sender string, perHour int, at time.Time) (_ bool, err error) {
	defer failed(&err, "reading a decision-maker's queue")
	var hour time.Time
	var n int
	err = db.pool.QueryRow(ctx, `SELECT hour, n FROM outreach_drip WHERE org = $1 AND campaign = $2 AND target = $3`,
		org, campaign, target).Scan(&hour, &n)
	switch {
	case errors.Is(err, pgx.ErrNoRows):
		hour, n = time.Time{}, 0
	case err != nil:
		return false, err
	}
	hour, _, _ = store.DripSlot(hour.UTC(), n, perHour, at)
	if store.DripFull(hour, at) || sender == "" {
		return !store.DripFull(hour, at), nil
	}
	secret, err := db.Secret(ctx)
	if err != nil {
		return false, err
	}
	waiting, mine, err := domainShare(ctx, db.pool, org, campaign, target, store.DomainHash(secret, sender), store.OutreachHour(at))
	if err != nil {
		return false, err
	}
	return !store.DomainOverShare(mine, waiting, perHour), nil
}

// eraseSenderIn removes the keyed hash of email from the senders of
// messages to org's decision-makers, inside EraseIn's or EraseSupporter's
// transaction, and returns how many rows went.
func eraseSenderIn(ctx context.Context, tx pgx.Tx, secret []byte, org, email string) (int64, error) {
	// The inbox's hash (store.InboxHash) and, kept before it, the address's.
	tag, err := tx.Exec(ctx, `DELETE FROM outreach_senders WHERE org = $1 AND sender IN ($2, $3)`, org,
		store.InboxHash(secret, email), store.SenderHash(secret, email))
	if err != nil {
		return 0, err
	}
	// And the letters it had held back (NoteHeld).
	held, err := tx.Exec(ctx, `DELETE FROM outreach_held WHERE org = $1 AND sender = $2`, org, store.InboxHash(secret, email))
	if err != nil {
		return 0, err
	}
	// And its letters' places in their domains' counts.
	w, err := eraseWaiting(ctx, tx, secret, org, email)
	return tag.RowsAffected() + held.RowsAffected() + w, err
}

// eraseWaiting deletes the waiting letters of email's inbox (of org
// only, unless org is "") from outreach_waiting and takes each out of
// its domain's count, deleting a count that reaches nothing, inside an
// erasure's transaction. It returns how many letters it took out.
func eraseWaiting(ctx context.Context, tx pgx.Tx, secret []byte, org, email string) (int64, error) {
	rows, err := tx.Query(ctx, `DELETE FROM outreach_waiting WHERE sender = $1 AND ($2 = '' OR org = $2)
		RETURNING org, campaign, target, domain, hour`, store.InboxHash(secret, email), org)
	if err != nil {
		return 0, err
	}
	type letter struct {
		org, campaign, target string
		domain                []byte
		hour                  time.Time
	}
	var ls []letter
	for rows.Next() {
		var l letter
		if err := rows.Scan(&l.org, &l.campaign, &l.target, &l.domain, &l.hour); err != nil {
			rows.Close()
			return 0, err
		}
		ls = append(ls, l)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, err
	}
	for _, l := range ls {
		for _, q := range []string{
			`UPDATE outreach_drip_domains SET n = n - 1 WHERE org = $1 AND campaign = $2 AND target = $3 AND domain = $4 AND hour = $5`,
			`DELETE FROM outreach_drip_domains WHERE org = $1 AND campaign = $2 AND target = $3 AND domain = $4 AND hour = $5 AND n <= 0`,
		} {
			if _, err := tx.Exec(ctx, q, l.org, l.campaign, l.target, l.domain, l.hour); err != nil {
				return 0, err
			}
		}
	}
	return int64(len(ls)), nil
}

// eraseSender removes the keyed hash of email from the senders of
// messages to decision-makers, inside Erase's transaction.
func eraseSender(ctx context.Context, tx pgx.Tx, secret []byte, email string) error {
	if _, err := tx.Exec(ctx, `DELETE FROM outreach_senders WHERE sender IN ($1, $2)`,
		store.InboxHash(secret, email), store.SenderHash(secret, email)); err != nil {
		return err
	}
	if _, err := tx.Exec(ctx, `DELETE FROM outreach_held WHERE sender = $1`, store.InboxHash(secret, email)); err != nil {
		return err
	}
	// And its letters' places in their domains' counts.
	_, err := eraseWaiting(ctx, tx, secret, "", email)
	return err
}
