package web

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/placard/placard/internal/mail"
	"github.com/placard/placard/internal/signing"
	"github.com/placard/placard/internal/store"
	"github.com/placard/placard/internal/store/sqlite"
)

// TestPacedSignatureIsKept: attack on a signer's own signature — someone
// who knows ada's address spends her inbox's turns (ada+0@ … ada+8@ on a
// campaign that asks for confirmation: three at once, then the hour's
// worth). While they do, ada signs herself. Her signature was not stored
// ("a confirmation-needing signature with no turn within the hour is not
// stored"), though the page said to check her inbox. Now it is stored,
// waiting, with no email for now (the attacker still cannot add one to
// the inbox); a stranger repeating it meanwhile sends nothing; when ada
// signs again once the inbox has turns, as the page says, the
// confirmation of the signature she made goes, and confirming it counts
// it. Every answer is the same page. Failed before: ada's signature not
// kept ("kept: false").
func TestPacedSignatureIsKept(t *testing.T) {
	forEachEngine(t, func(t *testing.T, st store.Store) {
		e := newMailEnv(t, st, confirmFiles(t))
		var logs bytes.Buffer
		e.s.log = newTestLogger(&logs)
		ms := st.(store.Mail)
		waiting := func(email string) []signing.Signature {
			t.Helper()
			sigs, err := ms.Supporter(context.Background(), "riverside", email)
			if err != nil {
				t.Fatal(err)
			}
			return sigs
		}
		sign := func(email string) {
			t.Helper()
			v := e.formValues(t, libraryPage, "petition-form")
			v.Set("email", email)
			e.clock.add(5 * time.Second)
			res := e.post(t, libraryPage+"/sign", v, nil)
			wantStatus(t, res, 303)
			if loc := res.Header.Get("Location"); loc != libraryPage+"/confirm?lang=en" {
				t.Fatalf("%s: Location %q, want the check-your-inbox page as every time", email, loc)
			}
		}
		toAda := func() int {
			n := 0
			es, err := st.(store.Outbox).List(context.Background(), "")
			if err != nil {
				t.Fatal(err)
			}
			for _, m := range es {
				if m.Email == "ada@example.org" && strings.Contains(string(m.Payload), `"`+mail.TemplateConfirm+`"`) {
					n++
				}
			}
			return n
		}
		for i := range 9 {
			sign(fmt.Sprintf("ada+%d@example.org", i))
		}
		sign("ada@example.org")
		sigs := waiting("ada@example.org")
		if len(sigs) != 1 || sigs[0].Status != signing.StatusUnconfirmed {
			t.Fatalf("ada's own signature while her inbox was spent: kept: %v (%+v), want kept, waiting", len(sigs) == 1, sigs)
		}
		if n := toAda(); n != 0 {
			t.Errorf("%d confirmations queued past the inbox's hour, want none", n)
		}
		if got := queuedTo(t, st, mail.TemplateConfirm, "ada@example.org", e.clock.now()); len(got) != 9 {
			t.Errorf("%d confirmations to the inbox, want still 9", len(got))
		}
		// A stranger signing her address again meanwhile: no turn, nothing.
		sign("ada@example.org")
		if n := toAda(); n != 0 {
			t.Errorf("a repeat with no turn queued %d confirmations", n)
		}
		// The operator sees the attack; the log never has the address.
		l := logs.String()
		if !strings.Contains(l, "held back by its mailbox's pace") || !strings.Contains(l, "campaign=riverside/save-the-library") || !strings.Contains(l, "count=") {
			t.Errorf("nothing logged of the mail held back:\n%s", l)
		}
		if strings.Contains(l, "ada") || strings.Contains(l, "example.org") {
			t.Errorf("the log names the address:\n%s", l)
		}

		// Two hours on, ada signs again, as the page said.
		e.clock.add(2 * time.Hour)
		sign("ada@example.org")
		if n := toAda(); n != 1 {
			t.Fatalf("signing again with a turn queued %d confirmations, want 1", n)
		}
		var link string
		for _, m := range e.deliver(t, 10) {
			if m.To[0] == "ada@example.org" {
				link = local(linkIn(t, m.Text, "https://act.example.org"+libraryPage+"/confirm?t="))
			}
		}
		if link == "" {
			t.Fatal("ada's confirmation not delivered")
		}
		d := doc(t, get(t, e.s, "GET", link, nil))
		tok := d.Find("form.mail-form input[name=t]").AttrOr("value", "")
		res := e.post(t, d.Find("form.mail-form").AttrOr("action", ""), url.Values{"t": {tok}}, nil)
		wantStatus(t, res, 303)
		if c := e.count(t, "riverside", "save-the-library"); c.Signatures != 1 {
			t.Errorf("after confirming: %d counted, want ada's 1", c.Signatures)
		}
		if sigs := waiting("ada@example.org"); len(sigs) != 1 || sigs[0].Status != signing.StatusApproved {
			t.Errorf("ada's signature after confirming: %+v", sigs)
		}
	})
}

