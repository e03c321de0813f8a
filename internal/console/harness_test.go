package console

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"github.com/placard/placard/internal/accounts"
	"github.com/placard/placard/internal/campaign"
	"github.com/placard/placard/internal/campaign/campaigntest"
	"github.com/placard/placard/internal/store"
	"github.com/placard/placard/internal/store/sqlite"
	"github.com/placard/placard/internal/web"
)

// testBase is the public address the test servers answer as.
const testBase = "https://act.example.org"

// clock is a settable time for Config.Now.
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

// testFiles: two organisations. riverside has an open letter taking
// organisations (pending until approved), a draft, a scheduled and a
// closed petition, and a contact action (calls and emails through the
// organisation); harbour has one petition.
func testFiles() campaigntest.Files {
	return campaigntest.Files{
		"riverside/org.yaml": "name: Riverside Coalition\nconsent: Riverside may email me about this campaign.\nprivacy_policy: https://riverside.example/privacy\n",
		"riverside/open-letter.yaml": `title: An open letter to the council
summary: Add your name.
date: 2026-02-01
actions:
  - kind: letter
    id: letter
    to: The council
    salutation: Dear councillors,
    body: Keep the library open.
    closing: Yours,
    signing: true
    fields:
      organisation: optional
      role: optional
`,
		"riverside/draft-petition.yaml": "title: A draft\nsummary: Not yet.\nstatus: draft\ndate: 2026-02-01\nactions:\n  - kind: petition\n    target: Council\n    text: Later.\n",
		"riverside/later.yaml":          "title: Later petition\nsummary: Soon.\ndate: 2026-02-01\npublish_at: 2030-01-01\nactions:\n  - kind: petition\n    target: Council\n    text: Soon.\n",
		"riverside/won.yaml":            "title: We won\nsummary: Thanks.\nstatus: victory\ndate: 2025-02-01\nactions:\n  - kind: petition\n    target: Council\n    text: Done.\n",
		"riverside/call.yaml":           "title: Call the council\nsummary: Call.\ndate: 2026-02-01\nactions:\n  - kind: contact\n    id: call\n    send: server\n    per_hour: 1\n    subject: Keep the library open\n    message: Please keep the library open.\n    targets:\n      - id: mayor\n        name: Mayor Ada Lind\n        email: mayor@council.example\n        phone: \"+44 20 7946 0000\"\n      - id: clerk\n        name: Clerk Bo Ng\n        email: clerk@council.example\n",
		"harbour/org.yaml":              "name: Harbour Choir\nconsent: Harbour may email me.\nprivacy_policy: https://harbour.example/privacy\n",
		"harbour/sing.yaml":             "title: Let us sing\nsummary: Sign.\ndate: 2026-02-01\nactions:\n  - kind: petition\n    id: sign\n    target: The port\n    text: Open the hall.\n",
	}
}

// env is a public server with the console mounted at /admin, a real
// SQLite store and a settable clock.
type env struct {
	t     *testing.T
	st    store.Store
	acc   store.Accounts
	c     *Console
	srv   *web.Server
	h     http.Handler
	clock *clock
	site  *campaign.Site
	mail  *mailbox
}

// mailbox keeps the sign-in emails the console sends.
type mailbox struct {
	mu   sync.Mutex
	sent []sentMail
}

type sentMail struct {
	to, subject, body string
	expires           time.Time
}

func (m *mailbox) send(_ context.Context, l Letter) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.sent = append(m.sent, sentMail{l.To, l.Subject, l.Body, l.Expires})
	return nil
}

func (m *mailbox) all() []sentMail {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]sentMail(nil), m.sent...)
}

