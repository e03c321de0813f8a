package web

import (
	"context"
	"encoding/json"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"github.com/placard/placard/internal/campaign/campaigntest"
	"github.com/placard/placard/internal/mail"
	"github.com/placard/placard/internal/mail/mailtest"
	"github.com/placard/placard/internal/store"
)

const writePage = "/riverside/write-the-council/contact/write"

// writeCouncilYAML is riverside's campaign whose contact action "write"
// sends supporters' letters to the council through the server.
const writeCouncilYAML = `title: Write to the council
summary: Ask them to keep the library open.
date: 2026-02-01
actions:
  - kind: contact
    id: write
    targets: council
    send: server
    subject: Keep the library open
    message: Please keep the library open in the evenings.
`

func newWriteEnv(t *testing.T, st store.Store, perHour int) *signEnv {
	t.Helper()
	c := &clock{t: clockStart}
	s, err := New(Config{BaseURL: "https://act.example.org", SiteName: "Act", Store: st, RateLimit: -1, Now: c.now}, campaigntest.Site(t, writeFiles(t, perHour)))
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return &signEnv{s: s, st: st, clock: c}
}

// writeFiles is callFiles with a contact action that sends through the
// organisation, perHour messages an hour to each target.
func writeFiles(t testing.TB, perHour int) campaigntest.Files {
	f := callFiles(t)
	f["riverside/write-the-council.yaml"] = `title: Write to the council
summary: Ask them to keep the library open.
date: 2026-02-01
actions:
  - kind: contact
    id: write
    targets: council
    send: server
    per_hour: ` + string(rune('0'+perHour)) + `
    subject: Keep the library open
    message: Please keep the library open in the evenings.
`
	return f
}

// writeValues reads the write form of target on the page and fills it in.
func writeValues(t *testing.T, e *signEnv, target, name, email string) url.Values {
	t.Helper()
	d := doc(t, get(t, e.s, "GET", writePage, nil))
	form := d.Find("#target-" + target + " form.write-form")
	if form.Length() != 1 {
		t.Fatalf("no write form for %s", target)
	}
	v := url.Values{}
	form.Find("input[type=hidden]").Each(func(_ int, s *goquery.Selection) { v.Set(s.AttrOr("name", ""), s.AttrOr("value", "")) })
	v.Set("subject", form.Find("input[name=subject]").AttrOr("value", ""))
	v.Set("message", form.Find("textarea[name=message]").Text())
	v.Set("name", name)
	v.Set("email", email)
	return v
}

// outboxMails decodes every queued email's payload.
func outboxMails(t *testing.T, st store.Store) []mail.ContactPayload {
	t.Helper()
	es, err := st.(store.Outbox).List(context.Background(), "")
	if err != nil {
		t.Fatal(err)
	}
	var out []mail.ContactPayload
	for _, e := range es {
		var m mail.ContactPayload
		if err := json.Unmarshal(e.Payload, &m); err != nil {
			t.Fatalf("payload %s: %v", e.Payload, err)
		}
		out = append(out, m)
	}
	return out
}

// write sends a message as name/email to target and confirms it, returning
// where the confirmation led.
func (e *signEnv) writeAndConfirm(t *testing.T, target, name, email string, copy bool) string {
	t.Helper()
	v := writeValues(t, e, target, name, email)
	if copy {
		v.Set("copy", "yes")
	}
	e.clock.add(time.Minute)
	res := e.post(t, writePage+"/write", v, nil)
	wantStatus(t, res, 303)
	if loc := res.Header.Get("Location"); loc != writePage+"?written="+target {
		t.Fatalf("after writing: Location %q", loc)
	}
	var link string
	for _, m := range outboxMails(t, e.st) {
		if m.Template == mail.TemplateContactConfirm && strings.EqualFold(m.To, email) {
			link = m.Link
			// The address is unconfirmed: nothing typed rides along.
			if m.Subject != "" || m.Body != "" {
				t.Errorf("the confirmation's payload carries the typed subject %q and body %q", m.Subject, m.Body)
			}
		}
	}
	if !strings.HasPrefix(link, "https://act.example.org"+writePage+"/confirm?c=") {
		t.Fatalf("confirmation link = %q", link)
	}
	page := strings.TrimPrefix(link, "https://act.example.org")
	d := doc(t, get(t, e.s, "GET", page, nil))
	cv := url.Values{}
	d.Find("form input[type=hidden]").Each(func(_ int, s *goquery.Selection) { cv.Set(s.AttrOr("name", ""), s.AttrOr("value", "")) })
	e.clock.add(time.Minute)
	res = e.post(t, writePage+"/confirm", cv, nil)
	wantStatus(t, res, 303)
	return res.Header.Get("Location")
}

