package storetest

import (
	"context"
	"testing"

	"github.com/placard/placard/internal/signing"
	"github.com/placard/placard/internal/store"
)

// testPurgeReach: Purge leaves nothing of the campaign's signing behind —
// its personal links' rows (what each brought) and its per-source counts
// go with its signatures, in the same transaction — and leaves other
// campaigns' alone. A campaign whose pages were only visited (arrivals,
// no signature) loses its counts too, and its purge still removes no
// signature.
func testPurgeReach(t *testing.T, s store.Store) {
	ctx := context.Background()
	add(t, s, Sig("o", "closed", "ann@example.org"), Sig("o", "open", "ann@example.org"))
	addCredits(t, s,
		credit("closed", "x", "aaaaaaaaaa", 2),
		credit("closed", "", "", 1),
		credit("open", "x", "aaaaaaaaaa", 1))
	arrive := func(campaign string, n int) {
		t.Helper()
		if err := s.AddArrivals(ctx, []signing.Arrivals{{Org: "o", Campaign: campaign, Source: "qr", Count: n}}); err != nil {
			t.Fatalf("AddArrivals: %v", err)
		}
	}
	arrive("closed", 5)
	arrive("open", 4)
	arrive("visited", 3)
	wantReferral(t, s, "closed", nil, signing.ReferralCount{Org: "o", Campaign: "closed", Token: "aaaaaaaaaa", Signatures: 2})

	if n, err := s.Purge(ctx, "o", "closed"); err != nil || n != 1 {
		t.Fatalf("Purge(o, closed): got %d, %v, want 1, nil", n, err)
	}
	wantSources(t, s, "closed")
	wantNoReferral(t, s, "closed", "aaaaaaaaaa", nil)
	if top, err := s.Referrals(ctx, "o", "closed", 10); err != nil || len(top) != 0 {
		t.Errorf("Referrals after Purge: %+v, %v; want none", top, err)
	}
	// Another campaign keeps its own, the same token's included.
	wantReferral(t, s, "open", nil, signing.ReferralCount{Org: "o", Campaign: "open", Token: "aaaaaaaaaa", Signatures: 1})
	wantSources(t, s, "open",
		signing.SourceCount{Source: "qr", Arrivals: 4},
		signing.SourceCount{Source: "x", Signatures: 1})

	if n, err := s.Purge(ctx, "o", "visited"); err != nil || n != 0 {
		t.Fatalf("Purge(o, visited): got %d, %v, want 0, nil", n, err)
	}
	wantSources(t, s, "visited")
	wantSources(t, s, "open",
		signing.SourceCount{Source: "qr", Arrivals: 4},
		signing.SourceCount{Source: "x", Signatures: 1})
}

// testCreditsAfterPurge: credits held in a server's memory and written
// after their campaign was purged (a retention of 0 days, or a purge run
// by hand right after a campaign closed) bring back none of its rows: a
// credit only ever follows a stored signature, so a campaign that holds
// none was purged and is skipped. Credits of a campaign that still holds
// signatures, in the same write, count as ever.
func testCreditsAfterPurge(t *testing.T, s store.Store) {
	ctx := context.Background()
	add(t, s, Sig("o", "closed", "ann@example.org"), Sig("o", "open", "bob@example.org"))
	addCredits(t, s, credit("closed", "x", "aaaaaaaaaa", 1))
	if n, err := s.Purge(ctx, "o", "closed"); err != nil || n != 1 {
		t.Fatalf("Purge(o, closed): got %d, %v, want 1, nil", n, err)
	}
	addCredits(t, s,
		credit("closed", "x", "aaaaaaaaaa", 1),
		credit("closed", "leaflet", "bbbbbbbbbb", 2),
		credit("open", "x", "aaaaaaaaaa", 1),
		credit("never", "x", "cccccccccc", 1))
	wantSources(t, s, "closed")
	wantNoReferral(t, s, "closed", "aaaaaaaaaa", nil)
	wantNoReferral(t, s, "closed", "bbbbbbbbbb", nil)
	if top, err := s.Referrals(ctx, "o", "closed", 10); err != nil || len(top) != 0 {
		t.Errorf("Referrals of a purged campaign after a late credit: %+v, %v; want none", top, err)
	}
	wantSources(t, s, "never")
	wantNoReferral(t, s, "never", "cccccccccc", nil)
	wantSources(t, s, "open", signing.SourceCount{Source: "x", Signatures: 1})
	wantReferral(t, s, "open", nil, signing.ReferralCount{Org: "o", Campaign: "open", Token: "aaaaaaaaaa", Signatures: 1})
}
