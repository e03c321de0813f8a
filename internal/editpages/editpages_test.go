package editpages

import (
	"bytes"
	"context"
	"image"
	"image/png"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/placard/placard/internal/campaign"
	"github.com/placard/placard/internal/editing"
	"github.com/placard/placard/internal/scaffold"
	"github.com/placard/placard/internal/signing"
	"github.com/placard/placard/internal/site"
)

var day = time.Date(2026, 12, 4, 0, 0, 0, 0, time.UTC)

// env is a campaigns folder with riverside (a draft petition "library" and
// a published letter "parks") and northgate, served by the pages with
// organisers given by the X-Test-Who header: "editor" and "viewer" of
// riverside, anyone else of nothing.
type env struct {
	t       *testing.T
	dir     string
	srv     *httptest.Server
	mu      sync.Mutex
	audit   []string
	reloads int
	site    *campaign.Site
}

func newEnv(t *testing.T) *env {
	t.Helper()
	e := &env{t: t, dir: t.TempDir()}
	for _, o := range []struct{ slug, camp, kind string }{{"riverside", "library", "petition"}, {"riverside", "parks", "letter"}, {"northgate", "rent", "petition"}} {
		org, _ := scaffold.Org(o.slug)
		if o.slug == "riverside" {
			org += "delivery: names\n"
		}
		c, _ := scaffold.Campaign(o.slug, scaffold.TitleFromSlug(o.slug), o.camp, o.kind, day)
		if o.camp == "parks" {
			// A published letter has its stand-ins replaced, as check asks.
			c = strings.NewReplacer("status: draft", "status: published",
				"Say in a sentence or two what is happening and what you ask people to do.", "Riverside's parks need their keepers back.",
				"to: The Decision Maker", "to: The Parks Committee",
				"Dear Decision Maker,", "Dear members of the committee,",
				"We write to ask … (write the letter here).", "We write to ask you to restore the parks' keepers.").Replace(c)
		}
		e.write(o.slug+"/org.yaml", org)
		e.write(o.slug+"/"+o.camp+".yaml", c)
	}
	e.load()
	ws := &editing.Workspace{Dir: e.dir, Now: func() time.Time { return day }, Reload: func(string) bool {
		e.mu.Lock()
		e.reloads++
		e.mu.Unlock()
		return e.load()
	}}
	p := New(Config{
		Workspace: ws, Base: "/admin",
		Site:    func() *campaign.Site { e.mu.Lock(); defer e.mu.Unlock(); return e.site },
		Options: func() site.Options { return site.Options{Base: "http://127.0.0.1", SiteName: "Test"} },
		Signatures: func(ctx context.Context, org, camp string, fn func(*signing.Signature) error) error {
			for _, s := range []*signing.Signature{
				{Action: "petition", Status: signing.StatusApproved, Name: "Ada Signer", Postcode: "RV1", ConsentText: "Riverside may keep my details to count and deliver my signature. I can ask them to erase my details at any time."},
			} {
				if err := fn(s); err != nil {
					return err
				}
			}
			return nil
		},
		Who: func(r *http.Request, org string) (editing.Author, bool, bool) {
			switch who := r.Header.Get("X-Test-Who"); {
			case org != "riverside":
				return editing.Author{}, false, false
			case who == "editor" || who == "editor2":
				return editing.Author{Name: who, Email: who + "@riverside.example"}, true, true
			case who == "viewer":
				return editing.Author{Name: who}, true, false
			}
			return editing.Author{}, false, false
		},
		Audit: func(r *http.Request, org, action, detail string) error {
			e.mu.Lock()
			e.audit = append(e.audit, org+" "+action+" "+detail)
			e.mu.Unlock()
			return nil
		},
		Now: func() time.Time { return day },
	})
	e.srv = httptest.NewServer(p.Handler())
	t.Cleanup(e.srv.Close)
	return e
}