// TestNotStoredHandsBackTheTurn: a signature the store failed to keep
// (503) sent nothing, so its mailbox has its turn back: the signer who
// presses the button again once the store is back gets their email at
// once. Failed before: after three failed attempts the fourth's
// confirmation was put off ten minutes.
func TestNotStoredHandsBackTheTurn(t *testing.T) {
	e := newMailEnv(t, openSQLite(t), confirmFiles(t))
	working := e.s.cfg.Recorder
	for i := range 4 {
		if i == 3 {
			e.s.cfg.Recorder = working
		} else {
			e.s.cfg.Recorder = refusingRecorder{}
		}
		v := e.formValues(t, libraryPage, "petition-form")
		e.clock.add(5 * time.Second)
		res := e.post(t, libraryPage+"/sign", v, nil)
		if want := map[bool]int{true: 303, false: 503}[i == 3]; res.StatusCode != want {
			t.Fatalf("attempt %d: %d, want %d", i+1, res.StatusCode, want)
		}
	}
	if got := queuedTo(t, e.st, mail.TemplateConfirm, "ada@example.org", e.clock.now()); fmt.Sprint(got) != "[0s]" {
		t.Errorf("confirmation queued to wait %v, want [0s]: at once", got)
	}
}

// failingOutbox is a real SQLite store whose outbox refuses to queue
// while refuse is set (a full disk, say).
type failingOutbox struct {
	*sqlite.DB
	refuse *atomic.Bool
}

func (f failingOutbox) Enqueue(ctx context.Context, msgs []signing.Message) error {
	if f.refuse.Load() {
		return errors.New("disk full")
	}
	return f.DB.Enqueue(ctx, msgs)
}

// TestContactWriteNotQueuedHandsBackTheTurn: a letter whose confirmation
// the outbox failed to queue (503) sent nothing, so its mailbox has its
// turn back. Failed before: after three failures the next confirmation
// was put off ten minutes.
func TestContactWriteNotQueuedHandsBackTheTurn(t *testing.T) {
	refuse := new(atomic.Bool)
	st := failingOutbox{DB: openSQLite(t).(*sqlite.DB), refuse: refuse}
	f := callFiles(t)
	f["riverside/write-the-council.yaml"] = writeCouncilYAML
	e := newMailEnv(t, st, f)
	for i := range 4 {
		refuse.Store(i < 3)
		v := writeValues(t, e.signEnv, "moss", "Ada Lovelace", "ada@example.org")
		e.clock.add(5 * time.Second)
		res := e.post(t, writePage+"/write", v, nil)
		if want := map[bool]int{true: 503, false: 303}[i < 3]; res.StatusCode != want {
			t.Fatalf("letter %d: %d, want %d", i+1, res.StatusCode, want)
		}
	}
	if got := queuedTo(t, st, mail.TemplateContactConfirm, "ada@example.org", e.clock.now()); fmt.Sprint(got) != "[0s]" {
		t.Errorf("confirmation queued to wait %v, want [0s]: at once", got)
	}
}

