package editpages

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/dom"
	"github.com/chromedp/chromedp"

	"github.com/placard/placard/internal/browsertest"
	"github.com/placard/placard/internal/markdown"
	"github.com/placard/placard/internal/site"
)

// shoot saves the window as docs/NAME when PLACARD_SCREENSHOTS=1, for the
// organiser's guide (docs/console-editing.md shows them).
func shoot(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	if os.Getenv("PLACARD_SCREENSHOTS") != "1" {
		return
	}
	png, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
	if err != nil {
		t.Fatalf("screenshot: %v", err)
	}
	if err := os.WriteFile(filepath.Join(browsertest.RepoRoot(t), "docs", name), png, 0o644); err != nil {
		t.Fatal(err)
	}
}

// consolePolicy is the console's own policy (internal/console): the editor
// must work under it, adding only frame-src 'self' for the preview.
const consolePolicy = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"

// TestEditorInChromium: with JavaScript, a mistake typed into the editor is
// listed at its line and column without saving, the fix clears it and the
// preview beside the editor shows the new title; the page passes axe and
// breaks no rule of its policy.
func TestEditorInChromium(t *testing.T) {
	if testing.Short() {
		t.Skip("skipping: runs Chromium, which go test -short does not run")
	}
	e := newEnv(t)
	inner := e.srv.Config.Handler
	// The public site's own files (the preview's stylesheet), as the
	// public server beside the console answers them.
	snap, err := site.Compile(site.Options{Base: "http://127.0.0.1", Files: &site.LazyFiles{}, Now: func() time.Time { return day }}, markdown.New(), e.site, nil)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if f := snap.Static[r.URL.Path]; f != nil {
			f.Serve(w, r)
			return
		}
		if r.URL.Path == "/favicon.ico" { // the console's layout names its own
			w.WriteHeader(http.StatusNoContent)
			return
		}
		r.Header.Set("X-Test-Who", "editor")
		w.Header().Set("Content-Security-Policy", consolePolicy)
		inner.ServeHTTP(w, r)
	}))
	defer srv.Close()
	b := browsertest.Start(t)
	ctx, cancel := context.WithTimeout(b.Context(), 90*time.Second)
	defer cancel()
	before := e.read("riverside/library.yaml")
	if _, err := b.Load(ctx, srv.URL+"/admin/riverside/files/library.yaml", 1400, 900, false, true); err != nil {
		t.Fatal(err)
	}
	set := func(text string) {
		t.Helper()
		js := fmt.Sprintf(`(() => { const t = document.getElementById('edit-text'); t.value = %q; t.dispatchEvent(new Event('input', {bubbles: true})); return true; })()`, text)
		if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](js)); err != nil {
			t.Fatal(err)
		}
	}
	waitFor := func(what, js string) {
		t.Helper()
		deadline := time.Now().Add(30 * time.Second)
		for {
			ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool](js))
			if err == nil && ok {
				return
			}
			if time.Now().After(deadline) {
				got, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`document.getElementById('edit-problems').innerText`))
				t.Fatalf("waiting for %s: %v; problems box: %q", what, err, got)
			}
			chromedp.Do(ctx, chromedp.Sleep(50*time.Millisecond))
		}
	}
	bad := strings.Replace(before, "status: draft", "status: drafty", 1)
	line := 1 + strings.Count(bad[:strings.Index(bad, "status: drafty")], "\n")
	set(bad)
	waitFor("the mistake listed", fmt.Sprintf(`document.getElementById('edit-problems').innerText.includes('Line %d, column 9:')`, line))
	shoot(t, ctx, "console-editor-problem.png")
	waitFor("the gutter numbered", fmt.Sprintf(`document.querySelector('.edit-gutter').textContent.trim().split('\n').length === %d`, strings.Count(bad, "\n")+1))
	if e.read("riverside/library.yaml") != before {
		t.Fatal("typing wrote the file")
	}
	good := strings.Replace(before, "title: Library", "title: Live preview title", 1)
	set(good)
	waitFor("no problems", `document.getElementById('edit-problems').innerText.includes('No problems found.')`)
	// The preview sandboxes itself into an opaque origin, so the console's
	// page cannot reach into it (contentDocument is null); DevTools reads
	// the frame's document to see the new title there.
	for deadline := time.Now().Add(30 * time.Second); ; {
		html, err := previewHTML(ctx)
		if err == nil && strings.Contains(html, "Live preview title") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("waiting for the preview to show the new title: %v; it holds %.300q", err, html)
		}
		chromedp.Do(ctx, chromedp.Sleep(50*time.Millisecond))
	}
	if opaque, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.getElementById('edit-preview').contentDocument === null`)); err != nil || !opaque {
		t.Errorf("the console's page reaches into the preview (%v, %v): it is not sandboxed into an opaque origin", opaque, err)
	}

	shoot(t, ctx, "console-editor-preview.png")

	vs, err := b.Axe(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range vs {
		t.Errorf("axe: %s", v)
	}
	errs, _, foreign := b.Reports(srv.URL)
	for _, m := range errs {
		t.Errorf("console: %s", m)
	}
	for _, f := range foreign {
		t.Errorf("fetched %s", f)
	}
	if e.read("riverside/library.yaml") != before {
		t.Error("checking and previewing wrote the file")
	}

	// The list of files, with its publish, close and date fields, and the
	// hand-in document pass axe too.
	for _, p := range []string{"/admin/riverside/files", "/admin/riverside/files/library.yaml/handin"} {
		if _, err := b.Load(ctx, srv.URL+p, 1400, 900, false, true); err != nil {
			t.Fatal(err)
		}
		vs, err := b.Axe(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, v := range vs {
			t.Errorf("%s: axe: %s", p, v)
		}
		errs, _, _ := b.Reports(srv.URL)
		for _, m := range errs {
			t.Errorf("%s: console: %s", p, m)
		}
	}
}

// previewHTML is the HTML of the document in the editor's preview frame,
// read through DevTools. Sandboxed into an opaque origin, the frame is a
// target of its own (Chromium isolates it in another process), so the page's
// DOM does not reach it: attach to it, read, detach (leaving it open).
func previewHTML(ctx context.Context) (string, error) {
	infos, err := chromedp.Targets(ctx)
	if err != nil {
		return "", err
	}
	var html string
	for _, info := range infos {
		if info.Type != "iframe" || !strings.HasSuffix(info.URL, "/preview") {
			continue
		}
		fctx, cancel := chromedp.NewContext(ctx, chromedp.WithTargetID(info.TargetID), chromedp.WithDetachOnCancel())
		err := chromedp.Do(fctx, chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
			doc, err := cdp.Call(ctx, tg, dom.GetDocument, dom.GetDocumentParams{})
			if err != nil {
				return err
			}
			out, err := cdp.Call(ctx, tg, dom.GetOuterHTML, dom.GetOuterHTMLParams{BackendNodeID: doc.Root.BackendNodeID})
			if err != nil {
				return err
			}
			html = out.OuterHTML
			return nil
		}))
		cancel()
		return html, err
	}
	return "", errors.New("no preview frame among the browser's targets")
}
