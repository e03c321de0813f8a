package console

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"github.com/placard/placard/internal/accounts"
	"github.com/placard/placard/internal/export"
	"github.com/placard/placard/internal/signing"
	"github.com/placard/placard/internal/store"
)

// TestApproveJSOff: one click approves one organisation; the bulk form
// rejects the ticked ones; an id not in the queue changes nothing; the
// audit log says how many, not who.
func TestApproveJSOff(t *testing.T) {
	e := newEnv(t, nil)
	b := e.signIn("riverside", "sam@example.org", accounts.RoleEditor)
	one := e.pendingOrg(t, "Northside Tenants")
	two := e.pendingOrg(t, "Eastside Bakers")
	three := e.pendingOrg(t, "Westside Choir")
	res := b.get(Prefix + "/riverside/moderation")
	wantStatus(t, res, 200)
	d := doc(t, res)
	if n := d.Find(`button[name=approve]`).Length(); n != 3 {
		t.Fatalf("queue: %d approve buttons, want 3", n)
	}
	if strings.Contains(d.Find("table.queue").Text(), "@example.org") {
		t.Error("the queue shows an email address")
	}
	wantRedirect(t, b.post(Prefix+"/riverside/moderation", url.Values{"approve": {fmt.Sprint(one)}}), Prefix+"/riverside/moderation?done=approved&n=1")
	// Bulk, with an id already decided among them: refused whole.
	res = b.post(Prefix+"/riverside/moderation", url.Values{"do": {"reject"}, "id": {fmt.Sprint(two), fmt.Sprint(one)}})
	wantStatus(t, res, http.StatusBadRequest)
	wantRedirect(t, b.post(Prefix+"/riverside/moderation", url.Values{"do": {"reject"}, "id": {fmt.Sprint(two), fmt.Sprint(three)}}), Prefix+"/riverside/moderation?done=rejected&n=2")
	for id, want := range map[int64]signing.Status{one: signing.StatusApproved, two: signing.StatusRejected, three: signing.StatusRejected} {
		if got := e.status(t, id); got != want {
			t.Errorf("signature %d: %s, want %s", id, got, want)
		}
	}
	for _, bad := range []url.Values{{}, {"do": {"approve"}}, {"approve": {"x"}}, {"approve": {"999999"}}, {"do": {"explode"}, "id": {"1"}}} {
		if res := b.post(Prefix+"/riverside/moderation", bad); res.StatusCode != http.StatusBadRequest {
			t.Errorf("moderation POST %v: got %d, want 400", bad, res.StatusCode)
		}
	}
	res = b.get(Prefix + "/riverside/moderation?done=rejected&n=2")
	if d := doc(t, res); !strings.Contains(d.Find(".notice").Text(), "2") || d.Find(`button[name=approve]`).Length() != 0 {
		t.Errorf("after deciding all: notice %q and %d buttons", d.Find(".notice").Text(), d.Find(`button[name=approve]`).Length())
	}
	log, _ := e.acc.Audit(context.Background(), "riverside", 10)
	var acts []string
	for _, l := range log {
		acts = append(acts, string(l.Action)+":"+l.Detail)
		if strings.Contains(l.Detail, "Northside") || strings.Contains(l.Detail, "@") {
			t.Errorf("audit detail %q names a supporter", l.Detail)
		}
	}
	if !strings.Contains(strings.Join(acts, " "), "approve:1 on open-letter") || !strings.Contains(strings.Join(acts, " "), "reject:2 on open-letter") {
		t.Errorf("audit: %v, want an approval of 1 and a rejection of 2", acts)
	}
}

