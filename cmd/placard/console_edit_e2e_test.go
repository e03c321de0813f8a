package main

import (
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/placard/placard/internal/scaffold"
)

// TestServeConsoleEditCommitsAndReloads runs placard serve over a campaigns
// folder that is a git repository, invites an organiser with placard
// organisers invite, signs in through the invitation with plain HTTP, saves
// a campaign from the console's editor, and finds the public page showing
// the change at once and the save committed with the organiser as author.
func TestServeConsoleEditCommitsAndReloads(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("CI=true and git is not installed (.ci/run installs it)")
		}
		t.Skip("git is not installed")
	}
	dir := t.TempDir()
	org, _ := scaffold.Org("riverside")
	camp, _ := scaffold.Campaign("riverside", "Riverside", "library", "petition", time.Now())
	camp = strings.Replace(camp, "status: draft", "status: published", 1)
	for name, text := range map[string]string{"riverside/org.yaml": org, "riverside/library.yaml": camp} {
		os.MkdirAll(filepath.Join(dir, filepath.Dir(name)), 0o755)
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	git := func(args ...string) string {
		t.Helper()
		cmd := exec.Command("git", append([]string{"-C", dir}, args...)...)
		cmd.Env = append(os.Environ(), "GIT_AUTHOR_NAME=Op", "GIT_AUTHOR_EMAIL=op@example.org", "GIT_COMMITTER_NAME=Op", "GIT_COMMITTER_EMAIL=op@example.org")
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
		return string(out)
	}
	git("init", "--quiet")
	git("add", ".")
	git("commit", "--quiet", "--no-gpg-sign", "-m", "start")

	db := sqliteDB(t)
	base, logs := startSigningServe(t, dir, db)
	link, errs, code := runCLI(t, "organisers", "invite", "riverside", "amira@riverside.example", "--db", db, "--base-url", base, "--campaigns", dir)
	if code != 0 {
		t.Fatalf("organisers invite: exit %d\n%s", code, errs)
	}
	u, err := url.Parse(strings.TrimSpace(link))
	if err != nil {
		t.Fatal(err)
	}
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, Timeout: 30 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	send := func(method, path string, form url.Values) (int, string) {
		t.Helper()
		var body io.Reader
		if form != nil {
			body = strings.NewReader(form.Encode())
		}
		req, _ := http.NewRequest(method, base+path, body)
		if form != nil {
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			req.Header.Set("Origin", base)
		}
		res, err := c.Do(req)
		if err != nil {
			t.Fatalf("%s %s: %v", method, path, err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return res.StatusCode, string(b)
	}
	if code, _ := send("POST", "/admin/invite", url.Values{"token": {u.Query().Get("t")}}); code != http.StatusSeeOther {
		t.Fatalf("accepting the invitation: %d", code)
	}
	code, page := send("GET", "/admin/riverside/files/library.yaml", nil)
	m := regexp.MustCompile(`name="version" value="([0-9a-f]+)"`).FindStringSubmatch(page)
	if code != 200 || m == nil {
		t.Fatalf("the editor: %d\n%s", code, page)
	}
	text := strings.Replace(camp, "title: Library", "title: Keep the library open", 1)
	if code, _ := send("POST", "/admin/riverside/files/library.yaml", url.Values{"do": {"save"}, "version": {m[1]}, "text": {text}}); code != http.StatusSeeOther {
		t.Fatalf("saving: %d\n%s", code, logs)
	}
	if _, pub := getPage(t, base+"/riverside/library"); !strings.Contains(pub, "Keep the library open") {
		t.Error("the public page does not show the saved title")
	}
	// The author is the organiser's number, never their address.
	if got := git("log", "-1", "--format=%an <%ae>|%s"); !regexp.MustCompile(`^Organiser (\d+) <organiser-\d+@placard\.invalid>\|riverside/library\.yaml: edited in the console\n$`).MatchString(got) {
		t.Errorf("last commit %q", got)
	}
	if strings.Contains(logs.String(), "amira@") {
		t.Error("the logs hold the organiser's address")
	}
}
