package acceptance

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	cdplog "github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

// TestBrowser loads every public page and the 404 page in one headless
// Chromium, reusing one tab, and checks what a reader's browser sees:
//
//   - no console message of level error (console.error, uncaught
//     exceptions, CSP violations, failed loads) on any load;
//   - no request to any origin but the site's own;
//   - zero axe-core violations of WCAG 2.0 A/AA and 2.1 AA at desktop width;
//   - at a 360 px phone width, no sideways scrolling, with and without JavaScript;
//   - with JavaScript off, the h1 and the page's calls to action are visible.
func TestBrowser(t *testing.T) {
	b := startBrowser(t)
	s := startSite(t)
	for _, p := range s.Pages {
		t.Run(p.Name, func(t *testing.T) {
			b.checkPage(t, s.URL, p)
		})
	}
}

// TestBrowserSplicedToken loads every page with a signing form in Chromium
// and checks that the gzip body the server splices together per request (a
// precompressed page with the fresh form token in a stored deflate block)
// is one Chromium decodes: it arrived gzipped, decoded to exactly as many
// bytes as the plain page has, and carries a well-formed token.
func TestBrowserSplicedToken(t *testing.T) {
	b := startBrowser(t)
	s := startSite(t)
	if len(s.Signing) == 0 {
		t.Fatal("no example page has a signing form; want at least the petition and the letter")
	}
	for _, p := range s.Signing {
		t.Run(strings.Trim(strings.ReplaceAll(p, "/", "_"), "_"), func(t *testing.T) {
			res, err := http.Get(s.URL + p) // Go asks for gzip and decodes it itself
			if err != nil {
				t.Fatal(err)
			}
			plain, _ := io.ReadAll(res.Body)
			res.Body.Close()

			ctx, cancel := context.WithTimeout(b.ctx, 60*time.Second)
			defer cancel()
			resp, err := chromedp.Run(ctx, chromedp.NavigateResponse(s.URL+p))
			if err != nil {
				t.Fatalf("loading %s in Chromium: %v", p, err)
			}
			if resp == nil || resp.Status != 200 {
				t.Fatalf("%s: Chromium got %v, want 200", p, resp)
			}
			if enc, _ := resp.Headers["Content-Encoding"].(string); enc != "gzip" {
				t.Errorf("%s: Content-Encoding %q, want gzip (Chromium asks for it)", p, enc)
			}
			const expr = `JSON.stringify({
				enc: performance.getEntriesByType('navigation')[0].encodedBodySize,
				dec: performance.getEntriesByType('navigation')[0].decodedBodySize,
				tokens: Array.from(document.querySelectorAll('input[name=token]')).map(e => e.value),
			})`
			raw, err := chromedp.Run(ctx, chromedp.Evaluate[string](expr))
			if err != nil {
				t.Fatalf("%s: reading the page: %v", p, err)
			}
			var got struct {
				Enc, Dec int
				Tokens   []string
			}
			if err := json.Unmarshal([]byte(raw), &got); err != nil {
				t.Fatal(err)
			}
			if got.Dec != len(plain) || got.Enc <= 0 || got.Enc >= got.Dec {
				t.Errorf("%s: Chromium decoded %d bytes from %d, want %d from fewer", p, got.Dec, got.Enc, len(plain))
			}
			if len(got.Tokens) == 0 {
				t.Errorf("%s: no form token on the page", p)
			}
			for _, tok := range got.Tokens {
				if !tokenShape.MatchString(tok) {
					t.Errorf("%s: token %q, want 32 URL-safe base64 characters", p, tok)
				}
			}
		})
	}
}

// tokenShape is a form token as the web layer writes it.
var tokenShape = regexp.MustCompile(`^[A-Za-z0-9_-]{32}$`)

// reporter is the part of *testing.T the page checks use, so that a test can
// also run them against a deliberately broken page and see them fail.
type reporter interface {
	Helper()
	Errorf(format string, args ...any)
	Fatalf(format string, args ...any)
	Logf(format string, args ...any)
}

// Viewports used by the checks: a desktop window, and the narrowest phone
// the pages must suit.
const (
	desktopWidth, desktopHeight = 1280, 900
	phoneWidth, phoneHeight     = 360, 740
)

// browser is one headless Chromium with one tab that every page reuses, and
// what that tab has reported since the last reset.
type browser struct {
	ctx    context.Context // the tab
	axeSrc string

	mu       sync.Mutex
	messages []consoleEntry
	requests []string
}

// consoleEntry is a console message, exception or browser log entry.
type consoleEntry struct {
	Level  string // "error", "warning", …
	Source string // console-api, exception, or the log entry's source (network, security, …)
	Text   string
	URL    string
	Line   int64
}

