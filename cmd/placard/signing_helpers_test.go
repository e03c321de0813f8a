package main

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"github.com/placard/placard/internal/formtoken"
	"io"
	"net/http"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"github.com/placard/placard/internal/campaign"
	"github.com/placard/placard/internal/store/postgres/migratedtest"
)

// Helpers shared by the signing tests: a server started through run with a
// real database, a plain HTTP client that does not follow redirects (a
// browser with JavaScript off, seen one response at a time), form parsing,
// and the signatures subcommands run in-process.

// signingCampaigns is the test site: a petition, a letter open to
// organisations, a closed petition and one past its closing date.
var signingCampaigns = filepath.Join("testdata", "signing")

// The campaigns of testdata/signing, as org/slug.
const (
	petitionRef = "bay-runners/light-the-path"
	letterRef   = "bay-runners/letter-to-the-mayor"
	closedRef   = "bay-runners/last-winter"
	pastDateRef = "bay-runners/winter-hours"
	// orgConsent is bay-runners' consent sentence, stored with each signature.
	orgConsent = "Bay Runners may email me about this campaign. I can unsubscribe at any time."
)

// engine is a signature database the tests run against.
type engine struct {
	name string
	// db returns a fresh --db value: a SQLite file path or a postgres:// URL.
	db func(t *testing.T) string
}

// sqliteDB is a new SQLite file in a temporary folder.
func sqliteDB(t *testing.T) string {
	t.Helper()
	return filepath.Join(t.TempDir(), "placard.db")
}

// postgresDB is a new database on a throwaway PostgreSQL cluster (or
// PLACARD_TEST_POSTGRES), already migrated and otherwise empty
// (migratedtest: copied from a template instead of migrated again by each
// test's command); pgtest skips, or fails under CI=true, without one. The
// engine's own tests migrate empty databases.
func postgresDB(t *testing.T) string {
	t.Helper()
	return migratedtest.DSN(t)
}

// engines lists SQLite and PostgreSQL. PostgreSQL's db func skips (or fails
// under CI=true) when no server is available; see postgresDB.
func engines() []engine {
	return []engine{{"sqlite", sqliteDB}, {"postgres", postgresDB}}
}

// startSigningServe runs `placard serve` through run on 127.0.0.1:0 with
// campaigns from dir and the database db, and returns the base URL and the
// server's logs. The rate limit is raised far above what the tests send,
// which all come from 127.0.0.1. Cleanup shuts the server down and checks it
// stopped cleanly.
func startSigningServe(t *testing.T, dir, db string, extra ...string) (string, *lockedBuffer) {
	t.Helper()
	return startSigningServeEnv(t, nil, dir, db, extra...)
}

// startSigningServeEnv is startSigningServe with environment variables.
//
// PLACARD_SECRET is abuseSecret unless vars name another, so that with()
// can mint a token for every signature (a token signs once per client, and
// every test signs from 127.0.0.1).
func startSigningServeEnv(t *testing.T, vars map[string]string, dir, db string, extra ...string) (string, *lockedBuffer) {
	t.Helper()
	if _, ok := vars["PLACARD_SECRET"]; !ok {
		v := map[string]string{"PLACARD_SECRET": abuseSecret}
		for k, x := range vars {
			v[k] = x
		}
		vars = v
	}
	return runServe(t, vars, append([]string{"--campaigns", dir, "--db", db, "--rate-limit", "1000000"}, extra...)...)
}

// noRedirects is a plain client: no cookies, no JavaScript, and redirects
// returned to the test rather than followed, so each status is checked.
var noRedirects = &http.Client{
	Timeout: 30 * time.Second,
	CheckRedirect: func(*http.Request, []*http.Request) error {
		return http.ErrUseLastResponse
	},
}

// signForm is a signing form as read from a page: where it posts, and the
// values a browser would send for its hidden and untouched inputs.
type signForm struct {
	action string
	values url.Values
}

