package web

import (
	"bufio"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/placard/placard/internal/browsertest"
	"github.com/placard/placard/internal/campaign"
	"github.com/placard/placard/internal/devreload"
)

// newDevServer is newTestServer in dev mode. Its base URL names
// example.com, the Host of httptest's requests, which a dev server answers.
func newDevServer(t testing.TB) *Server {
	t.Helper()
	s, err := New(Config{BaseURL: "https://example.com/", SiteName: "Act", Dev: true}, testSite(t))
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return s
}

// devProblems is what a bad load reports in these tests.
var devProblems = campaign.Problems{
	{File: "campaigns/riverside/org.yaml", Line: 3, Col: 5, Message: "unknown setting 'websit'; did you mean 'website'?"},
	{File: "campaigns/riverside/org.yaml", Line: 9, Col: 1, Message: "a weak summary", Warning: true},
}

var devScriptTag = regexp.MustCompile(`<script src="(/static/dev\.[0-9a-f]{12}\.js)" defer></script>`)

func TestDevScriptOnlyInDevPages(t *testing.T) {
	prod := newTestServer(t)
	res := get(t, prod, "GET", "/riverside", nil)
	if b := body(t, res); strings.Contains(b, "/static/dev.") {
		t.Errorf("a production page links the dev script")
	}
	if csp := res.Header.Get("Content-Security-Policy"); strings.Contains(csp, "connect-src") {
		t.Errorf("production CSP %q, want no connect-src", csp)
	}
	for k := range prod.snap.Load().Static {
		if strings.HasPrefix(k, "/static/dev.") {
			t.Errorf("a production snapshot serves %s", k)
		}
	}
	wantStatus(t, get(t, prod, "GET", "/_dev/events", nil), 404)
	prod.ReportProblems(devProblems) // must do nothing, and not panic

	dev := newDevServer(t)
	for _, path := range []string{"/", "/riverside", "/no-such-page"} {
		res := get(t, dev, "GET", path, nil)
		b := body(t, res)
		m := devScriptTag.FindStringSubmatch(b)
		if m == nil {
			t.Errorf("dev %s: no dev script tag", path)
			continue
		}
		csp := res.Header.Get("Content-Security-Policy")
		if !strings.Contains(csp, "script-src 'self'") || !strings.Contains(csp, "connect-src 'self'") {
			t.Errorf("dev %s: CSP %q, want script-src 'self' and connect-src 'self'", path, csp)
		}
		js := get(t, dev, "GET", m[1], nil)
		wantStatus(t, js, 200)
		if ct := js.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/javascript") {
			t.Errorf("dev script Content-Type %q, want text/javascript", ct)
		}
	}
}

// readEvents returns the named events of a server-sent event stream.
func readEvents(t *testing.T, res *http.Response) <-chan [2]string {
	t.Helper()
	out := make(chan [2]string, 8)
	go func() {
		defer close(out)
		sc := bufio.NewScanner(res.Body)
		var name, data string
		for sc.Scan() {
			switch line := sc.Text(); {
			case line == "":
				if name != "" {
					out <- [2]string{name, data}
				}
				name, data = "", ""
			case strings.HasPrefix(line, "event: "):
				name = line[len("event: "):]
			case strings.HasPrefix(line, "data: "):
				data = line[len("data: "):]
			}
		}
	}()
	return out
}

func wantEvent(t *testing.T, events <-chan [2]string, name string) string {
	t.Helper()
	select {
	case ev, ok := <-events:
		if !ok {
			t.Fatalf("stream closed, want event %q", name)
		}
		if ev[0] != name {
			t.Fatalf("got event %q (%s), want %q", ev[0], ev[1], name)
		}
		return ev[1]
	case <-time.After(10 * time.Second):
		t.Fatalf("no event after 10 s, want %q", name)
	}
	return ""
}

