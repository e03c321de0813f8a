package main

import (
	"bufio"
	"context"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"github.com/placard/placard/internal/campaign"
)

// env returns a getenv over a fixed map, so tests never read the real environment.
func env(kv map[string]string) func(string) string {
	return func(k string) string { return kv[k] }
}

// lockedBuffer collects output written from several goroutines.
type lockedBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

var listenLine = regexp.MustCompile(`msg=listening addr=(\S+) url=(\S+)`)

// startServe runs `placard serve` through run on 127.0.0.1:0 against dir
// and returns the site's base URL once it is listening. Cleanup cancels the
// context and checks that the server shut down cleanly.
func startServe(t *testing.T, dir string, extra ...string) string {
	t.Helper()
	base, _ := startServeLogs(t, dir, extra...)
	return base
}

// startServeLogs is startServe that also returns the server's log output.
func startServeLogs(t *testing.T, dir string, extra ...string) (string, *lockedBuffer) {
	t.Helper()
	return startServeLogsEnv(t, nil, dir, extra...)
}

// startServeLogsEnv is startServeLogs with environment variables.
func startServeLogsEnv(t *testing.T, vars map[string]string, dir string, extra ...string) (string, *lockedBuffer) {
	t.Helper()
	// A folder that does not exist yet: serve creates it, private.
	db := filepath.Join(t.TempDir(), "data", "placard.db")
	base, logs := runServe(t, vars, append([]string{"--campaigns", dir, "--db", db}, extra...)...)
	if _, err := os.Stat(db); err != nil {
		t.Errorf("serve did not create the signature database: %v", err)
	}
	if fi, err := os.Stat(filepath.Dir(db)); err != nil || fi.Mode().Perm() != 0o700 {
		t.Errorf("the database folder: %v, err %v; want mode 0700 (signatures are personal data)", fi.Mode(), err)
	}
	return base, logs
}

// runServe runs `serve --addr 127.0.0.1:0 ARGS…` in process with the given
// environment variables until the test ends, and returns its base URL (read
// from the "listening" log line) and its log output.
func runServe(t *testing.T, vars map[string]string, args ...string) (string, *lockedBuffer) {
	t.Helper()
	base, logs, _ := runServeStop(t, vars, args...)
	return base, logs
}

// runServeStop is runServe with a function that stops the server as
// SIGTERM would and waits for it (the test's cleanup does too).
func runServeStop(t *testing.T, vars map[string]string, args ...string) (string, *lockedBuffer, func()) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	logs := &lockedBuffer{}
	args = append([]string{"serve", "--addr", "127.0.0.1:0"}, args...)
	done := make(chan error, 1)
	go func() {
		err := run(ctx, args, env(vars), io.Discard, pw)
		pw.Close()
		done <- err
	}()
	found := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(pr)
		sc.Buffer(make([]byte, 64<<10), 1<<20)
		sent := false
		for sc.Scan() {
			line := sc.Text()
			_, _ = logs.Write([]byte(line + "\n"))
			if m := listenLine.FindStringSubmatch(line); m != nil && !sent {
				found <- m[2]
				sent = true
			}
		}
		_, _ = io.Copy(io.Discard, pr)
		close(found)
	}()
	var base string
	select {
	case u, ok := <-found:
		if !ok {
			cancel()
			t.Fatalf("serve stopped before listening: %v\n%s", <-done, logs.String())
		}
		base = u
	case <-time.After(30 * time.Second):
		cancel()
		t.Fatalf("serve did not log 'listening' within 30s:\n%s", logs.String())
	}
	var once sync.Once
	stop := func() {
		once.Do(func() {
			cancel()
			if err := <-done; err != nil {
				t.Errorf("serve returned %v after shutdown, want nil\n%s", err, logs.String())
			}
		})
	}
	t.Cleanup(stop)
	return base, logs, stop
}

