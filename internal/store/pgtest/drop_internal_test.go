package pgtest

import (
	"context"
	"net/url"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
)

// TestDropDatabaseOlderServer: a test database is dropped while a
// session is still connected to it, on a server that takes DROP
// DATABASE … WITH (FORCE) (13 and later) and, given an older server's
// version, without it — that syntax is a syntax error before 13, so
// every test database was left behind on an older PLACARD_TEST_POSTGRES.
// The older way ends the sessions itself.
func TestDropDatabaseOlderServer(t *testing.T) {
	ctx := context.Background()
	for _, version := range []int{120000, 160000} {
		dsn := DSN(t)
		u, err := url.Parse(dsn)
		if err != nil {
			t.Fatal(err)
		}
		name := strings.TrimPrefix(u.Path, "/")
		held, err := pgx.Connect(ctx, dsn)
		if err != nil {
			t.Fatal(err)
		}
		defer held.Close(ctx)
		admin, err := pgx.Connect(ctx, serverURL)
		if err != nil {
			t.Fatal(err)
		}
		defer admin.Close(ctx)
		if err := dropDatabase(ctx, admin, name, version); err != nil {
			t.Fatalf("version %d: dropping %s with a session connected: %v", version, name, err)
		}
		var exists bool
		if err := admin.QueryRow(ctx, "SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)", name).Scan(&exists); err != nil || exists {
			t.Errorf("version %d: %s still exists (%v)", version, name, err)
		}
		if err := held.Ping(ctx); err == nil {
			t.Errorf("version %d: the session connected to the dropped database still answers", version)
		}
		// Dropping what is gone already is no error.
		if err := dropDatabase(ctx, admin, name, version); err != nil {
			t.Errorf("version %d: dropping %s again: %v", version, name, err)
		}
	}
}
