package main

import (
	"bytes"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"github.com/placard/placard/internal/site"
)

// headersRule is one block of a _headers file: a path pattern and its
// header lines, in order.
type headersRule struct {
	pattern string
	headers [][2]string
}

// parseHeadersFile reads a _headers file as Netlify and Cloudflare Pages
// document it: a line starting with / opens a rule, each indented
// "Name: value" line below adds a header to it, # starts a comment.
func parseHeadersFile(t *testing.T, data string) []headersRule {
	t.Helper()
	var rules []headersRule
	for i, line := range strings.Split(data, "\n") {
		trimmed := strings.TrimSpace(line)
		switch {
		case trimmed == "" || strings.HasPrefix(trimmed, "#"):
		case strings.HasPrefix(line, "/"):
			rules = append(rules, headersRule{pattern: trimmed})
		case line != trimmed && len(rules) > 0:
			name, value, ok := strings.Cut(trimmed, ":")
			if !ok || strings.TrimSpace(name) == "" {
				t.Fatalf("_headers line %d: %q is not a header", i+1, line)
			}
			r := &rules[len(rules)-1]
			r.headers = append(r.headers, [2]string{strings.TrimSpace(name), strings.TrimSpace(value)})
		default:
			t.Fatalf("_headers line %d: %q is neither a path nor an indented header", i+1, line)
		}
	}
	return rules
}

// headersHost is how a static host matches a rule's pattern to an
// address.
type headersHost struct {
	name  string
	match func(pattern, addr string) bool
}

// netlifyMatch is Netlify's matching (its headers parser's for_regexp):
// the pattern's non-empty segments, each a literal, a :placeholder (one
// segment), * alone (anything, or nothing) or a * inside a segment
// (anything); an optional trailing slash; case ignored.
func netlifyMatch(pattern, addr string) bool {
	var parts []string
	for _, part := range strings.Split(pattern, "/") {
		part = strings.TrimRight(part, " \t")
		switch {
		case part == "":
			continue
		case strings.HasPrefix(part, ":"):
			parts = append(parts, `([^/]+)`)
		case part == "*":
			parts = append(parts, `?(.*)`)
		case strings.Contains(part, "*"):
			parts = append(parts, strings.ReplaceAll(regexp.QuoteMeta(part), `\*`, `(.*)`))
		default:
			parts = append(parts, regexp.QuoteMeta(part))
		}
	}
	return regexp.MustCompile(`(?i)^/` + strings.Join(parts, "/") + `/?$`).MatchString(addr)
}

// cloudflareMatch is Cloudflare Pages' matching: the whole address, a
// splat * matching anything (slashes included), a :placeholder one
// segment, everything else literally.
func cloudflareMatch(pattern, addr string) bool {
	var b strings.Builder
	for i, seg := range strings.Split(pattern, "/") {
		if i > 0 {
			b.WriteString("/")
		}
		if strings.HasPrefix(seg, ":") {
			b.WriteString(`([^/]+)`)
			continue
		}
		b.WriteString(strings.ReplaceAll(regexp.QuoteMeta(seg), `\*`, `(.*)`))
	}
	return regexp.MustCompile(`^` + b.String() + `$`).MatchString(addr)
}

var headersHosts = []headersHost{{"Netlify", netlifyMatch}, {"Cloudflare Pages", cloudflareMatch}}

// hostHeaders is every header the host gives addr: each matching rule's,
// a header named twice having two values (which the hosts join with a
// comma).
func hostHeaders(rules []headersRule, host headersHost, addr string) map[string][]string {
	got := map[string][]string{}
	for _, r := range rules {
		if host.match(r.pattern, addr) {
			for _, h := range r.headers {
				k := http.CanonicalHeaderKey(h[0])
				got[k] = append(got[k], h[1])
			}
		}
	}
	return got
}

