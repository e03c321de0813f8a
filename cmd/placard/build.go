package main

import (
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"io"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/placard/placard/internal/campaign"
	"github.com/placard/placard/internal/markdown"
	"github.com/placard/placard/internal/site"
	"github.com/placard/placard/internal/tallywatch"
)

const buildSynopsis = `Write the whole public site into OUTDIR as plain files for any static host
or CDN: every page as PATH/index.html (the index as index.html), every
content-hashed file under static/ that a page uses (a draft's files stay
out), robots.txt, favicon.ico, sitemap.xml,
each organisation's feed.atom, the embeds of organisations that list
embed_origins (framed only by those sites), 404.html (the site's "not
found" page) and ORG/404.html (each organisation's, in its colours; see
docs/errors.md for the hosts that use it), a FILE.gz beside every text file worth compressing (for nginx
gzip_static and hosts that serve precompressed files), and a _headers file
(Netlify and Cloudflare Pages format) giving each address the
Cache-Control and security headers serve sends, each once: a /* rule
holds those every response carries, so an address the copy does not
name (answered with 404.html) has them too. The oEmbed answer
(/oembed) depends on its query, so only the live server gives it.

The pages are the ones serve answers from, byte for byte. Region variants
(?region=X) are not written: a static host ignores the query, and the
default page's picker lists every target.

Signing needs a live server. With --api-origin, petitions and letters keep
their signing form, posting to API-ORIGIN/org/campaign/sign; start that
server with --site-origin set to this copy's address, so it accepts them
(the forms carry no token, so the live server shows the form once more,
with a token, for the signer to press Sign again; the honeypot and rate
limit apply as on the live pages).
Without --api-origin the export has no signing forms. The Mastodon share
form goes to API-ORIGIN's share redirect too; without --api-origin it is
left out (the other networks' buttons remain).

With --db (the live server's SQLite file or postgres:// address, only
read) each petition and letter shows the count that database holds now;
build again to move it. No signer's name is written into the copy. Live
tallies and thank-you pages are only on the live server.`

// buildHeaders are the response headers copied into _headers. Content-Type,
// lengths and validators are left to the host, which derives them from the
// files it serves.
var buildHeaders = []string{
	"Access-Control-Allow-Origin", // the embed script partners load with integrity
	"Cache-Control",
	"Content-Security-Policy",
	"Cross-Origin-Opener-Policy",
	"Permissions-Policy",
	"Referrer-Policy",
	"Strict-Transport-Security",
	"X-Content-Type-Options",
	"X-Frame-Options",
}

// build writes the static export of the campaigns into OUTDIR.
func build(args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fset := newFlags("build", "build OUTDIR [flags]", buildSynopsis, stdout, stderr)
	campaigns := fset.campaignsFlag("`folder` holding one folder per organisation")
	baseURL := fset.String("base-url", "http://localhost", "public `address` the export will be served from, for links and share previews")
	fset.env("base-url", "PLACARD_BASE_URL")
	apiOrigin := fset.String("api-origin", "", "`origin` of the live placard serve that takes signatures, such as https://act.example.org; without it the export has no signing forms")
	fset.env("api-origin", "PLACARD_API_ORIGIN")
	db := fset.String("db", "", "the signature database of the live placard serve (a SQLite `file` path or a postgres:// URL): its current counts are baked into the export's pages")
	// OUTDIR may come before the flags too (placard build out --campaigns x).
	secretEnv := fset.secretEnvFlag() // secretenv.go
	pos, help, err := fset.parse(args, getenv)
	if help || err != nil {
		return err
	}
	if len(pos) != 1 {
		return usageErr("build", "build takes one output folder, got %d: %q", len(pos), pos)
	}
	out := pos[0]
	u, err := url.Parse(strings.TrimSpace(*baseURL))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return usageErr("build", "%s must be a full address such as https://act.example.org, not %q", fset.source("base-url"), *baseURL)
	}
	if o := *apiOrigin; o != "" {
		if u, err := url.Parse(o); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || strings.TrimSuffix(u.Path, "/") != "" || u.RawQuery != "" {
			return usageErr("build", "%s must be a scheme and host only, such as https://act.example.org, not %q", fset.source("api-origin"), o)
		}
	}
	opts, err := loadOptions(fset, *secretEnv)
	if err != nil {
		return err
	}
	loaded, problems := campaign.LoadWith(*campaigns, opts)
	if problems.HasErrors() {
		printProblems(stderr, problems)
		return failure("the campaigns in %s have %s; fix them and build again (placard check %s lists them too)",
			*campaigns, countText(len(problems.Errors()), "problem", "problems"), *campaigns)
	}
	for _, p := range problems.Warnings() {
		fmt.Fprintln(stderr, p.String())
	}
	tallies, err := bakedTallies(*db)
	if err != nil {
		return err
	}
	// A static copy: its forms (with --api-origin) post to the live server.
	files := &site.LazyFiles{}
	snap, err := site.Compile(site.Options{
		Base: u.Scheme + "://" + u.Host, SiteName: "Placard", Mode: site.ModeStatic,
		FormOrigin: strings.TrimSuffix(strings.TrimSpace(*apiOrigin), "/"), Now: time.Now, Files: files,
		Tallies: tallies,
	}, markdown.New(), loaded, nil)
	if err != nil {
		return failure("%v", err)
	}
	n, err := writeExport(snap, files, out)
	if err != nil {
		return failure("writing the export to %s: %v", out, err)
	}
	fmt.Fprintf(stdout, "%s: %s written.\n", out, countText(n, "file", "files"))
	return nil
}

