// Package ratelimit counts each client's requests in a sliding window and
// says when one has sent too many. It is the counter httprate's local
// limiter is (a count for the current window and one for the previous,
// the previous weighted by how much of it the sliding window still
// covers), without what a signing POST paid for there and never used: a
// joined key built per request, three hashes of it, two locks, the time
// read and formatted for headers nobody is sent. Clients are kept as keyed
// hashes (a random key per process), never as the address itself.
//
// Pace (pace.go) spaces the emails one inbox is sent because someone typed
// its address into a public form.
package ratelimit

import (
	"hash/maphash"
	"math"
	"sync"
	"time"
)

// Limiter allows each client limit requests per window, counted in
// windows that begin at the moment New was called and every window after
// it.
type Limiter struct {
	limit  int
	window time.Duration
	start  time.Time
	seed   maphash.Seed

	mu sync.Mutex
	// n is the index of the current window (since start); curr counts
	// each client's requests in it, prev in window n-1.
	n          int64
	curr, prev map[uint64]uint32
}

// New returns a Limiter allowing limit requests per window to each client.
func New(limit int, window time.Duration) *Limiter {
	return &Limiter{limit: limit, window: window, start: time.Now(), seed: maphash.MakeSeed(),
		curr: map[uint64]uint32{}, prev: map[uint64]uint32{}}
}

// Allow reports whether client may send one more request at now, and
// counts it if so. A refused request is not counted. The client's rate is
// its count in the current window plus its count in the previous one
// weighted by the share of the sliding window (the last window's length
// up to now) that falls in the previous one, rounded to the nearest whole
// request; the request is allowed when that rate plus one is at most the
// limit.
func (l *Limiter) Allow(client string, now time.Time) bool {
	h := maphash.String(l.seed, client)
	since := max(now.Sub(l.start), 0)
	n := int64(since / l.window)
	into := since - time.Duration(n)*l.window
	l.mu.Lock()
	defer l.mu.Unlock()
	l.advance(n)
	curr, prev := l.curr[h], l.prev[h]
	rate := math.Round(float64(prev)*float64(l.window-into)/float64(l.window) + float64(curr))
	if int(rate)+1 > l.limit {
		return false
	}
	l.curr[h] = curr + 1
	return true
}

// advance moves the counts to window n: the current window becomes the
// previous when n is the next one; both are emptied when n is later still.
// The maps keep their room, so a busy minute's clients are not paid for
// again by the next.
func (l *Limiter) advance(n int64) {
	switch {
	case n <= l.n:
		// The same window, or a moment before it (a clock read just
		// before another's lock): counted in the current one.
		return
	case n == l.n+1:
		clear(l.prev)
		l.curr, l.prev = l.prev, l.curr
	default:
		clear(l.prev)
		clear(l.curr)
	}
	l.n = n
}
