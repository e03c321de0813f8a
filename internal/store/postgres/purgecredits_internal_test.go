package postgres

import (
	"context"
	"testing"

	"github.com/placard/placard/internal/signing"
	"github.com/placard/placard/internal/store/storetest"
)

// TestPurgeBesideCredits: a purge of a campaign while an instance writes
// the credits its last signatures brought (AddCredits) must leave both
// succeeding, one after the other, and the purged campaign without the
// personal link's row. AddCredits upserts the sources' rows and then the
// links'; Purge deleted the links' rows and then the sources', so each
// could hold the row the other waited for: a deadlock, PostgreSQL
// aborting one. The hook, between AddCredits' two statements, starts the
// Purge and lets AddCredits go on once the Purge waits for a lock.
func TestPurgeBesideCredits(t *testing.T) {
	ctx := context.Background()
	dsn := migratedDSN(t)
	db := openDB(ctx, t, dsn)
	if _, err := db.AddSignatures(ctx, []*signing.Signature{storetest.Sig("o", "closed", "ada@example.org")}); err != nil {
		t.Fatal(err)
	}
	credit := []signing.Credit{{Org: "o", Campaign: "closed", Source: "leaflet", Referrer: "tok", Count: 1}}
	if err := db.AddCredits(ctx, credit); err != nil { // the rows both will touch
		t.Fatal(err)
	}
	watch := connect(ctx, t, dsn)

	var purged <-chan error
	crediting = func() {
		crediting = nil
		purged = runUntilLocked(ctx, t, watch, "datname = current_database()", func() error {
			_, err := db.Purge(ctx, "o", "closed")
			return err
		})
	}
	defer func() { crediting = nil }()
	cerr := db.AddCredits(ctx, credit)
	perr := <-purged
	if cerr != nil {
		t.Errorf("crediting a link beside a purge of its campaign: %v", cerr)
	}
	if perr != nil {
		t.Errorf("purging a campaign beside a credit of its link: %v", perr)
	}
	if perr == nil && cerr == nil {
		refs, err := db.Referrals(ctx, "o", "closed", 10)
		if err != nil {
			t.Fatal(err)
		}
		if len(refs) != 0 {
			t.Errorf("after the purge, the purged campaign still lists its personal links: %+v", refs)
		}
	}
}

// TestCreditBesidePurge: credits flushed by one instance while another
// purges their campaign must not outlive the purge. AddCredits writes a
// credit only while the campaign holds a signature, but under READ
// COMMITTED its check saw the purge's deleted signatures as still there
// until the purge committed, and its new rows, inserted after the purge
// had deleted the campaign's links and sources, stayed: a purged campaign
// with a personal link's row. The hook runs AddCredits once the purge has
// deleted everything and before it commits, and lets the purge commit
// once AddCredits has finished or waits for a lock.
func TestCreditBesidePurge(t *testing.T) {
	ctx := context.Background()
	dsn := migratedDSN(t)
	db := openDB(ctx, t, dsn)
	if _, err := db.AddSignatures(ctx, []*signing.Signature{storetest.Sig("o", "closed", "ada@example.org")}); err != nil {
		t.Fatal(err)
	}
	watch := connect(ctx, t, dsn)
	credit := []signing.Credit{{Org: "o", Campaign: "closed", Source: "leaflet", Referrer: "tok", Count: 1}}
	var credited <-chan error
	purging = func() {
		purging = nil
		credited = runUntilLocked(ctx, t, watch, "datname = current_database()", func() error {
			return db.AddCredits(ctx, credit)
		})
	}
	defer func() { purging = nil }()
	if n, err := db.Purge(ctx, "o", "closed"); err != nil || n != 1 {
		t.Fatalf("Purge: got %d, %v, want 1, nil", n, err)
	}
	if err := <-credited; err != nil {
		t.Fatalf("crediting beside the purge: %v", err)
	}
	refs, err := db.Referrals(ctx, "o", "closed", 10)
	if err != nil {
		t.Fatal(err)
	}
	srcs, err := db.Sources(ctx, "o", "closed")
	if err != nil {
		t.Fatal(err)
	}
	if len(refs) != 0 || len(srcs) != 0 {
		t.Errorf("after the purge, the purged campaign holds links %+v and sources %+v, want none", refs, srcs)
	}
}
