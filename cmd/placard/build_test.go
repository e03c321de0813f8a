package main

import (
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"github.com/placard/placard/internal/formtoken"
)

// buildBase is the public address both the export and serve are given, so
// their absolute links agree byte for byte.
const buildBase = "http://placard.test"

// buildAPI is the live signing server TestBuildMatchesServe's export posts to.
const buildAPI = "https://api.placard.test"

// runBuild runs `placard build` through run, with any extra flags, and
// returns the output folder.
func runBuild(t *testing.T, dir string, flags ...string) string {
	t.Helper()
	out := filepath.Join(t.TempDir(), "site")
	var stdout, stderr bytes.Buffer
	args := append([]string{"build", out, "--campaigns", dir, "--base-url", buildBase}, flags...)
	err := run(context.Background(), args, env(nil), &stdout, &stderr)
	if err != nil {
		t.Fatalf("placard build: %v\nstderr:\n%s", err, stderr.String())
	}
	if !strings.Contains(stdout.String(), "files written") {
		t.Fatalf("placard build printed %q, want a line ending in 'files written.'", stdout.String())
	}
	return out
}

// exportedPaths lists the URL path of every file in out, _headers excepted.
func exportedPaths(t *testing.T, out string) []string {
	t.Helper()
	var paths []string
	err := filepath.WalkDir(out, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel := filepath.ToSlash(strings.TrimPrefix(p, out))
		switch {
		case rel == "/_headers", strings.HasSuffix(rel, "/404.html"), strings.HasSuffix(rel, ".gz"):
			// the host's files: compared by TestBuildMatchesServe itself
		case rel == "/index.html":
			paths = append(paths, "/")
		case strings.HasSuffix(rel, "/index.html"):
			paths = append(paths, strings.TrimSuffix(rel, "/index.html"))
		default:
			paths = append(paths, rel)
		}
		return nil
	})
	if err != nil {
		t.Fatalf("walking the export: %v", err)
	}
	sort.Strings(paths)
	return paths
}

// startNginx serves root with Debian's nginx (runNginx) and returns its
// base URL. Missing nginx skips the test, or fails it under CI=true.
func startNginx(t *testing.T, root string) string {
	t.Helper()
	bin := nginxBinary(t, "the export is not checked under a static server")
	// nginx workers may drop root privileges; they must read the files.
	for d := root; d != filepath.Dir(d); d = filepath.Dir(d) {
		if strings.HasPrefix(d, os.TempDir()) && d != os.TempDir() {
			_ = os.Chmod(d, 0o755)
		}
	}
	// An organisation's missing addresses get its own 404.html, as
	// docs/errors.md tells an nginx operator to write.
	orgs := ""
	found, _ := filepath.Glob(filepath.Join(root, "*", "404.html"))
	for _, f := range found {
		org := filepath.Base(filepath.Dir(f))
		orgs += fmt.Sprintf("\t\tlocation /%[1]s/ { error_page 404 /%[1]s/404.html; try_files $uri $uri/index.html =404; }\n", org)
	}
	return runNginx(t, bin, 1, 64, func(port int) string {
		return fmt.Sprintf(`	types { text/html html; text/css css; text/javascript js; image/svg+xml svg; image/png png; image/jpeg jpg; text/plain txt; image/x-icon ico; }
	server {
		listen 127.0.0.1:%[1]d;
		root %[2]s;
		gzip_static on;
		error_page 404 /404.html;
		location / { try_files $uri $uri/index.html =404; }
%[3]s	}
`, port, root, orgs)
	}).base
}

// getBytes fetches url without compression and fails unless it is 200.
func getBytes(t *testing.T, url string) (http.Header, []byte) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, url, nil)
	req.Header.Set("Accept-Encoding", "identity")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatalf("GET %s: reading body: %v", url, err)
	}
	if res.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: got status %d, want 200", url, res.StatusCode)
	}
	return res.Header, b
}

var staticRef = regexp.MustCompile(`(?:href|src|content)="(?:` + regexp.QuoteMeta(buildBase) + `)?(/static/[^"]+)"`)

