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
	sweep(at.Add(time.Hour), 2, "the hour of Lind's letter has passed: its domain count and its inbox's place in it")
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

// testEraseDomainShare: an erasure deleted the supporter's waiting
// letter but left it in its email domain's count (outreach_drip_domains)
// until its hour passed — a count of their own domain, perhaps a domain
// of one person, and a share the next letter from it was judged by. Each
// erasure (Erase, EraseIn, EraseSupporter) now takes its letter out of
// the count; other people's letters stay counted, and an erasure of an
// address that wrote nothing takes nothing.
func testEraseDomainShare(t *testing.T, s store.Store) {
	ctx := context.Background()
	tm, _ := targetMail(t, s)
	at := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	// Each erased person has a domain of their own; two letters of
	// bo's domain stay.
	for _, who := range []string{"jane@janedoe.example", "ann@annsmith.example", "sam@samlee.example", "bo@example.org", "cy@example.org"} {
		if _, err := tm.QueueTargetMail(ctx, mailing("c", "moss", who, 1, at)); err != nil {
			t.Fatal(err)
		}
	}
	waiting := func() (int, int) {
		t.Helper()
		qs, err := tm.TargetQueues(ctx, "o", at)
		if err != nil || len(qs) != 1 {
			t.Fatalf("TargetQueues: %+v, %v; want Moss's queue", qs, err)
		}
		return qs[0].Waiting, qs[0].Top
	}
	if w, top := waiting(); w != 5 || top != 2 {
		t.Fatalf("before any erasure: %d waiting, top %d; want 5, 2", w, top)
	}
	if _, err := s.Erase(ctx, "jane@janedoe.example"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Erase(ctx, "nobody@janedoe.example"); err != nil {
		t.Fatal(err)
	}
	if a, ok := s.(store.Accounts); ok {
		if _, err := a.EraseIn(ctx, "o", "ann@annsmith.example"); err != nil {
			t.Fatal(err)
		}
		// Another organisation's erasure takes nothing of o's.
		if _, err := a.EraseIn(ctx, "p", "bo@example.org"); err != nil {
			t.Fatal(err)
		}
	}
	if m, ok := s.(store.Mail); ok {
		if _, err := m.EraseSupporter(ctx, "o", "sam@samlee.example"); err != nil {
			t.Fatal(err)
		}
	}
	if w, top := waiting(); w != 2 || top != 2 {
		t.Errorf("after erasing Jane, Ann and Sam: %d waiting, top %d; want 2, 2 (bo's and cy's letters)", w, top)
	}
	// Jane writes again: a new letter, counted afresh, once.
	if _, err := tm.QueueTargetMail(ctx, mailing("c", "moss", "jane@janedoe.example", 1, at)); err != nil {
		t.Fatalf("Jane writing again after her erasure: %v", err)
	}
	if w, _ := waiting(); w != 3 {
		t.Errorf("after Jane wrote again: %d waiting, want 3", w)
	}
}
