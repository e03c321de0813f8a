package main

import (
	"context"
	"encoding/json"
	"net/url"
	"strings"
	"testing"
)

// TestReferralEndToEnd is issue 6's acceptance line, against `placard
// serve` on each engine with a browser's view of it (no JavaScript, no
// cookies): Ann arrives through an X share link and signs; her thank-you
// page gives her a personal link and, once, her private page; Bo follows
// her link and signs; Ann's private page then says 1; and `placard stats`
// shows the arrivals and signatures per source and Ann's link.
func TestReferralEndToEnd(t *testing.T) {
	for _, e := range engines() {
		t.Run(e.name, func(t *testing.T) {
			db := e.db(t)
			base, logs, stop := runServeStop(t, map[string]string{"PLACARD_SECRET": abuseSecret}, "--campaigns", signingCampaigns, "--db", db, "--rate-limit", "1000000")
			t.Cleanup(func() {
				if t.Failed() {
					t.Logf("server log:\n%s", logs.String())
				}
			})
			referralEndToEnd(t, base, db, stop)
			if strings.Contains(logs.String(), "level=ERROR") {
				t.Errorf("the server logged errors:\n%s", logs.String())
			}
			for _, secret := range []string{"ann@example.org", "bo@example.org", "claim=", "key="} {
				if strings.Contains(logs.String(), secret) {
					t.Errorf("the server log holds %q; it must hold nothing personal or secret", secret)
				}
			}
		})
	}
}

func referralEndToEnd(t *testing.T, base, db string, stop func()) {
	page := "/" + petitionRef

	// Ann arrives from X.
	doc, _ := getPage(t, base+page+"?src=x")
	ann := findSignForm(t, base, page, doc)
	if v := ann.values.Get("via"); strings.TrimRight(v, ".") != "x" || len(v) != 32 {
		t.Errorf("the form reached from ?src=x carries via=%q, want x padded with dots to 32 characters", v)
	}
	res, body := postForm(t, base, ann.action, ann.with(map[string]string{"name": "Ann", "email": "ann@example.org", "consent": "yes"}))
	if res.StatusCode != 303 {
		t.Fatalf("Ann's signature: got %d, want 303\n%s", res.StatusCode, body)
	}
	thanks, _ := url.Parse(res.Header.Get("Location"))
	doc, _ = getPage(t, base+thanks.RequestURI())
	personal := doc.Find("#personal-link").AttrOr("value", "")
	private := doc.Find("#private-link").AttrOr("value", "")
	pu, err := url.Parse(personal)
	if err != nil || pu.Path != page || len(pu.Query().Get("ref")) != 10 {
		t.Fatalf("Ann's personal link: got %q, want %s?ref= and a 10-character token", personal, page)
	}
	ku, err := url.Parse(private)
	if err != nil || ku.Path != page+"/impact" || ku.Query().Get("key") == "" {
		t.Fatalf("Ann's private page: got %q, want %s/impact?key=…", private, page)
	}
	if again, _ := getPage(t, base+thanks.RequestURI()); again.Find("#private-link").Length() != 0 {
		t.Errorf("the thank-you page showed Ann's private page a second time")
	}
	doc, _ = getPage(t, base+ku.RequestURI())
	if h := doc.Find("h1").Text(); !strings.Contains(h, "not brought a signature yet") {
		t.Errorf("Ann's private page before anyone followed her link: h1 %q", h)
	}

	// Bo follows Ann's link (its path and query, on this server) and signs.
	doc, _ = getPage(t, base+pu.RequestURI())
	bo := findSignForm(t, base, page, doc)
	res, body = postForm(t, base, bo.action, bo.with(map[string]string{"name": "Bo", "email": "bo@example.org", "consent": "yes"}))
	if res.StatusCode != 303 || !strings.Contains(res.Header.Get("Location"), "outcome=signed") {
		t.Fatalf("Bo's signature: got %d to %q, want 303 to the thank-you page\n%s", res.StatusCode, res.Header.Get("Location"), body)
	}

	doc, _ = getPage(t, base+ku.RequestURI())
	if h := doc.Find("h1").Text(); h != "Your link brought 1 signature" {
		t.Errorf("Ann's private page after Bo signed: h1 %q, want %q", h, "Your link brought 1 signature")
	}

	// The organiser's view. Arrivals reach the database within a second
	// or so (the server flushes them with every poll); signatures' credits
	// wait for a batch, apart from the signatures, and a stopping server
	// writes what it holds.
	token := pu.Query().Get("ref")
	var rep statsReport
	waitFor(t, func() string { return "placard stats never showed the arrivals: " + statsJSON(t, db) }, func() bool {
		if err := json.Unmarshal([]byte(statsJSON(t, db)), &rep); err != nil {
			t.Fatalf("stats --format json: %v", err)
		}
		return len(rep.Sources) == 2 && rep.Sources[0].Arrivals == 1 && rep.Sources[1].Arrivals == 1
	})
	stop()
	if err := json.Unmarshal([]byte(statsJSON(t, db)), &rep); err != nil {
		t.Fatalf("stats --format json: %v", err)
	}
	want := statsReport{Campaign: petitionRef,
		Sources:   []statsSource{{Source: "personal", Arrivals: 1, Signatures: 1}, {Source: "x", Arrivals: 1, Signatures: 1}},
		Referrals: []statsReferral{{Token: token, Signatures: 1}},
	}
	if got, _ := json.Marshal(rep); string(got) != string(must(json.Marshal(want))) {
		t.Errorf("stats: got %s, want %s", got, must(json.Marshal(want)))
	}
	out, errs, code := runCLI(t, "stats", petitionRef, "--db", db)
	if code != 0 {
		t.Fatalf("stats: exit %d, want 0\n%s", code, errs)
	}
	for _, line := range []string{"personal           1           1", "x                  1           1", "Total              2           2", token + "           1"} {
		if !strings.Contains(out, line) {
			t.Errorf("stats table lacks %q:\n%s", line, out)
		}
	}
}