func (e consoleEntry) String() string {
	s := fmt.Sprintf("[%s %s] %s", e.Source, e.Level, e.Text)
	if e.URL != "" {
		s += fmt.Sprintf(" (%s:%d)", e.URL, e.Line+1)
	}
	return s
}

// startBrowser starts Debian's Chromium headless with a new temporary
// profile, the flags this machine needs (no background networking: the
// network beyond loopback is closed here), and one tab listening for console
// messages and network requests. It skips, or fails under CI=true, when
// Chromium or axe-core is missing.
func startBrowser(t *testing.T) *browser {
	t.Helper()
	exe, err := lookTool("PLACARD_CHROMIUM", "/usr/bin/chromium", "chromium")
	if err != nil {
		missing(t, "Chromium not found: %v (Debian: apt-get install chromium; or set PLACARD_CHROMIUM)", err)
	}
	axePath := toolFile(t, "PLACARD_AXE", "axe-core/axe.min.js", "axe-core (npm axe-core)")
	axeSrc, err := os.ReadFile(axePath)
	if err != nil {
		t.Fatal(err)
	}

	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(exe),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-extensions", true),
		chromedp.Flag("disable-default-apps", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("metrics-recording-only", true),
		chromedp.Flag("safebrowsing-disable-auto-update", true),
		chromedp.Flag("password-store", "basic"),
		chromedp.UserDataDir(t.TempDir()),
	}
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	t.Cleanup(cancelAlloc)
	ctx, cancelTab := chromedp.NewContext(allocCtx)
	t.Cleanup(cancelTab)

	b := &browser{ctx: ctx, axeSrc: string(axeSrc)}
	// The first Do binds Chromium's life to ctx, so it gets no timeout of its own.
	if err := chromedp.Do(ctx); err != nil { // starts Chromium and opens the tab
		t.Fatalf("starting Chromium %s: %v", exe, err)
	}
	if err := chromedp.Listen(ctx, b.listen); err != nil {
		t.Fatalf("listening to the tab: %v", err)
	}
	return b
}

// listen runs in the tab's read loop for every event: it must return fast.
func (b *browser) listen(ev any) {
	b.mu.Lock()
	defer b.mu.Unlock()
	switch ev := ev.(type) {
	case *runtime.EventConsoleAPICalled:
		level := string(ev.Type)
		if ev.Type == runtime.ConsoleAPICalledTypeAssert {
			level = "error"
		}
		e := consoleEntry{Level: level, Source: "console-api", Text: argsText(ev.Args)}
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
		b.messages = append(b.messages, consoleEntry{Level: "error", Source: "exception", Text: text, URL: d.URL, Line: d.LineNumber})
	case *cdplog.EventEntryAdded:
		e := ev.Entry
		b.messages = append(b.messages, consoleEntry{Level: string(e.Level), Source: string(e.Source), Text: e.Text, URL: e.URL, Line: e.LineNumber})
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

// take returns and clears what the tab reported since the last call.
func (b *browser) take() ([]consoleEntry, []string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	m, r := b.messages, b.requests
	b.messages, b.requests = nil, nil
	return m, r
}

// checkPage runs every check on one page, loading it three times: desktop
// with JavaScript, phone with JavaScript, phone without JavaScript.
func (b *browser) checkPage(t reporter, origin string, p page) {
	ctx, cancel := context.WithTimeout(b.ctx, 90*time.Second)
	defer cancel()
	addr := origin + p.Path

	// 1. Desktop, JavaScript on: load, then axe.
	b.load(ctx, t, addr, p, desktopWidth, desktopHeight, false, true)
	b.axe(ctx, t, p)
	b.checkReports(t, origin, p, "desktop")

	// 2. Phone, JavaScript on: no sideways scrolling.
	b.load(ctx, t, addr, p, phoneWidth, phoneHeight, true, true)
	b.checkOverflow(ctx, t, p, "phone, JavaScript on")
	b.checkReports(t, origin, p, "phone")

	// 3. Phone, JavaScript off: still fits, still shows its heading and calls to action.
	b.load(ctx, t, addr, p, phoneWidth, phoneHeight, true, false)
	b.checkOverflow(ctx, t, p, "phone, JavaScript off")
	b.checkContent(ctx, t, p)
	b.checkReports(t, origin, p, "phone without JavaScript")
}

// load sets the viewport and JavaScript, clears the reports and navigates,
// checking the document's status.
func (b *browser) load(ctx context.Context, t reporter, addr string, p page, w, h int64, mobile, js bool) {
	t.Helper()
	var vopts []chromedp.EmulateViewportOption
	if mobile {
		vopts = append(vopts, chromedp.EmulateMobile)
	}
	err := chromedp.Do(ctx,
		chromedp.EmulateViewport(w, h, vopts...),
		chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
			_, err := cdp.Call(ctx, tg, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: !js})
			return err
		}),
		chromedp.Navigate("about:blank"),
	)
	if err != nil {
		t.Fatalf("%s: preparing the tab: %v", p.Path, err)
	}
	b.take()
	resp, err := chromedp.Run(ctx, chromedp.NavigateResponse(addr))
	if err != nil {
		t.Fatalf("%s: loading in Chromium: %v", p.Path, err)
	}
	if resp == nil {
		t.Fatalf("%s: Chromium saw no response", p.Path)
	}
	if int(resp.Status) != p.Status {
		t.Errorf("%s: Chromium got status %d, want %d", p.Path, resp.Status, p.Status)
	}
}