func fetch(t *testing.T, url string) (*http.Response, string) {
	t.Helper()
	res, err := http.Get(url)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatalf("GET %s: reading body: %v", url, err)
	}
	return res, string(b)
}

// servedPages lists the path of every organisation and public campaign in dir.
func servedPages(t *testing.T, dir string) (orgs, camps []string) {
	t.Helper()
	site, problems := campaign.Load(dir)
	if problems.HasErrors() {
		t.Fatalf("%s does not load:\n%v", dir, problems)
	}
	for _, o := range site.Orgs {
		orgs = append(orgs, "/"+o.Slug)
		for _, c := range o.Campaigns {
			if c.Status != campaign.StatusDraft {
				camps = append(camps, "/"+o.Slug+"/"+c.Slug)
			}
		}
	}
	if len(orgs) == 0 || len(camps) == 0 {
		t.Fatalf("%s has %d organisations and %d campaigns; want at least one of each", dir, len(orgs), len(camps))
	}
	return orgs, camps
}

// checkSharePage asserts the OpenGraph and Twitter tags every page carries.
func checkSharePage(t *testing.T, base, path string, d *goquery.Document) {
	t.Helper()
	content := func(sel string) string {
		v, _ := d.Find(sel).Attr("content")
		return v
	}
	for _, prop := range []string{"og:title", "og:description", "og:url", "og:image", "og:image:width", "og:image:height", "og:image:alt", "og:type", "og:site_name", "og:locale"} {
		if content(`meta[property="`+prop+`"]`) == "" {
			t.Errorf("%s: no %s", path, prop)
		}
	}
	if got, want := content(`meta[property="og:url"]`), base+path; got != want {
		t.Errorf("%s: og:url = %q, want %q", path, got, want)
	}
	// The share picture is the page's generated card, or an organiser's
	// picture (or the site's plain one) under /static/; either way served.
	img := content(`meta[property="og:image"]`)
	if !strings.HasPrefix(img, base+"/static/") && !strings.HasPrefix(img, base+path+"/card.png?v=") {
		t.Errorf("%s: og:image = %q, want %s%s/card.png?v=… or an address under %s/static/", path, img, base, path, base)
	} else if res, _ := fetch(t, img); res.StatusCode != 200 || !strings.HasPrefix(res.Header.Get("Content-Type"), "image/") {
		t.Errorf("%s: og:image %s answers %d %s, want 200 and a picture", path, img, res.StatusCode, res.Header.Get("Content-Type"))
	}
	if content(`meta[name="twitter:card"]`) == "" {
		t.Errorf("%s: no twitter:card", path)
	}
	if href, _ := d.Find(`link[rel="canonical"]`).Attr("href"); href != base+path {
		t.Errorf("%s: canonical = %q, want %q", path, href, base+path)
	}
}

// shareTargets are the address prefixes of the share links every
// organisation and campaign page offers.
var shareTargets = map[string]string{
	"X":        "https://x.com/intent/post?text=",
	"Bluesky":  "https://bsky.app/intent/compose?text=",
	"Facebook": "https://www.facebook.com/sharer/sharer.php?u=",
	"LinkedIn": "https://www.linkedin.com/sharing/share-offsite/?url=",
	"WhatsApp": "https://wa.me/?text=",
	"Telegram": "https://t.me/share/url?url=",
	"email":    "mailto:?subject=",
}

func checkShareLinks(t *testing.T, path string, d *goquery.Document) {
	t.Helper()
	var hrefs []string
	d.Find("a[href]").Each(func(_ int, s *goquery.Selection) {
		h, _ := s.Attr("href")
		hrefs = append(hrefs, h)
	})
	for name, prefix := range shareTargets {
		found := false
		for _, h := range hrefs {
			if strings.HasPrefix(h, prefix) {
				found = true
				break
			}
		}
		if !found {
			t.Errorf("%s: no %s share link (%s…)", path, name, prefix)
		}
	}
	if d.Find(`form[action="`+path+`/share/mastodon"] input[name="instance"]`).Length() == 0 {
		t.Errorf("%s: no Mastodon share form asking for the reader's server", path)
	}
}

