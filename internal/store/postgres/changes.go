package postgres

import (
	"context"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"
)

// tallyChannel is the NOTIFY channel of changes to signatures. Every
// transaction that changes a campaign's signatures sends one notification
// per campaign it changed, with "org/campaign" as payload, from inside the
// transaction, so PostgreSQL delivers it only if and when it commits.
// Slugs are file and folder names (at most 255 bytes each), far below the
// 8000-byte payload limit.
const tallyChannel = "placard_tally"

// Listening: how long to wait for a notification before checking that the
// connection is alive (and waking the reader anyway, a slow safety poll),
// and how long to wait between attempts to reconnect.
const (
	listenCheck    = 30 * time.Second
	reconnectFirst = 100 * time.Millisecond
	reconnectMax   = 5 * time.Second
)

// Changes reports changes to signatures made by any instance sharing the
// database (part of store.Store). It holds one connection of its own,
// outside the pool, that LISTENs on tallyChannel; when that connection is
// lost it sends a value every fallback while it reconnects, then one more
// once listening again, since notifications sent meanwhile are lost.
func (db *DB) Changes(ctx context.Context, fallback time.Duration) <-chan struct{} {
	ch := make(chan struct{}, 1)
	go db.listen(ctx, fallback, ch)
	return ch
}

// wake sends a value unless one is already waiting.
func wake(ch chan<- struct{}) {
	select {
	case ch <- struct{}{}:
	default:
	}
}

func (db *DB) listen(ctx context.Context, fallback time.Duration, ch chan<- struct{}) {
	defer close(ch)
	retry := reconnectFirst
	for {
		listened := db.listenOnce(ctx, ch)
		if ctx.Err() != nil {
			return
		}
		if listened {
			retry = reconnectFirst
		}
		// Not listening: poll every fallback until the next attempt.
		wake(ch)
		if !waitPolling(ctx, retry, fallback, ch) {
			return
		}
		if !listened {
			retry = min(2*retry, reconnectMax)
		}
	}
}

// waitPolling waits d, waking ch every fallback meanwhile. It returns false
// if ctx ended first.
func waitPolling(ctx context.Context, d, fallback time.Duration, ch chan<- struct{}) bool {
	until := time.NewTimer(d)
	defer until.Stop()
	var tick <-chan time.Time
	if fallback > 0 {
		t := time.NewTicker(fallback)
		defer t.Stop()
		tick = t.C
	}
	for {
		select {
		case <-ctx.Done():
			return false
		case <-until.C:
			return true
		case <-tick:
			wake(ch)
		}
	}
}

// listenOnce connects, listens and wakes ch for every notification until
// the connection fails or ctx ends. It reports whether it got as far as
// listening.
func (db *DB) listenOnce(ctx context.Context, ch chan<- struct{}) bool {
	conn, err := pgx.ConnectConfig(ctx, db.listenConfig.Copy())
	if err != nil {
		return false
	}
	defer func() {
		cctx, cancel := context.WithTimeout(context.Background(), time.Second)
		conn.Close(cctx)
		cancel()
	}()
	if _, err := conn.Exec(ctx, "LISTEN "+tallyChannel); err != nil {
		return false
	}
	// Anything committed before LISTEN took effect was not notified here.
	wake(ch)
	for {
		wctx, cancel := context.WithTimeout(ctx, listenCheck)
		_, err := conn.WaitForNotification(wctx)
		cancel()
		switch {
		case err == nil:
			wake(ch)
		case ctx.Err() != nil:
			return true
		case errors.Is(err, context.DeadlineExceeded) && !conn.IsClosed():
			// Quiet for a while: make sure the connection still answers
			// (a half-open TCP connection would otherwise wait for ever),
			// and wake the reader anyway, a slow safety poll.
			pctx, cancel := context.WithTimeout(ctx, 5*time.Second)
			err := conn.Ping(pctx)
			cancel()
			if err != nil {
				return true
			}
			wake(ch)
		default:
			return true
		}
	}
}

// notifySQL sends one notification per distinct "org/campaign" of $1.
const notifySQL = `SELECT pg_notify('` + tallyChannel + `', k) FROM (SELECT DISTINCT unnest($1::text[]) AS k) keys`
