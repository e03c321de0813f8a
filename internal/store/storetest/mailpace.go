package storetest

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/placard/placard/internal/store"
)

// mailPace is s as a store.MailPace, failing the test when it is not one.
func mailPace(t *testing.T, s store.Store) store.MailPace {
	t.Helper()
	p, ok := s.(store.MailPace)
	if !ok {
		t.Fatalf("%T does not keep a shared mail pace (store.MailPace)", s)
	}
	return p
}

// testMailPace: an inbox has three turns at once, then one every ten
// minutes; a +tag reaches the same inbox; a purge keeps only inboxes not
// whole again; an erasure deletes the erased address's row.
func testMailPace(t *testing.T, s store.Store) {
	ctx := context.Background()
	p := mailPace(t, s)
	secret, err := s.Secret(ctx)
	if err != nil {
		t.Fatal(err)
	}
	const every = 10 * time.Minute
	ada := store.PaceHash(secret, "ada@example.org")
	if string(store.PaceHash(secret, "ada+news@example.org")) != string(ada) {
		t.Fatal("PaceHash: a +tag is another inbox; want the same")
	}
	for i := range 3 {
		if _, took, err := p.MailTurn(ctx, ada, every, 3, base); err != nil || !took {
			t.Fatalf("turn %d of the burst: took %v, %v; want a turn", i+1, took, err)
		}
	}
	next, took, err := p.MailTurn(ctx, ada, every, 3, base)
	if err != nil || took {
		t.Fatalf("a fourth at once: took %v, %v; want none", took, err)
	}
	if !next.Equal(base.Add(every)) {
		t.Errorf("a fourth at once: next turn %v, want %v", next, base.Add(every))
	}
	if _, took, err := p.MailTurn(ctx, ada, every, 3, base.Add(every-time.Second)); err != nil || took {
		t.Errorf("a second before its turn: took %v, %v; want none", took, err)
	}
	if _, took, err := p.MailTurn(ctx, ada, every, 3, base.Add(every)); err != nil || !took {
		t.Errorf("at its turn: took %v, %v; want a turn", took, err)
	}
	// Its turn given back (the email was not sent), ada has it again;
	// giving back a turn of an inbox with no row is no error.
	if _, took, err := p.MailTurn(ctx, ada, every, 3, base.Add(every)); err != nil || took {
		t.Errorf("right after her turn: took %v, %v; want none", took, err)
	}
	if err := p.GiveMailTurn(ctx, ada, every); err != nil {
		t.Fatalf("GiveMailTurn: %v", err)
	}
	if _, took, err := p.MailTurn(ctx, ada, every, 3, base.Add(every)); err != nil || !took {
		t.Errorf("her turn given back: took %v, %v; want a turn", took, err)
	}
	if err := p.GiveMailTurn(ctx, store.PaceHash(secret, "nobody@example.org"), every); err != nil {
		t.Errorf("GiveMailTurn with no row: %v", err)
	}
	// Another inbox has its own budget.
	bob := store.PaceHash(secret, "bob@example.org")
	if _, took, err := p.MailTurn(ctx, bob, every, 3, base); err != nil || !took {
		t.Errorf("another inbox: took %v, %v; want a turn", took, err)
	}
	// bob is whole again after ten minutes, ada not for another 30.
	n, err := p.PurgeMailPace(ctx, base.Add(every+time.Minute))
	if err != nil || n != 1 {
		t.Errorf("PurgeMailPace: %d, %v; want 1 (bob's)", n, err)
	}
	if _, took, err := p.MailTurn(ctx, ada, every, 3, base.Add(every+time.Minute)); err != nil || took {
		t.Errorf("ada after the purge: took %v, %v; want none (her row stays)", took, err)
	}
	// Erased, ada's row goes, and her data-page links' rows of every
	// organisation: nothing of her is kept, not even its hash.
	for _, org := range []string{"o", "other"} {
		if _, took, err := p.MailTurn(ctx, store.DataLinkPaceHash(secret, org, "ada@example.org"), every, 1, base.Add(every+time.Minute)); err != nil || !took {
			t.Fatalf("ada's data-page link of %s: took %v, %v; want a turn (its own pace, apart from her inbox's)", org, took, err)
		}
	}
	add(t, s, Sig("o", "c1", "ada+x@example.org"))
	if _, err := s.Erase(ctx, "ada+x@example.org"); err != nil {
		t.Fatal(err)
	}
	if n, err := p.PurgeMailPace(ctx, base.Add(100*time.Hour)); err != nil || n != 0 {
		t.Errorf("after the erasure a purge found %d rows, %v; want 0 (the erasure deletes the inbox's row)", n, err)
	}
}

