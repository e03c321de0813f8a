package main

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/placard/placard/internal/campaign"
	"github.com/placard/placard/internal/web"
)

// sseEvent is one server-sent event: its name and data.
type sseEvent struct{ name, data string }

// openEvents opens the dev event stream at base and returns its events as
// they arrive; the stream closes when the test ends.
func openEvents(t *testing.T, base string) <-chan sseEvent {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, base+"/_dev/events", nil)
	if err != nil {
		t.Fatal(err)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		cancel()
		t.Fatalf("GET /_dev/events: %v", err)
	}
	if res.StatusCode != http.StatusOK || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/event-stream") {
		cancel()
		t.Fatalf("GET /_dev/events: got %d %q, want 200 text/event-stream", res.StatusCode, res.Header.Get("Content-Type"))
	}
	t.Cleanup(func() { cancel(); res.Body.Close() })
	events := make(chan sseEvent, 16)
	go func() {
		defer close(events)
		sc := bufio.NewScanner(res.Body)
		sc.Buffer(make([]byte, 64<<10), 1<<20)
		var ev sseEvent
		for sc.Scan() {
			line := sc.Text()
			switch {
			case line == "":
				if ev.name != "" {
					events <- ev
				}
				ev = sseEvent{}
			case strings.HasPrefix(line, "event: "):
				ev.name = strings.TrimPrefix(line, "event: ")
			case strings.HasPrefix(line, "data: "):
				ev.data = strings.TrimPrefix(line, "data: ")
			}
		}
	}()
	return events
}

// nextEvent returns the next event, failing after a generous guard so a
// broken watcher fails the test instead of hanging it.
func nextEvent(t *testing.T, events <-chan sseEvent, logs *lockedBuffer) sseEvent {
	t.Helper()
	select {
	case ev, ok := <-events:
		if !ok {
			t.Fatalf("the event stream closed early; log:\n%s", logs.String())
		}
		return ev
	case <-time.After(15 * time.Second):
		t.Fatalf("no event after 15 s; log:\n%s", logs.String())
	}
	return sseEvent{}
}

// touchLater moves file's modification time forward, so the change shows
// even on file systems with coarse timestamps.
func touchLater(t *testing.T, file string, by time.Duration) {
	t.Helper()
	later := time.Now().Add(by)
	if err := os.Chtimes(file, later, later); err != nil {
		t.Fatal(err)
	}
}

// TestServeDevLivePreview is issue 4's live-preview acceptance: under --dev
// a good edit sends "reload", a bad one "problems" listing file:line:col
// (the overlay's data) while the last good page keeps serving, and the fix
// sends "reload" again.
func TestServeDevLivePreview(t *testing.T) {
	dir := copyTestdata(t)
	base, logs := startServeLogs(t, dir, "--dev")

	res, body := fetch(t, base+"/quiet-league/listen-in")
	m := regexp.MustCompile(`<script src="(/static/dev\.[0-9a-f]+\.js)" defer></script>`).FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("a --dev page lacks the dev script tag:\n%s", body)
	}
	if csp := res.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "connect-src 'self'") || !strings.Contains(csp, "script-src 'self'") {
		t.Errorf("dev page CSP = %q, want script-src 'self' and connect-src 'self'", csp)
	}
	if res, js := fetch(t, base+m[1]); res.StatusCode != 200 || !strings.Contains(js, `EventSource("/_dev/events")`) {
		t.Errorf("GET %s: got %d, want 200 with the dev script", m[1], res.StatusCode)
	}

	events := openEvents(t, base)
	if ev := nextEvent(t, events, logs); ev.name != "ok" {
		t.Fatalf("first event %q, want ok (the files are good)", ev.name)
	}

	file := filepath.Join(dir, "quiet-league", "listen-in.yaml")
	plant(t, file, "title: Listen in", "title: Listen again")
	touchLater(t, file, 2*time.Second)
	if ev := nextEvent(t, events, logs); ev.name != "reload" {
		t.Fatalf("after a good edit: event %q %s, want reload", ev.name, ev.data)
	}
	if _, body := fetch(t, base+"/quiet-league/listen-in"); !strings.Contains(body, "Listen again") {
		t.Errorf("after the reload event the page lacks the new title")
	}

	plant(t, file, "title: Listen again", "titel: Listen again")
	touchLater(t, file, 3*time.Second)
	ev := nextEvent(t, events, logs)
	if ev.name != "problems" {
		t.Fatalf("after a broken edit: event %q %s, want problems", ev.name, ev.data)
	}
	var problems []web.DevProblem
	if err := json.Unmarshal([]byte(ev.data), &problems); err != nil {
		t.Fatalf("problems data %q: %v", ev.data, err)
	}
	lineRe := regexp.MustCompile(`^` + regexp.QuoteMeta(file) + `:\d+:\d+: .*titel`)
	found := false
	for _, p := range problems {
		if lineRe.MatchString(p.Text) && p.File == file && p.Line > 0 && p.Col > 0 {
			found = true
		}
	}
	if !found {
		t.Errorf("problems %+v: none reads file:line:col: message naming titel in %s", problems, file)
	}
	if res, body := fetch(t, base+"/quiet-league/listen-in"); res.StatusCode != 200 || !strings.Contains(body, "Listen again") {
		t.Errorf("after a broken edit: got %d, want the last good page", res.StatusCode)
	}
	// A tab opened now sees the problems at once.
	if ev := nextEvent(t, openEvents(t, base), logs); ev.name != "problems" {
		t.Errorf("a new stream while the files are broken: first event %q, want problems", ev.name)
	}

	plant(t, file, "titel: Listen again", "title: Listen fixed")
	touchLater(t, file, 4*time.Second)
	if ev := nextEvent(t, events, logs); ev.name != "reload" {
		t.Fatalf("after the fix: event %q %s, want reload", ev.name, ev.data)
	}
	if ev := nextEvent(t, openEvents(t, base), logs); ev.name != "ok" {
		t.Errorf("a new stream after the fix: first event %q, want ok (overlay cleared)", ev.name)
	}
}

