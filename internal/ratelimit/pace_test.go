package ratelimit

import (
	"fmt"
	"testing"
	"time"
)

var paceStart = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

// TestPaceBurstThenEveryWithinHorizon: three mails to a mailbox go at
// once, the next ones one every ten minutes later on, as far as an hour
// ahead; past that a mail has no turn, and none is taken for it.
func TestPaceBurstThenEveryWithinHorizon(t *testing.T) {
	p := &Pace{Every: 10 * time.Minute, Burst: 3, Horizon: time.Hour}
	now := paceStart
	var got []time.Duration
	for range 9 {
		at, ok := p.Reserve("", "ada@example.org", now)
		if !ok {
			t.Fatalf("mail %d has no turn", len(got)+1)
		}
		got = append(got, at.Sub(now))
	}
	want := []time.Duration{0, 0, 0, 10 * time.Minute, 20 * time.Minute, 30 * time.Minute, 40 * time.Minute, 50 * time.Minute, time.Hour}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("turns %v, want %v", got, want)
	}
	if _, ok := p.Reserve("", "ada@example.org", now); ok {
		t.Fatal("a tenth mail within the hour has a turn")
	}
	// Another mailbox is not held back; another scope counts apart.
	if at, ok := p.Reserve("", "bob@example.org", now); !ok || !at.Equal(now) {
		t.Errorf("another address: %v %v", at, ok)
	}
	if at, ok := p.Reserve("riverside", "ada@example.org", now); !ok || !at.Equal(now) {
		t.Errorf("another scope: %v %v", at, ok)
	}
	// The refused mail took nothing: ten minutes on, one more turn, an
	// hour ahead.
	if at, ok := p.Reserve("", "ada@example.org", now.Add(10*time.Minute)); !ok || !at.Equal(now.Add(70*time.Minute)) {
		t.Errorf("ten minutes on: %v %v, want a turn at +70 min", at, ok)
	}
	// Once the mailbox's budget is whole again, three go at once again.
	later := now.Add(3 * time.Hour)
	for i := range 3 {
		if at, ok := p.Reserve("", "ada@example.org", later); !ok || !at.Equal(later) {
			t.Fatalf("after a quiet while, mail %d: %v %v", i+1, at, ok)
		}
	}
}

// TestPaceNoHorizon: with no horizon (the data-page link), one mail per
// Every and none put off.
func TestPaceNoHorizon(t *testing.T) {
	p := &Pace{Every: 10 * time.Minute}
	if _, ok := p.Reserve("org", "ada@example.org", paceStart); !ok {
		t.Fatal("first refused")
	}
	if _, ok := p.Reserve("org", "ada@example.org", paceStart.Add(9*time.Minute)); ok {
		t.Fatal("second within ten minutes allowed")
	}
	if at, ok := p.Reserve("org", "ada@example.org", paceStart.Add(10*time.Minute)); !ok || !at.Equal(paceStart.Add(10*time.Minute)) {
		t.Fatalf("after ten minutes: %v %v", at, ok)
	}
}

// TestPaceSubaddressesAreOneMailbox: ada+1@, ada+2@ … reach one inbox, so
// they share its turns.
func TestPaceSubaddressesAreOneMailbox(t *testing.T) {
	p := &Pace{Every: 10 * time.Minute}
	if _, ok := p.Reserve("", "ada+1@example.org", paceStart); !ok {
		t.Fatal("first refused")
	}
	for _, a := range []string{"ada@example.org", "ada+2@example.org", "ada+@example.org"} {
		if _, ok := p.Reserve("", a, paceStart); ok {
			t.Errorf("%s has a turn of its own", a)
		}
	}
	if _, ok := p.Reserve("", "a.d.a@googlemail.com", paceStart); !ok {
		t.Fatal("gmail first refused")
	}
	if _, ok := p.Reserve("", "ada+x@gmail.com", paceStart); ok {
		t.Error("ada+x@gmail.com has a turn apart from a.d.a@googlemail.com")
	}
}