// exerciseSite fetches every page of dir from a running server.
func exerciseSite(t *testing.T, dir string) {
	base := startServe(t, dir)
	orgs, camps := servedPages(t, dir)

	res, body := fetch(t, base+"/healthz")
	if res.StatusCode != 200 || body != "ok" {
		t.Errorf("/healthz: got %d %q, want 200 \"ok\"", res.StatusCode, body)
	}
	for _, p := range append(append([]string{"/"}, orgs...), camps...) {
		res, body := fetch(t, base+p)
		if res.StatusCode != 200 {
			t.Errorf("%s: got status %d, want 200", p, res.StatusCode)
			continue
		}
		d, err := goquery.NewDocumentFromReader(strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		checkSharePage(t, base, p, d)
		if res.Header.Get("Content-Security-Policy") == "" || res.Header.Get("ETag") == "" {
			t.Errorf("%s: missing CSP or ETag", p)
		}
		// Every organisation and campaign page can be shared on every network.
		if p != "/" {
			checkShareLinks(t, p, d)
		}
		// Every stylesheet, script and image the page refers to is served.
		d.Find(`link[rel="stylesheet"], script[src], img[src]`).Each(func(_ int, s *goquery.Selection) {
			ref, ok := s.Attr("href")
			if !ok {
				ref, _ = s.Attr("src")
			}
			if !strings.HasPrefix(ref, "/") {
				t.Errorf("%s: refers to %q on another origin", p, ref)
				return
			}
			if res, _ := fetch(t, base+ref); res.StatusCode != 200 {
				t.Errorf("%s: %s answers %d", p, ref, res.StatusCode)
			}
		})
	}
	res, body = fetch(t, base+"/no-such-organisation/or-campaign")
	if res.StatusCode != 404 {
		t.Errorf("unknown URL: got %d, want 404", res.StatusCode)
	}
	d, err := goquery.NewDocumentFromReader(strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if d.Find("h1").Length() != 1 || d.Find(`main a[href="/"]`).Length() == 0 {
		t.Errorf("404 page lacks its heading or a link home:\n%s", body)
	}
}

func TestServeTestdata(t *testing.T) {
	exerciseSite(t, filepath.Join("testdata", "campaigns"))
}

func TestServeExamples(t *testing.T) {
	dir := filepath.Join("..", "..", "campaigns")
	if _, err := os.Stat(dir); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("the examples folder %s is missing: %v", dir, err)
		}
		t.Skipf("the examples folder %s is missing: %v", dir, err)
	}
	exerciseSite(t, dir)
}

func TestServeDraftsAndRegions(t *testing.T) {
	base := startServe(t, filepath.Join("testdata", "campaigns"))
	if res, _ := fetch(t, base+"/harbour-choir/next-year"); res.StatusCode != 404 {
		t.Errorf("draft: got %d, want 404", res.StatusCode)
	}
	_, east := fetch(t, base+"/harbour-choir/keep-the-hall?region=East")
	if !strings.Contains(east, "Councillor East") || strings.Contains(east, "Councillor West") {
		t.Errorf("?region=East should show only the East councillor")
	}
	// Organisation pages, and campaigns without a picture of their own
	// (even when the organisation's logo is a raster image), share their
	// generated card.
	_, body := fetch(t, base+"/quiet-league")
	if !strings.Contains(body, `property="og:image" content="`+base+`/quiet-league/card.png?v=`) {
		t.Errorf("/quiet-league: want its share card as og:image")
	}
	_, body = fetch(t, base+"/harbour-choir/winter-concert")
	if !strings.Contains(body, `property="og:image" content="`+base+`/harbour-choir/winter-concert/card.png?v=`) {
		t.Errorf("/harbour-choir/winter-concert: want the campaign's share card as og:image")
	}
}

