package web

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/placard/placard/internal/browsertest"
)

// errorSwitchPages are error pages under an organisation in three
// languages, each with its language switcher: two 404s and a 400.
var errorSwitchPages = []struct{ path, accept string }{
	{"/shore/nope", "he"},
	{"/shore/call/ar/nope", "en"},
	{"/shore/call/he/share/mastodon?instance=%3Cb%3E", "ar"},
}

// TestErrorSwitcherBrowser: the error pages whose switcher offers the
// missing address (or the organisation's pages), and a static copy's
// "not found" pages (the organisation's and the site's, from a host that
// answers with the nearest 404.html), have no axe-core violation in
// Chromium and no error from the Nu HTML Checker.
func TestErrorSwitcherBrowser(t *testing.T) {
	if testing.Short() {
		t.Skip("browser test skipped in -short mode")
	}
	java, jar := browsertest.Java(t), browsertest.VNU(t)
	s := notFoundServer(t)
	srv := httptest.NewServer(s)
	t.Cleanup(srv.Close)
	// A static copy on a host that answers a missing address with the
	// nearest 404.html, as Cloudflare Pages does.
	type file struct {
		h    http.Header
		body []byte
	}
	exported := map[string]file{}
	if err := s.Export(func(p string, h http.Header, body []byte) error {
		exported[p] = file{h, body}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	host := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f, ok := exported[r.URL.Path]
		status := http.StatusOK
		if !ok {
			status = http.StatusNotFound
			if f, ok = exported["/shore/404.html"]; !strings.HasPrefix(r.URL.Path, "/shore/") {
				f = exported["/404.html"]
			}
		}
		for k, v := range f.h {
			w.Header()[k] = v
		}
		w.WriteHeader(status)
		_, _ = w.Write(f.body)
	}))
	t.Cleanup(host.Close)
	pages := []struct{ url, accept string }{
		{host.URL + "/shore/nope", "en"},
		{host.URL + "/nobody", "en"},
	}
	for _, p := range errorSwitchPages {
		pages = append(pages, struct{ url, accept string }{srv.URL + p.path, p.accept})
	}
	dir := t.TempDir()
	files := map[string]string{}
	var args []string
	for i, p := range pages {
		req, _ := http.NewRequest("GET", p.url, nil)
		req.Header.Set("Accept-Language", p.accept)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode < 400 {
			t.Fatalf("%s: status %d, want an error page", p.url, res.StatusCode)
		}
		f := filepath.Join(dir, string(rune('a'+i))+".html")
		if err := os.WriteFile(f, b, 0o644); err != nil {
			t.Fatal(err)
		}
		files[f] = p.url
		args = append(args, f)
	}
	canary := filepath.Join(dir, "z-canary.html")
	if err := os.WriteFile(canary, []byte(`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>c</title></head><body><img src="x.png"></body></html>`), 0o644); err != nil {
		t.Fatal(err)
	}
	args = append(args, canary)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, java, append([]string{"-jar", jar, "--errors-only", "--format", "json"}, args...)...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	runErr := cmd.Run() // exit 1 means errors were found: the canary has one
	out := bytes.TrimSpace(stderr.Bytes())
	if len(out) == 0 {
		out = bytes.TrimSpace(stdout.Bytes())
	}
	var report struct {
		Messages []struct {
			Type, URL, Message, Extract string
		} `json:"messages"`
	}
	if err := json.Unmarshal(out, &report); err != nil {
		t.Fatalf("vnu.jar: no JSON report (%v; %v):\n%s", err, runErr, out)
	}
	canaryErrs := 0
	for _, m := range report.Messages {
		if m.Type == "info" {
			continue
		}
		f := strings.TrimPrefix(m.URL, "file:")
		if f == canary {
			canaryErrs++
			continue
		}
		t.Errorf("%s: Nu HTML Checker %s: %s\n\t%s", files[f], m.Type, m.Message, strings.TrimSpace(m.Extract))
	}
	if canaryErrs == 0 {
		t.Errorf("the Nu checker found nothing wrong with the canary: was its report read?\n%s", out)
	}

	b := browsertest.Start(t)
	for _, p := range pages {
		ctx, cancel := context.WithTimeout(b.Context(), 120*time.Second)
		// Chromium sends its own Accept-Language: the address names the
		// language, or the organisation's first is shown; either way the
		// switcher is there.
		if _, err := b.Load(ctx, p.url, 390, 844, true, true); err != nil {
			cancel()
			t.Fatal(err)
		}
		vs, err := b.Axe(ctx)
		if err != nil {
			cancel()
			t.Fatal(err)
		}
		for _, v := range vs {
			t.Errorf("%s: %s", p.url, v)
		}
		origin := srv.URL
		if strings.HasPrefix(p.url, host.URL) {
			origin = host.URL
		}
		_, _, foreign := b.Reports(origin)
		for _, f := range foreign {
			t.Errorf("%s: request to another origin: %s", p.url, f)
		}
		cancel()
	}
}
