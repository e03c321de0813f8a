package console

import (
	"context"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"github.com/placard/placard/internal/accounts"
	"github.com/placard/placard/internal/signing"
	"github.com/placard/placard/internal/store"
)

// TestDashboardOutreach: a contact action's calls (per outcome) and emails
// (written, and still waiting for the drip's next free hour) appear per
// target on the dashboard, from the store's anonymous counts; another
// organisation's counts do not.
func TestDashboardOutreach(t *testing.T) {
	var ob store.Outbox
	e := newEnv(t, func(c *Config) { ob = c.Store.(store.Outbox); c.Outbox = ob })
	ctx := context.Background()
	now := e.clock.now()
	o := e.st.(store.Outreach)
	for _, ev := range []store.OutreachEvent{
		{Target: "mayor", Kind: store.OutreachCall, Outcome: "staff"},
		{Target: "mayor", Kind: store.OutreachCall, Outcome: "staff"},
		{Target: "mayor", Kind: store.OutreachCall, Outcome: "voicemail"},
		{Target: "clerk", Kind: store.OutreachCall, Outcome: "no-answer"},
	} {
		ev.Org, ev.Campaign, ev.Action, ev.At = "riverside", "call", "call", now
		if err := o.RecordOutreach(ctx, ev); err != nil {
			t.Fatal(err)
		}
	}
	// Another organisation's calls stay out of riverside's dashboard.
	if err := o.RecordOutreach(ctx, store.OutreachEvent{Org: "harbour", Campaign: "call", Action: "call", Target: "mayor", Kind: store.OutreachCall, Outcome: "staff", At: now}); err != nil {
		t.Fatal(err)
	}
	// Three supporters write to the mayor, one an hour: one is due now,
	// two wait for the drip.
	tm := e.st.(store.TargetMail)
	for _, who := range []string{"a@example.org", "b@example.org", "c@example.org"} {
		msg := signing.Message{ID: signing.NewMessageID(), Kind: signing.MessageEmail, Email: who, Org: "riverside", Campaign: "call",
			Payload: []byte(`{"template":"contact","org":"riverside","to":"mayor@council.example"}`)}
		if _, err := tm.QueueTargetMail(ctx, store.TargetMailing{Org: "riverside", Campaign: "call", Action: "call", Target: "mayor",
			Sender: who, PerHour: 1, Messages: []signing.Message{msg}, At: now}); err != nil {
			t.Fatal(err)
		}
	}

	// A fourth was turned away: a day of letters already waited.
	if err := o.RecordOutreach(ctx, store.OutreachEvent{Org: "riverside", Campaign: "call", Action: "call", Target: "mayor",
		Kind: store.OutreachEmail, Outcome: store.OutcomeHeld, At: now}); err != nil {
		t.Fatal(err)
	}

	b := e.signIn("riverside", "sam@example.org", accounts.RoleViewer)
	res := b.get(Prefix + "/riverside")
	wantStatus(t, res, 200)
	d := doc(t, res)
	table := d.Find(`section[aria-labelledby="c-call"] table.outreach`)
	if table.Length() != 1 {
		t.Fatalf("the contact campaign shows %d outreach tables, want 1:\n%s", table.Length(), d.Find("main").Text())
	}
	rows := map[string]string{}
	table.Find("tbody tr").Each(func(_ int, tr *goquery.Selection) {
		var cells []string
		tr.Children().Each(func(_ int, c *goquery.Selection) { cells = append(cells, strings.TrimSpace(c.Text())) })
		rows[cells[0]] = strings.Join(cells[1:], " ")
	})
	// Columns: spoke to staff, voicemail, no answer, emails, waiting,
	// held back (not among the emails: it was not sent).
	want := map[string]string{"Mayor Ada Lind": "2 1 0 3 2 1", "Clerk Bo Ng": "0 0 1 0 0 0"}
	for name, w := range want {
		if rows[name] != w {
			t.Errorf("%s: got %q, want %q (rows %v)", name, rows[name], w, rows)
		}
	}
	head := strings.Join(strings.Fields(table.Find("thead").Text()), " ")
	for _, col := range []string{"Spoke to staff", "Voicemail", "No answer", "Emails", "Waiting", "Held back (queue full)"} {
		if !strings.Contains(head, col) {
			t.Errorf("the table's head %q lacks %q", head, col)
		}
	}
	// Campaigns without a contact action show no such table.
	if n := d.Find(`section[aria-labelledby="c-open-letter"] table.outreach`).Length(); n != 0 {
		t.Errorf("the open letter shows %d outreach tables", n)
	}
	// An hour and a half later the drip has let one more through.
	e.clock.add(90 * time.Minute)
	d = doc(t, b.get(Prefix+"/riverside"))
	var cells []string
	d.Find(`section[aria-labelledby="c-call"] table.outreach tbody tr`).First().Children().Each(func(_ int, c *goquery.Selection) {
		cells = append(cells, strings.TrimSpace(c.Text()))
	})
	if got := strings.Join(cells, " "); got != "Mayor Ada Lind 2 1 0 3 1 1" {
		t.Errorf("after 90 minutes the mayor's row reads %q, want one message still waiting", strings.Join(cells, " "))
	}
	// In Arabic, the headings are Arabic.
	b.lang = "ar"
	d = doc(t, b.get(Prefix+"/riverside"))
	if h := d.Find(`section[aria-labelledby="c-call"] table.outreach caption`).Text(); h == "" || strings.Contains(h, "Calls") {
		t.Errorf("the Arabic caption reads %q", h)
	}
}

