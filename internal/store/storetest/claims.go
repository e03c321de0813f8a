package storetest

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/placard/placard/internal/store"
)

// testClaimOnce: a nonce is claimed once; another nonce is its own; many
// claiming the same nonce at once get exactly one first.
func testClaimOnce(t *testing.T, s store.Store) {
	ctx := context.Background()
	exp := time.Now().Add(30 * time.Minute)
	a, b := []byte("nonce-aaaaaa"), []byte("nonce-bbbbbb")
	for i, want := range []bool{true, false, false} {
		first, err := s.ClaimOnce(ctx, a, exp)
		if err != nil {
			t.Fatalf("ClaimOnce: %v", err)
		}
		if first != want {
			t.Errorf("ClaimOnce(a) call %d: got first=%v, want %v", i+1, first, want)
		}
	}
	if first, err := s.ClaimOnce(ctx, b, exp); err != nil || !first {
		t.Errorf("ClaimOnce(b) after a: got %v, %v, want first", first, err)
	}
	// A nonce differing only in its last byte, or a prefix, is another nonce.
	if first, err := s.ClaimOnce(ctx, a[:len(a)-1], exp); err != nil || !first {
		t.Errorf("ClaimOnce(prefix of a): got %v, %v, want first", first, err)
	}
	var firsts atomic.Int32
	var wg sync.WaitGroup
	c := []byte("nonce-cccccc")
	for range 16 {
		wg.Go(func() {
			first, err := s.ClaimOnce(ctx, c, exp)
			if err != nil {
				t.Errorf("ClaimOnce concurrently: %v", err)
			}
			if first {
				firsts.Add(1)
			}
		})
	}
	wg.Wait()
	if n := firsts.Load(); n != 1 {
		t.Errorf("16 concurrent ClaimOnce of one nonce: %d were first, want exactly 1", n)
	}
}

// RunShared checks what two stores opened on the same database (two
// instances behind a load balancer) must agree on: a claim opened through
// one is not first through the other, and a change made through one is
// reported by the other's Changes. open2 returns two such stores.
func RunShared(t *testing.T, open2 func(t *testing.T) (store.Store, store.Store)) {
	t.Run("ChangesAcrossInstances", func(t *testing.T) {
		s1, s2 := open2(t)
		testChangesShared(t, s1, s2)
	})
	t.Run("MailPaceAcrossInstances", func(t *testing.T) {
		s1, s2 := open2(t)
		testMailPaceShared(t, s1, s2) // mailpace.go
	})
	t.Run("PasskeyCounterAcrossInstances", func(t *testing.T) {
		s1, s2 := open2(t)
		testPasskeyCounterShared(t, s1, s2) // accounts.go
	})
	t.Run("ClaimOnceAcrossInstances", func(t *testing.T) {
		ctx := context.Background()
		s1, s2 := open2(t)
		exp := time.Now().Add(30 * time.Minute)
		n := []byte("shared-nonce")
		if first, err := s1.ClaimOnce(ctx, n, exp); err != nil || !first {
			t.Fatalf("ClaimOnce on the first instance: got %v, %v, want first", first, err)
		}
		if first, err := s2.ClaimOnce(ctx, n, exp); err != nil || first {
			t.Errorf("ClaimOnce on the second instance: got %v, %v, want not first", first, err)
		}
	})
}
