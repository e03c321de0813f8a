package sqlite

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"slices"
	"time"

	"github.com/placard/placard/internal/store"
)

var _ store.Outreach = (*DB)(nil)

// RecordOutreach adds one to an hour's count (part of store.Outreach).
func (db *DB) RecordOutreach(ctx context.Context, e store.OutreachEvent) (err error) {
	defer failed(&err, "counting outreach")
	_, err = db.w.ExecContext(ctx, `INSERT INTO outreach (org, campaign, action, target, kind, outcome, hour, n)
		VALUES (?, ?, ?, ?, ?, ?, ?, 1)
		ON CONFLICT (org, campaign, action, target, kind, outcome, hour) DO UPDATE SET n = n + 1`,
		e.Org, e.Campaign, e.Action, e.Target, e.Kind, e.Outcome, store.OutreachHour(e.At).Unix())
	return err
}

// OutreachCounts sums an organisation's counts over hours (part of
// store.Outreach).
func (db *DB) OutreachCounts(ctx context.Context, org, campaign string) (_ []store.OutreachCount, err error) {
	defer failed(&err, "reading outreach counts")
	rows, err := db.r.QueryContext(ctx, `SELECT campaign, action, target, kind, outcome, sum(n) FROM outreach
		WHERE org = ? AND (? = '' OR campaign = ?)
		GROUP BY campaign, action, target, kind, outcome
		ORDER BY campaign, action, target, kind, outcome`, org, campaign, campaign)
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
// queues the messages, in one transaction (part of store.TargetMail).
func (db *DB) QueueTargetMail(ctx context.Context, q store.TargetMailing) (_ time.Time, err error) {
	defer failed(&err, "queueing a message to a decision-maker")
	secret, err := db.Secret(ctx)
	if err != nil {
		return time.Time{}, err
	}
	st, err := db.outboxStmts(ctx, len(q.Messages))
	if err != nil {
		return time.Time{}, err
	}
	tx, err := db.w.BeginTx(ctx, nil)
	if err != nil {
		return time.Time{}, err
	}
	defer tx.Rollback()
	res, err := tx.ExecContext(ctx, `INSERT INTO outreach_senders (org, campaign, target, sender) VALUES (?, ?, ?, ?)
		ON CONFLICT DO NOTHING`, q.Org, q.Campaign, q.Target, store.InboxHash(secret, q.Sender))
	if err != nil {
		return time.Time{}, err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return time.Time{}, store.ErrAlreadySent
	}
	for _, h := range store.OlderSenderHashes(secret, q.Sender) {
		var sent bool
		if err := tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM outreach_senders WHERE org = ? AND campaign = ? AND target = ? AND sender = ?)`,
			q.Org, q.Campaign, q.Target, h).Scan(&sent); err != nil || sent {
			return time.Time{}, cmp.Or(err, store.ErrAlreadySent)
		}
	}
	if err := forgetHeld(ctx, tx, q.At); err != nil {
		return time.Time{}, err
	}
	hour, n, err := dripRow(ctx, tx, q.Org, q.Campaign, q.Target)
	if err != nil {
		return time.Time{}, err
	}
	hour, n, due := store.DripSlot(hour, n, q.PerHour, q.At)
	cur := store.OutreachHour(q.At)
	domain := store.DomainHash(secret, q.Sender)
	full := store.ErrTargetFull
	if !store.DripFull(hour, q.At) {
		full = nil
		waiting, mine, err := domainShare(ctx, tx, q.Org, q.Campaign, q.Target, domain, cur)
		if err != nil {
			return time.Time{}, err
		}
		if store.DomainOverShare(mine, waiting, q.PerHour) {
			full = store.ErrDomainShare
		}
	}
	if full != nil {
		// Nothing of the letter is kept (the supporter may try again);
		// only the count of letters held back, once per inbox.
		tx.Rollback()
		if err := db.NoteHeld(ctx, q.Org, q.Campaign, q.Action, q.Target, q.Sender, q.At); err != nil {
			return time.Time{}, err
		}
		return time.Time{}, full
	}
	// The letter's domain takes its place in the slot's hour; rows of
	// hours gone by (their letters have left the queue) go, of every
	// target: a target that gets no letter more must not keep its
	// senders' domains for good.
	if err := sweepDrip(ctx, tx, cur); err != nil {
		return time.Time{}, err
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO outreach_drip_domains (org, campaign, target, domain, hour, n) VALUES (?, ?, ?, ?, ?, 1)
		ON CONFLICT (org, campaign, target, domain, hour) DO UPDATE SET n = n + 1`,
		q.Org, q.Campaign, q.Target, domain, hour.Unix()); err != nil {
		return time.Time{}, err
	}
	// Which inbox's letter it is, while it waits: an erasure takes it
	// out of its domain's count (eraseWaiting).
	if _, err := tx.ExecContext(ctx, `INSERT INTO outreach_waiting (org, campaign, target, sender, domain, hour) VALUES (?, ?, ?, ?, ?, ?)
		ON CONFLICT (org, campaign, target, sender) DO UPDATE SET domain = excluded.domain, hour = excluded.hour`,
		q.Org, q.Campaign, q.Target, store.InboxHash(secret, q.Sender), domain, hour.Unix()); err != nil {
		return time.Time{}, err
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO outreach_drip (org, campaign, target, hour, n) VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (org, campaign, target) DO UPDATE SET hour = excluded.hour, n = excluded.n`,
		q.Org, q.Campaign, q.Target, hour.Unix(), n); err != nil {
		return time.Time{}, err
	}
	msgs := slices.Clone(q.Messages)
	for i := range msgs {
		msgs[i].NotBefore = due
	}
	if err := insertOutbox(ctx, tx, st, msgs, q.At); err != nil {
		return time.Time{}, err
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO outreach (org, campaign, action, target, kind, outcome, hour, n)
		VALUES (?, ?, ?, ?, 'email', 'queued', ?, 1)
		ON CONFLICT (org, campaign, action, target, kind, outcome, hour) DO UPDATE SET n = n + 1`,
		q.Org, q.Campaign, q.Action, q.Target, store.OutreachHour(q.At).Unix()); err != nil {
		return time.Time{}, err
	}
	return due, tx.Commit()
}

