package pgtest_test

import (
	"bytes"
	"context"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/placard/placard/internal/store/pgtest"
)

// TestDSN checks that DSN yields a working, empty database and that two
// calls yield two different databases. The throwaway cluster runs with
// fsync off (nothing crashes it) unless benchmarks run; sessions ask for
// synchronous_commit, which it honours.
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
	want := map[string]string{"synchronous_commit": "on"}
	if os.Getenv(pgtest.Env) == "" {
		want["listen_addresses"] = ""
		want["fsync"] = "off"
		want["full_page_writes"] = "off"
		// go test -bench . runs the tests too, on a durable cluster.
		if f := flag.Lookup("test.bench"); f != nil && f.Value.String() != "" {
			want["fsync"] = "on"
			want["full_page_writes"] = "on"
		}
	}
	settings(t, c, want)
	if n := tables(t, c); n != 0 {
		t.Errorf("fresh database: got %d tables, want 0", n)
	}
}

// TestNewClusterDurable: a private cluster, the kind crash tests stop
// "immediately", acknowledges a commit only once its WAL is on disk.
func TestNewClusterDurable(t *testing.T) {
	ctx := context.Background()
	cl := pgtest.NewCluster(t)
	c, err := pgx.Connect(ctx, cl.Database(t))
	if err != nil {
		t.Fatalf("connect: %v", err)
	}
	defer c.Close(ctx)
	settings(t, c, map[string]string{"fsync": "on", "full_page_writes": "on", "synchronous_commit": "on", "listen_addresses": ""})
	if n := tables(t, c); n != 0 {
		t.Errorf("fresh database: got %d tables, want 0", n)
	}
}

// TestNewFilesCluster: a private cluster for tests that read its files,
// without fsync; a CHECKPOINT still writes a committed row to its table's
// file, where such a test looks for it.
func TestNewFilesCluster(t *testing.T) {
	ctx := context.Background()
	cl := pgtest.NewFilesCluster(t)
	c, err := pgx.Connect(ctx, cl.Database(t))
	if err != nil {
		t.Fatalf("connect: %v", err)
	}
	defer c.Close(ctx)
	settings(t, c, map[string]string{"fsync": "off", "synchronous_commit": "on", "listen_addresses": ""})
	const mark = "a-row-to-find-in-the-files"
	if _, err := c.Exec(ctx, "CREATE TABLE t (v text); INSERT INTO t VALUES ('"+mark+"')"); err != nil {
		t.Fatal(err)
	}
	var file string
	if err := c.QueryRow(ctx, "SELECT pg_relation_filepath('t')").Scan(&file); err != nil {
		t.Fatal(err)
	}
	cl.Checkpoint(t)
	b, err := os.ReadFile(filepath.Join(cl.DataDir(), file))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(b, []byte(mark)) {
		t.Errorf("after CHECKPOINT the table's file %s (%d bytes) does not hold the committed row", file, len(b))
	}
}

// TestPrepared: prepare runs once per key, on an empty database; each call
// returns a database of its own holding what prepare made, and what one
// test writes is not seen by the next.
func TestPrepared(t *testing.T) {
	ctx := context.Background()
	prepared := 0
	prepare := func(dsn string) error {
		prepared++
		c, err := pgx.Connect(ctx, dsn)
		if err != nil {
			return err
		}
		defer c.Close(ctx)
		if n := tables(t, c); n != 0 {
			t.Errorf("prepare: got a database with %d tables, want an empty one", n)
		}
		_, err = c.Exec(ctx, "CREATE TABLE made (v text); INSERT INTO made VALUES ('prepared')")
		return err
	}
	key := "pgtest-" + t.Name()
	var dsns []string
	for i := range 3 {
		dsn := pgtest.Prepared(t, key, prepare)
		dsns = append(dsns, dsn)
		c, err := pgx.Connect(ctx, dsn)
		if err != nil {
			t.Fatalf("connect %d: %v", i, err)
		}
		var rows []string
		r, err := c.Query(ctx, "SELECT v FROM made ORDER BY v")
		if err != nil {
			t.Fatalf("database %d: %v", i, err)
		}
		for r.Next() {
			var v string
			r.Scan(&v)
			rows = append(rows, v)
		}
		if err := r.Err(); err != nil {
			t.Fatal(err)
		}
		if len(rows) != 1 || rows[0] != "prepared" {
			t.Errorf("database %d: got rows %q, want only [prepared]", i, rows)
		}
		if _, err := c.Exec(ctx, "INSERT INTO made VALUES ('written by test')"); err != nil {
			t.Fatal(err)
		}
		c.Close(ctx)
	}
	if dsns[0] == dsns[1] || dsns[1] == dsns[2] || dsns[0] == dsns[2] {
		t.Errorf("three Prepared calls: got %q, want three databases", dsns)
	}
	want := 1
	if os.Getenv(pgtest.Env) != "" {
		want = 3 // no template on a server other processes may share
	}
	if prepared != want {
		t.Errorf("prepare ran %d times for one key, want %d", prepared, want)
	}
}

func settings(t *testing.T, c *pgx.Conn, want map[string]string) {
	t.Helper()
	for name, w := range want {
		var got string
		if err := c.QueryRow(context.Background(), "SELECT current_setting($1)", name).Scan(&got); err != nil {
			t.Fatalf("SHOW %s: %v", name, err)
		}
		if got != w {
			t.Errorf("%s: got %q, want %q", name, got, w)
		}
	}
}

func tables(t *testing.T, c *pgx.Conn) int {
	t.Helper()
	var n int
	if err := c.QueryRow(context.Background(), "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'").Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
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
