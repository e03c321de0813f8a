package postgres

import (
	"context"
	"fmt"
	"testing"

	"github.com/placard/placard/internal/store/pgtest"
)

// TestUpgradeBesideOlderInstance: an instance of the placard before the
// concurrent builds starts while a newer one builds 027's indexes. The
// older one waits for the migration lock in pg_advisory_xact_lock, inside
// a statement that keeps a snapshot; the build waits for every older
// snapshot, the older instance waits for the lock the build's connection
// holds, and PostgreSQL's deadlock detector ended one of them: the newer
// instance's start failed and left an INVALID index (which the older
// binary's plain CREATE INDEX then failed on). The newer start must
// succeed with both indexes valid; the older instance then gets the lock
// and finds 027 recorded, or its wait is cancelled (it fails to start,
// as it did before, and finds 027 recorded when started again).
func TestUpgradeBesideOlderInstance(t *testing.T) {
	ctx := context.Background()
	dsn := pgtest.DSN(t)
	old := connect(ctx, t, dsn)
	migrateBelow(ctx, t, old, 27)
	for i := range 50 {
		if err := insertSignature(ctx, old, fmt.Sprintf("s%d@example.org", i), "pending"); err != nil {
			t.Fatal(err)
		}
	}
	// A signing transaction open across the start holds the build at its
	// first wait, so the older instance is surely waiting before the build
	// reaches its wait for older snapshots.
	holder := connect(ctx, t, dsn)
	htx, err := holder.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := insertSignature(ctx, htx, "holder@example.org", "approved"); err != nil {
		t.Fatal(err)
	}

	type opened struct {
		db  *DB
		err error
	}
	newer := make(chan opened, 1)
	go func() { db, err := Open(ctx, dsn); newer <- opened{db, err} }()
	watch := connect(ctx, t, dsn)
	waitFor(t, "the index build to wait for the open transaction", func() (bool, error) {
		var n int
		err := watch.QueryRow(ctx, `SELECT count(*) FROM pg_stat_activity
			WHERE datname = current_database() AND wait_event_type = 'Lock'
			AND query ILIKE '%CREATE INDEX%signatures_pending%'`).Scan(&n)
		return n > 0, err
	})

	// The older instance: its migration transaction waits for the lock.
	older := connect(ctx, t, dsn)
	var olderPID int
	if err := older.QueryRow(ctx, `SELECT pg_backend_pid()`).Scan(&olderPID); err != nil {
		t.Fatal(err)
	}
	// The older instance has waited past its deadlock_timeout before the
	// build waits for it (a build of minutes on a large table): its one
	// check found no deadlock yet, so the build's check is the one that
	// finds it. Modelled by a timeout the test never reaches.
	if _, err := older.Exec(ctx, `SET deadlock_timeout = '1h'`); err != nil {
		t.Fatal(err)
	}
	otx, err := older.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer otx.Rollback(ctx)
	locked := make(chan error, 1)
	go func() {
		_, err := otx.Exec(ctx, `SELECT pg_advisory_xact_lock($1)`, migrationLock)
		locked <- err
	}()
	waitFor(t, "the older instance to wait for the migration lock", func() (bool, error) {
		var n int
		err := watch.QueryRow(ctx, `SELECT count(*) FROM pg_locks WHERE pid = $1 AND locktype = 'advisory' AND NOT granted`, olderPID).Scan(&n)
		return n > 0, err
	})
	if err := htx.Commit(ctx); err != nil {
		t.Fatal(err)
	}

	o := <-newer
	if o.err != nil {
		t.Fatalf("the newer instance's start beside an older one waiting for the lock: %v", o.err)
	}
	o.db.Close()
	checkPendingIndexes(ctx, t, watch)
	if err := <-locked; err == nil {
		var n int
		if err := otx.QueryRow(ctx, `SELECT count(*) FROM schema_migrations WHERE version = 27`).Scan(&n); err != nil || n != 1 {
			t.Errorf("the older instance, once it had the lock: 027 recorded %d times (%v)", n, err)
		}
	}
}
