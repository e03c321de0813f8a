package console

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/placard/placard/internal/accounts"
	"github.com/placard/placard/internal/browsertest"
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
	dir := writeTestFiles(t)
	st := openStore(t)
	base, _ := serveEditable(t, st, dir)
	link, _, err := Invitation(context.Background(), st, base, "riverside", "sam@example.org", accounts.RoleEditor, time.Now())
	if err != nil {
		t.Fatal(err)
	}

	w := &walk{t: t, b: b, tab: b.Context(), base: base}
	w.check = func(name string) {
		t.Helper()
		w.step(name+" axe", func(ctx context.Context) error {
			vs, err := b.Axe(ctx)
			for _, v := range vs {
				t.Errorf("%s: %s", name, v)
			}
			wantNoReports(t, b, base, name)
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

	w.load("invitation", strings.TrimPrefix(link, base))
	w.step("accept", func(ctx context.Context) error {
		if err := w.click(ctx, `form[action="/admin/invite"] button`); err != nil {
			return err
		}
		return w.until(ctx, `location.pathname === '/admin/passkey'`)
	})
	w.editWonWithMistake(dir)
	w.load("files again", "/admin/riverside/files")
	w.step("publish the draft", func(ctx context.Context) error {
		if err := w.click(ctx, `form[action="/admin/riverside/files/draft-petition.yaml/publish"] button`); err != nil {
			return err
		}
		return w.until(ctx, `location.search === '?done=published' && document.readyState === 'complete'`)
	})
	w.check("published")
	if d, _ := os.ReadFile(filepath.Join(dir, "riverside", "draft-petition.yaml")); !strings.Contains(string(d), "status: published") {
		t.Errorf("the draft's file: %s", d)
	}
	w.load("hand-in", "/admin/riverside/files/open-letter.yaml/handin")
	w.check("hand-in")
}
