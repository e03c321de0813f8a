package storetest

import (
	"context"
	"errors"
	"reflect"
	"slices"
	"sync"
	"testing"

	"github.com/placard/placard/internal/signing"
	"github.com/placard/placard/internal/store"
)

func link(token string, hash byte) signing.Referral {
	return signing.Referral{Token: token, SecretHash: [32]byte{hash}}
}

func credit(campaign, source, referrer string, n int) signing.Credit {
	return signing.Credit{Org: "o", Campaign: campaign, Source: source, Referrer: referrer, Count: n}
}

func addCredits(t *testing.T, s store.Store, cs ...signing.Credit) {
	t.Helper()
	if err := s.AddCredits(context.Background(), cs); err != nil {
		t.Fatalf("AddCredits: %v", err)
	}
}

func addLinks(t *testing.T, s store.Store, campaign string, want []signing.Referral, ls ...signing.Referral) {
	t.Helper()
	got, err := s.AddLinks(context.Background(), "o", campaign, ls)
	if err != nil {
		t.Fatalf("AddLinks: %v", err)
	}
	if !slices.Equal(got, want) {
		t.Errorf("AddLinks made %+v, want %+v", got, want)
	}
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
	got, err := s.Referral(context.Background(), want.Token, [32]byte{hash})
	if err != nil {
		t.Fatalf("Referral(%d): %v", hash, err)
	}
	if got != want {
		t.Errorf("Referral(%d): got %+v, want %+v", hash, got, want)
	}
}

// testReach: credits count per source and per personal link of the same
// campaign (unknown tokens and other campaigns' links are ignored); links
// are created with no signatures, and one that clashes with an existing
// token or key is not created. Signatures alone count nowhere here.
func testReach(t *testing.T, s store.Store) {
	ctx := context.Background()
	if _, err := s.Referral(ctx, "zzzzzzzzzz", [32]byte{9}); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("Referral of an unknown key: got %v, want ErrNotFound", err)
	}
	add(t, s, Sig("o", "c", "ann@example.org"))
	wantSources(t, s, "c")
	a, b := link("aaaaaaaaaa", 1), link("bbbbbbbbbb", 2)
	addLinks(t, s, "c", []signing.Referral{b, a}, b, a)
	wantReferral(t, s, 1, signing.ReferralCount{Org: "o", Campaign: "c", Token: "aaaaaaaaaa"})
	// A stored token with the hash of another key (or of none) is not
	// found: the page of a key opens only its own link.
	for _, h := range []byte{2, 0} {
		if got, err := s.Referral(ctx, "aaaaaaaaaa", [32]byte{h}); !errors.Is(err, store.ErrNotFound) || got != (signing.ReferralCount{}) {
			t.Errorf("Referral(aaaaaaaaaa) with the wrong key's hash: got %+v, %v, want ErrNotFound", got, err)
		}
	}
	addLinks(t, s, "c", nil)

	addCredits(t, s, credit("c", "x", "", 1))
	wantSources(t, s, "c", signing.SourceCount{Source: "x", Signatures: 1})
	addCredits(t, s, credit("c", "", "aaaaaaaaaa", 1))
	wantReferral(t, s, 1, signing.ReferralCount{Org: "o", Campaign: "c", Token: "aaaaaaaaaa", Signatures: 1})
	// Ann's link credited on another campaign credits nobody there; counts
	// of the same row add up; an unknown token and empty counts change
	// nothing.
	addCredits(t, s,
		credit("other", "email", "aaaaaaaaaa", 1),
		credit("c", "whatsapp", "aaaaaaaaaa", 1),
		credit("c", "whatsapp", "aaaaaaaaaa", 1),
		credit("c", "x", "bbbbbbbbbb", 1),
		credit("c", "x", "zzzzzzzzzz", 1),
		credit("c", "qr", "bbbbbbbbbb", 0),
		credit("c", "qr", "bbbbbbbbbb", -3),
	)
	addCredits(t, s)
	wantReferral(t, s, 1, signing.ReferralCount{Org: "o", Campaign: "c", Token: "aaaaaaaaaa", Signatures: 3})
	wantReferral(t, s, 2, signing.ReferralCount{Org: "o", Campaign: "c", Token: "bbbbbbbbbb", Signatures: 1})
	wantSources(t, s, "c",
		signing.SourceCount{Source: "", Signatures: 1},
		signing.SourceCount{Source: "whatsapp", Signatures: 2},
		signing.SourceCount{Source: "x", Signatures: 3})
	wantSources(t, s, "other", signing.SourceCount{Source: "email", Signatures: 1})

	// Clashes: an existing token, a token twice. Only the fresh tokens are
	// made. A link is found by its token, so two keys with one hash (which
	// random 128-bit keys never have) need not be refused.
	d, e, f := link("dddddddddd", 1), link("eeeeeeeeee", 5), link("ffffffffff", 6)
	addLinks(t, s, "c", []signing.Referral{d, e, f}, link("aaaaaaaaaa", 7), d, e, f, link("ffffffffff", 8))
	if _, err := s.Referral(ctx, "aaaaaaaaaa", [32]byte{7}); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("a link whose token clashed: got %v, want ErrNotFound", err)
	}
	wantReferral(t, s, 1, signing.ReferralCount{Org: "o", Campaign: "c", Token: "aaaaaaaaaa", Signatures: 3})
	wantReferral(t, s, 5, signing.ReferralCount{Org: "o", Campaign: "c", Token: "eeeeeeeeee"})

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
	if _, err := s.Erase(ctx, "ann@example.org"); err != nil {
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
	addCredits(t, s, credit("c", "x", "", 1))
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

// testCreditsConcurrent: instances flushing credits at once, with the same
// rows in opposite orders, neither deadlock nor lose a count.
func testCreditsConcurrent(t *testing.T, s store.Store) {
	addLinks(t, s, "c", []signing.Referral{link("hhhhhhhhhh", 1), link("iiiiiiiiii", 2)}, link("hhhhhhhhhh", 1), link("iiiiiiiiii", 2))
	var wg sync.WaitGroup
	errs := make([]error, 8)
	for i := range errs {
		wg.Go(func() {
			cs := []signing.Credit{credit("c", "telegram", "hhhhhhhhhh", 1), credit("c", "x", "iiiiiiiiii", 2)}
			if i%2 == 1 {
				cs[0], cs[1] = cs[1], cs[0]
			}
			errs[i] = s.AddCredits(context.Background(), cs)
		})
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("concurrent AddCredits %d: %v", i, err)
		}
	}
	wantReferral(t, s, 1, signing.ReferralCount{Org: "o", Campaign: "c", Token: "hhhhhhhhhh", Signatures: 8})
	wantReferral(t, s, 2, signing.ReferralCount{Org: "o", Campaign: "c", Token: "iiiiiiiiii", Signatures: 16})
	wantSources(t, s, "c", signing.SourceCount{Source: "telegram", Signatures: 8}, signing.SourceCount{Source: "x", Signatures: 16})
}

