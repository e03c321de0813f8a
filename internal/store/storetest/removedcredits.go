package storetest

import (
	"context"
	"testing"
	"time"

	"github.com/placard/placard/internal/signing"
	"github.com/placard/placard/internal/store"
)

// testCreditsAfterMove: credits held in memory for a removed campaign's
// signatures and handed over after its rows were kept apart do not count
// for the new campaign of its slug: counted (Age) since before the move,
// they are dropped, however the new campaign's own signatures stand.
// Credits counted after the move count for the new campaign, however
// soon after it: the store compares them with the move's own time (read
// under its lock, migration 041), not with a minute's margin, which
// dropped them (the "email" credit below failed so before). A slug
// never moved counts credits of any age.
func testCreditsAfterMove(t *testing.T, s store.Store) {
	ctx := context.Background()
	rm := removals(s)
	now, err := rm.Now(ctx)
	if err != nil {
		t.Fatalf("Now: %v", err)
	}
	add(t, s, Sig("o", "x", "ann@example.org"), Sig("o", "y", "ann@example.org"))
	if !recordRemoved(t, s, "x", now.Add(-time.Hour), 0, now.Add(-time.Hour)) {
		t.Fatal("RecordRemoved(x): not recorded")
	}
	before := time.Now() // a credit counted here counts ann's signature
	k := keepApart(t, s, "x", now, now)
	if k.Name == "" {
		t.Fatalf("KeepApart(x): %+v, want the rows moved", k)
	}
	after := time.Now() // one counted here, a signature of the new x
	// The new campaign of that slug signs.
	add(t, s, Sig("o", "x", "bob@example.org"))

	withAge := func(c signing.Credit, age time.Duration) signing.Credit { c.Age = age; return c }
	addCredits(t, s,
		withAge(credit("x", "mastodon", "bbbbbbbbbb", 2), time.Since(before)), // counted before x's move
		withAge(credit("x", "email", "", 1), time.Since(after)),               // counted just after it
		withAge(credit("y", "mastodon", "cccccccccc", 3), time.Hour),          // y was never moved
	)
	wantSources(t, s, "x", signing.SourceCount{Source: "email", Signatures: 1})
	wantNoReferral(t, s, "x", "bbbbbbbbbb", nil)
	wantSources(t, s, k.Name)
	wantSources(t, s, "y", signing.SourceCount{Source: "mastodon", Signatures: 3})
	wantReferral(t, s, "y", nil, signing.ReferralCount{Org: "o", Campaign: "y", Token: "cccccccccc", Signatures: 3})
}

// CreditsOldMove: a move recorded before migration 041 has no moved_at
// (forget clears it, as the migration leaves such records) and keeps the
// former rule: a credit counted less than store.CreditMargin after its
// kept_apart_at is dropped, one counted after that counts. Each engine
// runs it with its own forget.
func CreditsOldMove(t *testing.T, s store.Store, forget func(context.Context) error) {
	ctx := context.Background()
	now, err := removals(s).Now(ctx)
	if err != nil {
		t.Fatalf("Now: %v", err)
	}
	add(t, s, Sig("o", "x", "ann@example.org"), Sig("o", "z", "ann@example.org"))
	for slug, at := range map[string]time.Time{"x": now, "z": now.Add(-2 * time.Hour)} {
		if !recordRemoved(t, s, slug, at.Add(-time.Hour), 0, at.Add(-time.Hour)) {
			t.Fatalf("RecordRemoved(%s): not recorded", slug)
		}
		if k := keepApart(t, s, slug, at, at); k.Name == "" {
			t.Fatalf("KeepApart(%s): %+v, want the rows moved", slug, k)
		}
	}
	if err := forget(ctx); err != nil {
		t.Fatalf("clearing moved_at: %v", err)
	}
	add(t, s, Sig("o", "x", "bob@example.org"), Sig("o", "z", "bob@example.org"))
	addCredits(t, s, credit("x", "email", "", 1), credit("z", "email", "", 1))
	wantSources(t, s, "x")
	wantSources(t, s, "z", signing.SourceCount{Source: "email", Signatures: 1})
}
