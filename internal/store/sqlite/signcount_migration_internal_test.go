package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"path/filepath"
	"testing"

	"github.com/go-webauthn/webauthn/webauthn"
)

// TestMigration054FillsSignCount: passkeys stored before 054 keep their
// counter in the record only; 054 copies it into sign_count, so the
// first compare-and-set after the upgrade compares with the real
// counter, not 0 (which would let a copy behind the original sign in
// once). A record without a counter (0 is left out) or not JSON at all
// gets 0 and stops nothing.
func TestMigration054FillsSignCount(t *testing.T) {
	ctx := context.Background()
	db, err := sql.Open(driverName, filepath.Join(t.TempDir(), "old.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	m054 := applyBelow(ctx, t, db, 54)
	for id, data := range passkeyRecords(t) {
		if _, err := db.ExecContext(ctx, `INSERT INTO organiser_credentials (id, organiser_id, data, created_at)
			VALUES (?, 1, ?, '2026-01-01T00:00:00.000000Z')`, []byte(id), data); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := db.ExecContext(ctx, m054); err != nil {
		t.Fatalf("054: %v", err)
	}
	for id, want := range map[string]int64{"counting": 12, "zero": 0, "junk": 0} {
		var got int64
		if err := db.QueryRowContext(ctx, `SELECT sign_count FROM organiser_credentials WHERE id = ?`, []byte(id)).Scan(&got); err != nil || got != want {
			t.Errorf("%s: sign_count %d, %v, want %d", id, got, err, want)
		}
	}
}

// passkeyRecords are passkeys as the console stored them before 054.
func passkeyRecords(t *testing.T) map[string][]byte {
	t.Helper()
	rec := func(n uint32) []byte {
		c := webauthn.Credential{ID: []byte("x"), PublicKey: []byte{1, 2, 3}}
		c.Authenticator.SignCount = n
		b, err := json.Marshal(c)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	return map[string][]byte{"counting": rec(12), "zero": rec(0), "junk": {0xff, 0, '{', '"'}}
}
