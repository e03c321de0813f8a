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

// TestUsedDropsOnTime: a bucket goes at the first claim after its last
// token is past MaxAge (a minute's grace), not before, however the claims
// fall.
func TestUsedDropsOnTime(t *testing.T) {
	u := NewUsed()
	t0 := time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)
	for h := range 25 {
		issued := t0.Add(time.Duration(h) * time.Hour)
		u.Claim("tok", "198.51.100.1", issued, issued.Add(time.Second))
	}
	// The 10:00 bucket's last token (10:59:59) is past MaxAge and the
	// minute's grace after 11:01:00 the next day.
	drop := t0.Add(time.Hour + MaxAge + time.Minute)
	buckets := func() int {
		u.mu.Lock()
		defer u.mu.Unlock()
		return len(u.buckets)
	}
	last := t0.Add(24 * time.Hour) // the newest bucket's hour
	u.Claim("x", "198.51.100.2", last, drop)
	if n := buckets(); n != 25 {
		t.Errorf("at %v: %d buckets, want 25 (none due yet)", drop, n)
	}
	u.Claim("y", "198.51.100.2", last, drop.Add(time.Nanosecond))
	if n := buckets(); n != 24 {
		t.Errorf("just after %v: %d buckets, want 24", drop, n)
	}
	if u.Claim("tok", "198.51.100.1", t0.Add(time.Hour), drop.Add(time.Second)) {
		t.Error("the 11:00 bucket was dropped early")
	}
	later := drop.Add(30 * time.Hour)
	u.Claim("z", "198.51.100.3", later, later)
	if n := buckets(); n != 1 {
		t.Errorf("a day later: %d buckets, want 1", n)
	}
}

// BenchmarkClaim is a claim with a day of hourly buckets held, as on a
// server that has been up a day.
func BenchmarkClaim(b *testing.B) {
	u := NewUsed()
	now := time.Now()
	for h := range 24 {
		u.Claim("tok", "198.51.100.1", now.Add(-time.Duration(h)*time.Hour), now)
	}
	clients := make([]string, 1<<16)
	for i := range clients {
		clients[i] = "10." + string(rune('0'+i%10)) + "." + time.Duration(i).String()
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		u.Claim("tok", clients[i&(len(clients)-1)], now, now)
	}
}