func (e *env) write(name, text string) {
	e.t.Helper()
	f := filepath.Join(e.dir, name)
	if err := os.MkdirAll(filepath.Dir(f), 0o755); err != nil {
		e.t.Fatal(err)
	}
	if err := os.WriteFile(f, []byte(text), 0o644); err != nil {
		e.t.Fatal(err)
	}
}

func (e *env) read(name string) string {
	e.t.Helper()
	b, err := os.ReadFile(filepath.Join(e.dir, name))
	if err != nil {
		e.t.Fatal(err)
	}
	return string(b)
}

func (e *env) load() bool {
	s, probs := campaign.Load(e.dir)
	if probs.HasErrors() {
		return false
	}
	e.mu.Lock()
	e.site = s
	e.mu.Unlock()
	return true
}

type answer struct {
	status int
	header http.Header
	body   string
}

// do sends a request as who, never following redirects.
func (e *env) do(who, method, path string, form url.Values) answer {
	e.t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, _ := http.NewRequest(method, e.srv.URL+path, body)
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	req.Header.Set("X-Test-Who", who)
	return e.send(req)
}

func (e *env) send(req *http.Request) answer {
	e.t.Helper()
	c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := c.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return answer{resp.StatusCode, resp.Header, string(b)}
}

var versionField = regexp.MustCompile(`name="version" value="([0-9a-f]*)"`)

// open gets the editor and returns the version it shows.
func (e *env) open(who, name string) string {
	e.t.Helper()
	a := e.do(who, "GET", "/admin/riverside/files/"+name, nil)
	if a.status != 200 {
		e.t.Fatalf("GET %s: %d", name, a.status)
	}
	m := versionField.FindStringSubmatch(a.body)
	if m == nil {
		e.t.Fatalf("no version in the editor")
	}
	return m[1]
}

func TestListShowsFilesAndButtons(t *testing.T) {
	e := newEnv(t)
	a := e.do("editor", "GET", "/admin/riverside/files", nil)
	if a.status != 200 {
		t.Fatalf("status %d", a.status)
	}
	for _, want := range []string{`href="/admin/riverside/files/org.yaml"`, `href="/admin/riverside/files/library.yaml"`,
		`action="/admin/riverside/files/library.yaml/publish"`, `action="/admin/riverside/files/parks.yaml/close"`,
		`href="/admin/riverside/files/library.yaml/handin"`, `action="/admin/riverside/files/picture"`, "Start a new campaign"} {
		if !strings.Contains(a.body, want) {
			t.Errorf("the list lacks %s", want)
		}
	}
	if strings.Contains(a.body, "rent.yaml") {
		t.Error("the list shows another organisation's file")
	}
	v := e.do("viewer", "GET", "/admin/riverside/files", nil)
	if v.status != 200 || strings.Contains(v.body, "<form") {
		t.Errorf("a viewer's list: %d, has a form: %v", v.status, strings.Contains(v.body, "<form"))
	}
}

