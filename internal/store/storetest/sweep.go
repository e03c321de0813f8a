package storetest

import (
	"context"
	"testing"
	"time"

	"github.com/placard/placard/internal/store"
)

// testSweepOnAClock: the held-back inboxes (outreach_held: a keyed hash
// of an address, perhaps never confirmed) and the queue's domain counts
// went only when the next letter came, so a campaign that went quiet kept
// them for good. SweepTargetMail deletes them on a clock (serve runs it):
// a domain count once its hour has passed, a held-back inbox once HeldFor
// has, and nothing sooner — a letter pressed again within HeldFor still
// counts once.
func testSweepOnAClock(t *testing.T, s store.Store) {
	ctx := context.Background()
	tm, _ := targetMail(t, s)
	at := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	if err := tm.NoteHeld(ctx, "o", "c", "write", "moss", "jane@janedoe.example", at); err != nil {
		t.Fatal(err)
	}
	if _, err := tm.QueueTargetMail(ctx, mailing("c", "lind", "bo@example.org", 10, at)); err != nil {
		t.Fatal(err)
	}
	sweep := func(now time.Time, want int, what string) {
		t.Helper()
		if n, err := tm.SweepTargetMail(ctx, now); err != nil || n != want {
			t.Errorf("SweepTargetMail at %s: %d rows, %v; want %d (%s)", now.Sub(at), n, err, want, what)
		}
	}
	sweep(at.Add(59*time.Minute), 0, "nothing has had its time")
	sweep(at.Add(time.Hour), 1, "the hour of Lind's letter has passed: its domain count")
	sweep(at.Add(store.HeldFor), 0, "Jane's held-back inbox is kept HeldFor")
	// Within HeldFor, Jane pressing again is the same letter held back.
	if err := tm.NoteHeld(ctx, "o", "c", "write", "moss", "jane@janedoe.example", at.Add(store.HeldFor)); err != nil {
		t.Fatal(err)
	}
	counts, err := s.(store.Outreach).OutreachCounts(ctx, "o", "c")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range counts {
		if c.Target == "moss" && c.Outcome == store.OutcomeHeld && c.Count != 1 {
			t.Errorf("Jane's letter held back, pressed again within HeldFor: counted %d, want 1", c.Count)
		}
	}
	sweep(at.Add(store.HeldFor+time.Hour), 1, "HeldFor has passed since Jane's letter was held back: her inbox's hash")
	sweep(at.Add(store.HeldFor+time.Hour), 0, "a second instance sweeping finds nothing left")
}
