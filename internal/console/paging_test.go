package console

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"github.com/placard/placard/internal/accounts"
	"github.com/placard/placard/internal/editing"
	"github.com/placard/placard/internal/export"
	"github.com/placard/placard/internal/signing"
	"github.com/placard/placard/internal/store"
	"github.com/placard/placard/internal/store/sqlite"
)

// counting is the SQLite store counting what the console reads: rows
// read through Signatures (a whole campaign, row by row) and, for each
// SignaturePage, the limit asked and the rows returned.
//
// midway, when set, runs once as soon as 100 rows have been handed to
// the console, however it reads them: what happens while a download is
// part-way.
type counting struct {
	*sqlite.DB
	mu     sync.Mutex
	rows   int
	limits []int
	pages  []int
	handed int
	midway func()
}

func (s *counting) Signatures(ctx context.Context, org, camp string, status signing.Status, fn func(*signing.Signature) error) error {
	return s.DB.Signatures(ctx, org, camp, status, func(sig *signing.Signature) error {
		s.mu.Lock()
		s.rows++
		s.mu.Unlock()
		s.hand(1)
		return fn(sig)
	})
}

func (s *counting) SignaturePage(ctx context.Context, q store.PageQuery) (store.SignaturePage, error) {
	p, err := s.DB.SignaturePage(ctx, q)
	s.mu.Lock()
	s.limits = append(s.limits, q.Limit)
	s.pages = append(s.pages, len(p.Signatures))
	s.mu.Unlock()
	s.hand(len(p.Signatures))
	return p, err
}

// hand counts n rows handed over and runs midway once 100 have been.
func (s *counting) hand(n int) {
	s.mu.Lock()
	s.handed += n
	var run func()
	if s.handed >= 100 && s.midway != nil {
		run, s.midway = s.midway, nil
	}
	s.mu.Unlock()
	if run != nil {
		run()
	}
}

// reset forgets what was counted and returns it: the rows read whole, and
// the largest limit and page seen.
func (s *counting) reset() (rows, limit, page int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	rows = s.rows
	for i := range s.limits {
		limit, page = max(limit, s.limits[i]), max(page, s.pages[i])
	}
	s.rows, s.limits, s.pages = 0, nil, nil
	return rows, limit, page
}

// overHTTP sends b's requests to a real server on loopback, with b's
// cookies, following no redirect.
type overHTTP struct {
	t   *testing.T
	b   *browser
	srv *httptest.Server
}

func (e *env) overHTTP(b *browser) *overHTTP {
	srv := httptest.NewServer(e.h)
	e.t.Cleanup(srv.Close)
	return &overHTTP{t: e.t, b: b, srv: srv}
}

func (h *overHTTP) do(method, path string, form url.Values) *http.Response {
	h.t.Helper()
	var body *strings.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	} else {
		body = strings.NewReader("")
	}
	req, err := http.NewRequest(method, h.srv.URL+path, body)
	if err != nil {
		h.t.Fatal(err)
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Sec-Fetch-Site", "same-origin")
	}
	for k, v := range h.b.cookies {
		req.AddCookie(&http.Cookie{Name: k, Value: v})
	}
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := client.Do(req)
	if err != nil {
		h.t.Fatal(err)
	}
	h.t.Cleanup(func() { res.Body.Close() })
	return res
}

// queuePageOf is what one moderation page shows: its rows' ids (the
// checkboxes), the ids its "everyone on this page" buttons decide, and
// its older and newer links.
type queuePageOf struct {
	ids, pageIDs []int64
	older, newer string
	total        string
	doc          *goquery.Document
}

