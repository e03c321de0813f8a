package sqlite

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"path/filepath"
	"testing"

	"github.com/placard/placard/internal/store/internal/migrate"
	"github.com/placard/placard/internal/store/storetest"
)

// TestMigration020KeepsLegacyLinks: a database whose personal links were
// stored ahead of need (before migration 020) comes out of the upgrade
// with every link, its hash and its count; the table is keyed by
// campaign and token, with the top-links index, and a legacy link still
// opens with its key's hash and counts what its share links bring.
func TestMigration020KeepsLegacyLinks(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "old.db")
	old, err := sql.Open(driverName, path)
	if err != nil {
		t.Fatal(err)
	}
	ms, err := migrate.Load(migrations, "migrations")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := old.ExecContext(ctx, `CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY,
		name TEXT NOT NULL, applied_at TEXT NOT NULL)`); err != nil {
		t.Fatal(err)
	}
	for _, m := range ms {
		if m.Version >= 20 {
			break
		}
		if _, err := old.ExecContext(ctx, m.SQL); err != nil {
			t.Fatalf("%s: %v", m.Name, err)
		}
		if _, err := old.ExecContext(ctx, `INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, '2026-01-01')`, m.Version, m.Name); err != nil {
			t.Fatal(err)
		}
	}
	// As the link pool stored them: one that brought three, one that
	// brought nobody yet.
	legacy := sha256.Sum256([]byte("a legacy key"))
	if _, err := old.ExecContext(ctx, `INSERT INTO referrals (token, org, campaign, secret_hash, signatures) VALUES
		('kkkkkkkkkk', 'o', 'c', ?, 0), ('tttttttttt', 'o', 'top', x'02', 3)`, legacy[:]); err != nil {
		t.Fatal(err)
	}
	if err := old.Close(); err != nil {
		t.Fatal(err)
	}

	db, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var n, sum int
	if err := db.r.QueryRowContext(ctx, `SELECT count(*), sum(signatures) FROM referrals
		WHERE (org, campaign, token, secret_hash) IN (VALUES ('o', 'c', 'kkkkkkkkkk', ?), ('o', 'top', 'tttttttttt', x'02'))`,
		legacy[:]).Scan(&n, &sum); err != nil || n != 2 || sum != 3 {
		t.Fatalf("after 020: %d links, %d signatures, %v; want both links as they were", n, sum, err)
	}
	var pk string
	if err := db.r.QueryRowContext(ctx, `SELECT group_concat(name, ',') FROM (SELECT name FROM pragma_table_info('referrals') WHERE pk > 0 ORDER BY pk)`).Scan(&pk); err != nil || pk != "org,campaign,token" {
		t.Errorf("referrals' key: %q, %v; want org,campaign,token", pk, err)
	}
	if err := db.r.QueryRowContext(ctx, `SELECT count(*) FROM sqlite_schema WHERE type = 'index' AND name = 'referrals_top'`).Scan(&n); err != nil || n != 1 {
		t.Errorf("index referrals_top: %d, %v", n, err)
	}
	storetest.LegacyLink(t, db, "kkkkkkkkkk", legacy)
}

// TestLegacyLink: a legacy link's row, written as the link pool wrote it,
// behaves as storetest.LegacyLink says on a database made at version 020.
func TestLegacyLink(t *testing.T) {
	ctx := context.Background()
	db, err := Open(ctx, filepath.Join(t.TempDir(), "legacy.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	hash := sha256.Sum256([]byte("another legacy key"))
	if _, err := db.w.ExecContext(ctx, `INSERT INTO referrals (org, campaign, token, secret_hash) VALUES ('o', 'c', 'llllllllll', ?)`, hash[:]); err != nil {
		t.Fatal(err)
	}
	storetest.LegacyLink(t, db, "llllllllll", hash)
}