// statsJSON runs `placard stats --format json` on db.
func statsJSON(t *testing.T, db string) string {
	t.Helper()
	out, errs, code := runCLI(t, "stats", petitionRef, "--format", "json", "--db", db)
	if code != 0 {
		t.Fatalf("stats --format json: exit %d, want 0\n%s", code, errs)
	}
	return out
}

func must(b []byte, err error) []byte {
	if err != nil {
		panic(err)
	}
	return b
}

// TestStatsUsage: stats follows the other commands' conventions.
func TestStatsUsage(t *testing.T) {
	db := sqliteDB(t)
	// An empty database opened by serve's migrations.
	out, _, code := runCLI(t, "stats", "--help")
	if code != 0 || !strings.Contains(out, "Usage: placard stats ORG/SLUG") {
		t.Errorf("stats --help: exit %d, output %q", code, out)
	}
	for _, args := range [][]string{
		{"stats"},
		{"stats", "no-slash"},
		{"stats", "a/b", "c/d"},
		{"stats", "a/b", "--format", "xml"},
		{"stats", "a/b", "--top", "-1"},
	} {
		if _, errs, code := runCLI(t, append(args, "--db", db)...); code != 2 || !strings.Contains(errs, "placard stats --help") {
			t.Errorf("%v: exit %d, want 2 with a hint to --help\n%s", args, code, errs)
		}
	}
	if _, errs, code := runCLI(t, "stats", "a/b", "--db", db+".missing"); code != 1 {
		t.Errorf("stats on a missing database file: exit %d, want 1\n%s", code, errs)
	}
}

// TestStatsEmpty: a campaign with nothing recorded prints plain sentences,
// and JSON with empty lists rather than nulls.
func TestStatsEmpty(t *testing.T) {
	db := sqliteDB(t)
	st, err := openServeStore(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	st.Close()
	out, errs, code := runCLI(t, "stats", "riverside/nothing", "--db", db)
	if code != 0 || !strings.Contains(out, "No arrivals or signatures recorded yet.") || !strings.Contains(out, "No personal link has brought a signature yet.") {
		t.Errorf("stats on an empty campaign: exit %d\n%s%s", code, out, errs)
	}
	out, _, code = runCLI(t, "stats", "riverside/nothing", "--format", "json", "--top", "0", "--db", db)
	if want := "{\n  \"campaign\": \"riverside/nothing\",\n  \"sources\": [],\n  \"referrals\": []\n}\n"; code != 0 || out != want {
		t.Errorf("stats --format json on an empty campaign: exit %d, got %q, want %q", code, out, want)
	}
}
