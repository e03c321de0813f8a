package web

import (
	"bytes"
	"context"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"github.com/placard/placard/internal/campaign/campaigntest"
	"github.com/placard/placard/internal/store"
)

// callPage is the contact action's own page in callFiles.
const callPage = "/riverside/call-the-council/contact/call"

// callFiles is the test site with a contact action whose targets come from
// targets/council.csv and whose lookup table is targets/postcodes.csv.
func callFiles(t testing.TB) campaigntest.Files {
	t.Helper()
	f := signFiles(t)
	f["riverside/call-the-council.yaml"] = `title: Call the council
summary: Ask them to keep the library open.
date: 2026-02-01
actions:
  - kind: contact
    id: call
    title: Call your councillors
    targets: council
    lookup: postcodes.csv
    script: Hello {target.name}, {target.title}. I live in {supporter.postcode}.
    subject: Keep the library open
    message: Please keep it open.
`
	f["riverside/targets/council.csv"] = `id,name,title,district,phone,email,hours
moss,Ada <b>Moss</b>,Councillor,North,+1 555 0100,moss@council.example,Mon–Fri 9–5
lind,Bo Lind,Councillor,South,+1 555 0101,lind@council.example,
ray,Cy Ray,Mayor,,+1 555 0102,,
`
	f["riverside/targets/postcodes.csv"] = `code,to,district
100*,,North
20000,20999,South
25000,,North
25000,,South
`
	return f
}

func newCallEnv(t *testing.T, st store.Store, mod func(*Config)) *signEnv {
	t.Helper()
	c := &clock{t: clockStart}
	cfg := Config{BaseURL: "https://act.example.org", SiteName: "Act", Store: st, RateLimit: -1, Now: c.now}
	if mod != nil {
		mod(&cfg)
	}
	s, err := New(cfg, campaigntest.Site(t, callFiles(t)))
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return &signEnv{s: s, st: st, clock: c}
}

// names lists the target names in a section of the page.
func names(d *goquery.Document, section string) []string {
	var out []string
	d.Find("section[aria-labelledby=" + section + "] .target-name").Each(func(_ int, s *goquery.Selection) {
		out = append(out, s.Text())
	})
	return out
}