// getPage fetches url and parses it; it fails unless the status is 200.
func getPage(t *testing.T, u string) (*goquery.Document, string) {
	t.Helper()
	res, err := noRedirects.Get(u)
	if err != nil {
		t.Fatalf("GET %s: %v", u, err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatalf("GET %s: reading body: %v", u, err)
	}
	if res.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: got status %d, want 200\n%s", u, res.StatusCode, b)
	}
	doc, err := goquery.NewDocumentFromReader(strings.NewReader(string(b)))
	if err != nil {
		t.Fatalf("GET %s: parsing HTML: %v", u, err)
	}
	return doc, string(b)
}

// findSignForm returns the form on doc that posts to a /sign address, with
// the values of its hidden and text inputs as served (the token, the action,
// an empty honeypot). Checkboxes are left out: unticked, as served.
func findSignForm(t *testing.T, base, page string, doc *goquery.Document) signForm {
	t.Helper()
	form := doc.Find("form").FilterFunction(func(_ int, s *goquery.Selection) bool {
		a, _ := s.Attr("action")
		m, _ := s.Attr("method")
		path, _, _ := strings.Cut(a, "?") // …/sign?lang=ar on a page in another language
		return strings.HasSuffix(path, "/sign") && strings.EqualFold(m, "post")
	}).First()
	if form.Length() == 0 {
		t.Fatalf("%s has no <form method=post action=…/sign>", page)
	}
	action, _ := form.Attr("action")
	ref, err := url.Parse(action)
	if err != nil {
		t.Fatalf("%s: form action %q: %v", page, action, err)
	}
	b, _ := url.Parse(base)
	f := signForm{action: b.ResolveReference(ref).String(), values: url.Values{}}
	form.Find("input").Each(func(_ int, in *goquery.Selection) {
		name, _ := in.Attr("name")
		typ, _ := in.Attr("type")
		if name == "" || typ == "checkbox" || typ == "submit" {
			return
		}
		v, _ := in.Attr("value")
		f.values.Set(name, v)
	})
	if f.values.Get("token") == "" {
		t.Fatalf("%s: the signing form has no token input with a value; inputs: %v", page, f.values)
	}
	return f
}

// loadForm fetches an org/slug campaign page and returns its signing form.
func loadForm(t *testing.T, base, ref string) signForm {
	t.Helper()
	doc, _ := getPage(t, base+"/"+ref)
	return findSignForm(t, base, "/"+ref, doc)
}

// with returns a copy of the form's values with fields set (a key with an
// empty value is set empty; use del to leave a field out). The token is a
// new one for each call, minted with abuseSecret and old enough to sign
// (see agedToken); a "token" in fields replaces it.
func (f signForm) with(fields map[string]string, del ...string) url.Values {
	v := url.Values{}
	for k, vs := range f.values {
		v[k] = append([]string(nil), vs...)
	}
	if ref := f.ref(); ref != "" {
		v.Set("token", agedToken(ref))
	}
	for k, s := range fields {
		v.Set(k, s)
	}
	for _, k := range del {
		v.Del(k)
	}
	return v
}

// ref is the org/slug the form signs for, read from its action.
func (f signForm) ref() string {
	u, err := url.Parse(f.action)
	if err != nil {
		return ""
	}
	p := strings.TrimSuffix(strings.TrimSuffix(u.Path, "/sign"), "/embed")
	return strings.TrimPrefix(p, "/")
}

// minted makes agedTokens distinct: for each campaign ref, each is one
// second older than the last, counting back from mintBase (a base that
// moved with the clock could give two the same second). The count wraps
// after mintSpan seconds, so however many signatures a package's tests
// make (a burst test alone makes tens of thousands), no token is ever
// older than formtoken.MaxAge: one global count going back a second per
// token crossed 24 h once enough bursts had run, and a later test's
// signature was refused as "opened a long time ago". A repeat needs
// mintSpan tokens for one campaign in one test's server.
var (
	mintMu   sync.Mutex
	minted   = map[string]int64{}
	mintBase = time.Now().Add(-10 * time.Second)
)

// mintSpan is how many distinct ages agedToken uses per ref: 20 h of
// seconds, leaving 4 h of MaxAge for the test run's own duration.
const mintSpan = 20 * 3600