func TestServeInvalidCampaignsExit1(t *testing.T) {
	dir := copyTestdata(t)
	plant(t, filepath.Join(dir, "harbour-choir", "org.yaml"), "website:", "websit:")
	var stderr lockedBuffer
	err := run(context.Background(), []string{"serve", "--addr", "127.0.0.1:0", "--campaigns", dir}, env(nil), io.Discard, &stderr)
	if got := exitCode(err); got != 1 {
		t.Fatalf("exit code %d, want 1; stderr:\n%s", got, stderr.String())
	}
	want := regexp.MustCompile(`(?m)^` + regexp.QuoteMeta(filepath.Join(dir, "harbour-choir", "org.yaml")) + `:\d+:\d+: .*websit`)
	if !want.MatchString(stderr.String()) {
		t.Errorf("stderr lacks file:line:col for the misspelt field:\n%s", stderr.String())
	}
}

func TestServeUsageErrors(t *testing.T) {
	for _, args := range [][]string{
		{"serve", "--bogus"},
		{"serve", "extra"},
		{"serve", "--db", "ftp://example.org/x"},
		{"serve", "--db", ""},
		{"serve", "--base-url", "act.example.org"},
		{"serve", "--log-level", "loud"},
		{"serve", "--rate-limit", "-1"},
		{"serve", "--rate-limit", "many"},
		{"serve", "--client-ip-header", "X Real IP"},
		{"serv"},
		{},
	} {
		var stderr lockedBuffer
		err := run(context.Background(), args, env(nil), io.Discard, &stderr)
		if got := exitCode(err); got != 2 {
			t.Errorf("run %q: exit code %d, want 2; stderr:\n%s", args, got, stderr.String())
		}
		if stderr.String() == "" {
			t.Errorf("run %q: nothing on stderr", args)
		}
	}
	var stderr lockedBuffer
	err := run(context.Background(), []string{"serve"}, env(map[string]string{"PLACARD_DEV": "maybe"}), io.Discard, &stderr)
	if exitCode(err) != 2 {
		t.Errorf("PLACARD_DEV=maybe: exit code %d, want 2", exitCode(err))
	}
	for k, v := range map[string]string{"PLACARD_RATE_LIMIT": "lots", "PLACARD_SECRET": "short"} {
		var stderr lockedBuffer
		err := run(context.Background(), []string{"serve", "--addr", "127.0.0.1:0", "--campaigns", filepath.Join("testdata", "campaigns"), "--db", filepath.Join(t.TempDir(), "x.db")}, env(map[string]string{k: v}), io.Discard, &stderr)
		if exitCode(err) != 2 {
			t.Errorf("%s=%s: exit code %d, want 2; stderr:\n%s", k, v, exitCode(err), stderr.String())
		}
	}
}

func TestHelp(t *testing.T) {
	for _, args := range [][]string{{"--help"}, {"serve", "--help"}, {"check", "-h"}} {
		var stdout strings.Builder
		err := run(context.Background(), args, env(nil), &stdout, io.Discard)
		if err != nil || !strings.Contains(stdout.String(), "Usage") {
			t.Errorf("run %q: err %v, stdout %q; want usage on stdout and exit 0", args, err, stdout.String())
		}
	}
	var stdout strings.Builder
	_ = run(context.Background(), []string{"serve", "--help"}, env(nil), &stdout, io.Discard)
	for _, want := range []string{"--addr", "PLACARD_ADDR", "--campaigns", "PLACARD_CAMPAIGNS", "--db", "PLACARD_DB", "--base-url", "PLACARD_BASE_URL", "--dev", "PLACARD_DEV",
		"--rate-limit", "PLACARD_RATE_LIMIT", "--client-ip-header", "PLACARD_CLIENT_IP_HEADER", "PLACARD_SECRET"} {
		if !strings.Contains(stdout.String(), strings.TrimPrefix(want, "-")) {
			t.Errorf("serve --help lacks %s", want)
		}
	}
}

