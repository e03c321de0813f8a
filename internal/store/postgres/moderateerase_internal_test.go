package postgres

import (
	"context"
	"testing"

	"github.com/placard/placard/internal/signing"
	"github.com/placard/placard/internal/store/storetest"
)

// TestModerationBesideErasure: an organiser approving or rejecting a
// signature (SetStatus) while an erasure takes that very signature (a
// purge of its campaign, the supporter's own erasure) must leave both
// succeeding, one after the other. SetStatus read the row FOR UPDATE (a
// ROW SHARE lock on the table, which lockSigning's SHARE ROW EXCLUSIVE
// does not wait for) and then updated it (ROW EXCLUSIVE, which waits for
// the erasure's lock), while the erasure's DELETE waited for the row
// SetStatus held: a deadlock, PostgreSQL aborting one of them. The hook
// starts the Purge once SetStatus has read the row and lets SetStatus go
// on once the Purge waits for a lock (or has finished). Decide, which
// reads the whole row FOR UPDATE to tell the CRM what changed, takes the
// same lock first.
func TestModerationBesideErasure(t *testing.T) {
	for _, tc := range []struct {
		name   string
		decide func(db *DB, id int64) error
	}{
		{"SetStatus", func(db *DB, id int64) error { return db.SetStatus(context.Background(), id, signing.StatusApproved) }},
		{"Decide", func(db *DB, id int64) error {
			_, err := db.Decide(context.Background(), "o", []int64{id}, signing.StatusPending, signing.StatusApproved, nil)
			return err
		}},
	} {
		t.Run(tc.name, func(t *testing.T) { testModerationBesideErasure(t, tc.decide) })
	}
}

func testModerationBesideErasure(t *testing.T, decide func(db *DB, id int64) error) {
	ctx := context.Background()
	dsn := migratedDSN(t)
	db := openDB(ctx, t, dsn)
	sig := storetest.Sig("o", "closed", "ada@example.org")
	sig.Kind, sig.Organisation, sig.Status = signing.KindOrganisation, "Ada's", signing.StatusPending
	if _, err := db.AddSignatures(ctx, []*signing.Signature{sig}); err != nil {
		t.Fatal(err)
	}
	var id int64
	if err := db.pool.QueryRow(ctx, `SELECT id FROM signatures WHERE email = 'ada@example.org'`).Scan(&id); err != nil {
		t.Fatal(err)
	}
	watch := connect(ctx, t, dsn)

	var purged <-chan error
	moderating = func() {
		moderating = nil
		purged = runUntilLocked(ctx, t, watch, "datname = current_database()", func() error {
			_, err := db.Purge(ctx, "o", "closed")
			return err
		})
	}
	defer func() { moderating = nil }()
	serr := decide(db, id)
	perr := <-purged
	if serr != nil {
		t.Errorf("approving a signature beside a purge of its campaign: %v", serr)
	}
	if perr != nil {
		t.Errorf("purging a campaign beside the approval of one of its signatures: %v", perr)
	}
}
