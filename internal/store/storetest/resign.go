package storetest

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/placard/placard/internal/signing"
	"github.com/placard/placard/internal/store"
)

// Behind is one fresh store for RunSignsAgain with the engine's ways of
// leaving a bundled message behind its signature's erasure.
type Behind struct {
	Store store.Store
	// Erase erases email the way a placard from before outbox bundles
	// did (its signatures and its outbox rows, never outbox_bundles), as
	// an older instance or command does during an upgrade: the bundled
	// messages about email are left for the newer store to take apart.
	Erase func(t *testing.T, email string)
	// Unmark makes every bundle look written before bundles named their
	// signatures (no signature ids), as a bundle left from an older
	// version does.
	Unmark func(t *testing.T)
	// UnmarkNewest makes the newest bundle alone look written before
	// bundles named their signatures, as an older instance writes one
	// after a newer instance's during a rolling upgrade.
	UnmarkNewest func(t *testing.T)
}

// RunSignsAgain checks that a bundled message is only ever sent for the
// very signature it was written for. An erasure that missed a bundle
// (an older instance's) left a message about the erased signature; when
// the same address signs the same campaign again, that message must not
// go out matched against the new signature — it would deliver what was
// erased — while the new signature's own messages, and other signers',
// do. Listing and claiming take bundles apart alike; so do bundles left
// from before signature ids, compared by the signature's time.
func RunSignsAgain(t *testing.T, open func(t *testing.T) Behind) {
	t.Run("Listed", func(t *testing.T) { testSignsAgain(t, open(t), false, false) })
	t.Run("Claimed", func(t *testing.T) { testSignsAgain(t, open(t), true, false) })
	t.Run("OlderBundleListed", func(t *testing.T) { testSignsAgain(t, open(t), false, true) })
	t.Run("OlderBundleClaimed", func(t *testing.T) { testSignsAgain(t, open(t), true, true) })
	t.Run("OlderBundleAfterNewerListed", func(t *testing.T) { testOlderAfterNewer(t, open(t), false) })
	t.Run("OlderBundleAfterNewerClaimed", func(t *testing.T) { testOlderAfterNewer(t, open(t), true) })
}

// testOlderAfterNewer takes apart, together, a bundle naming its
// signatures and after it one naming none (an older instance's, written
// during a rolling upgrade): each is judged by what it holds. A bundle
// read with the ids of the one before it would match its messages
// against another signature: here the erased one, so a live signer's
// message would be dropped.
func testOlderAfterNewer(t *testing.T, b Behind, claim bool) {
	ctx := context.Background()
	const alice, bob = "alice@example.org", "bob@example.org"
	now := time.Now().UTC().Truncate(time.Microsecond)
	first, second := Sig("o", "c", alice), Sig("o", "c", bob)
	first.CreatedAt, second.CreatedAt = now.Add(-2*time.Second), now.Add(-time.Second)
	first.Outbox = []signing.Message{Msg("o", "c", alice)}
	second.Outbox = []signing.Message{Msg("o", "c", bob)}
	for _, s := range []*signing.Signature{first, second} {
		if _, err := b.Store.AddSignatures(ctx, []*signing.Signature{s}); err != nil {
			t.Fatal(err)
		}
	}
	b.UnmarkNewest(t)
	b.Erase(t, alice)
	got := leftIDs(t, b.Store.(store.Outbox), claim)
	if want := []string{second.Outbox[0].ID}; !slices.Equal(got, want) {
		t.Errorf("outbox: got %v, want bob's message alone %v (alice's erased, bob's from the bundle naming no signature)", got, want)
	}
}

func testSignsAgain(t *testing.T, b Behind, claim, older bool) {
	ctx := context.Background()
	const alice, bob = "alice@example.org", "bob@example.org"
	// Signed a moment ago, as the signing layer stamps a signature.
	now := time.Now().UTC().Truncate(time.Microsecond)
	first, other := Sig("o", "c", alice), Sig("o", "c", bob)
	first.CreatedAt, other.CreatedAt = now.Add(-time.Second), now.Add(-time.Second)
	// A thank-you and a webhook: every kind a signature bundles.
	thanks := Msg("o", "c", alice)
	thanks.Kind = signing.MessageEmail
	first.Outbox = []signing.Message{thanks, Msg("o", "c", alice)}
	other.Outbox = []signing.Message{Msg("o", "c", bob)}
	if _, err := b.Store.AddSignatures(ctx, []*signing.Signature{first, other}); err != nil {
		t.Fatal(err)
	}
	if older {
		b.Unmark(t)
	}
	b.Erase(t, alice)
	again := Sig("o", "c", alice)
	again.CreatedAt = time.Now().UTC().Add(time.Second)
	again.Outbox = []signing.Message{Msg("o", "c", alice)}
	if _, err := b.Store.AddSignatures(ctx, []*signing.Signature{again}); err != nil {
		t.Fatal(err)
	}
	want := []string{again.Outbox[0].ID, other.Outbox[0].ID}
	got := leftIDs(t, b.Store.(store.Outbox), claim)
	slices.Sort(got)
	slices.Sort(want)
	for _, m := range first.Outbox {
		if slices.Contains(got, m.ID) {
			t.Errorf("the first signature's %s message came out of its bundle after alice signed again", m.Kind)
		}
	}
	if !slices.Equal(got, want) {
		t.Errorf("outbox: got %v, want the new signature's and bob's %v", got, want)
	}
}

// leftIDs is the ids of the messages the outbox ob still holds: listed,
// or (claim) claimed by a worker together with any it did not claim, so
// nothing else waits either.
func leftIDs(t *testing.T, ob store.Outbox, claim bool) []string {
	t.Helper()
	if !claim {
		return outboxIDs(t, ob, "")
	}
	es, err := ob.Claim(context.Background(), "w", 100, time.Minute)
	if err != nil {
		t.Fatalf("Claim: %v", err)
	}
	var got []string
	for _, e := range es {
		got = append(got, e.ID)
	}
	got = append(got, outboxIDs(t, ob, "")...)
	slices.Sort(got)
	return slices.Compact(got)
}
