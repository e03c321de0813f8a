package postgres

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/placard/placard/internal/store/pgtest"
)

// insertSignature writes one signature row as an instance of any version
// since 015 does (the columns 001 requires).
func insertSignature(ctx context.Context, q interface {
	Exec(context.Context, string, ...any) (pgconn.CommandTag, error)
}, email, status string) error {
	_, err := q.Exec(ctx, `INSERT INTO signatures (org, campaign, action, kind, status, name, email,
		public, consent_text, consent_at, created_at)
		VALUES ('o', 'c', 'sign', 'individual', $2, 'N', $1, false, 'ok', now(), now())`, email, status)
	return err
}

// connect opens a connection of the test's own to dsn.
func connect(ctx context.Context, t *testing.T, dsn string) *pgx.Conn {
	t.Helper()
	c, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close(context.Background()) })
	return c
}

// waitFor polls cond until it is true; no deadline but the test's own:
// the conditions are states PostgreSQL reaches, not times.
func waitFor(t *testing.T, what string, cond func() (bool, error)) {
	t.Helper()
	for {
		ok, err := cond()
		if err != nil {
			t.Fatalf("waiting for %s: %v", what, err)
		}
		if ok {
			return
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// TestUpgradeDoesNotBlockSigning: upgrading a database at 026 builds
// migration 027's indexes on signatures while other instances still
// sign. A transaction that inserted a signature and has not committed
// holds the build at its first wait (the state is read from
// pg_stat_activity, not timed); meanwhile a new signature must be stored,
// not queued behind the build — with 027's first text (a plain CREATE
// INDEX, inside the migration transaction) its insert waited in pg_locks
// for as long as the build did. A second instance starting meanwhile
// waits for the first (never deadlocks with the build, which waits for
// older snapshots), then finds everything applied; both indexes end up
// valid.
func TestUpgradeDoesNotBlockSigning(t *testing.T) {
	ctx := context.Background()
	dsn := pgtest.DSN(t)
	old := connect(ctx, t, dsn)
	migrateBelow(ctx, t, old, 27)
	for i := range 50 {
		if err := insertSignature(ctx, old, fmt.Sprintf("s%d@example.org", i), "pending"); err != nil {
			t.Fatal(err)
		}
	}

	// An older instance's signing transaction, open across the start.
	holder := connect(ctx, t, dsn)
	htx, err := holder.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := insertSignature(ctx, htx, "holder@example.org", "approved"); err != nil {
		t.Fatal(err)
	}
	committed := false
	defer func() {
		if !committed {
			htx.Rollback(ctx)
		}
	}()

	type opened struct {
		db  *DB
		err error
	}
	first := make(chan opened, 1)
	go func() { db, err := Open(ctx, dsn); first <- opened{db, err} }()

	watch := connect(ctx, t, dsn)
	waitFor(t, "the index build to wait for the open transaction", func() (bool, error) {
		select {
		case o := <-first:
			first <- o
			return false, fmt.Errorf("Open returned (%v) while a signing transaction was open", o.err)
		default:
		}
		var n int
		err := watch.QueryRow(ctx, `SELECT count(*) FROM pg_stat_activity
			WHERE datname = current_database() AND wait_event_type = 'Lock'
			AND query ILIKE '%CREATE INDEX%signatures_pending%'`).Scan(&n)
		return n > 0, err
	})

	// A signature arriving now is stored at once, or waits for a lock.
	signer := connect(ctx, t, dsn)
	var signerPID int
	if err := signer.QueryRow(ctx, `SELECT pg_backend_pid()`).Scan(&signerPID); err != nil {
		t.Fatal(err)
	}
	signed := make(chan error, 1)
	go func() { signed <- insertSignature(ctx, signer, "new@example.org", "pending") }()
	blocked := false
	waitFor(t, "the new signature to be stored or to wait", func() (bool, error) {
		select {
		case err := <-signed:
			if err != nil {
				return false, err
			}
			return true, nil
		default:
		}
		var waiting int
		err := watch.QueryRow(ctx, `SELECT count(*) FROM pg_locks WHERE pid = $1 AND NOT granted`, signerPID).Scan(&waiting)
		blocked = waiting > 0
		return blocked, err
	})
	if blocked {
		t.Errorf("a signature waited for migration 027's index build: signing stops during the upgrade")
	}

	// A second instance starting while the build waits.
	busy := make(chan struct{}, 1)
	migrationBusy = func() {
		select {
		case busy <- struct{}{}:
		default:
		}
	}
	t.Cleanup(func() { migrationBusy = func() {} })
	second := make(chan opened, 1)
	go func() { db, err := Open(ctx, dsn); second <- opened{db, err} }()
	if !blocked {
		<-busy
	}

	if err := htx.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	committed = true
	if blocked {
		if err := <-signed; err != nil {
			t.Fatal(err)
		}
	}
	for i, ch := range []chan opened{first, second} {
		o := <-ch
		if o.err != nil {
			t.Fatalf("Open %d: %v", i+1, o.err)
		}
		o.db.Close()
	}
	checkPendingIndexes(ctx, t, watch)
	var stored int
	if err := watch.QueryRow(ctx, `SELECT count(*) FROM signatures`).Scan(&stored); err != nil || stored != 52 {
		t.Errorf("signatures stored: got %d (%v), want 52", stored, err)
	}
}

// checkPendingIndexes fails t unless 027's two indexes exist, are valid
// and are what 027 says (not unique), and 027 is recorded once.
func checkPendingIndexes(ctx context.Context, t *testing.T, c *pgx.Conn) {
	t.Helper()
	var valid, recorded int
	if err := c.QueryRow(ctx, `SELECT count(*) FROM pg_index i JOIN pg_class x ON x.oid = i.indexrelid
		WHERE x.relname IN ('signatures_pending_org', 'signatures_pending') AND i.indisvalid AND NOT i.indisunique`).Scan(&valid); err != nil {
		t.Fatal(err)
	}
	if err := c.QueryRow(ctx, `SELECT count(*) FROM schema_migrations WHERE version = 27`).Scan(&recorded); err != nil {
		t.Fatal(err)
	}
	if valid != 2 || recorded != 1 {
		t.Errorf("after the upgrade: %d of 027's 2 indexes valid, 027 recorded %d times (want 2 and 1)", valid, recorded)
	}
}

// TestUpgradeAfterCutShortBuild: a build of 027 cut short (here: a unique
// build that failed, as a crash or a cancelled start would) leaves an
// INVALID index named signatures_pending_org. The next start drops it and
// builds it again; IF NOT EXISTS alone kept the invalid one for good.
func TestUpgradeAfterCutShortBuild(t *testing.T) {
	ctx := context.Background()
	dsn := pgtest.DSN(t)
	old := connect(ctx, t, dsn)
	migrateBelow(ctx, t, old, 27)
	for _, e := range []string{"a@example.org", "b@example.org"} {
		if err := insertSignature(ctx, old, e, "pending"); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := old.Exec(ctx, `CREATE UNIQUE INDEX CONCURRENTLY signatures_pending_org ON signatures (org)
		WHERE status = 'pending'`); err == nil {
		t.Fatal("the unique build succeeded: the test leaves no invalid index")
	}
	var invalid bool
	if err := old.QueryRow(ctx, `SELECT NOT indisvalid FROM pg_index WHERE indexrelid = 'signatures_pending_org'::regclass`).Scan(&invalid); err != nil || !invalid {
		t.Fatalf("no invalid index to start from (%v, %v)", invalid, err)
	}
	db, err := Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	checkPendingIndexes(ctx, t, old)
}

// TestUpgradeAlreadyAt027: a database that ran 027's first text (plain
// CREATE INDEX) has it recorded and opens unchanged by the new text.
func TestUpgradeAlreadyAt027(t *testing.T) {
	ctx := context.Background()
	dsn := pgtest.DSN(t)
	old := connect(ctx, t, dsn)
	migrateBelow(ctx, t, old, 27)
	for _, q := range []string{
		`CREATE INDEX signatures_pending_org ON signatures (org, id) WHERE status = 'pending'`,
		`CREATE INDEX signatures_pending ON signatures (org, campaign, id) WHERE status = 'pending'`,
		`INSERT INTO schema_migrations (version, name) VALUES (27, '027_pending_pages.sql')`,
	} {
		if _, err := old.Exec(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	db, err := Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	checkPendingIndexes(ctx, t, old)
}
