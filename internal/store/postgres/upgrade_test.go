package postgres_test

import (
	"context"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/placard/placard/internal/signing"
	"github.com/placard/placard/internal/store/storetest"
)

// TestOldInstanceErasureNotSent: during a rolling upgrade across migration
// 018 an instance still running the older placard erases an address the
// way it knew — its signatures and its outbox rows — and never looks in
// outbox_bundles, where the new instances' batches keep their messages.
// The bundled message about the erased address must not come out of its
// bundle to be sent; a kept signer's must.
func TestOldInstanceErasureNotSent(t *testing.T) {
	ctx := context.Background()
	dsn := migrated(t)
	db := open(t, dsn)
	gone, kept := storetest.Sig("o", "c", "gone@example.org"), storetest.Sig("o", "c", "kept@example.org")
	gone.Outbox = []signing.Message{storetest.Msg("o", "c", gone.Email)}
	kept.Outbox = []signing.Message{storetest.Msg("o", "c", kept.Email)}
	if _, err := db.AddSignatures(ctx, []*signing.Signature{gone, kept}); err != nil {
		t.Fatal(err)
	}
	c, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close(ctx)
	var bundles int
	if err := c.QueryRow(ctx, `SELECT count(*) FROM outbox_bundles`).Scan(&bundles); err != nil || bundles == 0 {
		t.Fatalf("the batch's messages are not bundled (%d bundles, %v): the test shows nothing", bundles, err)
	}
	// What Erase did before migration 018.
	for _, q := range []string{`DELETE FROM signatures WHERE email = 'gone@example.org'`, `DELETE FROM outbox WHERE email = 'gone@example.org'`} {
		if _, err := c.Exec(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	es, err := db.List(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range es {
		got = append(got, e.Email)
	}
	if len(got) != 1 || got[0] != kept.Email {
		t.Errorf("outbox after an older instance's erasure: got messages about %v, want only %s", got, kept.Email)
	}
}
