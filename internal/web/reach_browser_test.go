package web

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"github.com/placard/placard/internal/browsertest"
	"github.com/placard/placard/internal/campaign"
)

// recorder keeps every request the server receives: its method, address,
// headers and body, so a test can show what the browser sent.
type recorder struct {
	next http.Handler
	mu   sync.Mutex
	seen []string
}

func (rc *recorder) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	b, _ := io.ReadAll(r.Body)
	var sb strings.Builder
	sb.WriteString(r.Method + " " + r.URL.String() + "\n")
	_ = r.Header.Write(&sb)
	sb.Write(b)
	rc.mu.Lock()
	rc.seen = append(rc.seen, sb.String())
	rc.mu.Unlock()
	r.Body = io.NopCloser(strings.NewReader(string(b)))
	rc.next.ServeHTTP(w, r)
}

func (rc *recorder) take() []string {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	s := rc.seen
	rc.seen = nil
	return s
}

// TestStepTicksStayInTheBrowser: on the example steps campaign in headless
// Chromium, ticking a step survives a reload, the Mastodon server typed
// once is filled in next time, and no request the server receives carries
// either (nor any cookie). The "Share…" button shows only where the
// browser has a share sheet, and hands it the address tagged ?src=share.
func TestStepTicksStayInTheBrowser(t *testing.T) {
	if testing.Short() {
		t.Skip("browser test skipped in -short mode")
	}
	site, ps := campaign.Load(filepath.Join(browsertest.RepoRoot(t), "campaigns"))
	if ps.HasErrors() {
		t.Fatalf("loading the example campaigns: %v", ps)
	}
	s, err := New(Config{BaseURL: "http://127.0.0.1", SiteName: "Act"}, site)
	if err != nil {
		t.Fatal(err)
	}
	rec := &recorder{next: s}
	srv := httptest.NewServer(rec)
	t.Cleanup(srv.Close)
	b := browsertest.Start(t)
	ctx, cancel := context.WithTimeout(b.Context(), 90*time.Second)
	defer cancel()
	addr := srv.URL + "/orrin-delta-network/stand-with-delta-responders"
	eval := func(expr string) string {
		t.Helper()
		v, err := chromedp.Run(ctx, chromedp.Evaluate[string](expr))
		if err != nil {
			t.Fatalf("evaluating %s: %v", expr, err)
		}
		return v
	}
	load := func() {
		t.Helper()
		if _, err := b.Load(ctx, addr, 1280, 900, false, true); err != nil {
			t.Fatal(err)
		}
	}

	load()
	step := eval(`(() => { const b = document.querySelectorAll('button.step-done')[1]; return b && !b.hidden ? b.dataset.step : ''; })()`)
	if step == "" {
		t.Fatalf("the second step's 'done' button is missing or still hidden with JavaScript on")
	}
	eval(`document.querySelector('button.step-done[data-step="` + step + `"]').click(), ''`)
	eval(`(() => { const f = document.querySelector('form.mastodon-form'); f.querySelector('input[name=instance]').value = 'social.example';
		f.dispatchEvent(new Event('submit', {cancelable: true})); return ''; })()`)

	load() // a reload, from the server
	state := eval(`(() => {
		const b = document.querySelector('button.step-done[data-step="` + step + `"]');
		const nav = document.querySelector('.step-nav a[href="#` + step + `"]');
		return [b.closest('li.step').classList.contains('is-done'), b.getAttribute('aria-pressed'),
			nav.classList.contains('is-done'), nav.textContent.includes('(done)'),
			document.querySelectorAll('li.step.is-done').length,
			document.querySelector('form.mastodon-form input[name=instance]').value].join(' ');
	})()`)
	if want := "true true true true 1 social.example"; state != want {
		t.Errorf("after a reload: got %q, want %q (ticked step, pressed button, ticked nav link, one tick, remembered server)", state, want)
	}
	if got := eval(`String((!!navigator.share) === !document.querySelector('button[data-share-url]').hidden)`); got != "true" {
		t.Errorf("the Share… button is shown when the browser has no share sheet, or hidden when it has one")
	}
	// Unticking is remembered too.
	eval(`document.querySelector('button.step-done[data-step="` + step + `"]').click(), ''`)
	load()
	if n := eval(`String(document.querySelectorAll('li.step.is-done').length)`); n != "0" {
		t.Errorf("after unticking and reloading: %s steps ticked, want 0", n)
	}

	// Doing a step ticks it: here, copying the share step's link.
	copied := eval(`(() => { const b = document.querySelector('li.step button[data-copy]'); b.click();
		return b.closest('li.step').querySelector('button.step-done').dataset.step; })()`)
	load()
	if got := eval(`Array.from(document.querySelectorAll('li.step.is-done button.step-done')).map(b => b.dataset.step).join(' ')`); got != copied {
		t.Errorf("after copying the link of step %q and reloading: ticked %q, want just that step", copied, got)
	}

	// Where the browser has a share sheet (stubbed here, so the test does
	// not depend on the platform's), "Share…" appears and hands it the
	// page's address tagged share.
	err = chromedp.Do(ctx, chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := cdp.Call(ctx, tg, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{
			Source: `navigator.share = function (d) { window.__shared = d; return Promise.resolve(); };`})
		return err
	}))
	if err != nil {
		t.Fatal(err)
	}
	load()
	shared := eval(`(() => { const b = document.querySelector('button[data-share-url]'); if (b.hidden) return 'hidden';
		b.click(); return window.__shared ? window.__shared.url : 'not shared'; })()`)
	if !strings.HasSuffix(shared, "/orrin-delta-network/stand-with-delta-responders?src=share") {
		t.Errorf("Share… with a share sheet: got %q, want the page's address with ?src=share", shared)
	}

	errs, _, foreign := b.Reports(srv.URL)
	for _, e := range errs {
		t.Errorf("browser error: %s", e)
	}
	for _, f := range foreign {
		t.Errorf("request to another origin: %s", f)
	}
	reqs := rec.take()
	if len(reqs) < 3 {
		t.Fatalf("the server saw %d requests, want at least the three page loads", len(reqs))
	}
	for _, r := range reqs {
		low := strings.ToLower(r)
		for _, leak := range []string{"cookie:", "social.example", "placard:", "done", "#" + step} {
			if strings.Contains(low, leak) {
				t.Errorf("a request carried %q:\n%s", leak, r)
			}
		}
	}
}
