package storetest

import (
	"context"
	"errors"
	"slices"
	"sync"
	"testing"

	"github.com/placard/placard/internal/signing"
	"github.com/placard/placard/internal/store"
)

// reachSig is Sig with a Reach.
func reachSig(campaign, email, source, referrer, newToken string, hash byte) *signing.Signature {
	s := Sig("o", campaign, email)
	s.Reach = signing.Reach{Source: source, Referrer: referrer}
	if newToken != "" {
		s.Reach.NewLink = signing.Referral{Token: newToken, SecretHash: [32]byte{hash}}
	}
	return s
}

func wantSources(t *testing.T, s store.Store, campaign string, want ...signing.SourceCount) {
	t.Helper()
	got, err := s.Sources(context.Background(), "o", campaign)
	if err != nil {
		t.Fatalf("Sources: %v", err)
	}
	if !slices.Equal(got, want) {
		t.Errorf("Sources(o, %s): got %+v, want %+v", campaign, got, want)
	}
}

func wantReferral(t *testing.T, s store.Store, hash byte, want signing.ReferralCount) {
	t.Helper()
	got, err := s.Referral(context.Background(), [32]byte{hash})
	if err != nil {
		t.Fatalf("Referral(%d): %v", hash, err)
	}
	if got != want {
		t.Errorf("Referral(%d): got %+v, want %+v", hash, got, want)
	}
}

// testReach: a new signature counts once for its source and once for the
// personal link it came through (same campaign only); a duplicate counts
// nowhere; a new link is created with no signatures, and one that clashes
// with an existing token or key is not created and comes back cleared.
func testReach(t *testing.T, s store.Store) {
	ctx := context.Background()
	if _, err := s.Referral(ctx, [32]byte{9}); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("Referral of an unknown key: got %v, want ErrNotFound", err)
	}
	ann := reachSig("c", "ann@example.org", "x", "", "aaaaaaaaaa", 1)
	add(t, s, ann)
	if ann.Reach.NewLink.Token != "aaaaaaaaaa" {
		t.Errorf("new link token after insert: got %q, want aaaaaaaaaa", ann.Reach.NewLink.Token)
	}
	wantReferral(t, s, 1, signing.ReferralCount{Org: "o", Campaign: "c", Token: "aaaaaaaaaa"})
	wantSources(t, s, "c", signing.SourceCount{Source: "x", Signatures: 1})

	// Through Ann's link, without a source; then the same person again.
	add(t, s, reachSig("c", "bo@example.org", "", "aaaaaaaaaa", "bbbbbbbbbb", 2))
	res, err := s.AddSignatures(ctx, []*signing.Signature{reachSig("c", "bo@example.org", "x", "aaaaaaaaaa", "cccccccccc", 3)})
	if err != nil || !errors.Is(res[0], store.ErrAlreadySigned) {
		t.Fatalf("second signature of bo: got %v, %v, want ErrAlreadySigned", res, err)
	}
	wantReferral(t, s, 1, signing.ReferralCount{Org: "o", Campaign: "c", Token: "aaaaaaaaaa", Signatures: 1})
	if _, err := s.Referral(ctx, [32]byte{3}); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("the link of a duplicate signature: got %v, want ErrNotFound (not created)", err)
	}
	// Ann's link followed to another campaign credits nobody there.
	add(t, s, reachSig("other", "cy@example.org", "email", "aaaaaaaaaa", "", 0))
	// Two in one batch through Ann's link, one through Bo's, an unknown token.
	add(t, s,
		reachSig("c", "di@example.org", "whatsapp", "aaaaaaaaaa", "", 0),
		reachSig("c", "ed@example.org", "whatsapp", "aaaaaaaaaa", "", 0),
		reachSig("c", "fi@example.org", "x", "bbbbbbbbbb", "", 0),
		reachSig("c", "gu@example.org", "x", "zzzzzzzzzz", "", 0),
	)
	wantReferral(t, s, 1, signing.ReferralCount{Org: "o", Campaign: "c", Token: "aaaaaaaaaa", Signatures: 3})
	wantReferral(t, s, 2, signing.ReferralCount{Org: "o", Campaign: "c", Token: "bbbbbbbbbb", Signatures: 1})
	wantSources(t, s, "c",
		signing.SourceCount{Source: "", Signatures: 1},
		signing.SourceCount{Source: "whatsapp", Signatures: 2},
		signing.SourceCount{Source: "x", Signatures: 3})
	wantSources(t, s, "other", signing.SourceCount{Source: "email", Signatures: 1})

	// Clashes: an existing token, then an existing key. The signatures
	// still count; the links are not made.
	tokClash := reachSig("c", "ha@example.org", "", "", "aaaaaaaaaa", 7)
	keyClash := reachSig("c", "io@example.org", "", "", "dddddddddd", 1)
	add(t, s, tokClash, keyClash)
	if tokClash.Reach.NewLink.Token != "" || keyClash.Reach.NewLink.Token != "" {
		t.Errorf("clashing links: got tokens %q and %q, want both cleared", tokClash.Reach.NewLink.Token, keyClash.Reach.NewLink.Token)
	}
	if _, err := s.Referral(ctx, [32]byte{7}); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("a link whose token clashed: got %v, want ErrNotFound", err)
	}
	wantReferral(t, s, 1, signing.ReferralCount{Org: "o", Campaign: "c", Token: "aaaaaaaaaa", Signatures: 3})

	top, err := s.Referrals(ctx, "o", "c", 10)
	if err != nil {
		t.Fatal(err)
	}
	want := []signing.ReferralCount{{Org: "o", Campaign: "c", Token: "aaaaaaaaaa", Signatures: 3}, {Org: "o", Campaign: "c", Token: "bbbbbbbbbb", Signatures: 1}}
	if !slices.Equal(top, want) {
		t.Errorf("Referrals: got %+v, want %+v (links with no signatures left out)", top, want)
	}
	if top, _ := s.Referrals(ctx, "o", "c", 1); len(top) != 1 || top[0].Token != "aaaaaaaaaa" {
		t.Errorf("Referrals limit 1: got %+v, want only aaaaaaaaaa", top)
	}
	// Erasing a signer leaves the counts: they hold nothing personal.
	if _, err := s.Erase(ctx, "di@example.org"); err != nil {
		t.Fatal(err)
	}
	wantReferral(t, s, 1, signing.ReferralCount{Org: "o", Campaign: "c", Token: "aaaaaaaaaa", Signatures: 3})
}

