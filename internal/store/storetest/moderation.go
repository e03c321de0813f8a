package storetest

import (
	"context"
	"errors"
	"maps"
	"slices"
	"sync"
	"testing"

	"github.com/placard/placard/internal/signing"
	"github.com/placard/placard/internal/store"
)

// RunModeration checks store.Moderation on stores from open (each
// engine's DB implements it beside store.Store).
func RunModeration(t *testing.T, open Opener) {
	t.Run("DecideAllOrNothing", func(t *testing.T) { testDecide(t, open(t)) })
	t.Run("DecideConcurrent", func(t *testing.T) { testDecideConcurrent(t, open(t)) })
}

func moderationOf(t *testing.T, s store.Store) store.Moderation {
	t.Helper()
	m, ok := s.(store.Moderation)
	if !ok {
		t.Fatalf("%T does not implement store.Moderation", s)
	}
	return m
}

// testDecide: a decision moves every signature named, with the counts
// and the revision; naming one that is decided, erased, unknown or
// another organisation's changes none of them.
func testDecide(t *testing.T, s store.Store) {
	ctx := context.Background()
	m := moderationOf(t, s)
	p1, p2, p3 := orgSig("letter", "p1@example.org", "Org One", signing.StatusPending),
		orgSig("letter", "p2@example.org", "Org Two", signing.StatusPending),
		orgSig("letter", "p3@example.org", "Org Three", signing.StatusPending)
	other := orgSig("letter", "x@example.org", "Org Four", signing.StatusPending)
	other.Org = "elsewhere"
	add(t, s, p1, p2, p3, other)
	wantCounts(t, s, signing.Count{Org: "elsewhere", Campaign: "letter", Pending: 1},
		signing.Count{Org: "o", Campaign: "letter", Pending: 3})
	rev := tallyOf(t, s, "o", "letter").Revision

	moved, err := m.Decide(ctx, "o", []int64{p1.ID, p2.ID, p1.ID}, signing.StatusPending, signing.StatusApproved, nil)
	if err != nil {
		t.Fatalf("Decide: %v", err)
	}
	if !maps.Equal(moved, map[string]int{"letter": 2}) {
		t.Errorf("Decide moved %v, want map[letter:2] (an id named twice counts once)", moved)
	}
	wantCounts(t, s, signing.Count{Org: "elsewhere", Campaign: "letter", Pending: 1},
		signing.Count{Org: "o", Campaign: "letter", Signatures: 2, Organisations: 2, Pending: 1})
	if r := tallyOf(t, s, "o", "letter").Revision; r <= rev {
		t.Errorf("revision %d after a decision, want more than %d", r, rev)
	}
	for _, ids := range [][]int64{
		{p3.ID, p1.ID},    // p1 was decided already
		{p3.ID, other.ID}, // another organisation's
		{p3.ID, 1 << 40},  // unknown
	} {
		if moved, err := m.Decide(ctx, "o", ids, signing.StatusPending, signing.StatusRejected, nil); !errors.Is(err, store.ErrNotFound) || moved != nil {
			t.Errorf("Decide %v: %v, %v, want nothing moved and ErrNotFound", ids, moved, err)
		}
	}
	if n, err := s.Erase(ctx, "p2@example.org"); err != nil || n != 1 {
		t.Fatalf("Erase: %d, %v", n, err)
	}
	if _, err := m.Decide(ctx, "o", []int64{p3.ID, p2.ID}, signing.StatusApproved, signing.StatusRejected, nil); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("Decide with an erased signature: %v, want ErrNotFound", err)
	}
	wantCounts(t, s, signing.Count{Org: "elsewhere", Campaign: "letter", Pending: 1},
		signing.Count{Org: "o", Campaign: "letter", Signatures: 1, Organisations: 1, Pending: 1})
	if got := emails(t, s, "o", "letter", signing.StatusPending); !slices.Equal(got, []string{"p3@example.org"}) {
		t.Errorf("pending after refused decisions: %v, want [p3@example.org]", got)
	}
	if got := emails(t, s, "elsewhere", "letter", signing.StatusPending); len(got) != 1 {
		t.Errorf("another organisation's pending: %v", got)
	}
}

// testDecideConcurrent: editors approving and rejecting the same
// signatures at once: each signature is decided exactly once.
func testDecideConcurrent(t *testing.T, s store.Store) {
	ctx := context.Background()
	m := moderationOf(t, s)
	var ids []int64
	for i := range 20 {
		p := orgSig("letter", "p"+string(rune('a'+i))+"@example.org", "Org", signing.StatusPending)
		add(t, s, p)
		ids = append(ids, p.ID)
	}
	var wg sync.WaitGroup
	var mu sync.Mutex
	won := map[int64]int{}
	for _, to := range []signing.Status{signing.StatusApproved, signing.StatusRejected, signing.StatusApproved, signing.StatusRejected} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for _, id := range ids {
				_, err := m.Decide(ctx, "o", []int64{id}, signing.StatusPending, to, nil)
				if err == nil {
					mu.Lock()
					won[id]++
					mu.Unlock()
				} else if !errors.Is(err, store.ErrNotFound) {
					t.Errorf("Decide %d: %v", id, err)
				}
			}
		}()
	}
	wg.Wait()
	for _, id := range ids {
		if won[id] != 1 {
			t.Errorf("signature %d decided %d times, want once", id, won[id])
		}
	}
	c := tallyOf(t, s, "o", "letter")
	if c.Pending != 0 || c.Signatures != c.Organisations || c.Signatures > len(ids) {
		t.Errorf("counts after concurrent decisions: %+v", c.Count)
	}
	if n := len(emails(t, s, "o", "letter", signing.StatusApproved)); n != c.Signatures {
		t.Errorf("%d approved, count says %d", n, c.Signatures)
	}
}