// formOrigin and formToken are the two places an exported signing page
// may differ from serve's: its forms post to the live server (--api-origin),
// and it has no per-request token (serve issues a new one on every request).
var (
	formOrigin = regexp.MustCompile(`action="` + regexp.QuoteMeta(buildAPI) + `/`)
	formToken  = regexp.MustCompile(`name="token" value="[^"]*"`)
)

// apartFromForms blanks the form origin and token of a page.
func apartFromForms(page []byte) []byte {
	page = formOrigin.ReplaceAll(page, []byte(`action="/`))
	return formToken.ReplaceAll(page, []byte(`name="token" value=""`))
}

// TestBuildMatchesServe builds the examples with --api-origin, serves the
// export with nginx and checks every page and file serve has is in it, with
// the same bytes apart from the signing forms' origin and per-request token.
func TestBuildMatchesServe(t *testing.T) {
	dir := filepath.Join("..", "..", "campaigns")
	if _, err := os.Stat(dir); err != nil {
		t.Fatalf("the examples folder %s is missing: %v", dir, err)
	}
	out := runBuild(t, dir, "--api-origin", buildAPI)
	nginx := startNginx(t, out)
	// serve logs its public address (buildBase) and where it listens.
	_, logs := startServeLogs(t, dir, "--base-url", buildBase)
	m := listenLine.FindStringSubmatch(logs.String())
	if m == nil {
		t.Fatalf("serve logged no listening address:\n%s", logs.String())
	}
	live := "http://" + m[1]

	exported := map[string]bool{}
	for _, p := range exportedPaths(t, out) {
		exported[p] = true
	}
	orgs, camps := servedPages(t, dir)
	want := append([]string{"/", "/robots.txt", "/favicon.ico"}, append(orgs, camps...)...)
	// Share cards, QR codes and posters are exported too.
	for _, p := range orgs {
		want = append(want, p+"/card.png")
	}
	for _, p := range camps {
		for _, suffix := range []string{"/card.png", "/card-square.png", "/qr.svg", "/qr.png", "/poster"} {
			want = append(want, p+suffix)
		}
	}
	// Every /static/ file a served page names must be exported too.
	for _, p := range append([]string{"/"}, append(orgs, camps...)...) {
		_, body := getBytes(t, live+p)
		for _, m := range staticRef.FindAllSubmatch(body, -1) {
			want = append(want, string(m[1]))
		}
	}
	for _, p := range want {
		if !exported[p] {
			t.Errorf("serve answers %s, but the export has no file for it", p)
		}
	}

	headers, err := os.ReadFile(filepath.Join(out, "_headers"))
	if err != nil {
		t.Fatalf("the export has no _headers file: %v", err)
	}
	// rules gives each address the header lines of every rule of
	// _headers that matches it, as Netlify reads them
	// (TestBuildHeadersCoverEveryFileOnce checks both hosts give each
	// header once).
	parsed := parseHeadersFile(t, string(headers))
	rules := func(addr string) (string, bool) {
		got := hostHeaders(parsed, headersHosts[0], addr)
		var b strings.Builder
		for k, vs := range got {
			for _, v := range vs {
				b.WriteString("  " + k + ": " + v + "\n")
			}
		}
		return b.String(), len(got["Cache-Control"]) > 0 // the /* rule alone has none
	}
	signing := 0
	noFollow := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	for p := range exported {
		if res, err := noFollow.Get(live + p); err == nil {
			res.Body.Close()
			if res.StatusCode == http.StatusMovedPermanently {
				// A short address: serve redirects, the export forwards.
				_, nb := getBytes(t, nginx+p)
				if want := `content="0; url=` + res.Header.Get("Location") + `"`; !bytes.Contains(nb, []byte(want)) {
					t.Errorf("%s: serve redirects to %s, the export's page does not forward there (%s)", p, res.Header.Get("Location"), nb)
				}
				continue
			}
		}
		sh, sb := getBytes(t, live+p)
		_, nb := getBytes(t, nginx+p)
		// A page whose share messages rotate is served as each of a few
		// renderings in turn; the export holds the first.
		for range 10 {
			if bytes.Equal(apartFromForms(sb), apartFromForms(nb)) {
				break
			}
			sh, sb = getBytes(t, live+p)
		}
		if !bytes.Equal(sb, nb) {
			if !bytes.Equal(apartFromForms(sb), apartFromForms(nb)) {
				t.Errorf("%s: nginx serves %d bytes from the export, serve sends %d; want the same bytes apart from the form origin and token", p, len(nb), len(sb))
				continue
			}
			signing++
		}
		block, ok := rules(p)
		if !ok {
			t.Errorf("_headers has no rule for %s", p)
			continue
		}
		for _, k := range []string{"Cache-Control", "X-Content-Type-Options", "Referrer-Policy", "X-Frame-Options"} {
			if line := "  " + k + ": " + sh.Get(k) + "\n"; sh.Get(k) != "" && !strings.Contains(block, line) {
				t.Errorf("_headers for %s: want %q in\n%s", p, line, block)
			}
		}
		csp := sh.Get("Content-Security-Policy")
		if bytes.Contains(nb, []byte(`action="`+buildAPI+`/`)) {
			// The export's forms post to the live server.
			csp = strings.Replace(csp, "form-action 'self'", "form-action 'self' "+buildAPI, 1)
		}
		if !strings.Contains(block, "  Content-Security-Policy: "+csp+"\n") {
			t.Errorf("_headers for %s: want serve's policy %q in\n%s", p, csp, block)
		}
	}
	if signing == 0 {
		t.Errorf("no page of %s differed by its signing form, want the examples' petition and letter pages to", dir)
	}

	// Unknown addresses: nginx answers with the exported 404.html (the
	// site's "not found" page), or under an organisation with its own;
	// neither names the address (a host sends the same file for all).
	for _, tc := range []struct{ path, file string }{
		{"/no-such-organisation", "/404.html"},
		{"/shared-shore/no-such-page", "/shared-shore/404.html"},
	} {
		res, err := http.Get(nginx + tc.path)
		if err != nil {
			t.Fatal(err)
		}
		nb, _ := io.ReadAll(res.Body)
		res.Body.Close()
		fb, err := os.ReadFile(filepath.Join(out, filepath.FromSlash(tc.file)))
		if err != nil {
			t.Fatalf("the export has no %s: %v", tc.file, err)
		}
		if res.StatusCode != http.StatusNotFound || !bytes.Equal(nb, fb) {
			t.Errorf("nginx, %s: got %d with %d bytes, want 404 with the export's %s (%d bytes)", tc.path, res.StatusCode, len(nb), tc.file, len(fb))
		}
		if bytes.Contains(fb, []byte(tc.file+"<")) || bytes.Contains(fb, []byte(`class="path"`)) {
			t.Errorf("%s names an address; a host sends it for every missing one", tc.file)
		}
		if _, ok := rules(tc.file); !ok {
			t.Errorf("_headers has no rule for %s", tc.file)
		}
	}

	// Precompressed copies: nginx (gzip_static) sends them, and they hold
	// the same bytes.
	gz := 0
	for p := range exported {
		file := filepath.Join(out, filepath.FromSlash(strings.TrimPrefix(p, "/")))
		if fi, err := os.Stat(file); err != nil || fi.IsDir() {
			file = filepath.Join(file, "index.html")
		}
		if _, err := os.Stat(file + ".gz"); err != nil {
			continue
		}
		gz++
		req, _ := http.NewRequest(http.MethodGet, nginx+p, nil)
		req.Header.Set("Accept-Encoding", "gzip")
		res, err := http.DefaultTransport.RoundTrip(req)
		if err != nil {
			t.Fatal(err)
		}
		zr, zerr := gzip.NewReader(res.Body)
		var unzipped []byte
		if zerr == nil {
			unzipped, zerr = io.ReadAll(zr)
		}
		res.Body.Close()
		plain, _ := os.ReadFile(file)
		if res.Header.Get("Content-Encoding") != "gzip" || zerr != nil || !bytes.Equal(unzipped, plain) {
			t.Errorf("%s with Accept-Encoding gzip: got encoding %q (%v), want the .gz copy of the same %d bytes",
				p, res.Header.Get("Content-Encoding"), zerr, len(plain))
		}
	}
	if gz < len(orgs)+len(camps) {
		t.Errorf("%d exported files have a .gz copy, want at least every page (%d)", gz, len(orgs)+len(camps))
	}
}

