// Package storetest is the one behavioural suite every store.Store engine
// must pass. Engines call Run from their own tests with a function that
// opens a fresh, empty store; RunReopen additionally checks what must
// survive closing and opening the same database again.
//
// The suite gives the store normalised input (trimmed, lower-cased emails),
// as the signing layer does: normalising is the caller's job, uniqueness is
// the store's.
package storetest

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/placard/placard/internal/signing"
	"github.com/placard/placard/internal/store"
)

// Opener returns a fresh, empty store for one test; the engine's test
// closes or drops it in t.Cleanup (the suite closes it too where it must).
type Opener func(t *testing.T) store.Store

// base is a fixed instant with microsecond precision, the precision both
// engines keep.
var base = time.Date(2026, 3, 1, 9, 30, 15, 123456000, time.UTC)

// Sig returns a valid individual signature for org/campaign with email,
// approved and not public: a starting point tests adjust.
func Sig(org, campaign, email string) *signing.Signature {
	return &signing.Signature{
		Org: org, Campaign: campaign, Action: "sign",
		Kind: signing.KindIndividual, Status: signing.StatusApproved,
		Name: "Signer " + email, Email: email,
		ConsentText: "I agree that Riverside may contact me.",
		ConsentAt:   base, Lang: "en", CreatedAt: base,
	}
}

// Run runs the conformance suite against stores from open.
func Run(t *testing.T, open Opener) {
	t.Run("InsertAssignsIDs", func(t *testing.T) { testInsert(t, open(t)) })
	t.Run("DuplicateEmail", func(t *testing.T) { testDuplicate(t, open(t)) })
	t.Run("DuplicateInOneBatch", func(t *testing.T) { testDuplicateBatch(t, open(t)) })
	t.Run("SameEmailTwoCampaigns", func(t *testing.T) { testTwoCampaigns(t, open(t)) })
	t.Run("Counts", func(t *testing.T) { testCounts(t, open(t)) })
	t.Run("PublicSigners", func(t *testing.T) { testPublicSigners(t, open(t)) })
	t.Run("SignaturesIteration", func(t *testing.T) { testSignatures(t, open(t)) })
	t.Run("SetStatusNotFound", func(t *testing.T) { testSetStatusNotFound(t, open(t)) })
	t.Run("EraseEverywhere", func(t *testing.T) { testErase(t, open(t)) })
	t.Run("MailPace", func(t *testing.T) { testMailPace(t, open(t)) }) // mailpace.go
	t.Run("MailPaceClockBack", func(t *testing.T) { testMailPaceClockBack(t, open(t)) })
	t.Run("MailUnsent", func(t *testing.T) { testMailUnsent(t, open(t)) })       // mailpace.go
	t.Run("RefusedCounts", func(t *testing.T) { testRefusedCounts(t, open(t)) }) // refused.go
	t.Run("CaughtCounts", func(t *testing.T) { testCaughtCounts(t, open(t)) })   // caught.go
	t.Run("PurgeKeepsCounts", func(t *testing.T) { testPurge(t, open(t)) })
	t.Run("PurgeReach", func(t *testing.T) { testPurgeReach(t, open(t)) })                 // purgereach.go
	t.Run("CreditsAfterPurge", func(t *testing.T) { testCreditsAfterPurge(t, open(t)) })   // purgereach.go
	t.Run("PurgeMailCounts", func(t *testing.T) { testPurgeMailCounts(t, open(t)) })       // purgemail.go
	t.Run("ErasedWhileClaimed", func(t *testing.T) { testErasedWhileClaimed(t, open(t)) }) // erasedheld.go
	t.Run("SecretStable", func(t *testing.T) { testSecret(t, open(t)) })
	t.Run("Ready", func(t *testing.T) { testReady(t, open(t)) })
	t.Run("RoundTripExact", func(t *testing.T) { testRoundTrip(t, open(t)) })
	t.Run("Revisions", func(t *testing.T) { testRevisions(t, open(t)) })
	t.Run("ReachSourcesAndReferrals", func(t *testing.T) { testReach(t, open(t)) })
	t.Run("ReachArrivals", func(t *testing.T) { testArrivals(t, open(t)) })
	t.Run("ClaimOnce", func(t *testing.T) { testClaimOnce(t, open(t)) })
	t.Run("Changes", func(t *testing.T) { testChanges(t, open(t)) })
	t.Run("Organisations", func(t *testing.T) { testOrganisations(t, open(t)) })
	t.Run("ReachCreditsConcurrent", func(t *testing.T) { testCreditsConcurrent(t, open(t)) })
	t.Run("LinkSecret", func(t *testing.T) { testLinkSecret(t, open(t)) }) // reach.go
	t.Run("AgainstModel", func(t *testing.T) { testAgainstModel(t, open(t)) })
	t.Run("CommitterConcurrent", func(t *testing.T) { testCommitter(t, open(t)) })
	t.Run("CommitterCancelled", func(t *testing.T) { testCommitterCancelled(t, open(t)) })
	t.Run("CommitterClose", func(t *testing.T) { testCommitterClose(t, open(t)) })
	t.Run("ErrorsNameTheOperation", func(t *testing.T) { testErrorsNameTheOperation(t, open(t)) })
	t.Run("OutboxWithSignatures", func(t *testing.T) { testOutboxWithSignatures(t, open(t)) })
	t.Run("OutboxLifecycle", func(t *testing.T) { testOutboxLifecycle(t, open(t)) })
	t.Run("OutboxErase", func(t *testing.T) { testOutboxErase(t, open(t)) })
	t.Run("OutboxDoneMany", func(t *testing.T) { testOutboxDoneMany(t, open(t)) })
	t.Run("OutboxClaimConcurrent", func(t *testing.T) { testOutboxClaimConcurrent(t, open(t)) })
	t.Run("OutboxLanes", func(t *testing.T) { testOutboxLanes(t, open(t)) })                                   // outboxlanes.go
	t.Run("OutboxLanesReleaseKeepsPlace", func(t *testing.T) { testOutboxLanesReleaseKeepsPlace(t, open(t)) }) // outboxlanes.go
	t.Run("OutboxUntriedKeepsPlace", func(t *testing.T) { testOutboxUntriedKeepsPlace(t, open(t)) })           // outboxlanes.go
	t.Run("OutboxLanesAroundManyLanes", func(t *testing.T) { testOutboxLanesAroundManyLanes(t, open(t)) })     // outboxlanes.go
	t.Run("OutboxSignedClaim", func(t *testing.T) { testOutboxSignedClaim(t, open(t)) })                       // outboxsigned.go
	t.Run("OutboxSignedManage", func(t *testing.T) { testOutboxSignedManage(t, open(t)) })                     // outboxsigned.go
	t.Run("NameParts", func(t *testing.T) { testNameParts(t, open(t)) })
	t.Run("CloseTwice", func(t *testing.T) { testCloseTwice(t, open(t)) })
}

