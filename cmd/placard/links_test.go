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
	"testing"
	"time"
)

// linkOutside replaces harbour-choir's logo with a symbolic link to a
// file outside the campaigns folder (a real PNG with secret appended, so
// the picture still reads) and returns the org.yaml naming the logo.
func linkOutside(t *testing.T, dir string, secret []byte) string {
	t.Helper()
	logo := filepath.Join(dir, "harbour-choir", "assets", "logo.png")
	png, err := os.ReadFile(logo)
	if err != nil {
		t.Fatal(err)
	}
	outside := filepath.Join(t.TempDir(), "placard.db.png")
	if err := os.WriteFile(outside, append(png, secret...), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(logo); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(outside, logo); err != nil {
		t.Skipf("this system cannot make symbolic links: %v", err)
	}
	return filepath.Join(dir, "harbour-choir", "org.yaml")
}

// refusedByEveryCommand checks that check, build and serve each stop on
// the campaigns in dir with exit code 1 and want in their stderr, and that
// build writes no file holding secret (what names it in a failure).
func refusedByEveryCommand(t *testing.T, dir string, want *regexp.Regexp, secret []byte, what string) {
	t.Helper()
	t.Run("check", func(t *testing.T) {
		var stdout, stderr bytes.Buffer
		err := run(context.Background(), []string{"check", dir}, env(nil), &stdout, &stderr)
		if got := exitCode(err); got != exitFailure {
			t.Fatalf("exit code %d, want %d; stdout:\n%s", got, exitFailure, stdout.String())
		}
		if !want.MatchString(stderr.String()) {
			t.Errorf("stderr lacks %s; got:\n%s", want, stderr.String())
		}
	})
	t.Run("build", func(t *testing.T) {
		out := filepath.Join(t.TempDir(), "site")
		var stderr bytes.Buffer
		err := run(context.Background(), []string{"build", out, "--campaigns", dir, "--base-url", buildBase}, env(nil), io.Discard, &stderr)
		if got := exitCode(err); got != exitFailure {
			t.Errorf("exit code %d, want %d", got, exitFailure)
		}
		if !want.MatchString(stderr.String()) {
			t.Errorf("stderr lacks %s; got:\n%s", want, stderr.String())
		}
		_ = filepath.WalkDir(out, func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return nil
			}
			if data, _ := os.ReadFile(p); bytes.Contains(data, secret) {
				t.Errorf("%s holds %s", p, what)
			}
			return nil
		})
	})
	t.Run("serve", func(t *testing.T) {
		// Cancelled from the start, so that a serve that wrongly starts
		// stops at once instead of hanging the test.
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		var stderr lockedBuffer
		db := filepath.Join(t.TempDir(), "placard.db")
		err := run(ctx, []string{"serve", "--addr", "127.0.0.1:0", "--campaigns", dir, "--db", db}, env(nil), io.Discard, &stderr)
		if got := exitCode(err); got != exitFailure {
			t.Fatalf("exit code %d, want %d; stderr:\n%s", got, exitFailure, stderr.String())
		}
		if !want.MatchString(stderr.String()) {
			t.Errorf("stderr lacks %s; got:\n%s", want, stderr.String())
		}
	})
}

// TestLinkOutOfCampaigns: a picture in the campaigns folder that is a
// symbolic link to a file outside it (here a secret appended to a real PNG,
// so the picture still reads) stops check, build and serve with the
// setting's file:line:col, and build writes not one byte of the secret.
func TestLinkOutOfCampaigns(t *testing.T) {
	dir := copyTestdata(t)
	secret := []byte("SECRET-SIGNER-LIST alice@example.org")
	org := regexp.QuoteMeta(linkOutside(t, dir, secret))
	want := regexp.MustCompile(`(?m)^` + org + `:5:8: 'src' names assets/logo.png, a link to .*, outside the campaigns folder`)
	refusedByEveryCommand(t, dir, want, secret, "the secret")
}

