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

	"github.com/placard/placard/internal/accounts"
	"github.com/placard/placard/internal/browsertest"
	"github.com/placard/placard/internal/campaign"
	"github.com/placard/placard/internal/editing"
	"github.com/placard/placard/internal/web"
)

// TestEditInChromium walks the file editor in the console, in Chromium:
// invitation → the files → a campaign opened, a mistake typed (listed at
// its line and column as it is typed) and saved (refused: nothing written,
// the mistake shown at its line) → fixed and saved (the file changed on
// disk, the public page updated) → a draft published with its button → the
// hand-in document. Every page passes axe-core, reports no error or policy
// violation and loads nothing from another origin. With
// PLACARD_SCREENSHOTS=1 it writes docs/console-files.png.
func TestEditInChromium(t *testing.T) {
	if testing.Short() {
		t.Skip("skipping: runs Chromium, which go test -short does not run")
	}
	b := browsertest.Start(t)
	dir := t.TempDir()
	for name, text := range testFiles() {
		os.MkdirAll(filepath.Join(dir, filepath.Dir(name)), 0o755)
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	st := openStore(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	base := "http://localhost:" + fmt.Sprint(ln.Addr().(*net.TCPAddr).Port)
	loaded, probs := campaign.Load(dir)
	if probs.HasErrors() {
		t.Fatal(probs)
	}
	var srv *web.Server
	ws := &editing.Workspace{Dir: dir, Reload: func(string) bool {
		s, probs := campaign.Load(dir)
		return !probs.HasErrors() && srv.SetSite(s) == nil
	}}
	c, err := New(Config{Store: st, BaseURL: base, Site: func() *campaign.Site { return srv.CurrentSite() }, Editing: ws})
	if err != nil {
		t.Fatal(err)
	}
	srv, err = web.New(web.Config{BaseURL: base, Store: st, RateLimit: -1, Admin: c, TallyInterval: 50 * time.Millisecond}, loaded)
	if err != nil {
		t.Fatal(err)
	}
	hs := &http.Server{Handler: srv}
	go hs.Serve(ln)
	t.Cleanup(func() { hs.Close() })
	link, _, err := Invitation(context.Background(), st, base, "riverside", "sam@example.org", accounts.RoleEditor, time.Now())
	if err != nil {
		t.Fatal(err)
	}

	tab := b.Context()
	step := func(name string, run func(ctx context.Context) error) {
		t.Helper()
		ctx, cancel := context.WithTimeout(tab, 30*time.Second)
		defer cancel()
		if err := run(ctx); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
	}
	check := func(name string) {
		t.Helper()
		step(name+" axe", func(ctx context.Context) error {
			vs, err := b.Axe(ctx)
			for _, v := range vs {
				t.Errorf("%s: %s", name, v)
			}
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
			if err == nil && os.Getenv("PLACARD_SCREENSHOTS") == "1" && name == "files" {
				png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
				if err != nil {
					return err
				}
				return os.WriteFile(filepath.Join(browsertest.RepoRoot(t), "docs", "console-files.png"), png, 0o644)
			}
			return err
		})
	}
	load := func(name, path string) {
		t.Helper()
		step(name, func(ctx context.Context) error {
			res, err := b.Load(ctx, base+path, 1400, 900, false, true)
			if err == nil && res.Status != 200 {
				err = fmt.Errorf("status %d", res.Status)
			}
			return err
		})
	}
	// until polls the page's JavaScript expression js until it is true.
	until := func(ctx context.Context, js string) error {
		for {
			ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool](js))
			if err == nil && ok {
				return nil
			}
			select {
			case <-ctx.Done():
				got, _ := chromedp.Run(tab, chromedp.Evaluate[string](`location.href + ' | ' + (document.getElementById('edit-problems') ? document.getElementById('edit-problems').innerText : document.body.innerText.slice(0, 300))`))
				errs, _, _ := b.Reports(base)
				return fmt.Errorf("waiting for %s: %w (page: %s; reported %v)", js, ctx.Err(), got, errs)
			case <-time.After(50 * time.Millisecond):
			}
		}
	}
	setText := func(ctx context.Context, text string) error {
		_, err := chromedp.Run(ctx, chromedp.Evaluate[bool](fmt.Sprintf(`(() => { const t = document.getElementById('edit-text'); t.value = %q; t.dispatchEvent(new Event('input', {bubbles: true})); return true; })()`, text)))
		return err
	}
	click := func(ctx context.Context, sel string) error {
		return chromedp.Do(ctx, chromedp.Click(chromedp.CSS(sel), chromedp.NodeEnabled))
	}
	file := filepath.Join(dir, "riverside", "won.yaml")
	read := func() string { b, _ := os.ReadFile(file); return string(b) }
	before := read()

	load("invitation", strings.TrimPrefix(link, base))
	step("accept", func(ctx context.Context) error {
		if err := click(ctx, `form[action="/admin/invite"] button`); err != nil {
			return err
		}
		return until(ctx, `location.pathname === '/admin/passkey'`)
	})
	load("files", "/admin/riverside/files")
	check("files")
	step("open", func(ctx context.Context) error {
		if err := click(ctx, `a[href="/admin/riverside/files/won.yaml"]`); err != nil {
			return err
		}
		return until(ctx, `location.pathname === '/admin/riverside/files/won.yaml' && document.readyState === 'complete'`)
	})
	check("editor")
	bad := strings.Replace(before, "status: victory", "status: victoryy", 1)
	step("type a mistake", func(ctx context.Context) error {
		if err := setText(ctx, bad); err != nil {
			return err
		}
		return until(ctx, `document.getElementById('edit-problems').innerText.includes('Line 3, column 9:')`)
	})
	step("save the mistake", func(ctx context.Context) error {
		if err := click(ctx, `button[value=save]`); err != nil {
			return err
		}
		return until(ctx, `document.readyState === 'complete' && !!document.querySelector('.notice') && document.querySelector('.notice').innerText.includes('Nothing was saved') && document.getElementById('edit-problems').innerText.includes('Line 3, column 9:')`)
	})
	check("refused")
	if read() != before {
		t.Fatal("a save with a mistake wrote the file")
	}
	good := strings.Replace(before, "title: We won", "title: We won the vote", 1)
	step("fix and save", func(ctx context.Context) error {
		if err := setText(ctx, good); err != nil {
			return err
		}
		// No error is left (a victory without outcome: only a warning).
		if err := until(ctx, `!document.querySelector('#edit-problems .edit-error') && document.getElementById('edit-problems').innerText.includes('Warning:')`); err != nil {
			return err
		}
		if err := click(ctx, `button[value=save]`); err != nil {
			return err
		}
		return until(ctx, `location.search === '?saved=live' && document.readyState === 'complete'`)
	})
	check("saved")
	if read() != good {
		t.Errorf("the file on disk does not hold the fix:\n%s", read())
	}
	load("public page", "/riverside/won")
	step("public page updated", func(ctx context.Context) error {
		return until(ctx, `document.querySelector('h1').innerText.includes('We won the vote')`)
	})
	load("files again", "/admin/riverside/files")
	step("publish the draft", func(ctx context.Context) error {
		if err := click(ctx, `form[action="/admin/riverside/files/draft-petition.yaml/publish"] button`); err != nil {
			return err
		}
		return until(ctx, `location.search === '?done=published' && document.readyState === 'complete'`)
	})
	check("published")
	if d, _ := os.ReadFile(filepath.Join(dir, "riverside", "draft-petition.yaml")); !strings.Contains(string(d), "status: published") {
		t.Errorf("the draft's file: %s", d)
	}
	load("hand-in", "/admin/riverside/files/open-letter.yaml/handin")
	check("hand-in")
}