// Place returns an opener for one database that is fresh for this test and
// opened afresh by every call, so a test can close and reopen it.
type Place func(t *testing.T) (open func() (store.Store, error))

// RunReopen checks what must survive closing a store and opening the same
// database again: signatures, tallies and the secret.
func RunReopen(t *testing.T, place Place) {
	t.Run("Reopen", func(t *testing.T) {
		ctx := context.Background()
		open := place(t)
		s1, err := open()
		if err != nil {
			t.Fatalf("open: %v", err)
		}
		key1, err := s1.Secret(ctx)
		if err != nil {
			t.Fatalf("Secret: %v", err)
		}
		add(t, s1, Sig("o", "c", "a@example.org"), Sig("o", "c", "b@example.org"))
		if err := s1.Close(); err != nil {
			t.Fatalf("Close: %v", err)
		}
		// Opening an up-to-date database again must not re-run migrations.
		s2, err := open()
		if err != nil {
			t.Fatalf("reopen: %v", err)
		}
		defer s2.Close()
		key2, err := s2.Secret(ctx)
		if err != nil {
			t.Fatalf("Secret after reopen: %v", err)
		}
		if string(key1) != string(key2) {
			t.Errorf("Secret changed across reopen: got %x, want %x", key2, key1)
		}
		wantCounts(t, s2, signing.Count{Org: "o", Campaign: "c", Signatures: 2})
		if got := emails(t, s2, "o", "c", ""); !slices.Equal(got, []string{"a@example.org", "b@example.org"}) {
			t.Errorf("signatures after reopen: got %v, want [a@example.org b@example.org]", got)
		}
	})
}

// add stores sigs in one batch and fails unless every one was inserted.
func add(t *testing.T, s store.Store, sigs ...*signing.Signature) {
	t.Helper()
	res, err := s.AddSignatures(context.Background(), sigs)
	if err != nil {
		t.Fatalf("AddSignatures: %v", err)
	}
	for i, e := range res {
		if e != nil {
			t.Fatalf("AddSignatures result %d (%s): got %v, want nil", i, sigs[i].Email, e)
		}
	}
}

func wantCounts(t *testing.T, s store.Store, want ...signing.Count) {
	t.Helper()
	got, err := s.Counts(context.Background())
	if err != nil {
		t.Fatalf("Counts: %v", err)
	}
	// A campaign whose signatures were all erased may appear with zeros.
	got = slices.DeleteFunc(got, func(c signing.Count) bool {
		return c.Signatures == 0 && c.Organisations == 0 && c.Pending == 0
	})
	if !slices.Equal(got, want) {
		t.Errorf("Counts: got %+v, want %+v", got, want)
	}
}