// dripRow reads a target's drip slot: the hour it started and how many
// letters it holds (a zero hour for none).
func dripRow(ctx context.Context, q interface {
	QueryRowContext(context.Context, string, ...any) *sql.Row
}, org, campaign, target string) (time.Time, int, error) {
	var hourUnix int64
	var n int
	err := q.QueryRowContext(ctx, `SELECT hour, n FROM outreach_drip WHERE org = ? AND campaign = ? AND target = ?`,
		org, campaign, target).Scan(&hourUnix, &n)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return time.Time{}, 0, nil
	case err != nil:
		return time.Time{}, 0, err
	}
	return time.Unix(hourUnix, 0).UTC(), n, nil
}

// domainShare reads how many letters wait in a target's queue (due in
// cur or later) and how many of them come from domain.
func domainShare(ctx context.Context, q interface {
	QueryRowContext(context.Context, string, ...any) *sql.Row
}, org, campaign, target string, domain []byte, cur time.Time) (waiting, mine int, err error) {
	err = q.QueryRowContext(ctx, `SELECT coalesce(sum(n), 0), coalesce(sum(CASE WHEN domain = ? THEN n END), 0)
		FROM outreach_drip_domains WHERE org = ? AND campaign = ? AND target = ? AND hour >= ?`,
		domain, org, campaign, target, cur.Unix()).Scan(&waiting, &mine)
	return waiting, mine, err
}