// TestServeProductionHasNoDevScript: without --dev no page carries the dev
// script, its stream does not exist, and the CSP stays without connect-src.
func TestServeProductionHasNoDevScript(t *testing.T) {
	base := startServe(t, copyTestdata(t))
	res, body := fetch(t, base+"/quiet-league/listen-in")
	if strings.Contains(body, "/static/dev.") {
		t.Errorf("a production page carries the dev script")
	}
	if csp := res.Header.Get("Content-Security-Policy"); strings.Contains(csp, "connect-src") {
		t.Errorf("production CSP %q allows connect-src", csp)
	}
	if res, _ := fetch(t, base+"/_dev/events"); res.StatusCode != http.StatusNotFound {
		t.Errorf("GET /_dev/events without --dev: got %d, want 404", res.StatusCode)
	}
}

// TestServeWatchReloads: --watch (no --dev) reloads on a good edit and
// refuses a bad one, logging its problems.
func TestServeWatchReloads(t *testing.T) {
	dir := copyTestdata(t)
	base, logs := startServeLogs(t, dir, "--watch")
	file := filepath.Join(dir, "quiet-league", "listen-in.yaml")
	plant(t, file, "title: Listen in", "title: Listen watched")
	touchLater(t, file, 2*time.Second)
	eventually(t, "--watch did not reload the edit:\n"+logs.String(), func() bool {
		_, body := fetch(t, base+"/quiet-league/listen-in")
		return strings.Contains(body, "Listen watched")
	})
	plant(t, file, "title: Listen watched", "titel: Listen watched")
	touchLater(t, file, 3*time.Second)
	eventually(t, "--watch did not refuse the broken edit:\n"+logs.String(), func() bool {
		return strings.Contains(logs.String(), "reload refused")
	})
	if res, body := fetch(t, base+"/quiet-league/listen-in"); res.StatusCode != 200 || !strings.Contains(body, "Listen watched") {
		t.Errorf("after a refused reload: got %d, want the last good page", res.StatusCode)
	}
}

// TestServeWatchNewFolder: a campaign added in a folder created after start
// is picked up, so new organisations need no restart.
func TestServeWatchNewFolder(t *testing.T) {
	dir := copyTestdata(t)
	base, logs := startServeLogs(t, dir, "--watch")
	src := filepath.Join(dir, "quiet-league")
	dst := filepath.Join(dir, "quiet-league-two")
	if err := os.CopyFS(dst, os.DirFS(src)); err != nil {
		t.Fatal(err)
	}
	eventually(t, "--watch did not load the new folder:\n"+logs.String(), func() bool {
		res, _ := fetch(t, base+"/quiet-league-two/listen-in")
		return res.StatusCode == 200
	})
}

