// Package browsertest is the headless-Chromium harness the views and
// acceptance tests share, so both see pages through the same browser, flags
// and measurements. It finds the outside tools, starts Chromium with one
// reused tab that records console messages and requests, and measures a
// loaded page; it returns what it saw and leaves judging to the tests (which
// can then prove their checks fail on a broken page). Only tests import it.
package browsertest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	cdplog "github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"github.com/placard/placard/internal/proctest"
)

// Missing skips the test because a tool is not installed or, under CI=true,
// fails it, so that nothing passes in CI by being skipped. (With go test
// -short, tests that need these tools are skipped before looking: see
// skipShort.)
func Missing(t testing.TB, format string, args ...any) {
	t.Helper()
	msg := fmt.Sprintf(format, args...)
	if os.Getenv("CI") == "true" {
		t.Fatalf("CI=true and %s (.ci/run installs it)", msg)
	}
	t.Skipf("skipping: %s (run .ci/run, or install it, to run this test)", msg)
}

// RepoRoot is the module root, found by walking up from the test's
// directory to go.mod; tests use it to reach campaigns/ and .ci/.
func RepoRoot(t testing.TB) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatalf("no go.mod above %s", dir)
		}
		dir = parent
	}
}

// Chromium, like Java, Axe and VNU, returns a tool's path: the one in
// $PLACARD_CHROMIUM (resp. _JAVA, _AXE, _VNU) if set, else the program on
// PATH or the file npm installs under .ci/node_modules. Each calls Missing
// when the tool is absent.
func Chromium(t testing.TB) string {
	t.Helper()
	return program(t, "PLACARD_CHROMIUM", "Chromium", "Debian: apt-get install chromium", "chromium", "chromium-browser", "google-chrome", "/usr/bin/chromium")
}

// Java runs vnu.jar; see Chromium.
func Java(t testing.TB) string {
	t.Helper()
	return program(t, "PLACARD_JAVA", "Java", "Debian: apt-get install default-jre-headless", "java")
}

// Axe is axe-core's axe.min.js; see Chromium.
func Axe(t testing.TB) string {
	t.Helper()
	return nodeFile(t, "PLACARD_AXE", "axe-core/axe.min.js", "axe-core (npm axe-core)")
}

// VNU is the W3C Nu HTML Checker's vnu.jar; see Chromium.
func VNU(t testing.TB) string {
	t.Helper()
	return nodeFile(t, "PLACARD_VNU", "vnu-jar/build/dist/vnu.jar", "the Nu HTML Checker (npm vnu-jar)")
}

// skipShort skips t under go test -short, which runs no browser or HTML
// checker (make test-short), whether or not they are installed.
func skipShort(t testing.TB, what string) {
	t.Helper()
	if testing.Short() {
		t.Skipf("skipping: needs %s, which go test -short does not run", what)
	}
}

// program finds the executable $env names, else the first of names.
func program(t testing.TB, env, what, hint string, names ...string) string {
	t.Helper()
	skipShort(t, what)
	var err error
	if p := os.Getenv(env); p != "" {
		names = []string{p}
	}
	for _, n := range names {
		var p string
		if p, err = exec.LookPath(n); err == nil {
			return p
		}
	}
	Missing(t, "%s not found: %v (%s; or set %s)", what, err, hint, env)
	return ""
}

// nodeFile finds the file $env names, else rel under .ci/node_modules.
func nodeFile(t testing.TB, env, rel, what string) string {
	t.Helper()
	skipShort(t, what)
	path := os.Getenv(env)
	if path == "" {
		path = filepath.Join(RepoRoot(t), ".ci", "node_modules", filepath.FromSlash(rel))
	}
	if _, err := os.Stat(path); err != nil {
		Missing(t, "%s not found at %s (npm ci --prefix .ci, or set %s)", what, path, env)
	}
	return path
}

// Browser is one headless Chromium with one tab that every load reuses
// (starting Chromium takes far longer than a page), and what that tab has
// reported since the last load. It is safe to use from one test at a time.
type Browser struct {
	ctx     context.Context // the tab
	axeSrc  string
	profile string // the browser's profile folder, on every one of its processes' command lines

	mu       sync.Mutex
	messages []Entry
	requests []string
}

// Entry is a console message, uncaught exception or browser log entry (a
// CSP violation, a failed load) the tab reported.
type Entry struct {
	Level  string // "error", "warning", …
	Source string // console-api, exception, or the log entry's source (network, security, …)
	Text   string
	URL    string
	Line   int64 // zero-based
}

// String is the entry as a failure message shows it.
func (e Entry) String() string {
	s := fmt.Sprintf("[%s %s] %s", e.Source, e.Level, e.Text)
	if e.URL != "" {
		s += fmt.Sprintf(" (%s:%d)", e.URL, e.Line+1)
	}
	return s
}

