package sqlite

import (
	"context"
	"database/sql"
	"path/filepath"
	"testing"

	"github.com/placard/placard/internal/store/internal/migrate"
)

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
	ms, err := migrate.Load(migrations, "migrations")
	if err != nil {
		t.Fatal(err)
	}
	var m012 string
	for _, m := range ms {
		if m.Version == 12 {
			m012 = m.SQL
			continue
		}
		if m.Version > 12 {
			continue
		}
		if _, err := db.ExecContext(ctx, m.SQL); err != nil {
			t.Fatalf("%s: %v", m.Name, err)
		}
	}
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