// TestEditWithMistakeThenFix: a save with a mistake is refused at its line
// and column with nothing written and the text kept; the fix saves,
// reloads, audits, and the page says so.
func TestEditWithMistakeThenFix(t *testing.T) {
	e := newEnv(t)
	before := e.read("riverside/library.yaml")
	version := e.open("editor", "library.yaml")
	bad := strings.Replace(before, "title: Library", "title: Library\nstatus: drafty", 1)
	bad = strings.Replace(bad, "status: draft\n", "", 1)
	line := 1 + strings.Count(bad[:strings.Index(bad, "status: drafty")], "\n")
	a := e.do("editor", "POST", "/admin/riverside/files/library.yaml", url.Values{"do": {"save"}, "version": {version}, "text": {strings.ReplaceAll(bad, "\n", "\r\n")}})
	if a.status != http.StatusUnprocessableEntity {
		t.Fatalf("status %d, want 422", a.status)
	}
	if !strings.Contains(a.body, "Line "+strconv.Itoa(line)+", column 9:") || !strings.Contains(a.body, "Nothing was saved") {
		t.Errorf("the problem is not shown at line %d column 9:\n%s", line, a.body)
	}
	if !strings.Contains(a.body, "status: drafty") {
		t.Error("the typed text is not kept in the editor")
	}
	if e.read("riverside/library.yaml") != before || e.reloads != 0 {
		t.Fatal("a refused save wrote or reloaded")
	}
	good := strings.Replace(before, "title: Library", "title: Keep the library open", 1)
	a = e.do("editor", "POST", "/admin/riverside/files/library.yaml", url.Values{"do": {"save"}, "version": {version}, "text": {strings.ReplaceAll(good, "\n", "\r\n")}})
	if a.status != http.StatusSeeOther || a.header.Get("Location") != "/admin/riverside/files/library.yaml?saved=live" {
		t.Fatalf("save: %d %s", a.status, a.header.Get("Location"))
	}
	if e.read("riverside/library.yaml") != good {
		t.Error("the file does not hold the saved text (with LF line ends)")
	}
	if e.site.Campaign("riverside", "library").Title != "Keep the library open" {
		t.Error("the site was not reloaded")
	}
	if len(e.audit) != 1 || e.audit[0] != "riverside file.save riverside/library.yaml" {
		t.Errorf("audit %v", e.audit)
	}
	a = e.do("editor", "GET", "/admin/riverside/files/library.yaml?saved=live", nil)
	if !strings.Contains(a.body, "Saved. The site now shows the change.") {
		t.Error("the saved page does not say so")
	}
}

// TestTwoOrganisersSaveTheSameFile: the first save wins; the second is
// told, shown the difference, and gets their text back with the new
// version, so saving again is their conscious choice.
func TestTwoOrganisersSaveTheSameFile(t *testing.T) {
	e := newEnv(t)
	before := e.read("riverside/library.yaml")
	v1 := e.open("editor", "library.yaml")
	v2 := e.open("editor2", "library.yaml")
	mine := strings.Replace(before, "title: Library", "title: Ada's title", 1)
	theirs := strings.Replace(before, "title: Library", "title: Ben's title", 1)
	if a := e.do("editor", "POST", "/admin/riverside/files/library.yaml", url.Values{"do": {"save"}, "version": {v1}, "text": {mine}}); a.status != http.StatusSeeOther {
		t.Fatalf("first save %d", a.status)
	}
	a := e.do("editor2", "POST", "/admin/riverside/files/library.yaml", url.Values{"do": {"save"}, "version": {v2}, "text": {theirs}})
	if a.status != http.StatusConflict {
		t.Fatalf("second save %d, want 409", a.status)
	}
	if !strings.Contains(a.body, "-title: Ada&#39;s title\n+title: Ben&#39;s title") || !strings.Contains(a.body, "Someone else saved this file") {
		t.Errorf("the difference is not shown:\n%s", a.body)
	}
	if !strings.Contains(a.body, "title: Ben&#39;s title\n") {
		t.Error("the second organiser's text is not kept")
	}
	if e.read("riverside/library.yaml") != mine {
		t.Error("the refused save changed the file")
	}
	m := versionField.FindStringSubmatch(a.body)
	if m == nil || m[1] != editing.Version([]byte(mine)) {
		t.Errorf("the form does not carry the version on disk: %v", m)
	}
	if a := e.do("editor2", "POST", "/admin/riverside/files/library.yaml", url.Values{"do": {"save"}, "version": {m[1]}, "text": {theirs}}); a.status != http.StatusSeeOther || e.read("riverside/library.yaml") != theirs {
		t.Errorf("saving again after seeing the difference: %d", a.status)
	}
}

