package web

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"github.com/placard/placard/internal/campaign"
	"github.com/placard/placard/internal/campaign/campaigntest"
	"github.com/placard/placard/internal/formtoken"
	"github.com/placard/placard/internal/signing"
	"github.com/placard/placard/internal/store"
	"github.com/placard/placard/internal/store/sqlite"
)

// clock is a settable time for Config.Now, so token ages are exact.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// signFiles is testFiles plus an open letter taking signatures
// (organisations too), a closed petition, and a petition asking for every
// detail.
func signFiles(t testing.TB) campaigntest.Files {
	t.Helper()
	f := testFiles(t)
	f["riverside/org.yaml"] += `consent: Riverside Coalition may email me about this campaign.
privacy_policy: https://riverside.example/privacy
`
	f["riverside/open-letter.yaml"] = `title: An open letter to the council
summary: Add your name.
date: 2026-02-01
actions:
  - kind: letter
    id: letter
    to: The council
    salutation: Dear councillors,
    body: Keep the library open.
    closing: Yours,
    organisations:
      - name: North Group
    signing: true
    goal: 50
    fields:
      organisation: optional
      role: optional
  - kind: donate
`
	f["riverside/old-petition.yaml"] = `title: An old petition
summary: It ended.
status: closed
date: 2025-02-01
actions:
  - kind: petition
    target: Someone
    text: Do something.
`
	f["riverside/every-field.yaml"] = `title: Every field
summary: Give every detail.
date: 2026-01-01
actions:
  - kind: petition
    id: sign
    target: Council
    text: Listen to us.
    goal: 10
    fields:
      postcode: required
      country: required
      phone: optional
      comment: optional
`
	return f
}

// signSite is signFiles loaded.
func signSite(t testing.TB) *campaign.Site {
	t.Helper()
	return campaigntest.Site(t, signFiles(t))
}

// signEnv is a server with a real store and a settable clock.
type signEnv struct {
	s     *Server
	st    store.Store
	clock *clock
}

// engines lists the stores the signing tests run on: SQLite always, and
// PostgreSQL whenever a server can be had (see newPostgres).
var engines = []struct {
	name string
	open func(t *testing.T) store.Store
}{
	{"sqlite", openSQLite},
	{"postgres", openPostgres},
}

