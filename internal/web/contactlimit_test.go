package web

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/placard/placard/internal/mail"
	"github.com/placard/placard/internal/store"
)

// queuedTo lists the outbox's emails of template to mailbox@example.org
// (any +tag), with how long after now each may go, to ten minutes (0: at
// once — stored as the real time, which is far ahead of the test's
// clock).
func queuedTo(t *testing.T, st store.Store, template, mailbox string, now time.Time) []time.Duration {
	t.Helper()
	es, err := st.(store.Outbox).List(context.Background(), "")
	if err != nil {
		t.Fatal(err)
	}
	var out []time.Duration
	for _, e := range es {
		if !strings.Contains(string(e.Payload), `"`+template+`"`) {
			continue
		}
		local, domain, _ := strings.Cut(e.Email, "@")
		local, _, _ = strings.Cut(local, "+")
		if local+"@"+domain != mailbox {
			continue
		}
		d := e.NotBefore.Sub(now)
		if d > 24*time.Hour || d < 0 {
			d = 0
		}
		out = append(out, d.Round(10*time.Minute))
	}
	return out
}

// TestContactWriteMailsAnAddressAtAPace: attack on the write-to-a-
// decision-maker form — anyone may type anyone's address, and every
// message sent the server's "confirm your message" email to it at once,
// held back by nothing but the per-client limit (and ada+1@, ada+2@ …
// all reach ada's inbox). Now a mailbox gets three at once, then one
// every ten minutes — the later ones wait in the outbox, their links and
// so the messages with them — up to an hour ahead; past that nothing is
// sent. Every answer is the same, and says to write again if no email
// comes. Real SMTP on loopback. Failed before: twelve confirmations
// queued at once, twelve emails delivered.
func TestContactWriteMailsAnAddressAtAPace(t *testing.T) {
	st := openSQLite(t)
	f := callFiles(t)
	f["riverside/write-the-council.yaml"] = writeCouncilYAML
	e := newMailEnv(t, st, f)
	var first string
	for i := range 12 {
		v := writeValues(t, e.signEnv, "moss", "Ada Lovelace", fmt.Sprintf("ada+%d@example.org", i))
		e.clock.add(5 * time.Second)
		res := e.post(t, writePage+"/write", v, nil)
		wantStatus(t, res, 303)
		if loc := res.Header.Get("Location"); loc != writePage+"?written=moss" {
			t.Fatalf("message %d: Location %q, want ?written=moss as every time", i+1, loc)
		}
		page := text(doc(t, get(t, e.s, "GET", writePage+"?written=moss", nil)).Find(".notice"))
		if first == "" {
			first = page
		} else if page != first {
			t.Fatalf("message %d answered differently:\n%s\n%s", i+1, first, page)
		}
	}
	if !strings.Contains(first, "within an hour") {
		t.Errorf("the notice does not say what to do if no email comes: %q", first)
	}
	got := queuedTo(t, st, mail.TemplateContactConfirm, "ada@example.org", e.clock.now())
	want := []time.Duration{0, 0, 0, 10 * time.Minute, 20 * time.Minute, 30 * time.Minute, 40 * time.Minute, 50 * time.Minute, time.Hour}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("confirmations queued to wait %v, want %v", got, want)
	}
	// Another supporter is not held back by ada's mailbox.
	v := writeValues(t, e.signEnv, "moss", "Bo", "bo@example.org")
	e.clock.add(5 * time.Second)
	wantStatus(t, e.post(t, writePage+"/write", v, nil), 303)
	if got := queuedTo(t, st, mail.TemplateContactConfirm, "bo@example.org", e.clock.now()); fmt.Sprint(got) != "[0s]" {
		t.Errorf("bo's confirmation waits %v, want at once", got)
	}
	// The test's clock is behind the worker's, so every queued one is
	// due: nine reach ada's inbox, and bo's one.
	mails := e.deliver(t, 10)
	n := 0
	for _, m := range mails {
		if strings.HasPrefix(m.To[0], "ada+") {
			n++
		}
	}
	if n != 9 {
		t.Errorf("%d confirmations reached ada's inbox, want 9", n)
	}

	// A put-off confirmation still confirms its own message.
	var link string
	for _, m := range mails {
		if m.To[0] == "ada+8@example.org" {
			link = linkIn(t, m.Text, "https://act.example.org"+writePage+"/confirm?c=")
		}
	}
	d := doc(t, get(t, e.s, "GET", local(link), nil))
	cv := url.Values{}
	for _, in := range d.Find("form input[type=hidden]").EachIter() {
		cv.Set(in.AttrOr("name", ""), in.AttrOr("value", ""))
	}
	e.clock.add(time.Minute)
	res := e.post(t, writePage+"/confirm", cv, nil)
	if loc := res.Header.Get("Location"); loc != writePage+"?sent=moss" {
		t.Errorf("confirming the ninth: Location %q, want ?sent=moss", loc)
	}
}

