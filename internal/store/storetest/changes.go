package storetest

import (
	"context"
	"testing"
	"time"

	"github.com/placard/placard/internal/signing"
	"github.com/placard/placard/internal/store"
)

// changeWait bounds how long a test waits for a change to be reported. It
// is a deadline, not a sleep: a change normally arrives in milliseconds.
const changeWait = 10 * time.Second

// wantChange waits for a value on ch, failing after changeWait.
func wantChange(t *testing.T, ch <-chan struct{}, after string) {
	t.Helper()
	select {
	case _, ok := <-ch:
		if !ok {
			t.Fatalf("after %s: the Changes channel was closed", after)
		}
	case <-time.After(changeWait):
		t.Fatalf("after %s: no change reported within %v", after, changeWait)
	}
}

// drain takes a value waiting on ch, if any.
func drain(ch <-chan struct{}) {
	select {
	case <-ch:
	default:
	}
}

// testChanges: Changes reports that it listens, then every committed
// change: a signature added, a status moved, an erasure. Fallback polling
// is set far out, so every value seen is a change reported. The channel
// closes when its context ends.
func testChanges(t *testing.T, s store.Store) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	ch := s.Changes(ctx, time.Hour)
	wantChange(t, ch, "starting to listen")
	drain(ch)

	sig := Sig("o", "c", "changes@example.org")
	add(t, s, sig)
	wantChange(t, ch, "AddSignatures")
	drain(ch)
	if err := s.SetStatus(context.Background(), sig.ID, signing.StatusPending); err != nil {
		t.Fatalf("SetStatus: %v", err)
	}
	wantChange(t, ch, "SetStatus")
	drain(ch)
	if n, err := s.Erase(context.Background(), sig.Email); err != nil || n != 1 {
		t.Fatalf("Erase: %d, %v", n, err)
	}
	wantChange(t, ch, "Erase")

	cancel()
	deadline := time.After(changeWait)
	for {
		select {
		case _, ok := <-ch:
			if !ok {
				return
			}
		case <-deadline:
			t.Fatalf("the Changes channel was not closed within %v of its context ending", changeWait)
		}
	}
}

// testChangesShared: a signature added through one instance is reported
// to the other's Changes.
func testChangesShared(t *testing.T, s1, s2 store.Store) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	ch := s2.Changes(ctx, time.Hour)
	wantChange(t, ch, "starting to listen")
	drain(ch)
	add(t, s1, Sig("o", "c", "elsewhere@example.org"))
	wantChange(t, ch, "AddSignatures on the other instance")
}
