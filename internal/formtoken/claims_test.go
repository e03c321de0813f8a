package formtoken

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"
)

// TestClaimsRoundTrip: a claim opens for its campaign until ClaimTTL with
// the token and key sealed in it, is first once when consumed (a HEAD,
// without consume, is never first), and opens for nothing else.
func TestClaimsRoundTrip(t *testing.T) {
	seen := map[string]bool{}
	c := NewClaims([]byte("k"), 10, 26, func(_ context.Context, nonce []byte, _ time.Time) (bool, error) {
		first := !seen[string(nonce)]
		seen[string(nonce)] = true
		return first, nil
	})
	ctx := context.Background()
	tok, key := "ABCDEFGHIJ", strings.Repeat("K", 26)
	claim := c.Seal("o/c", tok, key, t0)
	if len(claim) != 96 {
		t.Errorf("claim %q: %d characters, want 96", claim, len(claim))
	}
	if gt, gk, first, ok, err := c.Open(ctx, "o/c", claim, t0, false); !ok || first || err != nil || gt != tok || gk != key {
		t.Fatalf("open without consume: %q %q first %v ok %v err %v; want the pair, not first", gt, gk, first, ok, err)
	}
	if _, _, first, ok, _ := c.Open(ctx, "o/c", claim, t0.Add(ClaimTTL-time.Second), true); !ok || !first {
		t.Errorf("first consuming open: first %v ok %v, want both", first, ok)
	}
	if _, _, first, ok, _ := c.Open(ctx, "o/c", claim, t0, true); !ok || first {
		t.Errorf("second consuming open: first %v ok %v, want opened but not first", first, ok)
	}
	for name, open := range map[string]func() bool{
		"another campaign": func() bool { _, _, _, ok, _ := c.Open(ctx, "o/other", claim, t0, true); return ok },
		"expired":          func() bool { _, _, _, ok, _ := c.Open(ctx, "o/c", claim, t0.Add(ClaimTTL), true); return ok },
		"another key": func() bool {
			_, _, _, ok, _ := NewClaims([]byte("other"), 10, 26, nil).Open(ctx, "o/c", claim, t0, true)
			return ok
		},
		"newline added": func() bool { _, _, _, ok, _ := c.Open(ctx, "o/c", claim[:10]+"\n"+claim[10:], t0, true); return ok },
		"truncated":     func() bool { _, _, _, ok, _ := c.Open(ctx, "o/c", claim[:95], t0, true); return ok },
		"tampered": func() bool {
			b := []byte(claim)
			b[50] ^= 1
			_, _, _, ok, _ := c.Open(ctx, "o/c", string(b), t0, true)
			return ok
		},
	} {
		if open() {
			t.Errorf("%s: the claim opened", name)
		}
	}
}

// TestClaimsStoreFailure: the store's failure to record a showing is
// returned, and the claim does not open.
func TestClaimsStoreFailure(t *testing.T) {
	boom := errors.New("store down")
	c := NewClaims([]byte("k"), 10, 26, func(context.Context, []byte, time.Time) (bool, error) { return false, boom })
	claim := c.Seal("o/c", "ABCDEFGHIJ", strings.Repeat("K", 26), t0)
	if _, _, _, ok, err := c.Open(context.Background(), "o/c", claim, t0, true); ok || !errors.Is(err, boom) {
		t.Errorf("open with the store failing: ok %v err %v, want not ok and the store's error", ok, err)
	}
}

// TestAppendSeal: AppendSeal keeps what dst held and appends a claim that
// opens like Seal's, in one allocation (its sealing buffer); two claims
// of the same pair differ (a fresh nonce each).
func TestAppendSeal(t *testing.T) {
	c := NewClaims([]byte("k"), 10, 26, nil)
	tok, key := "ABCDEFGHIJ", strings.Repeat("K", 26)
	out := c.AppendSeal([]byte("/o/c/thanks?claim="), "o/c", tok, key, t0)
	claim, ok := strings.CutPrefix(string(out), "/o/c/thanks?claim=")
	if !ok {
		t.Fatalf("the prefix was lost: %q", out)
	}
	if gt, gk, _, ok, err := c.Open(context.Background(), "o/c", claim, t0, false); !ok || err != nil || gt != tok || gk != key {
		t.Errorf("open: %q %q ok %v err %v", gt, gk, ok, err)
	}
	if again := c.Seal("o/c", tok, key, t0); again == claim {
		t.Error("two claims of the same pair are the same: the nonce was reused")
	}
	if raceEnabled {
		return
	}
	var buf [256]byte
	if n := testing.AllocsPerRun(100, func() { _ = c.AppendSeal(buf[:0], "o/c", tok, key, t0) }); n != 1 {
		t.Errorf("AppendSeal makes %.0f allocations, want 1", n)
	}
}
