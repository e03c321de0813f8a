package web

import (
	"sync/atomic"
	"testing"
	"time"
)

// minted makes every agedToken distinct: tokens of the same second are the
// same token, and a token signs once per client. Each is one second older
// than the last, counting back from the clock's start (a base that moved
// with the clock could give two the same second).
var minted atomic.Int64

// agedToken is a token for the campaign at page ("/org/slug"), old enough
// to sign now and distinct from every other it returns: tests that sign
// more than once mint one per signature instead of reusing a form's token
// (refused since tokens sign once) or sleeping.
func (e *signEnv) agedToken(t testing.TB, page string) string {
	t.Helper()
	n := minted.Add(1)
	return e.s.tokens.issue(page[1:], clockStart.Add(-tokenMinAge-time.Duration(n)*time.Second))
}

// TestUsedTokensBounded: a token signs once per client, other clients may
// sign with it, a release lets it sign again, and tokens past tokenMaxAge
// are forgotten (their hourly bucket dropped), so the set holds at most
// about a day of signatures.
func TestUsedTokensBounded(t *testing.T) {
	u := newUsedTokens()
	t0 := time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)
	if !u.claim("tok", "198.51.100.1", t0, t0.Add(time.Minute)) || u.claim("tok", "198.51.100.1", t0, t0.Add(time.Minute)) {
		t.Fatal("a token must sign once per client")
	}
	if !u.claim("tok", "198.51.100.2", t0, t0.Add(time.Minute)) {
		t.Error("another client must be able to sign with the same token")
	}
	u.release("tok", "198.51.100.2", t0)
	if !u.claim("tok", "198.51.100.2", t0, t0.Add(time.Minute)) {
		t.Error("a released token must sign again")
	}
	later := t0.Add(tokenMaxAge + 2*time.Hour)
	u.claim("new", "198.51.100.1", later, later)
	u.mu.Lock()
	n := len(u.buckets)
	u.mu.Unlock()
	if n != 1 {
		t.Errorf("after tokenMaxAge: %d buckets kept, want only the new token's", n)
	}
}