func openSQLite(t *testing.T) store.Store {
	t.Helper()
	db, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "placard.db"))
	if err != nil {
		t.Fatalf("opening SQLite: %v", err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// clockStart is when a signEnv's clock starts.
var clockStart = time.Date(2026, 2, 20, 12, 0, 0, 0, time.UTC)

func newSignEnv(t *testing.T, st store.Store, mod func(*Config)) *signEnv {
	t.Helper()
	c := &clock{t: clockStart}
	committer := store.NewCommitter(st, store.CommitterOptions{})
	t.Cleanup(func() { committer.Close() })
	cfg := Config{BaseURL: "https://act.example.org", SiteName: "Act", Store: st, Recorder: committer,
		RateLimit: -1, Now: c.now}
	if mod != nil {
		mod(&cfg)
	}
	s, err := New(cfg, signSite(t))
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return &signEnv{s: s, st: st, clock: c}
}

// formValues reads the signing form of the action at page: its hidden
// fields (action, token) with a filled-in signer.
func (e *signEnv) formValues(t *testing.T, page, formID string) url.Values {
	t.Helper()
	res := get(t, e.s, "GET", page, nil)
	wantStatus(t, res, 200)
	d := doc(t, res)
	form := d.Find("form#" + formID)
	if form.Length() != 1 {
		t.Fatalf("%s: got %d forms #%s, want 1", page, form.Length(), formID)
	}
	v := url.Values{}
	form.Find("input[type=hidden]").Each(func(_ int, s *goquery.Selection) {
		v.Set(s.AttrOr("name", ""), s.AttrOr("value", ""))
	})
	if v.Get("token") == "" || v.Get("token") == formtoken.Placeholder {
		t.Fatalf("%s: form token = %q, want a real token", page, v.Get("token"))
	}
	v.Set("name", "Ada Lovelace")
	v.Set("email", "ada@example.org")
	v.Set("consent", "yes")
	return v
}

// post sends a form as a browser on the same site would.
func (e *signEnv) post(t *testing.T, target string, v url.Values, header http.Header) *http.Response {
	t.Helper()
	req := httptest.NewRequest("POST", target, strings.NewReader(v.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	for k, vs := range header {
		req.Header[http.CanonicalHeaderKey(k)] = vs
	}
	rec := httptest.NewRecorder()
	e.s.ServeHTTP(rec, req)
	// What the answer left to do after it (resendAfter) is done too.
	e.s.waitBackground()
	res := rec.Result()
	if sc := res.Header.Values("Set-Cookie"); len(sc) > 0 {
		t.Errorf("POST %s set a cookie: %q", target, sc)
	}
	return res
}

// count is the store's count of signatures on one campaign.
func (e *signEnv) count(t *testing.T, org, slug string) signing.Count {
	t.Helper()
	counts, err := e.st.Counts(context.Background())
	if err != nil {
		t.Fatalf("Counts: %v", err)
	}
	for _, c := range counts {
		if c.Org == org && c.Campaign == slug {
			return c
		}
	}
	return signing.Count{Org: org, Campaign: slug}
}

func (e *signEnv) poll(t *testing.T) {
	t.Helper()
	if err := e.s.Poll(context.Background()); err != nil {
		t.Fatalf("Poll: %v", err)
	}
}

const libraryPage = "/riverside/save-the-library"

func forEachEngine(t *testing.T, fn func(t *testing.T, st store.Store)) {
	for _, eng := range engines {
		t.Run(eng.name, func(t *testing.T) { fn(t, eng.open(t)) })
	}
}

func TestSignAndThanks(t *testing.T) {
	forEachEngine(t, func(t *testing.T, st store.Store) {
		e := newSignEnv(t, st, nil)
		page := doc(t, get(t, e.s, "GET", libraryPage, nil))
		if got := strings.TrimSpace(page.Find("#petition-count").Text()); got != "No one has signed yet: be the first" {
			t.Errorf("count before signing: got %q", got)
		}
		v := e.formValues(t, libraryPage, "petition-form")
		v.Set("public", "yes")
		e.clock.add(5 * time.Second)
		res := e.post(t, libraryPage+"/sign", v, nil)
		wantStatus(t, res, 303)
		wantThanks(t, res, libraryPage+"/thanks?outcome=signed")
		if c := e.count(t, "riverside", "save-the-library"); c.Signatures != 1 {
			t.Fatalf("store count: got %d, want 1", c.Signatures)
		}

		thanks := get(t, e.s, "GET", libraryPage+"/thanks?outcome=signed", nil)
		wantStatus(t, thanks, 200)
		d := doc(t, thanks)
		if h := d.Find("h1").Text(); !strings.Contains(h, "your signature counted") {
			t.Errorf("thank-you heading: got %q", h)
		}
		yes := d.Find(".share-ask a.btn-big").AttrOr("href", "")
		if yes != libraryPage+"#share" {
			t.Errorf("Yes, I'll share: got %q, want %q", yes, libraryPage+"#share")
		}
		// The campaign takes donations: the page asks for a gift in a box
		// of its own (issue 13 B4) rather than a "Not now" link to it.
		if d.Find(".donate-ask a[href^='https://']").Length() == 0 {
			t.Errorf("thank-you page of a campaign with a donate action: no donation ask linking to its donation page")
		}
		if back := d.Find(".back a").AttrOr("href", ""); back != libraryPage {
			t.Errorf("back link: got %q, want %q", back, libraryPage)
		}
		wantStatus(t, get(t, e.s, "GET", libraryPage+"/thanks?outcome=pending", nil), 200)
		// No page says an address had already signed (DESIGN.md 7).
		wantStatus(t, get(t, e.s, "GET", libraryPage+"/thanks?outcome=already", nil), 404)
		wantStatus(t, get(t, e.s, "GET", libraryPage+"/thanks?outcome=bogus", nil), 404)
		wantStatus(t, get(t, e.s, "GET", libraryPage+"/thanks", nil), 404)

		// The page shows the new count only after a poll, and then shows it
		// (with the signer, who chose to be shown) on every request.
		before := doc(t, get(t, e.s, "GET", libraryPage, nil)).Find("#petition-count").Text()
		if strings.Contains(before, "1 person") {
			t.Errorf("count changed before the poll: %q", before)
		}
		e.poll(t)
		after := doc(t, get(t, e.s, "GET", libraryPage, nil))
		if got := strings.TrimSpace(after.Find("#petition-count").Text()); got != "1 person has signed" {
			t.Errorf("count after the poll: got %q, want %q", got, "1 person has signed")
		}
		if got := after.Find("#petition-goal").Text(); got != "Help us reach 5,000 signatures" {
			t.Errorf("goal: got %q", got)
		}
		if got := after.Find(".signers .signer-name").Text(); got != "Ada Lovelace" {
			t.Errorf("recent signers: got %q, want Ada Lovelace", got)
		}
		if strings.Contains(after.Text(), "ada@example.org") {
			t.Errorf("the page shows the signer's email")
		}

		// The same email again: answered as a first signature (with a
		// claim), and nothing changes.
		v = e.formValues(t, libraryPage, "petition-form")
		v.Set("email", "  ADA@Example.org ")
		e.clock.add(5 * time.Second)
		res = e.post(t, libraryPage+"/sign", v, nil)
		wantStatus(t, res, 303)
		wantThanks(t, res, libraryPage+"/thanks?outcome=signed")
		if c := e.count(t, "riverside", "save-the-library"); c.Signatures != 1 {
			t.Errorf("store count after a duplicate: got %d, want 1", c.Signatures)
		}
	})
}

func TestSignPrivateSignerNotListed(t *testing.T) {
	e := newSignEnv(t, openSQLite(t), nil)
	v := e.formValues(t, libraryPage, "petition-form")
	e.clock.add(5 * time.Second)
	wantStatus(t, e.post(t, libraryPage+"/sign", v, nil), 303)
	e.poll(t)
	d := doc(t, get(t, e.s, "GET", libraryPage, nil))
	if got := strings.TrimSpace(d.Find("#petition-count").Text()); got != "1 person has signed" {
		t.Errorf("count: got %q", got)
	}
	if strings.Contains(d.Text(), "Ada Lovelace") {
		t.Errorf("a signer who did not opt in is named on the page")
	}
}

func TestSignValidation(t *testing.T) {
	e := newSignEnv(t, openSQLite(t), nil)
	const page = "/riverside/every-field"
	cases := []struct {
		name  string
		set   map[string]string
		field string // whose error must show
	}{
		{"no name", map[string]string{"name": "  "}, "name"},
		{"bad email", map[string]string{"email": "ada at example"}, "email"},
		{"no postcode", map[string]string{"postcode": ""}, "postcode"},
		{"unknown country", map[string]string{"country": "XX"}, "country"},
		{"bad phone", map[string]string{"phone": "call me"}, "phone"},
		{"long comment", map[string]string{"comment": strings.Repeat("a", signing.MaxComment+1)}, "comment"},
		{"control character", map[string]string{"name": "Ada\x07"}, "name"},
		{"no consent", map[string]string{"consent": ""}, "consent"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			v := e.formValues(t, page, "sign-form")
			v.Set("postcode", "AB1 2CD")
			v.Set("country", "GB")
			v.Set("public", "yes")
			for k, val := range c.set {
				v.Set(k, val)
			}
			token := v.Get("token")
			e.clock.add(5 * time.Second)
			res := e.post(t, page+"/sign", v, nil)
			wantStatus(t, res, 422)
			d := doc(t, res)
			errP := d.Find("#sign-form-" + c.field + "-error")
			if strings.TrimSpace(errP.Text()) == "" {
				t.Errorf("no error shown next to %s", c.field)
			}
			if d.Find(".error-summary a[href='#sign-form-"+c.field+"']").Length() != 1 {
				t.Errorf("the summary does not link to %s", c.field)
			}
			// Values are kept, except the ones with the problem may be
			// shown as typed too; the token is the one sent (its original
			// issue time), so the correction can be sent at once.
			if c.field != "email" && d.Find("#sign-form-email").AttrOr("value", "") != "ada@example.org" {
				t.Errorf("email not kept: %q", d.Find("#sign-form-email").AttrOr("value", ""))
			}
			if c.field != "country" && d.Find("#sign-form-country option[selected]").AttrOr("value", "") != "GB" {
				t.Errorf("country not kept")
			}
			if _, ok := d.Find("#sign-form-public").Attr("checked"); !ok {
				t.Errorf("the public box was unticked on the re-show")
			}
			if got := d.Find("input[name=token]").AttrOr("value", ""); got != token {
				t.Errorf("re-show token %q: want the one sent, %q", got, token)
			}
			if got := d.Find("input[name=homepage]").AttrOr("value", "x"); got != "" {
				t.Errorf("honeypot value shown: %q", got)
			}
		})
	}
	if c := e.count(t, "riverside", "every-field"); c.Signatures != 0 {
		t.Errorf("store count after refused forms: got %d, want 0", c.Signatures)
	}
	// A correct form then signs.
	v := e.formValues(t, page, "sign-form")
	v.Set("postcode", "AB1 2CD")
	v.Set("country", "gb")
	e.clock.add(5 * time.Second)
	wantStatus(t, e.post(t, page+"/sign", v, nil), 303)
}

func TestSignHoneypot(t *testing.T) {
	e := newSignEnv(t, openSQLite(t), nil)
	v := e.formValues(t, libraryPage, "petition-form")
	v.Set("homepage", "https://spam.example")
	e.clock.add(5 * time.Second)
	res := e.post(t, libraryPage+"/sign", v, nil)
	wantStatus(t, res, 303)
	wantThanks(t, res, libraryPage+"/thanks?outcome=signed")
	if c := e.count(t, "riverside", "save-the-library"); c.Signatures != 0 {
		t.Errorf("honeypot signature stored: count %d", c.Signatures)
	}
}

func TestSignTokens(t *testing.T) {
	// Each case is its own client: the tokens issued for two re-shows in
	// the same second are the same token, which signs once per client.
	e := newSignEnv(t, openSQLite(t), func(c *Config) {
		// httptest's requests come from 192.0.2.1: the trusted proxy here.
		c.ClientIPHeader = "X-Real-IP"
		c.TrustedProxies = []netip.Prefix{netip.MustParsePrefix("192.0.2.0/24")}
	})
	client := func(i int) http.Header { return http.Header{"X-Real-IP": {"198.51.100." + itoa(i+1)}} }
	good := e.formValues(t, libraryPage, "petition-form")
	other := formtoken.New([]byte("another installation's key"))
	cases := []struct {
		name    string
		token   string
		wait    time.Duration
		heading string
	}{
		{"missing", "", 5 * time.Second, "expired"},
		{"forged", strings.Repeat("A", formtoken.Len), 5 * time.Second, "expired"},
		{"other key", other.Issue("riverside/save-the-library", e.clock.now()), 5 * time.Second, "expired"},
		{"other campaign", e.s.tokens.Issue("riverside/open-letter", e.clock.now()), 5 * time.Second, "expired"},
		{"too fresh", good.Get("token"), time.Second, "quicker"},
		{"too old", good.Get("token"), 25 * time.Hour, "long time ago"},
	}
	start := e.clock.now()
	for i, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e.clock.mu.Lock()
			e.clock.t = start.Add(c.wait)
			e.clock.mu.Unlock()
			v := url.Values{}
			for k, vs := range good {
				v[k] = vs
			}
			v.Set("email", "t"+string(rune('a'+i))+"@example.org")
			v.Set("token", c.token)
			res := e.post(t, libraryPage+"/sign", v, client(i))
			wantStatus(t, res, 422)
			d := doc(t, res)
			if h := d.Find("h1").Text(); !strings.Contains(h, "Please press Sign again") || !strings.Contains(h, c.heading) {
				t.Errorf("heading %q: want 'Please press Sign again' and %q", h, c.heading)
			}
			if got := d.Find("#petition-form-name").AttrOr("value", ""); got != "Ada Lovelace" {
				t.Errorf("name not kept: %q", got)
			}
			// The re-show's token is issued now, never back-dated (that
			// would hand any script a token it could post at once): at
			// once it is still too fresh, and the form comes back with the
			// same token; three seconds later it signs.
			v.Set("token", d.Find("input[name=token]").AttrOr("value", ""))
			res = e.post(t, libraryPage+"/sign", v, client(i))
			wantStatus(t, res, 422)
			again := doc(t, res).Find("input[name=token]").AttrOr("value", "")
			if c.name != "too fresh" && again != v.Get("token") {
				t.Errorf("second re-show: token %q, want the first re-show's %q kept", again, v.Get("token"))
			}
			v.Set("token", again)
			e.clock.add(formtoken.MinAge)
			res = e.post(t, libraryPage+"/sign", v, client(i))
			wantStatus(t, res, 303)
		})
	}
	// Exactly 3 s is old enough.
	e.clock.mu.Lock()
	e.clock.t = start.Add(formtoken.MinAge)
	e.clock.mu.Unlock()
	v := url.Values{}
	for k, vs := range good {
		v[k] = vs
	}
	v.Set("email", "three.seconds@example.org")
	wantStatus(t, e.post(t, libraryPage+"/sign", v, client(len(cases))), 303)
}

