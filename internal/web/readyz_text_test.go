package web

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/placard/placard/internal/store/pgtest"
	"github.com/placard/placard/internal/store/postgres"
)

// TestReadyzNamesNoDatabaseUser: when PostgreSQL refuses the store's login,
// its own message names the database user; /readyz is public, so it answers
// a fixed reason and the detail goes to the log only.
func TestReadyzNamesNoDatabaseUser(t *testing.T) {
	ctx := context.Background()
	dsn := pgtest.DSN(t)
	role := fmt.Sprintf("readyz_person_%d", time.Now().UnixNano()%1_000_000)
	admin, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close(ctx)
	if _, err := admin.Exec(ctx, "CREATE ROLE "+role+" SUPERUSER LOGIN"); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		c, err := pgx.Connect(context.Background(), dsn)
		if err == nil {
			_, _ = c.Exec(context.Background(), "DROP ROLE IF EXISTS "+role)
			c.Close(context.Background())
		}
	})
	// The tables are made by the administrator, then used by the role.
	mig, err := postgres.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	mig.Close()
	u, err := url.Parse(dsn)
	if err != nil {
		t.Fatal(err)
	}
	u.User = url.User(role)
	st, err := postgres.Open(ctx, u.String())
	if err != nil {
		t.Fatalf("opening PostgreSQL as %s: %v", role, err)
	}
	var logs strings.Builder
	e := newSignEnv(t, st, func(c *Config) { c.Logger = newTestLogger(&logs) })
	t.Cleanup(func() { st.Close() })
	wantProbe(t, e.s, "/readyz", 200, "ready")

	if _, err := admin.Exec(ctx, "ALTER ROLE "+role+" NOLOGIN"); err != nil {
		t.Fatal(err)
	}
	if _, err := admin.Exec(ctx, `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = $1`, role); err != nil {
		t.Fatal(err)
	}
	var last string
	deadline := time.Now().Add(15 * time.Second)
	for {
		res := get(t, e.s, "GET", "/readyz", nil)
		last = body(t, res)
		if res.StatusCode == 503 && strings.Contains(last, "SQLSTATE 28") {
			break // the login refused, rather than the ended connection
		}
		if time.Now().After(deadline) {
			t.Fatalf("after 15 s /readyz answers %d %q, want 503 with the login refused", res.StatusCode, last)
		}
		time.Sleep(50 * time.Millisecond)
	}
	if strings.Contains(last, role) {
		t.Errorf("/readyz body %q names the database user", last)
	}
	if !strings.HasPrefix(last, "not ready: store: ") {
		t.Errorf("/readyz body %q, want not ready: store: …", last)
	}
	if !strings.Contains(logs.String(), role) {
		t.Errorf("the log lacks the detail naming what failed: %q", logs.String())
	}
}