func TestCheckAndPreviewWriteNothing(t *testing.T) {
	e := newEnv(t)
	before := e.read("riverside/library.yaml")
	v := e.open("editor", "library.yaml")
	text := strings.Replace(before, "title: Library", "title: Previewed title", 1)
	a := e.do("editor", "POST", "/admin/riverside/files/library.yaml", url.Values{"do": {"check"}, "version": {v}, "text": {text}})
	if a.status != 200 || !strings.Contains(a.body, "No problems found.") {
		t.Errorf("check: %d", a.status)
	}
	a = e.do("editor", "POST", "/admin/riverside/files/library.yaml/check", url.Values{"text": {"title: [\n"}})
	if a.status != 200 || !strings.HasPrefix(a.header.Get("Content-Type"), "application/json") || !strings.Contains(a.body, `"ok":false`) || !strings.Contains(a.body, `"line":`) {
		t.Errorf("check endpoint: %d %s", a.status, a.body)
	}
	a = e.do("editor", "POST", "/admin/riverside/files/library.yaml/preview", url.Values{"text": {text}})
	if a.status != 200 || !strings.Contains(a.body, "Previewed title") {
		t.Errorf("preview: %d", a.status)
	}
	if csp := a.header.Get("Content-Security-Policy"); !strings.Contains(csp, "frame-ancestors 'self'") || strings.Contains(csp, "frame-ancestors 'none'") || a.header.Get("X-Frame-Options") != "SAMEORIGIN" {
		t.Errorf("preview policy %q", csp)
	}
	a = e.do("editor", "POST", "/admin/riverside/files/library.yaml/preview", url.Values{"text": {"title: [\n"}})
	if a.status != 200 || !strings.Contains(a.body, "Problems to fix") {
		t.Errorf("preview of a broken text: %d %s", a.status, a.body)
	}
	// Hostile texts are problems to report, never a server error.
	for _, hostile := range []string{"\xff\xfe\x00title: x\n", "a: &a [*a, *a, *a, *a, *a, *a, *a, *a, *a]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: [*b, *b, *b, *b, *b, *b, *b, *b, *b]\n", "---\n...\n---\n", strings.Repeat("[", 10000)} {
		for _, path := range []string{"/check", "/preview", ""} {
			form := url.Values{"text": {hostile}, "do": {"save"}, "version": {v}}
			a := e.do("editor", "POST", "/admin/riverside/files/library.yaml"+path, form)
			if a.status >= 500 || a.status == 200 && path == "" {
				t.Errorf("POST %s with %.20q: %d", path, hostile, a.status)
			}
		}
	}
	if e.read("riverside/library.yaml") != before || e.reloads != 0 || len(e.audit) != 0 {
		t.Error("check or preview wrote, reloaded or audited")
	}
}

// TestPreviewSandboxed: the preview — the page as the text would publish
// it, or the list of its problems — is organiser-written content answered
// from the console's own origin, so its response sandboxes itself (an
// opaque origin, no script, no form, no popup, even opened outside the
// editor's frame), may be framed by the console alone and is never sniffed
// or cached.
func TestPreviewSandboxed(t *testing.T) {
	e := newEnv(t)
	text := strings.Replace(e.read("riverside/library.yaml"), "title: Library", "title: Previewed title", 1)
	for _, text := range []string{text, "title: [\n"} {
		a := e.do("editor", "POST", "/admin/riverside/files/library.yaml/preview", url.Values{"text": {text}})
		if a.status != 200 {
			t.Errorf("preview of %.20q: %d", text, a.status)
		}
		csp := a.header.Get("Content-Security-Policy")
		var sandbox string
		for _, d := range strings.Split(csp, ";") {
			if d = strings.TrimSpace(d); d == "sandbox" || strings.HasPrefix(d, "sandbox ") {
				sandbox = d
			}
		}
		if sandbox == "" || strings.Contains(sandbox, "allow-same-origin") || strings.Contains(sandbox, "allow-scripts") || strings.Contains(sandbox, "allow-forms") {
			t.Errorf("preview of %.20q: policy %q, want a sandbox directive without allow-same-origin, allow-scripts or allow-forms", text, csp)
		}
		if !strings.Contains(csp, "frame-ancestors 'self'") || strings.Count(csp, "frame-ancestors") != 1 {
			t.Errorf("preview of %.20q: policy %q, want frame-ancestors 'self' alone", text, csp)
		}
		for k, want := range map[string]string{"X-Frame-Options": "SAMEORIGIN", "X-Content-Type-Options": "nosniff", "Cache-Control": "no-store",
			"Content-Type": "text/html; charset=utf-8"} {
			if got := a.header.Get(k); got != want {
				t.Errorf("preview of %.20q: %s = %q, want %q", text, k, got, want)
			}
		}
	}
}

