package views

import (
	"context"
	"encoding/json"
	"fmt"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/a-h/templ"
	"github.com/chromedp/chromedp"
	"github.com/placard/placard/internal/browsertest"
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
	b := browsertest.Start(t)
	srv := httptest.NewServer(fixtureSite(t))
	t.Cleanup(srv.Close)

	for _, p := range browserPages() {
		t.Run(p.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(b.Context(), 60*time.Second)
			defer cancel()
			addr := srv.URL + "/" + p.name

			load(ctx, t, b, addr, 1280, 900, false, true)
			vs, err := b.Axe(ctx)
			if err != nil {
				t.Fatal(err)
			}
			for _, v := range vs {
				t.Errorf("%s", v)
			}
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
			report(t, b, srv.URL, "desktop")

			for _, js := range []bool{true, false} {
				load(ctx, t, b, addr, 360, 740, true, js)
				if m, err := b.Overflow(ctx, 360); err != nil {
					t.Fatal(err)
				} else if m.Scroll > 360 || len(m.Out) > 0 {
					t.Errorf("page is %d px wide at a 360 px viewport, want no sideways scrolling; sticking out: %q", m.Scroll, m.Out)
				}
				tapTargets(ctx, t)
				if p.share && !js {
					v, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.querySelector('button[data-copy]').hidden`))
					if err != nil {
						t.Fatal(err)
					}
					if !v {
						t.Errorf("Copy link button: shown without JavaScript, want it hidden (the read-only field is the fallback)")
					}
				}
				report(t, b, srv.URL, fmt.Sprintf("phone, JavaScript %v", js))
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

// load loads addr in the tab at the given viewport and wants it answered 200.
func load(ctx context.Context, t *testing.T, b *browsertest.Browser, addr string, w, h int64, mobile, js bool) {
	t.Helper()
	resp, err := b.Load(ctx, addr, w, h, mobile, js)
	if err != nil {
		t.Fatalf("%s: %v", addr, err)
	}
	if resp.Status != http.StatusOK {
		t.Errorf("%s: got status %d, want 200", addr, resp.Status)
	}
}

// report fails on console errors and requests to other origins since the last load.
func report(t *testing.T, b *browsertest.Browser, origin, when string) {
	t.Helper()
	errs, _, foreign := b.Reports(origin)
	for _, e := range errs {
		t.Errorf("%s: console error: %s", when, e)
	}
	for _, r := range foreign {
		t.Errorf("%s: request to another origin: %s, want only %s", when, r, origin)
	}
}

// tapTargets fails when a link, button or form field is less than 44 px
// tall on the phone. Links inside running text (.prose) are exempt, as
// WCAG's target-size rule exempts inline links; so are card titles, whose
// link covers the whole card, the skip link while it is off screen, and the
// signing form's honeypot, which no one is meant to reach. A checkbox is
// measured with its label (the .check row), since tapping either ticks it.
func tapTargets(ctx context.Context, t *testing.T) {
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