// testMailPaceClockBack (attack8): the machine's clock set back an hour
// while an inbox's turns are spent. The inbox is held as spent — no
// fresh burst — but no longer than the pace ever holds it (every, past
// the burst's slack), as ratelimit.Pace does: before, its next turn
// waited for the clock to catch up with the time it was whole again
// (an hour and ten minutes; a day, for a clock set back a day), and the
// confirmations asked for meanwhile were given up unsent.
func testMailPaceClockBack(t *testing.T, s store.Store) {
	ctx := context.Background()
	p := mailPace(t, s)
	secret, err := s.Secret(ctx)
	if err != nil {
		t.Fatal(err)
	}
	const every = 10 * time.Minute
	ada := store.PaceHash(secret, "ada@example.org")
	for i := range 3 {
		if _, took, err := p.MailTurn(ctx, ada, every, 3, base); err != nil || !took {
			t.Fatalf("turn %d of the burst: took %v, %v; want a turn", i+1, took, err)
		}
	}
	back := base.Add(-time.Hour)
	next, took, err := p.MailTurn(ctx, ada, every, 3, back)
	if err != nil || took {
		t.Fatalf("the clock set back an hour: took %v, %v; want none (spent, not made whole)", took, err)
	}
	if !next.Equal(back.Add(every)) {
		t.Errorf("the clock set back an hour: next turn %v, want %v (every from now, not the clock catching up)", next, back.Add(every))
	}
	if _, took, err := p.MailTurn(ctx, ada, every, 3, back.Add(every)); err != nil || !took {
		t.Errorf("every after the clock was set back: took %v, %v; want a turn", took, err)
	}
	if _, took, err := p.MailTurn(ctx, ada, every, 3, back.Add(every)); err != nil || took {
		t.Errorf("a second turn at once after that: took %v, %v; want none (no fresh burst)", took, err)
	}
}

// testMailPaceShared: two instances asking for one inbox's turns at
// once, many times over, get its burst between them and no more.
func testMailPaceShared(t *testing.T, s1, s2 store.Store) {
	ctx := context.Background()
	p1, p2 := mailPace(t, s1), mailPace(t, s2)
	secret, err := s1.Secret(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for round := range 5 {
		inbox := store.PaceHash(secret, "victim"+string(rune('a'+round))+"@example.org")
		var mu sync.Mutex
		took := 0
		var wg sync.WaitGroup
		for g := range 8 {
			p := p1
			if g%2 == 1 {
				p = p2
			}
			wg.Go(func() {
				for range 4 {
					_, ok, err := p.MailTurn(ctx, inbox, 10*time.Minute, 3, base)
					if err != nil {
						t.Error(err)
						return
					}
					if ok {
						mu.Lock()
						took++
						mu.Unlock()
					}
				}
			})
		}
		wg.Wait()
		if took != 3 {
			t.Fatalf("round %d: two instances took %d turns of one inbox at once, want 3", round, took)
		}
	}
}

// testMailUnsent: confirmations given up are counted per organisation
// and campaign, and nothing else is kept.
func testMailUnsent(t *testing.T, s store.Store) {
	ctx := context.Background()
	p := mailPace(t, s)
	if got, err := p.UnsentCounts(ctx, "o"); err != nil || len(got) != 0 {
		t.Fatalf("UnsentCounts before any: %v, %v; want none", got, err)
	}
	for _, c := range []string{"c1", "c1", "c2"} {
		if err := p.NoteUnsent(ctx, "o", c); err != nil {
			t.Fatalf("NoteUnsent: %v", err)
		}
	}
	if err := p.NoteUnsent(ctx, "other", "c1"); err != nil {
		t.Fatal(err)
	}
	got, err := p.UnsentCounts(ctx, "o")
	if err != nil || len(got) != 2 || got["c1"] != 2 || got["c2"] != 1 {
		t.Fatalf("UnsentCounts: %v, %v; want c1 2, c2 1 (and nothing of another organisation)", got, err)
	}
}
