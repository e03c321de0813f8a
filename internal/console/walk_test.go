package console

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/placard/placard/internal/browsertest"
	"github.com/placard/placard/internal/campaign"
	"github.com/placard/placard/internal/editing"
	"github.com/placard/placard/internal/store"
	"github.com/placard/placard/internal/web"
)

// walk holds what the Chromium walks of the console share: the browser,
// its tab, the server's address, and the walk's own page check (axe,
// reports, screenshots), so the editing steps can run inside more than
// one walk.
type walk struct {
	t     *testing.T
	b     *browsertest.Browser
	tab   context.Context
	base  string
	check func(name string)
}

// writeTestFiles writes testFiles into a new folder, for a walk that edits
// them on disk.
func writeTestFiles(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	for name, text := range testFiles() {
		if err := os.MkdirAll(filepath.Join(dir, filepath.Dir(name)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// serveEditable serves the public site and the console for the campaign
// files in dir on a loopback port, reached as localhost (passkeys need a
// host name, and localhost is a secure context), with the console's
// editor changing those files and reloading the site. It returns the
// address Chromium opens and the server (a walk that wants the tally
// starts its Run).
func serveEditable(t *testing.T, st store.Store, dir string) (base string, srv *web.Server) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	base = "http://localhost:" + fmt.Sprint(ln.Addr().(*net.TCPAddr).Port)
	site, probs := campaign.Load(dir)
	if probs.HasErrors() {
		t.Fatal(probs)
	}
	ws := &editing.Workspace{Dir: dir, Reload: func(string) bool {
		s, probs := campaign.Load(dir)
		return !probs.HasErrors() && srv.SetSite(s) == nil
	}}
	c, err := New(Config{Store: st, BaseURL: base, Site: func() *campaign.Site { return srv.CurrentSite() }, Editing: ws})
	if err != nil {
		t.Fatal(err)
	}
	srv, err = web.New(web.Config{BaseURL: base, Store: st, RateLimit: -1, Admin: c, TallyInterval: 50 * time.Millisecond}, site)
	if err != nil {
		t.Fatal(err)
	}
	hs := &http.Server{Handler: srv}
	go hs.Serve(ln)
	t.Cleanup(func() { hs.Close() })
	return base, srv
}

// wantNoReports fails the test for every error or policy violation the
// tab reported on the page called name, and every request that left the
// site; on the page "refused" the refused save's own 422 is expected.
func wantNoReports(t *testing.T, b *browsertest.Browser, base, name string) {
	t.Helper()
	errs, _, foreign := b.Reports(base)
	for _, e := range errs {
		if name == "refused" && strings.Contains(e.Text, "422") {
			continue // the refused save's own status
		}
		t.Errorf("%s: the page reported %s", name, e)
	}
	for _, f := range foreign {
		t.Errorf("%s: a request left the site: %s", name, f)
	}
}

// step runs one step of the walk with a deadline; a failure ends the test.
func (w *walk) step(name string, run func(ctx context.Context) error) {
	w.t.Helper()
	ctx, cancel := context.WithTimeout(w.tab, 30*time.Second)
	defer cancel()
	if err := run(ctx); err != nil {
		w.t.Fatalf("%s: %v", name, err)
	}
}

// load opens path and wants a 200.
func (w *walk) load(name, path string) {
	w.t.Helper()
	w.step(name, func(ctx context.Context) error {
		res, err := w.b.Load(ctx, w.base+path, 1400, 900, false, true)
		if err == nil && res.Status != 200 {
			err = fmt.Errorf("status %d", res.Status)
		}
		return err
	})
}

// until polls the page's JavaScript expression js until it is true.
func (w *walk) until(ctx context.Context, js string) error {
	for {
		ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool](js))
		if err == nil && ok {
			return nil
		}
		select {
		case <-ctx.Done():
			got, _ := chromedp.Run(w.tab, chromedp.Evaluate[string](`location.href + ' | ' + (document.getElementById('edit-problems') ? document.getElementById('edit-problems').innerText : document.body.innerText.slice(0, 300))`))
			errs, _, _ := w.b.Reports(w.base)
			return fmt.Errorf("waiting for %s: %w (page: %s; reported %v)", js, ctx.Err(), got, errs)
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// setText replaces the editor's text as typing would (an input event).
func (w *walk) setText(ctx context.Context, text string) error {
	_, err := chromedp.Run(ctx, chromedp.Evaluate[bool](fmt.Sprintf(`(() => { const t = document.getElementById('edit-text'); t.value = %q; t.dispatchEvent(new Event('input', {bubbles: true})); return true; })()`, text)))
	return err
}

// click clicks the element sel.
func (w *walk) click(ctx context.Context, sel string) error {
	return chromedp.Do(ctx, chromedp.Click(chromedp.CSS(sel), chromedp.NodeEnabled))
}

// editWonWithMistake is the editing part of the walks: riverside's won.yaml
// (in dir) is opened from the files page, a mistake is typed (listed at
// its line and column as it is typed) and saved (refused: nothing written,
// the mistake at its line), then fixed and saved (the file changed on
// disk, the public page updated). It checks the pages "files", "editor",
// "refused" and "saved".
func (w *walk) editWonWithMistake(dir string) {
	t := w.t
	t.Helper()
	file := filepath.Join(dir, "riverside", "won.yaml")
	read := func() string { b, _ := os.ReadFile(file); return string(b) }
	before := read()

	w.load("files", "/admin/riverside/files")
	w.check("files")
	w.step("open", func(ctx context.Context) error {
		if err := w.click(ctx, `a[href="/admin/riverside/files/won.yaml"]`); err != nil {
			return err
		}
		return w.until(ctx, `location.pathname === '/admin/riverside/files/won.yaml' && document.readyState === 'complete'`)
	})
	w.check("editor")
	bad := strings.Replace(before, "status: victory", "status: victoryy", 1)
	w.step("type a mistake", func(ctx context.Context) error {
		if err := w.setText(ctx, bad); err != nil {
			return err
		}
		return w.until(ctx, `document.getElementById('edit-problems').innerText.includes('Line 3, column 9:')`)
	})
	w.step("save the mistake", func(ctx context.Context) error {
		if err := w.click(ctx, `button[value=save]`); err != nil {
			return err
		}
		return w.until(ctx, `document.readyState === 'complete' && !!document.querySelector('.notice') && document.querySelector('.notice').innerText.includes('Nothing was saved') && document.getElementById('edit-problems').innerText.includes('Line 3, column 9:')`)
	})
	w.check("refused")
	if read() != before {
		t.Fatal("a save with a mistake wrote the file")
	}
	good := strings.Replace(before, "title: We won", "title: We won the vote", 1)
	w.step("fix and save", func(ctx context.Context) error {
		if err := w.setText(ctx, good); err != nil {
			return err
		}
		// No error is left (a victory without outcome: only a warning).
		if err := w.until(ctx, `!document.querySelector('#edit-problems .edit-error') && document.getElementById('edit-problems').innerText.includes('Warning:')`); err != nil {
			return err
		}
		if err := w.click(ctx, `button[value=save]`); err != nil {
			return err
		}
		return w.until(ctx, `location.search === '?saved=live' && document.readyState === 'complete'`)
	})
	w.check("saved")
	if read() != good {
		t.Errorf("the file on disk does not hold the fix:\n%s", read())
	}
	w.load("public page", "/riverside/won")
	w.step("public page updated", func(ctx context.Context) error {
		return w.until(ctx, `document.querySelector('h1').innerText.includes('We won the vote')`)
	})
}