// TargetMailRoom reads whether the target's drip has a slot within
// store.MaxDripAhead, and sender's domain its share (part of
// store.TargetMail).
func (db *DB) TargetMailRoom(ctx context.Context, org, campaign, target, sender string, perHour int, at time.Time) (_ bool, err error) {
	defer failed(&err, "reading a decision-maker's queue")
	hour, n, err := dripRow(ctx, db.r, org, campaign, target)
	if err != nil {
		return false, err
	}
	hour, _, _ = store.DripSlot(hour, n, perHour, at)
	if store.DripFull(hour, at) || sender == "" {
		return !store.DripFull(hour, at), nil
	}
	secret, err := db.Secret(ctx)
	if err != nil {
		return false, err
	}
	waiting, mine, err := domainShare(ctx, db.r, org, campaign, target, store.DomainHash(secret, sender), store.OutreachHour(at))
	if err != nil {
		return false, err
	}
	return !store.DomainOverShare(mine, waiting, perHour), nil
}

// sweepDrip deletes, of every target, the domain counts and waiting
// letters' inboxes of hours before cur: their letters have left the
// queue.
func sweepDrip(ctx context.Context, tx *sql.Tx, cur time.Time) error {
	for _, table := range []string{"outreach_drip_domains", "outreach_waiting"} {
		if _, err := tx.ExecContext(ctx, `DELETE FROM `+table+` WHERE hour < ?`, cur.Unix()); err != nil {
			return err
		}
	}
	return nil
}

// eraseWaiting deletes the waiting letters of email's inbox (of org
// only, unless org is "") from outreach_waiting and takes each out of
// its domain's count, deleting a count that reaches nothing, inside an
// erasure's transaction. It returns how many letters it took out.
func eraseWaiting(ctx context.Context, tx *sql.Tx, secret []byte, org, email string) (int64, error) {
	rows, err := tx.QueryContext(ctx, `DELETE FROM outreach_waiting WHERE sender = ? AND (? = '' OR org = ?)
		RETURNING org, campaign, target, domain, hour`, store.InboxHash(secret, email), org, org)
	if err != nil {
		return 0, err
	}
	type letter struct {
		org, campaign, target string
		domain                []byte
		hour                  int64
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
			`UPDATE outreach_drip_domains SET n = n - 1 WHERE org = ? AND campaign = ? AND target = ? AND domain = ? AND hour = ?`,
			`DELETE FROM outreach_drip_domains WHERE org = ? AND campaign = ? AND target = ? AND domain = ? AND hour = ? AND n <= 0`,
		} {
			if _, err := tx.ExecContext(ctx, q, l.org, l.campaign, l.target, l.domain, l.hour); err != nil {
				return 0, err
			}
		}
	}
	return int64(len(ls)), nil
}

// forgetHeld deletes the held-back inboxes older than store.HeldFor, of
// every target: a keyed hash of an address that may never have confirmed
// is kept no longer than that, whether or not the target hears again.
func forgetHeld(ctx context.Context, tx *sql.Tx, at time.Time) error {
	_, err := tx.ExecContext(ctx, `DELETE FROM outreach_held WHERE hour < ?`, store.OutreachHour(at).Add(-store.HeldFor).Unix())
	return err
}

