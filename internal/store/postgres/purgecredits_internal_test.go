package postgres

import (
	"context"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/placard/placard/internal/signing"
	"github.com/placard/placard/internal/store/pgtest"
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
	dsn := pgtest.DSN(t)
	db, err := Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.AddSignatures(ctx, []*signing.Signature{storetest.Sig("o", "closed", "ada@example.org")}); err != nil {
		t.Fatal(err)
	}
	credit := []signing.Credit{{Org: "o", Campaign: "closed", Source: "leaflet", Referrer: "tok", Count: 1}}
	if err := db.AddCredits(ctx, credit); err != nil { // the rows both will touch
		t.Fatal(err)
	}
	watch, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer watch.Close(ctx)

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