// writeExport writes snap's static copy (site.Export) into out and returns the number of files
// written, _headers included. It writes through os.Root, so a symbolic link
// left in out (by an earlier export or anyone else) cannot make it write
// outside out.
func writeExport(snap *site.Snapshot, files *site.LazyFiles, out string) (int, error) {
	if err := os.MkdirAll(out, 0o755); err != nil {
		return 0, err
	}
	root, err := os.OpenRoot(out)
	if err != nil {
		return 0, err
	}
	defer root.Close()
	var rules []headerRule
	n := 0
	err = site.Export(snap, files, func(p string, h map[string]string, body []byte) error {
		if err := patternFree(p); err != nil {
			return err
		}
		name := exportFile(p)
		full := filepath.FromSlash(name)
		if err := root.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			return err
		}
		if err := root.WriteFile(full, body, 0o644); err != nil {
			return err
		}
		n++
		if gz, ok := gzipped(h["Content-Type"], body); ok {
			if err := root.WriteFile(full+".gz", gz, 0o644); err != nil {
				return err
			}
			n++
		}
		if name != strings.TrimPrefix(p, "/") && p != "/" {
			// A page, written as p/index.html: hosts answer it at p/
			// (Cloudflare Pages sends p to p/), and Netlify's rule for
			// p/ matches p and p/ alike — one rule, so that no address
			// matches two with the same headers.
			p += "/"
		}
		// Named as pages link to it: percent-escaped, so no space, '#',
		// '%' or line break in a file's name can split the rule, start a
		// comment or a header line, or leave it matching no request.
		rules = append(rules, headerRule{site.EscapePath(p), h})
		return nil
	})
	if err != nil {
		return n, err
	}
	if err := root.WriteFile("_headers", headersFile(rules), 0o644); err != nil {
		return n, err
	}
	return n + 1, nil
}

// patternFree refuses an exported address that _headers cannot name: one
// with a "*" or a ":" in it (site.PatternName). Netlify and Cloudflare
// Pages read these in a rule's path as a splat and a placeholder
// (Cloudflare's anywhere in a part, ":" then a letter), and document no
// escape: the percent-escaped form every rule is written in (%2A, %3A)
// holds neither, but a host that decodes a rule before reading its
// patterns would find them again, and the rule would give its headers (a
// page's Content-Security-Policy, a year's caching) to other addresses
// too. Only an organisation's own file names can hold them (slugs
// cannot); serve answers them as it does any name, so only build refuses
// them, and check warns of them (campaign's asset check).
func patternFree(p string) error {
	for part := range strings.SplitSeq(p, "/") {
		if strings.ContainsAny(part, "*:") {
			return fmt.Errorf("the file at %s cannot be named in _headers: static hosts (Netlify, Cloudflare Pages) read a * or a colon in a path (%q) as a pattern. Rename the file with letters, digits and hyphens, change the campaign files that name it, and build again", p, part)
		}
	}
	return nil
}

// headerRule is one exported address and the headers serve sends with it.
type headerRule struct {
	path   string
	header map[string]string
}