func emails(t *testing.T, s store.Store, org, campaign string, status signing.Status) []string {
	t.Helper()
	var out []string
	err := s.Signatures(context.Background(), org, campaign, status, func(sig *signing.Signature) error {
		out = append(out, sig.Email)
		return nil
	})
	if err != nil {
		t.Fatalf("Signatures: %v", err)
	}
	return out
}

func testInsert(t *testing.T, s store.Store) {
	a, b := Sig("o", "c", "a@example.org"), Sig("o", "c", "b@example.org")
	add(t, s, a, b)
	if a.ID == 0 || b.ID == 0 || a.ID == b.ID {
		t.Errorf("IDs: got %d and %d, want two distinct non-zero ids", a.ID, b.ID)
	}
	c := Sig("o", "c", "c@example.org")
	add(t, s, c)
	if c.ID <= b.ID {
		t.Errorf("later signature's ID: got %d, want > %d", c.ID, b.ID)
	}
	res, err := s.AddSignatures(context.Background(), nil)
	if err != nil || len(res) != 0 {
		t.Errorf("AddSignatures(nil): got %v, %v, want no results and no error", res, err)
	}
}

func testDuplicate(t *testing.T, s store.Store) {
	first := Sig("o", "c", "same@example.org")
	add(t, s, first)
	again := Sig("o", "c", "same@example.org")
	again.Name = "Someone Else"
	res, err := s.AddSignatures(context.Background(), []*signing.Signature{again, Sig("o", "c", "other@example.org")})
	if err != nil {
		t.Fatalf("AddSignatures: %v", err)
	}
	if !errors.Is(res[0], store.ErrAlreadySigned) || res[1] != nil {
		t.Errorf("results: got %v, want [ErrAlreadySigned nil]", res)
	}
	if again.ID != 0 {
		t.Errorf("duplicate got ID %d, want 0", again.ID)
	}
	wantCounts(t, s, signing.Count{Org: "o", Campaign: "c", Signatures: 2})
	var names []string
	s.Signatures(context.Background(), "o", "c", "", func(sig *signing.Signature) error {
		names = append(names, sig.Name)
		return nil
	})
	if len(names) != 2 || names[0] != first.Name {
		t.Errorf("after duplicate: got names %q, want the first signature kept unchanged", names)
	}
}

func testDuplicateBatch(t *testing.T, s store.Store) {
	res, err := s.AddSignatures(context.Background(), []*signing.Signature{
		Sig("o", "c", "x@example.org"), Sig("o", "c", "y@example.org"), Sig("o", "c", "x@example.org"),
	})
	if err != nil {
		t.Fatalf("AddSignatures: %v", err)
	}
	if res[0] != nil || res[1] != nil || !errors.Is(res[2], store.ErrAlreadySigned) {
		t.Errorf("results: got %v, want [nil nil ErrAlreadySigned]", res)
	}
	wantCounts(t, s, signing.Count{Org: "o", Campaign: "c", Signatures: 2})
}

func testTwoCampaigns(t *testing.T, s store.Store) {
	add(t, s, Sig("o", "c1", "p@example.org"), Sig("o", "c2", "p@example.org"), Sig("o2", "c1", "p@example.org"))
	wantCounts(t, s,
		signing.Count{Org: "o", Campaign: "c1", Signatures: 1},
		signing.Count{Org: "o", Campaign: "c2", Signatures: 1},
		signing.Count{Org: "o2", Campaign: "c1", Signatures: 1})
}

func orgSig(campaign, email, orgName string, status signing.Status) *signing.Signature {
	s := Sig("o", campaign, email)
	s.Kind, s.Status, s.Organisation, s.Role = signing.KindOrganisation, status, orgName, "Director"
	return s
}

