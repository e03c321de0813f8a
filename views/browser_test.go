package views

import (
	"context"
	"encoding/json"
	"fmt"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/a-h/templ"
	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

// TestBrowser loads every fixture page, with the real stylesheet and
// script, in headless Chromium and checks what only a browser can: zero
// axe-core violations (WCAG 2.0 A/AA, 2.1 AA), no sideways scrolling on a
// 360 px phone with and without JavaScript, no script error, no request to
// another origin, tap targets at least 44 px tall on the phone, and the
// Copy link button revealed only when JavaScript runs, and focus on a re-shown
// form's error summary. Right-to-left copies of the campaign page and the
// re-shown signing form go through the same
// checks. It skips when Chromium or axe-core is missing, except under
// CI=true, where that is a failure.
func TestBrowser(t *testing.T) {
	if testing.Short() {
		t.Skip("browser test skipped in -short mode")
	}
	exe := findChromium()
	axePath := findTool("PLACARD_AXE", "axe-core/axe.min.js")
	if exe == "" || axePath == "" {
		msg := "Chromium or axe-core not found: apt-get install chromium; npm ci --prefix .ci (or set PLACARD_AXE to axe.min.js)"
		if os.Getenv("CI") == "true" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	axeSrc, err := os.ReadFile(axePath)
	if err != nil {
		t.Fatal(err)
	}

	srv := httptest.NewServer(fixtureSite(t))
	t.Cleanup(srv.Close)

	b := newTestBrowser(t, exe)
	for _, p := range browserPages() {
		t.Run(p.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(b.ctx, 60*time.Second)
			defer cancel()
			addr := srv.URL + "/" + p.name

			b.load(ctx, t, addr, 1280, 900, false, true)
			b.axe(ctx, t, string(axeSrc))
			if p.name == "sign" {
				// A form shown again with problems starts the reader at its summary.
				cls, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.activeElement.className`))
				if err != nil {
					t.Fatal(err)
				}
				if cls != "error-summary" {
					t.Errorf("focused element on the re-shown form: got class %q, want the error summary", cls)
				}
			}
			if p.share {
				hidden, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.querySelector('button[data-copy]').hidden`))
				if err != nil {
					t.Fatal(err)
				}
				if hidden {
					t.Errorf("Copy link button: still hidden with JavaScript on, want app.js to reveal it")
				}
				// Clicking it copies (or, where the browser refuses, selects
				// the link) and says so in the status line.
				const click = `new Promise(done => {
					const b = document.querySelector('button[data-copy]');
					const s = b.closest('.copy-link').querySelector('[role=status]');
					b.click();
					const wait = n => s.textContent || n === 0 ? done(s.textContent) : setTimeout(() => wait(n - 1), 50);
					wait(40);
				})`
				said, err := chromedp.Run(ctx, chromedp.Evaluate[string](click, chromedp.EvalAwaitPromise))
				if err != nil {
					t.Fatal(err)
				}
				if !strings.Contains(said, "copied") && !strings.Contains(said, "selected") {
					t.Errorf("after clicking Copy link the status says %q, want that the link was copied or selected", said)
				}
			}
			b.report(t, srv.URL, "desktop")

			for _, js := range []bool{true, false} {
				b.load(ctx, t, addr, 360, 740, true, js)
				b.overflow(ctx, t, 360)
				b.tapTargets(ctx, t)
				if p.share && !js {
					v, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.querySelector('button[data-copy]').hidden`))
					if err != nil {
						t.Fatal(err)
					}
					if !v {
						t.Errorf("Copy link button: shown without JavaScript, want it hidden (the read-only field is the fallback)")
					}
				}
				b.report(t, srv.URL, fmt.Sprintf("phone, JavaScript %v", js))
			}
		})
	}
}

// browserPage is a page the browser test loads, by name.
type browserPage struct {
	name  string
	c     templ.Component
	share bool
}

// browserPages are every fixture page plus right-to-left copies of a
// campaign page and of the re-shown signing form.
func browserPages() []browserPage {
	var ps []browserPage
	for _, p := range pages() {
		ps = append(ps, browserPage{name: p.name, c: p.c, share: strings.HasPrefix(p.name, "campaign-") && p.name != "campaign-closed"})
	}
	rtl := stepsFixture()
	rtl.Page.Lang, rtl.Page.Dir = "ar", "rtl"
	ps = append(ps, browserPage{name: "campaign-rtl", c: CampaignPage(rtl), share: true})
	// The signing form with its errors, right to left.
	sign := signFixture()
	sign.Page.Lang, sign.Page.Dir = "ar", "rtl"
	ps = append(ps, browserPage{name: "sign-rtl", c: SignPage(sign)})
	return ps
}

// fixtureSite serves the fixture pages at /{name}, the real stylesheet and
// script at the fixtures' hashed addresses, and a small picture for every
// other /static/ address the fixtures name.
func fixtureSite(t *testing.T) http.Handler {
	t.Helper()
	mux := http.NewServeMux()
	for _, p := range browserPages() {
		html := render(t, p.c)
		mux.HandleFunc("GET /"+p.name, func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			fmt.Fprint(w, html)
		})
	}
	static := map[string]string{"/static/style.3f2a9c1d.css": "style.css", "/static/app.8e1b7d20.js": "app.js"}
	mux.HandleFunc("GET /static/", func(w http.ResponseWriter, r *http.Request) {
		if name, ok := static[r.URL.Path]; ok {
			b, err := fs.ReadFile(Static, name)
			if err != nil {
				http.Error(w, err.Error(), 500)
				return
			}
			if strings.HasSuffix(name, ".css") {
				w.Header().Set("Content-Type", "text/css")
			} else {
				w.Header().Set("Content-Type", "text/javascript")
			}
			w.Write(b)
			return
		}
		w.Header().Set("Content-Type", "image/svg+xml")
		fmt.Fprint(w, `<svg xmlns="http://www.w3.org/2000/svg" width="120" height="60"><rect width="120" height="60" fill="#789"/></svg>`)
	})
	mux.HandleFunc("GET /favicon.ico", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusNoContent) })
	return mux
}

// testBrowser is one Chromium tab with what it reported since the last load.
type testBrowser struct {
	ctx context.Context

	mu       sync.Mutex
	errors   []string
	requests []string
}

func newTestBrowser(t *testing.T, exe string) *testBrowser {
	t.Helper()
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(exe), chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU,
		chromedp.NoFirstRun, chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.UserDataDir(t.TempDir()),
	}
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	t.Cleanup(cancelAlloc)
	ctx, cancelTab := chromedp.NewContext(allocCtx)
	t.Cleanup(cancelTab)
	b := &testBrowser{ctx: ctx}
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("starting Chromium %s: %v", exe, err)
	}
	if err := chromedp.Listen(ctx, b.listen); err != nil {
		t.Fatalf("listening to the tab: %v", err)
	}
	return b
}

// listen records script errors and every request; it runs in the tab's read loop.
func (b *testBrowser) listen(ev any) {
	b.mu.Lock()
	defer b.mu.Unlock()
	switch ev := ev.(type) {
	case *runtime.EventExceptionThrown:
		d := ev.ExceptionDetails
		msg := d.Text
		if d.Exception != nil {
			msg += " " + d.Exception.Description
		}
		b.errors = append(b.errors, msg)
	case *runtime.EventConsoleAPICalled:
		if ev.Type == runtime.ConsoleAPICalledTypeError {
			b.errors = append(b.errors, "console.error")
		}
	case *network.EventRequestWillBeSent:
		b.requests = append(b.requests, ev.Request.URL)
	}
}

// load sets the viewport and JavaScript on or off, then navigates to addr.
func (b *testBrowser) load(ctx context.Context, t *testing.T, addr string, w, h int64, mobile, js bool) {
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
		t.Fatalf("preparing the tab: %v", err)
	}
	b.mu.Lock()
	b.errors, b.requests = nil, nil
	b.mu.Unlock()
	if err := chromedp.Do(ctx, chromedp.Navigate(addr)); err != nil {
		t.Fatalf("loading %s: %v", addr, err)
	}
}

// report fails on script errors and requests to other origins since the last load.
func (b *testBrowser) report(t *testing.T, origin, when string) {
	t.Helper()
	b.mu.Lock()
	errs, reqs := b.errors, b.requests
	b.mu.Unlock()
	for _, e := range errs {
		t.Errorf("%s: script error: %s", when, e)
	}
	o, _ := url.Parse(origin)
	for _, r := range reqs {
		u, err := url.Parse(r)
		if err != nil || (u.Host != o.Host && r != "about:blank") {
			t.Errorf("%s: request to another origin: %s, want only %s", when, r, origin)
		}
	}
}

// axe runs axe-core on the loaded page and fails on every violation, naming
// the rule and the elements.
func (b *testBrowser) axe(ctx context.Context, t *testing.T, src string) {
	t.Helper()
	if err := chromedp.Do(ctx, chromedp.Evaluate[chromedp.Void](src)); err != nil {
		t.Fatalf("injecting axe-core: %v", err)
	}
	const run = `axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21aa']}, resultTypes: ['violations']})
		.then(r => JSON.stringify(r.violations.map(v => ({id: v.id, help: v.help, nodes: v.nodes.map(n => n.html + ' — ' + n.failureSummary)}))))`
	raw, err := chromedp.Run(ctx, chromedp.Evaluate[string](run, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("running axe-core: %v", err)
	}
	var vs []struct {
		ID, Help string
		Nodes    []string
	}
	if err := json.Unmarshal([]byte(raw), &vs); err != nil {
		t.Fatalf("reading axe-core's result: %v", err)
	}
	for _, v := range vs {
		t.Errorf("axe-core %s: %s\n\t%s", v.ID, v.Help, strings.Join(v.Nodes, "\n\t"))
	}
}

// overflow fails when the page scrolls sideways at width w, naming the
// widest elements that stick out.
func (b *testBrowser) overflow(ctx context.Context, t *testing.T, w int) {
	t.Helper()
	expr := fmt.Sprintf(`(() => {
		const w = %d, out = e => { const r = e.getBoundingClientRect(); return r.right > w + 1 || r.left < -1; };
		const wide = Array.from(document.querySelectorAll('body *')).filter(e => out(e) && !Array.from(e.children).some(out));
		return JSON.stringify({scroll: document.documentElement.scrollWidth, wide: wide.slice(0, 5).map(e => e.outerHTML.slice(0, 120))});
	})()`, w)
	raw, err := chromedp.Run(ctx, chromedp.Evaluate[string](expr))
	if err != nil {
		t.Fatalf("measuring width: %v", err)
	}
	var m struct {
		Scroll int
		Wide   []string
	}
	if err := json.Unmarshal([]byte(raw), &m); err != nil {
		t.Fatal(err)
	}
	if m.Scroll > w || len(m.Wide) > 0 {
		t.Errorf("page is %d px wide at a %d px viewport, want no sideways scrolling; sticking out: %q", m.Scroll, w, m.Wide)
	}
}

// tapTargets fails when a link, button or form field is less than 44 px
// tall on the phone. Links inside running text (.prose) are exempt, as
// WCAG's target-size rule exempts inline links; so are card titles, whose
// link covers the whole card, the skip link while it is off screen, and the
// signing form's honeypot, which no one is meant to reach. A checkbox is
// measured with its label (the .check row), since tapping either ticks it.
func (b *testBrowser) tapTargets(ctx context.Context, t *testing.T) {
	t.Helper()
	const expr = `JSON.stringify(Array.from(document.querySelectorAll('a, button, input:not([type=hidden]), select, textarea'))
		.filter(e => !e.closest('.prose, .skip, .card-title, [hidden], .hp'))
		.map(e => e.type === 'checkbox' && e.closest('.check') ? e.closest('.check') : e)
		.map(e => [e.getBoundingClientRect().height, e.outerHTML.slice(0, 100)])
		.filter(([h]) => h > 0 && h < 44))`
	raw, err := chromedp.Run(ctx, chromedp.Evaluate[string](expr))
	if err != nil {
		t.Fatalf("measuring tap targets: %v", err)
	}
	var small [][2]any
	if err := json.Unmarshal([]byte(raw), &small); err != nil {
		t.Fatal(err)
	}
	for _, s := range small {
		t.Errorf("tap target %.0f px tall, want at least 44: %v", s[0], s[1])
	}
}

// findChromium returns the Chromium executable, or "".
func findChromium() string {
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

// findTool returns the file named by $env, or rel inside a node_modules or
// .ci/node_modules folder of this package or one of its parents, or "".
func findTool(env, rel string) string {
	if p := os.Getenv(env); p != "" {
		return p
	}
	dir, _ := filepath.Abs(".")
	for {
		for _, nm := range []string{filepath.Join(dir, ".ci", "node_modules"), filepath.Join(dir, "node_modules")} {
			if p := filepath.Join(nm, filepath.FromSlash(rel)); fileExists(p) {
				return p
			}
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return ""
		}
		dir = parent
	}
}

func fileExists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}