// headersFile is the _headers file of an export (Netlify and Cloudflare
// Pages format). Both hosts give a response the headers of every rule
// whose path matches its address, and join a header named by two
// matching rules with a comma — a Content-Security-Policy joined so is
// two policies, both enforced. So each header of each address is named
// once: a first rule, /*, holds the headers serve sends with every
// response (site.BaseHeaders) that every exported file has with the same
// value, and so also covers what the export does not name (an address
// answered with 404.html, a .gz copy); each file's own rule holds the
// rest of its headers (buildHeaders).
func headersFile(rules []headerRule) []byte {
	common := map[string]string{}
	// The names of the headers every response carries (an https base
	// names Strict-Transport-Security too); the values are the files'.
	for k := range site.BaseHeaders("https://", false) {
		if !slices.Contains(buildHeaders, k) || len(rules) == 0 {
			continue
		}
		v := rules[0].header[k]
		same := v != ""
		for _, r := range rules {
			same = same && r.header[k] == v
		}
		if same {
			common[k] = v
		}
	}
	// Framing: a copy holding an embed has pages that drop
	// X-Frame-Options (site.Export: it cannot list the partners' origins),
	// so the header differed between files and no rule gave it to an
	// address the copy does not name — the host's 404.html could be
	// framed anywhere, and a meta policy cannot say frame-ancestors. /*
	// holds X-Frame-Options: DENY whenever every file without it has a
	// policy saying frame-ancestors: browsers ignore X-Frame-Options for a
	// response whose enforced policy has frame-ancestors (HTML's
	// X-Frame-Options processing; CSP 3), so the embeds are still framed
	// by their partners' sites alone.
	if _, ok := common["X-Frame-Options"]; !ok && framingSaidByPolicy(rules) {
		common["X-Frame-Options"] = site.FrameOptions
	}
	var w bytes.Buffer
	writeHeaderRule(&w, "/*", common)
	for _, r := range rules {
		own := map[string]string{}
		for k, v := range r.header {
			if _, ok := common[k]; !ok {
				own[k] = v
			}
		}
		writeHeaderRule(&w, r.path, own)
	}
	return w.Bytes()
}

// framingSaidByPolicy reports whether each of rules either has
// X-Frame-Options: DENY or no X-Frame-Options and a policy with
// frame-ancestors (an embed), so that /* may hold X-Frame-Options: DENY.
func framingSaidByPolicy(rules []headerRule) bool {
	for _, r := range rules {
		switch xfo, ok := r.header["X-Frame-Options"]; {
		case ok && xfo == site.FrameOptions:
		case !ok && strings.Contains(r.header["Content-Security-Policy"], "frame-ancestors "):
		default:
			return false
		}
	}
	return len(rules) > 0
}

// gzipMin is the smallest file worth a compressed copy: below it the gzip
// header and a second request path cost more than they save.
const gzipMin = 256

// gzipped returns body compressed at the best level, for a host that serves
// precompressed files (nginx gzip_static, Caddy precompressed, most CDNs),
// when the type is text and compression saves something. Pictures other than
// SVG are compressed already.
func gzipped(contentType string, body []byte) ([]byte, bool) {
	ct, _, _ := strings.Cut(contentType, ";")
	switch strings.TrimSpace(ct) {
	case "text/html", "text/css", "text/javascript", "application/javascript", "image/svg+xml",
		"text/plain", "application/json", "application/xml", "text/xml", "application/atom+xml",
		"application/manifest+json", "image/x-icon", "image/vnd.microsoft.icon":
	default:
		return nil, false
	}
	if len(body) < gzipMin {
		return nil, false
	}
	var buf bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	_, _ = zw.Write(body)
	_ = zw.Close()
	if buf.Len() >= len(body) {
		return nil, false
	}
	return buf.Bytes(), true
}

// exportFile maps a URL path to the file that holds it: pages (addresses
// without an extension) become PATH/index.html, files keep their name.
func exportFile(p string) string {
	if p == "/" {
		return "index.html"
	}
	rel := strings.TrimPrefix(p, "/")
	if path.Ext(rel) == "" {
		return rel + "/index.html"
	}
	return rel
}

// writeHeaderRule writes one _headers block: the path, then each header
// of buildHeaders h has, indented by two spaces; nothing when h has none.
func writeHeaderRule(w *bytes.Buffer, p string, h map[string]string) {
	names := append([]string(nil), buildHeaders...)
	sort.Strings(names)
	wrote := false
	for _, k := range names {
		if v := h[k]; v != "" {
			if !wrote {
				fmt.Fprintln(w, p)
				wrote = true
			}
			fmt.Fprintf(w, "  %s: %s\n", k, v)
		}
	}
}

// bakedTallies reads every campaign's current counts from the store at db
// (build --db), by store key ("org/slug"); nil without db. The store is
// only read, and never created: a mistyped --db is an error.
func bakedTallies(db string) (map[string]*tallywatch.Tally, error) {
	if db == "" {
		return nil, nil
	}
	ctx := context.Background()
	st, err := openSignatureStore(ctx, "build", db)
	if err != nil {
		return nil, err
	}
	defer st.Close()
	ts, err := st.Tallies(ctx)
	if err != nil {
		return nil, failure("reading the counts from %s: %v", redactDB(db), err)
	}
	out := make(map[string]*tallywatch.Tally, len(ts))
	for _, t := range ts {
		out[t.Org+"/"+t.Campaign] = &tallywatch.Tally{Tally: t}
	}
	return out, nil
}
