package storetest

import (
	"context"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/placard/placard/internal/signing"
	"github.com/placard/placard/internal/store"
)

// RunRenames checks store.Renames: a renamed campaign's rows follow it.
func RunRenames(t *testing.T, open Opener) {
	t.Run("MovesEverything", func(t *testing.T) { testMoveEverything(t, open(t)) })
	t.Run("MergesUnderBothNames", func(t *testing.T) { testMoveMerges(t, open(t)) })
	t.Run("UnconfirmedGivesWay", func(t *testing.T) { testMoveUnconfirmed(t, open(t)) })
	t.Run("ApprovedKept", func(t *testing.T) { testMoveApprovedKept(t, open(t)) })
	t.Run("NothingToMove", func(t *testing.T) { testMoveNothing(t, open(t)) })
	t.Run("Concurrent", func(t *testing.T) { testMoveConcurrent(t, open(t)) })
}

func move(t *testing.T, s store.Store, from, to string) store.MoveResult {
	t.Helper()
	r, err := s.(store.Renames).MoveCampaign(context.Background(), "o", from, to)
	if err != nil {
		t.Fatalf("MoveCampaign(o, %s, %s): %v", from, to, err)
	}
	return r
}

// testMoveEverything: signatures, counts, sources, personal links and
// outreach counts of the old name stand under the new one, nothing
// stays under the old name, and other campaigns and organisations keep
// theirs.
func testMoveEverything(t *testing.T, s store.Store) {
	ctx := context.Background()
	org := orgSig("old", "acme@example.org", "Acme", signing.StatusPending)
	add(t, s, Sig("o", "old", "ann@example.org"), Sig("o", "old", "bob@example.org"), org,
		Sig("o", "other", "ann@example.org"), Sig("p", "old", "ann@example.org"))
	addCredits(t, s, credit("old", "x", "aaaaaaaaaa", 2))
	if err := s.AddArrivals(ctx, []signing.Arrivals{{Org: "o", Campaign: "old", Source: "x", Count: 5}}); err != nil {
		t.Fatal(err)
	}
	out := s.(store.Outreach)
	at := time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)
	if err := out.RecordOutreach(ctx, store.OutreachEvent{Org: "o", Campaign: "old", Action: "call", Target: "mp", Kind: store.OutreachCall, Outcome: "staff", At: at}); err != nil {
		t.Fatal(err)
	}
	// Two confirmations of the old name given up unsent, one of the new.
	mp := s.(store.MailPace)
	for _, c := range []string{"old", "old", "new"} {
		if err := mp.NoteUnsent(ctx, "o", c); err != nil {
			t.Fatal(err)
		}
	}
	// One refused signature of the old name, two of the new.
	rf := s.(store.Refusals)
	for _, c := range []string{"old", "new", "new"} {
		if err := rf.NoteRefused(ctx, "o", c); err != nil {
			t.Fatal(err)
		}
	}

	r := move(t, s, "old", "new")
	if r.Signatures != 3 || r.Duplicates != 0 || r.Rows == 0 || !r.Moved() {
		t.Errorf("MoveCampaign: got %+v, want 3 signatures, no duplicates, some rows", r)
	}
	wantCounts(t, s,
		signing.Count{Org: "o", Campaign: "new", Signatures: 2, Pending: 1},
		signing.Count{Org: "o", Campaign: "other", Signatures: 1},
		signing.Count{Org: "p", Campaign: "old", Signatures: 1})
	if got := slices.Sorted(slices.Values(emails(t, s, "o", "new", ""))); !slices.Equal(got, []string{"acme@example.org", "ann@example.org", "bob@example.org"}) {
		t.Errorf("signatures under the new name: %v", got)
	}
	if got := emails(t, s, "o", "old", ""); len(got) != 0 {
		t.Errorf("signatures left under the old name: %v", got)
	}
	for _, sig := range []*signing.Signature{org} {
		var found bool
		_ = s.Signatures(ctx, "o", "new", "", func(x *signing.Signature) error {
			found = found || x.ID == sig.ID && x.Campaign == "new"
			return nil
		})
		if !found {
			t.Errorf("signature %d did not keep its id under the new name", sig.ID)
		}
	}
	wantSources(t, s, "new", signing.SourceCount{Source: "x", Arrivals: 5, Signatures: 2})
	wantSources(t, s, "old")
	wantReferral(t, s, "new", nil, signing.ReferralCount{Org: "o", Campaign: "new", Token: "aaaaaaaaaa", Signatures: 2})
	wantNoReferral(t, s, "old", "aaaaaaaaaa", nil)
	if c, err := out.OutreachCounts(ctx, "o", ""); err != nil || len(c) != 1 || c[0].Campaign != "new" || c[0].Count != 1 {
		t.Errorf("outreach after the move: %+v, %v; want one count under new", c, err)
	}
	if u, err := mp.UnsentCounts(ctx, "o"); err != nil || len(u) != 1 || u["new"] != 3 {
		t.Errorf("confirmations never sent after the move: %v, %v; want new: 3 (the dashboard shows the new name's only)", u, err)
	}
	if u, err := rf.RefusedCounts(ctx, "o"); err != nil || len(u) != 1 || u["new"] != 3 {
		t.Errorf("refused signatures after the move: %v, %v; want new: 3 (the dashboard shows the new name's only)", u, err)
	}
	ts, err := s.Tallies(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, x := range ts {
		if x.Org == "o" && x.Campaign == "old" {
			t.Errorf("a tally row stays under the old name: %+v", x)
		}
	}
	// Again: nothing left to move.
	if r := move(t, s, "old", "new"); r.Moved() {
		t.Errorf("second MoveCampaign: got %+v, want nothing moved", r)
	}
	wantCounts(t, s,
		signing.Count{Org: "o", Campaign: "new", Signatures: 2, Pending: 1},
		signing.Count{Org: "o", Campaign: "other", Signatures: 1},
		signing.Count{Org: "p", Campaign: "old", Signatures: 1})
}

