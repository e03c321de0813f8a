package web

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/placard/placard/internal/store/postgres"
	"github.com/placard/placard/internal/store/postgres/migratedtest"
	"github.com/placard/placard/internal/store/sqlite"
)

// wantProbe checks path answers status with a plain-text body starting
// with prefix, and returns the body.
func wantProbe(t *testing.T, h http.Handler, path string, status int, prefix string) string {
	t.Helper()
	res := get(t, h, "GET", path, nil)
	b := body(t, res)
	if res.StatusCode != status || !strings.HasPrefix(b, prefix) {
		t.Fatalf("GET %s: got %d %q, want %d %q…", path, res.StatusCode, b, status, prefix)
	}
	if ct := res.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/plain") {
		t.Errorf("GET %s: Content-Type %q, want text/plain", path, ct)
	}
	if cc := res.Header.Get("Cache-Control"); cc != "no-store" {
		t.Errorf("GET %s: Cache-Control %q, want no-store", path, cc)
	}
	return b
}

// tinyDisk mounts a 4 MiB tmpfs for t and returns its folder: a disk the
// test can fill. It needs root (mount); without it the test skips, or
// fails under CI=true (CI runs as root).
func tinyDisk(t *testing.T) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "disk")
	if err := os.Mkdir(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size=4m,mode=0700", "tmpfs", dir).CombinedOutput()
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("mounting a small tmpfs (needed under CI=true): %v %s", err, out)
		}
		t.Skipf("cannot mount a small tmpfs to fill (needs root): %v %s", err, out)
	}
	t.Cleanup(func() {
		if out, err := exec.Command("umount", dir).CombinedOutput(); err != nil {
			t.Errorf("unmounting the test tmpfs %s: %v %s", dir, err, out)
		}
	})
	return dir
}

// fill writes a file in dir until the disk is full, and returns its path.
func fill(t *testing.T, dir string) string {
	t.Helper()
	p := filepath.Join(dir, "filler")
	f, err := os.Create(p)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	chunk := make([]byte, 64<<10)
	for {
		if _, err := f.Write(chunk); err != nil {
			if errors.Is(err, syscall.ENOSPC) {
				return p
			}
			t.Fatalf("filling the disk: %v", err)
		}
	}
}

// TestReadyzDiskFull: with the SQLite database's disk full, /readyz answers
// 503 and says why without the path, while /healthz (liveness) stays 200;
// freeing the disk makes it ready again.
func TestReadyzDiskFull(t *testing.T) {
	dir := tinyDisk(t)
	st, err := sqlite.Open(context.Background(), filepath.Join(dir, "placard.db"))
	if err != nil {
		t.Fatalf("opening SQLite: %v", err)
	}
	t.Cleanup(func() { st.Close() })
	e := newSignEnv(t, st, nil)
	wantProbe(t, e.s, "/readyz", 200, "ready")

	filler := fill(t, dir)
	b := wantProbe(t, e.s, "/readyz", 503, "not ready: store: ")
	if !strings.Contains(b, "full") || strings.Contains(b, dir) || strings.Contains(b, "placard.db") {
		t.Errorf("/readyz body %q: want the reason (full) and no path", b)
	}
	wantProbe(t, e.s, "/healthz", 200, "ok")

	if err := os.Remove(filler); err != nil {
		t.Fatal(err)
	}
	wantProbe(t, e.s, "/readyz", 200, "ready")
}

// TestReadyzReadOnlyDatabase: a PostgreSQL database turned read-only makes
// /readyz answer 503 while /healthz stays 200.
func TestReadyzReadOnlyDatabase(t *testing.T) {
	ctx := context.Background()
	dsn := migratedtest.DSN(t)
	st, err := postgres.Open(ctx, dsn)
	if err != nil {
		t.Fatalf("opening PostgreSQL: %v", err)
	}
	t.Cleanup(func() { st.Close() })
	e := newSignEnv(t, st, nil)
	wantProbe(t, e.s, "/readyz", 200, "ready")

	name := setReadOnly(t, dsn, true)
	var last string
	deadline := time.Now().Add(15 * time.Second)
	for !strings.Contains(last, "read-only") {
		if time.Now().After(deadline) {
			t.Fatalf("after 15 s /readyz says %q, want 503 naming the read-only transaction", last)
		}
		res := get(t, e.s, "GET", "/readyz", nil)
		last = body(t, res)
		if res.StatusCode != 503 {
			last = fmt.Sprintf("%d %s", res.StatusCode, last)
		}
		time.Sleep(50 * time.Millisecond)
	}
	b := wantProbe(t, e.s, "/readyz", 503, "not ready: store: ")
	if strings.Contains(b, name) || strings.Contains(b, "127.0.0.1") {
		t.Errorf("/readyz body %q names the database or its host", b)
	}
	wantProbe(t, e.s, "/healthz", 200, "ok")
}

// setReadOnly turns the PostgreSQL database at dsn read-only (on) or
// writable again, as a standby or a database an operator locked answers,
// and returns its name. New sessions take the setting; the open ones are
// ended so the store's pool reconnects into it.
func setReadOnly(t *testing.T, dsn string, on bool) string {
	t.Helper()
	ctx := context.Background()
	admin, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close(ctx)
	var name string
	if err := admin.QueryRow(ctx, `SELECT current_database()`).Scan(&name); err != nil {
		t.Fatal(err)
	}
	// The admin session itself starts read-only when the database is.
	if _, err := admin.Exec(ctx, `SET default_transaction_read_only = off`); err != nil {
		t.Fatal(err)
	}
	if _, err := admin.Exec(ctx, fmt.Sprintf("ALTER DATABASE %s SET default_transaction_read_only = %v", pgx.Identifier{name}.Sanitize(), on)); err != nil {
		t.Fatal(err)
	}
	if _, err := admin.Exec(ctx, `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
		WHERE datname = current_database() AND pid <> pg_backend_pid()`); err != nil {
		t.Fatal(err)
	}
	return name
}