// agedToken is a token for the campaign ref ("org/slug") of a server run
// with PLACARD_SECRET=abuseSecret, old enough to sign at once and distinct
// from every other it returns (tokens of one second are the same token, and
// a token signs once per client): tests mint one per signature rather than
// sleeping for a form's token to age or reusing it.
func agedToken(ref string) string {
	mintMu.Lock()
	minted[ref]++
	n := minted[ref]
	mintMu.Unlock()
	return mintToken(ref, mintBase.Add(-time.Duration(1+(n-1)%mintSpan)*time.Second))
}

// postForm posts values as a same-origin browser form submission and
// returns the response with its body read.
func postForm(t *testing.T, base, target string, values url.Values) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, target, strings.NewReader(values.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", base)
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	res, err := noRedirects.Do(req)
	if err != nil {
		t.Fatalf("POST %s: %v", target, err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatalf("POST %s: reading body: %v", target, err)
	}
	return res, string(b)
}

// wantSigned posts values and checks for 303 to the thank-you page with
// the given outcome, then fetches that page and returns its text.
func wantSigned(t *testing.T, base string, f signForm, values url.Values, ref, outcome string) string {
	t.Helper()
	res, body := postForm(t, base, f.action, values)
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("POST %s: got status %d, want 303\n%s", f.action, res.StatusCode, body)
	}
	want := "/" + ref + "/thanks?outcome=" + outcome
	loc := res.Header.Get("Location")
	u, err := url.Parse(loc)
	// The answer also carries the claim of the signer's personal link
	// (&claim=…), whether or not the address had signed before: no answer
	// tells that.
	gotBase, claim, _ := strings.Cut(loc, "&claim=")
	if err != nil || gotBase != want || claim == "" {
		t.Fatalf("POST %s: got Location %q, want %q with &claim=…", f.action, loc, want)
	}
	doc, _ := getPage(t, base+u.RequestURI())
	return doc.Text()
}

// runCLI runs placard with args in-process and returns stdout, stderr and
// the exit code.
func runCLI(t *testing.T, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	var o, e strings.Builder
	err := run(context.Background(), args, env(nil), &o, &e)
	return o.String(), e.String(), exitCode(err)
}

// exportCSV runs `signatures export` as CSV and returns the rows keyed by
// column name, after checking the header.
func exportCSV(t *testing.T, db, ref string) []map[string]string {
	t.Helper()
	out, errs, code := runCLI(t, "signatures", "export", "--campaign", ref, "--db", db)
	if code != 0 {
		t.Fatalf("signatures export --campaign %s: exit %d, want 0\n%s", ref, code, errs)
	}
	recs, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	if err != nil {
		t.Fatalf("signatures export --campaign %s: not CSV: %v\n%s", ref, err, out)
	}
	if len(recs) == 0 || strings.Join(recs[0], ",") != strings.Join(exportColumns, ",") {
		t.Fatalf("signatures export: got header %v, want %v", recs, exportColumns)
	}
	var rows []map[string]string
	for _, r := range recs[1:] {
		m := map[string]string{}
		for i, c := range recs[0] {
			m[c] = r[i]
		}
		rows = append(rows, m)
	}
	return rows
}

// exportJSON runs `signatures export --format json` and decodes the array.
func exportJSON(t *testing.T, db, ref string) []map[string]any {
	t.Helper()
	out, errs, code := runCLI(t, "signatures", "export", "--campaign", ref, "--format", "json", "--db", db)
	if code != 0 {
		t.Fatalf("signatures export --format json: exit %d, want 0\n%s", code, errs)
	}
	var rows []map[string]any
	if err := json.Unmarshal([]byte(out), &rows); err != nil {
		t.Fatalf("signatures export --format json: not a JSON array: %v\n%s", err, out)
	}
	return rows
}

// eventually polls cond every 100 ms for up to 15 s (the page tally is
// refreshed about once a second) and fails with what when it never holds.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	waitFor(t, func() string { return what }, cond)
}

