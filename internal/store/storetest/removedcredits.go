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
// on the database's clock (Removals.Now), they are dropped, however the
// new campaign's own signatures stand. Credits counted after a move long
// past land as any. It failed before: the new x got the mastodon count
// and a row for the old campaign's personal link.
func testCreditsAfterMove(t *testing.T, s store.Store) {
	ctx := context.Background()
	rm := removals(s)
	now, err := rm.Now(ctx)
	if err != nil {
		t.Fatalf("Now: %v", err)
	}
	add(t, s, Sig("o", "x", "ann@example.org"), Sig("o", "y", "ann@example.org"))
	// x's rows are kept apart now; y's two hours ago.
	moves := map[string]time.Time{"x": now, "y": now.Add(-2 * time.Hour)}
	kept := map[string]string{}
	for _, slug := range []string{"x", "y"} {
		at := moves[slug]
		if !recordRemoved(t, s, slug, at.Add(-time.Hour), 0, at.Add(-time.Hour)) {
			t.Fatalf("RecordRemoved(%s): not recorded", slug)
		}
		k := keepApart(t, s, slug, at, at)
		if k.Name == "" {
			t.Fatalf("KeepApart(%s): %+v, want the rows moved", slug, k)
		}
		kept[slug] = k.Name
	}
	// The new campaigns of those slugs sign.
	add(t, s, Sig("o", "x", "bob@example.org"), Sig("o", "y", "bob@example.org"))

	withAge := func(c signing.Credit, age time.Duration) signing.Credit { c.Age = age; return c }
	addCredits(t, s,
		withAge(credit("x", "mastodon", "bbbbbbbbbb", 2), 5*time.Minute), // counted before x's move
		withAge(credit("x", "email", "", 1), 0),                          // counted just now: too near to tell
		withAge(credit("y", "mastodon", "cccccccccc", 3), time.Minute),   // counted long after y's move
	)
	wantSources(t, s, "x")
	wantNoReferral(t, s, "x", "bbbbbbbbbb", nil)
	wantSources(t, s, kept["x"])
	wantSources(t, s, "y", signing.SourceCount{Source: "mastodon", Signatures: 3})
	wantReferral(t, s, "y", nil, signing.ReferralCount{Org: "o", Campaign: "y", Token: "cccccccccc", Signatures: 3})
}