// TestContactWrite (send: server, JS off): the supporter edits the message,
// gives name and address, confirms through the emailed link, and the
// message is queued for the target's office with Reply-To the supporter
// and a copy when asked; a second message to the same target is refused;
// nothing is queued for the target before the confirmation.
func TestContactWrite(t *testing.T) {
	forEachEngine(t, func(t *testing.T, st store.Store) {
		e := newWriteEnv(t, st, 2)
		loc := e.writeAndConfirm(t, "moss", "Ada Lovelace", "ada@example.org", true)
		if loc != writePage+"?sent=moss" {
			t.Errorf("after confirming: Location %q, want ?sent=moss", loc)
		}
		if n := doc(t, get(t, e.s, "GET", loc, nil)).Find(".notice").Text(); !strings.Contains(n, "is on its way") {
			t.Errorf("notice = %q", n)
		}
		var toTarget, toCopy *mail.ContactPayload
		mails := outboxMails(t, st)
		for i, m := range mails {
			switch m.Template {
			case mail.TemplateContactTarget:
				toTarget = &mails[i]
			case mail.TemplateContactCopy:
				toCopy = &mails[i]
			}
		}
		if toTarget == nil || toTarget.To != "moss@council.example" || toTarget.ReplyTo != "ada@example.org" || toTarget.FromName != "Ada Lovelace" ||
			toTarget.Subject != "Keep the library open" || toTarget.Body != "Please keep the library open in the evenings." {
			t.Errorf("message to the target = %+v", toTarget)
		}
		// The letter and its copy name the action and the target, so the
		// sender finds the target's address as it is when the letter goes
		// (mail.TestContactLetterGoesToTheTargetAsNow).
		for _, m := range []*mail.ContactPayload{toTarget, toCopy} {
			if m != nil && (m.Action != "write" || m.Target != "moss") {
				t.Errorf("%s names action %q, target %q; want write, moss", m.Template, m.Action, m.Target)
			}
		}
		if toCopy == nil || toCopy.To != "ada@example.org" {
			t.Errorf("copy = %+v", toCopy)
		}
		// Again to the same target: refused, nothing more queued.
		before := len(outboxMails(t, st))
		if loc := e.writeAndConfirm(t, "moss", "Ada Lovelace", "ADA@example.org", false); loc != writePage+"?already=moss" {
			t.Errorf("second message: Location %q, want ?already=moss", loc)
		}
		if n := len(outboxMails(t, st)); n != before+1 { // only the second confirmation email
			t.Errorf("outbox grew from %d to %d, want only a confirmation email more", before, n)
		}
		// The drip: two an hour, so the third supporter's message waits.
		if loc := e.writeAndConfirm(t, "moss", "Bo", "bo@example.org", false); loc != writePage+"?sent=moss" {
			t.Errorf("second supporter: %q", loc)
		}
		if loc := e.writeAndConfirm(t, "moss", "Cy", "cy@example.org", false); loc != writePage+"?later=moss" {
			t.Errorf("third supporter (per_hour 2): %q, want ?later=moss", loc)
		}
		counts, err := st.(store.Outreach).OutreachCounts(context.Background(), "riverside", "write-the-council")
		if err != nil || len(counts) != 1 || counts[0].Count != 3 || counts[0].Kind != "email" {
			t.Errorf("counts = %+v, %v; want 3 emails to moss", counts, err)
		}
	})
}

