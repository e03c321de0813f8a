package sqlite

import (
	"context"
	"database/sql"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/placard/placard/internal/store/internal/migrate"
)

// TestKilledMidMigration (attack8): placard killed (SIGKILL) while it
// brings a big database of an old release up to date, then started
// again. Migrations run in one transaction, so the kill leaves the file
// as the old release had it (the write-ahead log's uncommitted frames are
// ignored), and the next start runs them all again from there: every
// signature kept, the schema current, the file sound.
func TestKilledMidMigration(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a big database")
	}
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "old.db")
	old, err := sql.Open(driverName, path+"?_pragma=journal_mode(WAL)")
	if err != nil {
		t.Fatal(err)
	}
	applyBelow(ctx, t, old, 12) // 012 rebuilds the signatures table
	ms, err := migrate.Load(migrations, "migrations")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := old.ExecContext(ctx, `CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)`); err != nil {
		t.Fatal(err)
	}
	for _, m := range ms {
		if m.Version >= 12 {
			break
		}
		if _, err := old.ExecContext(ctx, `INSERT INTO schema_migrations VALUES (?, ?, '2025-01-01T00:00:00.000000Z')`, m.Version, m.Name); err != nil {
			t.Fatal(err)
		}
	}
	const n = 50_000
	if _, err := old.ExecContext(ctx, `WITH RECURSIVE k(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM k WHERE i < ?)
		INSERT INTO signatures (org, campaign, action, kind, status, name, email, public, consent_text, consent_at, created_at, contact_text)
		SELECT 'o', 'c', 'sign', 'individual', 'approved', 'Signer ' || i, 's' || i || '@example.org', i % 2,
			'I agree.', '2025-01-01T00:00:00.000000Z', '2025-01-01T00:00:00.000000Z', '' FROM k`, n); err != nil {
		t.Fatal(err)
	}
	if _, err := old.ExecContext(ctx, `PRAGMA wal_checkpoint(TRUNCATE)`); err != nil {
		t.Fatal(err)
	}
	old.Close()

	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "PLACARD_TEST_SQLITE_OPENER="+path)
	var out strings.Builder
	cmd.Stdout = &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	// Mid-migration: the transaction has written a MiB of its pages.
	for {
		if fi, err := os.Stat(path + "-wal"); err == nil && fi.Size() > 1<<20 {
			break
		}
		select {
		case err := <-exited:
			t.Fatalf("the migrating process ended (%v: %s) before it could be killed: make the database bigger", err, out.String())
		case <-time.After(time.Millisecond):
		}
	}
	cmd.Process.Kill()
	<-exited

	db, err := Open(ctx, path)
	if err != nil {
		t.Fatalf("starting again after the kill: %v", err)
	}
	defer db.Close()
	var count, version int
	var check string
	if err := db.w.QueryRowContext(ctx, `SELECT count(*) FROM signatures`).Scan(&count); err != nil || count != n {
		t.Errorf("signatures after starting again: %d, %v; want %d", count, err, n)
	}
	if err := db.w.QueryRowContext(ctx, `SELECT max(version) FROM schema_migrations`).Scan(&version); err != nil || version != ms[len(ms)-1].Version {
		t.Errorf("schema after starting again: version %d, %v; want %d", version, err, ms[len(ms)-1].Version)
	}
	if err := db.w.QueryRowContext(ctx, `PRAGMA integrity_check`).Scan(&check); err != nil || check != "ok" {
		t.Errorf("integrity_check after starting again: %q, %v", check, err)
	}
}