func TestDevEventStream(t *testing.T) {
	s := newDevServer(t)
	hs := httptest.NewServer(s)
	defer func() { s.StopDevStreams(); hs.CloseClientConnections(); hs.Close() }()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, "GET", hs.URL+"/_dev/events", nil)
	res, err := hs.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	wantStatus(t, res, 200)
	if ct := res.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/event-stream") {
		t.Errorf("Content-Type %q, want text/event-stream", ct)
	}
	events := readEvents(t, res)
	wantEvent(t, events, "ok")

	s.ReportProblems(devProblems)
	data := wantEvent(t, events, "problems")
	var got []DevProblem
	if err := json.Unmarshal([]byte(data), &got); err != nil {
		t.Fatalf("problems data %q: %v", data, err)
	}
	want := "campaigns/riverside/org.yaml:3:5: unknown setting 'websit'; did you mean 'website'?"
	if len(got) != 1 || got[0].Text != want || got[0].Line != 3 || got[0].Col != 5 {
		t.Errorf("problems %+v, want only the error, as %q", got, want)
	}

	if err := s.SetSite(testSite(t)); err != nil {
		t.Fatal(err)
	}
	wantEvent(t, events, "reload")
}

// TestDevOverlayInBrowser runs dev.js in headless Chromium: a bad load
// shows the overlay with file:line:col: message (with no CSP error), and
// the next good load reloads the tab, which clears it.
func TestDevOverlayInBrowser(t *testing.T) {
	if testing.Short() {
		t.Skip("browser test skipped in -short mode")
	}
	b := browsertest.Start(t)
	s := newDevServer(t)
	hs := httptest.NewServer(s)
	defer func() { s.StopDevStreams(); hs.CloseClientConnections(); hs.Close() }()
	ctx, cancel := context.WithTimeout(b.Context(), 60*time.Second)
	defer cancel()
	if _, err := b.Load(ctx, hs.URL+"/riverside", 1280, 900, false, true); err != nil {
		t.Fatal(err)
	}
	// Mark this document; a reload replaces it and so drops the mark.
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`window.placardTestMark = true`)); err != nil {
		t.Fatal(err)
	}
	waitUntil(t, "the page did not open the event stream", func() bool {
		return s.dev.Streams() > 0
	})

	s.ReportProblems(devProblems)
	var overlay string
	waitUntil(t, "no overlay after a bad load", func() bool {
		overlay, _ = chromedp.Run(ctx, chromedp.Evaluate[string](`(document.getElementById("placard-dev-problems") || {}).textContent || ""`))
		return overlay != ""
	})
	if want := "campaigns/riverside/org.yaml:3:5: unknown setting 'websit'"; !strings.Contains(overlay, want) {
		t.Errorf("overlay %q lacks %q", overlay, want)
	}
	if strings.Contains(overlay, "weak summary") {
		t.Errorf("overlay %q lists a warning, want errors only", overlay)
	}

	if err := s.SetSite(testSite(t)); err != nil {
		t.Fatal(err)
	}
	waitUntil(t, "the tab did not reload after a good load", func() bool {
		gone, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`window.placardTestMark !== true && document.readyState === "complete" && !document.getElementById("placard-dev-problems")`))
		return err == nil && gone
	})
	errs, _, foreign := b.Reports(hs.URL)
	for _, e := range errs {
		// Reloading ends the old page's stream; Chromium may log that.
		if !strings.Contains(e.String(), "/_dev/events") {
			t.Errorf("console error: %s", e)
		}
	}
	for _, r := range foreign {
		t.Errorf("request to another origin: %s", r)
	}
}

