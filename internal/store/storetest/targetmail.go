package storetest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/placard/placard/internal/signing"
	"github.com/placard/placard/internal/store"
)

// RunTargetMail checks store.TargetMail on stores from open: one message
// per supporter per target per campaign, the drip's hourly limit under 200
// queued messages and under concurrent queueing, and Erase forgetting the
// sender.
func RunTargetMail(t *testing.T, open Opener) {
	t.Run("OnePerSupporterPerTarget", func(t *testing.T) { testOnePerSender(t, open(t)) })
	t.Run("DripUnder200", func(t *testing.T) { testDrip(t, open(t)) })
	t.Run("DripConcurrent", func(t *testing.T) { testDripConcurrent(t, open(t)) })
	t.Run("QueueCapped", func(t *testing.T) { testDripCapped(t, open(t)) })
	t.Run("DomainFairShare", func(t *testing.T) { testDomainShare(t, open(t)) })
	t.Run("DomainFairShareConcurrent", func(t *testing.T) { testDomainShareConcurrent(t, open(t)) })
	t.Run("DomainFairShareSubdomains", func(t *testing.T) { testDomainShareSubdomains(t, open(t)) })
	t.Run("HeldCountsLetters", func(t *testing.T) { testHeldCountsLetters(t, open(t)) })
	t.Run("SweepOnAClock", func(t *testing.T) { testSweepOnAClock(t, open(t)) })            // sweep.go
	t.Run("EraseTakesDomainShare", func(t *testing.T) { testEraseDomainShare(t, open(t)) }) // sweep.go
	t.Run("EraseForgetsSender", func(t *testing.T) { testEraseSender(t, open(t)) })
	t.Run("EraseInForgetsSenderInOrg", func(t *testing.T) { testEraseSenderIn(t, open(t)) })
	t.Run("OnePerMailboxAcrossSpellings", func(t *testing.T) { testOnePerSpelling(t, open(t)) })
	t.Run("OnePerInbox", func(t *testing.T) { testOnePerInbox(t, open(t)) })
}

// testOnePerInbox: "one message per supporter per person per campaign"
// held only for the address exactly as typed, so one person wrote to the
// same decision-maker again and again as ada+1@, ada+2@ … (or, on Gmail,
// with dots moved about), each confirmed in the same inbox — taking the
// target's hourly turns from everyone else. The rule now holds per inbox
// (ratelimit.Mailbox, as the confirmation emails' pace counts them), and
// erasing any address of the inbox forgets it.
func testOnePerInbox(t *testing.T, s store.Store) {
	ctx := context.Background()
	tm, _ := targetMail(t, s)
	for _, first := range []string{"ada+news@example.org", "a.d.a@gmail.com"} {
		if _, err := tm.QueueTargetMail(ctx, mailing("c", "moss", first, 10, base)); err != nil {
			t.Fatalf("first message from %s: %v", first, err)
		}
	}
	for _, again := range []string{"ada@example.org", "ada+other@example.org", "ada@googlemail.com", "ad.a+x@gmail.com"} {
		if _, err := tm.QueueTargetMail(ctx, mailing("c", "moss", again, 10, base.Add(time.Hour))); !errors.Is(err, store.ErrAlreadySent) {
			t.Errorf("%s, the same inbox, to the same target: %v, want ErrAlreadySent", again, err)
		}
	}
	if _, err := tm.QueueTargetMail(ctx, mailing("c", "moss", "adam@example.org", 10, base)); err != nil {
		t.Errorf("another inbox: %v, want queued", err)
	}
	if _, err := s.Erase(ctx, "ada+news@example.org"); err != nil {
		t.Fatal(err)
	}
	if _, err := tm.QueueTargetMail(ctx, mailing("c", "moss", "ada@example.org", 10, base.Add(2*time.Hour))); err != nil {
		t.Errorf("the inbox writes again after its erasure: %v, want queued", err)
	}
}

