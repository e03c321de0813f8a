package postgres_test

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/placard/placard/internal/signing"
	"github.com/placard/placard/internal/store"
	"github.com/placard/placard/internal/store/pgtest"
	"github.com/placard/placard/internal/store/postgres"
	"github.com/placard/placard/internal/store/storetest"
)

func open(t *testing.T, dsn string) *postgres.DB {
	t.Helper()
	db, err := postgres.Open(context.Background(), dsn)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// migrated returns a new database for t that postgres.Open already
// migrated (see migratedDSN).
func migrated(t *testing.T) string { t.Helper(); return postgres.MigratedDSN(t) }

func TestConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T) store.Store { return open(t, migrated(t)) })
	storetest.RunReopen(t, func(t *testing.T) func() (store.Store, error) {
		dsn := pgtest.DSN(t)
		return func() (store.Store, error) { return postgres.Open(context.Background(), dsn) }
	})
	var newer string
	storetest.RunNewer(t, func(t *testing.T) func() (store.Store, error) {
		newer = pgtest.DSN(t)
		return func() (store.Store, error) { return postgres.Open(context.Background(), newer) }
	}, func(t *testing.T) storetest.Exec {
		return func(t *testing.T, stmt string) {
			c, err := pgx.Connect(context.Background(), newer)
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close(context.Background())
			if _, err := c.Exec(context.Background(), stmt); err != nil {
				t.Fatalf("%s: %v", stmt, err)
			}
		}
	})
	storetest.RunShared(t, func(t *testing.T) (store.Store, store.Store) {
		dsn := migrated(t)
		return open(t, dsn), open(t, dsn)
	})
}

// TestConcurrentOpen starts four instances on a fresh database at once, as
// a deployment behind a load balancer does: every Open succeeds, the
// migrations are applied exactly once, and all see the same secret.
func TestConcurrentOpen(t *testing.T) {
	ctx := context.Background()
	dsn := pgtest.DSN(t)
	const n = 4
	dbs := make([]*postgres.DB, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() { dbs[i], errs[i] = postgres.Open(ctx, dsn) })
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("Open %d of %d at once: %v", i, n, err)
		}
		t.Cleanup(func() { dbs[i].Close() })
	}
	c, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close(ctx)
	var applied, distinct int
	if err := c.QueryRow(ctx, `SELECT count(*), count(DISTINCT version) FROM schema_migrations`).Scan(&applied, &distinct); err != nil {
		t.Fatal(err)
	}
	if applied == 0 || applied != distinct {
		t.Errorf("schema_migrations: got %d rows for %d versions, want each version once", applied, distinct)
	}
	keys := make([][]byte, n)
	for i := range n {
		wg.Go(func() { keys[i], errs[i] = dbs[i].Secret(ctx) })
	}
	wg.Wait()
	for i := range n {
		if errs[i] != nil || string(keys[i]) != string(keys[0]) {
			t.Errorf("instance %d Secret: got %x, %v, want %x", i, keys[i], errs[i], keys[0])
		}
	}
}

// TestBatchRefusedRow checks that a row PostgreSQL would refuse (a NUL
// byte in text) is refused alone, before it is sent, the good signature
// beside it stored (store.CheckSignature; the whole batch failed before),
// and that through the Committer such a row fails alone too: the good
// signatures around it are all stored.
func TestBatchRefusedRow(t *testing.T) {
	ctx := context.Background()
	db := open(t, migrated(t))
	bad := storetest.Sig("o", "c", "bad@example.org")
	bad.Name = "nul\x00byte"
	if res, err := db.AddSignatures(ctx, []*signing.Signature{storetest.Sig("o", "c", "good@example.org"), bad}); err != nil ||
		res[0] != nil || !errors.Is(res[1], store.ErrInvalidSignature) {
		t.Fatalf("AddSignatures with a NUL byte: got %v, %v; want the good one stored, the other refused alone", res, err)
	}
	var count int
	db.Signatures(ctx, "o", "c", "", func(*signing.Signature) error { count++; return nil })
	if count != 1 {
		t.Errorf("after a refused row: got %d signatures stored, want 1", count)
	}

	c := store.NewCommitter(db, store.CommitterOptions{})
	var wg sync.WaitGroup
	results := make([]error, 40)
	for i := range results {
		wg.Go(func() {
			sig := storetest.Sig("o", "c", fmt.Sprintf("s%d@example.org", i))
			if i == 17 {
				sig.Comment = "poison\x00"
			}
			results[i] = c.Sign(ctx, sig)
		})
	}
	wg.Wait()
	c.Close()
	for i, err := range results {
		if i == 17 {
			if !errors.Is(err, store.ErrInvalidSignature) {
				t.Errorf("refused signature: got %v, want store.ErrInvalidSignature", err)
			}
		} else if err != nil {
			t.Errorf("signature %d beside a refused one: got %v, want nil", i, err)
		}
	}
	count = 0
	db.Signatures(ctx, "o", "c", "", func(*signing.Signature) error { count++; return nil })
	if count != 40 {
		t.Errorf("stored: got %d, want 40 (39 and good@)", count)
	}
}

