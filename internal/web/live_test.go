package web

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/placard/placard/internal/store"
)

// TestRunWakesOnChange: Run re-renders a campaign's page as soon as the
// store reports a change, not at its next tick: with a tick an hour away,
// a signature still shows on the page. The wait is a deadline, not a sleep.
func TestRunWakesOnChange(t *testing.T) {
	forEachEngine(t, func(t *testing.T, st store.Store) {
		e := newSignEnv(t, st, func(c *Config) { c.TallyInterval = time.Hour })
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan struct{})
		go func() { e.s.Run(ctx); close(done) }()
		t.Cleanup(func() { cancel(); <-done })

		res := e.signVia(t, libraryPage, "fay@example.org")
		wantStatus(t, res, 303)
		deadline := time.Now().Add(10 * time.Second)
		for {
			got := strings.TrimSpace(doc(t, get(t, e.s, "GET", libraryPage, nil)).Find("#petition-count").Text())
			if got == "1 person has signed" {
				return
			}
			if time.Now().After(deadline) {
				t.Fatalf("10 s after a signature the page still says %q, want %q", got, "1 person has signed")
			}
			time.Sleep(20 * time.Millisecond)
		}
	})
}