func testCounts(t *testing.T, s store.Store) {
	ctx := context.Background()
	wantCounts(t, s)
	p1, p2 := orgSig("letter", "p1@example.org", "Org One", signing.StatusPending), orgSig("letter", "p2@example.org", "Org Two", signing.StatusPending)
	add(t, s, Sig("o", "letter", "i1@example.org"), Sig("o", "letter", "i2@example.org"), p1, p2,
		orgSig("letter", "a1@example.org", "Org Three", signing.StatusApproved))
	wantCounts(t, s, signing.Count{Org: "o", Campaign: "letter", Signatures: 3, Organisations: 1, Pending: 2})

	if err := s.SetStatus(ctx, p1.ID, signing.StatusApproved); err != nil {
		t.Fatalf("SetStatus approve: %v", err)
	}
	wantCounts(t, s, signing.Count{Org: "o", Campaign: "letter", Signatures: 4, Organisations: 2, Pending: 1})
	if err := s.SetStatus(ctx, p2.ID, signing.StatusRejected); err != nil {
		t.Fatalf("SetStatus reject: %v", err)
	}
	wantCounts(t, s, signing.Count{Org: "o", Campaign: "letter", Signatures: 4, Organisations: 2, Pending: 0})
	// Setting the same status again changes nothing.
	if err := s.SetStatus(ctx, p1.ID, signing.StatusApproved); err != nil {
		t.Fatalf("SetStatus repeat: %v", err)
	}
	// Approved back to pending takes it out of the count again.
	if err := s.SetStatus(ctx, p1.ID, signing.StatusPending); err != nil {
		t.Fatalf("SetStatus back to pending: %v", err)
	}
	wantCounts(t, s, signing.Count{Org: "o", Campaign: "letter", Signatures: 3, Organisations: 1, Pending: 1})
	if got := emails(t, s, "o", "letter", signing.StatusPending); !slices.Equal(got, []string{"p1@example.org"}) {
		t.Errorf("pending: got %v, want [p1@example.org]", got)
	}

	n, err := s.Erase(ctx, "i1@example.org")
	if err != nil || n != 1 {
		t.Fatalf("Erase: got %d, %v, want 1, nil", n, err)
	}
	if n, err := s.Erase(ctx, "p1@example.org"); err != nil || n != 1 {
		t.Fatalf("Erase pending: got %d, %v, want 1, nil", n, err)
	}
	if n, err := s.Erase(ctx, "p2@example.org"); err != nil || n != 1 {
		t.Fatalf("Erase rejected: got %d, %v, want 1, nil", n, err)
	}
	wantCounts(t, s, signing.Count{Org: "o", Campaign: "letter", Signatures: 2, Organisations: 1, Pending: 0})
	n, err = s.Erase(ctx, "i2@example.org")
	if err != nil || n != 1 {
		t.Fatalf("Erase: got %d, %v, want 1, nil", n, err)
	}
	n, err = s.Erase(ctx, "a1@example.org")
	if err != nil || n != 1 {
		t.Fatalf("Erase: got %d, %v, want 1, nil", n, err)
	}
	wantCounts(t, s)
}

func testPublicSigners(t *testing.T, s store.Store) {
	ctx := context.Background()
	var all []*signing.Signature
	for i := range 6 {
		sig := Sig("o", "c", fmt.Sprintf("s%d@example.org", i))
		sig.Public = i != 2 // s2 chose not to be shown
		sig.CreatedAt = base.Add(time.Duration(i) * time.Minute)
		all = append(all, sig)
	}
	pending := orgSig("c", "pend@example.org", "Pending Org", signing.StatusPending)
	pending.Public = true
	approvedOrg := orgSig("c", "org@example.org", "Shown Org", signing.StatusApproved)
	approvedOrg.Public = true
	approvedOrg.CreatedAt = base.Add(time.Hour)
	other := Sig("o", "elsewhere", "s9@example.org")
	other.Public = true
	add(t, s, all...)
	add(t, s, pending, approvedOrg, other)

	got, err := s.PublicSigners(ctx, "o", "c", 4)
	if err != nil {
		t.Fatalf("PublicSigners: %v", err)
	}
	var names []string
	for _, p := range got {
		names = append(names, p.Name+"|"+p.Organisation)
	}
	want := []string{"Signer org@example.org|Shown Org", "Signer s5@example.org|", "Signer s4@example.org|", "Signer s3@example.org|"}
	if !slices.Equal(names, want) {
		t.Errorf("PublicSigners(limit 4): got %q, want %q", names, want)
	}
	if len(got) > 0 {
		if got[0].Kind != signing.KindOrganisation || got[0].Role != "Director" || !got[0].CreatedAt.Equal(approvedOrg.CreatedAt) {
			t.Errorf("first public signer: got %+v, want the approved organisation with its role and time", got[0])
		}
	}
	got, err = s.PublicSigners(ctx, "o", "c", 100)
	if err != nil {
		t.Fatalf("PublicSigners: %v", err)
	}
	if len(got) != 6 {
		t.Errorf("PublicSigners(limit 100): got %d signers, want 6 (not the private one, not the pending organisation)", len(got))
	}
	// Approving the pending organisation lists it; a rejection unlists it.
	if err := s.SetStatus(ctx, pending.ID, signing.StatusApproved); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.PublicSigners(ctx, "o", "c", 100); len(got) != 7 {
		t.Errorf("after approval: got %d public signers, want 7", len(got))
	}
	if err := s.SetStatus(ctx, approvedOrg.ID, signing.StatusRejected); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.PublicSigners(ctx, "o", "c", 100); len(got) != 6 {
		t.Errorf("after rejection: got %d public signers, want 6", len(got))
	}
	if got, err := s.PublicSigners(ctx, "o", "nobody", 10); err != nil || len(got) != 0 {
		t.Errorf("PublicSigners of a campaign without signatures: got %v, %v, want none", got, err)
	}
}