func openStore(t *testing.T) store.Store {
	t.Helper()
	db, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "placard.db"))
	if err != nil {
		t.Fatalf("opening SQLite: %v", err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func newEnv(t *testing.T, mod func(*Config)) *env {
	t.Helper()
	return newEnvFiles(t, testFiles(), mod)
}

// newEnvFiles is newEnv serving files instead of testFiles().
func newEnvFiles(t *testing.T, files campaigntest.Files, mod func(*Config)) *env {
	t.Helper()
	e := &env{t: t, st: openStore(t), clock: &clock{t: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)}, mail: &mailbox{}}
	e.acc = e.st.(store.Accounts)
	e.site = campaigntest.Site(t, files)
	cfg := Config{
		Store: e.st, BaseURL: testBase, Now: e.clock.now, Mail: e.mail.send,
		Site: func() *campaign.Site { return e.srv.CurrentSite() },
	}
	if mod != nil {
		mod(&cfg)
	}
	c, err := New(cfg)
	if err != nil {
		t.Fatalf("console.New: %v", err)
	}
	e.c = c
	srv, err := web.New(web.Config{BaseURL: testBase, Store: e.st, RateLimit: -1, Now: e.clock.now, Admin: c, TallyInterval: 50 * time.Millisecond}, e.site)
	if err != nil {
		t.Fatalf("web.New: %v", err)
	}
	e.srv, e.h = srv, srv
	return e
}

// browser is one visitor: its cookies, and how it sends requests (as a
// browser would: POSTs say Sec-Fetch-Site same-origin).
type browser struct {
	e       *env
	cookies map[string]string
	lang    string
}

func (e *env) browser() *browser { return &browser{e: e, cookies: map[string]string{}} }

// do sends one request and keeps the cookies it sets.
func (b *browser) do(method, path string, form url.Values, hdr ...string) *http.Response {
	b.e.t.Helper()
	var body *strings.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	} else {
		body = strings.NewReader("")
	}
	r := httptest.NewRequest(method, testBase+path, body)
	if form != nil {
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	if method == http.MethodPost {
		r.Header.Set("Sec-Fetch-Site", "same-origin")
		r.Header.Set("Origin", testBase)
	}
	if b.lang != "" {
		r.Header.Set("Accept-Language", b.lang)
	}
	for k, v := range b.cookies {
		r.AddCookie(&http.Cookie{Name: k, Value: v})
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		if hdr[i+1] == "" {
			r.Header.Del(hdr[i])
		} else {
			r.Header.Set(hdr[i], hdr[i+1])
		}
	}
	w := httptest.NewRecorder()
	b.e.h.ServeHTTP(w, r)
	res := w.Result()
	for _, ck := range res.Cookies() {
		if ck.MaxAge < 0 || ck.Value == "" {
			delete(b.cookies, ck.Name)
		} else {
			b.cookies[ck.Name] = ck.Value
		}
	}
	return res
}

func (b *browser) get(path string) *http.Response { return b.do(http.MethodGet, path, nil) }

func (b *browser) post(path string, form url.Values) *http.Response {
	return b.do(http.MethodPost, path, form)
}

func wantStatus(t *testing.T, res *http.Response, want int) {
	t.Helper()
	if res.StatusCode != want {
		t.Fatalf("%s %s: got status %d, want %d (Location %q)", res.Request.Method, res.Request.URL.Path, res.StatusCode, want, res.Header.Get("Location"))
	}
}

func wantRedirect(t *testing.T, res *http.Response, to string) {
	t.Helper()
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != to {
		t.Fatalf("%s %s: got %d to %q, want 303 to %q", res.Request.Method, res.Request.URL.Path, res.StatusCode, res.Header.Get("Location"), to)
	}
}

func doc(t *testing.T, res *http.Response) *goquery.Document {
	t.Helper()
	d, err := goquery.NewDocumentFromReader(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// invite makes an organiser and returns the invitation's token.
func (e *env) invite(org, email string, role accounts.Role) string {
	e.t.Helper()
	link, _, err := Invitation(context.Background(), e.st, testBase, org, email, role, e.clock.now())
	if err != nil {
		e.t.Fatalf("Invitation: %v", err)
	}
	u, err := url.Parse(link)
	if err != nil || u.Path != Prefix+"/invite" || !strings.HasPrefix(link, testBase) {
		e.t.Fatalf("invitation link %q: want %s%s/invite?t=…", link, testBase, Prefix)
	}
	return u.Query().Get("t")
}

// signIn accepts an invitation for org/email in a new browser.
func (e *env) signIn(org, email string, role accounts.Role) *browser {
	e.t.Helper()
	b := e.browser()
	tok := e.invite(org, email, role)
	wantRedirect(e.t, b.post(Prefix+"/invite", url.Values{"token": {tok}}), Prefix+"/passkey")
	return b
}