func TestMailbox(t *testing.T) {
	for in, want := range map[string]string{
		"ada@example.org":          "ada@example.org",
		"ada+news@example.org":     "ada@example.org",
		"ada+a+b@example.org":      "ada@example.org",
		"+ada@example.org":         "+ada@example.org", // nothing before the +: kept whole
		"a.d.a@example.org":        "a.d.a@example.org",
		"a.d.a+x@gmail.com":        "ada@gmail.com",
		"a.d.a@googlemail.com":     "ada@gmail.com",
		"ada-news@example.org":     "ada-news@example.org",
		"no-at-sign":               "no-at-sign",
		"ada+tag@sub.gmail.com":    "ada@sub.gmail.com",
		"jean.paul+x@proton.me":    "jean.paul@proton.me",
		"élise+liste@exemple.fr":   "élise@exemple.fr",
		"ada@example.org+x":        "ada@example.org+x",
		"ada+x@example.org+y.test": "ada@example.org+y.test",
	} {
		if got := Mailbox(in); got != want {
			t.Errorf("Mailbox(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestPaceMemoryBounded: a flood of made-up addresses keeps at most Max
// mailboxes, forgetting the one nearest whole again; a mailbox being
// paced keeps its place while fewer than Max others come after it.
func TestPaceMemoryBounded(t *testing.T) {
	p := &Pace{Every: 10 * time.Minute, Max: 64}
	p.Reserve("", "victim@example.org", paceStart)
	for i := range 63 {
		p.Reserve("", fmt.Sprintf("x%d@example.org", i), paceStart.Add(time.Duration(i+1)*time.Second))
	}
	if _, ok := p.Reserve("", "victim@example.org", paceStart.Add(time.Minute)); ok {
		t.Fatal("the victim's mailbox was forgotten before the table was full")
	}
	for i := range 1000 {
		p.Reserve("", fmt.Sprintf("y%d@example.org", i), paceStart.Add(time.Minute+time.Duration(i)*time.Millisecond))
		if n := len(p.whole); n > 64 {
			t.Fatalf("%d mailboxes kept, want at most 64", n)
		}
	}
	// Past the wait everything is whole again, and forgotten once the
	// table fills: the victim's mailbox has its whole budget.
	later := paceStart.Add(time.Hour)
	for i := range 64 {
		p.Reserve("", fmt.Sprintf("z%d@example.org", i), later)
	}
	for i := range 64 {
		if _, ok := p.Reserve("", fmt.Sprintf("z%d@example.org", i), later); ok {
			t.Fatalf("z%d forgotten while the others were whole again", i)
		}
	}
	if n := len(p.whole); n > 64 {
		t.Errorf("%d mailboxes kept, want at most 64", n)
	}
}

// TestPaceFloodAtOneInstant: made-up addresses all at one moment (the
// same time each) still keep the table to Max.
func TestPaceFloodAtOneInstant(t *testing.T) {
	p := &Pace{Every: 10 * time.Minute, Max: 16}
	for i := range 100 {
		p.Reserve("", fmt.Sprintf("x%d@example.org", i), paceStart)
		if n := len(p.whole); n > 16 {
			t.Fatalf("%d mailboxes kept, want at most 16", n)
		}
	}
}

// TestPaceClockBack: a clock set back does not hold a mailbox for longer
// than the pace ever would: it is held as just spent (it cannot be told
// from a request that read the time late, which must not refill it), and
// one Every later it has its turn.
func TestPaceClockBack(t *testing.T) {
	p := &Pace{Every: 10 * time.Minute}
	p.Reserve("", "ada@example.org", paceStart.Add(24*time.Hour))
	if _, ok := p.Reserve("", "ada@example.org", paceStart); ok {
		t.Error("a day back in time, a spent mailbox has a turn at once")
	}
	if _, ok := p.Reserve("", "ada@example.org", paceStart.Add(10*time.Minute)); !ok {
		t.Fatal("a day back in time, the mailbox is held longer than Every")
	}
}

// TestPaceOutOfOrderKeepsTheBudgetSpent: attack on the pace — requests
// read the time before they reach Reserve (the signing form reads its
// time before its body, which a client may send slowly), so they can
// arrive out of order. A spent mailbox whose latest turn was taken by a
// later request was read as "a clock set back" and made whole again: a
// fresh burst of three at once and an hour's worth put off, every ten
// minutes, for whoever sends a request a second late. Failed before: the
// late request had a turn at once, then eight more.
func TestPaceOutOfOrderKeepsTheBudgetSpent(t *testing.T) {
	p := &Pace{Every: 10 * time.Minute, Burst: 3, Horizon: time.Hour}
	now := paceStart
	for i := range 9 {
		if _, ok := p.Reserve("", "ada@example.org", now); !ok {
			t.Fatalf("mail %d has no turn", i+1)
		}
	}
	// Ten minutes on, one more turn, an hour ahead, taken by a request
	// that read the time just then...
	later := now.Add(10 * time.Minute)
	if at, ok := p.Reserve("", "ada@example.org", later); !ok || !at.Equal(later.Add(time.Hour)) {
		t.Fatalf("ten minutes on: %v %v, want a turn an hour ahead", at, ok)
	}
	// ... and then ones that read it a second earlier.
	early := later.Add(-time.Second)
	n := 0
	for range 12 {
		if _, ok := p.Reserve("", "ada+"+fmt.Sprint(n)+"@example.org", early); ok {
			n++
		}
	}
	if n > 0 {
		t.Errorf("%d more turns for requests a second late, want none: the mailbox's budget is spent", n)
	}
}

// TestPaceRelease: a turn handed back (its mail was never stored) is the
// mailbox's again, and only that one: handing back a turn never makes
// the mailbox more than whole, nor touches another mailbox or scope.
func TestPaceRelease(t *testing.T) {
	p := &Pace{Every: 10 * time.Minute, Burst: 3, Horizon: time.Hour}
	now := paceStart
	for range 9 {
		if _, ok := p.Reserve("", "ada@example.org", now); !ok {
			t.Fatal("no turn within the hour")
		}
	}
	if _, ok := p.Reserve("", "ada@example.org", now); ok {
		t.Fatal("a tenth turn within the hour")
	}
	p.Release("", "ada+x@example.org", now) // the same mailbox
	if at, ok := p.Reserve("", "ada@example.org", now); !ok || !at.Equal(now.Add(time.Hour)) {
		t.Fatalf("after a turn handed back: %v %v, want the last turn, an hour ahead", at, ok)
	}
	if _, ok := p.Reserve("", "ada@example.org", now); ok {
		t.Fatal("one turn handed back gave two")
	}
	// Handing back more than was taken, or for a mailbox never paced,
	// gives no more than a whole budget: three at once.
	for range 20 {
		p.Release("", "ada@example.org", now)
		p.Release("", "bob@example.org", now)
		p.Release("riverside", "ada@example.org", now)
	}
	for i := range 4 {
		at, ok := p.Reserve("", "ada@example.org", now)
		if i < 3 && (!ok || !at.Equal(now)) || i == 3 && (!ok || !at.After(now)) {
			t.Fatalf("turn %d after many handed back: %v %v", i+1, at, ok)
		}
	}
}