func testSignatures(t *testing.T, s store.Store) {
	ctx := context.Background()
	add(t, s, Sig("o", "c", "1@example.org"), orgSig("c", "2@example.org", "Org", signing.StatusPending))
	add(t, s, Sig("o", "c", "3@example.org"), Sig("o", "d", "4@example.org"))
	if got := emails(t, s, "o", "c", ""); !slices.Equal(got, []string{"1@example.org", "2@example.org", "3@example.org"}) {
		t.Errorf("all statuses: got %v, want oldest first [1 2 3]", got)
	}
	if got := emails(t, s, "o", "c", signing.StatusApproved); !slices.Equal(got, []string{"1@example.org", "3@example.org"}) {
		t.Errorf("approved: got %v, want [1 3]", got)
	}
	if got := emails(t, s, "o", "c", signing.StatusRejected); len(got) != 0 {
		t.Errorf("rejected: got %v, want none", got)
	}
	stop := errors.New("stop")
	calls := 0
	err := s.Signatures(ctx, "o", "c", "", func(*signing.Signature) error {
		calls++
		return stop
	})
	if !errors.Is(err, stop) || calls != 1 {
		t.Errorf("early stop: got %v after %d calls, want fn's error after 1 call", err, calls)
	}
}

func testSetStatusNotFound(t *testing.T, s store.Store) {
	err := s.SetStatus(context.Background(), 987654321, signing.StatusApproved)
	if !errors.Is(err, store.ErrNotFound) {
		t.Errorf("SetStatus of a missing id: got %v, want ErrNotFound", err)
	}
}

func testErase(t *testing.T, s store.Store) {
	ctx := context.Background()
	add(t, s, Sig("o", "c1", "gone@example.org"), Sig("o", "c2", "gone@example.org"), Sig("o2", "c1", "gone@example.org"),
		Sig("o", "c1", "stays@example.org"))
	n, err := s.Erase(ctx, "gone@example.org")
	if err != nil || n != 3 {
		t.Fatalf("Erase: got %d, %v, want 3, nil", n, err)
	}
	wantCounts(t, s, signing.Count{Org: "o", Campaign: "c1", Signatures: 1})
	if got := emails(t, s, "o", "c1", ""); !slices.Equal(got, []string{"stays@example.org"}) {
		t.Errorf("after erase: got %v, want [stays@example.org]", got)
	}
	if n, err := s.Erase(ctx, "gone@example.org"); err != nil || n != 0 {
		t.Errorf("second Erase: got %d, %v, want 0, nil", n, err)
	}
	// Erased people can sign again.
	add(t, s, Sig("o", "c1", "gone@example.org"))
}

func testSecret(t *testing.T, s store.Store) {
	ctx := context.Background()
	var wg sync.WaitGroup
	keys := make([][]byte, 8)
	errs := make([]error, 8)
	for i := range keys {
		wg.Go(func() { keys[i], errs[i] = s.Secret(ctx) })
	}
	wg.Wait()
	for i := range keys {
		if errs[i] != nil {
			t.Fatalf("Secret: %v", errs[i])
		}
		if len(keys[i]) != 32 {
			t.Fatalf("Secret: got %d bytes, want 32", len(keys[i]))
		}
		if string(keys[i]) != string(keys[0]) {
			t.Errorf("Secret call %d: got %x, want %x (the same key every time)", i, keys[i], keys[0])
		}
	}
	again, _ := s.Secret(ctx)
	if string(again) != string(keys[0]) {
		t.Errorf("Secret later: got %x, want %x", again, keys[0])
	}
}