func TestBuildUsage(t *testing.T) {
	for _, args := range [][]string{
		{"build"},
		{"build", "a", "b"},
		{"build", t.TempDir(), "--base-url", "act.example.org"},
	} {
		var stderr bytes.Buffer
		err := run(context.Background(), args, env(nil), io.Discard, &stderr)
		if got := exitCode(err); got != exitUsage {
			t.Errorf("placard %q: got exit %d, want %d (usage); stderr %q", args, got, exitUsage, stderr.String())
		}
	}
	var stderr bytes.Buffer
	err := run(context.Background(), []string{"build", t.TempDir(), "--campaigns", filepath.Join("testdata", "invalid")}, env(nil), io.Discard, &stderr)
	if _, serr := os.Stat(filepath.Join("testdata", "invalid")); serr == nil {
		if got := exitCode(err); got != exitFailure {
			t.Errorf("build of invalid campaigns: got exit %d, want 1; stderr %q", got, stderr.String())
		}
	}
}

// TestServeSiteOrigin: serve --site-origin takes a token-less signing POST
// (as an exported page sends) from that origin by showing the form again on
// the live site, with a token, for the signer to confirm (the POST alone
// stores nothing: a script can send any Origin header), and refuses
// another origin.
func TestServeSiteOrigin(t *testing.T) {
	dir := filepath.Join("..", "..", "campaigns")
	_, logs := startServeLogs(t, dir, "--site-origin", "https://static.example, https://other.example/")
	m := listenLine.FindStringSubmatch(logs.String())
	if m == nil {
		t.Fatalf("serve logged no listening address:\n%s", logs.String())
	}
	target := "http://" + m[1] + "/northgate-tenants/tell-the-courier/sign"
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	post := func(origin, email string) *http.Response {
		t.Helper()
		body := "action=petition&name=Ada+Lovelace&consent=yes&email=" + email
		req, _ := http.NewRequest(http.MethodPost, target, strings.NewReader(body))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Origin", origin)
		req.Header.Set("Sec-Fetch-Site", "cross-site")
		res, err := client.Do(req)
		if err != nil {
			t.Fatalf("POST %s: %v", target, err)
		}
		res.Body.Close()
		return res
	}
	for _, origin := range []string{"https://static.example", "https://other.example"} {
		res := post(origin, "ada@"+strings.TrimPrefix(origin, "https://"))
		if res.StatusCode != http.StatusUnprocessableEntity {
			t.Errorf("POST from %s: got %d to %q, want 422, the form to confirm on the live site", origin, res.StatusCode, res.Header.Get("Location"))
		}
	}
	if res := post("https://evil.example", "ada@evil.example"); res.StatusCode != http.StatusForbidden {
		t.Errorf("POST from https://evil.example: got %d, want 403", res.StatusCode)
	}
}

