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
	hour, n, err := dripRow(ctx, tx, q.Org, q.Campaign, q.Target)
	if err != nil {
		return time.Time{}, err
	}
	hour, n, due := store.DripSlot(hour, n, q.PerHour, q.At)
	if store.DripFull(hour, q.At) {
		// Nothing of the letter is kept (the supporter may try again);
		// only the count of letters held back.
		tx.Rollback()
		if err := db.RecordOutreach(ctx, store.OutreachEvent{Org: q.Org, Campaign: q.Campaign, Action: q.Action, Target: q.Target,
			Kind: store.OutreachEmail, Outcome: store.OutcomeHeld, At: q.At}); err != nil {
			return time.Time{}, err
		}
		return time.Time{}, store.ErrTargetFull
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

// TargetMailRoom reads whether the target's drip has a slot within
// store.MaxDripAhead (part of store.TargetMail).
func (db *DB) TargetMailRoom(ctx context.Context, org, campaign, target string, perHour int, at time.Time) (_ bool, err error) {
	defer failed(&err, "reading a decision-maker's queue")
	hour, n, err := dripRow(ctx, db.r, org, campaign, target)
	if err != nil {
		return false, err
	}
	hour, _, _ = store.DripSlot(hour, n, perHour, at)
	return !store.DripFull(hour, at), nil
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
	return res.RowsAffected()
}

// eraseSender removes the keyed hash of email from the senders of
// messages to decision-makers, inside Erase's transaction.
func eraseSender(ctx context.Context, tx *sql.Tx, secret []byte, email string) error {
	_, err := tx.ExecContext(ctx, `DELETE FROM outreach_senders WHERE sender IN (?, ?)`,
		store.InboxHash(secret, email), store.SenderHash(secret, email))
	return err
}