// testOnePerSpelling: a supporter whose message an earlier version
// recorded under the A-label spelling of their address (kept as typed
// then, and only its keyed hash once sent) cannot write to the same
// decision-maker again by typing the domain in Unicode, now the form
// every address is in.
func testOnePerSpelling(t *testing.T, s store.Store) {
	ctx := context.Background()
	tm, _ := targetMail(t, s)
	if _, err := tm.QueueTargetMail(ctx, mailing("c", "moss", "ada@xn--bcher-kva.example", 10, base)); err != nil {
		t.Fatalf("first message: %v", err)
	}
	if _, err := tm.QueueTargetMail(ctx, mailing("c", "moss", "ada@bücher.example", 10, base.Add(time.Hour))); !errors.Is(err, store.ErrAlreadySent) {
		t.Errorf("the same mailbox in Unicode to the same target: %v, want ErrAlreadySent", err)
	}
	if _, err := tm.QueueTargetMail(ctx, mailing("c", "lind", "ada@bücher.example", 10, base.Add(time.Hour))); err != nil {
		t.Errorf("to another target: %v, want queued", err)
	}
}

// supporter is the i-th of many supporters, each with an address of
// their own domain, as a real campaign's are spread over many (a flood
// from one domain is testDomainShare's).
func supporter(i int) string { return fmt.Sprintf("s%03d@d%03d.example", i, i) }

// mailing is a message from sender to target with perHour, at.
func mailing(campaign, target, sender string, perHour int, at time.Time) store.TargetMailing {
	return store.TargetMailing{Org: "o", Campaign: campaign, Action: "write", Target: target, Sender: sender, PerHour: perHour, At: at,
		Messages: []signing.Message{{ID: signing.NewMessageID(), Kind: signing.MessageEmail, Email: sender, Org: "o", Campaign: campaign,
			Payload: []byte(`{"to":"` + target + `@legislature.example","reply_to":"` + sender + `"}`)}}}
}

func targetMail(t *testing.T, s store.Store) (store.TargetMail, store.Outbox) {
	t.Helper()
	tm, ok := s.(store.TargetMail)
	if !ok {
		t.Fatalf("%T does not implement store.TargetMail", s)
	}
	ob, ok := s.(store.Outbox)
	if !ok {
		t.Fatalf("%T does not implement store.Outbox", s)
	}
	return tm, ob
}

func testOnePerSender(t *testing.T, s store.Store) {
	ctx := context.Background()
	tm, ob := targetMail(t, s)
	due, err := tm.QueueTargetMail(ctx, mailing("c", "moss", "ada@example.org", 10, base))
	if err != nil || !due.Equal(base) {
		t.Fatalf("first message: due %v, %v; want %v, nil", due, err, base)
	}
	if _, err := tm.QueueTargetMail(ctx, mailing("c", "moss", "ada@example.org", 10, base.Add(time.Hour))); !errors.Is(err, store.ErrAlreadySent) {
		t.Errorf("second message to the same target: %v, want ErrAlreadySent", err)
	}
	for _, m := range []store.TargetMailing{
		mailing("c", "lind", "ada@example.org", 10, base), // another target
		mailing("d", "moss", "ada@example.org", 10, base), // another campaign
		mailing("c", "moss", "bo@example.org", 10, base),  // another supporter
	} {
		if _, err := tm.QueueTargetMail(ctx, m); err != nil {
			t.Errorf("QueueTargetMail(%s, %s, %s): %v", m.Campaign, m.Target, m.Sender, err)
		}
	}
	es, err := ob.List(ctx, "")
	if err != nil || len(es) != 4 {
		t.Errorf("outbox holds %d messages, %v; want 4 (the refused one not queued)", len(es), err)
	}
	counts, err := s.(store.Outreach).OutreachCounts(ctx, "o", "c")
	if err != nil || len(counts) != 2 || counts[1] != (store.OutreachCount{Org: "o", Campaign: "c", Action: "write", Target: "moss", Kind: "email", Outcome: "queued", Count: 2}) {
		t.Errorf("counts = %+v, %v; want 1 email to lind and 2 to moss", counts, err)
	}
}

// testDrip: 170 supporters write to one target at once with at most 7 an
// hour: the first 7 are due now and every later hour holds exactly 7 (the
// last the remainder), due at the start of its hour. (170 fit in the day
// the queue holds: testDripCapped.)
func testDrip(t *testing.T, s store.Store) {
	ctx := context.Background()
	tm, ob := targetMail(t, s)
	const perHour, total = 7, 170
	for i := range total {
		if _, err := tm.QueueTargetMail(ctx, mailing("c", "moss", supporter(i), perHour, base)); err != nil {
			t.Fatalf("message %d: %v", i, err)
		}
	}
	es, err := ob.List(ctx, "")
	if err != nil || len(es) != total {
		t.Fatalf("outbox holds %d, %v; want %d", len(es), err, total)
	}
	checkDrip(t, es, perHour, total)
}