func TestPublishAndClose(t *testing.T) {
	e := newEnv(t)
	v := editing.Version([]byte(e.read("riverside/library.yaml")))
	a := e.do("editor", "POST", "/admin/riverside/files/library.yaml/publish", url.Values{"version": {v}})
	if a.status != http.StatusSeeOther || !strings.Contains(e.read("riverside/library.yaml"), "\nstatus: published\n") {
		t.Fatalf("publish: %d", a.status)
	}
	if e.site.Campaign("riverside", "library").Status != campaign.StatusPublished {
		t.Error("not reloaded")
	}
	// The page that showed the old version cannot close it blindly.
	if a := e.do("editor", "POST", "/admin/riverside/files/library.yaml/close", url.Values{"version": {v}}); a.status != http.StatusConflict {
		t.Errorf("stale close: %d", a.status)
	}
	v = editing.Version([]byte(e.read("riverside/library.yaml")))
	if a := e.do("editor", "POST", "/admin/riverside/files/library.yaml/close", url.Values{"version": {v}}); a.status != http.StatusSeeOther || !strings.Contains(e.read("riverside/library.yaml"), "\nstatus: closed\n") {
		t.Errorf("close: %d", a.status)
	}
	if strings.Join(e.audit, "|") != "riverside campaign.publish riverside/library.yaml|riverside campaign.close riverside/library.yaml" {
		t.Errorf("audit %v", e.audit)
	}
	// A day still to come schedules: close_at is added after status.
	v = editing.Version([]byte(e.read("riverside/parks.yaml")))
	if a := e.do("editor", "POST", "/admin/riverside/files/parks.yaml/close", url.Values{"version": {v}, "at": {"2027-01-31"}}); a.status != http.StatusSeeOther || a.header.Get("Location") != "/admin/riverside/files?done=scheduled" {
		t.Errorf("scheduled close: %d %s", a.status, a.header.Get("Location"))
	}
	if !strings.Contains(e.read("riverside/parks.yaml"), "\nstatus: published\nclose_at: 2027-01-31\n") {
		t.Errorf("close_at not written:\n%s", e.read("riverside/parks.yaml"))
	}
	for _, bad := range []string{"31/01/2027", "2027-13-01", "tomorrow"} {
		v = editing.Version([]byte(e.read("riverside/parks.yaml")))
		if a := e.do("editor", "POST", "/admin/riverside/files/parks.yaml/close", url.Values{"version": {v}, "at": {bad}}); a.status != http.StatusUnprocessableEntity || !strings.Contains(a.body, "YYYY-MM-DD") {
			t.Errorf("close at %q: %d", bad, a.status)
		}
	}
	if len(e.audit) != 3 {
		t.Errorf("audit %v, want the scheduled close as the third entry", e.audit)
	}
	if a := e.do("editor", "POST", "/admin/riverside/files/org.yaml/publish", url.Values{"version": {v}}); a.status != 404 {
		t.Errorf("publishing org.yaml: %d", a.status)
	}
}

