package sqlite

import (
	"context"
	"database/sql"
	"path/filepath"
	"testing"
)

// TestPragmas checks that every connection really runs with the settings
// durability depends on (the DSN is easy to get subtly wrong).
func TestPragmas(t *testing.T) {
	ctx := context.Background()
	db, err := Open(ctx, filepath.Join(t.TempDir(), "p.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	want := map[string]string{
		"journal_mode": "wal",
		"synchronous":  "2", // FULL
		"busy_timeout": "10000",
		"foreign_keys": "1",
		// Erased rows are overwritten with zeros, whichever connection
		// deletes them.
		"secure_delete": "1",
	}
	for name, conn := range map[string]*sql.DB{"writer": db.w, "reader": db.r, "checkpointer": db.c} {
		for p, v := range want {
			var got string
			if err := conn.QueryRowContext(ctx, "PRAGMA "+p).Scan(&got); err != nil {
				t.Fatalf("%s PRAGMA %s: %v", name, p, err)
			}
			if got != v {
				t.Errorf("%s connection PRAGMA %s: got %s, want %s", name, p, got, v)
			}
		}
	}
	var q string
	db.r.QueryRowContext(ctx, "PRAGMA query_only").Scan(&q)
	if q != "1" {
		t.Errorf("reader PRAGMA query_only: got %s, want 1", q)
	}
	db.w.QueryRowContext(ctx, "PRAGMA wal_autocheckpoint").Scan(&q)
	if q != "3000" {
		t.Errorf("writer PRAGMA wal_autocheckpoint: got %s, want 3000 (signing's p99: bench/README.md, fifth pass)", q)
	}
	db.w.QueryRowContext(ctx, "PRAGMA cache_size").Scan(&q)
	if q != "-32768" {
		t.Errorf("writer PRAGMA cache_size: got %s, want -32768 (32 MiB)", q)
	}
	if _, err := db.r.ExecContext(ctx, "DELETE FROM settings"); err == nil {
		t.Errorf("a write through the reader pool succeeded, want it refused")
	}
}