// Start starts Chromium headless with a new temporary profile and the flags
// this machine needs (no background networking: the network beyond loopback
// is closed here), opens the tab and starts recording its events. It calls
// Missing when Chromium or axe-core is not installed. The browser closes when
// the test ends.
func Start(t testing.TB) *Browser {
	t.Helper()
	exe := Chromium(t)
	axeSrc, err := os.ReadFile(Axe(t))
	if err != nil {
		t.Fatal(err)
	}
	profile := t.TempDir()
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(exe), chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU,
		chromedp.NoFirstRun, chromedp.NoDefaultBrowserCheck,
		chromedp.UserDataDir(profile),
	}
	for _, f := range []string{"disable-background-networking", "disable-component-update", "disable-sync",
		"disable-quic", "disable-extensions", "disable-default-apps", "disable-dev-shm-usage",
		"metrics-recording-only", "safebrowsing-disable-auto-update"} {
		opts = append(opts, chromedp.Flag(f, true))
	}
	opts = append(opts, chromedp.Flag("password-store", "basic"))
	// Last of all (cleanups run in reverse): no process of this browser
	// may outlive the test. chromedp kills the main process when the
	// allocator ends, but with a profile folder of our own it does not
	// look for the children that can outlive it (the zygote, the network
	// service); every one of them has the folder on its command line.
	t.Cleanup(func() { proctest.Leftovers(t, 0, "--user-data-dir="+profile) })
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	t.Cleanup(cancelAlloc)
	ctx, cancelTab := chromedp.NewContext(allocCtx)
	t.Cleanup(cancelTab)

	b := &Browser{ctx: ctx, axeSrc: string(axeSrc), profile: profile}
	// The first Do starts Chromium and binds its life to ctx, so it gets no
	// timeout of its own.
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("starting Chromium %s: %v", exe, err)
	}
	if err := chromedp.Listen(ctx, b.listen); err != nil {
		t.Fatalf("listening to the tab: %v", err)
	}
	return b
}

// Context is the tab: derive a context with a timeout from it for each page.
func (b *Browser) Context() context.Context { return b.ctx }

// listen runs in the tab's read loop for every event: it must return fast.
func (b *Browser) listen(ev any) {
	b.mu.Lock()
	defer b.mu.Unlock()
	switch ev := ev.(type) {
	case *runtime.EventConsoleAPICalled:
		level := string(ev.Type)
		if ev.Type == runtime.ConsoleAPICalledTypeAssert {
			level = "error"
		}
		e := Entry{Level: level, Source: "console-api", Text: argsText(ev.Args)}
		if ev.StackTrace != nil && len(ev.StackTrace.CallFrames) > 0 {
			e.URL, e.Line = ev.StackTrace.CallFrames[0].URL, ev.StackTrace.CallFrames[0].LineNumber
		}
		b.messages = append(b.messages, e)
	case *runtime.EventExceptionThrown:
		d := ev.ExceptionDetails
		text := d.Text
		if d.Exception != nil && d.Exception.Description != "" {
			text += " " + d.Exception.Description
		}
		b.messages = append(b.messages, Entry{Level: "error", Source: "exception", Text: text, URL: d.URL, Line: d.LineNumber})
	case *cdplog.EventEntryAdded:
		e := ev.Entry
		b.messages = append(b.messages, Entry{Level: string(e.Level), Source: string(e.Source), Text: e.Text, URL: e.URL, Line: e.LineNumber})
	case *network.EventRequestWillBeSent:
		b.requests = append(b.requests, ev.Request.URL)
	}
}

// argsText is the text of a console API call's arguments.
func argsText(args []*runtime.RemoteObject) string {
	var parts []string
	for _, a := range args {
		var s string
		if a.Type == runtime.RemoteObjectTypeString && json.Unmarshal(a.Value, &s) == nil {
			parts = append(parts, s)
		} else if a.Description != "" {
			parts = append(parts, a.Description)
		} else {
			parts = append(parts, string(a.Value))
		}
	}
	return strings.Join(parts, " ")
}

// Load sets the viewport (with mobile emulation when mobile) and turns
// JavaScript on or off, forgets what the tab reported so far, and navigates
// to addr, returning the document's response.
//
// The tab asks for reduced motion (prefers-reduced-motion: reduce), so a
// page's scroll-behavior: smooth is off: chromedp.Click scrolls the element
// into view and clicks where it is at that moment, and a smooth scroll
// still moving then (to the #fragment of addr, say) made the click land
// where the element had been, more often the busier the machine.
func (b *Browser) Load(ctx context.Context, addr string, w, h int64, mobile, js bool) (*network.Response, error) {
	var vopts []chromedp.EmulateViewportOption
	if mobile {
		vopts = append(vopts, chromedp.EmulateMobile)
	}
	err := chromedp.Do(ctx,
		chromedp.EmulateViewport(w, h, vopts...),
		chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
			_, err := cdp.Call(ctx, tg, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: !js})
			if err != nil {
				return err
			}
			_, err = cdp.Call(ctx, tg, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{
				Features: []*emulation.MediaFeature{{Name: "prefers-reduced-motion", Value: "reduce"}}})
			return err
		}),
		chromedp.Navigate("about:blank"),
	)
	if err != nil {
		return nil, fmt.Errorf("preparing the tab: %w", err)
	}
	b.Reports("")
	resp, err := chromedp.Run(ctx, chromedp.NavigateResponse(addr))
	if err != nil {
		return nil, fmt.Errorf("loading in Chromium: %w", err)
	}
	if resp == nil {
		return nil, errors.New("Chromium saw no response")
	}
	return resp, nil
}