// TestBuildHeadersCoverEveryFileOnce: the export's _headers, read as
// Netlify and as Cloudflare Pages read it, gives every exported file, at
// each address the host serves it from, each header serve sends with it
// exactly once — a header named by two matching rules is joined with a
// comma by both hosts, and a Content-Security-Policy joined so is two
// policies — and gives an address the export does not name (one the
// host answers with 404.html, a .gz copy) the headers serve sends with
// every response, once.
func TestBuildHeadersCoverEveryFileOnce(t *testing.T) {
	out := filepath.Join(t.TempDir(), "site")
	var stderr strings.Builder
	dir, err := filepath.Abs(filepath.Join("..", "..", "campaigns"))
	if err != nil {
		t.Fatal(err)
	}
	if err := run(t.Context(), []string{"build", out, "--campaigns", dir, "--base-url", "https://act.example.org", "--api-origin", buildAPI}, env(nil), &strings.Builder{}, &stderr); err != nil {
		t.Fatalf("placard build: %v\n%s", err, stderr.String())
	}
	data, err := os.ReadFile(filepath.Join(out, "_headers"))
	if err != nil {
		t.Fatal(err)
	}
	rules := parseHeadersFile(t, string(data))
	// Sent with every response (site.BaseHeaders), whatever it is.
	everywhere := []string{"X-Content-Type-Options", "Referrer-Policy", "Permissions-Policy", "Cross-Origin-Opener-Policy", "Strict-Transport-Security"}
	type file struct {
		rel   string
		addrs map[string][]string // host → the addresses it serves the file from
	}
	var files []file
	err = filepath.WalkDir(out, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel := filepath.ToSlash(strings.TrimPrefix(p, out))
		switch {
		case rel == "/_headers":
		case strings.HasSuffix(rel, ".gz"):
			files = append(files, file{rel, nil})
		case rel == "/index.html":
			files = append(files, file{rel, map[string][]string{"Netlify": {"/"}, "Cloudflare Pages": {"/"}}})
		case strings.HasSuffix(rel, "/index.html"):
			page := strings.TrimSuffix(rel, "index.html")
			// Netlify serves a folder's index at /x and /x/; Cloudflare
			// Pages at /x/ (it sends /x there).
			files = append(files, file{rel, map[string][]string{"Netlify": {strings.TrimSuffix(page, "/"), page}, "Cloudflare Pages": {page}}})
		default:
			files = append(files, file{rel, map[string][]string{"Netlify": {rel}, "Cloudflare Pages": {rel}}})
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	sort.Slice(files, func(i, j int) bool { return files[i].rel < files[j].rel })
	named := 0
	for _, host := range headersHosts {
		for _, f := range files {
			addrs := f.addrs[host.name]
			if f.addrs == nil {
				addrs = []string{f.rel} // a .gz copy: named by no rule of its own
			}
			for _, addr := range addrs {
				got := hostHeaders(rules, host, addr)
				for k, vs := range got {
					if len(vs) > 1 {
						t.Errorf("%s, %s: %s is given %d times (joined: %q), want once", host.name, addr, k, len(vs), strings.Join(vs, ", "))
					}
				}
				want := everywhere
				if f.addrs != nil {
					named++
					want = append(want[:len(want):len(want)], "Cache-Control", "Content-Security-Policy")
				}
				for _, k := range want {
					if len(got[k]) == 0 {
						t.Errorf("%s, %s: no %s, want serve's", host.name, addr, k)
					}
				}
			}
		}
		for _, addr := range []string{"/no-such-organisation", "/shared-shore/no-such-page", "/static/no-such.css"} {
			got := hostHeaders(rules, host, addr)
			for _, k := range everywhere {
				if len(got[k]) != 1 {
					t.Errorf("%s, %s (answered with 404.html): %s given %d times, want once", host.name, addr, k, len(got[k]))
				}
			}
		}
	}
	if named < 100 {
		t.Errorf("checked %d addresses of exported files, want the examples' hundreds", named)
	}
}

// TestBuildNotFoundCarriesItsPolicy: an address a static host answers
// with a 404.html gets the _headers rules of the address asked for (both
// hosts match rules against the request), which cannot hold a
// Content-Security-Policy when the copy's pages differ in theirs; so
// every exported 404.html carries in its head, before anything else
// loads, the policy serve sends with it (site.MetaPolicy: without
// frame-ancestors, which a meta element cannot hold), and each host's
// answer to a missing address is under at least that policy.
func TestBuildNotFoundCarriesItsPolicy(t *testing.T) {
	dir, err := filepath.Abs(filepath.Join("..", "..", "campaigns"))
	if err != nil {
		t.Fatal(err)
	}
	out := runBuild(t, dir, "--api-origin", buildAPI)
	data, err := os.ReadFile(filepath.Join(out, "_headers"))
	if err != nil {
		t.Fatal(err)
	}
	rules := parseHeadersFile(t, string(data))
	meta := map[string]string{} // 404.html's address → the policy in its head
	err = filepath.WalkDir(out, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.Name() != "404.html" {
			return err
		}
		body, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		doc, err := goquery.NewDocumentFromReader(bytes.NewReader(body))
		if err != nil {
			return err
		}
		rel := filepath.ToSlash(strings.TrimPrefix(p, out))
		first := doc.Find("head").Children().Eq(1) // after <meta charset>
		if v, ok := first.Attr("http-equiv"); !ok || !strings.EqualFold(v, "Content-Security-Policy") {
			t.Errorf("%s: the head's second element is %s, want its policy (<meta http-equiv=Content-Security-Policy>) before anything it governs", rel, goquery.NodeName(first))
			return nil
		}
		meta[rel] = first.AttrOr("content", "")
		// serve's policy for the page, as _headers gives it at its own address.
		csp := hostHeaders(rules, headersHosts[0], rel)["Content-Security-Policy"]
		if len(csp) != 1 || meta[rel] != site.MetaPolicy(csp[0]) {
			t.Errorf("%s carries the policy %q, want serve's %q without frame-ancestors", rel, meta[rel], csp)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(meta) < 2 {
		t.Fatalf("the export holds %d 404.html files with a policy, want the site's and each organisation's", len(meta))
	}
	for _, addr := range []string{"/no-such-organisation", "/shared-shore/no-such-page", "/northgate-tenants/x/y", "/static/no-such.css"} {
		// Cloudflare Pages answers with the nearest 404.html up the
		// tree; Netlify with the site's (an organisation's needs a
		// _redirects line, docs/errors.md).
		nearest := "/404.html"
		if org, _, ok := strings.Cut(strings.TrimPrefix(addr, "/"), "/"); ok && meta["/"+org+"/404.html"] != "" {
			nearest = "/" + org + "/404.html"
		}
		for _, host := range headersHosts {
			file := "/404.html"
			if host.name == "Cloudflare Pages" {
				file = nearest
			}
			if meta[file] == "" {
				t.Errorf("%s, %s: answered with %s, which carries no policy", host.name, addr, file)
			}
			// Any policy in the rules for addr is enforced too; none may
			// be the empty one a rule could join in.
			for _, v := range hostHeaders(rules, host, addr)["Content-Security-Policy"] {
				if strings.TrimSpace(v) == "" {
					t.Errorf("%s, %s: an empty Content-Security-Policy", host.name, addr)
				}
			}
		}
	}
}

// TestBuildRefusesPatternNames: a file whose exported address holds a *,
// or a part starting with ":", would be a pattern in _headers (Netlify
// and Cloudflare Pages read them as a splat and a placeholder, with no
// escape), giving its headers to other addresses; build refuses it with a
// plain message naming the address and the fix, and writes no _headers.
func TestBuildRefusesPatternNames(t *testing.T) {
	// "logo:x.png": Cloudflare Pages reads ":x" anywhere in a path as a
	// placeholder (":" then a letter), not only at a part's start; build
	// let it through before.
	for _, name := range []string{"logo*.png", ":logo.png", "logo:x.png"} {
		t.Run(name, func(t *testing.T) {
			dir := copyTestdata(t)
			assets := filepath.Join(dir, "harbour-choir", "assets")
			if err := os.Rename(filepath.Join(assets, "logo.png"), filepath.Join(assets, name)); err != nil {
				t.Skipf("this system cannot name a file %q: %v", name, err)
			}
			plant(t, filepath.Join(dir, "harbour-choir", "org.yaml"), "src: assets/logo.png", "src: 'assets/"+name+"'")
			out := filepath.Join(t.TempDir(), "site")
			var stderr strings.Builder
			err := run(t.Context(), []string{"build", out, "--campaigns", dir, "--base-url", buildBase}, env(nil), &strings.Builder{}, &stderr)
			if got := exitCode(err); got != exitFailure {
				t.Fatalf("exit code %d, want %d; stderr:\n%s", got, exitFailure, stderr.String())
			}
			if msg := stderr.String(); !strings.Contains(msg, "/static/harbour-choir/") || !strings.Contains(msg, "Rename the file") {
				t.Errorf("stderr does not name the address and the fix:\n%s", msg)
			}
			if _, err := os.Stat(filepath.Join(out, "_headers")); err == nil {
				t.Errorf("build wrote _headers all the same")
			}
		})
	}
}

// TestBuildHeadersNameOddFilesEscaped: _headers named an organisation's
// file as it is called, so "logo #2 (50%).png" gave the rule line
// "/static/…/logo #2 (50%).….png": a host reads what follows " #" as a
// comment or the space as the end of the path, and the address browsers
// request (the page links it percent-escaped) matched no rule, so the
// file lost its own headers. Each rule now names its address as pages
// link to it, and the host's matching gives that address its headers
// once.
func TestBuildHeadersNameOddFilesEscaped(t *testing.T) {
	const name = "logo #2 (50%).png"
	dir := copyTestdata(t)
	assets := filepath.Join(dir, "harbour-choir", "assets")
	if err := os.Rename(filepath.Join(assets, "logo.png"), filepath.Join(assets, name)); err != nil {
		t.Skipf("this system cannot name a file %q: %v", name, err)
	}
	plant(t, filepath.Join(dir, "harbour-choir", "org.yaml"), "src: assets/logo.png", "src: 'assets/"+name+"'")
	out := runBuild(t, dir)
	data, err := os.ReadFile(filepath.Join(out, "_headers"))
	if err != nil {
		t.Fatal(err)
	}
	plain := regexp.MustCompile(`^/[A-Za-z0-9/._~%-]*$`)
	for _, line := range strings.Split(string(data), "\n") {
		if strings.HasPrefix(line, "/") && line != "/*" && !plain.MatchString(line) {
			t.Errorf("_headers names %q: want only letters, digits, /-._~ and %%-escapes", line)
		}
	}
	rules := parseHeadersFile(t, string(data))
	page, err := os.ReadFile(filepath.Join(out, "harbour-choir", "index.html"))
	if err != nil {
		t.Fatal(err)
	}
	doc, err := goquery.NewDocumentFromReader(bytes.NewReader(page))
	if err != nil {
		t.Fatal(err)
	}
	var addr string
	doc.Find("img[src]").Each(func(_ int, s *goquery.Selection) {
		if src := s.AttrOr("src", ""); strings.Contains(src, "/assets/logo") {
			addr = src
		}
	})
	if !strings.Contains(addr, "logo%20%232%20%2850%25%29.") {
		t.Fatalf("the organisation page links its logo at %q, want it percent-escaped", addr)
	}
	// Cloudflare Pages matches rules against the address as requested
	// (its rules engine tests "/some%20page" against a request for
	// "/some page").
	cc := hostHeaders(rules, headersHosts[1], addr)["Cache-Control"]
	if len(cc) != 1 || !strings.Contains(cc[0], "immutable") {
		t.Errorf("Cloudflare Pages gives %s the Cache-Control %q, want its own year-long one once", addr, cc)
	}
}

// TestBuildNotFoundIsNeverFramed: a copy holding an embed (the examples'
// northgate-tenants lists embed_origins) gave X-Frame-Options only in
// each file's own rule, since an embed has none, so an address the copy
// does not name — answered with 404.html by the host — was sent no
// framing header at all, and a 404.html's meta policy cannot say
// frame-ancestors: any site could frame it. Now /* holds X-Frame-Options:
// DENY, and each embed's own policy still names its partners in
// frame-ancestors, which browsers obey over X-Frame-Options.
func TestBuildNotFoundIsNeverFramed(t *testing.T) {
	dir, err := filepath.Abs(filepath.Join("..", "..", "campaigns"))
	if err != nil {
		t.Fatal(err)
	}
	out := runBuild(t, dir, "--api-origin", buildAPI)
	data, err := os.ReadFile(filepath.Join(out, "_headers"))
	if err != nil {
		t.Fatal(err)
	}
	rules := parseHeadersFile(t, string(data))
	for _, host := range headersHosts {
		for _, addr := range []string{"/no-such-organisation", "/northgate-tenants/no-such-page", "/northgate-tenants/x/y", "/404.html", "/northgate-tenants/404.html"} {
			if xfo := hostHeaders(rules, host, addr)["X-Frame-Options"]; len(xfo) != 1 || xfo[0] != "DENY" {
				t.Errorf("%s, %s (a \"not found\" answer): X-Frame-Options %q, want DENY once", host.name, addr, xfo)
			}
		}
	}
	embeds := 0
	err = filepath.WalkDir(out, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(filepath.ToSlash(p), "/embed/index.html") {
			return err
		}
		embeds++
		addr := strings.TrimSuffix(filepath.ToSlash(strings.TrimPrefix(p, out)), "index.html")
		for _, host := range headersHosts {
			csp := hostHeaders(rules, host, addr)["Content-Security-Policy"]
			if len(csp) != 1 || !strings.Contains(csp[0], "frame-ancestors https://") {
				t.Errorf("%s, %s (an embed): policy %q, want one naming its partners in frame-ancestors (which browsers obey over X-Frame-Options)", host.name, addr, csp)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if embeds == 0 {
		t.Fatal("the examples' copy holds no embed, want northgate-tenants'")
	}
}