func TestServeFlagsFromEnvironment(t *testing.T) {
	// PLACARD_BASE_URL sets the canonical address; PLACARD_CAMPAIGNS the folder.
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	pr, pw := io.Pipe()
	e := env(map[string]string{
		"PLACARD_ADDR":      "127.0.0.1:0",
		"PLACARD_CAMPAIGNS": filepath.Join("testdata", "campaigns"),
		"PLACARD_BASE_URL":  "https://act.example.org",
		"PLACARD_DB":        filepath.Join(t.TempDir(), "x.db"),
	})
	done := make(chan error, 1)
	go func() { done <- run(ctx, []string{"serve"}, e, io.Discard, pw); pw.Close() }()
	sc := bufio.NewScanner(pr)
	var addr string
	for sc.Scan() {
		if m := listenLine.FindStringSubmatch(sc.Text()); m != nil {
			addr = m[1]
			if m[2] != "https://act.example.org" {
				t.Errorf("logged url %q, want the PLACARD_BASE_URL", m[2])
			}
			break
		}
	}
	go func() { _, _ = io.Copy(io.Discard, pr) }()
	if addr == "" {
		t.Fatalf("serve did not start: %v", <-done)
	}
	_, body := fetch(t, "http://"+addr+"/harbour-choir")
	if !strings.Contains(body, `<link rel="canonical" href="https://act.example.org/harbour-choir"`) {
		t.Errorf("canonical does not use PLACARD_BASE_URL")
	}
	cancel()
	if err := <-done; err != nil {
		t.Errorf("serve returned %v, want nil", err)
	}
}

// copyTestdata copies testdata/campaigns into a temporary folder.
func copyTestdata(t *testing.T) string {
	t.Helper()
	dst := filepath.Join(t.TempDir(), "campaigns")
	if err := os.CopyFS(dst, os.DirFS(filepath.Join("testdata", "campaigns"))); err != nil {
		t.Fatal(err)
	}
	return dst
}

// plant replaces the first old in file with new.
func plant(t *testing.T, file, old, new string) {
	t.Helper()
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(data), old) {
		t.Fatalf("%s does not contain %q", file, old)
	}
	if err := os.WriteFile(file, []byte(strings.Replace(string(data), old, new, 1)), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestCheckValid(t *testing.T) {
	var stdout, stderr strings.Builder
	err := run(context.Background(), []string{"check", filepath.Join("testdata", "campaigns")}, env(nil), &stdout, &stderr)
	if err != nil {
		t.Fatalf("check: %v; stderr:\n%s", err, stderr.String())
	}
	if !strings.Contains(stdout.String(), "no problems") {
		t.Errorf("got stdout %q, want a summary saying no problems", stdout.String())
	}
}

func TestCheckExamples(t *testing.T) {
	dir := filepath.Join("..", "..", "campaigns")
	if _, err := os.Stat(dir); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("the examples folder %s is missing: %v", dir, err)
		}
		t.Skipf("the examples folder %s is missing: %v", dir, err)
	}
	var stderr strings.Builder
	if err := run(context.Background(), []string{"check", dir}, env(nil), io.Discard, &stderr); err != nil {
		t.Errorf("check %s: exit %d, want 0; stderr:\n%s", dir, exitCode(err), stderr.String())
	}
}

func TestCheckMisspeltField(t *testing.T) {
	dir := copyTestdata(t)
	plant(t, filepath.Join(dir, "harbour-choir", "keep-the-hall.yaml"), "summary:", "sumary:")
	var stderr strings.Builder
	err := run(context.Background(), []string{"check", dir}, env(nil), io.Discard, &stderr)
	if got := exitCode(err); got != 1 {
		t.Fatalf("exit code %d, want 1", got)
	}
	file := regexp.QuoteMeta(filepath.Join(dir, "harbour-choir", "keep-the-hall.yaml"))
	want := regexp.MustCompile(`(?m)^` + file + `:2:1: .*did you mean 'summary'`)
	if !want.MatchString(stderr.String()) {
		t.Errorf("stderr lacks %s, got:\n%s", want, stderr.String())
	}
}

