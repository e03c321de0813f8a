package postgres

import (
	"context"
	"errors"
	"net"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/placard/placard/internal/store/pgtest"
)

// TestKilledDuringConcurrentBuild (attack8): placard killed (SIGKILL: its
// sockets simply close) while a migration's CREATE INDEX CONCURRENTLY
// runs. PostgreSQL notices a vanished client only when it next talks to
// it, so the killed start's session went on building — here, waiting for
// an older snapshot, as a build on a busy site does — holding the
// migration lock: the next start waited, silently, for as long as that
// took (on a big table, the whole build). The migration's session now
// asks the server to check its client every second
// (client_connection_check_interval), so the orphan ends at once, its
// half-built index is left INVALID, and the next start drops it and
// builds it again.
//
// Before: "the killed start's session still runs 30 s later".
func TestKilledDuringConcurrentBuild(t *testing.T) {
	ctx := context.Background()
	dsn := pgtest.DSN(t)
	old := connect(ctx, t, dsn)
	migrateBelow(ctx, t, old, 49) // 049 builds outbox_lane_due concurrently
	// A reader with an old snapshot: the build waits for it.
	holder := connect(ctx, t, dsn)
	if _, err := holder.Exec(ctx, `BEGIN ISOLATION LEVEL REPEATABLE READ`); err != nil {
		t.Fatal(err)
	}
	if _, err := holder.Exec(ctx, `SELECT count(*) FROM outbox`); err != nil {
		t.Fatal(err)
	}

	cfg, err := pgxpool.ParseConfig(dsn)
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var conns []net.Conn
	dead := false
	dial := cfg.ConnConfig.DialFunc
	cfg.ConnConfig.DialFunc = func(ctx context.Context, network, addr string) (net.Conn, error) {
		mu.Lock()
		gone := dead
		mu.Unlock()
		if gone { // a killed process opens nothing, not even a cancel request's connection
			return nil, errors.New("killed")
		}
		c, err := dial(ctx, network, addr)
		if err == nil {
			mu.Lock()
			conns = append(conns, c)
			mu.Unlock()
		}
		return c, err
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	killed := &DB{pool: pool}
	done := make(chan error, 1)
	go func() { done <- killed.migrate(ctx, migrations) }()

	building := func() (n int) {
		if err := old.QueryRow(ctx, `SELECT count(*) FROM pg_stat_activity
			WHERE datname = current_database() AND query LIKE 'CREATE INDEX CONCURRENTLY IF NOT EXISTS outbox_lane_due%'`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	waitFor(t, "the build waiting for the older snapshot", func() (bool, error) { return building() == 1, nil })
	// The kill: every socket of the process closes, nothing more is said.
	mu.Lock()
	dead = true
	for _, c := range conns {
		c.Close()
	}
	mu.Unlock()
	<-done

	deadline := time.Now().Add(30 * time.Second)
	for building() != 0 {
		if time.Now().After(deadline) {
			t.Fatal("the killed start's session still runs 30 s later, holding the migration lock")
		}
		time.Sleep(50 * time.Millisecond)
	}
	// The next start, with the reader gone.
	if _, err := holder.Exec(ctx, `ROLLBACK`); err != nil {
		t.Fatal(err)
	}
	db, err := Open(ctx, dsn)
	if err != nil {
		t.Fatalf("starting again after the kill: %v", err)
	}
	db.Close()
	var valid bool
	if err := old.QueryRow(ctx, `SELECT indisvalid FROM pg_index WHERE indexrelid = 'outbox_lane_due'::regclass`).Scan(&valid); err != nil || !valid {
		t.Fatalf("outbox_lane_due after starting again: valid %v (%v), want a valid index", valid, err)
	}
}
