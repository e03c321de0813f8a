package postgres

import (
	"context"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/placard/placard/internal/store"
)

var _ store.MailPace = (*DB)(nil)

// MailTurn takes inbox's turn (store.MailPace) with one conditional
// upsert: ON CONFLICT DO UPDATE locks the inbox's row and weighs its
// WHERE on the row's latest version, so of two instances asking for the
// last turn at once the second waits for the first and finds it taken.
func (db *DB) MailTurn(ctx context.Context, inbox []byte, every time.Duration, burst int, now time.Time) (_ time.Time, _ bool, err error) {
	defer failed(&err, "taking an inbox's turn")
	shift, err := db.paceShift(ctx)
	if err != nil {
		return time.Time{}, false, err
	}
	at := now // the caller's clock, for the answer
	now = now.Add(shift)
	nowUS, everyUS := now.UnixMicro(), every.Microseconds()
	slackUS := store.PaceSlack(every, burst).Microseconds()
	var whole int64
	err = db.pool.QueryRow(ctx, `INSERT INTO mail_pace AS p (inbox, whole) VALUES ($1, $2::bigint + $3::bigint)
		ON CONFLICT (inbox) DO UPDATE SET whole = GREATEST(p.whole, $2::bigint) + $3::bigint
		WHERE p.whole - $4::bigint <= $2::bigint
		RETURNING whole`, inbox, nowUS, everyUS, slackUS).Scan(&whole)
	if err == nil {
		return at, true, nil
	}
	if !errors.Is(err, pgx.ErrNoRows) {
		return time.Time{}, false, err
	}
	err = db.pool.QueryRow(ctx, `SELECT whole FROM mail_pace WHERE inbox = $1`, inbox).Scan(&whole)
	if errors.Is(err, pgx.ErrNoRows) {
		return at, false, nil // purged since: a turn now, for the asking
	}
	if err != nil {
		return time.Time{}, false, err
	}
	// Further ahead than a turn ever leaves it: the clock was set back
	// since (or another instance's runs ahead). Held as spent, never
	// made whole — no fresh burst — but no longer than the pace ever
	// holds an inbox, as ratelimit.Pace does; else its next turn waited
	// for the clock to catch up, and the confirmations asked for
	// meanwhile were given up unsent (storetest's MailPaceClockBack).
	if limit := nowUS + slackUS + everyUS; whole > limit {
		if _, err := db.pool.Exec(ctx, `UPDATE mail_pace SET whole = $2::bigint WHERE inbox = $1 AND whole > $2::bigint`, inbox, limit); err != nil {
			return time.Time{}, false, err
		}
		whole = limit
	}
	return time.UnixMicro(whole - slackUS).Add(-shift).UTC(), false, nil
}

// paceSkew is the difference between this instance's clock and the
// database server's below which the mail pace takes the instance's
// clock as it is (paceShift).
const paceSkew = time.Minute

// paceShift is what moves this instance's clock onto the database
// server's for the mail pace: zero while they agree within paceSkew
// (one machine, or clocks kept by NTP), else their difference, to the
// second. The instances sharing the database each keep an inbox's turns
// by their own clock; one whose clock ran ahead left the inbox spent
// further ahead than a turn ever leaves it for the others, whose cap
// (MailTurn: a clock set back) then lowered it to their own now — and
// the instance ahead found it whole again, a fresh turn each time one
// and then the other was asked (TestMailPaceSkewedInstances). On the
// server's clock, which they share, they agree. Measured at most once a
// minute (by the monotonic clock, so a clock set back is seen within
// the minute).
func (db *DB) paceShift(ctx context.Context) (time.Duration, error) {
	wall := db.wall
	if wall == nil {
		wall = time.Now
	}
	db.shiftMu.Lock()
	shift, at := db.shift, db.shiftAt
	db.shiftMu.Unlock()
	if !at.IsZero() && time.Since(at) < time.Minute {
		return shift, nil
	}
	// Measured outside the lock: a caller's ctx bounds its own wait
	// only, and a slow server must not hold the others past theirs.
	before := wall()
	var server time.Time
	if err := db.pool.QueryRow(ctx, `SELECT clock_timestamp()`).Scan(&server); err != nil {
		return 0, err
	}
	after := wall()
	d := server.Sub(before.Add(after.Sub(before) / 2))
	if d > -paceSkew && d < paceSkew {
		d = 0
	}
	d = d.Round(time.Second)
	db.shiftMu.Lock()
	db.shift, db.shiftAt = d, time.Now()
	db.shiftMu.Unlock()
	return d, nil
}

// GiveMailTurn gives a turn back (store.MailPace).
func (db *DB) GiveMailTurn(ctx context.Context, inbox []byte, every time.Duration) (err error) {
	defer failed(&err, "giving an inbox's turn back")
	_, err = db.pool.Exec(ctx, `UPDATE mail_pace SET whole = whole - $2::bigint WHERE inbox = $1`, inbox, every.Microseconds())
	return err
}

// PurgeMailPace deletes the inboxes whole again (store.MailPace).
func (db *DB) PurgeMailPace(ctx context.Context, now time.Time) (_ int, err error) {
	defer failed(&err, "purging the mail pace")
	shift, err := db.paceShift(ctx)
	if err != nil {
		return 0, err
	}
	tag, err := db.pool.Exec(ctx, `DELETE FROM mail_pace WHERE whole <= $1`, now.Add(shift).UnixMicro())
	return int(tag.RowsAffected()), err
}

// NoteUnsent counts one confirmation given up (store.MailPace).
func (db *DB) NoteUnsent(ctx context.Context, org, campaign string) (err error) {
	defer failed(&err, "counting a confirmation given up")
	return db.countUp(ctx, "mail_unsent", org, campaign) // refused.go
}

// UnsentCounts returns org's confirmations given up (store.MailPace).
func (db *DB) UnsentCounts(ctx context.Context, org string) (_ map[string]int, err error) {
	defer failed(&err, "reading the confirmations given up")
	return db.campaignCounts(ctx, "mail_unsent", org) // refused.go
}

// erasePace deletes the pace row of the inbox email reaches, inside an
// erasure's transaction.
func erasePace(ctx context.Context, tx pgx.Tx, secret []byte, email string) error {
	// The inbox's row, and its data-page links' rows of every
	// organisation (store.DataLinkPaceHash).
	_, err := tx.Exec(ctx, `DELETE FROM mail_pace WHERE inbox = $1 OR (length(inbox) > 32 AND substring(inbox FROM 1 FOR 32) = $2)`,
		store.PaceHash(secret, email), store.DataLinkPrefix(secret, email))
	return err
}