// waitUntil polls cond until it holds, failing after a generous guard.
func waitUntil(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("after 20 s: %s", what)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// TestStopDevStreamsEndsStreams: shutdown must not wait for open tabs, so
// StopDevStreams ends a stream that is open.
func TestStopDevStreamsEndsStreams(t *testing.T) {
	s := newDevServer(t)
	hs := httptest.NewServer(s)
	defer func() { hs.CloseClientConnections(); hs.Close() }()
	res, err := hs.Client().Get(hs.URL + "/_dev/events")
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	events := readEvents(t, res)
	wantEvent(t, events, "ok")
	s.StopDevStreams()
	select {
	case ev, ok := <-events:
		if ok {
			t.Fatalf("got event %q after StopDevStreams, want the stream to end", ev[0])
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the stream was still open 10 s after StopDevStreams")
	}
}

// TestDevHostCheck: a dev server answers only requests naming it (its base
// URL's host, localhost, or an IP address), so a page on another name that
// rebinds its DNS to 127.0.0.1 cannot read the dev pages or the problem
// list (file paths). Others get 421 Misdirected Request.
func TestDevHostCheck(t *testing.T) {
	dev := newDevServer(t)
	for host, want := range map[string]int{
		"example.com":            200, // the base URL's host
		"EXAMPLE.com:443":        200,
		"localhost":              200,
		"localhost:8080":         200,
		"app.localhost:3000":     200,
		"127.0.0.1:8080":         200,
		"[::1]:8080":             200,
		"192.168.1.20:8080":      200, // an address: no DNS to rebind
		"rebind.example":         421,
		"rebind.example:8080":    421,
		"example.com.evil":       421,
		"localhost.evil.example": 421,
		"":                       421,
	} {
		for _, path := range []string{"/riverside", "/_dev/events"} {
			if path == "/_dev/events" && want == 200 {
				continue // a stream that stays open; TestDevEventStream reads one
			}
			r := httptest.NewRequest("GET", path, nil)
			r.Host = host
			rec := httptest.NewRecorder()
			dev.ServeHTTP(rec, r)
			if rec.Code != want {
				t.Errorf("dev, Host %q, %s: got %d, want %d", host, path, rec.Code, want)
			}
			if want == 421 && strings.Contains(rec.Body.String(), "riverside/org.yaml") {
				t.Errorf("dev, Host %q: the answer shows campaign files", host)
			}
		}
	}
	// Production servers answer whatever Host a proxy passes on.
	prod := newTestServer(t)
	r := httptest.NewRequest("GET", "/riverside", nil)
	r.Host = "rebind.example"
	rec := httptest.NewRecorder()
	prod.ServeHTTP(rec, r)
	wantStatus(t, rec.Result(), 200)
}

// TestDevStreamsCapped: at most devreload.MaxStreams event streams are open at
// once; the next is refused with 503 and Retry-After (a real capacity
// limit), and a closed stream frees its place.
func TestDevStreamsCapped(t *testing.T) {
	s := newDevServer(t)
	hs := httptest.NewServer(s)
	defer func() { s.StopDevStreams(); hs.CloseClientConnections(); hs.Close() }()
	open := func() (*http.Response, context.CancelFunc) {
		ctx, cancel := context.WithCancel(context.Background())
		req, _ := http.NewRequestWithContext(ctx, "GET", hs.URL+"/_dev/events", nil)
		res, err := hs.Client().Do(req)
		if err != nil {
			cancel()
			t.Fatal(err)
		}
		return res, cancel
	}
	var cancels []context.CancelFunc
	defer func() {
		for _, c := range cancels {
			c()
		}
	}()
	for i := range devreload.MaxStreams {
		res, cancel := open()
		cancels = append(cancels, cancel)
		if res.StatusCode != 200 {
			t.Fatalf("stream %d: got %d, want 200", i+1, res.StatusCode)
		}
		wantEvent(t, readEvents(t, res), "ok")
	}
	res, cancel := open()
	if res.StatusCode != 503 || res.Header.Get("Retry-After") == "" {
		cancel()
		t.Fatalf("stream %d: got %d (Retry-After %q), want 503 with Retry-After", devreload.MaxStreams+1, res.StatusCode, res.Header.Get("Retry-After"))
	}
	body(t, res)
	cancel()
	cancels[0]()
	waitUntil(t, "a closed stream did not free its place", func() bool {
		res, cancel := open()
		defer cancel()
		defer res.Body.Close()
		return res.StatusCode == 200
	})
}
