package web

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"
)

// TestPaceLogToldWhenTheAttackStops: the first mail held back is logged
// at once and the rest of its minute wait for a line; when the attack
// stops there is no next mail to tell them, so the server tells them as
// it stops (Run, and every minute while it runs). Failed before: the last
// three were never logged (one line, count=1).
func TestPaceLogToldWhenTheAttackStops(t *testing.T) {
	var logs bytes.Buffer
	t0 := time.Date(2026, 12, 5, 15, 0, 0, 0, time.UTC)
	clock := t0
	s := &Server{log: newTestLogger(&logs), cfg: Config{Now: func() time.Time { return clock }}}
	for i := range 4 {
		s.notePace("riverside/save-the-library", "confirm", paceHeld, t0.Add(time.Duration(i)*time.Second))
	}
	if n := strings.Count(logs.String(), "held back"); n != 1 {
		t.Fatalf("%d lines within the minute, want 1 (the first at once):\n%s", n, logs.String())
	}
	clock = t0.Add(10 * time.Second)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	s.Run(ctx)
	l := logs.String()
	if n := strings.Count(l, "held back"); n != 2 || !strings.Contains(l, "count=3") {
		t.Fatalf("after the server stopped: %d lines, want 2, the second with count=3:\n%s", n, l)
	}
}