// TestReloadUnderLoad is issue 4's reload acceptance: while readers fetch
// pages, 100 reloads alternate between two good versions and broken files.
// No request fails or gets a 5xx, and every page is one whole snapshot: its
// title is one of the two versions and the document is complete.
func TestReloadUnderLoad(t *testing.T) {
	dir := copyTestdata(t)
	file := filepath.Join(dir, "quiet-league", "listen-in.yaml")
	orig, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	good := []string{
		strings.Replace(string(orig), "title: Listen in", "title: Version A", 1),
		strings.Replace(string(orig), "title: Listen in", "title: Version B", 1),
	}
	broken := strings.Replace(string(orig), "title: Listen in", "titel: Version C", 1)
	if good[0] == string(orig) || broken == string(orig) {
		t.Fatal("the test campaign no longer has 'title: Listen in'")
	}
	write := func(s string) {
		t.Helper()
		if err := os.WriteFile(file, []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write(good[0])
	site, problems := campaign.Load(dir)
	if problems.HasErrors() {
		t.Fatalf("loading the test campaigns: %v", problems)
	}
	logs := &lockedBuffer{}
	log := slog.New(slog.NewTextHandler(logs, nil))
	hs := httptest.NewUnstartedServer(nil)
	srv, err := web.New(web.Config{BaseURL: "http://" + hs.Listener.Addr().String(), Logger: log}, site)
	if err != nil {
		t.Fatal(err)
	}
	hs.Config.Handler = srv
	hs.Start()
	defer hs.Close()
	rl := &reloader{dir: dir, srv: srv, log: log}

	titleRe := regexp.MustCompile(`<title>([^<]*)</title>`)
	var (
		stop             atomic.Bool
		requests, failed atomic.Int64
		mu               sync.Mutex
		bad              []string
		wg               sync.WaitGroup
	)
	fail := func(msg string) {
		failed.Add(1)
		mu.Lock()
		if len(bad) < 10 {
			bad = append(bad, msg)
		}
		mu.Unlock()
	}
	client := hs.Client()
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			// Bounded: stop after the reloads, or 3,000 requests each.
			for i := 0; i < 3000 && !stop.Load(); i++ {
				requests.Add(1)
				res, err := client.Get(hs.URL + "/quiet-league/listen-in")
				if err != nil {
					fail("request failed: " + err.Error())
					continue
				}
				body, err := io.ReadAll(res.Body)
				res.Body.Close()
				if err != nil {
					fail("reading the body: " + err.Error())
					continue
				}
				if res.StatusCode != 200 {
					fail("status " + res.Status)
					continue
				}
				m := titleRe.FindSubmatch(body)
				if m == nil || !(strings.HasPrefix(string(m[1]), "Version A") || strings.HasPrefix(string(m[1]), "Version B")) {
					fail("title not one of the two versions")
					continue
				}
				if !strings.HasSuffix(strings.TrimSpace(string(body)), "</html>") {
					fail("body does not end with </html>")
				}
			}
		}()
	}
	refused, swapped := 0, 0
	for i := range 100 {
		if i%2 == 1 {
			write(broken)
		} else {
			write(good[(i/2)%2])
		}
		if rl.reload("test") {
			swapped++
		} else {
			refused++
		}
	}
	stop.Store(true)
	wg.Wait()
	if swapped != 50 || refused != 50 {
		t.Errorf("reloads: %d swapped and %d refused, want 50 and 50", swapped, refused)
	}
	if n := failed.Load(); n != 0 {
		t.Errorf("%d of %d requests failed during reloads, want 0; first: %q", n, requests.Load(), bad)
	}
	if requests.Load() == 0 {
		t.Errorf("no requests ran during the reloads")
	}
	t.Logf("%d requests during 100 reloads", requests.Load())
	if !strings.Contains(logs.String(), "reload refused") || !strings.Contains(logs.String(), "titel") {
		t.Errorf("refused reloads did not log their problems:\n%.2000s", logs.String())
	}
}