// Reports returns, and forgets, what the tab reported since the last load or
// call: its console messages of level error and warning, and the requests to
// any origin but origin (scheme://host:port).
func (b *Browser) Reports(origin string) (errs, warnings []Entry, foreign []string) {
	b.mu.Lock()
	messages, requests := b.messages, b.requests
	b.messages, b.requests = nil, nil
	b.mu.Unlock()
	for _, m := range messages {
		switch m.Level {
		case "error":
			errs = append(errs, m)
		case "warning":
			warnings = append(warnings, m)
		}
	}
	for _, r := range requests {
		if !SameOrigin(origin, r) {
			foreign = append(foreign, r)
		}
	}
	return errs, warnings, foreign
}

// SameOrigin reports whether raw is served by origin. data: URLs and
// about:blank never leave the page, so they count as the page's own.
func SameOrigin(origin, raw string) bool {
	u, err := url.Parse(raw)
	if err != nil {
		return false
	}
	if u.Scheme == "data" || raw == "about:blank" {
		return true
	}
	return u.Scheme+"://"+u.Host == origin
}

// Violation is the part of an axe-core result a failure message needs.
type Violation struct {
	ID     string `json:"id"`
	Impact string `json:"impact"`
	Help   string `json:"help"`
	URL    string `json:"helpUrl"`
	Nodes  []struct {
		Target  []any  `json:"target"`
		HTML    string `json:"html"`
		Summary string `json:"failureSummary"`
	} `json:"nodes"`
}

// String names the rule and each offending element with axe-core's advice.
func (v Violation) String() string {
	var s strings.Builder
	fmt.Fprintf(&s, "axe-core rule %q (%s): %s — %s", v.ID, v.Impact, v.Help, v.URL)
	for _, n := range v.Nodes {
		fmt.Fprintf(&s, "\n\tat %v: %s\n\t\t%s", n.Target, n.HTML, strings.ReplaceAll(n.Summary, "\n", "\n\t\t"))
	}
	return s.String()
}

// Axe injects axe-core into the loaded page (JavaScript must be on) and
// returns its violations of WCAG 2.0 A and AA and WCAG 2.1 AA.
func (b *Browser) Axe(ctx context.Context) ([]Violation, error) {
	if err := chromedp.Do(ctx, chromedp.Evaluate[chromedp.Void](b.axeSrc)); err != nil {
		return nil, fmt.Errorf("injecting axe-core: %w", err)
	}
	const run = `axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21aa']}, resultTypes: ['violations']})
		.then(r => JSON.stringify(r.violations))`
	raw, err := chromedp.Run(ctx, chromedp.Evaluate[string](run, chromedp.EvalAwaitPromise))
	if err != nil {
		return nil, fmt.Errorf("running axe-core: %w", err)
	}
	var vs []Violation
	if err := json.Unmarshal([]byte(raw), &vs); err != nil {
		return nil, fmt.Errorf("reading axe-core's result: %w", err)
	}
	return vs, nil
}

// Width is how the loaded page fits a window w px wide: the document's
// scroll width, the window's inner width (a phone zooms out to fit a page
// laid out wider than its screen: Inner > w), the elements past the left or
// right edge with no child that is (the ones to fix), and, only when there
// are none, the elements whose text spills out of a box that itself fits.
type Width struct {
	Scroll, Inner int
	Out, Spill    []string
}

// Overflow measures how the loaded page fits a window w px wide, naming up
// to five offenders of each kind as tag#id.class.
func (b *Browser) Overflow(ctx context.Context, w int) (Width, error) {
	expr := fmt.Sprintf(`(() => {
		const w = %d, out = e => { const r = e.getBoundingClientRect(); return r.right > w + 1 || r.left < -1; };
		const all = Array.from(document.querySelectorAll('body *'));
		const wide = all.filter(e => out(e) && !Array.from(e.children).some(out));
		const spill = wide.length ? [] : all.filter(e => e.scrollWidth > e.clientWidth + 1 && getComputedStyle(e).overflowX === 'visible');
		const name = e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') +
			(typeof e.className === 'string' && e.className.trim() ? '.' + e.className.trim().split(/\s+/).join('.') : '');
		return JSON.stringify({scroll: document.documentElement.scrollWidth, inner: window.innerWidth,
			out: wide.slice(0, 5).map(name), spill: spill.slice(0, 5).map(name)});
	})()`, w)
	raw, err := chromedp.Run(ctx, chromedp.Evaluate[string](expr))
	if err != nil {
		return Width{}, fmt.Errorf("measuring width: %w", err)
	}
	var m Width
	if err := json.Unmarshal([]byte(raw), &m); err != nil {
		return Width{}, fmt.Errorf("reading the width: %w", err)
	}
	return m, nil
}