// TestChangesReconnect: when the listening connection is lost (here its
// backend is terminated, as a database restart or a network cut does),
// Changes keeps waking its reader by polling, listens again on a new
// connection, and reports changes from there on.
func TestChangesReconnect(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	dsn := migrated(t)
	db, other := open(t, dsn), open(t, dsn)
	admin, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close(context.Background())
	listener := func() int {
		var pid int
		err := admin.QueryRow(ctx, `SELECT pid FROM pg_stat_activity
			WHERE datname = current_database() AND application_name = 'placard listener' AND query LIKE 'LISTEN%'`).Scan(&pid)
		if err != nil && !errors.Is(err, pgx.ErrNoRows) {
			t.Fatalf("finding the listening connection: %v", err)
		}
		return pid
	}
	waitFor := func(what string, cond func() bool) {
		t.Helper()
		deadline := time.Now().Add(10 * time.Second)
		for !cond() {
			if time.Now().After(deadline) {
				t.Fatalf("not within 10 s: %s", what)
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
	recv := func(ch <-chan struct{}, what string) {
		t.Helper()
		select {
		case _, ok := <-ch:
			if !ok {
				t.Fatalf("%s: the channel was closed", what)
			}
		case <-time.After(10 * time.Second):
			t.Fatalf("%s: nothing within 10 s", what)
		}
	}

	ch := db.Changes(ctx, 50*time.Millisecond)
	recv(ch, "starting to listen")
	var first int
	waitFor("a connection LISTENing as 'placard listener'", func() bool { first = listener(); return first != 0 })
	if _, err := admin.Exec(ctx, `SELECT pg_terminate_backend($1)`, first); err != nil {
		t.Fatal(err)
	}
	// Polling while not listening, then listening again elsewhere.
	recv(ch, "after the connection was lost")
	recv(ch, "while reconnecting")
	waitFor("a new listening connection", func() bool { p := listener(); return p != 0 && p != first })
	if _, err := other.AddSignatures(ctx, []*signing.Signature{storetest.Sig("o", "c", "back@example.org")}); err != nil {
		t.Fatal(err)
	}
	recv(ch, "a signature after reconnecting")
	cancel()
	waitFor("the channel closed after its context ended", func() bool {
		select {
		case _, ok := <-ch:
			return !ok
		default:
			return false
		}
	})
}

// TestOrganisationsUseTheirIndex: listing a letter's approved organisations
// reads the partial index of only those rows, not the campaign's every
// signature (migration 008).
func TestOrganisationsUseTheirIndex(t *testing.T) {
	ctx := context.Background()
	dsn := migrated(t)
	db, err := postgres.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, `SET enable_seqscan = off`); err != nil {
		t.Fatal(err)
	}
	var plan strings.Builder
	rows, err := conn.Query(ctx, `EXPLAIN SELECT id FROM signatures
		WHERE org = 'o' AND campaign = 'c' AND kind = 'organisation' AND status = 'approved' ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var line string
		rows.Scan(&line)
		plan.WriteString(line + "\n")
	}
	if !strings.Contains(plan.String(), "signatures_approved_orgs") {
		t.Errorf("the organisations' query does not use signatures_approved_orgs:\n%s", plan.String())
	}
}

// TestWipe: after an erasure (store open, then closed cleanly), no byte of the erased
// signer is left in any file of the cluster's data folder — tables, their
// indexes and TOAST, the catalogs — once a CHECKPOINT has written every
// page out. ANALYZE runs before the erasure, as autovacuum may at any time,
// so pg_statistic must hold no sample of what signers typed. pg_wal is not
// searched: WAL segments keep what was written until the server recycles
// them (docs/security.md says so). The test needs a cluster of its own, to
// read its files.
func TestWipe(t *testing.T) {
	storetest.RunWipe(t, func(t *testing.T) storetest.WipeDisk {
		w, dsn := wipeDisk(t, "signatures")
		w.Damage = damager(t, dsn)
		w.Hold = holder(dsn)
		return w
	})
}

// holder holds a read transaction on signatures (ACCESS SHARE, which
// VACUUM FULL's ACCESS EXCLUSIVE waits for) open on dsn, the rewrite's
// wait for it cut to 200 ms (ShortRewriteWait), until release.
func holder(dsn string) func(t *testing.T) func() {
	return func(t *testing.T) func() {
		t.Helper()
		ctx := context.Background()
		restore := postgres.ShortRewriteWait(200 * time.Millisecond)
		conn, err := pgx.Connect(ctx, dsn)
		if err != nil {
			t.Fatal(err)
		}
		tx, err := conn.Begin(ctx)
		if err != nil {
			t.Fatal(err)
		}
		var n int
		if err := tx.QueryRow(ctx, `SELECT count(*) FROM signatures`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return func() {
			tx.Rollback(ctx)
			conn.Close(ctx)
			restore()
		}
	}
}

// wipeDisk is a storetest.WipeDisk on a cluster of its own, to read its
// files (pgtest.NewFilesCluster), and the URL of its database: Signed runs
// ANALYZE on tables (as autovacuum may at any time, so pg_statistic holds
// samples), and Files lists every regular file of the data folder once a
// CHECKPOINT has written every page out, pg_wal aside (WAL segments keep
// what was written until the server recycles them; docs/security.md says
// so).
func wipeDisk(t *testing.T, tables string) (storetest.WipeDisk, string) {
	t.Helper()
	c := pgtest.NewFilesCluster(t)
	dsn := c.Database(t)
	return storetest.WipeDisk{
		Open: func() (store.Store, error) { return postgres.Open(context.Background(), dsn) },
		Signed: func(t *testing.T) {
			conn, err := pgx.Connect(context.Background(), dsn)
			if err != nil {
				t.Fatal(err)
			}
			defer conn.Close(context.Background())
			if _, err := conn.Exec(context.Background(), "ANALYZE "+tables); err != nil {
				t.Fatalf("ANALYZE: %v", err)
			}
		},
		Files: func(t *testing.T) []string {
			c.Checkpoint(t)
			var paths []string
			err := filepath.WalkDir(c.DataDir(), func(p string, d fs.DirEntry, err error) error {
				if err != nil {
					return err
				}
				if d.IsDir() && d.Name() == "pg_wal" {
					return filepath.SkipDir
				}
				if d.Type().IsRegular() {
					paths = append(paths, p)
				}
				return nil
			})
			if err != nil {
				t.Fatalf("listing %s: %v", c.DataDir(), err)
			}
			return paths
		},
	}, dsn
}

func TestOutreach(t *testing.T) {
	storetest.RunOutreach(t, func(t *testing.T) store.Store { return open(t, migrated(t)) })
}

func TestTargetMail(t *testing.T) {
	storetest.RunTargetMail(t, func(t *testing.T) store.Store { return open(t, migrated(t)) })
}

// TestTargetMailWipe: after an erasure no byte of the supporter's keyed
// hash or address is left in the cluster's data files, even after ANALYZE
// sampled the senders.
func TestTargetMailWipe(t *testing.T) {
	storetest.RunTargetMailWipe(t, func(t *testing.T) storetest.WipeDisk {
		w, _ := wipeDisk(t, "outreach_senders")
		return w
	})
}
