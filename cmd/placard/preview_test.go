package main

import (
	"bufio"
	"context"
	"io"
	"path/filepath"
	"strings"
	"testing"
)

// TestServePreviewKey runs serve with PLACARD_PREVIEW_KEY and shows the
// draft in testdata is a 404 at its address but a noindex page with
// ?preview=KEY; a key shorter than 16 characters is a usage error.
func TestServePreviewKey(t *testing.T) {
	const key = "a-long-preview-key-for-tests"
	args := []string{"serve", "--addr", "127.0.0.1:0", "--campaigns", filepath.Join("testdata", "campaigns"), "--db", filepath.Join(t.TempDir(), "x.db")}
	var stderr lockedBuffer
	if err := run(context.Background(), args, env(map[string]string{"PLACARD_PREVIEW_KEY": "short"}), io.Discard, &stderr); exitCode(err) != 2 || !strings.Contains(stderr.String(), "PLACARD_PREVIEW_KEY") {
		t.Errorf("PLACARD_PREVIEW_KEY=short: exit code %d, want 2 naming PLACARD_PREVIEW_KEY; stderr:\n%s", exitCode(err), stderr.String())
	}

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, args, env(map[string]string{"PLACARD_PREVIEW_KEY": key}), io.Discard, pw)
		pw.Close()
	}()
	sc := bufio.NewScanner(pr)
	var addr string
	for sc.Scan() {
		if m := listenLine.FindStringSubmatch(sc.Text()); m != nil {
			addr = m[1]
			break
		}
	}
	go func() { _, _ = io.Copy(io.Discard, pr) }()
	if addr == "" {
		t.Fatalf("serve did not start: %v", <-done)
	}
	const draft = "/harbour-choir/next-year"
	if res, _ := fetch(t, "http://"+addr+draft); res.StatusCode != 404 {
		t.Errorf("GET %s without the key: got %d, want 404", draft, res.StatusCode)
	}
	if res, _ := fetch(t, "http://"+addr+draft+"?preview=not-the-key-at-all"); res.StatusCode != 404 {
		t.Errorf("GET %s with a wrong key: got %d, want 404", draft, res.StatusCode)
	}
	res, body := fetch(t, "http://"+addr+draft+"?preview="+key)
	if res.StatusCode != 200 {
		t.Errorf("GET %s with the key: got %d, want 200", draft, res.StatusCode)
	}
	if got := res.Header.Get("X-Robots-Tag"); got != "noindex" {
		t.Errorf("preview X-Robots-Tag: got %q, want noindex", got)
	}
	if !strings.Contains(body, `<meta name="robots" content="noindex">`) {
		t.Errorf("preview page lacks the noindex robots meta")
	}
	cancel()
	if err := <-done; err != nil {
		t.Errorf("serve returned %v, want nil", err)
	}
}