func readQueuePage(t *testing.T, res *http.Response) queuePageOf {
	t.Helper()
	if res.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %d", res.Request.URL, res.StatusCode)
	}
	d := doc(t, res)
	var q queuePageOf
	q.doc = d
	num := func(s string) int64 {
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			t.Fatalf("an id %q on the page", s)
		}
		return n
	}
	d.Find(`input[type=checkbox][name=id]`).Each(func(_ int, s *goquery.Selection) { q.ids = append(q.ids, num(s.AttrOr("value", ""))) })
	d.Find(`input[type=hidden][name=page]`).Each(func(_ int, s *goquery.Selection) { q.pageIDs = append(q.pageIDs, num(s.AttrOr("value", ""))) })
	q.older = d.Find(`nav.pages a[rel=prev]`).AttrOr("href", "")
	q.newer = d.Find(`nav.pages a[rel=next]`).AttrOr("href", "")
	q.total = strings.TrimSpace(d.Find(`p.total`).Text())
	return q
}

// addPending stores n pending signatures on riverside's campaign camp in
// batches and returns their ids, oldest first.
func (e *env) addPending(t *testing.T, camp string, n int, tag string) []int64 {
	t.Helper()
	var ids []int64
	for start := 0; start < n; start += 500 {
		var batch []*signing.Signature
		for i := start; i < min(n, start+500); i++ {
			batch = append(batch, &signing.Signature{
				Org: "riverside", Campaign: camp, Action: "letter",
				Kind: signing.KindOrganisation, Status: signing.StatusPending,
				Name: "Pat Lee", Email: fmt.Sprintf("%s%05d@example.org", tag, i),
				Organisation: fmt.Sprintf("Group %s %d", tag, i), Role: "Chair",
				ConsentText: "Riverside may email me about this campaign.", ConsentAt: e.clock.now(), Lang: "en", CreatedAt: e.clock.now(),
			})
		}
		res, err := e.st.AddSignatures(context.Background(), batch)
		if err != nil {
			t.Fatal(err)
		}
		for i, r := range res {
			if r != nil {
				t.Fatal(r)
			}
			ids = append(ids, batch[i].ID)
		}
	}
	return ids
}