// TestOutreachExport: the data page offers a contact campaign's calls and
// emails as CSV (counts only, the columns of placard stats --format json),
// audited; viewers and campaigns without a contact action get none.
func TestOutreachExport(t *testing.T) {
	e := newEnv(t, nil)
	o := e.st.(store.Outreach)
	for _, out := range []string{"staff", "staff", "voicemail"} {
		if err := o.RecordOutreach(context.Background(), store.OutreachEvent{Org: "riverside", Campaign: "call", Action: "call",
			Target: "mayor", Kind: store.OutreachCall, Outcome: out, At: e.clock.now()}); err != nil {
			t.Fatal(err)
		}
	}
	b := e.signIn("riverside", "sam@example.org", accounts.RoleEditor)
	d := doc(t, b.get(Prefix+"/riverside/data"))
	link := d.Find(`a[href="/admin/riverside/call/outreach?format=csv"]`)
	if link.Length() != 1 {
		t.Fatalf("the data page has no outreach download:\n%s", d.Find("main").Text())
	}
	res := b.get(Prefix + "/riverside/call/outreach?format=csv")
	wantStatus(t, res, 200)
	if ct := res.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/csv") {
		t.Errorf("Content-Type %q", ct)
	}
	body, _ := io.ReadAll(res.Body)
	want := "action,target,kind,outcome,count\ncall,mayor,call,staff,2\ncall,mayor,call,voicemail,1\n"
	if string(body) != want {
		t.Errorf("the CSV:\n%s\nwant:\n%s", body, want)
	}
	entries, err := e.acc.Audit(context.Background(), "riverside", 10)
	if err != nil || len(entries) == 0 || entries[0].Action != accounts.ActExport {
		t.Errorf("the audit log after the download: %v %v", entries, err)
	}
	wantStatus(t, b.get(Prefix+"/riverside/open-letter/outreach?format=csv"), 404)
	wantStatus(t, b.get(Prefix+"/riverside/call/outreach?format=xlsx"), 400)
	v := e.signIn("riverside", "ann@example.org", accounts.RoleViewer)
	wantStatus(t, v.get(Prefix+"/riverside/call/outreach?format=csv"), 403)
}

// TestDashboardQueueNotes: a decision-maker's queue longer than the day it
// may hold (letters queued before the cap, say) turned every new letter
// away with nothing in the console but a growing held-back figure, and a
// queue one email domain held most of looked like any other. The
// dashboard now says, under the table, how long the queue runs, until
// when, when new letters get in again and what (not) to do; and when one
// domain holds most of what waits, that it may be one person, with what
// to do. A queue spread over many domains gets no such word.
func TestDashboardQueueNotes(t *testing.T) {
	var ob store.Outbox
	e := newEnv(t, func(c *Config) { ob = c.Store.(store.Outbox); c.Outbox = ob })
	ctx := context.Background()
	now := e.clock.now()
	tm := e.st.(store.TargetMail)
	queue := func(target, who string, at time.Time) {
		t.Helper()
		msg := signing.Message{ID: signing.NewMessageID(), Kind: signing.MessageEmail, Email: who, Org: "riverside", Campaign: "call",
			Payload: []byte(`{"template":"contact","org":"riverside","to":"` + target + `@council.example"}`)}
		if _, err := tm.QueueTargetMail(ctx, store.TargetMailing{Org: "riverside", Campaign: "call", Action: "call", Target: target,
			Sender: who, PerHour: 1, Messages: []signing.Message{msg}, At: at}); err != nil {
			t.Fatal(err)
		}
	}
	// The clerk's queue runs three days ahead: queued first, as if two
	// days from now (queued after, it would find the mayor's letters'
	// hours gone by and their domain counts deleted).
	for i := range 25 {
		queue("clerk", fmt.Sprintf("s%02d@d%02d.example", i, i), now.Add(48*time.Hour))
	}
	for i := range 12 {
		queue("mayor", fmt.Sprintf("x%02d@catchall.example", i), now)
	}
	b := e.signIn("riverside", "sam@example.org", accounts.RoleViewer)
	d := doc(t, b.get(Prefix+"/riverside"))
	var notes []string
	d.Find(`section[aria-labelledby="c-call"] .queue-notice`).Each(func(_ int, p *goquery.Selection) {
		notes = append(notes, strings.Join(strings.Fields(p.Text()), " "))
	})
	if len(notes) != 2 {
		t.Fatalf("the dashboard has %d notes on queues, want 2: %q", len(notes), notes)
	}
	if n := notes[0]; !strings.Contains(n, "12 of the 12 letters waiting for Mayor Ada Lind come from addresses at one email domain") ||
		!strings.Contains(n, "one person writing under many addresses") {
		t.Errorf("the mayor's note reads %q, want one domain holding most of the queue said plainly", n)
	}
	if n := notes[1]; !strings.Contains(n, "Clerk Bo Ng has ") || !strings.Contains(n, "longer than the one day a queue may hold") ||
		!strings.Contains(n, "Every new letter to Clerk Bo Ng is turned away") || !strings.Contains(n, "UTC") ||
		!strings.Contains(n, "Nothing already queued is lost") {
		t.Errorf("the clerk's note reads %q, want the long queue, until when and what to do said plainly", n)
	}
	// Two days on, the clerk's queue is within a day and the mayor's has
	// gone: no word.
	e.clock.add(49 * time.Hour)
	d = doc(t, b.get(Prefix+"/riverside"))
	if n := d.Find(".queue-notice").Length(); n != 0 {
		t.Errorf("with the queues within a day and spread, %d notes remain: %q", n, d.Find(".queue-notice").Text())
	}
}