// checkReports fails on console errors and on requests to other origins
// since the last load. A 404 page's own "failed to load" entry is expected.
func (b *browser) checkReports(t reporter, origin string, p page, when string) {
	t.Helper()
	messages, requests := b.take()
	for _, m := range messages {
		switch {
		case m.Level == "error" && p.Status >= 400 && m.Source == "network" && (m.URL == origin+p.Path || m.URL == ""):
			// The page itself answered 404 on purpose.
		case m.Level == "error":
			t.Errorf("%s (%s): console error: %s", p.Path, when, m)
		case m.Level == "warning":
			t.Logf("%s (%s): console warning: %s", p.Path, when, m)
		}
	}
	for _, r := range requests {
		if !sameOrigin(origin, r) {
			t.Errorf("%s (%s): request to another origin: %s, want only %s", p.Path, when, r, origin)
		}
	}
}

// sameOrigin reports whether raw is served by origin. data: URLs never leave
// the page, so they count as the page's own.
func sameOrigin(origin, raw string) bool {
	u, err := url.Parse(raw)
	if err != nil {
		return false
	}
	if u.Scheme == "data" || raw == "about:blank" {
		return true
	}
	return u.Scheme+"://"+u.Host == origin
}

// axeViolation is the part of an axe-core result the failure message needs.
type axeViolation struct {
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

// axe injects axe-core into the loaded page and fails on every violation of
// WCAG 2.0 A and AA and WCAG 2.1 AA, naming the rule and each element.
func (b *browser) axe(ctx context.Context, t reporter, p page) {
	t.Helper()
	if err := chromedp.Do(ctx, chromedp.Evaluate[chromedp.Void](b.axeSrc)); err != nil {
		t.Fatalf("%s: injecting axe-core: %v", p.Path, err)
	}
	const run = `axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21aa']}, resultTypes: ['violations']})
		.then(r => JSON.stringify(r.violations))`
	raw, err := chromedp.Run(ctx, chromedp.Evaluate[string](run, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("%s: running axe-core: %v", p.Path, err)
	}
	var vs []axeViolation
	if err := json.Unmarshal([]byte(raw), &vs); err != nil {
		t.Fatalf("%s: reading axe-core's result: %v", p.Path, err)
	}
	for _, v := range vs {
		var b strings.Builder
		fmt.Fprintf(&b, "%s: axe-core rule %q (%s): %s — %s", p.Path, v.ID, v.Impact, v.Help, v.URL)
		for _, n := range v.Nodes {
			fmt.Fprintf(&b, "\n\tat %v: %s\n\t\t%s", n.Target, n.HTML, strings.ReplaceAll(n.Summary, "\n", "\n\t\t"))
		}
		t.Errorf("%s", b.String())
	}
}

// checkOverflow fails when the page scrolls sideways at the phone width, or
// when the page is laid out wider than the phone (no viewport meta tag).
func (b *browser) checkOverflow(ctx context.Context, t reporter, p page, when string) {
	t.Helper()
	// The widest elements are those sticking out past the phone's edge with no
	// child that does, or else those whose text spills out: the ones to fix.
	expr := fmt.Sprintf(`(() => {
		const w = %d, out = e => e.getBoundingClientRect().right > w + 1;
		const all = Array.from(document.querySelectorAll('body *'));
		let wide = all.filter(e => out(e) && !Array.from(e.children).some(out));
		if (wide.length === 0) { // text spilling out of a box that itself fits
			wide = all.filter(e => e.scrollWidth > e.clientWidth + 1 && getComputedStyle(e).overflowX === 'visible');
		}
		const name = e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') +
			(typeof e.className === 'string' && e.className.trim() ? '.' + e.className.trim().split(/\s+/).join('.') : '');
		return JSON.stringify({scroll: document.documentElement.scrollWidth, inner: window.innerWidth, wide: wide.slice(0, 5).map(name)});
	})()`, phoneWidth)
	raw, err := chromedp.Run(ctx, chromedp.Evaluate[string](expr))
	if err != nil {
		t.Fatalf("%s: measuring width: %v", p.Path, err)
	}
	var m struct {
		Scroll int      `json:"scroll"`
		Inner  int      `json:"inner"`
		Wide   []string `json:"wide"`
	}
	if err := json.Unmarshal([]byte(raw), &m); err != nil {
		t.Fatalf("%s: reading the width: %v", p.Path, err)
	}
	if m.Inner != phoneWidth {
		// A phone zooms out to fit content wider than the screen, so a page
		// that overflows shows up here as a wider window.
		t.Errorf("%s (%s): window.innerWidth is %d on a %d px phone, want %d: the page is laid out wider than the phone (is <meta name=viewport content=\"width=device-width, initial-scale=1\"> there?); elements past the right edge: %v", p.Path, when, m.Inner, phoneWidth, phoneWidth, m.Wide)
	}
	if m.Scroll > m.Inner {
		t.Errorf("%s (%s): page is %d px wide on a %d px phone (scrolls sideways), want ≤ %d; widest elements: %v", p.Path, when, m.Scroll, m.Inner, m.Inner, m.Wide)
	}
}

// checkContent checks, with JavaScript off, that the page has exactly one
// visible h1 with the expected text and that its calls to action are there.
func (b *browser) checkContent(ctx context.Context, t reporter, p page) {
	t.Helper()
	const expr = `JSON.stringify({
		h1: Array.from(document.querySelectorAll('h1')).map(e => ({text: e.innerText, visible: e.getClientRects().length > 0})),
		text: document.body.innerText,
		homeLink: !!document.querySelector('a[href="/"]'),
	})`
	raw, err := chromedp.Run(ctx, chromedp.Evaluate[string](expr))
	if err != nil {
		t.Fatalf("%s: reading the page without JavaScript: %v", p.Path, err)
	}
	var got struct {
		H1 []struct {
			Text    string `json:"text"`
			Visible bool   `json:"visible"`
		} `json:"h1"`
		Text     string `json:"text"`
		HomeLink bool   `json:"homeLink"`
	}
	if err := json.Unmarshal([]byte(raw), &got); err != nil {
		t.Fatalf("%s: reading the page: %v", p.Path, err)
	}
	if len(got.H1) != 1 {
		t.Errorf("%s: got %d h1 elements, want exactly 1", p.Path, len(got.H1))
	} else {
		h := got.H1[0]
		if !h.Visible || strings.TrimSpace(h.Text) == "" {
			t.Errorf("%s: h1 %q visible=%v without JavaScript, want visible text", p.Path, h.Text, h.Visible)
		}
		if p.H1 != "" && !containsFold(h.Text, p.H1) {
			t.Errorf("%s: h1 is %q, want it to contain %q", p.Path, h.Text, p.H1)
		}
	}
	for _, want := range p.Texts {
		if !containsFold(got.Text, want) {
			t.Errorf("%s: %q is not visible with JavaScript off, want it shown", p.Path, want)
		}
	}
	for _, id := range p.Anchors {
		expr := fmt.Sprintf(`(() => { const e = document.getElementById(%q); return e ? (e.getClientRects().length > 0 && e.innerText.trim().length > 0) : null })()`, id)
		visible, err := chromedp.Run(ctx, chromedp.Evaluate[*bool](expr))
		switch {
		case err != nil:
			t.Errorf("%s: looking for #%s: %v", p.Path, id, err)
		case visible == nil:
			t.Errorf("%s: no element with id %q (the call to action's anchor), want one", p.Path, id)
		case !*visible:
			t.Errorf("%s: call to action #%s is hidden or empty with JavaScript off, want it shown", p.Path, id)
		}
	}
	if p.Status == 404 && !got.HomeLink {
		t.Errorf("%s: 404 page has no link to the site index (a[href=\"/\"]), want one", p.Path)
	}
}

// containsFold reports whether s contains sub, ignoring case and runs of white space
// (CSS may upper-case headings; innerText follows it).
func containsFold(s, sub string) bool {
	norm := func(x string) string { return strings.ToLower(strings.Join(strings.Fields(x), " ")) }
	return strings.Contains(norm(s), norm(sub))
}