func pendingOf(t *testing.T, st store.Store, camp string) int {
	t.Helper()
	ts, err := st.Tallies(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, x := range ts {
		if x.Org == "riverside" && x.Campaign == camp {
			return x.Pending
		}
	}
	return 0
}

// TestModerationPages: a queue of 3,120 over two campaigns is shown 50 at
// a time, oldest first, over real HTTP: each page reads one bounded page
// from the store and never the queue, counts come from the tallies, the
// older and newer links (plain links: no JavaScript) walk every waiting
// signature exactly once in both directions, and the campaign filter
// stays on across pages. Before paging, the page read and rendered all
// 3,120 rows on every request.
func TestModerationPages(t *testing.T) {
	var st *counting
	e := newEnv(t, func(c *Config) {
		st = &counting{DB: c.Store.(*sqlite.DB)}
		c.Store = st
	})
	ed := e.signIn("riverside", "sam@example.org", accounts.RoleEditor)
	letter := e.addPending(t, "open-letter", 1500, "a")
	won := e.addPending(t, "won", 120, "w")
	letter = append(letter, e.addPending(t, "open-letter", 1500, "b")...)
	all := slices.Concat(letter[:1500], won, letter[1500:])
	h := e.overHTTP(ed)
	st.reset()

	walk := func(start string, want []int64, total string) {
		t.Helper()
		var got []int64
		var pages []string
		path := start
		for n := 0; path != "" && n <= len(want)/queuePage+1; n++ {
			pages = append(pages, path)
			p := readQueuePage(t, h.do(http.MethodGet, path, nil))
			if len(p.ids) != min(queuePage, len(want)-len(got)) {
				t.Fatalf("%s shows %d signatures, want %d", path, len(p.ids), min(queuePage, len(want)-len(got)))
			}
			if !slices.Equal(p.ids, p.pageIDs) {
				t.Errorf("%s: the page's buttons name %v, the page shows %v", path, p.pageIDs, p.ids)
			}
			if !strings.Contains(p.total, total) {
				t.Errorf("%s: total %q, want it to say %s", path, p.total, total)
			}
			if (n == 0) != (p.older == "") {
				t.Errorf("%s (page %d): older link %q", path, n, p.older)
			}
			if n > 0 {
				// The older link goes back to the page before this one.
				back := readQueuePage(t, h.do(http.MethodGet, p.older, nil))
				if prev := got[len(got)-queuePage:]; !slices.Equal(back.ids, prev) {
					t.Errorf("%s: older link %s shows %v…, want %v…", path, p.older, back.ids[:2], prev[:2])
				}
			}
			got = append(got, p.ids...)
			path = p.newer
		}
		if !slices.Equal(got, want) {
			t.Errorf("walking from %s: %d signatures, want %d in id order", start, len(got), len(want))
		}
		rows, limit, page := st.reset()
		if rows != 0 || limit != queuePage || page > queuePage {
			t.Errorf("walking %d pages: %d rows read whole, pages asked of %d and holding up to %d; want 0, %d and at most %d",
				len(pages), rows, limit, page, queuePage, queuePage)
		}
		if want := Prefix + "/riverside/moderation?"; len(pages) > 1 && !strings.HasPrefix(pages[1], want) {
			t.Errorf("newer link %q", pages[1])
		}
	}
	walk(Prefix+"/riverside/moderation", all, "3,120")
	walk(Prefix+"/riverside/moderation?campaign=won", won, "120")
	walk(Prefix+"/riverside/moderation?campaign=open-letter", letter, "3,000")
	// A filtered page's links keep the filter.
	p := readQueuePage(t, h.do(http.MethodGet, Prefix+"/riverside/moderation?campaign=won", nil))
	if p.newer != fmt.Sprintf("%s/riverside/moderation?campaign=won&after=%d", Prefix, won[queuePage-1]) {
		t.Errorf("the filtered page's newer link is %q", p.newer)
	}
	if sel := p.doc.Find(`select[name=campaign] option[selected]`).AttrOr("value", "?"); sel != "won" {
		t.Errorf("the filter shows %q chosen, want won", sel)
	}
	// The dashboard links each campaign to its own queue.
	d := doc(t, h.do(http.MethodGet, Prefix+"/riverside", nil))
	if d.Find(`a[href="/admin/riverside/moderation?campaign=open-letter"]`).Length() != 1 {
		t.Error("the dashboard does not link the open letter's queue")
	}
	st.reset()

	// A viewer sees the counts, from the tallies, and reads no row.
	v := e.overHTTP(e.signIn("riverside", "val@example.org", accounts.RoleViewer))
	vp := readQueuePage(t, v.do(http.MethodGet, Prefix+"/riverside/moderation", nil))
	if len(vp.ids) != 0 || !strings.Contains(vp.total, "3,120") {
		t.Errorf("a viewer's page: %d rows, total %q", len(vp.ids), vp.total)
	}
	if rows := strings.TrimSpace(vp.doc.Find("table.queue tbody").Text()); !strings.Contains(rows, "3,000") || !strings.Contains(rows, "120") {
		t.Errorf("a viewer's counts: %q", rows)
	}
	if rows, limit, _ := st.reset(); rows != 0 || limit != 0 {
		t.Errorf("a viewer's page read %d rows whole and %d by page", rows, limit)
	}
}

// TestModerationPageDecisions: "approve all on this page" moves exactly
// the rows the page showed. Signatures arriving after the page was read
// stay waiting; if another organiser approved one of the page's rows
// meanwhile, nothing moves (all or nothing) and nothing is counted twice;
// the answer returns to the same filter and place in the queue.
func TestModerationPageDecisions(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, nil)
	ed := e.signIn("riverside", "sam@example.org", accounts.RoleEditor)
	ids := e.addPending(t, "open-letter", 180, "a")
	h := e.overHTTP(ed)
	first := readQueuePage(t, h.do(http.MethodGet, Prefix+"/riverside/moderation?campaign=open-letter", nil))
	second := readQueuePage(t, h.do(http.MethodGet, first.newer, nil))
	if !slices.Equal(second.ids, ids[queuePage:2*queuePage]) {
		t.Fatalf("the second page shows %v…", second.ids[:3])
	}
	form := url.Values{"do": {"approve-page"}, "campaign": {"open-letter"}}
	second.doc.Find(`form[method=post] input[type=hidden]`).Each(func(_ int, s *goquery.Selection) {
		if n := s.AttrOr("name", ""); n != "campaign" {
			form.Add(n, s.AttrOr("value", ""))
		}
	})
	if got := form.Get("after"); got != strconv.FormatInt(second.ids[0]-1, 10) {
		t.Errorf("the page's form returns after %q, want %d", got, second.ids[0]-1)
	}

	// Another organiser approves one of the page's rows first: nothing moves.
	if _, err := e.st.(store.Moderation).Decide(ctx, "riverside", []int64{second.ids[7]}, signing.StatusPending, signing.StatusApproved, nil); err != nil {
		t.Fatal(err)
	}
	wantCode(t, h.do(http.MethodPost, Prefix+"/riverside/moderation", form), http.StatusBadRequest)
	if n := pendingOf(t, e.st, "open-letter"); n != 179 {
		t.Errorf("after a refused page approval %d wait, want 179", n)
	}

	// Reloaded, the page shows 50 again (the next one moved up); then
	// new signatures arrive before the button is pressed.
	second = readQueuePage(t, h.do(http.MethodGet, first.newer, nil))
	want := slices.Concat(ids[queuePage:queuePage+7], ids[queuePage+8:2*queuePage+1])
	if !slices.Equal(second.ids, want) {
		t.Fatalf("the reloaded second page shows %d rows starting %v", len(second.ids), second.ids[:3])
	}
	late := e.addPending(t, "open-letter", 30, "late")
	form["page"] = nil
	for _, id := range second.pageIDs {
		form.Add("page", strconv.FormatInt(id, 10))
	}
	res := h.do(http.MethodPost, Prefix+"/riverside/moderation", form)
	wantRedirectTo := fmt.Sprintf("%s/riverside/moderation?campaign=open-letter&after=%d&done=approved&n=%d", Prefix, second.ids[0]-1, queuePage)
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != wantRedirectTo {
		t.Fatalf("approve all on the page: %d to %q, want 303 to %q", res.StatusCode, res.Header.Get("Location"), wantRedirectTo)
	}
	for _, id := range second.ids {
		if s := e.status(t, id); s != signing.StatusApproved {
			t.Errorf("signature %d shown and approved is %s", id, s)
		}
	}
	for _, id := range slices.Concat(ids[:queuePage], ids[2*queuePage+1:], late) {
		if s := e.status(t, id); s != signing.StatusPending {
			t.Errorf("signature %d, not on the page, is %s", id, s)
		}
	}
	// 180 + 30 late − 1 approved by the other organiser − 50 on the page.
	if n := pendingOf(t, e.st, "open-letter"); n != 159 {
		t.Errorf("%d wait after approving a page, want 159", n)
	}
	log, err := e.acc.Audit(ctx, "riverside", 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(log) == 0 || log[0].Action != accounts.ActApprove || log[0].Detail != "50 on open-letter" {
		t.Errorf("the audit log's last entry: %+v, want 50 approved on open-letter", log[0])
	}
	// The answer is the same place: the rows after the approved page.
	back := readQueuePage(t, h.do(http.MethodGet, wantRedirectTo, nil))
	if !slices.Equal(back.ids, ids[2*queuePage+1:3*queuePage+1]) {
		t.Errorf("after approving, the page shows %v…, want the next rows", back.ids[:3])
	}
	if !strings.Contains(back.doc.Find(".notice").Text(), "50") {
		t.Errorf("notice %q", back.doc.Find(".notice").Text())
	}
}

// TestModerationPageAddresses: a moderation address with a mistake in it
// is answered plainly — 400 for a malformed place, 404 for a campaign that
// is not this organisation's — and never a 500.
func TestModerationPageAddresses(t *testing.T) {
	e := newEnv(t, nil)
	ed := e.signIn("riverside", "sam@example.org", accounts.RoleEditor)
	ids := e.addPending(t, "open-letter", 3, "a")
	for q, want := range map[string]int{
		"after=abc":                   http.StatusBadRequest,
		"after=-5":                    http.StatusBadRequest,
		"after=0":                     http.StatusBadRequest,
		"before=99999999999999999999": http.StatusBadRequest,
		"after=1&before=3":            http.StatusBadRequest,
		"campaign=sing":               http.StatusNotFound, // harbour's
		"campaign=call":               http.StatusNotFound, // takes no signatures
		"campaign=%00":                http.StatusNotFound,
		"after=99999":                 http.StatusOK, // past the end: the first page
		"before=1":                    http.StatusOK,
		"campaign=won&after=2":        http.StatusOK,
	} {
		res := ed.get(Prefix + "/riverside/moderation?" + q)
		if res.StatusCode != want {
			t.Errorf("?%s: %d, want %d", q, res.StatusCode, want)
		}
		if q == "after=99999" {
			if p := readQueuePage(t, res); len(p.ids) != 3 {
				t.Errorf("past the end: %d rows, want the first page's 3", len(p.ids))
			}
		}
	}
	// A decision whose place is stale or mangled is still made, and
	// answered with the whole queue: the place only steers the answer.
	res := ed.post(Prefix+"/riverside/moderation", url.Values{"do": {"approve-page"}, "page": {fmt.Sprint(ids[0])}, "after": {"x"}, "campaign": {"gone"}})
	wantRedirect(t, res, Prefix+"/riverside/moderation?done=approved&n=1")
	if n := pendingOf(t, e.st, "open-letter"); n != 2 {
		t.Errorf("%d wait after a decision, want 2", n)
	}
	// Ids that are not ids are refused before anything moves.
	for _, bad := range []string{"x", "-1", "0", "99999999999999999999", fmt.Sprint(ids[1]) + "x"} {
		wantCode(t, ed.post(Prefix+"/riverside/moderation", url.Values{"do": {"reject-page"}, "page": {fmt.Sprint(ids[1]), bad}}), http.StatusBadRequest)
	}
	if n := pendingOf(t, e.st, "open-letter"); n != 2 {
		t.Errorf("%d wait after refused decisions, want 2", n)
	}
}

// TestExportReadsPages: a campaign's download is read a page at a time
// (at most store.MaxPage rows held, nothing read whole) and holds no read
// open while it is written: a supporter erased while an organiser's
// download is part-way is erased at once — the write-ahead log emptied,
// as erasure promises — and is not in the rest of the download. Before,
// the download read the campaign in one statement: the erasure failed
// ("another reader kept the write-ahead log from being emptied") and the
// erased address was still handed over.
func TestExportReadsPages(t *testing.T) {
	ctx := context.Background()
	var st *counting
	e := newEnv(t, func(c *Config) {
		st = &counting{DB: c.Store.(*sqlite.DB)}
		c.Store = st
	})
	ed := e.signIn("riverside", "sam@example.org", accounts.RoleEditor)
	ids := e.addPending(t, "open-letter", 3000, "a")
	// Some decided, so the download carries every status.
	if _, err := e.st.(store.Moderation).Decide(ctx, "riverside", ids[:700], signing.StatusPending, signing.StatusApproved, nil); err != nil {
		t.Fatal(err)
	}
	gone := fmt.Sprintf("a%05d@example.org", 2000)
	var eraseErr error
	erased := false
	st.midway = func() {
		_, eraseErr = e.st.Erase(ctx, gone)
		erased = true
	}
	st.reset()
	h := e.overHTTP(ed)
	res := h.do(http.MethodGet, Prefix+"/riverside/open-letter/export?format=csv", nil)
	wantStatus(t, res, http.StatusOK)
	body, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(bytes.NewReader(body)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if !erased || eraseErr != nil {
		t.Errorf("erasing during the download: ran %v, %v", erased, eraseErr)
	}
	// And its checkpoint was made then: a failed one no longer fails the
	// erasure but stays owed (store.Rewrites), not yet due again.
	if _, owed, err := e.st.(store.Rewrites).PayRewrites(ctx, false); err != nil || owed != 0 {
		t.Errorf("erasing during the download left %d rewrites owed (%v): the download kept the write-ahead log from being emptied", owed, err)
	}
	var got []int64
	for _, r := range rows[1:] {
		id, _ := strconv.ParseInt(r[0], 10, 64)
		got = append(got, id)
	}
	want := slices.Concat(ids[:2000], ids[2001:])
	if !slices.Equal(got, want) {
		t.Errorf("the download holds %d signatures, want the %d left in id order", len(got), len(want))
	}
	if bytes.Contains(body, []byte(gone)) {
		t.Errorf("the download hands over %s, erased while it was part-way", gone)
	}
	read, limit, page := st.reset()
	if read != 0 || limit > store.MaxPage || page > store.MaxPage || limit == 0 {
		t.Errorf("the download read %d rows whole, pages of up to %d holding up to %d; want none whole, pages of at most %d", read, limit, page, store.MaxPage)
	}
	// JSON the same way.
	res = h.do(http.MethodGet, Prefix+"/riverside/open-letter/export?format=json", nil)
	wantStatus(t, res, http.StatusOK)
	var recs []export.Record
	if err := json.NewDecoder(res.Body).Decode(&recs); err != nil || len(recs) != 2999 {
		t.Errorf("the JSON download: %d records, %v", len(recs), err)
	}
	if read, limit, _ := st.reset(); read != 0 || limit > store.MaxPage {
		t.Errorf("the JSON download read %d rows whole, pages of %d", read, limit)
	}
}

// listing is the SQLite store counting the outbox entries List returns.
type listing struct {
	*sqlite.DB
	mu     sync.Mutex
	listed int
}

func (s *listing) List(ctx context.Context, status store.OutboxStatus) ([]store.OutboxEntry, error) {
	es, err := s.DB.List(ctx, status)
	s.mu.Lock()
	s.listed += len(es)
	s.mu.Unlock()
	return es, err
}

// TestDashboardHoldsNoOutbox: with 3,000 messages waiting (mail down
// during a viral campaign), the dashboard still says how many wait and
// fail, and how many letters the drip holds for each target, but reads
// no message into memory: the store counts them, and only the held
// emails are looked into, one at a time. Before, every dashboard view
// listed the whole outbox, payloads and all.
func TestDashboardHoldsNoOutbox(t *testing.T) {
	ctx := context.Background()
	var st *listing
	e := newEnv(t, func(c *Config) {
		st = &listing{DB: c.Store.(*sqlite.DB)}
		c.Store, c.Outbox = st, st
	})
	var msgs []signing.Message
	for i := range 3000 {
		msgs = append(msgs, signing.Message{ID: signing.NewMessageID(), Kind: signing.MessageWebhook, Target: "https://crm.example/hook",
			Email: fmt.Sprintf("s%d@example.org", i), Org: "riverside", Campaign: "open-letter", Payload: []byte(`{"n":1}`)})
	}
	msgs = append(msgs, signing.Message{ID: signing.NewMessageID(), Kind: signing.MessageWebhook, Target: "https://crm.example/hook",
		Org: "harbour", Campaign: "sing", Payload: []byte("{}")})
	if err := st.Enqueue(ctx, msgs); err != nil {
		t.Fatal(err)
	}
	// Four supporters write to the mayor, one an hour: three wait.
	for _, who := range []string{"a@example.org", "b@example.org", "c@example.org", "d@example.org"} {
		msg := signing.Message{ID: signing.NewMessageID(), Kind: signing.MessageEmail, Email: who, Org: "riverside", Campaign: "call",
			Payload: []byte(`{"template":"contact","org":"riverside","to":"mayor@council.example"}`)}
		if _, err := st.QueueTargetMail(ctx, store.TargetMailing{Org: "riverside", Campaign: "call", Action: "call", Target: "mayor",
			Sender: who, PerHour: 1, Messages: []signing.Message{msg}, At: e.clock.now()}); err != nil {
			t.Fatal(err)
		}
	}
	h := e.overHTTP(e.signIn("riverside", "sam@example.org", accounts.RoleViewer))
	res := h.do(http.MethodGet, Prefix+"/riverside", nil)
	wantStatus(t, res, http.StatusOK)
	d := doc(t, res)
	if got := d.Find(".outbox").Text(); !strings.Contains(got, "3,004 waiting") || !strings.Contains(got, "0 failed") {
		t.Errorf("outbox line %q, want 3,004 waiting and 0 failed", got)
	}
	mayor := ""
	d.Find(`section[aria-labelledby="c-call"] table.outreach tbody tr`).Each(func(_ int, tr *goquery.Selection) {
		if strings.Contains(tr.Text(), "Mayor") {
			mayor = strings.TrimSpace(tr.Children().Eq(5).Text()) // the waiting column (held back follows)
		}
	})
	if mayor != "3" {
		t.Errorf("letters the drip holds for the mayor: %q, want 3", mayor)
	}
	if st.listed != 0 {
		t.Errorf("the dashboard listed %d outbox messages into memory, want none", st.listed)
	}
}

// TestHandinReadsPages: the hand-in document of a letter with more
// approved signers than a page reads them a page at a time (twice:
// counting, then naming as it writes), never in one read held open while
// the organiser's browser downloads, and names every one of them. It read
// them whole through Store.Signatures.
func TestHandinReadsPages(t *testing.T) {
	files := testFiles()
	files["riverside/org.yaml"] += "delivery: names\n"
	dir := t.TempDir()
	for name, text := range files {
		f := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(f), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(f, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	var st *counting
	e := newEnvFiles(t, files, func(c *Config) {
		st = &counting{DB: c.Store.(*sqlite.DB)}
		c.Store = st
		c.Editing = &editing.Workspace{Dir: dir, Now: c.Now, Reload: func(string) bool { return true }}
	})
	ed := e.signIn("riverside", "sam@example.org", accounts.RoleEditor)
	const n = 2*store.MaxPage + 200
	ids := e.addPending(t, "open-letter", n, "h")
	if _, err := e.st.(store.Moderation).Decide(context.Background(), "riverside", ids, signing.StatusPending, signing.StatusApproved, nil); err != nil {
		t.Fatal(err)
	}
	st.reset()
	res := e.overHTTP(ed).do(http.MethodGet, Prefix+"/riverside/files/open-letter.yaml/handin", nil)
	wantStatus(t, res, http.StatusOK)
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	html := string(b)
	if got := strings.Count(html, "<tr><td>"); got != n || !strings.Contains(html, "Group h 1199") || !strings.Contains(html, "1,200") {
		t.Errorf("the hand-in document names %d signers (the last one: %v, the count 1,200: %v), want %d",
			got, strings.Contains(html, "Group h 1199"), strings.Contains(html, "1,200"), n)
	}
	if read, limit, page := st.reset(); read != 0 || limit == 0 || limit > store.MaxPage || page > store.MaxPage {
		t.Errorf("the hand-in read %d rows whole, pages of up to %d holding up to %d; want none whole, pages of at most %d", read, limit, page, store.MaxPage)
	}
}
