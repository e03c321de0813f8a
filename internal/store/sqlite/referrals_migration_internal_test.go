package sqlite

import (
	"context"
	"database/sql"
	"path/filepath"
	"testing"
)

// TestMigration016KeepsLinks: migration 016 copies referrals without the
// UNIQUE index on secret_hash. A database made before it keeps every link
// with its hash and count, the top-links index, and no index on the hash.
func TestMigration016KeepsLinks(t *testing.T) {
	ctx := context.Background()
	db, err := sql.Open(driverName, filepath.Join(t.TempDir(), "old.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	m016 := applyBelow(ctx, t, db, 16)
	if _, err := db.ExecContext(ctx, `INSERT INTO referrals (token, org, campaign, secret_hash, signatures) VALUES
		('aaaaaaaaaa', 'o', 'c', x'01', 3), ('bbbbbbbbbb', 'o', 'c', x'02', 0)`); err != nil {
		t.Fatal(err)
	}
	if _, err := db.ExecContext(ctx, m016); err != nil {
		t.Fatalf("016: %v", err)
	}
	var n, sum int
	if err := db.QueryRowContext(ctx, `SELECT count(*), sum(signatures) FROM referrals
		WHERE (token, secret_hash) IN (VALUES ('aaaaaaaaaa', x'01'), ('bbbbbbbbbb', x'02'))`).Scan(&n, &sum); err != nil || n != 2 || sum != 3 {
		t.Fatalf("after 016: %d links, %d signatures, %v; want both links as they were", n, sum, err)
	}
	if err := db.QueryRowContext(ctx, `SELECT count(*) FROM sqlite_schema WHERE type = 'index' AND tbl_name = 'referrals'`).Scan(&n); err != nil || n != 1 {
		t.Errorf("referrals has %d indexes (%v), want 1: referrals_top (the token is the table's own key)", n, err)
	}
	if err := db.QueryRowContext(ctx, `SELECT count(*) FROM sqlite_schema WHERE type = 'index' AND name = 'referrals_top'`).Scan(&n); err != nil || n != 1 {
		t.Errorf("index referrals_top: %d, %v", n, err)
	}
	// Two links may now share a hash: a link is found by its token.
	if _, err := db.ExecContext(ctx, `INSERT INTO referrals (token, org, campaign, secret_hash) VALUES ('cccccccccc', 'o', 'c', x'01')`); err != nil {
		t.Errorf("a second link with the same hash: %v", err)
	}
}
