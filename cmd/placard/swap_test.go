package main

import (
	"bytes"
	"context"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/placard/placard/internal/campaign"
)

// swapLogoOnRead puts in quiet-league's folder a picture it does not
// publish (a real PNG with a secret appended, standing for an embargoed
// file), and has every load, just after harbour-choir's logo passed the
// link check and before its bytes are read, find the logo replaced by a
// link to that picture — as someone who can write harbour-choir's folder
// could do between the two. It returns the secret, the org.yaml naming the
// logo and whether the swap happened.
func swapLogoOnRead(t *testing.T, dir string) ([]byte, string, func() bool) {
	t.Helper()
	secret, logo := plantEmbargoed(t, dir)
	probe := filepath.Join(t.TempDir(), "probe")
	if err := os.Symlink("x", probe); err != nil {
		t.Skipf("this system cannot make symbolic links: %v", err)
	}
	var mu sync.Mutex
	swapped := false
	restore := campaign.SetReadHook(func(file string) {
		if filepath.FromSlash(file) != logo {
			return
		}
		mu.Lock()
		defer mu.Unlock()
		if swapped {
			return
		}
		if err := os.Remove(logo); err != nil {
			t.Error(err)
			return
		}
		if err := os.Symlink(filepath.Join("..", "..", "quiet-league", "assets", "embargoed.png"), logo); err != nil {
			t.Error(err)
			return
		}
		swapped = true
	})
	t.Cleanup(restore)
	return secret, filepath.Join(dir, "harbour-choir", "org.yaml"), func() bool {
		mu.Lock()
		defer mu.Unlock()
		return swapped
	}
}

// swapWant is the message for harbour-choir's logo swapped for a link into
// quiet-league's folder: the check's own.
func swapWant(dir, org string) string {
	return org + ":5:8: 'src' names assets/logo.png, a link to ../../quiet-league/assets/embargoed.png, which leads out of the folder harbour-choir into the folder quiet-league — a link in an organisation's folder may only lead to a file in that same folder, or in the site's assets folder beside site.yaml (for files shared between organisations): copy the file itself into " + filepath.Join(dir, "harbour-choir", "assets") + " instead of linking to it"
}

// TestBuildRefusesLinkSwappedAfterCheck: a logo that passes the link check
// and is then swapped for a link into another organisation's folder before
// build reads it stops the build with the check's own file:line:col
// message, and not one byte of the other organisation's file is written.
func TestBuildRefusesLinkSwappedAfterCheck(t *testing.T) {
	dir := copyTestdata(t)
	secret, org, swapped := swapLogoOnRead(t, dir)
	out := filepath.Join(t.TempDir(), "site")
	var stderr bytes.Buffer
	err := run(context.Background(), []string{"build", out, "--campaigns", dir, "--base-url", buildBase}, env(nil), io.Discard, &stderr)
	if !swapped() {
		t.Fatal("build never read harbour-choir's logo")
	}
	if got := exitCode(err); got != exitFailure {
		t.Errorf("exit code %d, want %d", got, exitFailure)
	}
	if want := swapWant(dir, org) + "\n"; !strings.Contains(stderr.String(), want) {
		t.Errorf("stderr lacks %s; got:\n%s", want, stderr.String())
	}
	_ = filepath.WalkDir(out, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return nil
		}
		if data, _ := os.ReadFile(p); bytes.Contains(data, secret) {
			t.Errorf("%s holds the other organisation's file", p)
		}
		return nil
	})
}

// TestServeReloadRefusesLinkSwappedAfterCheck: on a live site, a reload
// during which the logo, once checked, is swapped for a link into another
// organisation's folder fails with the check's own message; the site keeps
// serving its last good version and no address serves the other
// organisation's file.
func TestServeReloadRefusesLinkSwappedAfterCheck(t *testing.T) {
	dir := copyTestdata(t)
	base, logs := startServeLogs(t, dir, "--dev")
	secret, org, swapped := swapLogoOnRead(t, dir)
	touchLater(t, org, 2*time.Second)
	deadline := time.Now().Add(20 * time.Second)
	for !strings.Contains(logs.String(), "still serving the last good version") {
		if time.Now().After(deadline) {
			t.Fatalf("--dev did not refuse the swapped link within 20s:\n%s", logs.String())
		}
		time.Sleep(200 * time.Millisecond)
	}
	if !swapped() {
		t.Fatal("the reload never read harbour-choir's logo")
	}
	if want := swapWant(dir, org); !strings.Contains(logs.String(), want) {
		t.Errorf("the log lacks %s:\n%s", want, logs.String())
	}
	res, page := fetch(t, base+"/harbour-choir")
	if res.StatusCode != 200 {
		t.Fatalf("the organisation's page: status %d, want 200 (the last good version)", res.StatusCode)
	}
	if strings.Contains(page, string(secret)) {
		t.Error("the organisation's page holds the other organisation's file")
	}
	urls := regexp.MustCompile(`"(/static/[^"?]+)`).FindAllStringSubmatch(page, -1)
	if len(urls) == 0 {
		t.Fatalf("the organisation's page names no /static/ file:\n%s", page)
	}
	for _, m := range urls {
		res, body := fetch(t, base+m[1])
		if res.StatusCode == 200 && strings.Contains(body, string(secret)) {
			t.Errorf("%s serves the other organisation's file", m[1])
		}
	}
}
