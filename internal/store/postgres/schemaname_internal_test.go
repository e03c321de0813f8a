package postgres

import (
	"context"
	"net/url"
	"strings"
	"testing"

	"github.com/placard/placard/internal/store/pgtest"
)

// TestOpenInMixedCaseSchema: an installation whose tables live in a
// schema named with capitals ("Placard", set by the DSN's search_path)
// installs and opens. Migration 027's check for an INVALID index read
// current_schema()::regnamespace, which parses the name as SQL and folds
// it to lower case: "schema placard does not exist", and the database
// never got past 026.
func TestOpenInMixedCaseSchema(t *testing.T) {
	ctx := context.Background()
	dsn := pgtest.DSN(t)
	c := connect(ctx, t, dsn)
	if _, err := c.Exec(ctx, `CREATE SCHEMA "Placard"`); err != nil {
		t.Fatal(err)
	}
	sep := "?"
	if strings.Contains(dsn, "?") {
		sep = "&"
	}
	db, err := Open(ctx, dsn+sep+"search_path="+url.QueryEscape(`"Placard"`))
	if err != nil {
		t.Fatalf("Open with the tables in schema \"Placard\": %v", err)
	}
	db.Close()
	var n int
	if err := c.QueryRow(ctx, `SELECT count(*) FROM pg_index i JOIN pg_class x ON x.oid = i.indexrelid
		JOIN pg_namespace s ON s.oid = x.relnamespace
		WHERE s.nspname = 'Placard' AND x.relname IN ('signatures_pending_org', 'signatures_pending') AND i.indisvalid`).Scan(&n); err != nil || n != 2 {
		t.Errorf("027's indexes valid in \"Placard\": %d (%v), want 2", n, err)
	}
}