// TestSignTokenOnce: a token signs once per client. Reused for another
// address (one token signed seven before this change) it is refused with
// the form shown again and a new token, not back-dated; another client
// that loaded the page in the same second (the page's token is the same
// for everyone within a second) signs with it.
func TestSignTokenOnce(t *testing.T) {
	e := newSignEnv(t, openSQLite(t), func(c *Config) {
		// httptest's requests come from 192.0.2.1: the trusted proxy here.
		c.ClientIPHeader = "X-Real-IP"
		c.TrustedProxies = []netip.Prefix{netip.MustParsePrefix("192.0.2.0/24")}
	})
	good := e.formValues(t, libraryPage, "petition-form")
	e.clock.add(5 * time.Second)
	from := func(ip string) http.Header { return http.Header{"X-Real-IP": {ip}} }
	v := url.Values{}
	for k, vs := range good {
		v[k] = vs
	}
	v.Set("email", "first@example.org")
	wantThanks(t, e.post(t, libraryPage+"/sign", v, from("198.51.100.1")), libraryPage+"/thanks?outcome=signed")
	for i := range 6 {
		v.Set("email", "reuse"+itoa(i)+"@example.org")
		res := e.post(t, libraryPage+"/sign", v, from("198.51.100.1"))
		wantStatus(t, res, 422)
		d := doc(t, res)
		if h := d.Find("h1").Text(); !strings.Contains(h, "already been sent") {
			t.Errorf("reused token: heading %q, want it to say the form was already sent", h)
		}
		tok := d.Find("input[name=token]").AttrOr("value", "")
		if _, issued := e.s.tokens.Check("riverside/save-the-library", tok, e.clock.now()); tok == good.Get("token") || !issued.Equal(e.clock.now().Truncate(time.Second)) {
			t.Errorf("reused token: re-show token issued %v, want a new one issued now (%v)", issued, e.clock.now())
		}
	}
	if c := e.count(t, "riverside", "save-the-library"); c.Signatures != 1 {
		t.Errorf("one token, seven addresses: %d stored, want 1", c.Signatures)
	}
	// The same token from another client: a person who opened the page in
	// the same second.
	v.Set("email", "neighbour@example.org")
	wantStatus(t, e.post(t, libraryPage+"/sign", v, from("198.51.100.2")), 303)
	// A repeat uses the token up as a first signature does (no difference
	// may show), and a signature the store failed to record does not.
	v.Set("email", "first@example.org")
	v.Set("token", e.agedToken(t, libraryPage))
	wantStatus(t, e.post(t, libraryPage+"/sign", v, from("198.51.100.3")), 303)
	v.Set("email", "after-repeat@example.org")
	wantStatus(t, e.post(t, libraryPage+"/sign", v, from("198.51.100.3")), 422)
}