func testRoundTrip(t *testing.T, s store.Store) {
	ctx := context.Background()
	consentAt := time.Date(2026, 2, 28, 23, 59, 59, 999999000, time.FixedZone("ACDT", 37800))
	in := &signing.Signature{
		Org: "o", Campaign: "c", Action: "letter-1",
		Kind: signing.KindOrganisation, Status: signing.StatusPending,
		Name:         "ليلى <b>O'Brien</b> & \"co\"",
		GivenName:    "ليلى",
		FamilyName:   "<b>O'Brien</b> & \"co\"",
		Email:        "leila@example.org",
		Postcode:     "SW1A 1AA",
		Country:      "GB",
		Phone:        "+44 20 7946 0000",
		Comment:      "שלום — <script>alert(1)</script>\nsecond line\ttab 🌍",
		Organisation: "جمعية \"النهر\" & <Co>",
		Role:         "مديرة",
		Public:       true,
		ConsentText:  "أوافق على أن تتواصل معي الجمعية. אני מסכים/ה. I agree to <Riverside>'s terms & \"privacy\".",
		ConsentAt:    consentAt,
		ContactText:  "Keep me informed about <Riverside>'s work & \"news\" — ابقني على اطلاع",
		ContactAt:    consentAt.Add(3 * time.Microsecond),
		Lang:         "ar",
		CreatedAt:    base.Add(17 * time.Microsecond),
	}
	// A signer who gave no permission to be contacted: both stay empty.
	plain := Sig("o", "c", "plain@example.org")
	add(t, s, in, plain)
	var got []*signing.Signature
	err := s.Signatures(ctx, "o", "c", "", func(sig *signing.Signature) error {
		got = append(got, sig)
		return nil
	})
	if err != nil {
		t.Fatalf("Signatures: %v", err)
	}
	if len(got) != 2 {
		t.Fatalf("Signatures: got %d, want 2", len(got))
	}
	for i, in := range []*signing.Signature{in, plain} {
		out := got[i]
		if !out.ConsentAt.Equal(in.ConsentAt) || !out.CreatedAt.Equal(in.CreatedAt) || !out.ContactAt.Equal(in.ContactAt) {
			t.Errorf("times: got consent %v contact %v created %v, want %v, %v and %v",
				out.ConsentAt, out.ContactAt, out.CreatedAt, in.ConsentAt, in.ContactAt, in.CreatedAt)
		}
		// Compare everything else field by field, times normalised.
		want := *in
		want.ConsentAt, want.CreatedAt, want.ContactAt = out.ConsentAt, out.CreatedAt, out.ContactAt
		if !reflect.DeepEqual(*out, want) {
			t.Errorf("round trip:\n got %+v\nwant %+v", *out, want)
		}
		if in.ContactAt.IsZero() && !out.ContactAt.IsZero() {
			t.Errorf("no permission given: got ContactAt %v, want the zero time", out.ContactAt)
		}
	}
}

// testCommitter drives many goroutines through one Committer: every
// signature gets the right answer and the count is exact.
func testCommitter(t *testing.T, s store.Store) {
	ctx := context.Background()
	c := store.NewCommitter(s, store.CommitterOptions{MaxBatch: 64})
	const workers, each = 32, 20
	var wg sync.WaitGroup
	errs := make([][]error, workers)
	dups := make([]error, workers)
	for w := range workers {
		wg.Go(func() {
			for i := range each {
				sig := Sig("o", "c", fmt.Sprintf("w%d-%d@example.org", w, i))
				err := c.Sign(ctx, sig)
				if err == nil && sig.ID == 0 {
					err = errors.New("signed but no ID set")
				}
				errs[w] = append(errs[w], err)
			}
			// Every worker also repeats its first email: always a duplicate.
			dups[w] = c.Sign(ctx, Sig("o", "c", fmt.Sprintf("w%d-0@example.org", w)))
		})
	}
	// And all workers race to sign with one shared email: exactly one wins.
	shared := make([]error, workers)
	for w := range workers {
		wg.Go(func() { shared[w] = c.Sign(ctx, Sig("o", "shared", "everyone@example.org")) })
	}
	wg.Wait()
	if err := c.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	for w := range workers {
		for i, err := range errs[w] {
			if err != nil {
				t.Errorf("worker %d signature %d: got %v, want nil", w, i, err)
			}
		}
		if !errors.Is(dups[w], store.ErrAlreadySigned) {
			t.Errorf("worker %d duplicate: got %v, want ErrAlreadySigned", w, dups[w])
		}
	}
	wins := 0
	for _, err := range shared {
		switch {
		case err == nil:
			wins++
		case !errors.Is(err, store.ErrAlreadySigned):
			t.Errorf("shared email: got %v, want nil or ErrAlreadySigned", err)
		}
	}
	if wins != 1 {
		t.Errorf("shared email: %d signatures accepted, want exactly 1", wins)
	}
	wantCounts(t, s,
		signing.Count{Org: "o", Campaign: "c", Signatures: workers * each},
		signing.Count{Org: "o", Campaign: "shared", Signatures: 1})
	if err := c.Sign(ctx, Sig("o", "c", "late@example.org")); !errors.Is(err, store.ErrClosed) {
		t.Errorf("Sign after Close: got %v, want ErrClosed", err)
	}
}