// testArrivals: arrivals add up per campaign and source, beside signatures.
func testArrivals(t *testing.T, s store.Store) {
	ctx := context.Background()
	if err := s.AddArrivals(ctx, nil); err != nil {
		t.Fatalf("AddArrivals(nil): %v", err)
	}
	err := s.AddArrivals(ctx, []signing.Arrivals{
		{Org: "o", Campaign: "c", Source: "x", Count: 3},
		{Org: "o", Campaign: "c", Source: "qr", Count: 2},
		{Org: "o", Campaign: "d", Source: "x", Count: 1},
		{Org: "o", Campaign: "c", Source: "email", Count: 0},
	})
	if err != nil {
		t.Fatalf("AddArrivals: %v", err)
	}
	add(t, s, reachSig("c", "a@example.org", "x", "", "", 0))
	if err := s.AddArrivals(ctx, []signing.Arrivals{{Org: "o", Campaign: "c", Source: "x", Count: 1}}); err != nil {
		t.Fatalf("AddArrivals: %v", err)
	}
	wantSources(t, s, "c", signing.SourceCount{Source: "qr", Arrivals: 2}, signing.SourceCount{Source: "x", Arrivals: 4, Signatures: 1})
	wantSources(t, s, "d", signing.SourceCount{Source: "x", Arrivals: 1})

	// Instances flushing at once, with the same keys in opposite orders,
	// neither deadlock nor lose a count.
	var wg sync.WaitGroup
	errs := make([]error, 8)
	for i := range errs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			as := []signing.Arrivals{{Org: "o", Campaign: "e", Source: "x", Count: 1}, {Org: "o", Campaign: "e", Source: "qr", Count: 2}}
			if i%2 == 1 {
				as[0], as[1] = as[1], as[0]
			}
			errs[i] = s.AddArrivals(ctx, as)
		}()
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("concurrent AddArrivals %d: %v", i, err)
		}
	}
	wantSources(t, s, "e", signing.SourceCount{Source: "qr", Arrivals: 16}, signing.SourceCount{Source: "x", Arrivals: 8})
}

// testReachCommitter: signatures through the group Committer carry their
// Reach like single inserts, however the batches fall.
func testReachCommitter(t *testing.T, s store.Store) {
	ctx := context.Background()
	add(t, s, reachSig("c", "host@example.org", "", "", "hhhhhhhhhh", 1))
	c := store.NewCommitter(s, store.CommitterOptions{MaxBatch: 8})
	defer c.Close()
	const n = 40
	var wg sync.WaitGroup
	errs := make([]error, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			email := string(rune('a'+i%26)) + string(rune('a'+i/26)) + "@example.org"
			errs[i] = c.Sign(ctx, reachSig("c", email, "telegram", "hhhhhhhhhh", "", 0))
		}()
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("Sign %d: %v", i, err)
		}
	}
	wantReferral(t, s, 1, signing.ReferralCount{Org: "o", Campaign: "c", Token: "hhhhhhhhhh", Signatures: n})
	wantSources(t, s, "c", signing.SourceCount{Source: "", Signatures: 1}, signing.SourceCount{Source: "telegram", Signatures: n})
}