// TestSignAgainKeepsIssueTime: the form shown again for a field problem
// carries the token sent, with its original issue time (never a back-dated
// new one), so the corrected form can be sent at once.
func TestSignAgainKeepsIssueTime(t *testing.T) {
	e := newSignEnv(t, openSQLite(t), nil)
	v := e.formValues(t, libraryPage, "petition-form")
	_, issued := e.s.tokens.Check("riverside/save-the-library", v.Get("token"), e.clock.now().Add(formtoken.MinAge))
	e.clock.add(5 * time.Second)
	v.Set("email", "not an address")
	res := e.post(t, libraryPage+"/sign", v, nil)
	wantStatus(t, res, 422)
	tok := doc(t, res).Find("input[name=token]").AttrOr("value", "")
	if _, got := e.s.tokens.Check("riverside/save-the-library", tok, e.clock.now()); !got.Equal(issued) || issued.IsZero() {
		t.Errorf("re-show token issued %v, want the original's %v", got, issued)
	}
	// Corrected and sent in the same second: signed.
	v.Set("token", tok)
	v.Set("email", "ada@example.org")
	wantStatus(t, e.post(t, libraryPage+"/sign", v, nil), 303)
}

func TestSignRefusals(t *testing.T) {
	e := newSignEnv(t, openSQLite(t), nil)
	good := e.formValues(t, libraryPage, "petition-form")
	e.clock.add(5 * time.Second)
	clone := func() url.Values {
		v := url.Values{}
		for k, vs := range good {
			v[k] = slicesCloneStrings(vs)
		}
		return v
	}

	// Cross-origin: a browser says so in Sec-Fetch-Site, or in Origin.
	res := e.post(t, libraryPage+"/sign", clone(), http.Header{"Sec-Fetch-Site": {"cross-site"}})
	wantStatus(t, res, 403)
	if b := body(t, res); !strings.Contains(b, "another site") {
		t.Errorf("403 page lacks a plain message")
	}
	res = e.post(t, libraryPage+"/sign", clone(), http.Header{"Sec-Fetch-Site": nil, "Origin": {"https://evil.example"}})
	wantStatus(t, res, 403)

	// Wrong method.
	res = get(t, e.s, "GET", libraryPage+"/sign", nil)
	wantStatus(t, res, 405)
	wantHeader(t, res, "Allow", "POST")
	wantStatus(t, e.post(t, libraryPage+"/thanks", clone(), nil), 405)

	// Too large.
	v := clone()
	v.Set("comment", strings.Repeat("x", 40<<10))
	res = e.post(t, libraryPage+"/sign", v, nil)
	wantStatus(t, res, 413)

	// Invalid UTF-8.
	req := httptest.NewRequest("POST", libraryPage+"/sign", strings.NewReader(clone().Encode()+"&name=%ff%fe"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	rec := httptest.NewRecorder()
	e.s.ServeHTTP(rec, req)
	if rec.Code != 400 {
		t.Errorf("bad UTF-8: got %d, want 400", rec.Code)
	}
	// A malformed body.
	req = httptest.NewRequest("POST", libraryPage+"/sign", strings.NewReader("name=%zz"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	rec = httptest.NewRecorder()
	e.s.ServeHTTP(rec, req)
	if rec.Code != 400 {
		t.Errorf("malformed form: got %d, want 400", rec.Code)
	}
	// Not a form at all.
	req = httptest.NewRequest("POST", libraryPage+"/sign", strings.NewReader(`{"name":"x"}`))
	req.Header.Set("Content-Type", "application/json")
	rec = httptest.NewRecorder()
	e.s.ServeHTTP(rec, req)
	if rec.Code != 415 {
		t.Errorf("JSON body: got %d, want 415", rec.Code)
	}

	// An action that takes no signatures (an unknown one: renamedaction_test.go).
	v = clone()
	v.Set("action", "donate")
	wantStatus(t, e.post(t, libraryPage+"/sign", v, nil), 400)
	// Unknown campaign, draft, a campaign without a petition.
	wantStatus(t, e.post(t, "/riverside/nothing/sign", clone(), nil), 404)
	wantStatus(t, e.post(t, "/riverside/secret-plan/sign", clone(), nil), 404)
	wantStatus(t, e.post(t, "/plain/a-note/sign", clone(), nil), 404)

	// Closed campaign: 410 with a clear page, and no form on its page.
	res = e.post(t, "/riverside/old-petition/sign", clone(), nil)
	wantStatus(t, res, 410)
	d := doc(t, res)
	if h := d.Find("h1").Text(); h != "Signing has ended" {
		t.Errorf("410 heading: got %q", h)
	}
	if d.Find("form.sign-form").Length() != 0 {
		t.Errorf("the 410 page shows a form")
	}
	if doc(t, get(t, e.s, "GET", "/riverside/old-petition", nil)).Find("form.sign-form").Length() != 0 {
		t.Errorf("a closed campaign's page shows a signing form")
	}

	if c := e.count(t, "riverside", "save-the-library"); c.Signatures != 0 {
		t.Errorf("refused requests stored %d signatures", c.Signatures)
	}
}

func slicesCloneStrings(s []string) []string { return append([]string(nil), s...) }

func TestSignCloseAt(t *testing.T) {
	e := newSignEnv(t, openSQLite(t), nil)
	v := e.formValues(t, libraryPage, "petition-form")
	f := signFiles(t)
	f["riverside/save-the-library.yaml"] += "close_at: " + e.clock.now().Add(time.Second).Format(time.RFC3339) + "\n"
	if err := e.s.SetSite(campaigntest.Site(t, f)); err != nil {
		t.Fatal(err)
	}
	e.clock.add(5 * time.Second)
	wantStatus(t, e.post(t, libraryPage+"/sign", v, nil), 410)
}

func TestSignOrganisationModeration(t *testing.T) {
	forEachEngine(t, func(t *testing.T, st store.Store) {
		e := newSignEnv(t, st, nil)
		const page = "/riverside/open-letter"
		v := e.formValues(t, page, "letter-form")
		if v.Get("action") != "letter" {
			t.Fatalf("hidden action = %q, want letter", v.Get("action"))
		}
		v.Set("organisation", "South <b>Group</b>")
		v.Set("role", "Chair")
		e.clock.add(5 * time.Second)
		res := e.post(t, page+"/sign", v, nil)
		wantStatus(t, res, 303)
		wantThanks(t, res, page+"/thanks?outcome=pending")
		if h := doc(t, get(t, e.s, "GET", page+"/thanks?outcome=pending", nil)).Find("h1").Text(); !strings.Contains(h, "waiting for approval") {
			t.Errorf("pending heading: got %q", h)
		}
		e.poll(t)
		if strings.Contains(body(t, get(t, e.s, "GET", page, nil)), "South") {
			t.Fatalf("a pending organisation is listed")
		}
		var id int64
		err := st.Signatures(context.Background(), "riverside", "open-letter", signing.StatusPending, func(s *signing.Signature) error {
			id = s.ID
			return nil
		})
		if err != nil || id == 0 {
			t.Fatalf("pending signature: id %d, err %v", id, err)
		}
		if err := st.SetStatus(context.Background(), id, signing.StatusApproved); err != nil {
			t.Fatal(err)
		}
		e.poll(t)
		raw := body(t, get(t, e.s, "GET", page, nil))
		if !strings.Contains(raw, "South &lt;b&gt;Group&lt;/b&gt;") || strings.Contains(raw, "<b>Group</b>") {
			t.Errorf("the approved organisation is not listed, or its markup is not escaped")
		}
		d, _ := goquery.NewDocumentFromReader(strings.NewReader(raw))
		// North Group (in the file) and South Group (approved): the
		// approved sign-on is an organisation, not a person.
		if got := d.Find("#letter-count").Text(); got != "Signed by 2 organisations" {
			t.Errorf("letter count: got %q, want Signed by 2 organisations", got)
		}
	})
}

func TestSignMarkupEscaped(t *testing.T) {
	e := newSignEnv(t, openSQLite(t), nil)
	v := e.formValues(t, libraryPage, "petition-form")
	v.Set("name", `<script>alert("x")</script><img src=x onerror=alert(1)>`)
	v.Set("public", "yes")
	e.clock.add(5 * time.Second)
	wantStatus(t, e.post(t, libraryPage+"/sign", v, nil), 303)
	e.poll(t)
	raw := body(t, get(t, e.s, "GET", libraryPage, nil))
	if strings.Contains(raw, `<script>alert`) || strings.Contains(raw, "<img src=x") {
		t.Fatalf("markup from a signer's name reached the page unescaped")
	}
	if !strings.Contains(raw, "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;") {
		t.Errorf("the escaped name is not on the page")
	}
	// And on a re-show.
	v = e.formValues(t, libraryPage, "petition-form")
	v.Set("name", `"><script>alert(2)</script>`)
	v.Set("email", "")
	e.clock.add(5 * time.Second)
	res := e.post(t, libraryPage+"/sign", v, nil)
	wantStatus(t, res, 422)
	if strings.Contains(body(t, res), "<script>alert(2)") {
		t.Errorf("markup reached the re-shown form unescaped")
	}
}

func TestSignRateLimit(t *testing.T) {
	// httptest's requests come from 192.0.2.1: the trusted proxy here.
	e := newSignEnv(t, openSQLite(t), func(c *Config) {
		c.RateLimit = 2
		c.ClientIPHeader = "X-Real-IP"
		c.TrustedProxies = []netip.Prefix{netip.MustParsePrefix("192.0.2.0/24")}
	})
	v := e.formValues(t, libraryPage, "petition-form")
	e.clock.add(5 * time.Second)
	from := func(ip string) http.Header { return http.Header{"X-Real-IP": {ip}} }
	for i := range 2 {
		v.Set("email", "r"+string(rune('a'+i))+"@example.org")
		v.Set("token", e.agedToken(t, libraryPage))
		res := e.post(t, libraryPage+"/sign", v, from("198.51.100.1"))
		wantStatus(t, res, 303)
		// The limit and what is left of it are not advertised.
		for k := range res.Header {
			if strings.HasPrefix(k, "X-Ratelimit") {
				t.Errorf("a signature's answer has %s: %q", k, res.Header.Get(k))
			}
		}
	}
	v.Set("email", "rc@example.org")
	res := e.post(t, libraryPage+"/sign", v, from("198.51.100.1"))
	wantStatus(t, res, 429)
	if ra := res.Header.Get("Retry-After"); ra != "60" {
		t.Errorf("429 with Retry-After %q, want 60 (the window)", ra)
	}
	for k := range res.Header {
		if strings.HasPrefix(k, "X-Ratelimit") {
			t.Errorf("the refusal has %s: %q", k, res.Header.Get(k))
		}
	}
	if b := body(t, res); !strings.Contains(b, "wait a minute") {
		t.Errorf("429 page lacks a plain message")
	}
	// Another client (by the trusted header) is not affected, and reading
	// pages is never limited.
	wantStatus(t, e.post(t, libraryPage+"/sign", v, from("198.51.100.2")), 303)
	for range 5 {
		wantStatus(t, get(t, e.s, "GET", libraryPage, from("198.51.100.1")), 200)
	}
	if c := e.count(t, "riverside", "save-the-library"); c.Signatures != 3 {
		t.Errorf("count: got %d, want 3", c.Signatures)
	}
}

// failingSigner records nothing and fails, like a store that is down.
type failingSigner struct{}

func (failingSigner) Sign(context.Context, *signing.Signature) error {
	return errors.New("disk on fire")
}

func TestSignStoreFailure(t *testing.T) {
	var logs bytes.Buffer
	e := newSignEnv(t, openSQLite(t), func(c *Config) {
		c.Recorder = failingSigner{}
		c.Logger = newTestLogger(&logs)
	})
	v := e.formValues(t, libraryPage, "petition-form")
	e.clock.add(5 * time.Second)
	res := e.post(t, libraryPage+"/sign", v, nil)
	wantStatus(t, res, 503)
	if b := body(t, res); !strings.Contains(b, "NOT recorded") {
		t.Errorf("503 page does not say the signature was not recorded")
	}
	if !strings.Contains(logs.String(), "disk on fire") {
		t.Errorf("the failure was not logged: %q", logs.String())
	}
	if strings.Contains(logs.String(), "ada@example.org") || strings.Contains(logs.String(), "Lovelace") {
		t.Errorf("the log holds the signer's details: %q", logs.String())
	}
}

func TestSigningOff(t *testing.T) {
	s := newTestServer(t)
	d := doc(t, get(t, s, "GET", libraryPage, nil))
	if d.Find("form.sign-form").Length() != 0 || d.Find(".tally").Length() != 0 {
		t.Errorf("without a store the page shows a signing form or tally")
	}
	req := httptest.NewRequest("POST", libraryPage+"/sign", strings.NewReader("name=x"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	rec := httptest.NewRecorder()
	s.ServeHTTP(rec, req)
	if rec.Code != 503 || !strings.Contains(rec.Body.String(), "not taking signatures") {
		t.Errorf("POST with signing off: got %d, want 503 with a plain page", rec.Code)
	}
	wantStatus(t, get(t, s, "GET", libraryPage+"/thanks?outcome=signed", nil), 404)
}

func TestNoCookiesAnywhere(t *testing.T) {
	e := newSignEnv(t, openSQLite(t), nil)
	for _, p := range []string{"/", "/riverside", libraryPage, libraryPage + "?region=North+Ward", libraryPage + "/thanks?outcome=signed", libraryPage + "/sign", "/nothing"} {
		res := get(t, e.s, "GET", p, http.Header{"Accept-Encoding": {"gzip"}})
		if sc := res.Header.Values("Set-Cookie"); len(sc) > 0 {
			t.Errorf("GET %s set a cookie: %q", p, sc)
		}
	}
}

// TestSplicedGzip checks that the gzip body built from precompressed pieces
// and a stored block for the token decompresses to exactly the plain body
// served in the same second, on every live page and region variant.
func TestSplicedGzip(t *testing.T) {
	e := newSignEnv(t, openSQLite(t), nil)
	for _, p := range []string{libraryPage, libraryPage + "?region=North+Ward", "/riverside/open-letter", "/riverside/old-petition", "/riverside/every-field"} {
		plainRes := get(t, e.s, "GET", p, nil)
		plain := body(t, plainRes)
		gzRes := get(t, e.s, "GET", p, http.Header{"Accept-Encoding": {"gzip"}})
		wantHeader(t, gzRes, "Content-Encoding", "gzip")
		raw := body(t, gzRes)
		if gzRes.Header.Get("Content-Length") != itoa(len(raw)) {
			t.Errorf("%s: Content-Length %s, body %d bytes", p, gzRes.Header.Get("Content-Length"), len(raw))
		}
		zr, err := gzip.NewReader(strings.NewReader(raw))
		if err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		got, err := io.ReadAll(zr)
		if err != nil {
			t.Fatalf("%s: decompressing the spliced body: %v", p, err)
		}
		if string(got) != plain {
			t.Errorf("%s: the spliced gzip body differs from the plain body", p)
		}
		if strings.Contains(plain, formtoken.Placeholder) {
			t.Errorf("%s: the placeholder reached the page", p)
		}
		if len(raw) >= len(plain) {
			t.Errorf("%s: gzip %d bytes, plain %d: no smaller", p, len(raw), len(plain))
		}
	}
}

// TestLiveETag: the ETag is weak, stays the same while only the token
// changes, and changes when the page's content (the tally) does.
func TestLiveETag(t *testing.T) {
	e := newSignEnv(t, openSQLite(t), nil)
	first := get(t, e.s, "GET", libraryPage, nil)
	tag := first.Header.Get("ETag")
	if !strings.HasPrefix(tag, `W/"`) {
		t.Fatalf("ETag %q: want a weak validator", tag)
	}
	tok1 := doc(t, first).Find("input[name=token]").AttrOr("value", "")
	e.clock.add(2 * time.Second)
	second := get(t, e.s, "GET", libraryPage, nil)
	if second.Header.Get("ETag") != tag {
		t.Errorf("ETag changed with only the token: %q → %q", tag, second.Header.Get("ETag"))
	}
	if tok2 := doc(t, second).Find("input[name=token]").AttrOr("value", ""); tok2 == tok1 {
		t.Errorf("the token did not change between seconds")
	}
	res := get(t, e.s, "GET", libraryPage, http.Header{"If-None-Match": {tag}})
	wantStatus(t, res, 304)

	v := e.formValues(t, libraryPage, "petition-form")
	e.clock.add(5 * time.Second)
	wantStatus(t, e.post(t, libraryPage+"/sign", v, nil), 303)
	e.poll(t)
	res = get(t, e.s, "GET", libraryPage, http.Header{"If-None-Match": {tag}})
	wantStatus(t, res, 200)
	if res.Header.Get("ETag") == tag {
		t.Errorf("ETag did not change with the count")
	}
	// A poll with nothing new re-renders nothing.
	lp := e.s.snap.Load().Signing[libraryPage].Pages.Load()
	e.poll(t)
	if e.s.snap.Load().Signing[libraryPage].Pages.Load() != lp {
		t.Errorf("a poll without changes re-rendered the page")
	}
}

// TestGoalLadder: once the goal is passed, the page shows the next step.
func TestGoalLadder(t *testing.T) {
	e := newSignEnv(t, openSQLite(t), nil)
	const page = "/riverside/every-field"
	var sigs []*signing.Signature
	for i := range 11 {
		sigs = append(sigs, &signing.Signature{Org: "riverside", Campaign: "every-field", Action: "sign",
			Kind: signing.KindIndividual, Status: signing.StatusApproved, Name: "N", Email: "n" + itoa(i) + "@example.org",
			ConsentText: "ok", ConsentAt: e.clock.now(), CreatedAt: e.clock.now()})
	}
	if _, err := e.st.AddSignatures(context.Background(), sigs); err != nil {
		t.Fatal(err)
	}
	e.poll(t)
	d := doc(t, get(t, e.s, "GET", page, nil))
	if got := d.Find("#sign-goal").Text(); got != "Help us reach 100 signatures" {
		t.Errorf("goal after passing 10: got %q, want the next step, 100", got)
	}
	if got := d.Find("#sign-count").Text(); got != "11 people have signed" {
		t.Errorf("count: got %q", got)
	}
}

func itoa(n int) string { return strconv.Itoa(n) }

func newTestLogger(w io.Writer) *slog.Logger { return slog.New(slog.NewTextHandler(w, nil)) }

// BenchmarkLivePage serves a campaign page with a signing form: a fresh
// token spliced into the cached, precompressed page. Compare with
// BenchmarkCampaignPage (the same page without a form).
func BenchmarkLivePage(b *testing.B) {
	for _, enc := range []string{"gzip", "identity"} {
		b.Run(enc, func(b *testing.B) {
			db, err := sqlite.Open(context.Background(), filepath.Join(b.TempDir(), "placard.db"))
			if err != nil {
				b.Fatal(err)
			}
			defer db.Close()
			s, err := New(Config{BaseURL: "https://act.example.org", Store: db, RateLimit: -1}, signSite(b))
			if err != nil {
				b.Fatal(err)
			}
			req := httptest.NewRequest("GET", libraryPage, nil)
			req.Header.Set("Accept-Encoding", enc)
			h := benchServe(b, s, req)
			n, _ := strconv.Atoi(h.Get("Content-Length"))
			b.ReportMetric(float64(n), "body-bytes")
		})
	}
}

// BenchmarkPlainPage is BenchmarkCampaignPage's page for both encodings,
// beside BenchmarkLivePage.
func BenchmarkPlainPage(b *testing.B) {
	for _, enc := range []string{"gzip", "identity"} {
		b.Run(enc, func(b *testing.B) {
			s := newTestServer(b)
			req := httptest.NewRequest("GET", libraryPage, nil)
			req.Header.Set("Accept-Encoding", enc)
			h := benchServe(b, s, req)
			n, _ := strconv.Atoi(h.Get("Content-Length"))
			b.ReportMetric(float64(n), "body-bytes")
		})
	}
}

// TestPollWhileServing re-renders live pages while they are being served
// and signed (run with -race).
func TestPollWhileServing(t *testing.T) {
	e := newSignEnv(t, openSQLite(t), nil)
	v := e.formValues(t, libraryPage, "petition-form")
	e.clock.add(5 * time.Second)
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Go(func() {
			for i := range 20 {
				res := get(t, e.s, "GET", libraryPage, http.Header{"Accept-Encoding": {"gzip"}})
				if res.StatusCode != 200 {
					t.Errorf("GET: got %d", res.StatusCode)
				}
				w := url.Values{}
				for k, vs := range v {
					w[k] = vs
				}
				w.Set("email", "p"+itoa(g)+"-"+itoa(i)+"@example.org")
				w.Set("token", e.agedToken(t, libraryPage))
				if res := e.post(t, libraryPage+"/sign", w, nil); res.StatusCode != 303 {
					t.Errorf("POST: got %d", res.StatusCode)
				}
			}
		})
	}
	wg.Go(func() {
		for range 20 {
			if err := e.s.Poll(context.Background()); err != nil {
				t.Errorf("Poll: %v", err)
			}
			if err := e.s.SetSite(signSite(t)); err != nil {
				t.Errorf("SetSite: %v", err)
			}
		}
	})
	wg.Wait()
	e.poll(t)
	if got := doc(t, get(t, e.s, "GET", libraryPage, nil)).Find("#petition-count").Text(); got != "80 people have signed" {
		t.Errorf("count after 80 signatures: got %q", got)
	}
}

// BenchmarkSign is the whole signing path through the router: form POST,
// checks, token (and its once-per-client mark), group commit into SQLite
// (synchronous=FULL), 303. Run in
// parallel, the Committer batches concurrent signatures into one commit.
func BenchmarkSign(b *testing.B) {
	db, err := sqlite.Open(context.Background(), filepath.Join(b.TempDir(), "placard.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	committer := store.NewCommitter(db, store.CommitterOptions{})
	defer committer.Close()
	s, err := New(Config{BaseURL: "https://act.example.org", Store: db, Recorder: committer, RateLimit: -1}, signSite(b))
	if err != nil {
		b.Fatal(err)
	}
	tok := s.tokens.Issue("riverside/save-the-library", time.Now().Add(-time.Minute))
	var n atomic.Int64
	b.ReportAllocs()
	b.SetParallelism(32) // 64 signers on 2 cores
	before := readProcStat()
	b.RunParallel(func(pb *testing.PB) {
		w := &discardWriter{h: http.Header{}}
		for pb.Next() {
			i := n.Add(1)
			form := "action=petition&consent=yes&name=Bench+Signer&token=" + tok + "&email=b" + strconv.FormatInt(i, 10) + "%40example.org"
			req := httptest.NewRequest("POST", libraryPage+"/sign", strings.NewReader(form))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			req.Header.Set("Sec-Fetch-Site", "same-origin")
			// Many signers who opened the page in the same second: one
			// token, each client signing with it once.
			req.RemoteAddr = "10." + strconv.FormatInt(i>>16&255, 10) + "." + strconv.FormatInt(i>>8&255, 10) + "." + strconv.FormatInt(i&255, 10) + ":1234"
			clear(w.h)
			s.ServeHTTP(w, req)
			if w.code != 303 {
				b.Errorf("got %d", w.code)
				return
			}
		}
	})
	st := committer.Stats()
	if st.Batches > 0 {
		b.ReportMetric(float64(st.Signatures)/float64(st.Batches), "sigs/commit")
	}
	// CPU time and system calls per signature: the writes are the WAL's
	// page frames (two calls each) and the responses' none (the writer
	// is in memory), the reads mostly pages the writer's cache lacks.
	before.report(b, n.Load(), "sig")
}