// TestExpiredSignatureGetsNoLink: a repeat of a signature whose
// unconfirmed_days have passed — not erased yet, as serve erases them
// once an hour — sends no confirmation: its link would say a day was
// left for a signature erased within the hour. Within its days a repeat
// gets the link, saying the days that are left. Failed before: the
// expired signature's confirmation was queued again, "1 day" left.
func TestExpiredSignatureGetsNoLink(t *testing.T) {
	forEachEngine(t, func(t *testing.T, st store.Store) {
		e := newMailEnv(t, st, confirmFiles(t)) // unconfirmed_days: 5
		sign := func() {
			t.Helper()
			v := e.formValues(t, libraryPage, "petition-form")
			e.clock.add(5 * time.Second)
			res := e.post(t, libraryPage+"/sign", v, nil)
			wantStatus(t, res, 303)
			if loc := res.Header.Get("Location"); loc != libraryPage+"/confirm?lang=en" {
				t.Fatalf("Location %q, want the check-your-inbox page as every time", loc)
			}
		}
		days := func() []int {
			t.Helper()
			es, err := st.(store.Outbox).List(context.Background(), "")
			if err != nil {
				t.Fatal(err)
			}
			var out []int
			for _, m := range es {
				var p mail.Payload
				if json.Unmarshal(m.Payload, &p) == nil && p.Template == mail.TemplateConfirm && m.Email == "ada@example.org" {
					out = append(out, p.Days)
				}
			}
			slices.Sort(out)
			return out
		}
		sign()
		e.clock.add(2*24*time.Hour + time.Hour)
		sign()
		if got := fmt.Sprint(days()); got != "[3 5]" {
			t.Errorf("confirmations' days after a repeat on the third day: %s, want [3 5]", got)
		}
		e.clock.add(3 * 24 * time.Hour)
		sign()
		if got := fmt.Sprint(days()); got != "[3 5]" {
			t.Errorf("confirmations' days after a repeat past the five days: %s, want still [3 5] (none for an expired signature)", got)
		}
	})
}

// slowSupporter is a real SQLite store whose reads of a supporter's
// signatures wait for release (or their context), as a busy database's
// may: it records whether one gave up waiting.
type slowSupporter struct {
	*sqlite.DB
	hold     *atomic.Bool
	release  chan struct{}
	gaveUp   *atomic.Bool
	returned chan struct{}
}

func (s slowSupporter) Supporter(ctx context.Context, org, email string) ([]signing.Signature, error) {
	if s.hold.Load() {
		defer func() { s.returned <- struct{}{} }()
		select {
		case <-s.release:
		case <-ctx.Done():
			s.gaveUp.Store(true)
			return nil, ctx.Err()
		}
	}
	return s.DB.Supporter(ctx, org, email)
}

// TestRepeatAnswerWaitsForNoResend: attack on a signer's privacy — a
// repeat of an address with a turn reads its signature and, when it
// still waits, queues its confirmation again; one already confirmed
// queues nothing. Done before the answer, that read and that write made a
// repeat of a waiting signature answer later than a repeat of a confirmed
// one: whoever types someone's address could tell whether its owner had
// confirmed (had really signed), not only that it was there. Now the
// answer waits for neither: the confirmation is queued after it. Failed
// before: the answer waited for the read until the signing time limit
// ("the answer waited for the waiting signature's read").
func TestRepeatAnswerWaitsForNoResend(t *testing.T) {
	st := slowSupporter{DB: openSQLite(t).(*sqlite.DB), hold: new(atomic.Bool), release: make(chan struct{}),
		gaveUp: new(atomic.Bool), returned: make(chan struct{}, 1)}
	e := newMailEnv(t, st, confirmFiles(t))
	v := e.formValues(t, libraryPage, "petition-form")
	e.clock.add(5 * time.Second)
	wantStatus(t, e.post(t, libraryPage+"/sign", v, nil), 303)
	// A repeat, with a turn (the second of three), answered without
	// waiting for what comes after the answer (signEnv.post would).
	v = e.formValues(t, libraryPage, "petition-form")
	e.clock.add(5 * time.Second)
	st.hold.Store(true)
	req := httptest.NewRequest("POST", libraryPage+"/sign", strings.NewReader(v.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	rec := httptest.NewRecorder()
	e.s.ServeHTTP(rec, req)
	wantStatus(t, rec.Result(), 303)
	if st.gaveUp.Load() {
		t.Fatal("the answer waited for the waiting signature's read")
	}
	close(st.release)
	<-st.returned
	e.s.waitBackground()
	if got := queuedTo(t, st, mail.TemplateConfirm, "ada@example.org", e.clock.now()); len(got) != 2 {
		t.Errorf("%d confirmations queued, want 2: the repeat's queued after its answer", len(got))
	}
}

// waitBackground waits for the confirmations being queued again after
// their answers (resendAfter).
func (s *Server) waitBackground() { s.Drain() }