// TestSignatureMailsAnAddressAtAPace: attack on the signing form with
// email on — a repeat of one address is no new signature (the store keeps
// one per address and campaign; its confirmation again at most, at the
// same pace, TestMailConfirmFlow), but
// ada+1@, ada+2@ … are new signatures each, every one of which mailed
// ada's inbox at once: a confirmation on a campaign that asks for one, a
// thank-you on the others. Now both draw on the mailbox's pace: three at
// once, then one every ten minutes up to an hour ahead. Past that a
// thank-you is left out (the signature counts) and a signature that needs
// its confirmation is kept waiting without it (TestPacedSignatureIsKept);
// every answer is the same, and the check-your-inbox page says to sign
// again if no email comes within the hour — which then sends it. Both engines (the put-off times travel in the
// signing batch's outbox bundle). Real SMTP on loopback. Failed before: twelve
// confirmations and twelve thank-yous queued at once, all delivered.
func TestSignatureMailsAnAddressAtAPace(t *testing.T) {
	forEachEngine(t, func(t *testing.T, st store.Store) { signatureMailsAtAPace(t, st) })
}

func signatureMailsAtAPace(t *testing.T, st store.Store) {
	e := newMailEnv(t, st, confirmFiles(t))
	ms := st.(store.Mail)
	kept := func(email string) bool {
		sigs, err := ms.Supporter(context.Background(), "riverside", email)
		if err != nil {
			t.Fatal(err)
		}
		return len(sigs) > 0
	}
	sign := func(email string) string {
		v := e.formValues(t, libraryPage, "petition-form")
		v.Set("email", email)
		e.clock.add(5 * time.Second)
		res := e.post(t, libraryPage+"/sign", v, nil)
		wantStatus(t, res, 303)
		return res.Header.Get("Location")
	}
	for i := range 12 {
		if loc := sign(fmt.Sprintf("ada+%d@example.org", i)); loc != libraryPage+"/confirm?lang=en" {
			t.Fatalf("signature %d: Location %q, want the check-your-inbox page as every time", i+1, loc)
		}
	}
	wait := text(doc(t, get(t, e.s, "GET", libraryPage+"/confirm?lang=en", nil)).Find("main"))
	if !strings.Contains(wait, "within an hour, sign again") {
		t.Errorf("the check-your-inbox page does not say what to do if no email comes:\n%s", wait)
	}
	got := queuedTo(t, st, mail.TemplateConfirm, "ada@example.org", e.clock.now())
	want := []time.Duration{0, 0, 0, 10 * time.Minute, 20 * time.Minute, 30 * time.Minute, 40 * time.Minute, 50 * time.Minute, time.Hour}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("confirmations queued to wait %v, want %v", got, want)
	}
	// Every signature is kept, waiting, those past the hour without an
	// email (mailhold_test.go: the inbox's owner may be one of them).
	for i := range 12 {
		if !kept(fmt.Sprintf("ada+%d@example.org", i)) {
			t.Errorf("signature %d not kept", i+1)
		}
	}
	// An hour and more later the mailbox has turns again: the tenth
	// signer signs again, as the page said, and gets the confirmation of
	// the signature they made.
	e.clock.add(2 * time.Hour)
	sign("ada+9@example.org")
	if got := queuedTo(t, st, mail.TemplateConfirm, "ada@example.org", e.clock.now()); len(got) != 10 {
		t.Errorf("signing again after the hour: %d confirmations queued, want 10", len(got))
	}

	// A campaign that asks for no confirmation sends thank-yous, at the
	// same pace; past the hour the signature counts without one.
	for i := range 12 {
		v := e.formValues(t, "/riverside/every-field", "sign-form")
		v.Set("email", fmt.Sprintf("bo+%d@example.org", i))
		v.Set("postcode", "N1")
		v.Set("country", "GB")
		e.clock.add(5 * time.Second)
		res := e.post(t, "/riverside/every-field/sign", v, nil)
		wantStatus(t, res, 303)
		if loc := res.Header.Get("Location"); !strings.Contains(loc, "/thanks?outcome=signed") {
			t.Fatalf("thank-you signature %d: Location %q", i+1, loc)
		}
	}
	if c := e.count(t, "riverside", "every-field"); c.Signatures != 12 {
		t.Errorf("%d signatures counted, want all 12", c.Signatures)
	}
	got = queuedTo(t, st, mail.TemplateThanks, "bo@example.org", e.clock.now())
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("thank-yous queued to wait %v, want %v", got, want)
	}
	// The test's clock is behind the worker's: everything queued is due.
	// 9 + 1 confirmations and 9 thank-yous reach the two inboxes.
	if _, err := e.worker.Once(context.Background()); err != nil {
		t.Fatal(err)
	}
	e.deliver(t, 19)
}