// waitFor is eventually with a failure message built after the last try.
func waitFor(t *testing.T, what func() string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("after 15 s: %s", what())
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// fieldMessage returns the error text shown next to the input named name:
// the elements its aria-describedby names, else its field's wrapper text
// apart from the label.
func fieldMessage(form *goquery.Selection, name string) string {
	in := form.Find(`[name="` + name + `"]`).First()
	if in.Length() == 0 {
		return ""
	}
	var parts []string
	if ids, ok := in.Attr("aria-describedby"); ok {
		for _, id := range strings.Fields(ids) {
			parts = append(parts, form.Find("#"+id).Text())
		}
	}
	if len(parts) == 0 {
		w := in.Parent()
		w.Find("label").Remove()
		parts = append(parts, w.Text())
	}
	return squash(strings.Join(parts, " "))
}

var idLine = regexp.MustCompile(`(?m)^(\d+)\s+(.*)$`)

// pendingID finds org's row in `signatures pending` output and returns its ID.
func pendingID(t *testing.T, out, org string) string {
	t.Helper()
	for _, m := range idLine.FindAllStringSubmatch(out, -1) {
		if strings.Contains(m[2], org) {
			return m[1]
		}
	}
	t.Fatalf("signatures pending does not list %s with an ID:\n%s", org, out)
	return ""
}

// squash collapses runs of white space, for readable failure messages.
func squash(s string) string { return strings.Join(strings.Fields(s), " ") }

func first(rows []map[string]string, col string) string {
	if len(rows) == 0 {
		return ""
	}
	return rows[0][col]
}

// waitForTallies polls until each campaign page (org/slug → the action id
// whose count it shows) shows the store's count of approved signatures:
// the server's tally poll has seen every signature made so far.
func waitForTallies(t *testing.T, base, db string, pages map[string]string) {
	t.Helper()
	st := openForTest(t, db)
	var last []string
	waitFor(t, func() string {
		return "the pages never showed the store's counts: " + strings.Join(last, "; ")
	}, func() bool {
		counts, err := st.Counts(t.Context())
		if err != nil {
			t.Fatalf("reading the store's counts: %v", err)
		}
		last = last[:0]
		for ref, id := range pages {
			// A letter's count also takes in the signatories its file lists.
			want := fileSignatories(t, ref)
			for _, c := range counts {
				if c.Org+"/"+c.Campaign == ref {
					want += c.Signatures
				}
			}
			if got := shownCount(t, base+"/"+ref, id); got != want {
				last = append(last, fmt.Sprintf("%s shows %d, the store has %d", ref, got, want))
			}
		}
		return len(last) == 0
	})
}

// fileSignatories is how many organisations and people the letters of the
// campaign ref (org/slug) in testdata/signing list in the file itself.
func fileSignatories(t *testing.T, ref string) int {
	t.Helper()
	site, problems := campaign.Load(filepath.Join("testdata", "signing"))
	if problems.HasErrors() {
		t.Fatalf("loading testdata/signing: %v", problems.Errors())
	}
	org, slug, _ := strings.Cut(ref, "/")
	c := site.Campaign(org, slug)
	if c == nil {
		return 0
	}
	n := 0
	for _, a := range c.Actions {
		if a.Letter != nil {
			n += len(a.Letter.Organisations) + len(a.Letter.Individuals)
		}
	}
	return n
}

// TestAgedTokensStayYoungEnough: however many tokens the tests mint, each
// one still signs. It failed when one global count aged every new token by
// another second, past formtoken.MaxAge after 86,400 of them.
func TestAgedTokensStayYoungEnough(t *testing.T) {
	const ref = "aged/only-this-test"
	signer := formtoken.New([]byte(abuseSecret))
	n := int(formtoken.MaxAge/time.Second) * 11 / 10
	for i := 1; i <= n; i++ {
		tok := agedToken(ref)
		if i%5000 != 0 && i < n-10 {
			continue
		}
		if p, _ := signer.Check(ref, tok, time.Now()); p != formtoken.OK {
			t.Fatalf("token %d: %v, want OK", i, p)
		}
	}
}
