package postgres

import (
	"context"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// openDB opens the store on dsn for the test, closed when it ends (after
// the test's own deferred calls, as a deferred Close written first was).
func openDB(ctx context.Context, t *testing.T, dsn string) *DB {
	t.Helper()
	db, err := Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// runUntilLocked runs op in a goroutine of its own and returns once op has
// finished or a session matching cond (a condition on pg_stat_activity,
// polled through watch) waits for a lock: the moment the concurrency tests
// let the transaction they interrupted go on. op's result is in the channel
// returned. It fails t if neither happens within 30 s.
func runUntilLocked(ctx context.Context, t *testing.T, watch *pgx.Conn, cond string, op func() error) <-chan error {
	t.Helper()
	done := make(chan error, 1)
	go func() { done <- op() }()
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		select {
		case err := <-done:
			done <- err
			return done
		default:
		}
		var waiting bool
		if err := watch.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM pg_stat_activity
			WHERE wait_event_type = 'Lock' AND `+cond+`)`).Scan(&waiting); err != nil {
			t.Error(err)
			return done
		}
		if waiting {
			return done
		}
		time.Sleep(time.Millisecond) // polling pg_stat_activity, not waiting for a result
	}
	t.Error("the operation neither finished nor waited for a lock within 30 s")
	return done
}
