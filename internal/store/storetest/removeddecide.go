package storetest

import (
	"context"
	"errors"
	"maps"
	"slices"
	"testing"
	"time"

	"github.com/placard/placard/internal/signing"
	"github.com/placard/placard/internal/store"
)

// testRemovedNotApproved: a signature waiting on a removed campaign —
// its slug recorded removed, then its rows kept apart from a new letter
// of that name — cannot be approved, by the console (its organisation,
// from pending) or by the command (any organisation, any status):
// approving it would count it, and publish the name, for a letter it was
// never given for. Nothing of a decision naming it is changed, whatever
// else it names. Rejecting it is allowed, and so is approving a live
// campaign's signature.
func testRemovedNotApproved(t *testing.T, s store.Store) {
	ctx := context.Background()
	m := moderationOf(t, s)
	p1 := orgSig("x", "p1@example.org", "Org One", signing.StatusPending)
	p2 := orgSig("x", "p2@example.org", "Org Two", signing.StatusPending)
	live := orgSig("y", "p3@example.org", "Org Three", signing.StatusPending)
	add(t, s, p1, p2, live)
	removed := base.Add(time.Hour)
	if !recordRemoved(t, s, "x", removed, 0, removed) {
		t.Fatal("RecordRemoved: not recorded")
	}
	approve := func(org string, from signing.Status, ids ...int64) error {
		t.Helper()
		moved, err := m.Decide(ctx, org, ids, from, signing.StatusApproved, nil)
		if err != nil && moved != nil {
			t.Errorf("Decide %v: moved %v with error %v, want nothing moved", ids, moved, err)
		}
		return err
	}
	// Recorded removed, rows still under the slug.
	if err := approve("o", signing.StatusPending, p1.ID); !errors.Is(err, store.ErrRemovedCampaign) {
		t.Errorf("approving a signature of a removed campaign: %v, want ErrRemovedCampaign", err)
	}
	// Kept apart from a new letter of that name.
	k := keepApart(t, s, "x", removed.Add(time.Hour), removed.Add(time.Hour))
	if k.Name == "" {
		t.Fatalf("KeepApart: %+v, want the rows moved", k)
	}
	for _, c := range []struct {
		org  string
		from signing.Status
		ids  []int64
	}{
		{"o", signing.StatusPending, []int64{p1.ID}},
		{"", "", []int64{p1.ID}},                              // placard signatures approve
		{"o", signing.StatusPending, []int64{live.ID, p1.ID}}, // with a live one: neither
		{"o", signing.StatusPending, []int64{p1.ID, live.ID}},
	} {
		if err := approve(c.org, c.from, c.ids...); !errors.Is(err, store.ErrRemovedCampaign) {
			t.Errorf("approving %v (org %q, from %q) with a kept-apart signature: %v, want ErrRemovedCampaign", c.ids, c.org, c.from, err)
		}
	}
	wantCounts(t, s,
		signing.Count{Org: "o", Campaign: k.Name, Pending: 2},
		signing.Count{Org: "o", Campaign: "y", Pending: 1})
	if got := emails(t, s, "o", k.Name, signing.StatusApproved); len(got) != 0 {
		t.Errorf("approved under %s: %v, want none", k.Name, got)
	}
	// Rejecting is allowed; a live campaign's signature is approved.
	moved, err := m.Decide(ctx, "o", []int64{p1.ID}, signing.StatusPending, signing.StatusRejected, nil)
	if err != nil || !maps.Equal(moved, map[string]int{k.Name: 1}) {
		t.Errorf("rejecting a kept-apart signature: %v, %v; want it rejected", moved, err)
	}
	if moved, err := m.Decide(ctx, "", []int64{p2.ID}, "", signing.StatusRejected, nil); err != nil || !maps.Equal(moved, map[string]int{k.Name: 1}) {
		t.Errorf("rejecting a kept-apart signature by id alone: %v, %v; want it rejected", moved, err)
	}
	if moved, err := m.Decide(ctx, "o", []int64{live.ID}, signing.StatusPending, signing.StatusApproved, nil); err != nil || !maps.Equal(moved, map[string]int{"y": 1}) {
		t.Errorf("approving a live campaign's signature: %v, %v; want it approved", moved, err)
	}
	if got := slices.Sorted(slices.Values(emails(t, s, "o", k.Name, signing.StatusRejected))); !slices.Equal(got, []string{"p1@example.org", "p2@example.org"}) {
		t.Errorf("rejected under %s: %v", k.Name, got)
	}
}

// testRemovedNotSetApproved: Store.SetStatus refuses to approve a
// signature of a removed campaign as Decide does — recorded removed with
// its rows still under the slug, then kept apart — and changes nothing:
// it had no such check, so approving by id counted the signature, and
// published the name, for a letter that was gone. Rejecting it is
// allowed, setting it to the status it already has changes nothing and
// is no error, and a live campaign's signature is approved.
func testRemovedNotSetApproved(t *testing.T, s store.Store) {
	ctx := context.Background()
	p1 := orgSig("x", "p1@example.org", "Org One", signing.StatusPending)
	p2 := orgSig("x", "p2@example.org", "Org Two", signing.StatusPending)
	done := orgSig("x", "p3@example.org", "Org Three", signing.StatusApproved)
	live := orgSig("y", "p4@example.org", "Org Four", signing.StatusPending)
	add(t, s, p1, p2, done, live)
	removed := base.Add(time.Hour)
	if !recordRemoved(t, s, "x", removed, 0, removed) {
		t.Fatal("RecordRemoved: not recorded")
	}
	if err := s.SetStatus(ctx, p1.ID, signing.StatusApproved); !errors.Is(err, store.ErrRemovedCampaign) {
		t.Errorf("SetStatus approving a signature of a removed campaign: %v, want ErrRemovedCampaign", err)
	}
	wantCounts(t, s,
		signing.Count{Org: "o", Campaign: "x", Signatures: 1, Organisations: 1, Pending: 2},
		signing.Count{Org: "o", Campaign: "y", Pending: 1})
	k := keepApart(t, s, "x", removed.Add(time.Hour), removed.Add(time.Hour))
	if k.Name == "" {
		t.Fatalf("KeepApart: %+v, want the rows moved", k)
	}
	if err := s.SetStatus(ctx, p1.ID, signing.StatusApproved); !errors.Is(err, store.ErrRemovedCampaign) {
		t.Errorf("SetStatus approving a kept-apart signature: %v, want ErrRemovedCampaign", err)
	}
	if err := s.SetStatus(ctx, done.ID, signing.StatusApproved); err != nil {
		t.Errorf("SetStatus approving a kept-apart signature already approved: %v, want nil (nothing to change)", err)
	}
	if err := s.SetStatus(ctx, p2.ID, signing.StatusRejected); err != nil {
		t.Errorf("SetStatus rejecting a kept-apart signature: %v, want it rejected", err)
	}
	if err := s.SetStatus(ctx, live.ID, signing.StatusApproved); err != nil {
		t.Errorf("SetStatus approving a live campaign's signature: %v", err)
	}
	wantCounts(t, s,
		signing.Count{Org: "o", Campaign: k.Name, Signatures: 1, Organisations: 1, Pending: 1},
		signing.Count{Org: "o", Campaign: "y", Signatures: 1, Organisations: 1})
	if got := emails(t, s, "o", k.Name, signing.StatusApproved); !slices.Equal(got, []string{"p3@example.org"}) {
		t.Errorf("approved under %s: %v, want only the one approved before the removal", k.Name, got)
	}
}