// TestBuildWritesOnlyInsideOut: a symbolic link left in the output folder
// (here index.html pointing at a file beside it) cannot make build write
// outside the folder: the build fails and the file is untouched.
func TestBuildWritesOnlyInsideOut(t *testing.T) {
	top := t.TempDir()
	victim := filepath.Join(top, "victim.txt")
	if err := os.WriteFile(victim, []byte("keep me"), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(top, "site")
	if err := os.MkdirAll(out, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(filepath.Join("..", "victim.txt"), filepath.Join(out, "index.html")); err != nil {
		t.Skipf("this system cannot make symbolic links: %v", err)
	}
	var stderr bytes.Buffer
	err := run(context.Background(), []string{"build", out, "--campaigns", filepath.Join("testdata", "campaigns"), "--base-url", buildBase}, env(nil), io.Discard, &stderr)
	if got := exitCode(err); got != exitFailure {
		t.Errorf("exit code %d, want %d; stderr:\n%s", got, exitFailure, stderr.String())
	}
	if data, _ := os.ReadFile(victim); string(data) != "keep me" {
		t.Errorf("the file outside the output folder was overwritten: now %d bytes", len(data))
	}
}

// reloadRefused waits (20 s at most) for a --dev serve to log a failed
// reload whose message matches named (the link at file:line:col), then
// checks that the organisation's page is still served (the last good
// version) and that none of the /static/ files it names serves secret
// (what names it in a failure).
func reloadRefused(t *testing.T, base string, logs *lockedBuffer, named *regexp.Regexp, secret []byte, what string) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !strings.Contains(logs.String(), "still serving the last good version") {
		if time.Now().After(deadline) {
			t.Fatalf("--dev did not refuse the link within 20s:\n%s", logs.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
	if !named.MatchString(logs.String()) {
		t.Errorf("the log does not name the link at file:line:col:\n%s", logs.String())
	}
	res, page := fetch(t, base+"/harbour-choir")
	if res.StatusCode != 200 {
		t.Fatalf("the organisation's page: status %d, want 200 (the last good version)", res.StatusCode)
	}
	urls := regexp.MustCompile(`"(/static/[^"?]+)`).FindAllStringSubmatch(page, -1)
	if len(urls) == 0 {
		t.Fatalf("the organisation's page names no /static/ file:\n%s", page)
	}
	for _, m := range urls {
		res, body := fetch(t, base+m[1])
		if res.StatusCode == 200 && strings.Contains(body, string(secret)) {
			t.Errorf("%s serves %s", m[1], what)
		}
	}
}

// TestServeReloadRefusesLinkOut: under serve --dev, replacing a picture with
// a symbolic link to a file outside the campaigns folder is a failed reload
// (named at file:line:col) and the site goes on serving the last good
// version: no address under the organisation's page serves the secret.
func TestServeReloadRefusesLinkOut(t *testing.T) {
	dir := copyTestdata(t)
	base, logs := startServeLogs(t, dir, "--dev")
	secret := []byte("SECRET-SIGNER-LIST bob@example.org")
	org := linkOutside(t, dir, secret)
	touchLater(t, org, 2*time.Second)
	reloadRefused(t, base, logs, regexp.MustCompile(regexp.QuoteMeta(org)+`:5:8: 'src' names assets/logo.png, a link to `), secret, "the secret")
}

// plantEmbargoed puts in quiet-league's folder a picture it does not
// publish: harbour-choir's logo (a real PNG) with a secret appended,
// standing for a draft's or an embargoed file, at
// quiet-league/assets/embargoed.png. It returns the secret and the path
// of harbour-choir's logo, which the caller replaces by a link to it.
func plantEmbargoed(t *testing.T, dir string) ([]byte, string) {
	t.Helper()
	secret := []byte("EMBARGOED-QUIET-LEAGUE-REPORT")
	logo := filepath.Join(dir, "harbour-choir", "assets", "logo.png")
	png, err := os.ReadFile(logo)
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(dir, "quiet-league", "assets", "embargoed.png"), append(png, secret...))
	return secret, logo
}

// linkToOtherOrg replaces harbour-choir's logo with a link to a picture in
// quiet-league's folder that quiet-league does not publish (a real PNG
// with a secret appended, standing for a draft's or an embargoed file), and
// returns the secret and the org.yaml naming the logo.
func linkToOtherOrg(t *testing.T, dir string) ([]byte, string) {
	t.Helper()
	secret, logo := plantEmbargoed(t, dir)
	if err := os.Remove(logo); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(filepath.Join("..", "..", "quiet-league", "assets", "embargoed.png"), logo); err != nil {
		t.Skipf("this system cannot make symbolic links: %v", err)
	}
	return secret, filepath.Join(dir, "harbour-choir", "org.yaml")
}

// TestLinkIntoAnotherOrganisation: a picture in one organisation's folder
// that is a link to a file in another organisation's folder stops check,
// build and serve with the setting's file:line:col and what to do, and
// build writes not one byte of the other organisation's file.
func TestLinkIntoAnotherOrganisation(t *testing.T) {
	dir := copyTestdata(t)
	secret, org := linkToOtherOrg(t, dir)
	want := regexp.MustCompile(`(?m)^` + regexp.QuoteMeta(org) + `:5:8: 'src' names assets/logo.png, a link to \.\./\.\./quiet-league/assets/embargoed\.png, which leads out of the folder harbour-choir into the folder quiet-league — a link in an organisation's folder may only lead to a file in that same folder, or in the site's assets folder beside site\.yaml \(for files shared between organisations\): copy the file itself into ` + regexp.QuoteMeta(filepath.Join(dir, "harbour-choir", "assets")) + ` instead of linking to it$`)
	refusedByEveryCommand(t, dir, want, secret, "the other organisation's file")
}

// TestServeReloadRefusesLinkIntoAnotherOrganisation: on a live site, a
// logo replaced by a link into another organisation's folder is a failed
// reload named at file:line:col; the site stays up on the last good
// version and no address serves the other organisation's file.
func TestServeReloadRefusesLinkIntoAnotherOrganisation(t *testing.T) {
	dir := copyTestdata(t)
	base, logs := startServeLogs(t, dir, "--dev")
	secret, org := linkToOtherOrg(t, dir)
	touchLater(t, org, 2*time.Second)
	reloadRefused(t, base, logs, regexp.MustCompile(regexp.QuoteMeta(org)+`:5:8: 'src' names assets/logo.png, a link to \.\./\.\./quiet-league/assets/embargoed\.png, which leads out of the folder harbour-choir`), secret, "the other organisation's file")
}
