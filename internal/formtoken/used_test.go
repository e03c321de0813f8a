package formtoken

import (
	"testing"
	"time"
)

// TestUsedTokensBounded: a token signs once per client, other clients may
// sign with it, a release lets it sign again, and tokens past MaxAge are
// forgotten (their hourly bucket dropped), so the set holds at most about
// a day of signatures.
func TestUsedTokensBounded(t *testing.T) {
	u := NewUsed()
	t0 := time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)
	if !u.Claim("tok", "198.51.100.1", t0, t0.Add(time.Minute)) || u.Claim("tok", "198.51.100.1", t0, t0.Add(time.Minute)) {
		t.Fatal("a token must sign once per client")
	}
	if !u.Claim("tok", "198.51.100.2", t0, t0.Add(time.Minute)) {
		t.Error("another client must be able to sign with the same token")
	}
	u.Release("tok", "198.51.100.2", t0)
	if !u.Claim("tok", "198.51.100.2", t0, t0.Add(time.Minute)) {
		t.Error("a released token must sign again")
	}
	later := t0.Add(MaxAge + 2*time.Hour)
	u.Claim("new", "198.51.100.1", later, later)
	u.mu.Lock()
	n := len(u.buckets)
	u.mu.Unlock()
	if n != 1 {
		t.Errorf("after MaxAge: %d buckets kept, want only the new token's", n)
	}
}