// testCommitterCancelled: a signer whose context is already done learns
// ctx.Err() and nothing is stored.
func testCommitterCancelled(t *testing.T, s store.Store) {
	c := store.NewCommitter(s, store.CommitterOptions{})
	defer c.Close()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := c.Sign(ctx, Sig("o", "c", "gave-up@example.org")); !errors.Is(err, context.Canceled) {
		t.Errorf("Sign with a cancelled context: got %v, want context.Canceled", err)
	}
	// Signers racing their own deadlines: whatever each was told must match
	// what is stored — nil means present, an error means absent.
	var wg sync.WaitGroup
	results := make([]error, 200)
	for i := range results {
		wg.Go(func() {
			ctx, cancel := context.WithTimeout(context.Background(), time.Duration(i%7)*100*time.Microsecond)
			defer cancel()
			results[i] = c.Sign(ctx, Sig("o", "c", fmt.Sprintf("r%d@example.org", i)))
		})
	}
	wg.Wait()
	c.Close()
	stored := map[string]bool{}
	for _, e := range emails(t, s, "o", "c", "") {
		stored[e] = true
	}
	acked := 0
	for i, err := range results {
		email := fmt.Sprintf("r%d@example.org", i)
		if (err == nil) != stored[email] {
			t.Errorf("%s: Sign returned %v but stored=%v", email, err, stored[email])
		}
		if err != nil && !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("%s: got %v, want nil or context.DeadlineExceeded", email, err)
		}
		if err == nil {
			acked++
		}
	}
	if stored["gave-up@example.org"] {
		t.Errorf("a signature whose context was cancelled before Sign was stored")
	}
	// On a loaded machine every deadline may pass before the first
	// commit: then the campaign has no count at all.
	if acked == 0 {
		wantCounts(t, s)
		return
	}
	wantCounts(t, s, signing.Count{Org: "o", Campaign: "c", Signatures: acked})
}

// testCommitterClose: Close waits for queued signatures, and every signer
// learns the truth.
func testCommitterClose(t *testing.T, s store.Store) {
	c := store.NewCommitter(s, store.CommitterOptions{MaxBatch: 8})
	var wg sync.WaitGroup
	results := make([]error, 100)
	for i := range results {
		wg.Go(func() { results[i] = c.Sign(context.Background(), Sig("o", "c", fmt.Sprintf("q%d@example.org", i))) })
	}
	c.Close()
	wg.Wait()
	c.Close() // twice is fine
	stored := map[string]bool{}
	for _, e := range emails(t, s, "o", "c", "") {
		stored[e] = true
	}
	for i, err := range results {
		email := fmt.Sprintf("q%d@example.org", i)
		if err != nil && !errors.Is(err, store.ErrClosed) {
			t.Errorf("%s: got %v, want nil or ErrClosed", email, err)
		}
		if (err == nil) != stored[email] {
			t.Errorf("%s: Sign returned %v but stored=%v", email, err, stored[email])
		}
	}
}

// testRevisions: every change to a campaign's signatures raises its
// revision, even when the counts end where they were; nothing else does.
func testRevisions(t *testing.T, s store.Store) {
	ctx := context.Background()
	rev := func() int64 {
		t.Helper()
		ts, err := s.Tallies(ctx)
		if err != nil {
			t.Fatalf("Tallies: %v", err)
		}
		counts, _ := s.Counts(ctx)
		for i := range ts {
			if i >= len(counts) || ts[i].Count != counts[i] {
				t.Fatalf("Tallies %+v disagree with Counts %+v", ts, counts)
			}
		}
		for _, x := range ts {
			if x.Org == "o" && x.Campaign == "c" {
				return x.Revision
			}
		}
		return 0
	}
	erin := Sig("o", "c", "erin@example.org")
	erin.Public = true
	add(t, s, erin)
	r1 := rev()
	if r1 <= 0 {
		t.Fatalf("revision after the first signature: got %d, want > 0", r1)
	}
	// A duplicate changes nothing.
	s.AddSignatures(ctx, []*signing.Signature{Sig("o", "c", "erin@example.org")})
	if r := rev(); r != r1 {
		t.Errorf("revision after a duplicate: got %d, want %d (unchanged)", r, r1)
	}
	// Another campaign's signature leaves this one's revision alone.
	add(t, s, Sig("o", "other", "x@example.org"))
	if r := rev(); r != r1 {
		t.Errorf("revision after another campaign's signature: got %d, want %d", r, r1)
	}
	// One new signature and one erasure: the count ends where it was, the
	// revision must not.
	add(t, s, Sig("o", "c", "quiet@example.org"))
	if _, err := s.Erase(ctx, "erin@example.org"); err != nil {
		t.Fatal(err)
	}
	r2 := rev()
	if r2 <= r1 {
		t.Errorf("revision after a signature and an erasure: got %d, want > %d", r2, r1)
	}
	// Moderation, and erasing a rejected signature (no count changes).
	org := orgSig("c", "org@example.org", "Org", signing.StatusPending)
	add(t, s, org)
	if err := s.SetStatus(ctx, org.ID, signing.StatusRejected); err != nil {
		t.Fatal(err)
	}
	r3 := rev()
	if r3 <= r2 {
		t.Errorf("revision after moderation: got %d, want > %d", r3, r2)
	}
	if _, err := s.Erase(ctx, "org@example.org"); err != nil {
		t.Fatal(err)
	}
	if r := rev(); r <= r3 {
		t.Errorf("revision after erasing a rejected signature: got %d, want > %d", r, r3)
	}
}