func TestCheckReportsEveryProblem(t *testing.T) {
	dir := copyTestdata(t)
	hall := filepath.Join(dir, "harbour-choir", "keep-the-hall.yaml")
	org := filepath.Join(dir, "harbour-choir", "org.yaml")
	plant(t, hall, "summary:", "sumary:")
	plant(t, hall, "date: 2026-10-01", "date: 2026-13-45")
	plant(t, org, "website:", "websit:")
	var stderr strings.Builder
	err := run(context.Background(), []string{"check", dir}, env(nil), io.Discard, &stderr)
	if got := exitCode(err); got != 1 {
		t.Fatalf("exit code %d, want 1", got)
	}
	out := stderr.String()
	for _, want := range []string{
		`(?m)^` + regexp.QuoteMeta(hall) + `:\d+:\d+: .*sumary`,
		`(?m)^` + regexp.QuoteMeta(hall) + `:\d+:\d+: .*2026-13-45`,
		`(?m)^` + regexp.QuoteMeta(org) + `:\d+:\d+: .*websit`,
	} {
		if !regexp.MustCompile(want).MatchString(out) {
			t.Errorf("stderr lacks a line matching %s; got:\n%s", want, out)
		}
	}
	// Without its website the organisation is no longer an example, so its
	// invented addresses are warned about too: count the problems only.
	if !regexp.MustCompile(`3 problems to fix( and \d+ warnings)? in 2 files`).MatchString(out) {
		t.Errorf("stderr lacks the summary '3 problems to fix … in 2 files'; got:\n%s", out)
	}
}

func TestCheckUsage(t *testing.T) {
	for _, args := range [][]string{{"check", "a", "b"}, {"check", "--bogus"}} {
		var stderr strings.Builder
		err := run(context.Background(), args, env(nil), io.Discard, &stderr)
		if got := exitCode(err); got != 2 {
			t.Errorf("run %q: exit code %d, want 2", args, got)
		}
	}
}

func TestServeDevReloads(t *testing.T) {
	dir := copyTestdata(t)
	base, logs := startServeLogs(t, dir, "--dev")
	_, before := fetch(t, base+"/quiet-league/listen-in")
	if !strings.Contains(before, "Listen in") {
		t.Fatalf("page lacks its title before the edit")
	}
	file := filepath.Join(dir, "quiet-league", "listen-in.yaml")
	plant(t, file, "title: Listen in", "title: Listen again")
	// Keep an mtime change visible even on coarse-grained file systems.
	later := time.Now().Add(2 * time.Second)
	if err := os.Chtimes(file, later, later); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(20 * time.Second)
	for {
		_, body := fetch(t, base+"/quiet-league/listen-in")
		if strings.Contains(body, "Listen again") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("--dev did not reload the edited campaign within 20s")
		}
		time.Sleep(20 * time.Millisecond)
	}
	// A broken edit keeps the last good pages serving.
	plant(t, file, "title: Listen again", "titel: Listen again")
	if err := os.Chtimes(file, later.Add(time.Second), later.Add(time.Second)); err != nil {
		t.Fatal(err)
	}
	// The watcher may catch the file half-written first (and report it
	// empty): wait for the report of the finished edit, which must name
	// the broken setting with file:line:col.
	named := regexp.MustCompile(regexp.QuoteMeta(file) + `:\d+:\d+: .*titel`)
	for !strings.Contains(logs.String(), "still serving the last good version") || !named.MatchString(logs.String()) {
		if time.Now().After(deadline) {
			t.Fatalf("--dev did not report the broken edit, naming the setting with file:line:col, within 20s:\n%s", logs.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
	if res, body := fetch(t, base+"/quiet-league/listen-in"); res.StatusCode != 200 || !strings.Contains(body, "Listen again") {
		t.Errorf("after a broken edit: got %d, want the last good page", res.StatusCode)
	}
}