// TestSignatureMailPaceOutOfOrder: attack on the mailbox's pace over
// HTTP — a signing request reads the time before its form's body, which
// a client may send slowly, so a request can reach the pace after a
// later one took the mailbox's last turn. The pace read that as a clock
// set back and made the spent mailbox whole: three confirmations at once
// and an hour's worth more, every ten minutes, for a request sent a
// second late. Failed before: 19 confirmations queued within ten
// minutes (the nine late signatures kept, each with one), want 10.
func TestSignatureMailPaceOutOfOrder(t *testing.T) {
	forEachEngine(t, func(t *testing.T, st store.Store) {
		e := newMailEnv(t, st, confirmFiles(t))
		post := func(v url.Values, email string) {
			t.Helper()
			v.Set("email", email)
			res := e.post(t, libraryPage+"/sign", v, nil)
			wantStatus(t, res, 303)
		}
		for i := range 9 {
			v := e.formValues(t, libraryPage, "petition-form")
			e.clock.add(5 * time.Second)
			post(v, fmt.Sprintf("ada+%d@example.org", i))
		}
		// The first turn was taken at +5 s; the clock is at +45 s. Forms
		// for later, each with a token of its own.
		e.clock.add(5 * time.Second)
		v := e.formValues(t, libraryPage, "petition-form")
		var late []url.Values
		for range 9 {
			e.clock.add(5 * time.Second)
			late = append(late, e.formValues(t, libraryPage, "petition-form"))
		}
		// Ten minutes after the first turn (the clock is at +95 s) the
		// mailbox has one more, an hour ahead, taken by a request that
		// read the time just then ...
		e.clock.add(10*time.Minute - 90*time.Second)
		post(v, "ada+9@example.org")
		// ... and then nine requests that read it a second earlier.
		e.clock.add(-time.Second)
		for i, v := range late {
			post(v, fmt.Sprintf("ada+%d@example.org", 10+i))
		}
		if got := queuedTo(t, st, mail.TemplateConfirm, "ada@example.org", e.clock.now()); len(got) != 10 {
			t.Errorf("%d confirmations queued to one mailbox within ten minutes, want 10 (three at once, then one every ten minutes up to an hour ahead): %v", len(got), got)
		}
	})
}