// TestContactLookup: the postcode finds the reader's own representatives,
// shown first; several districts are chosen with one click; an unknown or
// malformed postcode gets a plain message (never a 5xx) and the page is
// never cached.
func TestContactLookup(t *testing.T) {
	e := newCallEnv(t, openSQLite(t), nil)
	for _, tc := range []struct {
		name, query       string
		status            int
		yours, others     []string
		message, district string
	}{
		{"no postcode", "", 200, nil, []string{"Ada <b>Moss</b>", "Bo Lind", "Cy Ray"}, "", ""},
		{"prefix", "?postcode=10099", 200, []string{"Ada <b>Moss</b>"}, []string{"Bo Lind", "Cy Ray"}, "", "North"},
		{"prefix, spaces and case", "?postcode=+10+0aa", 200, []string{"Ada <b>Moss</b>"}, []string{"Bo Lind", "Cy Ray"}, "", "North"},
		{"range", "?postcode=20%20500", 200, []string{"Bo Lind"}, []string{"Ada <b>Moss</b>", "Cy Ray"}, "", "South"},
		{"several districts", "?postcode=25000", 200, []string{"Ada <b>Moss</b>", "Bo Lind"}, []string{"Cy Ray"}, "", ""},
		{"several, one chosen", "?postcode=25000&district=south", 200, []string{"Bo Lind"}, []string{"Ada <b>Moss</b>", "Cy Ray"}, "", "South"},
		{"unknown", "?postcode=99999", 200, nil, []string{"Ada <b>Moss</b>", "Bo Lind", "Cy Ray"}, "could not find that postcode", ""},
		{"markup", "?postcode=%3Cscript%3Ealert(1)%3C/script%3E", 400, nil, []string{"Ada <b>Moss</b>", "Bo Lind", "Cy Ray"}, "does not look like a postcode", ""},
		{"huge", "?postcode=" + strings.Repeat("9", 5000), 400, nil, []string{"Ada <b>Moss</b>", "Bo Lind", "Cy Ray"}, "does not look like a postcode", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := get(t, e.s, "GET", callPage+tc.query, nil)
			wantStatus(t, res, tc.status)
			wantHeader(t, res, "Cache-Control", "no-store")
			wantHeader(t, res, "Referrer-Policy", "no-referrer")
			raw := body(t, res)
			if strings.Contains(raw, "<script>alert") || strings.Contains(raw, "<b>Moss") {
				t.Fatal("the page holds unescaped input")
			}
			d, err := goquery.NewDocumentFromReader(strings.NewReader(raw))
			if err != nil {
				t.Fatal(err)
			}
			if got := names(d, "yours"); strings.Join(got, "|") != strings.Join(tc.yours, "|") {
				t.Errorf("yours = %q, want %q", got, tc.yours)
			}
			if got := names(d, "others"); strings.Join(got, "|") != strings.Join(tc.others, "|") {
				t.Errorf("others = %q, want %q", got, tc.others)
			}
			if msg := d.Find("#postcode-error").Text(); !strings.Contains(msg, tc.message) || (tc.message == "") != (msg == "") {
				t.Errorf("message = %q, want …%s…", msg, tc.message)
			}
			if tc.district != "" && !strings.Contains(d.Find("#yours").Text(), tc.district) {
				t.Errorf("heading %q does not name %s", d.Find("#yours").Text(), tc.district)
			}
		})
	}
	// Several districts: one link each, which picks it.
	d := doc(t, get(t, e.s, "GET", callPage+"?postcode=25000", nil))
	links := d.Find(".districts a")
	if links.Length() != 2 {
		t.Fatalf("got %d district links, want 2", links.Length())
	}
	href := links.Eq(1).AttrOr("href", "")
	d = doc(t, get(t, e.s, "GET", strings.Split(href, "#")[0], nil))
	if got := names(d, "yours"); len(got) != 1 || got[0] != "Bo Lind" {
		t.Errorf("after choosing South: yours = %q, want [Bo Lind]", got)
	}
	// The script is filled in, escaped, with tel: links and office hours.
	d = doc(t, get(t, e.s, "GET", callPage+"?postcode=10099", nil))
	moss := d.Find("#target-moss")
	if s := moss.Find(".script").Text(); !strings.Contains(s, "Hello Ada <b>Moss</b>, Councillor. I live in 10099.") {
		t.Errorf("script = %q", s)
	}
	if href := moss.Find("a[href^='tel:']").AttrOr("href", ""); href != "tel:+15550100" {
		t.Errorf("tel link = %q", href)
	}
	if !strings.Contains(moss.Text(), "Mon–Fri 9–5") {
		t.Error("office hours are missing")
	}
	if g := moss.Find("a[href^='https://mail.google.com/']").AttrOr("href", ""); !strings.Contains(g, "to=moss%40council.example") || !strings.Contains(g, "su=Keep+the+library+open") {
		t.Errorf("Gmail link = %q", g)
	}
	// The campaign page offers the lookup form.
	cp := doc(t, get(t, e.s, "GET", "/riverside/call-the-council", nil))
	if a := cp.Find("form.lookup-form").AttrOr("action", ""); a != callPage {
		t.Errorf("campaign page's lookup form posts to %q, want %s", a, callPage)
	}
	if s := cp.Find(".script").Text(); !strings.Contains(s, "[their name]") || strings.Contains(s, "{target.name}") {
		t.Errorf("campaign page's script = %q, want neutral placeholders", s)
	}
}

// calledValues reads the "I called" form of one target on page.
func calledValues(t *testing.T, e *signEnv, page, target string) url.Values {
	t.Helper()
	d := doc(t, get(t, e.s, "GET", page, nil))
	form := d.Find("#target-" + target + " form.called-form")
	if form.Length() != 1 {
		t.Fatalf("%s: no I-called form for %s", page, target)
	}
	v := url.Values{}
	form.Find("input[type=hidden]").Each(func(_ int, s *goquery.Selection) {
		v.Set(s.AttrOr("name", ""), s.AttrOr("value", ""))
	})
	return v
}