// testMoveMerges: rows under both names merge; an address that signed
// under both keeps its earlier signature and counts once; the new name's
// revision goes up, so pages re-read their signers.
func testMoveMerges(t *testing.T, s store.Store) {
	ctx := context.Background()
	early, late := base, base.Add(time.Hour)
	// ann signed the old name first, then the new; bea the other way.
	annOld, annNew := Sig("o", "old", "ann@example.org"), Sig("o", "new", "ann@example.org")
	beaOld, beaNew := Sig("o", "old", "bea@example.org"), Sig("o", "new", "bea@example.org")
	annOld.CreatedAt, annNew.CreatedAt = early, late
	beaOld.CreatedAt, beaNew.CreatedAt = late, early
	beaOld.Public = true
	add(t, s, annOld, beaNew, Sig("o", "new", "cid@example.org"))
	add(t, s, annNew, beaOld, Sig("o", "old", "dan@example.org"))
	addCredits(t, s, credit("old", "x", "aaaaaaaaaa", 2), credit("new", "x", "aaaaaaaaaa", 3), credit("new", "qr", "bbbbbbbbbb", 1))
	before := tallyOf(t, s, "o", "new")

	r := move(t, s, "old", "new")
	if r.Signatures != 2 || r.Duplicates != 2 {
		t.Errorf("MoveCampaign: got %+v, want 2 signatures moved (ann's, dan's), 2 duplicates (ann's and bea's later ones)", r)
	}
	wantCounts(t, s, signing.Count{Org: "o", Campaign: "new", Signatures: 4})
	kept := map[string]int64{}
	err := s.Signatures(ctx, "o", "new", "", func(x *signing.Signature) error {
		if _, twice := kept[x.Email]; twice {
			t.Errorf("%s stands twice under the new name", x.Email)
		}
		kept[x.Email] = x.ID
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if kept["ann@example.org"] != annOld.ID || kept["bea@example.org"] != beaNew.ID || len(kept) != 4 {
		t.Errorf("kept %v; want ann's first (%d), bea's first (%d), cid and dan", kept, annOld.ID, beaNew.ID)
	}
	if after := tallyOf(t, s, "o", "new"); after.Revision <= before.Revision {
		t.Errorf("the new name's revision went from %d to %d: pages would not re-read it", before.Revision, after.Revision)
	}
	if p, err := s.PublicSigners(ctx, "o", "new", 10); err != nil || len(p) != 0 {
		t.Errorf("public signers: %+v, %v; want none (bea's public signature was the later one)", p, err)
	}
	wantSources(t, s, "new", signing.SourceCount{Source: "qr", Signatures: 1}, signing.SourceCount{Source: "x", Signatures: 5})
	wantReferral(t, s, "new", nil, signing.ReferralCount{Org: "o", Campaign: "new", Token: "aaaaaaaaaa", Signatures: 5})
	wantReferral(t, s, "new", nil, signing.ReferralCount{Org: "o", Campaign: "new", Token: "bbbbbbbbbb", Signatures: 1})
	if r := move(t, s, "old", "new"); r.Moved() {
		t.Errorf("second MoveCampaign: got %+v, want nothing moved", r)
	}
	wantCounts(t, s, signing.Count{Org: "o", Campaign: "new", Signatures: 4})
}

// testMoveUnconfirmed: a signature still waiting for its address to be
// confirmed gives way to a confirmed one, even a later one, since it is
// erased if never confirmed.
func testMoveUnconfirmed(t *testing.T, s store.Store) {
	waiting, done := Sig("o", "old", "ann@example.org"), Sig("o", "new", "ann@example.org")
	waiting.Status, done.CreatedAt = signing.StatusUnconfirmed, base.Add(time.Hour)
	add(t, s, waiting, done)
	if r := move(t, s, "old", "new"); r.Duplicates != 1 || r.Signatures != 0 {
		t.Errorf("MoveCampaign: got %+v, want the unconfirmed one removed", r)
	}
	if got := emails(t, s, "o", "new", signing.StatusApproved); !slices.Equal(got, []string{"ann@example.org"}) {
		t.Errorf("approved under the new name: %v", got)
	}
	wantCounts(t, s, signing.Count{Org: "o", Campaign: "new", Signatures: 1})
}

// testMoveApprovedKept: an approved signature is the one kept when the
// same address signed under both names, even when the other is earlier:
// a moderator may have rejected the earlier one as a repeat, and taking
// the counted signature off would lose a valid one.
func testMoveApprovedKept(t *testing.T, s store.Store) {
	rejected, approved := Sig("o", "old", "ann@example.org"), Sig("o", "new", "ann@example.org")
	rejected.Status, approved.CreatedAt = signing.StatusRejected, base.Add(time.Hour)
	pending := Sig("o", "new", "bob@example.org")
	pending.Kind, pending.Status, pending.Organisation = signing.KindOrganisation, signing.StatusPending, "Bob's"
	counted := Sig("o", "old", "bob@example.org")
	counted.CreatedAt = base.Add(time.Hour)
	add(t, s, rejected, approved, pending, counted)
	if r := move(t, s, "old", "new"); r.Duplicates != 2 {
		t.Errorf("MoveCampaign: got %+v, want two duplicates removed", r)
	}
	if got := emails(t, s, "o", "new", signing.StatusApproved); !slices.Equal(got, []string{"ann@example.org", "bob@example.org"}) {
		t.Errorf("approved under the new name: %v, want both approved signatures kept", got)
	}
	wantCounts(t, s, signing.Count{Org: "o", Campaign: "new", Signatures: 2})
}

// testMoveNothing: a name that holds nothing moves nothing and leaves
// the new name's tally and revision as they were.
func testMoveNothing(t *testing.T, s store.Store) {
	add(t, s, Sig("o", "new", "ann@example.org"))
	before := tallyOf(t, s, "o", "new")
	for _, from := range []string{"never", "new"} {
		if r := move(t, s, from, "new"); r.Moved() {
			t.Errorf("MoveCampaign(o, %s, new): got %+v, want nothing", from, r)
		}
	}
	if after := tallyOf(t, s, "o", "new"); after != before {
		t.Errorf("tally after moving nothing: %+v, want %+v", after, before)
	}
}

// testMoveConcurrent: several moves of the same rename at once (instances
// loading the same campaigns) move once, and signatures landing beside
// them all count.
func testMoveConcurrent(t *testing.T, s store.Store) {
	ctx := context.Background()
	for i := range 20 {
		add(t, s, Sig("o", "old", "s"+string(rune('a'+i))+"@example.org"))
	}
	add(t, s, Sig("o", "new", "sa@example.org"))
	var wg sync.WaitGroup
	results := make([]store.MoveResult, 4)
	errs := make([]error, 4)
	for i := range results {
		wg.Go(func() { results[i], errs[i] = s.(store.Renames).MoveCampaign(ctx, "o", "old", "new") })
	}
	wg.Go(func() {
		for i := range 10 {
			if _, err := s.AddSignatures(ctx, []*signing.Signature{Sig("o", "new", "n"+string(rune('a'+i))+"@example.org")}); err != nil {
				t.Error(err)
			}
		}
	})
	wg.Wait()
	moved, dups := 0, 0
	for i, r := range results {
		if errs[i] != nil {
			t.Fatalf("MoveCampaign %d: %v", i, errs[i])
		}
		moved += r.Signatures
		dups += r.Duplicates
	}
	if moved != 20 || dups != 1 {
		t.Errorf("four moves at once moved %d signatures and %d duplicates, want 20 and 1 in all (sa signed the old name first)", moved, dups)
	}
	wantCounts(t, s, signing.Count{Org: "o", Campaign: "new", Signatures: 30})
	if got := emails(t, s, "o", "new", ""); len(got) != 30 {
		t.Errorf("%d signatures under the new name, want 30", len(got))
	}
}
