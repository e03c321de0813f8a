package postgres

import (
	"context"
	"net/url"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/placard/placard/internal/store/pgtest"
)

// TestNonUTF8DatabaseRefused: a database in LATIN1 (or SQL_ASCII) would
// fail every batch holding a name it cannot encode, so Open refuses it
// before migrating, naming the encoding and how to make a UTF8 one; a
// UTF8 database opens.
func TestNonUTF8DatabaseRefused(t *testing.T) {
	ctx := context.Background()
	dsn := pgtest.DSN(t)
	admin, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close(ctx)
	for _, enc := range []string{"LATIN1", "SQL_ASCII"} {
		name := "placard_enc_" + strings.ToLower(enc)
		if _, err := admin.Exec(ctx, "CREATE DATABASE "+name+" ENCODING '"+enc+"' TEMPLATE template0 LC_COLLATE 'C' LC_CTYPE 'C'"); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _, _ = admin.Exec(context.Background(), "DROP DATABASE IF EXISTS "+name) })
		u, err := url.Parse(dsn)
		if err != nil {
			t.Fatal(err)
		}
		u.Path = "/" + name
		db, err := Open(ctx, u.String())
		if err == nil {
			db.Close()
			t.Fatalf("%s: a %s database opened, want a refusal", enc, enc)
		}
		for _, want := range []string{enc + " encoding", "ENCODING 'UTF8'"} {
			if !strings.Contains(err.Error(), want) {
				t.Errorf("%s: error %q does not say %q", enc, err, want)
			}
		}
		// Refused before migrating: nothing was written to it.
		c, err := pgx.Connect(ctx, u.String())
		if err != nil {
			t.Fatal(err)
		}
		var tables int
		if err := c.QueryRow(ctx, "SELECT count(*) FROM pg_tables WHERE schemaname = current_schema()").Scan(&tables); err != nil {
			t.Fatal(err)
		}
		c.Close(ctx)
		if tables != 0 {
			t.Errorf("%s: %d tables made in a refused database, want 0", enc, tables)
		}
	}
	db, err := Open(ctx, dsn)
	if err != nil {
		t.Fatalf("a UTF8 database: %v", err)
	}
	db.Close()
}
