package postgres

import (
	"context"
	"io/fs"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/placard/placard/internal/store/pgtest"
)

// TestMigrationsFromCRLFCheckout: placard built from a checkout with CRLF
// line endings (git's autocrlf on Windows) embeds every migration with
// "\r\n". It must bring a new database to the same schema as an LF build:
// before, 027's no-transaction mark was read only before "\n", so its
// CREATE INDEX CONCURRENTLY ran inside the migration transaction,
// PostgreSQL refused it ("cannot run inside a transaction block") and the
// instance never started. The indexes the marked migrations build are
// there and valid, and every migration is recorded.
func TestMigrationsFromCRLFCheckout(t *testing.T) {
	ctx := context.Background()
	dsn := pgtest.DSN(t)
	crlf := fstest.MapFS{}
	entries, err := fs.ReadDir(migrations, "migrations")
	if err != nil {
		t.Fatal(err)
	}
	marked := 0
	for _, e := range entries {
		b, err := fs.ReadFile(migrations, "migrations/"+e.Name())
		if err != nil {
			t.Fatal(err)
		}
		if strings.HasPrefix(string(b), "-- placard: no transaction\n") {
			marked++
		}
		crlf["migrations/"+e.Name()] = &fstest.MapFile{Data: []byte(strings.ReplaceAll(string(b), "\n", "\r\n"))}
	}
	if marked == 0 {
		t.Fatal("no migration carries the no-transaction mark: this test checks nothing")
	}
	db, err := open(ctx, dsn, crlf)
	if err != nil {
		t.Fatalf("Open from a CRLF checkout: %v", err)
	}
	db.Close()
	c := connect(ctx, t, dsn)
	var recorded, valid int
	if err := c.QueryRow(ctx, `SELECT count(*) FROM schema_migrations`).Scan(&recorded); err != nil {
		t.Fatal(err)
	}
	if recorded != len(entries) {
		t.Errorf("%d migrations recorded, want %d", recorded, len(entries))
	}
	if err := c.QueryRow(ctx, `SELECT count(*) FROM pg_index i JOIN pg_class x ON x.oid = i.indexrelid
		WHERE i.indisvalid AND x.relname IN ('signatures_pending_org', 'signatures_pending', 'outbox_person')`).Scan(&valid); err != nil {
		t.Fatal(err)
	}
	if valid != 3 {
		t.Errorf("%d of the 3 indexes migrations 027 and 037 build are there and valid", valid)
	}
	// A second start (another instance, the next deploy) from the same
	// checkout finds everything recorded and applies nothing.
	db, err = open(ctx, dsn, crlf)
	if err != nil {
		t.Fatalf("second Open from a CRLF checkout: %v", err)
	}
	db.Close()
}
