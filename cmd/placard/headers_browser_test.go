package main

import (
	"context"
	"fmt"
	"io/fs"
	"mime"
	"net"
	"net/http"
	"os"
	"path"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/placard/placard/internal/browsertest"
)

// staticHost serves the export in out as Netlify would: each file at its
// address, with the headers _headers gives that address (netlifyMatch);
// an address with no file gets 404.html, status 404, under the rules of
// the address asked for.
func staticHost(t *testing.T, out string) http.Handler {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(out, "_headers"))
	if err != nil {
		t.Fatal(err)
	}
	rules := parseHeadersFile(t, string(data))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p := path.Clean(r.URL.Path)
		name := exportFile(p)
		status := http.StatusOK
		body, err := os.ReadFile(filepath.Join(out, filepath.FromSlash(name)))
		if err != nil {
			name, status = "404.html", http.StatusNotFound
			if body, err = os.ReadFile(filepath.Join(out, name)); err != nil {
				http.Error(w, "no 404.html", http.StatusInternalServerError)
				return
			}
		}
		for k, vs := range hostHeaders(rules, headersHosts[0], p) {
			w.Header()[k] = vs
		}
		w.Header().Set("Content-Type", mime.TypeByExtension(path.Ext(name)))
		w.WriteHeader(status)
		_, _ = w.Write(body)
	})
}

// TestExportFramingInBrowser: /* of the export's _headers gives every
// address X-Frame-Options: DENY, embeds included, so that the host's 404
// cannot be framed (TestBuildNotFoundIsNeverFramed). That the embeds are
// still framed by the partner their organisation lists rests on browsers
// ignoring X-Frame-Options when the response's policy has
// frame-ancestors; this proves it in Chromium, with the export served as
// a static host serves it: on a listed partner's page the embed loads
// and sends its height, and a "not found" address framed beside it is
// refused.
func TestExportFramingInBrowser(t *testing.T) {
	b := browsertest.Start(t)
	l1, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	l2, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p1, p2 := "http://"+l1.Addr().String(), "http://"+l2.Addr().String()
	dir := copyTestdata(t)
	orgFile := filepath.Join(dir, "harbour-choir", "org.yaml")
	org, err := os.ReadFile(orgFile)
	if err != nil {
		t.Fatal(err)
	}
	org = append(org, "\nprivacy_policy: https://harbour-choir.example/privacy\nembed_origins:\n  - "+p2+"\n"...)
	if err := os.WriteFile(orgFile, org, 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "site")
	var stderr strings.Builder
	if err := run(t.Context(), []string{"build", out, "--campaigns", dir, "--base-url", p1}, env(nil), &strings.Builder{}, &stderr); err != nil {
		t.Fatalf("placard build: %v\n%s", err, stderr.String())
	}
	var embed string
	_ = filepath.WalkDir(out, func(p string, d fs.DirEntry, err error) error {
		if err == nil && embed == "" && strings.HasSuffix(filepath.ToSlash(p), "/embed/index.html") {
			embed = strings.TrimSuffix(filepath.ToSlash(strings.TrimPrefix(p, out)), "/index.html")
		}
		return err
	})
	if embed == "" {
		t.Fatal("the copy holds no embed")
	}
	serve := func(l net.Listener, h http.Handler) {
		srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
		go func() { _ = srv.Serve(l) }()
		t.Cleanup(func() { _ = srv.Close() })
	}
	serve(l1, staticHost(t, out))
	serve(l2, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprintf(w, `<!doctype html><html lang="en"><head><meta charset="utf-8"><link rel="icon" href="data:,"><title>waiting</title>
<script>window.addEventListener("message", function (e) { if (e.origin === %q) document.title = "embed sent " + e.data; });</script></head>
<body><iframe src="%s%s"></iframe><iframe src="%s/no-such-page"></iframe></body></html>`, p1, p1, embed, p1)
	}))

	ctx, cancel := context.WithTimeout(b.Context(), 60*time.Second)
	defer cancel()
	if _, err := b.Load(ctx, p2, 1000, 800, false, true); err != nil {
		t.Fatal(err)
	}
	// The embed's height arrives once it has loaded in its frame.
	if _, err := chromedp.Run(ctx, chromedp.Poll[bool](`document.title.startsWith("embed sent ")`)); err != nil {
		errs, _, _ := b.Reports(p2)
		t.Fatalf("the embed at %s never sent its height from the partner's page (%v); the browser said: %v", embed, err, errs)
	}
	// The refusal of the other frame is reported when Chromium gets to
	// it: gather what the tab says until it is there (or the test's
	// deadline passes).
	var said []browsertest.Entry
	refused := false
	for !refused {
		errs, warnings, _ := b.Reports(p2)
		for _, e := range append(errs, warnings...) {
			said = append(said, e)
			// Chromium names only the origin it refused ("Refused to
			// display 'http://127.0.0.1:…/' in a frame because it set
			// 'X-Frame-Options' to 'deny'"); the embed, from the same
			// origin, has sent its height, so this is the other frame.
			if strings.Contains(e.Text, "Refused to display '"+p1+"/") && strings.Contains(e.Text, "'X-Frame-Options' to 'deny'") {
				refused = true
			}
		}
		if !refused {
			if err := chromedp.Do(ctx, chromedp.Sleep(100*time.Millisecond)); err != nil {
				t.Fatalf("the framed \"not found\" address was not refused; the browser said: %v", said)
			}
		}
	}
}
