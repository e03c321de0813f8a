package site

import (
	"sort"
	"testing"
	"time"
)

// fakeTimers is a clock whose time moves only when told, with the
// functions scheduled on it.
type fakeTimers struct {
	now   time.Time
	queue []fakeTimer
}

type fakeTimer struct {
	at time.Time
	f  func()
}

func (c *fakeTimers) afterFunc(d time.Duration, f func()) {
	c.queue = append(c.queue, fakeTimer{c.now.Add(d), f})
}

// advance moves the clock to t, running in order what falls due.
func (c *fakeTimers) advance(t time.Time) {
	for {
		sort.SliceStable(c.queue, func(i, j int) bool { return c.queue[i].at.Before(c.queue[j].at) })
		if len(c.queue) == 0 || c.queue[0].at.After(t) {
			break
		}
		next := c.queue[0]
		c.queue = c.queue[1:]
		c.now = next.at
		next.f()
	}
	c.now = t
}

// TestTidyBounded: pages rendered on every poll of a viral campaign (a
// change of tally re-renders its variants) force at most one collection
// per tidyEvery — the first tidyDelay after the first rendering after a
// quiet spell — not one every tidyDelay as before.
func TestTidyBounded(t *testing.T) {
	start := time.Date(2026, 12, 4, 12, 0, 0, 0, time.UTC)
	clock := &fakeTimers{now: start}
	var frees []time.Time
	td := &tidier{now: func() time.Time { return clock.now }, afterFunc: clock.afterFunc,
		free: func() { frees = append(frees, clock.now) }}

	// 60 s of renderings, ten a second.
	for i := 0; i < 600; i++ {
		clock.advance(start.Add(time.Duration(i) * 100 * time.Millisecond))
		td.rendered()
	}
	clock.advance(start.Add(60 * time.Second))
	if len(frees) < 2 || len(frees) > 3 {
		t.Fatalf("%d forced collections in 60 s of renderings (%v), want 2 or 3", len(frees), frees)
	}
	if got := frees[0].Sub(start); got != tidyDelay {
		t.Errorf("first collection %v after the first rendering, want %v", got, tidyDelay)
	}
	for i := 1; i < len(frees); i++ {
		if gap := frees[i].Sub(frees[i-1]); gap < tidyEvery {
			t.Errorf("collections %v apart, want at least %v", gap, tidyEvery)
		}
	}

	// After a quiet spell, a rendering is tidied after tidyDelay again.
	clock.advance(start.Add(10 * time.Minute))
	n := len(frees)
	td.rendered()
	clock.advance(clock.now.Add(tidyDelay))
	if len(frees) != n+1 || !frees[n].Equal(start.Add(10*time.Minute+tidyDelay)) {
		t.Fatalf("after a quiet spell: collections %v, want one %v after the rendering", frees[n:], tidyDelay)
	}
	// A rendering soon after that waits out tidyEvery.
	td.rendered()
	clock.advance(clock.now.Add(tidyEvery))
	if len(frees) != n+2 || frees[n+1].Sub(frees[n]) != tidyEvery {
		t.Fatalf("collections %v, want the next %v after the last", frees[n:], tidyEvery)
	}
}