// TestContactWriteRefusals: problems are shown on the form with what was
// typed kept (escaped); a forged or altered link, a foreign origin and a
// target without an address are refused plainly.
func TestContactWriteRefusals(t *testing.T) {
	e := newWriteEnv(t, openSQLite(t), 5)
	v := writeValues(t, e, "moss", "", "not an address")
	v.Set("message", "<script>alert(1)</script>")
	e.clock.add(time.Minute)
	res := e.post(t, writePage+"/write", v, nil)
	wantStatus(t, res, 400)
	raw := body(t, res)
	if strings.Contains(raw, "<script>alert") {
		t.Error("the re-shown form holds unescaped input")
	}
	d, _ := goquery.NewDocumentFromReader(strings.NewReader(raw))
	errs := d.Find("#target-moss .error-summary li")
	if errs.Length() != 2 {
		t.Errorf("got %d problems (%q), want the name and the address", errs.Length(), errs.Text())
	}
	if got := d.Find("#target-moss textarea[name=message]").Text(); got != "<script>alert(1)</script>" {
		t.Errorf("message kept as %q", got)
	}
	if n := len(outboxMails(t, e.st)); n != 0 {
		t.Errorf("outbox holds %d messages after a refused form", n)
	}
	wantStatus(t, get(t, e.s, "GET", writePage+"/confirm?c=AAAA", nil), 400)
	wantStatus(t, get(t, e.s, "GET", writePage+"/confirm?c="+strings.Repeat("A", 200), nil), 400)
	v = writeValues(t, e, "moss", "Ada", "ada@example.org")
	wantStatus(t, e.post(t, writePage+"/write", v, map[string][]string{"Sec-Fetch-Site": {"cross-site"}}), 403)
	v.Set("target", "ray") // the mayor has no email
	e.clock.add(time.Minute)
	wantStatus(t, e.post(t, writePage+"/write", v, nil), 400)
	wantStatus(t, get(t, e.s, "GET", writePage+"/write", nil), 405)
}

// TestContactWriteSMTP (send: server through a real SMTP server on
// loopback): the supporter's confirmation email arrives with its link; once
// confirmed, their message arrives addressed to the target's office, from
// the organisation's address under the supporter's name, with Reply-To the
// supporter, and their copy arrives too.
func TestContactWriteSMTP(t *testing.T) {
	st := openSQLite(t)
	f := callFiles(t)
	f["riverside/write-the-council.yaml"] = writeCouncilYAML
	e := newMailEnv(t, st, f)
	v := writeValues(t, e.signEnv, "moss", "Ada Lovelace", "ada@example.org")
	v.Set("message", "Please keep the library open.\n\nMy children study there every evening.")
	v.Set("copy", "yes")
	e.clock.add(time.Minute)
	wantStatus(t, e.post(t, writePage+"/write", v, nil), 303)
	got := e.deliver(t, 1)
	if got[0].To[0] != "ada@example.org" || !strings.Contains(got[0].Subject, "Confirm your message to Ada <b>Moss</b>") {
		t.Fatalf("confirmation email: to %v, subject %q", got[0].To, got[0].Subject)
	}
	link := linkIn(t, got[0].Text, "https://act.example.org"+writePage+"/confirm?c=")
	d := doc(t, get(t, e.s, "GET", local(link), nil))
	cv := url.Values{}
	d.Find("form input[type=hidden]").Each(func(_ int, s *goquery.Selection) { cv.Set(s.AttrOr("name", ""), s.AttrOr("value", "")) })
	e.clock.add(time.Minute)
	wantStatus(t, e.post(t, writePage+"/confirm", cv, nil), 303)
	got = e.deliver(t, 3)
	var toTarget, copy *mailtest.Mail
	for i := range got {
		switch got[i].To[0] {
		case "moss@council.example":
			toTarget = &got[i]
		case "ada@example.org":
			if got[i].Subject != got[0].Subject {
				copy = &got[i]
			}
		}
	}
	if toTarget == nil {
		t.Fatal("no message reached the target")
	}
	if rt := toTarget.Header.Get("Reply-To"); !strings.Contains(rt, "ada@example.org") {
		t.Errorf("Reply-To = %q, want the supporter", rt)
	}
	if from := toTarget.Header.Get("From"); !strings.Contains(from, "Ada Lovelace") || !strings.Contains(from, "hello@riverside.example") {
		t.Errorf("From = %q, want the supporter's name at the organisation's address", from)
	}
	if toTarget.Subject != "Keep the library open" || !strings.Contains(toTarget.Text, "My children study there every evening.") {
		t.Errorf("message to the target: subject %q, text %q", toTarget.Subject, toTarget.Text)
	}
	if copy == nil || !strings.Contains(copy.Text, "My children study there") {
		t.Errorf("the supporter's copy did not arrive: %+v", copy)
	}
}
