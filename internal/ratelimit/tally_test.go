package ratelimit

import (
	"testing"
	"time"
)

// TestTallyFlushTellsTheLastMinute: the first event is told at once, the
// rest of its minute wait, and Flush tells them once the minute is over
// (or at once when told all, at shutdown) — the last partial minute of an
// attack used never to be told, no event coming after it.
func TestTallyFlushTellsTheLastMinute(t *testing.T) {
	var tl Tally[string]
	t0 := time.Date(2026, 12, 5, 15, 0, 0, 0, time.UTC)
	if n, due := tl.Note("k", t0); !due || n != 1 {
		t.Fatalf("first event: %d, %v; want 1, due", n, due)
	}
	for i := 1; i <= 4; i++ {
		if _, due := tl.Note("k", t0.Add(time.Duration(i)*time.Second)); due {
			t.Fatalf("event %d within the minute was due a line; want it counted", i)
		}
	}
	told := map[string]int{}
	log := func(k string, n int) { told[k] += n }
	tl.Flush(t0.Add(30*time.Second), false, log)
	if len(told) != 0 {
		t.Fatalf("Flush within the minute told %v; want nothing yet", told)
	}
	tl.Flush(t0.Add(time.Minute), false, log)
	if told["k"] != 4 {
		t.Fatalf("Flush after the minute told %v; want k: 4", told)
	}
	tl.Flush(t0.Add(2*time.Minute), false, log)
	if told["k"] != 4 {
		t.Errorf("a second Flush told them again: %v", told)
	}
	// At shutdown, all is told at once.
	tl.Note("j", t0.Add(3*time.Minute))
	tl.Note("j", t0.Add(3*time.Minute+time.Second))
	tl.Flush(t0.Add(3*time.Minute+2*time.Second), true, log)
	if told["j"] != 1 {
		t.Errorf("Flush at shutdown told %v; want j: 1 (the one after its first line)", told)
	}
}