// checkDrip checks that entries are due at most perHour an hour, the
// first hour's at base and later hours' at their start, in full hours.
func checkDrip(t *testing.T, es []store.OutboxEntry, perHour, total int) {
	t.Helper()
	per := map[time.Time]int{}
	for _, e := range es {
		nb := e.NotBefore.UTC()
		if !nb.Equal(base.Truncate(time.Microsecond)) && !nb.Equal(nb.Truncate(time.Hour)) {
			t.Errorf("a message is due at %v: neither now nor the start of an hour", nb)
		}
		per[store.OutreachHour(nb)]++
	}
	hours := (total + perHour - 1) / perHour
	if len(per) != hours {
		t.Errorf("messages spread over %d hours, want %d", len(per), hours)
	}
	first := store.OutreachHour(base)
	for i := range hours {
		h := first.Add(time.Duration(i) * time.Hour)
		want := min(perHour, total-i*perHour)
		if per[h] != want {
			t.Errorf("hour %d (%v) holds %d messages, want %d", i, h, per[h], want)
		}
	}
}

// testDripCapped: the queue for one decision-maker had no bound, so a
// flood of letters (many supporters, or one person with many addresses)
// grew the outbox without limit and put a genuine letter days behind. It
// now holds a day of the drip (store.MaxDripAhead): letters due this hour
// and in the 24 after it. The next is refused with ErrTargetFull, queued
// nowhere and counted as held back; the supporter is not recorded, so once
// the drip moves on (an hour later) the same letter is queued.
// TargetMailRoom reads the same rule for the write form.
func testDripCapped(t *testing.T, s store.Store) {
	ctx := context.Background()
	tm, ob := targetMail(t, s)
	const perHour = 3
	const fits = perHour * 25 // this hour and the 24 after it
	var last time.Time
	for i := range fits {
		due, err := tm.QueueTargetMail(ctx, mailing("c", "moss", supporter(i), perHour, base))
		if err != nil {
			t.Fatalf("letter %d of the %d a day holds: %v", i+1, fits, err)
		}
		last = due
	}
	if want := store.OutreachHour(base).Add(store.MaxDripAhead); !last.Equal(want) {
		t.Errorf("the last letter that fits is due %v, want %v", last, want)
	}
	if ok, err := tm.TargetMailRoom(ctx, "o", "c", "moss", "", perHour, base); err != nil || ok {
		t.Errorf("TargetMailRoom with a full day queued = %v, %v; want false", ok, err)
	}
	for _, who := range []string{"late@example.org", "late@example.org", "other@example.org"} {
		if _, err := tm.QueueTargetMail(ctx, mailing("c", "moss", who, perHour, base)); !errors.Is(err, store.ErrTargetFull) {
			t.Errorf("a letter from %s past a full day: %v, want ErrTargetFull", who, err)
		}
	}
	es, err := ob.List(ctx, "")
	if err != nil || len(es) != fits {
		t.Errorf("outbox holds %d, %v; want the %d that fit", len(es), err, fits)
	}
	if ok, err := tm.TargetMailRoom(ctx, "o", "c", "lind", "", perHour, base); err != nil || !ok {
		t.Errorf("another decision-maker's queue: room %v, %v; want true", ok, err)
	}
	counts, err := s.(store.Outreach).OutreachCounts(ctx, "o", "c")
	want := []store.OutreachCount{
		// late@ pressed twice: one letter held back, with other@'s
		// (TargetMail/HeldCountsLetters).
		{Org: "o", Campaign: "c", Action: "write", Target: "moss", Kind: "email", Outcome: store.OutcomeHeld, Count: 2},
		{Org: "o", Campaign: "c", Action: "write", Target: "moss", Kind: "email", Outcome: store.OutcomeQueued, Count: fits},
	}
	if err != nil || fmt.Sprint(counts) != fmt.Sprint(want) {
		t.Errorf("counts = %+v, %v; want %+v", counts, err, want)
	}
	// An hour on, the drip has room for one more hour of letters: the
	// letter refused is queued (its sender was not recorded).
	later := base.Add(time.Hour)
	if ok, err := tm.TargetMailRoom(ctx, "o", "c", "moss", "late@example.org", perHour, later); err != nil || !ok {
		t.Errorf("TargetMailRoom an hour on = %v, %v; want true", ok, err)
	}
	due, err := tm.QueueTargetMail(ctx, mailing("c", "moss", "late@example.org", perHour, later))
	if want := store.OutreachHour(later).Add(store.MaxDripAhead); err != nil || !due.Equal(want) {
		t.Errorf("the refused letter an hour on: due %v, %v; want %v", due, err, want)
	}
}

