package console

import (
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/go-chi/chi/v5"

	"github.com/placard/placard/internal/accounts"
	"github.com/placard/placard/internal/campaign"
	"github.com/placard/placard/internal/editing"
)

// editEnv is newEnv with the test files on disk and the editor on: a save
// reloads the public server from the folder, as serve's reloader does.
func editEnv(t *testing.T) (*env, string) {
	t.Helper()
	dir := t.TempDir()
	for name, text := range testFiles() {
		f := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(f), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(f, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	var e *env
	e = newEnv(t, func(c *Config) {
		c.Editing = &editing.Workspace{Dir: dir, Now: c.Now, Reload: func(string) bool {
			s, probs := campaign.Load(dir)
			return !probs.HasErrors() && e.srv.SetSite(s) == nil
		}}
	})
	return e, dir
}

var versionInput = regexp.MustCompile(`name="version" value="([0-9a-f]+)"`)

func body(t *testing.T, res *http.Response) string {
	t.Helper()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestEditAndSaveWithoutJavaScript walks the editor with plain HTTP and a
// real session: the Files link, a save with a mistake (shown at its line,
// nothing written), the fix (written, the public page updated, audited),
// publishing a draft with its button, and the hand-in document.
func TestEditAndSaveWithoutJavaScript(t *testing.T) {
	e, dir := editEnv(t)
	b := e.signIn("riverside", "sam@example.org", accounts.RoleEditor)
	home := body(t, b.get(Prefix+"/riverside"))
	if !strings.Contains(home, `href="/admin/riverside/files"`) {
		t.Fatal("the dashboard has no link to the files")
	}
	res := b.get(Prefix + "/riverside/files/won.yaml")
	wantStatus(t, res, 200)
	if csp := res.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "frame-src 'self'") || !strings.Contains(csp, "script-src 'self'") {
		t.Errorf("the editor's policy %q", csp)
	}
	page := body(t, res)
	m := versionInput.FindStringSubmatch(page)
	if m == nil || !strings.Contains(page, "/admin/static/editor.") {
		t.Fatalf("no version or no editor script in the editor page")
	}
	before, _ := os.ReadFile(filepath.Join(dir, "riverside/won.yaml"))
	bad := strings.Replace(string(before), "status: victory", "status: victoryy", 1)
	res = b.post(Prefix+"/riverside/files/won.yaml", url.Values{"do": {"save"}, "version": {m[1]}, "text": {bad}})
	wantStatus(t, res, http.StatusUnprocessableEntity)
	if got := body(t, res); !strings.Contains(got, "Line 3, column 9:") || !strings.Contains(got, "victoryy") {
		t.Errorf("the mistake is not shown at line 3, column 9:\n%s", got)
	}
	if now, _ := os.ReadFile(filepath.Join(dir, "riverside/won.yaml")); string(now) != string(before) {
		t.Fatal("a refused save wrote the file")
	}
	good := strings.Replace(string(before), "title: We won", "title: We won the vote", 1)
	wantRedirect(t, b.post(Prefix+"/riverside/files/won.yaml", url.Values{"do": {"save"}, "version": {m[1]}, "text": {good}}),
		Prefix+"/riverside/files/won.yaml?saved=live")
	if now, _ := os.ReadFile(filepath.Join(dir, "riverside/won.yaml")); string(now) != good {
		t.Error("the file does not hold the saved text")
	}
	if pub := body(t, b.get("/riverside/won")); !strings.Contains(pub, "We won the vote") {
		t.Error("the public page does not show the saved title")
	}

	// Publishing the draft with its button.
	list := body(t, b.get(Prefix+"/riverside/files"))
	if !strings.Contains(list, `action="/admin/riverside/files/draft-petition.yaml/publish"`) {
		t.Fatal("the draft has no publish button")
	}
	wantStatus(t, b.get("/riverside/draft-petition"), http.StatusNotFound)
	d, _ := os.ReadFile(filepath.Join(dir, "riverside/draft-petition.yaml"))
	wantRedirect(t, b.post(Prefix+"/riverside/files/draft-petition.yaml/publish", url.Values{"version": {editing.Version(d)}}),
		Prefix+"/riverside/files?done=published")
	wantStatus(t, b.get("/riverside/draft-petition"), http.StatusOK)

	res = b.get(Prefix + "/riverside/files/open-letter.yaml/handin")
	wantStatus(t, res, 200)
	if csp := res.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "style-src 'sha256-") {
		t.Errorf("the hand-in document's policy %q", csp)
	}

	audit := body(t, b.get(Prefix+"/riverside/audit"))
	for _, want := range []string{"saved a file", "riverside/won.yaml", "published", "opened the hand-in document"} {
		if !strings.Contains(audit, want) {
			t.Errorf("the audit log lacks %q", want)
		}
	}
}

// TestEditIsolationAndViewers: with riverside's session every editor route
// of harbour answers 404 and changes nothing; riverside's viewer may read
// but every change is refused.
func TestEditIsolationAndViewers(t *testing.T) {
	e, dir := editEnv(t)
	before, _ := os.ReadFile(filepath.Join(dir, "harbour/sing.yaml"))
	var routes [][2]string
	chi.Walk(e.c.handler.(chi.Routes), func(method, route string, _ http.Handler, _ ...func(http.Handler) http.Handler) error {
		if strings.HasPrefix(route, "/{org}/files") {
			routes = append(routes, [2]string{method, route})
		}
		return nil
	})
	if len(routes) != 10 {
		t.Fatalf("%d editor routes, want 10: %v", len(routes), routes)
	}
	form := url.Values{"do": {"save"}, "version": {editing.Version(before)}, "text": {"title: x\n"}, "slug": {"new-one"}, "kind": {"petition"}}
	a := e.signIn("riverside", "sam@example.org", accounts.RoleEditor)
	for _, rt := range routes {
		path := Prefix + strings.ReplaceAll(strings.ReplaceAll(rt[1], "{org}", "harbour"), "{name}", "sing.yaml")
		if res := a.do(rt[0], path, form); res.StatusCode != http.StatusNotFound {
			t.Errorf("%s %s with riverside's session: %d, want 404", rt[0], path, res.StatusCode)
		}
	}
	if now, _ := os.ReadFile(filepath.Join(dir, "harbour/sing.yaml")); string(now) != string(before) {
		t.Fatal("harbour's file changed")
	}
	if _, err := os.Stat(filepath.Join(dir, "harbour/new-one.yaml")); err == nil {
		t.Fatal("a campaign was made in harbour")
	}
	v := e.signIn("riverside", "ann@example.org", accounts.RoleViewer)
	mine, _ := os.ReadFile(filepath.Join(dir, "riverside/won.yaml"))
	form.Set("version", editing.Version(mine))
	for _, rt := range routes {
		path := Prefix + strings.ReplaceAll(strings.ReplaceAll(rt[1], "{org}", "riverside"), "{name}", "won.yaml")
		want := http.StatusOK
		if rt[0] != http.MethodGet || strings.HasSuffix(rt[1], "/handin") {
			want = http.StatusForbidden
		}
		if res := v.do(rt[0], path, form); res.StatusCode != want {
			t.Errorf("viewer %s %s: %d, want %d", rt[0], path, res.StatusCode, want)
		}
	}
	if now, _ := os.ReadFile(filepath.Join(dir, "riverside/won.yaml")); string(now) != string(mine) {
		t.Fatal("a viewer changed a file")
	}
}

// TestEditorOffWithoutWorkspace: a console without Config.Editing has no
// editor routes and no Files link.
func TestEditorOffWithoutWorkspace(t *testing.T) {
	e := newEnv(t, nil)
	b := e.signIn("riverside", "sam@example.org", accounts.RoleEditor)
	if strings.Contains(body(t, b.get(Prefix+"/riverside")), "/files") {
		t.Error("a Files link without an editor")
	}
	wantStatus(t, b.get(Prefix+"/riverside/files"), http.StatusNotFound)
}