// testOrganisations: Organisations lists a campaign's approved
// organisation sign-ons only, oldest first, without contact details.
func testOrganisations(t *testing.T, s store.Store) {
	ctx := context.Background()
	org := func(email, name string, status signing.Status) *signing.Signature {
		sig := Sig("o", "c", email)
		sig.Kind, sig.Status, sig.Organisation, sig.Role, sig.Public = signing.KindOrganisation, status, name, "Chair", true
		return sig
	}
	a, b := org("a@example.org", "Alpha", signing.StatusApproved), org("b@example.org", "Beta", signing.StatusApproved)
	other := org("a@example.org", "Alpha", signing.StatusApproved)
	other.Campaign = "d"
	add(t, s, a, Sig("o", "c", "person@example.org"), org("p@example.org", "Pending", signing.StatusPending), b, other)
	got, err := s.Organisations(ctx, "o", "c")
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].Organisation != "Alpha" || got[1].Organisation != "Beta" {
		t.Fatalf("Organisations: got %+v, want Alpha then Beta", got)
	}
	want := signing.Signature{ID: a.ID, Org: "o", Campaign: "c", Action: a.Action, Kind: signing.KindOrganisation,
		Status: signing.StatusApproved, Name: a.Name, Organisation: "Alpha", Role: "Chair", Public: true, CreatedAt: a.CreatedAt}
	if !reflect.DeepEqual(got[0], want) {
		t.Errorf("Organisations[0]:\n got %+v\nwant %+v", got[0], want)
	}
	if err := s.SetStatus(ctx, a.ID, signing.StatusRejected); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.Organisations(ctx, "o", "c"); len(got) != 1 || got[0].Organisation != "Beta" {
		t.Errorf("Organisations after rejecting Alpha: got %+v, want Beta only", got)
	}
}
