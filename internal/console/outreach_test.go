package console

import (
	"context"
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