// testDripConcurrent: supporters queueing at once still get no more than
// the hourly limit (engines serialise on the target's slot).
func testDripConcurrent(t *testing.T, s store.Store) {
	ctx := context.Background()
	tm, ob := targetMail(t, s)
	const perHour, total = 3, 40
	var wg sync.WaitGroup
	for i := range total {
		wg.Go(func() {
			if _, err := tm.QueueTargetMail(ctx, mailing("c", "moss", supporter(i), perHour, base)); err != nil {
				t.Errorf("message %d: %v", i, err)
			}
		})
	}
	wg.Wait()
	es, err := ob.List(ctx, "")
	if err != nil || len(es) != total {
		t.Fatalf("outbox holds %d, %v; want %d", len(es), err, total)
	}
	checkDrip(t, es, perHour, total)
}

// testEraseSender: after Erase, the supporter's queued message is gone and
// nothing remembers they wrote: they may write to the target again.
func testEraseSender(t *testing.T, s store.Store) {
	ctx := context.Background()
	tm, ob := targetMail(t, s)
	for _, m := range []store.TargetMailing{mailing("c", "moss", "ada@example.org", 10, base), mailing("c", "moss", "bo@example.org", 10, base)} {
		if _, err := tm.QueueTargetMail(ctx, m); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := s.Erase(ctx, "ada@example.org"); err != nil {
		t.Fatal(err)
	}
	es, err := ob.List(ctx, "")
	if err != nil || len(es) != 1 || es[0].Email != "bo@example.org" {
		t.Errorf("after erasing ada: outbox %+v, %v; want bo's message only", es, err)
	}
	if _, err := tm.QueueTargetMail(ctx, mailing("c", "moss", "ada@example.org", 10, base)); err != nil {
		t.Errorf("ada writes again after her erasure: %v, want it queued", err)
	}
	if _, err := tm.QueueTargetMail(ctx, mailing("c", "moss", "bo@example.org", 10, base)); !errors.Is(err, store.ErrAlreadySent) {
		t.Errorf("bo writes again: %v, want ErrAlreadySent", err)
	}
}

// testEraseSenderIn: an organisation's erasure (EraseIn, the console) and
// a supporter's own for one organisation (EraseSupporter) forget that they
// wrote to the organisation's targets, and only those: the same address
// writing for another organisation is still remembered there.
func testEraseSenderIn(t *testing.T, s store.Store) {
	ctx := context.Background()
	tm, _ := targetMail(t, s)
	in := func(org string, m store.TargetMailing) store.TargetMailing {
		m.Org = org
		for i := range m.Messages {
			m.Messages[i].Org = org
		}
		return m
	}
	for _, who := range []string{"ada@example.org", "bo@example.org"} {
		for _, org := range []string{"o", "p"} {
			if _, err := tm.QueueTargetMail(ctx, in(org, mailing("c", "moss", who, 10, base))); err != nil {
				t.Fatal(err)
			}
		}
	}
	a, ok := s.(store.Accounts)
	if !ok {
		t.Fatalf("%T does not implement store.Accounts", s)
	}
	if _, err := a.EraseIn(ctx, "o", "ada@example.org"); err != nil {
		t.Fatal(err)
	}
	m, ok := s.(store.Mail)
	if !ok {
		t.Fatalf("%T does not implement store.Mail", s)
	}
	if _, err := m.EraseSupporter(ctx, "o", "bo@example.org"); err != nil {
		t.Fatal(err)
	}
	for _, who := range []string{"ada@example.org", "bo@example.org"} {
		if _, err := tm.QueueTargetMail(ctx, in("o", mailing("c", "moss", who, 10, base))); err != nil {
			t.Errorf("%s writes again for o after o's erasure: %v, want it queued", who, err)
		}
		if _, err := tm.QueueTargetMail(ctx, in("p", mailing("c", "moss", who, 10, base))); !errors.Is(err, store.ErrAlreadySent) {
			t.Errorf("%s writes again for p: %v, want ErrAlreadySent (o's erasure is not p's)", who, err)
		}
	}
}

// RunTargetMailWipe checks that after an erasure — Erase, an
// organisation's EraseIn (the console) or a supporter's EraseSupporter
// (their own data page) — no byte of the supporter's keyed hash or address
// is left in any file the engine names, while another supporter's hash is.
func RunTargetMailWipe(t *testing.T, disk Disk) {
	ctx := context.Background()
	d := disk(t)
	s, err := d.Open()
	if err != nil {
		t.Fatalf("open: %v", err)
	}
	tm, _ := targetMail(t, s)
	// Each erased supporter writes from a domain of their own, whose
	// keyed hash counts their letter in the queue's domain shares: the
	// erasure takes it out (outreach_waiting, migration 056), and their
	// letter held back from another target goes too.
	gone := map[string]string{"Erase": marker("gone") + "@" + marker("home") + ".example", "EraseIn": marker("gonein") + "@" + marker("home") + ".example",
		"EraseSupporter": marker("gonesupporter") + "@" + marker("home") + ".example"}
	kept := marker("kept") + "@example.org"
	for _, who := range []string{gone["Erase"], gone["EraseIn"], gone["EraseSupporter"], kept} {
		if _, err := tm.QueueTargetMail(ctx, mailing("c", "moss", who, 10, base)); err != nil {
			t.Fatal(err)
		}
		if err := tm.NoteHeld(ctx, "o", "c", "write", "lind", who, base); err != nil {
			t.Fatal(err)
		}
	}
	secret, err := s.Secret(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if d.Signed != nil {
		d.Signed(t)
	}
	if _, err := s.Erase(ctx, gone["Erase"]); err != nil {
		t.Fatal(err)
	}
	if a, ok := s.(store.Accounts); !ok {
		t.Errorf("%T does not implement store.Accounts", s)
	} else if _, err := a.EraseIn(ctx, "o", gone["EraseIn"]); err != nil {
		t.Fatal(err)
	}
	if m, ok := s.(store.Mail); !ok {
		t.Errorf("%T does not implement store.Mail", s)
	} else if _, err := m.EraseSupporter(ctx, "o", gone["EraseSupporter"]); err != nil {
		t.Fatal(err)
	}
	look := func(when string) {
		t.Helper()
		found := map[string]bool{}
		for _, p := range d.Files(t) {
			b, err := os.ReadFile(p)
			if err != nil {
				if os.IsNotExist(err) {
					continue
				}
				t.Fatal(err)
			}
			for how, g := range gone {
				found[how+" hash"] = found[how+" hash"] || bytes.Contains(b, store.SenderHash(secret, g))
				found[how+" address"] = found[how+" address"] || bytes.Contains(b, []byte(g))
				found[how+" domain"] = found[how+" domain"] || bytes.Contains(b, store.DomainHash(secret, g))
			}
			found["kept hash"] = found["kept hash"] || bytes.Contains(b, store.SenderHash(secret, kept))
			found["kept domain"] = found["kept domain"] || bytes.Contains(b, store.DomainHash(secret, kept))
		}
		for how := range gone {
			if found[how+" hash"] || found[how+" address"] || found[how+" domain"] {
				t.Errorf("%s: after %s, the supporter's keyed hash (%v), address (%v) or own domain's keyed hash (%v) is still on disk",
					when, how, found[how+" hash"], found[how+" address"], found[how+" domain"])
			}
		}
		if !found["kept hash"] || !found["kept domain"] {
			t.Errorf("%s: another supporter's keyed hash (%v) or domain's (%v) is in none of the files: the search does not read the data",
				when, found["kept hash"], found["kept domain"])
		}
	}
	look("while open")
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	look("after Close")
}

// testDomainShare: one person with a catch-all domain confirmed an inbox
// per letter and filled a decision-maker's whole day, so genuine
// supporters were refused all day. Once the queue is half full, a domain
// holding half of what waits is refused (ErrDomainShare, an
// ErrTargetFull): the flood stops at half the day and the rest goes to
// everyone else — even supporters mostly sharing one big provider, who
// fill the rest of the day.
func testDomainShare(t *testing.T, s store.Store) {
	ctx := context.Background()
	tm, ob := targetMail(t, s)
	const perHour = 2
	capacity := store.DripCapacity(perHour) // 50
	flood := func(i int) string { return fmt.Sprintf("x%03d@catchall.example", i) }
	i := 0
	for ; i < capacity; i++ {
		_, err := tm.QueueTargetMail(ctx, mailing("c", "moss", flood(i), perHour, base))
		if err != nil {
			if !errors.Is(err, store.ErrDomainShare) || !errors.Is(err, store.ErrTargetFull) {
				t.Fatalf("flood letter %d: %v, want ErrDomainShare", i+1, err)
			}
			break
		}
	}
	if i != capacity/2 {
		t.Errorf("one domain queued %d of a day of %d, want half (%d)", i, capacity, capacity/2)
	}
	if ok, err := tm.TargetMailRoom(ctx, "o", "c", "moss", flood(999), perHour, base); err != nil || ok {
		t.Errorf("TargetMailRoom for the flooding domain = %v, %v; want false", ok, err)
	}
	if ok, err := tm.TargetMailRoom(ctx, "o", "c", "moss", "ada@gmail.com", perHour, base); err != nil || !ok {
		t.Errorf("TargetMailRoom for another domain = %v, %v; want true", ok, err)
	}
	// Genuine supporters, most on one big provider, fill the other half.
	for j := range capacity - capacity/2 {
		who := fmt.Sprintf("fan%03d@gmail.com", j)
		if j%4 == 3 {
			who = supporter(j)
		}
		if _, err := tm.QueueTargetMail(ctx, mailing("c", "moss", who, perHour, base)); err != nil {
			t.Fatalf("genuine letter %d (%s) with the flood holding half: %v", j+1, who, err)
		}
	}
	if _, err := tm.QueueTargetMail(ctx, mailing("c", "moss", "late@gmail.com", perHour, base)); !errors.Is(err, store.ErrTargetFull) {
		t.Errorf("a letter past the full day: %v, want ErrTargetFull", err)
	}
	es, err := ob.List(ctx, "")
	if err != nil || len(es) != capacity {
		t.Errorf("outbox holds %d, %v; want the day's %d", len(es), err, capacity)
	}
	qs, err := tm.TargetQueues(ctx, "o", base)
	want := []store.TargetQueue{{Campaign: "c", Target: "moss", Last: store.OutreachHour(base).Add(store.MaxDripAhead), Waiting: capacity, Top: capacity / 2}}
	if err != nil || fmt.Sprint(qs) != fmt.Sprint(want) {
		t.Errorf("TargetQueues = %+v, %v; want %+v", qs, err, want)
	}
	// A day on, the letters have left the queue: nothing runs any more.
	if qs, err := tm.TargetQueues(ctx, "o", base.Add(26*time.Hour)); err != nil || len(qs) != 0 {
		t.Errorf("TargetQueues a day on = %+v, %v; want none", qs, err)
	}
	// And the domain's count is of letters waiting: two hours on, those
	// sent have left it, and the domain queues again.
	if _, err := tm.QueueTargetMail(ctx, mailing("c", "moss", flood(500), perHour, base.Add(26*time.Hour))); err != nil {
		t.Errorf("the domain a day on: %v, want queued", err)
	}
}

// testDomainShareConcurrent: a flood from one domain arriving at once
// (several instances on PostgreSQL) still stops at half the day: the
// engines count the queue's domains under the target's drip lock.
func testDomainShareConcurrent(t *testing.T, s store.Store) {
	ctx := context.Background()
	tm, ob := targetMail(t, s)
	const perHour = 2
	capacity := store.DripCapacity(perHour)
	var wg sync.WaitGroup
	for i := range capacity {
		wg.Go(func() {
			_, err := tm.QueueTargetMail(ctx, mailing("c", "moss", fmt.Sprintf("x%03d@catchall.example", i), perHour, base))
			if err != nil && !errors.Is(err, store.ErrDomainShare) {
				t.Errorf("flood letter %d: %v", i, err)
			}
		})
	}
	wg.Wait()
	es, err := ob.List(ctx, "")
	if err != nil || len(es) != capacity/2 {
		t.Errorf("outbox holds %d, %v; want half the day (%d)", len(es), err, capacity/2)
	}
}

// testDomainShareSubdomains: the share was counted per full host name,
// so one person with a catch-all domain and a wildcard MX record wrote
// from x@a1.catchall.example, x@a2.catchall.example… — a new "domain"
// per letter — and filled the whole day as before the share existed.
// Subdomains of one registered domain (store.DomainHash: its public
// suffix plus one label) are one domain: the flood stops at half the day.
func testDomainShareSubdomains(t *testing.T, s store.Store) {
	ctx := context.Background()
	tm, _ := targetMail(t, s)
	const perHour = 2
	capacity := store.DripCapacity(perHour)
	i := 0
	for ; i < capacity; i++ {
		who := fmt.Sprintf("x@s%03d.CatchAll.example", i)
		if i%2 == 1 {
			who = fmt.Sprintf("x%03d@mail.s%03d.catchall.example", i, i)
		}
		if _, err := tm.QueueTargetMail(ctx, mailing("c", "moss", who, perHour, base)); err != nil {
			if !errors.Is(err, store.ErrDomainShare) {
				t.Fatalf("flood letter %d: %v, want ErrDomainShare", i+1, err)
			}
			break
		}
	}
	if i != capacity/2 {
		t.Errorf("one registered domain, a subdomain per letter, queued %d of a day of %d, want half (%d)", i, capacity, capacity/2)
	}
	// A domain under a public suffix of two labels is its own.
	if ok, err := tm.TargetMailRoom(ctx, "o", "c", "moss", "ann@catchall.co.uk", perHour, base); err != nil || !ok {
		t.Errorf("TargetMailRoom for another registered domain = %v, %v; want true", ok, err)
	}
}

// testHeldCountsLetters: the held-back figure counted every press of
// Send, so a supporter retrying showed as many letters. A letter is one
// supporter's (inbox's) to one decision-maker in a campaign — the unit
// "one message per supporter per target" already keeps — so it counts
// once however often it is pressed, by any spelling of the inbox; another
// inbox, or another target, is another letter; an erasure forgets the
// inbox.
func testHeldCountsLetters(t *testing.T, s store.Store) {
	ctx := context.Background()
	tm, _ := targetMail(t, s)
	for _, h := range []struct{ target, sender string }{
		{"moss", "ada@example.org"}, {"moss", "ada@example.org"}, {"moss", "ada+again@example.org"},
		{"moss", "bo@example.org"}, {"lind", "ada@example.org"},
	} {
		if err := tm.NoteHeld(ctx, "o", "c", "write", h.target, h.sender, base); err != nil {
			t.Fatal(err)
		}
	}
	held := func() map[string]int64 {
		counts, err := s.(store.Outreach).OutreachCounts(ctx, "o", "c")
		if err != nil {
			t.Fatal(err)
		}
		out := map[string]int64{}
		for _, c := range counts {
			if c.Outcome == store.OutcomeHeld {
				out[c.Target] += c.Count
			}
		}
		return out
	}
	if got := held(); got["moss"] != 2 || got["lind"] != 1 {
		t.Errorf("held back = %v, want moss 2 (ada, bo), lind 1", got)
	}
	if _, err := s.Erase(ctx, "ada@example.org"); err != nil {
		t.Fatal(err)
	}
	if err := tm.NoteHeld(ctx, "o", "c", "write", "moss", "ada@example.org", base.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if got := held(); got["moss"] != 3 {
		t.Errorf("after ada's erasure, her letter held again: moss %d, want 3 (nothing remembered her)", got["moss"])
	}
	// Past HeldFor the inbox is forgotten: pressing two days later counts again.
	if err := tm.NoteHeld(ctx, "o", "c", "write", "moss", "bo@example.org", base.Add(store.HeldFor+2*time.Hour)); err != nil {
		t.Fatal(err)
	}
	if got := held(); got["moss"] != 4 {
		t.Errorf("bo again after HeldFor: moss %d, want 4", got["moss"])
	}
}