func TestNewCampaignAndUpload(t *testing.T) {
	e := newEnv(t)
	a := e.do("editor", "POST", "/admin/riverside/files", url.Values{"slug": {"save-the-pool"}, "kind": {"petition"}})
	if a.status != http.StatusSeeOther || a.header.Get("Location") != "/admin/riverside/files/save-the-pool.yaml?done=created" {
		t.Fatalf("new: %d %s", a.status, a.header.Get("Location"))
	}
	if !strings.Contains(e.read("riverside/save-the-pool.yaml"), "status: draft") {
		t.Error("no draft written")
	}
	for _, c := range []struct {
		slug, kind string
		status     int
	}{{"Save The Pool", "petition", 422}, {"../x", "petition", 422}, {"ok-name", "rocket", 422}, {"save-the-pool", "petition", 409}} {
		if a := e.do("editor", "POST", "/admin/riverside/files", url.Values{"slug": {c.slug}, "kind": {c.kind}}); a.status != c.status {
			t.Errorf("new %q %q: %d, want %d", c.slug, c.kind, a.status, c.status)
		}
	}

	var pic bytes.Buffer
	png.Encode(&pic, image.NewGray(image.Rect(0, 0, 20, 10)))
	upload := func(data []byte) answer {
		var body bytes.Buffer
		mw := multipart.NewWriter(&body)
		fw, _ := mw.CreateFormFile("picture", "../../evil name.png")
		fw.Write(data)
		mw.Close()
		req, _ := http.NewRequest("POST", e.srv.URL+"/admin/riverside/files/picture", &body)
		req.Header.Set("Content-Type", mw.FormDataContentType())
		req.Header.Set("X-Test-Who", "editor")
		return e.send(req)
	}
	a = upload(pic.Bytes())
	if a.status != http.StatusSeeOther {
		t.Fatalf("upload: %d", a.status)
	}
	loc, _ := url.Parse(a.header.Get("Location"))
	stored := loc.Query().Get("uploaded")
	if !uploadedPath.MatchString(stored) || e.read("riverside/"+stored) != pic.String() {
		t.Errorf("stored as %q", stored)
	}
	if l := e.do("editor", "GET", a.header.Get("Location"), nil); !strings.Contains(l.body, "<code>"+stored+"</code>") {
		t.Error("the list does not show the stored path")
	}
	if a := upload([]byte("GIF89a\x01\x00\x01\x00")); a.status != http.StatusUnsupportedMediaType {
		t.Errorf("GIF upload: %d", a.status)
	}
	if a := upload(make([]byte, editing.MaxPictureSize+100)); a.status != http.StatusRequestEntityTooLarge {
		t.Errorf("huge upload: %d", a.status)
	}
	if got := strings.Join(e.audit, "|"); got != "riverside file.create riverside/save-the-pool.yaml|riverside picture.upload riverside/"+stored {
		t.Errorf("audit %s", got)
	}
}

func TestHandinDocument(t *testing.T) {
	e := newEnv(t)
	if a := e.do("viewer", "GET", "/admin/riverside/files/library.yaml/handin", nil); a.status != 403 {
		t.Errorf("a viewer's hand-in document: %d, want 403 (it names signers)", a.status)
	}
	a := e.do("editor", "GET", "/admin/riverside/files/library.yaml/handin", nil)
	if a.status != 200 || !strings.Contains(a.body, "Ada Signer") || !strings.Contains(a.body, "Signatures counted: 1") {
		t.Fatalf("handin: %d\n%s", a.status, a.body)
	}
	if csp := a.header.Get("Content-Security-Policy"); !strings.Contains(csp, "style-src 'sha256-") {
		t.Errorf("policy %q", csp)
	}
	if a := e.do("editor", "GET", "/admin/riverside/files/org.yaml/handin", nil); a.status != 404 {
		t.Errorf("org.yaml handin: %d", a.status)
	}
}

