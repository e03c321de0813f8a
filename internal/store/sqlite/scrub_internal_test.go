package sqlite

import (
	"bytes"
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// TestEraseReachesSignaturesErasedBeforeUpgrade: a file written before
// secure_delete was on holds the bytes of signatures deleted back then in
// its free space; opening it with this version must clear them, since
// secure_delete only zeroes what is deleted from now on. The old version is
// played by a connection with secure_delete off. This failed before
// scrubOnce: the marker was still in the file after a later erasure.
func TestEraseReachesSignaturesErasedBeforeUpgrade(t *testing.T) {
	ctx := context.Background()
	path := migratedFile(ctx, t)
	raw, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	raw.SetMaxOpenConns(1)
	exec := func(q string, args ...any) {
		t.Helper()
		if _, err := raw.ExecContext(ctx, q, args...); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	exec(`PRAGMA secure_delete = OFF`)
	// As a file from before this version: not yet scrubbed.
	exec(`DELETE FROM settings WHERE key = 'scrubbed'`)
	m := "erasedbeforeupgrade7f3a9c"
	now := formatTime(time.Now())
	exec(`INSERT INTO signatures (org, campaign, action, kind, status, name, email, postcode, country, phone,
		comment, organisation, role, public, consent_text, consent_at, lang, created_at)
		VALUES ('o', 'c', 'a', 'individual', 'approved', ?, ?, '', '', '', '', '', '', 0, 'ok', ?, 'en', ?)`,
		m, m+"@example.org", now, now)
	exec(`PRAGMA wal_checkpoint(TRUNCATE)`)
	exec(`DELETE FROM signatures WHERE email = ?`, m+"@example.org")
	exec(`PRAGMA wal_checkpoint(TRUNCATE)`)
	raw.Close()
	if b, _ := os.ReadFile(path); !bytes.Contains(b, []byte(m)) {
		t.Fatal("the old version's deletion left no bytes: the test shows nothing")
	}

	db, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Erase(ctx, "someone@example.org"); err != nil {
		t.Fatal(err)
	}
	db.Close()
	for _, f := range []string{path, path + "-wal"} {
		if b, _ := os.ReadFile(f); bytes.Contains(b, []byte(m)) {
			t.Errorf("%s still holds a signature erased before the upgrade", filepath.Base(f))
		}
	}
}
