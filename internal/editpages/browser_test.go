package editpages

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/placard/placard/internal/browsertest"
)

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
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
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
	waitFor("the gutter numbered", fmt.Sprintf(`document.querySelector('.edit-gutter').textContent.trim().split('\n').length === %d`, strings.Count(bad, "\n")+1))
	if e.read("riverside/library.yaml") != before {
		t.Fatal("typing wrote the file")
	}
	good := strings.Replace(before, "title: Library", "title: Live preview title", 1)
	set(good)
	waitFor("no problems", `document.getElementById('edit-problems').innerText.includes('No problems found.')`)
	waitFor("the preview updated", `(() => { const d = document.getElementById('edit-preview').contentDocument; return !!d && !!d.body && d.body.innerText.includes('Live preview title'); })()`)

	vs, err := b.Axe(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range vs {
		t.Errorf("axe: %s", v)
	}
	errs, _, foreign := b.Reports(srv.URL)
	for _, m := range errs {
		// The preview's stylesheet and pictures are the public site's
		// files, which this test server does not serve.
		if strings.Contains(m.Text, "/static/") {
			continue
		}
		t.Errorf("console: %s", m)
	}
	for _, f := range foreign {
		t.Errorf("fetched %s", f)
	}
	if e.read("riverside/library.yaml") != before {
		t.Error("checking and previewing wrote the file")
	}
}