// TestContactCalled (JS off, end to end): postcode → own representatives →
// "I called" → the count goes up, the page thanks and offers the next
// target; the token works once; a foreign origin, an unknown target and a
// missing outcome are refused plainly; nothing but the target, outcome and
// hour is stored.
func TestContactCalled(t *testing.T) {
	forEachEngine(t, func(t *testing.T, st store.Store) {
		e := newCallEnv(t, st, nil)
		page := callPage + "?postcode=10099"
		v := calledValues(t, e, page, "moss")
		if v.Get("postcode") != "10099" || v.Get("target") != "moss" {
			t.Fatalf("form values = %v", v)
		}
		e.clock.add(time.Minute)
		v.Set("outcome", "voicemail")
		res := e.post(t, callPage+"/called", v, nil)
		wantStatus(t, res, 303)
		loc := res.Header.Get("Location")
		if loc != callPage+"?called=moss&district=North&postcode=10099" {
			t.Errorf("Location = %q", loc)
		}
		d := doc(t, get(t, e.s, "GET", loc, nil))
		if got := d.Find(".calls-made").Text(); got != "1 call made" {
			t.Errorf("count = %q, want 1 call made", got)
		}
		if n := d.Find(".notice").Text(); !strings.Contains(n, "Thank you for calling Ada <b>Moss</b>.") || !strings.Contains(n, "Next, call Bo Lind") {
			t.Errorf("notice = %q", n)
		}
		// The same form again: refused, not counted.
		res = e.post(t, callPage+"/called", v, nil)
		wantStatus(t, res, 303)
		if loc := res.Header.Get("Location"); !strings.Contains(loc, "again=expired") {
			t.Errorf("second post: Location = %q, want again=expired", loc)
		}
		counts, err := st.(store.Outreach).OutreachCounts(context.Background(), "riverside", "")
		if err != nil || len(counts) != 1 || counts[0] != (store.OutreachCount{Org: "riverside", Campaign: "call-the-council", Action: "call", Target: "moss", Kind: "call", Outcome: "voicemail", Count: 1}) {
			t.Errorf("counts = %+v, %v", counts, err)
		}
		v2 := calledValues(t, e, page, "lind")
		e.clock.add(time.Minute)
		v2.Set("target", "nobody")
		v2.Set("outcome", "staff")
		wantStatus(t, e.post(t, callPage+"/called", v2, nil), 400)
		v2.Set("target", "lind")
		v2.Del("outcome")
		if res := e.post(t, callPage+"/called", v2, nil); res.StatusCode != 303 || !strings.Contains(res.Header.Get("Location"), "again=choose") {
			t.Errorf("no outcome: %d %s", res.StatusCode, res.Header.Get("Location"))
		}
		v2.Set("outcome", "staff")
		wantStatus(t, e.post(t, callPage+"/called", v2, http.Header{"Sec-Fetch-Site": {"cross-site"}}), 403)
		wantStatus(t, e.post(t, callPage+"/called", v2, nil), 303)
		d = doc(t, get(t, e.s, "GET", callPage+"?called=ray", nil))
		if got := d.Find(".calls-made").Text(); got != "2 calls made" {
			t.Errorf("count = %q, want 2 calls made", got)
		}
		if !strings.Contains(d.Find(".notice").Text(), "called everyone") {
			t.Errorf("after the last target: notice = %q", d.Find(".notice").Text())
		}
		wantStatus(t, get(t, e.s, "GET", callPage+"/called", nil), 405)
		wantStatus(t, get(t, e.s, "GET", "/riverside/call-the-council/contact/nope", nil), 404)
	})
}

// TestContactNotLogged: with request logging on, a lookup and a call leave
// no postcode in the log.
func TestContactNotLogged(t *testing.T) {
	var logs bytes.Buffer
	e := newCallEnv(t, openSQLite(t), func(c *Config) {
		c.Logger = slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	})
	page := callPage + "?postcode=10077"
	wantStatus(t, get(t, e.s, "GET", page, nil), 200)
	wantStatus(t, get(t, e.s, "GET", callPage+"?postcode=Q9Z+8XY", nil), 200)
	v := calledValues(t, e, page, "moss")
	e.clock.add(time.Minute)
	v.Set("outcome", "staff")
	wantStatus(t, e.post(t, callPage+"/called", v, nil), 303)
	if !strings.Contains(logs.String(), "/contact/call") {
		t.Fatalf("the requests were not logged at all:\n%s", logs.String())
	}
	for _, secret := range []string{"10077", "Q9Z", "8XY", "postcode"} {
		if strings.Contains(logs.String(), secret) {
			t.Errorf("the log holds %q:\n%s", secret, logs.String())
		}
	}
}

// TestContactRateLimit: lookups are limited per client like signatures.
func TestContactRateLimit(t *testing.T) {
	e := newCallEnv(t, openSQLite(t), func(c *Config) { c.RateLimit = 2 })
	for range 2 {
		wantStatus(t, get(t, e.s, "GET", callPage+"?postcode=10099", nil), 200)
	}
	res := get(t, e.s, "GET", callPage+"?postcode=10099", nil)
	wantStatus(t, res, 429)
	if !strings.Contains(body(t, res), "wait a minute") {
		t.Error("429 page lacks a plain message")
	}
}
