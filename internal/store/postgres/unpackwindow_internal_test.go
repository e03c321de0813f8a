package postgres

import (
	"context"
	"testing"
	"time"

	"github.com/placard/placard/internal/signing"
	"github.com/placard/placard/internal/store"
	"github.com/placard/placard/internal/store/storetest"
)

// TestErasureNoticeWaitsForAClaimDuringIt: another instance claims the
// erased address's message while the erasure runs — between its start,
// where it read the leases of the address's messages being delivered,
// and its deletion of those messages. The erasure waits there for any
// bundle another instance is taking apart (unbundle), and that
// instance's claim takes the freshly unpacked rows at once, so this is
// the window while bundles are unpacked. The erasure still deletes the
// claimed row, but the request is on its way: its signature.erased
// notice must not be due before that claim's lease runs out, or a third
// instance delivers it first and the CRM, hearing signature.created
// last, keeps the person. Two instances (two pools) on one database; the
// erasure's test hook runs the other instance's claim at that point.
// Failed before for every erasure: the notice was due at once, its lease
// read before the claim.
func TestErasureNoticeWaitsForAClaimDuringIt(t *testing.T) {
	const email = "ada@example.org"
	notice := func([]signing.Signature) ([]signing.Message, error) {
		return []signing.Message{{ID: signing.NewMessageID(), Kind: signing.MessageWebhook,
			Target: "https://crm.example.org/hook", Org: "o",
			Payload: append(store.ErasedAddress(email), '}')}}, nil
	}
	for _, c := range []struct {
		name  string
		erase func(ctx context.Context, db *DB) (int, error)
	}{
		{"Erase", func(ctx context.Context, db *DB) (int, error) { return db.EraseTold(ctx, email, notice) }},
		{"EraseIn", func(ctx context.Context, db *DB) (int, error) { return db.EraseInTold(ctx, "o", email, notice) }},
		{"EraseSupporter", func(ctx context.Context, db *DB) (int, error) {
			return db.EraseSupporterTold(ctx, "o", email, notice)
		}},
	} {
		t.Run(c.name, func(t *testing.T) {
			ctx := context.Background()
			dsn := migratedDSN(t)
			eraser := openDB(ctx, t, dsn)
			other := openDB(ctx, t, dsn)
			sig := storetest.Sig("o", "c", email)
			sig.Outbox = []signing.Message{storetest.Msg("o", "c", email)} // a signature.created, bundled
			if _, err := other.AddSignatures(ctx, []*signing.Signature{sig}); err != nil {
				t.Fatal(err)
			}
			const lease = time.Hour
			var claimed []store.OutboxEntry
			var claimErr error
			erasing = func() {
				erasing = nil
				claimed, claimErr = other.Claim(ctx, "other", 10, lease)
			}
			defer func() { erasing = nil }()
			if n, err := c.erase(ctx, eraser); err != nil || n != 1 {
				t.Fatalf("erasure = %d, %v; want 1 signature erased", n, err)
			}
			if claimErr != nil || len(claimed) != 1 || claimed[0].Email != email {
				t.Fatalf("the other instance claimed %+v, %v during the erasure; want the address's signature.created", claimed, claimErr)
			}
			inFlightUntil := claimed[0].NotBefore
			es, err := eraser.List(ctx, "")
			if err != nil || len(es) != 1 || es[0].Email != "" {
				t.Fatalf("outbox after the erasure: %+v, %v; want the notice alone", es, err)
			}
			if es[0].NotBefore.Before(inFlightUntil) {
				t.Errorf("the signature.erased notice is due at %v, before the lease of the signature.created the other instance is delivering runs out (%v)",
					es[0].NotBefore, inFlightUntil)
			}
		})
	}
}

// TestEarlierSeesABundleBeingUnpacked: while one instance's claim takes
// apart a bundle holding a signature's signature.created (its
// transaction not yet committed), another instance's claim passes the
// bundle by (SKIP LOCKED) and claims a later message about the same
// person, queued as a row (a rejection's signature.updated). Earlier must
// hold that one back: delivered first, the CRM would hear created last
// and keep the signature as approved. A message about someone else is
// not held. Failed before: Earlier saw neither rows nor bundle and said
// false.
func TestEarlierSeesABundleBeingUnpacked(t *testing.T) {
	ctx := context.Background()
	dsn := migratedDSN(t)
	a := openDB(ctx, t, dsn)
	b := openDB(ctx, t, dsn)
	const email = "ada@example.org"
	sig := storetest.Sig("o", "c", email)
	sig.Outbox = []signing.Message{storetest.Msg("o", "c", email)} // signature.created, bundled
	if _, err := a.AddSignatures(ctx, []*signing.Signature{sig}); err != nil {
		t.Fatal(err)
	}
	rejected := storetest.Msg("o", "c", email) // signature.updated, queued by the decision
	someoneElse := storetest.Msg("o", "c", "bo@example.org")
	if err := b.Enqueue(ctx, []signing.Message{rejected, someoneElse}); err != nil {
		t.Fatal(err)
	}

	// Instance a's claim, half way: the bundle taken apart, not committed.
	tx, err := a.pool.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback(ctx)
	var ev store.QuarantineEvent
	if err := unbundle(ctx, tx, 10, &ev); err != nil {
		t.Fatal(err)
	}

	got, err := b.Claim(ctx, "b", 10, time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 {
		t.Fatalf("instance b claimed %+v; want the two rows, the bundle being a's", got)
	}
	if held, err := b.Earlier(ctx, rejected); err != nil || !held {
		t.Errorf("Earlier for the signature.updated while its signature.created is being unpacked = %v, %v; want true", held, err)
	}
	if held, err := b.Earlier(ctx, someoneElse); err != nil || held {
		t.Errorf("Earlier for another person's message = %v, %v; want false", held, err)
	}
	if err := tx.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	if held, err := b.Earlier(ctx, rejected); err != nil || !held {
		t.Errorf("Earlier for the signature.updated once its signature.created is a row = %v, %v; want true", held, err)
	}
}
