package pgtest_test

import (
	"context"
	"os"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/placard/placard/internal/store/pgtest"
)

// TestDSN checks that DSN yields a working, empty, durable database and that
// two calls yield two different databases.
func TestDSN(t *testing.T) {
	ctx := context.Background()
	a, b := pgtest.DSN(t), pgtest.DSN(t)
	if a == b {
		t.Fatalf("two DSN calls: got the same database %s twice, want two", a)
	}
	c, err := pgx.Connect(ctx, a)
	if err != nil {
		t.Fatalf("connect: %v", err)
	}
	defer c.Close(ctx)
	for name, want := range map[string]string{"fsync": "on", "synchronous_commit": "on", "listen_addresses": ""} {
		var got string
		if err := c.QueryRow(ctx, "SELECT current_setting($1)", name).Scan(&got); err != nil {
			t.Fatalf("SHOW %s: %v", name, err)
		}
		if name == "listen_addresses" && os.Getenv(pgtest.Env) == "" && got != want {
			t.Errorf("%s: got %q, want %q", name, got, want)
		}
		if name != "listen_addresses" && got != want {
			t.Errorf("%s: got %q, want %q", name, got, want)
		}
	}
	var tables int
	if err := c.QueryRow(ctx, "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'").Scan(&tables); err != nil {
		t.Fatal(err)
	}
	if tables != 0 {
		t.Errorf("fresh database: got %d tables, want 0", tables)
	}
}

// TestWithDatabase: PLACARD_TEST_POSTGRES may be a URL or a key=value
// string; either way each DSN must name its own fresh database.
func TestWithDatabase(t *testing.T) {
	for in, want := range map[string]string{
		"postgres://u:p@db.example:5432/postgres?sslmode=disable": "postgres://u:p@db.example:5432/fresh?sslmode=disable",
		"postgres://postgres@/postgres?host=%2Ftmp%2Fx":           "postgres://postgres@/fresh?host=%2Ftmp%2Fx",
		"host=/tmp/x user=postgres dbname=postgres":               "host=/tmp/x user=postgres dbname=postgres dbname=fresh",
	} {
		if got := pgtest.WithDatabase(in, "fresh"); got != want {
			t.Errorf("WithDatabase(%q): got %q, want %q", in, got, want)
		}
	}
}
