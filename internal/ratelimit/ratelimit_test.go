package ratelimit

import (
	"fmt"
	"sync"
	"testing"
	"time"
)

// TestSlidingWindow follows one client through three windows of a limit of
// 4 a minute, and checks each answer against the sliding window's rate.
func TestSlidingWindow(t *testing.T) {
	l := New(4, time.Minute)
	at := func(d time.Duration) time.Time { return l.start.Add(d) }
	steps := []struct {
		at   time.Duration
		want bool
	}{
		// Window 0: four allowed, the fifth refused and not counted.
		{0, true}, {time.Second, true}, {2 * time.Second, true}, {50 * time.Second, true},
		{59 * time.Second, false},
		// Window 1, 15 s in: the previous 4 weigh 4·45/60 = 3, so one more.
		{75 * time.Second, true},
		{76 * time.Second, false}, // 4·44/60 = 2.93 → 3, +1 current = 4, +1 > 4
		// 45 s in: 4·15/60 = 1, +1 current = 2: two more.
		{105 * time.Second, true},
		{105 * time.Second, true},
		{106 * time.Second, false},
		// Window 2, 30 s in: the previous window's 3 weigh 1.5 → 2: two more.
		{150 * time.Second, true},
		{150 * time.Second, true},
		{150 * time.Second, false},
		// Window 4: the last count is two windows old, forgotten.
		{240 * time.Second, true}, {240 * time.Second, true}, {240 * time.Second, true}, {240 * time.Second, true},
		{240 * time.Second, false},
	}
	for i, s := range steps {
		if got := l.Allow("203.0.113.9", at(s.at)); got != s.want {
			t.Errorf("step %d, at %v: Allow = %v, want %v", i, s.at, got, s.want)
		}
	}
}

// TestClientsApart: one client's requests never count against another's.
func TestClientsApart(t *testing.T) {
	l := New(2, time.Minute)
	now := l.start
	for _, c := range []string{"198.51.100.1", "198.51.100.2", "2001:db8:1:2::"} {
		if !l.Allow(c, now) || !l.Allow(c, now) {
			t.Fatalf("%s: refused within its limit", c)
		}
		if l.Allow(c, now) {
			t.Errorf("%s: a third request allowed with a limit of 2", c)
		}
	}
}

// TestBeforeStart: a moment before the limiter began counts in its first
// window.
func TestBeforeStart(t *testing.T) {
	l := New(1, time.Minute)
	if !l.Allow("a", l.start.Add(-time.Hour)) || l.Allow("a", l.start) {
		t.Errorf("want one request allowed, the next refused")
	}
}

// TestConcurrent: however many goroutines ask at once, one client gets
// exactly its limit within a window.
func TestConcurrent(t *testing.T) {
	l := New(100, time.Hour)
	now := l.start.Add(time.Second)
	var wg sync.WaitGroup
	var mu sync.Mutex
	allowed := 0
	for range 8 {
		wg.Go(func() {
			for range 50 {
				if l.Allow("same", now) {
					mu.Lock()
					allowed++
					mu.Unlock()
				}
			}
		})
	}
	wg.Wait()
	if allowed != 100 {
		t.Errorf("%d of 400 allowed, want 100", allowed)
	}
}

// TestAllowAllocations: counting a request allocates nothing once its
// client is in the map.
func TestAllowAllocations(t *testing.T) {
	if raceEnabled {
		t.Log("allocations differ under the race detector: counted by the run without -race")
		return
	}
	l := New(1<<30, time.Minute)
	now := l.start.Add(time.Second)
	l.Allow("203.0.113.9", now)
	if n := testing.AllocsPerRun(100, func() { l.Allow("203.0.113.9", now) }); n != 0 {
		t.Errorf("%.0f allocations per request, want 0", n)
	}
}

func BenchmarkAllow(b *testing.B) {
	l := New(1<<30, time.Minute)
	keys := make([]string, 1<<16)
	for i := range keys {
		keys[i] = fmt.Sprintf("10.%d.%d.%d", i>>16&255, i>>8&255, i&255)
	}
	now := time.Now()
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		l.Allow(keys[i&(len(keys)-1)], now)
	}
}