// SweepTargetMail deletes the held-back inboxes past store.HeldFor and
// the domain counts of hours gone by (part of store.TargetMail).
func (db *DB) SweepTargetMail(ctx context.Context, now time.Time) (_ int, err error) {
	defer failed(&err, "sweeping the decision-makers' queues")
	cur := store.OutreachHour(now)
	n := int64(0)
	for _, q := range []struct {
		sql string
		arg int64
	}{
		{`DELETE FROM outreach_held WHERE hour < ?`, cur.Add(-store.HeldFor).Unix()},
		{`DELETE FROM outreach_drip_domains WHERE hour < ?`, cur.Unix()},
		{`DELETE FROM outreach_waiting WHERE hour < ?`, cur.Unix()},
	} {
		res, err := db.w.ExecContext(ctx, q.sql, q.arg)
		if err != nil {
			return int(n), err
		}
		m, _ := res.RowsAffected()
		n += m
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
	tx, err := db.w.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	hour := store.OutreachHour(at)
	if err := forgetHeld(ctx, tx, at); err != nil {
		return err
	}
	res, err := tx.ExecContext(ctx, `INSERT INTO outreach_held (org, campaign, target, sender, hour) VALUES (?, ?, ?, ?, ?)
		ON CONFLICT DO NOTHING`, org, campaign, target, store.InboxHash(secret, sender), hour.Unix())
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return nil // this letter was counted already
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO outreach (org, campaign, action, target, kind, outcome, hour, n)
		VALUES (?, ?, ?, ?, ?, ?, ?, 1)
		ON CONFLICT (org, campaign, action, target, kind, outcome, hour) DO UPDATE SET n = n + 1`,
		org, campaign, action, target, store.OutreachEmail, store.OutcomeHeld, hour.Unix()); err != nil {
		return err
	}
	return tx.Commit()
}

// TargetQueues lists org's queues still running at at (part of
// store.TargetMail).
func (db *DB) TargetQueues(ctx context.Context, org string, at time.Time) (_ []store.TargetQueue, err error) {
	defer failed(&err, "reading the decision-makers' queues")
	cur := store.OutreachHour(at).Unix()
	rows, err := db.r.QueryContext(ctx, `SELECT d.campaign, d.target, d.hour, coalesce(w.waiting, 0), coalesce(w.top, 0)
		FROM outreach_drip d LEFT JOIN (
			SELECT campaign, target, sum(n) AS waiting, max(n) AS top FROM (
				SELECT campaign, target, sum(n) AS n FROM outreach_drip_domains WHERE org = ?1 AND hour >= ?2
				GROUP BY campaign, target, domain)
			GROUP BY campaign, target) w ON w.campaign = d.campaign AND w.target = d.target
		WHERE d.org = ?1 AND d.hour >= ?2
		ORDER BY d.campaign, d.target`, org, cur)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []store.TargetQueue
	for rows.Next() {
		var q store.TargetQueue
		var last int64
		if err := rows.Scan(&q.Campaign, &q.Target, &last, &q.Waiting, &q.Top); err != nil {
			return nil, err
		}
		q.Last = time.Unix(last, 0).UTC()
		out = append(out, q)
	}
	return out, rows.Err()
}

// eraseSenderIn removes the keyed hash of email from the senders of
// messages to org's decision-makers, inside EraseIn's or EraseSupporter's
// transaction, and returns how many rows went.
func eraseSenderIn(ctx context.Context, tx *sql.Tx, secret []byte, org, email string) (int64, error) {
	// The inbox's hash (store.InboxHash) and, kept before it, the address's.
	res, err := tx.ExecContext(ctx, `DELETE FROM outreach_senders WHERE org = ? AND sender IN (?, ?)`, org,
		store.InboxHash(secret, email), store.SenderHash(secret, email))
	if err != nil {
		return 0, err
	}
	n, _ := res.RowsAffected()
	// And the letters it had held back (NoteHeld).
	if res, err = tx.ExecContext(ctx, `DELETE FROM outreach_held WHERE org = ? AND sender = ?`, org, store.InboxHash(secret, email)); err != nil {
		return 0, err
	}
	m, _ := res.RowsAffected()
	// And its letters' places in their domains' counts.
	w, err := eraseWaiting(ctx, tx, secret, org, email)
	if err != nil {
		return 0, err
	}
	return n + m + w, nil
}

// eraseSender removes the keyed hash of email from the senders of
// messages to decision-makers, inside Erase's transaction.
func eraseSender(ctx context.Context, tx *sql.Tx, secret []byte, email string) error {
	if _, err := tx.ExecContext(ctx, `DELETE FROM outreach_senders WHERE sender IN (?, ?)`,
		store.InboxHash(secret, email), store.SenderHash(secret, email)); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM outreach_held WHERE sender = ?`, store.InboxHash(secret, email)); err != nil {
		return err
	}
	// And its letters' places in their domains' counts.
	_, err := eraseWaiting(ctx, tx, secret, "", email)
	return err
}
