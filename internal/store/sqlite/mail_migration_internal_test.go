package sqlite

import (
	"context"
	"database/sql"
	"path/filepath"
	"testing"

	"github.com/placard/placard/internal/store/internal/migrate"
)

// applyBelow applies to db, a database older than version v, every
// migration before v, and returns v's own SQL for the test to apply once
// it has written rows as a database of that age held them.
func applyBelow(ctx context.Context, t *testing.T, db *sql.DB, v int) string {
	t.Helper()
	ms, err := migrate.Load(migrations, "migrations")
	if err != nil {
		t.Fatal(err)
	}
	var mv string
	for _, m := range ms {
		switch {
		case m.Version == v:
			mv = m.SQL
		case m.Version < v:
			if _, err := db.ExecContext(ctx, m.SQL); err != nil {
				t.Fatalf("%s: %v", m.Name, err)
			}
		}
	}
	return mv
}

// migratedFile makes a database file with every migration applied and
// closes it, for a test that then opens it as an older version would.
func migratedFile(ctx context.Context, t *testing.T) (path string) {
	t.Helper()
	path = filepath.Join(t.TempDir(), "placard.db")
	db, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	return path
}

// TestMigration012KeepsRowsAndIDs: migration 012 rebuilds signatures to
// allow 'unconfirmed'. A database made before it keeps every row and id,
// and an id erased before the rebuild is still never handed out again.
func TestMigration012KeepsRowsAndIDs(t *testing.T) {
	ctx := context.Background()
	db, err := sql.Open(driverName, filepath.Join(t.TempDir(), "old.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	m012 := applyBelow(ctx, t, db, 12)
	for i, email := range []string{"a@example.org", "b@example.org", "c@example.org"} {
		if _, err := db.ExecContext(ctx, `INSERT INTO signatures (org, campaign, action, kind, status, name, email, public,
			consent_text, consent_at, created_at, contact_text) VALUES ('o', 'c', 'sign', 'individual', 'approved', ?, ?, 1, 'yes', 't', 't', ?)`,
			"Name", email, []string{"", "Keep me posted", ""}[i]); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := db.ExecContext(ctx, `DELETE FROM signatures WHERE id = 3`); err != nil {
		t.Fatal(err)
	}
	if _, err := db.ExecContext(ctx, m012); err != nil {
		t.Fatalf("012: %v", err)
	}
	var n int
	var contact string
	if err := db.QueryRowContext(ctx, `SELECT count(*), max(contact_text) FROM signatures WHERE id IN (1, 2)`).Scan(&n, &contact); err != nil || n != 2 || contact != "Keep me posted" {
		t.Fatalf("after 012: %d rows, contact %q, %v; want both rows as they were", n, contact, err)
	}
	var id int64
	if err := db.QueryRowContext(ctx, `INSERT INTO signatures (org, campaign, action, kind, status, name, email, public,
		consent_text, consent_at, created_at) VALUES ('o', 'c', 'sign', 'individual', 'unconfirmed', 'N', 'd@example.org', 0, 'yes', 't', 't') RETURNING id`).Scan(&id); err != nil {
		t.Fatalf("inserting an unconfirmed signature: %v", err)
	}
	if id != 4 {
		t.Errorf("new id %d, want 4: the erased id 3 must never be reused", id)
	}
	for _, idx := range []string{"signatures_campaign_id", "signatures_public", "signatures_approved_orgs", "signatures_unconfirmed", "mail_suppressions_address"} {
		if err := db.QueryRowContext(ctx, `SELECT count(*) FROM sqlite_schema WHERE type = 'index' AND name = ?`, idx).Scan(&n); err != nil || n != 1 {
			t.Errorf("index %s: %d, %v", idx, n, err)
		}
	}
}
