package sqlite_test

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/placard/placard/internal/signing"
	"github.com/placard/placard/internal/store"
	"github.com/placard/placard/internal/store/sqlite"
	"github.com/placard/placard/internal/store/storetest"
)

func openTemp(t testing.TB) store.Store {
	t.Helper()
	db, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "placard.db"))
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func TestConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T) store.Store { return openTemp(t) })
	storetest.RunReopen(t, func(t *testing.T) func() (store.Store, error) {
		path := filepath.Join(t.TempDir(), "placard.db")
		return func() (store.Store, error) { return sqlite.Open(context.Background(), path) }
	})
	var newer string
	storetest.RunNewer(t, func(t *testing.T) func() (store.Store, error) {
		newer = filepath.Join(t.TempDir(), "placard.db")
		return func() (store.Store, error) { return sqlite.Open(context.Background(), newer) }
	}, func(t *testing.T) storetest.Exec {
		return func(t *testing.T, stmt string) {
			c, err := sql.Open("sqlite", newer)
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			if _, err := c.Exec(stmt); err != nil {
				t.Fatalf("%s: %v", stmt, err)
			}
		}
	})
}

// TestFilesPrivate: a new database and its WAL are readable by their owner
// only, since they hold signers' personal data.
func TestFilesPrivate(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "placard.db")
	db, err := sqlite.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.AddSignatures(context.Background(), []*signing.Signature{storetest.Sig("o", "c", "x@example.org")}); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"placard.db", "placard.db-wal"} {
		fi, err := os.Stat(filepath.Join(dir, name))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if mode := fi.Mode().Perm(); mode != 0o600 {
			t.Errorf("%s mode: got %o, want 600", name, mode)
		}
	}
}

// TestOpenMissingFolder: a path in a folder that does not exist fails with
// an error naming the path, rather than creating folders silently.
func TestOpenMissingFolder(t *testing.T) {
	path := filepath.Join(t.TempDir(), "nope", "placard.db")
	_, err := sqlite.Open(context.Background(), path)
	if err == nil || !strings.Contains(err.Error(), path) {
		t.Errorf("Open in a missing folder: got %v, want an error naming %s", err, path)
	}
}

// TestTwoHandles is serve and a CLI command on one file at once: one handle
// signs through a Committer while another erases and moderates; every call
// succeeds (busy_timeout waits out the other's write lock) and the tallies
// match the rows.
func TestTwoHandles(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "placard.db")
	serve, err := sqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer serve.Close()
	cli, err := sqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer cli.Close()
	c := store.NewCommitter(serve, store.CommitterOptions{})
	var wg sync.WaitGroup
	errs := make(chan error, 1000)
	for w := range 16 {
		wg.Go(func() {
			for i := range 30 {
				if err := c.Sign(ctx, storetest.Sig("o", "c", fmt.Sprintf("w%d-%d@example.org", w, i))); err != nil {
					errs <- err
				}
			}
		})
	}
	erased := 0
	for w := range 16 {
		n, err := cli.Erase(ctx, fmt.Sprintf("w%d-0@example.org", w))
		if err != nil {
			errs <- err
		}
		erased += n
		if _, err := cli.Counts(ctx); err != nil {
			errs <- err
		}
	}
	wg.Wait()
	c.Close()
	close(errs)
	for err := range errs {
		t.Errorf("concurrent use of two handles: %v", err)
	}
	var rows int
	cli.Signatures(ctx, "o", "c", "", func(*signing.Signature) error { rows++; return nil })
	counts, err := serve.Counts(ctx)
	if err != nil || len(counts) != 1 || counts[0].Signatures != rows || rows != 16*30-erased {
		t.Errorf("after concurrent use: counts %+v (%v), %d rows, %d erased; want the tally to equal the rows, %d", counts, err, rows, erased, 16*30-erased)
	}
}

// TestConcurrentOpen: several handles opening one new file at once (serve
// starting while a CLI command runs) all succeed and agree on the secret.
func TestConcurrentOpen(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "placard.db")
	const n = 4
	dbs := make([]*sqlite.DB, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() { dbs[i], errs[i] = sqlite.Open(ctx, path) })
	}
	wg.Wait()
	for i := range n {
		if errs[i] != nil {
			t.Fatalf("Open %d of %d at once: %v", i, n, errs[i])
		}
		defer dbs[i].Close()
	}
	keys := make([][]byte, n)
	for i := range n {
		wg.Go(func() { keys[i], errs[i] = dbs[i].Secret(ctx) })
	}
	wg.Wait()
	for i := range n {
		if errs[i] != nil || string(keys[i]) != string(keys[0]) {
			t.Errorf("handle %d Secret: got %x, %v, want %x", i, keys[i], errs[i], keys[0])
		}
	}
}

// TestOddFileNames: characters that mean something in a file: URI (space,
// #, ?, %) name the file they say, and a second Open finds the same data.
func TestOddFileNames(t *testing.T) {
	ctx := context.Background()
	for _, name := range []string{"a b.db", "a#b.db", "a?b.db", "a%20b.db"} {
		dir := t.TempDir()
		p := filepath.Join(dir, name)
		db, err := sqlite.Open(ctx, p)
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if _, err := db.AddSignatures(ctx, []*signing.Signature{storetest.Sig("o", "c", "x@example.org")}); err != nil {
			t.Fatal(err)
		}
		db.Close()
		entries, _ := os.ReadDir(dir)
		for _, e := range entries {
			if !strings.HasPrefix(e.Name(), name) {
				t.Errorf("Open(%q) created %q", name, e.Name())
			}
		}
		db, err = sqlite.Open(ctx, p)
		if err != nil {
			t.Fatal(err)
		}
		if c, _ := db.Counts(ctx); len(c) != 1 || c[0].Signatures != 1 {
			t.Errorf("%s reopened: got counts %+v, want the one signature", name, c)
		}
		db.Close()
	}
}

// TestWipe: after an erasure (store open, then closed cleanly), no byte of the erased
// signer is left in the database file, its WAL or its shared-memory index.
func TestWipe(t *testing.T) {
	storetest.RunWipe(t, func(t *testing.T) storetest.WipeDisk {
		path := filepath.Join(t.TempDir(), "placard.db")
		return storetest.WipeDisk{
			Open:   func() (store.Store, error) { return sqlite.Open(context.Background(), path) },
			Files:  func(*testing.T) []string { return []string{path, path + "-wal", path + "-shm"} },
			Damage: damager(t, path), // quarantine_test.go
			Hold:   holder(path),
		}
	})
}

// holder holds a read transaction open on the database at path, its
// snapshot older than the erasure to come, so the erasure's TRUNCATE
// checkpoint answers busy (given up after one try: ShortWipe) until
// release.
func holder(path string) func(t *testing.T) func() {
	return func(t *testing.T) func() {
		t.Helper()
		restore := sqlite.ShortWipe()
		raw, err := sql.Open("sqlite", "file:"+path+"?_pragma=busy_timeout(5000)")
		if err != nil {
			t.Fatal(err)
		}
		tx, err := raw.Begin()
		if err != nil {
			t.Fatal(err)
		}
		var n int
		if err := tx.QueryRow(`SELECT count(*) FROM signatures`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return func() {
			tx.Rollback()
			raw.Close()
			restore()
		}
	}
}

// TestRefusedRows: a row the table would refuse is refused alone, the
// rest of its batch stored (storetest.RunRefusedRows).
func TestRefusedRows(t *testing.T) {
	storetest.RunRefusedRows(t, func(t *testing.T) (store.Store, func(testing.TB) string) { return openTemp(t), nil })
}
