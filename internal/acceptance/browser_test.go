package acceptance

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/placard/placard/internal/browsertest"
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
			// A page whose share messages rotate is served as one of a few
			// renderings in turn, so every rendering's length is collected.
			sizes := map[int]bool{}
			for range 10 {
				res, err := http.Get(s.URL + p) // Go asks for gzip and decodes it itself
				if err != nil {
					t.Fatal(err)
				}
				plain, _ := io.ReadAll(res.Body)
				res.Body.Close()
				sizes[len(plain)] = true
			}

			ctx, cancel := context.WithTimeout(b.Context(), 60*time.Second)
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
			if !sizes[got.Dec] || got.Enc <= 0 || got.Enc >= got.Dec {
				t.Errorf("%s: Chromium decoded %d bytes from %d, want one of the page's sizes %v from fewer", p, got.Dec, got.Enc, sizes)
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

// browser is the shared harness's Chromium, with the page checks below.
type browser struct{ *browsertest.Browser }

// startBrowser starts the shared harness's Chromium, or skips (fails under
// CI=true) when Chromium or axe-core is missing.
func startBrowser(t *testing.T) browser { return browser{browsertest.Start(t)} }

// checkPage runs every check on one page, loading it three times: desktop
// with JavaScript, phone with JavaScript, phone without JavaScript.
func (b browser) checkPage(t reporter, origin string, p page) {
	ctx, cancel := context.WithTimeout(b.Context(), 90*time.Second)
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

// load loads addr at the given viewport, checking the document's status.
func (b browser) load(ctx context.Context, t reporter, addr string, p page, w, h int64, mobile, js bool) {
	t.Helper()
	resp, err := b.Load(ctx, addr, w, h, mobile, js)
	if err != nil {
		t.Fatalf("%s: %v", p.Path, err)
	}
	if int(resp.Status) != p.Status {
		t.Errorf("%s: Chromium got status %d, want %d", p.Path, resp.Status, p.Status)
	}
}

// checkReports fails on console errors and on requests to other origins
// since the last load. A 404 page's own "failed to load" entry is expected.
func (b browser) checkReports(t reporter, origin string, p page, when string) {
	t.Helper()
	errs, warnings, foreign := b.Reports(origin)
	for _, m := range errs {
		if p.Status >= 400 && m.Source == "network" && (m.URL == origin+p.Path || m.URL == "") {
			continue // the page itself answered 404 on purpose
		}
		t.Errorf("%s (%s): console error: %s", p.Path, when, m)
	}
	for _, m := range warnings {
		t.Logf("%s (%s): console warning: %s", p.Path, when, m)
	}
	for _, r := range foreign {
		t.Errorf("%s (%s): request to another origin: %s, want only %s", p.Path, when, r, origin)
	}
}

// axe fails on every axe-core violation of WCAG 2.0 A/AA and 2.1 AA.
func (b browser) axe(ctx context.Context, t reporter, p page) {
	t.Helper()
	vs, err := b.Axe(ctx)
	if err != nil {
		t.Fatalf("%s: %v", p.Path, err)
	}
	for _, v := range vs {
		t.Errorf("%s: %s", p.Path, v)
	}
}

// checkOverflow fails when the page scrolls sideways at the phone width, or
// when the page is laid out wider than the phone (no viewport meta tag).
func (b browser) checkOverflow(ctx context.Context, t reporter, p page, when string) {
	t.Helper()
	m, err := b.Overflow(ctx, phoneWidth)
	if err != nil {
		t.Fatalf("%s: %v", p.Path, err)
	}
	wide := m.Out
	if len(wide) == 0 {
		wide = m.Spill
	}
	if m.Inner != phoneWidth {
		// A phone zooms out to fit content wider than the screen, so a page
		// that overflows shows up here as a wider window.
		t.Errorf("%s (%s): window.innerWidth is %d on a %d px phone, want %d: the page is laid out wider than the phone (is <meta name=viewport content=\"width=device-width, initial-scale=1\"> there?); elements sticking out: %v", p.Path, when, m.Inner, phoneWidth, phoneWidth, wide)
	}
	if m.Scroll > m.Inner {
		t.Errorf("%s (%s): page is %d px wide on a %d px phone (scrolls sideways), want ≤ %d; widest elements: %v", p.Path, when, m.Scroll, m.Inner, m.Inner, wide)
	}
}

// checkContent checks, with JavaScript off, that the page has exactly one
// visible h1 with the expected text and that its calls to action are there.
func (b browser) checkContent(ctx context.Context, t reporter, p page) {
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
