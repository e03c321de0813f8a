package main

import (
	"bytes"
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/placard/placard/internal/signing"
	"github.com/placard/placard/internal/store/sqlite"
	"github.com/placard/placard/internal/store/storetest"
)

// TestEraseSaysWhenBytesWait: a command-line erasure whose rewrite a
// long reader holds up says that the erased bytes are still in the files
// and how they will go, instead of only "Removed 1 signature"; once the
// reader is gone, the next command finishes the rewrite and the files hold
// nothing of the address but the erasure's note. Failed before: stderr
// said nothing (and the erase took 400 s: each checkpoint try waited the
// writer's 10 s busy timeout behind the reader).
func TestEraseSaysWhenBytesWait(t *testing.T) {
	ctx := context.Background()
	db := filepath.Join(t.TempDir(), "placard.db")
	s, err := sqlite.Open(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	const who = "held-up-erasure@example.org"
	for _, e := range []string{who, "stays@example.org"} {
		if _, err := s.AddSignatures(ctx, []*signing.Signature{storetest.Sig("o", "c", e)}); err != nil {
			t.Fatal(err)
		}
	}
	s.Close()

	// A reader whose snapshot is older than the erasure: the erasure's
	// TRUNCATE checkpoint answers busy while it lasts.
	raw, err := sql.Open("sqlite", "file:"+db+"?_pragma=busy_timeout(5000)")
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	tx, err := raw.Begin()
	if err != nil {
		t.Fatal(err)
	}
	var n int
	if err := tx.QueryRow(`SELECT count(*) FROM signatures`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	out, errs, code := runCLI(t, "signatures", "erase", "--email", who, "--db", db)
	if code != 0 || firstLine(out) != "Removed 1 signature for "+who+"\n" {
		t.Fatalf("erase behind a reader: exit %d, stdout %q, stderr %q; want exit 0 and 'Removed 1 signature'", code, out, errs)
	}
	if !strings.Contains(errs, "its bytes are still in the database files") || !strings.Contains(errs, "placard serve overwrites them") {
		t.Errorf("erase behind a reader: stderr %q; want it to say the bytes are still in the files and how they go", errs)
	}
	if strings.Contains(errs, who) {
		t.Errorf("the warning names the erased address: %q", errs)
	}
	tx.Rollback()
	raw.Close()

	out, errs, code = runCLI(t, "signatures", "erase", "--email", who, "--db", db)
	if code != 0 || firstLine(out) != "Removed 0 signatures for "+who+"\n" || errs != "" {
		t.Errorf("erase again with no reader: exit %d, stdout %q, stderr %q; want 'Removed 0 signatures' and nothing on stderr", code, out, errs)
	}
	for _, f := range []string{db, db + "-wal"} {
		b, err := os.ReadFile(f)
		if err != nil && !os.IsNotExist(err) {
			t.Fatal(err)
		}
		// The one copy allowed is the erasure's own note for the
		// organisation's systems (kept in the outbox until serve
		// tells them): everything else of the address must be gone.
		if n := bytes.Count(b, []byte(who)) - bytes.Count(b, []byte(`{"erased":"`+who)); n > 0 {
			t.Errorf("%s still holds the erased address %d times outside its erasure note after the rewrite was finished", filepath.Base(f), n)
		}
	}
}
