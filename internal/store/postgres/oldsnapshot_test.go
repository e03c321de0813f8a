package postgres_test

import (
	"bytes"
	"context"
	"os"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/placard/placard/internal/signing"
	"github.com/placard/placard/internal/store"
	"github.com/placard/placard/internal/store/storetest"
)

// TestEraseBehindAnOldSnapshot: VACUUM FULL keeps, copied into the new
// files, every deleted row some transaction's snapshot may still see. A
// session that had begun a transaction before the erasure committed —
// on any table of the database: an idle transaction, a report, a backup
// by pg_dump, another instance's worker mid-transaction — took no lock
// the rewrite waits for, so VACUUM FULL ran at once, "succeeded", and
// the erasure paid its rewrite: the erased address stayed in the table's
// files with nothing owed, until some later erasure happened to rewrite
// that table. The rewrite is now left owed while such a snapshot lasts
// and made after it. Failed before: nothing owed, and the address found
// in the signatures table's files while the snapshot was held and after.
func TestEraseBehindAnOldSnapshot(t *testing.T) {
	ctx := context.Background()
	w, dsn := wipeDisk(t, "signatures")
	s, err := w.Open()
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	gone := "oldsnapshotgone4417@example.org"
	if res, err := s.AddSignatures(ctx, []*signing.Signature{storetest.Sig("o", "c", gone), storetest.Sig("o", "c", "kept@example.org")}); err != nil || res[0] != nil {
		t.Fatalf("AddSignatures: %v %v", res, err)
	}
	// Another session, reading nothing of signatures, its snapshot
	// taken before the erasure.
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	tx, err := conn.BeginTx(ctx, pgx.TxOptions{IsoLevel: pgx.RepeatableRead})
	if err != nil {
		t.Fatal(err)
	}
	var one int
	if err := tx.QueryRow(ctx, `SELECT 1`).Scan(&one); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Erase(ctx, gone); err != nil {
		t.Fatalf("Erase: %v", err)
	}
	onDisk := func() bool {
		for _, p := range w.Files(t) {
			b, err := os.ReadFile(p)
			if err == nil && bytes.Contains(b, []byte(gone)) {
				return true
			}
		}
		return false
	}
	rw := s.(store.Rewrites)
	if _, owed, err := rw.PayRewrites(ctx, true); owed == 0 && onDisk() {
		t.Errorf("while a snapshot older than the erasure lasts, its address is on disk and no rewrite is owed (%v)", err)
	}
	if err := tx.Rollback(ctx); err != nil {
		t.Fatal(err)
	}
	if _, owed, err := rw.PayRewrites(ctx, true); err != nil || owed != 0 {
		t.Errorf("once the old snapshot ended: %d rewrites still owed, %v; want all made", owed, err)
	}
	if onDisk() {
		t.Error("once the old snapshot ended and the rewrites were made, the erased address is still on disk")
	}
}