// testPurge: Purge removes every signature of one campaign and keeps its
// counts — approved signatures and organisations stay counted (pending
// ones, which can no longer be approved, no longer count as pending) —
// moves its revision, and leaves other campaigns alone. New signatures
// count on top of what was kept.
func testPurge(t *testing.T, s store.Store) {
	ctx := context.Background()
	a1 := Sig("o", "closed", "a1@example.org")
	a1.Public = true
	add(t, s, a1, Sig("o", "closed", "a2@example.org"),
		orgSig("closed", "org@example.org", "Org A", signing.StatusApproved),
		orgSig("closed", "pend@example.org", "Org P", signing.StatusPending),
		orgSig("closed", "rej@example.org", "Org R", signing.StatusRejected),
		Sig("o", "open", "a1@example.org"))
	before := tallyOf(t, s, "o", "closed")
	n, err := s.Purge(ctx, "o", "closed")
	if err != nil || n != 5 {
		t.Fatalf("Purge: got %d, %v, want 5, nil", n, err)
	}
	wantCounts(t, s,
		signing.Count{Org: "o", Campaign: "closed", Signatures: 3, Organisations: 1},
		signing.Count{Org: "o", Campaign: "open", Signatures: 1})
	if after := tallyOf(t, s, "o", "closed"); after.Revision <= before.Revision {
		t.Errorf("revision after Purge: got %d, want more than %d", after.Revision, before.Revision)
	}
	if got := emails(t, s, "o", "closed", ""); len(got) != 0 {
		t.Errorf("signatures after Purge: got %v, want none", got)
	}
	if got, err := s.PublicSigners(ctx, "o", "closed", 10); err != nil || len(got) != 0 {
		t.Errorf("PublicSigners after Purge: got %v, %v, want none", got, err)
	}
	if got := emails(t, s, "o", "open", ""); !slices.Equal(got, []string{"a1@example.org"}) {
		t.Errorf("another campaign after Purge: got %v, want [a1@example.org]", got)
	}
	// Nothing left: a second purge removes nothing and changes nothing.
	if n, err := s.Purge(ctx, "o", "closed"); err != nil || n != 0 {
		t.Errorf("second Purge: got %d, %v, want 0, nil", n, err)
	}
	if n, err := s.Purge(ctx, "o", "never-signed"); err != nil || n != 0 {
		t.Errorf("Purge of a campaign without signatures: got %d, %v, want 0, nil", n, err)
	}
	// Erasing a purged signer finds only what is left elsewhere.
	if n, err := s.Erase(ctx, "a1@example.org"); err != nil || n != 1 {
		t.Errorf("Erase after Purge: got %d, %v, want 1, nil", n, err)
	}
	add(t, s, Sig("o", "closed", "late@example.org"))
	wantCounts(t, s, signing.Count{Org: "o", Campaign: "closed", Signatures: 4, Organisations: 1})
}

func tallyOf(t *testing.T, s store.Store, org, campaign string) store.Tally {
	t.Helper()
	ts, err := s.Tallies(context.Background())
	if err != nil {
		t.Fatalf("Tallies: %v", err)
	}
	for _, x := range ts {
		if x.Org == org && x.Campaign == campaign {
			return x
		}
	}
	t.Fatalf("Tallies: no row for %s/%s", org, campaign)
	return store.Tally{}
}

// testReady: a healthy store is ready, again and again, while signatures
// land beside the probes; its test write shows in no count, tally or
// secret. (Engines test a store that cannot commit: it takes a full disk
// or a read-only database, which the suite cannot make.)
func testReady(t *testing.T, s store.Store) {
	ctx := context.Background()
	secret, err := s.Secret(ctx)
	if err != nil {
		t.Fatalf("Secret: %v", err)
	}
	var wg sync.WaitGroup
	for i := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := s.AddSignatures(ctx, []*signing.Signature{Sig("org", "camp", fmt.Sprintf("ready-%d@example.org", i))}); err != nil {
				t.Errorf("AddSignatures beside Ready: %v", err)
			}
		}()
		if err := s.Ready(ctx); err != nil {
			t.Errorf("Ready on a healthy store: %v", err)
		}
	}
	wg.Wait()
	counts, err := s.Counts(ctx)
	if err != nil {
		t.Fatalf("Counts: %v", err)
	}
	if len(counts) != 1 || counts[0].Signatures != 4 {
		t.Errorf("after Ready probes and 4 signatures: Counts = %+v, want org/camp with 4", counts)
	}
	tallies, err := s.Tallies(ctx)
	if err != nil || len(tallies) != 1 {
		t.Errorf("Tallies after Ready probes: %+v, %v; want one campaign", tallies, err)
	}
	again, err := s.Secret(ctx)
	if err != nil || string(again) != string(secret) {
		t.Errorf("the secret changed across Ready probes")
	}
}