// TestIsolationAndViewers: every route of another organisation is 404; a
// viewer may look but every POST is refused and nothing changes.
func TestIsolationAndViewers(t *testing.T) {
	e := newEnv(t)
	before := e.read("northgate/rent.yaml")
	form := url.Values{"do": {"save"}, "version": {"x"}, "text": {"title: hacked\n"}, "slug": {"x"}, "kind": {"petition"}}
	routes := []struct{ method, path string }{
		{"GET", "/files"}, {"POST", "/files"}, {"POST", "/files/picture"},
		{"GET", "/files/rent.yaml"}, {"POST", "/files/rent.yaml"}, {"POST", "/files/rent.yaml/check"},
		{"POST", "/files/rent.yaml/preview"}, {"POST", "/files/rent.yaml/publish"}, {"POST", "/files/rent.yaml/close"},
		{"GET", "/files/rent.yaml/handin"}, {"GET", "/files/org.yaml"},
	}
	for _, who := range []string{"editor", "viewer", "stranger"} {
		for _, r := range routes {
			if a := e.do(who, r.method, "/admin/northgate"+r.path, form); a.status != 404 {
				t.Errorf("%s %s %s of northgate: %d, want 404", who, r.method, r.path, a.status)
			}
		}
	}
	if e.read("northgate/rent.yaml") != before {
		t.Fatal("another organisation's file changed")
	}
	if strings.Join(e.audit, "") != "" {
		t.Fatalf("audited %v", e.audit)
	}
	mine := e.read("riverside/library.yaml")
	for _, r := range routes {
		if r.method != "POST" {
			continue
		}
		if a := e.do("viewer", "POST", "/admin/riverside"+strings.Replace(r.path, "rent", "library", 1), form); a.status != 403 {
			t.Errorf("viewer %s: %d, want 403", r.path, a.status)
		}
	}
	if e.read("riverside/library.yaml") != mine || len(e.audit) != 0 {
		t.Error("a viewer changed something")
	}
	a := e.do("viewer", "GET", "/admin/riverside/files/library.yaml", nil)
	if a.status != 200 || !strings.Contains(a.body, "readonly") || strings.Contains(a.body, `value="save"`) || strings.Contains(a.body, `value="check"`) || strings.Contains(a.body, "<iframe") || strings.Contains(a.body, "editor.") && strings.Contains(a.body, "<script") {
		t.Errorf("a viewer's editor: %d", a.status)
	}
	for _, p := range []string{"/files/..%2Fnorthgate%2Frent.yaml", "/files/.git", "/files/org.yml", "/files/%2Fetc%2Fpasswd", "/files/library", "/files/missing.yaml"} {
		if a := e.do("editor", "GET", "/admin/riverside"+p, nil); a.status != 404 {
			t.Errorf("GET %s: %d, want 404", p, a.status)
		}
	}
	big := url.Values{"do": {"save"}, "version": {"x"}, "text": {strings.Repeat("a", maxForm)}}
	if a := e.do("editor", "POST", "/admin/riverside/files/library.yaml", big); a.status != http.StatusRequestEntityTooLarge {
		t.Errorf("huge form: %d", a.status)
	}
}

// TestHandinInAnotherLanguage: an organisation writing in several
// languages gets the document in each; an unknown language is 404.
func TestHandinInAnotherLanguage(t *testing.T) {
	e := newEnv(t)
	e.write("riverside/org.yaml", e.read("riverside/org.yaml")+"languages: [en, ar]\n")
	if !e.load() {
		t.Fatal("the two-language site does not load")
	}
	if l := e.do("editor", "GET", "/admin/riverside/files", nil); !strings.Contains(l.body, `href="/admin/riverside/files/library.yaml/handin?lang=ar"`) {
		t.Error("the list offers no Arabic hand-in document")
	}
	a := e.do("editor", "GET", "/admin/riverside/files/library.yaml/handin?lang=ar", nil)
	if a.status != 200 || !strings.Contains(a.body, `<html lang="ar" dir="rtl">`) {
		t.Errorf("Arabic hand-in: %d %.200s", a.status, a.body)
	}
	if a := e.do("editor", "GET", "/admin/riverside/files/library.yaml/handin?lang=fr", nil); a.status != 404 {
		t.Errorf("a language the organisation does not write in: %d", a.status)
	}
}