// TestBuildSignsThroughAPIOrigin: an exported page's signing form, posted
// as a browser on the static site would, is accepted by serve
// --site-origin, and only from that origin.
func TestBuildSignsThroughAPIOrigin(t *testing.T) {
	dir := filepath.Join("..", "..", "campaigns")
	const siteOrigin = "https://static.example"
	// The server signs tokens with abuseSecret, so the test can mint the
	// confirmation an aged token rather than wait for the form's to age.
	_, logs := startServeLogsEnv(t, map[string]string{"PLACARD_SECRET": abuseSecret}, dir, "--site-origin", siteOrigin)
	m := listenLine.FindStringSubmatch(logs.String())
	if m == nil {
		t.Fatalf("serve logged no listening address:\n%s", logs.String())
	}
	api := "http://" + m[1]
	out := filepath.Join(t.TempDir(), "site")
	var stderr bytes.Buffer
	if err := run(context.Background(), []string{"build", out, "--campaigns", dir, "--base-url", siteOrigin, "--api-origin", api}, env(nil), io.Discard, &stderr); err != nil {
		t.Fatalf("placard build --api-origin: %v\n%s", err, stderr.String())
	}
	page, err := os.ReadFile(filepath.Join(out, "northgate-tenants", "tell-the-courier", "index.html"))
	if err != nil {
		t.Fatal(err)
	}
	d, err := goquery.NewDocumentFromReader(bytes.NewReader(page))
	if err != nil {
		t.Fatal(err)
	}
	form := d.Find("form#petition-form")
	action := form.AttrOr("action", "")
	if want := api + "/northgate-tenants/tell-the-courier/sign?lang=en"; action != want {
		t.Fatalf("exported form action = %q, want %q", action, want)
	}
	headers, _ := os.ReadFile(filepath.Join(out, "_headers"))
	if !strings.Contains(string(headers), "form-action 'self' "+api) {
		t.Errorf("_headers does not let pages post to %s:\n%.600s", api, headers)
	}
	v := url.Values{}
	form.Find("input[type=hidden]").Each(func(_ int, s *goquery.Selection) { v.Set(s.AttrOr("name", ""), s.AttrOr("value", "")) })
	v.Set("name", "Ada Lovelace")
	v.Set("email", "ada@example.org")
	v.Set("consent", "yes")
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	post := func(origin string) *http.Response {
		t.Helper()
		req, _ := http.NewRequest(http.MethodPost, action, strings.NewReader(v.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Origin", origin)
		req.Header.Set("Sec-Fetch-Site", "cross-site")
		res, err := client.Do(req)
		if err != nil {
			t.Fatalf("POST %s: %v", action, err)
		}
		res.Body.Close()
		return res
	}
	if res := post("https://elsewhere.example"); res.StatusCode != http.StatusForbidden {
		t.Errorf("POST from another origin: got %d, want 403", res.StatusCode)
	}
	// From the site origin: the form comes back on the live site with a
	// token (no signature yet); pressing Sign there, once the token is
	// three seconds old, signs: the token is checked good from then, and
	// one minted three seconds ago stands in for the wait.
	req, _ := http.NewRequest(http.MethodPost, action, strings.NewReader(v.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", siteOrigin)
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	res, err := client.Do(req)
	if err != nil {
		t.Fatalf("POST %s: %v", action, err)
	}
	again, err := goquery.NewDocumentFromReader(res.Body)
	res.Body.Close()
	if err != nil || res.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("POST from the site origin: got %d (%v), want 422 with the form to confirm", res.StatusCode, err)
	}
	confirm := again.Find("form#petition-form")
	c := url.Values{}
	confirm.Find("input").Each(func(_ int, s *goquery.Selection) {
		typ := s.AttrOr("type", "text")
		if _, checked := s.Attr("checked"); typ == "checkbox" && !checked || typ == "submit" {
			return
		}
		c.Set(s.AttrOr("name", ""), s.AttrOr("value", ""))
	})
	if c.Get("token") == "" || c.Get("email") != "ada@example.org" || c.Get("consent") == "" {
		t.Fatalf("the confirmation form lacks the token or the signer's values: %v", c)
	}
	live := confirm.AttrOr("action", "")
	if !strings.HasPrefix(live, "http") {
		live = api + live
	}
	const ref = "northgate-tenants/tell-the-courier"
	now := time.Now()
	if p, _ := formtoken.New([]byte(abuseSecret)).Check(ref, c.Get("token"), now.Add(formtoken.MinAge)); p != formtoken.OK {
		t.Fatalf("the confirmation form's token %q is not good %v from now: %v", c.Get("token"), formtoken.MinAge, p)
	}
	c.Set("token", mintToken(ref, now.Add(-formtoken.MinAge)))
	req, _ = http.NewRequest(http.MethodPost, live, strings.NewReader(c.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", api)
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	res, err = client.Do(req)
	if err != nil {
		t.Fatalf("POST %s: %v", live, err)
	}
	b, _ := io.ReadAll(res.Body)
	res.Body.Close()
	loc := res.Header.Get("Location")
	if res.StatusCode != http.StatusSeeOther {
		d, _ := goquery.NewDocumentFromReader(bytes.NewReader(b))
		t.Fatalf("pressing Sign on the confirmation form never signed: %d %s %s", res.StatusCode, d.Find("h1").Text(), c.Encode())
	}
	if !strings.Contains(loc, "/thanks?outcome=signed&claim=") {
		t.Errorf("confirming: got Location %q, want the thank-you page", loc)
	}
}