// TestApprovalReachesThePublicPage: once approved in the console, the
// organisation appears on the letter's public page, through the store's
// change report and the tally watcher, without a reload.
func TestApprovalReachesThePublicPage(t *testing.T) {
	e := newEnv(t, nil)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go e.srv.Run(ctx)
	b := e.signIn("riverside", "sam@example.org", accounts.RoleEditor)
	id := e.pendingOrg(t, "Northside Tenants")
	page := func() string {
		res := e.browser().get("/riverside/open-letter")
		body, _ := io.ReadAll(res.Body)
		return string(body)
	}
	if strings.Contains(page(), "Northside Tenants") {
		t.Fatal("the pending organisation shows before approval")
	}
	wantRedirect(t, b.post(Prefix+"/riverside/moderation", url.Values{"approve": {fmt.Sprint(id)}}), Prefix+"/riverside/moderation?done=approved&n=1")
	// Polled: the watcher re-renders soon after the change report.
	deadline := time.Now().Add(20 * time.Second)
	for !strings.Contains(page(), "Northside Tenants") {
		if time.Now().After(deadline) {
			t.Fatal("the approved organisation never appeared on the public page")
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestExportJSOff: each format downloads exactly what `placard signatures
// export` writes, as an attachment, and the download is audited.
func TestExportJSOff(t *testing.T) {
	e := newEnv(t, nil)
	b := e.signIn("riverside", "sam@example.org", accounts.RoleEditor)
	e.pendingOrg(t, "=cmd|' /C calc'!A0")
	res := b.get(Prefix + "/riverside/data")
	wantStatus(t, res, 200)
	d := doc(t, res)
	for _, f := range export.Formats {
		href := Prefix + "/riverside/open-letter/export?format=" + f
		if d.Find(`a[href="`+href+`"]`).Length() != 1 {
			t.Fatalf("data page: no link to %s", href)
		}
		res := b.get(href)
		wantStatus(t, res, 200)
		got, _ := io.ReadAll(res.Body)
		var want bytes.Buffer
		export.Write(&want, f, func(fn func(*signing.Signature) error) error {
			return e.st.Signatures(context.Background(), "riverside", "open-letter", "", fn)
		})
		if !bytes.Equal(got, want.Bytes()) {
			t.Errorf("%s export:\n%s\nwant\n%s", f, got, want.Bytes())
		}
		if ct := res.Header.Get("Content-Type"); ct != export.ContentType[f] {
			t.Errorf("%s Content-Type %q", f, ct)
		}
		if cd := res.Header.Get("Content-Disposition"); cd != `attachment; filename="riverside-open-letter.`+f+`"` {
			t.Errorf("%s Content-Disposition %q", f, cd)
		}
	}
	if !strings.Contains(string(must(io.ReadAll(b.get(Prefix+"/riverside/open-letter/export?format=csv").Body))), "'=cmd") {
		t.Error("the CSV export does not defuse a formula")
	}
	wantStatus(t, b.get(Prefix+"/riverside/open-letter/export?format=xml"), http.StatusBadRequest)
	wantStatus(t, b.get(Prefix+"/riverside/no-such/export?format=csv"), http.StatusNotFound)
	wantStatus(t, b.get(Prefix+"/riverside/won/export?format=csv"), 200)
	log, _ := e.acc.Audit(context.Background(), "riverside", 20)
	n := 0
	for _, l := range log {
		if l.Action == accounts.ActExport {
			n++
		}
	}
	if n != 4 {
		t.Errorf("audit: %d exports recorded, want 4", n)
	}
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

// TestEraseJSOff: erasing asks to confirm, then removes the address's
// signatures from this organisation's campaigns only (the same person on
// harbour keeps theirs); the audit entry holds the count, not the address.
func TestEraseJSOff(t *testing.T) {
	e := newEnv(t, nil)
	b := e.signIn("riverside", "sam@example.org", accounts.RoleEditor)
	e.pendingOrg(t, "Northside Tenants") // northsidetenants@example.org
	other := e.harbourSignature(t)       // ann@example.org on harbour
	mine := &signing.Signature{Org: "riverside", Campaign: "won", Action: "sign", Kind: signing.KindIndividual, Status: signing.StatusApproved,
		Name: "Ann Other", Email: "ann@example.org", ConsentText: "x", ConsentAt: e.clock.now(), Lang: "en", CreatedAt: e.clock.now()}
	e.st.AddSignatures(context.Background(), []*signing.Signature{mine})

	res := b.post(Prefix+"/riverside/erase", url.Values{"email": {" ANN@example.org"}})
	wantStatus(t, res, 200)
	d := doc(t, res)
	form := d.Find(`form[action="/admin/riverside/erase"]`)
	if form.Find(`input[name=confirm][value=yes]`).Length() != 1 || !strings.Contains(d.Text(), "ANN@example.org") {
		t.Fatal("the first POST must ask to confirm, showing the address")
	}
	if e.count(t, "riverside", "won") != 1 {
		t.Fatal("the first POST erased already")
	}
	wantRedirect(t, b.post(Prefix+"/riverside/erase", url.Values{"email": {" ANN@example.org"}, "confirm": {"yes"}}), Prefix+"/riverside/data?erased=1")
	if e.count(t, "riverside", "won") != 0 || e.status(t, other) != signing.StatusApproved {
		t.Error("erase: want riverside's signature gone and harbour's kept")
	}
	for _, bad := range []string{"", strings.Repeat("a", 300) + "@example.org", "ann\xff@example.org", "ann\n@example.org"} {
		wantStatus(t, b.post(Prefix+"/riverside/erase", url.Values{"email": {bad}, "confirm": {"yes"}}), http.StatusBadRequest)
	}
	log, _ := e.acc.Audit(context.Background(), "riverside", 10)
	if len(log) == 0 || log[0].Action != accounts.ActErase || log[0].Detail != "1 signatures" {
		t.Errorf("audit: %+v, want an erase of 1", log)
	}
	for _, l := range log {
		if strings.Contains(strings.ToLower(l.Detail), "ann@") {
			t.Errorf("audit detail %q holds the address", l.Detail)
		}
	}
	res = b.get(Prefix + "/riverside/audit")
	wantStatus(t, res, 200)
	if txt := doc(t, res).Find("table").Text(); !strings.Contains(txt, "erased a supporter") || strings.Contains(strings.ToLower(txt), "ann@") {
		t.Errorf("audit page: %q", txt)
	}
}

func (e *env) count(t *testing.T, org, camp string) int {
	t.Helper()
	n := 0
	e.st.Signatures(context.Background(), org, camp, "", func(*signing.Signature) error { n++; return nil })
	return n
}

// TestDashboard: every campaign with its status, signing campaigns with
// their count and a chart whose bars say each day's figure; sources and
// wordings from the store's per-source counts.
func TestDashboard(t *testing.T) {
	e := newEnv(t, nil)
	b := e.signIn("riverside", "sam@example.org", accounts.RoleEditor)
	for i, day := range []int{0, 0, -1, -3} {
		sig := &signing.Signature{Org: "riverside", Campaign: "open-letter", Action: "letter", Kind: signing.KindIndividual, Status: signing.StatusApproved,
			Name: "N", Email: fmt.Sprintf("p%d@example.org", i), ConsentText: "x", ConsentAt: e.clock.now(), Lang: "en", CreatedAt: e.clock.now().AddDate(0, 0, day)}
		e.st.AddSignatures(context.Background(), []*signing.Signature{sig})
	}
	e.st.AddArrivals(context.Background(), []signing.Arrivals{{Org: "riverside", Campaign: "open-letter", Source: "x", Count: 5}, {Org: "riverside", Campaign: "open-letter", Source: "x-2", Count: 3}})
	for range 2 {
		if err := e.st.(store.MailPace).NoteUnsent(context.Background(), "riverside", "open-letter"); err != nil {
			t.Fatal(err)
		}
	}
	// Three signatures the database refused as sent (store.Refusals).
	for range 3 {
		if err := e.st.(store.Refusals).NoteRefused(context.Background(), "riverside", "open-letter"); err != nil {
			t.Fatal(err)
		}
	}
	// Five forms caught by the trap (store.Traps).
	if _, err := e.st.(store.Traps).AddBatch(context.Background(), nil, []store.Caught{{Org: "riverside", Campaign: "open-letter", N: 5}}); err != nil {
		t.Fatal(err)
	}
	res := b.get(Prefix + "/riverside")
	wantStatus(t, res, 200)
	d := doc(t, res)
	status := map[string]string{}
	d.Find("section.campaign").Each(func(_ int, s *goquery.Selection) {
		status[s.Find("h2").Text()] = s.Find(".status").Text()
	})
	want := map[string]string{"An open letter to the council": "Published", "A draft": "Draft", "Later petition": "Scheduled", "We won": "Victory"}
	for k, v := range want {
		if status[k] != v {
			t.Errorf("status of %q: %q, want %q (all: %v)", k, status[k], v, status)
		}
	}
	letter := d.Find("section#c-open-letter, section[aria-labelledby=c-open-letter]")
	if !strings.Contains(letter.Text(), "Signatures: 4") {
		t.Errorf("letter facts: %q, want Signatures: 4", letter.Find(".facts").Text())
	}
	if got := letter.Find(".facts .unsent").Text(); !strings.Contains(got, "Confirmation emails never sent: 2.") {
		t.Errorf("letter facts: %q, want the 2 confirmation emails never sent (store.MailPace.UnsentCounts)", letter.Find(".facts").Text())
	}
	if n := d.Find(".unsent").Length(); n != 1 {
		t.Errorf("%d campaigns tell of confirmations never sent, want 1 (the letter's)", n)
	}
	if got := letter.Find(".facts .refused").Text(); !strings.Contains(got, "Signatures refused as sent: 3.") {
		t.Errorf("letter facts: %q, want the 3 signatures refused (store.Refusals.RefusedCounts)", letter.Find(".facts").Text())
	}
	if n := d.Find(".refused").Length(); n != 1 {
		t.Errorf("%d campaigns tell of signatures refused, want 1 (the letter's)", n)
	}
	if got := letter.Find(".facts .bots").Text(); !strings.Contains(got, "Bots turned away: 5.") {
		t.Errorf("letter facts: %q, want the 5 bots turned away (store.Traps.CaughtCounts)", letter.Find(".facts").Text())
	}
	if n := d.Find(".bots").Length(); n != 1 {
		t.Errorf("%d campaigns tell of bots turned away, want 1 (the letter's)", n)
	}
	svg := letter.Find("svg[role=img]")
	if svg.Length() != 1 || svg.Find("rect.bar").Length() != chartDays {
		t.Fatalf("chart: %d svgs, %d bars, want 1 and %d", svg.Length(), svg.Find("rect.bar").Length(), chartDays)
	}
	last := svg.Find("rect.bar").Last()
	if got := last.Find("title").Text(); !strings.HasSuffix(got, ": 2") {
		t.Errorf("today's bar title %q, want …: 2", got)
	}
	if h := last.AttrOr("height", ""); h != fmt.Sprint(chartH-2) {
		t.Errorf("today's bar height %s, want the full %d", h, chartH-2)
	}
	if txt := letter.Find("table").Text(); !strings.Contains(txt, "x, message 2") {
		t.Errorf("wordings table: %q", txt)
	}
}

// TestDashboardOutbox: with deliveries on, the dashboard says what waits
// in this organisation's outbox (another organisation's is not counted);
// with them off it says nothing of an outbox.
func TestDashboardOutbox(t *testing.T) {
	st := openStore(t)
	ob := st.(store.Outbox)
	e := newEnv(t, func(c *Config) { c.Store, c.Outbox = st, ob })
	e.st, e.acc = st, st.(store.Accounts)
	if err := ob.Enqueue(context.Background(), []signing.Message{
		{ID: signing.NewMessageID(), Kind: signing.MessageWebhook, Target: "https://crm.example/hook", Org: "riverside", Campaign: "open-letter", Payload: []byte("{}")},
		{ID: signing.NewMessageID(), Kind: signing.MessageWebhook, Target: "https://crm.example/hook", Org: "harbour", Campaign: "sing", Payload: []byte("{}")},
	}); err != nil {
		t.Fatal(err)
	}
	b := e.signIn("riverside", "sam@example.org", accounts.RoleEditor)
	if got := doc(t, b.get(Prefix+"/riverside")).Find(".outbox").Text(); !strings.Contains(got, "1 waiting") || !strings.Contains(got, "0 failed") {
		t.Errorf("outbox line %q, want 1 waiting and 0 failed", got)
	}
	off := newEnv(t, nil)
	b = off.signIn("riverside", "sam@example.org", accounts.RoleEditor)
	if n := doc(t, b.get(Prefix+"/riverside")).Find(".outbox").Length(); n != 0 {
		t.Error("an outbox line shows with deliveries off")
	}
}

// TestHostileForms: an oversized body, a malformed one and junk values get
// a 4xx page, never a 500.
func TestHostileForms(t *testing.T) {
	e := newEnv(t, nil)
	b := e.signIn("riverside", "sam@example.org", accounts.RoleEditor)
	big := url.Values{"do": {"approve"}, "id": {strings.Repeat("1", 70<<10)}}
	if res := b.post(Prefix+"/riverside/moderation", big); res.StatusCode != http.StatusRequestEntityTooLarge {
		t.Errorf("70 KiB moderation form: %d, want 413", res.StatusCode)
	}
	many := url.Values{"do": {"approve"}}
	for i := range maxBulk + 1 {
		many.Add("id", fmt.Sprint(i))
	}
	if res := b.post(Prefix+"/riverside/moderation", many); res.StatusCode != http.StatusRequestEntityTooLarge {
		t.Errorf("%d ids: %d, want 413", maxBulk+1, res.StatusCode)
	}
	for path, body := range map[string]string{
		Prefix + "/riverside/moderation": "approve=%zz",
		Prefix + "/riverside/erase":      "email=%ff%fe&confirm=yes",
		Prefix + "/invite":               "token=\x00\x01",
		Prefix + "/signin/link":          "email=" + strings.Repeat("a", 300),
	} {
		r := httptest.NewRequest(http.MethodPost, testBase+path, strings.NewReader(body))
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		r.Header.Set("Sec-Fetch-Site", "same-origin")
		for k, v := range b.cookies {
			r.AddCookie(&http.Cookie{Name: k, Value: v})
		}
		w := httptest.NewRecorder()
		e.h.ServeHTTP(w, r)
		if w.Code >= 500 || (w.Code < 300 && path != Prefix+"/signin/link") {
			t.Errorf("POST %s %q: %d, want a 4xx (or the same answer as any address)", path, body, w.Code)
		}
	}
	for _, path := range []string{Prefix + "/riverside/..%2f..%2fharbour", Prefix + "/riverside/open-letter/export?format=%00", Prefix + "/static/..%2fconsole.go", Prefix + "/invite?t=%ff"} {
		if res := b.get(path); res.StatusCode >= 500 || res.StatusCode == 200 {
			t.Errorf("GET %s: %d, want a 4xx", path, res.StatusCode)
		}
	}
}
