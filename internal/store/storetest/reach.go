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

func credit(campaign, source, referrer string, n int) signing.Credit {
	return signing.Credit{Org: "o", Campaign: campaign, Source: source, Referrer: referrer, Count: n}
}

func addCredits(t *testing.T, s store.Store, cs ...signing.Credit) {
	t.Helper()
	if err := s.AddCredits(context.Background(), cs); err != nil {
		t.Fatalf("AddCredits: %v", err)
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

func wantReferral(t *testing.T, s store.Store, campaign string, hash *[32]byte, want signing.ReferralCount) {
	t.Helper()
	got, err := s.Referral(context.Background(), "o", campaign, want.Token, hash)
	if err != nil {
		t.Fatalf("Referral(%s, %s): %v", campaign, want.Token, err)
	}
	if got != want {
		t.Errorf("Referral(%s, %s): got %+v, want %+v", campaign, want.Token, got, want)
	}
}

func wantNoReferral(t *testing.T, s store.Store, campaign, token string, hash *[32]byte) {
	t.Helper()
	if got, err := s.Referral(context.Background(), "o", campaign, token, hash); !errors.Is(err, store.ErrNotFound) || got != (signing.ReferralCount{}) {
		t.Errorf("Referral(%s, %s, hash %v): got %+v, %v, want ErrNotFound", campaign, token, hash != nil, got, err)
	}
}

// testReach: credits count per source and per personal link of the
// campaign credited; a link's row is made by its first credit (links are
// stored nowhere before), a token credited on one campaign makes no row
// on another, and such a row is found without a hash and never with one.
// Signatures alone count nowhere here.
func testReach(t *testing.T, s store.Store) {
	ctx := context.Background()
	wantNoReferral(t, s, "c", "zzzzzzzzzz", nil)
	wantNoReferral(t, s, "c", "zzzzzzzzzz", &[32]byte{9})
	add(t, s, Sig("o", "c", "ann@example.org"))
	wantSources(t, s, "c")
	if top, err := s.Referrals(ctx, "o", "c", 10); err != nil || len(top) != 0 {
		t.Errorf("Referrals before any credit: %+v, %v; want none", top, err)
	}

	addCredits(t, s, credit("c", "x", "", 1))
	wantSources(t, s, "c", signing.SourceCount{Source: "x", Signatures: 1})
	wantNoReferral(t, s, "c", "aaaaaaaaaa", nil)
	addCredits(t, s, credit("c", "", "aaaaaaaaaa", 1))
	wantReferral(t, s, "c", nil, signing.ReferralCount{Org: "o", Campaign: "c", Token: "aaaaaaaaaa", Signatures: 1})
	// A row its credits made holds no hash: no key's hash opens it.
	for _, h := range []*[32]byte{{1}, {}} {
		wantNoReferral(t, s, "c", "aaaaaaaaaa", h)
	}
	// Counts of the same row add up, per campaign; empty counts change
	// nothing.
	add(t, s, Sig("o", "other", "ann@example.org"))
	addCredits(t, s,
		credit("other", "email", "aaaaaaaaaa", 1),
		credit("c", "whatsapp", "aaaaaaaaaa", 1),
		credit("c", "whatsapp", "aaaaaaaaaa", 1),
		credit("c", "x", "bbbbbbbbbb", 1),
		credit("c", "qr", "cccccccccc", 0),
		credit("c", "qr", "cccccccccc", -3),
	)
	addCredits(t, s)
	wantReferral(t, s, "c", nil, signing.ReferralCount{Org: "o", Campaign: "c", Token: "aaaaaaaaaa", Signatures: 3})
	wantReferral(t, s, "c", nil, signing.ReferralCount{Org: "o", Campaign: "c", Token: "bbbbbbbbbb", Signatures: 1})
	wantReferral(t, s, "other", nil, signing.ReferralCount{Org: "o", Campaign: "other", Token: "aaaaaaaaaa", Signatures: 1})
	wantNoReferral(t, s, "c", "cccccccccc", nil)
	wantNoReferral(t, s, "d", "aaaaaaaaaa", nil)
	wantSources(t, s, "c",
		signing.SourceCount{Source: "", Signatures: 1},
		signing.SourceCount{Source: "whatsapp", Signatures: 2},
		signing.SourceCount{Source: "x", Signatures: 2})
	wantSources(t, s, "other", signing.SourceCount{Source: "email", Signatures: 1})

	top, err := s.Referrals(ctx, "o", "c", 10)
	if err != nil {
		t.Fatal(err)
	}
	want := []signing.ReferralCount{{Org: "o", Campaign: "c", Token: "aaaaaaaaaa", Signatures: 3}, {Org: "o", Campaign: "c", Token: "bbbbbbbbbb", Signatures: 1}}
	if !slices.Equal(top, want) {
		t.Errorf("Referrals: got %+v, want %+v", top, want)
	}
	if top, _ := s.Referrals(ctx, "o", "c", 1); len(top) != 1 || top[0].Token != "aaaaaaaaaa" {
		t.Errorf("Referrals limit 1: got %+v, want only aaaaaaaaaa", top)
	}
	// Erasing a signer leaves the counts: they hold nothing personal.
	if _, err := s.Erase(ctx, "ann@example.org"); err != nil {
		t.Fatal(err)
	}
	wantReferral(t, s, "c", nil, signing.ReferralCount{Org: "o", Campaign: "c", Token: "aaaaaaaaaa", Signatures: 3})
}

// LegacyLink checks a personal link made before links were keyed by the
// link secret: s holds its row, written by the engine's test with SQL as
// the link pool stored it (org "o", campaign "c", token, the hash of its
// key, no signatures). Its private page opens with that hash only, never
// without one or with another, on its own campaign only; credits to its
// token (share links already out) add to its row and keep its hash.
func LegacyLink(t *testing.T, s store.Store, token string, hash [32]byte) {
	t.Helper()
	wantReferral(t, s, "c", &hash, signing.ReferralCount{Org: "o", Campaign: "c", Token: token})
	other := hash
	other[0] ^= 1
	wantNoReferral(t, s, "c", token, &other)
	wantNoReferral(t, s, "c", token, nil)
	wantNoReferral(t, s, "d", token, &hash)
	add(t, s, Sig("o", "c", "legacy@example.org")) // credits follow a signature
	addCredits(t, s, credit("c", "whatsapp", token, 2), credit("c", "", token, 1))
	wantReferral(t, s, "c", &hash, signing.ReferralCount{Org: "o", Campaign: "c", Token: token, Signatures: 3})
	wantNoReferral(t, s, "c", token, nil)
	if top, err := s.Referrals(context.Background(), "o", "c", 10); err != nil || !slices.Equal(top, []signing.ReferralCount{{Org: "o", Campaign: "c", Token: token, Signatures: 3}}) {
		t.Errorf("Referrals with a legacy link credited: %+v, %v", top, err)
	}
}

// testLinkSecret: the link secret is 32 bytes, the same on every call,
// and not the form-token secret.
func testLinkSecret(t *testing.T, s store.Store) {
	ls, ok := s.(store.LinkSecret)
	if !ok {
		t.Fatalf("%T does not keep a link secret (store.LinkSecret)", s)
	}
	ctx := context.Background()
	var wg sync.WaitGroup
	got := make([][]byte, 4)
	errs := make([]error, len(got))
	for i := range got {
		wg.Go(func() { got[i], errs[i] = ls.LinkSecret(ctx) })
	}
	wg.Wait()
	for i := range got {
		if errs[i] != nil || len(got[i]) != 32 || string(got[i]) != string(got[0]) {
			t.Fatalf("LinkSecret %d: %x, %v; want the same 32 bytes as the first (%x)", i, got[i], errs[i], got[0])
		}
	}
	again, err := ls.LinkSecret(ctx)
	if err != nil || string(again) != string(got[0]) {
		t.Errorf("LinkSecret again: %x, %v; want %x", again, err, got[0])
	}
	if form, err := s.Secret(ctx); err != nil || string(form) == string(got[0]) {
		t.Errorf("the link secret is the form-token secret (%x, %v)", form, err)
	}
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
	add(t, s, Sig("o", "c", "ann@example.org"))
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
// rows in opposite orders (links whose rows the first of them makes),
// neither deadlock nor lose a count.
func testCreditsConcurrent(t *testing.T, s store.Store) {
	add(t, s, Sig("o", "c", "ann@example.org"))
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
	wantReferral(t, s, "c", nil, signing.ReferralCount{Org: "o", Campaign: "c", Token: "hhhhhhhhhh", Signatures: 8})
	wantReferral(t, s, "c", nil, signing.ReferralCount{Org: "o", Campaign: "c", Token: "iiiiiiiiii", Signatures: 16})
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
