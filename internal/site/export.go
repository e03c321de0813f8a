package site

import (
	"bytes"
	"fmt"
	"html"
	"net/url"
	"runtime"
	"sort"
	"strings"
	"sync"

	"github.com/placard/placard/internal/pagecache"
)

// The headers every response carries, whatever it is: web's middleware
// sets them before any handler runs, and a static copy's _headers file
// repeats them.
const (
	Nosniff        = "nosniff"
	ReferrerPolicy = "strict-origin-when-cross-origin"
	// PermissionsPolicy turns off powerful features and ad-interest
	// tracking. browsing-topics replaced interest-cohort (FLoC); browsers
	// now reject interest-cohort with a console error, so it is not listed.
	PermissionsPolicy = "camera=(), microphone=(), geolocation=(), payment=(), usb=(), browsing-topics=()"
	OpenerPolicy      = "same-origin"
	FrameOptions      = "DENY"
	// TransportSecurity is sent only by a site whose base URL is https.
	TransportSecurity = "max-age=31536000"
)

// DefaultCSP is the Content-Security-Policy of a response that sets none
// of its own: a page's policy without a theme or a Mastodon form.
var DefaultCSP = PageCSP("", false)

// BaseHeaders are the headers every response of a site at base carries
// before a handler sets its own (see the constants above); dev adds
// X-Placard-Dev.
func BaseHeaders(base string, dev bool) map[string]string {
	h := map[string]string{
		"Content-Security-Policy":    DefaultCSP,
		"X-Content-Type-Options":     Nosniff,
		"Referrer-Policy":            ReferrerPolicy,
		"Permissions-Policy":         PermissionsPolicy,
		"Cross-Origin-Opener-Policy": OpenerPolicy,
		"X-Frame-Options":            FrameOptions,
	}
	if strings.HasPrefix(base, "https://") {
		h["Strict-Transport-Security"] = TransportSecurity
	}
	if dev {
		h["X-Placard-Dev"] = "1"
	}
	return h
}

// NotFoundPath is where Export puts the site's "not found" page, and,
// below each organisation (/org/404.html), that organisation's. Static
// hosts (Netlify, Cloudflare Pages, GitHub Pages) and nginx's error_page
// answer unknown addresses with the site's; Cloudflare Pages answers one
// under an organisation with the organisation's (it takes the 404.html
// nearest the address), and Netlify and nginx do when told to
// (docs/errors.md). It is never a page of the site, since no slug has a
// dot.
const NotFoundPath = "/404.html"

// Export hands every file of a static copy of the site to fn, one call per
// address, in sorted order: every public page ("/", "/org", "/org/slug",
// "/org/slug/poster"), every content-hashed file under /static/ (of an
// organisation's own files, those the copy's pages name), every
// share card and QR code ("/org/card.png", "/org/slug/card.png",
// "card-square.png", "qr.svg", "qr.png"; made now into files if not made
// yet), /robots.txt, /favicon.ico, /sitemap.xml, each organisation's
// /org/feed.atom, a forwarding page at each campaign's short address
// (/save-the-pool), the embeds (/org/slug/embed) of organisations that list
// embed_origins, and last the "not found" pages: each organisation's at
// /org/404.html, in its frame, then the site's at NotFoundPath. A static
// host answers every missing address with one of them, so they name no
// address and suggest no page (serve's 404 does both).
//
// Each file is the snapshot's own prepared response, so the body is
// byte-for-byte what serve sends for a plain GET without compression, and
// header holds the same Cache-Control, Content-Type,
// Content-Security-Policy and other security headers (BaseHeaders).
//
// What a static copy cannot hold is left out, by design:
//   - region variants (?region=X) are query-string pages; a static host
//     ignores the query, so the default page (whose picker lists every
//     target) is what visitors get;
//   - pages that take signatures exist only in a snapshot of a live server
//     (Options.Signing), with a token per response: a static copy is
//     compiled without, and its forms (ModeStatic with FormOrigin) post to
//     the live server; thank-you pages are not exported;
//   - share redirects (/…/share/mastodon), /oembed (its answer depends on
//     the query) and /healthz need a server; so do the embeds' thank-you
//     pages (an exported embed's form posts to the live server, which
//     answers inside the frame).
//
// fn's path is the URL path, never a file name; callers map it to files.
// Export stops at the first error fn returns, or at a file that cannot be
// made, and returns it.
func Export(snap *Snapshot, files *LazyFiles, fn func(urlPath string, header map[string]string, body []byte) error) error {
	opt := snap.opt
	base := BaseHeaders(opt.Base, opt.Dev)
	with := func(own map[string][]string) map[string]string {
		h := make(map[string]string, len(base)+len(own))
		for k, v := range base {
			h[k] = v
		}
		for k, v := range own {
			h[k] = v[0]
		}
		return h
	}
	type file struct {
		r      *pagecache.Response
		header func() map[string]string
		body   []byte
	}
	all := map[string]file{}
	for p, r := range snap.Pages {
		all[p] = file{r: r}
	}
	for p, r := range snap.Static {
		all[p] = file{r: r}
	}
	all["/favicon.ico"] = file{r: snap.Favicon}
	if sy := snap.OtherSites; sy != nil {
		all["/robots.txt"] = file{r: sy.Robots}
		if sy.Sitemap != nil {
			all["/sitemap.xml"] = file{r: sy.Sitemap}
		}
		for p, r := range sy.Feeds {
			all[p] = file{r: r}
		}
		for p, r := range sy.Pages {
			// An embed: framed by the listed origins only, which its policy
			// says; X-Frame-Options cannot express a list.
			r := r
			all[p] = file{r: r, header: func() map[string]string {
				h := with(r.Header())
				delete(h, "X-Frame-Options")
				return h
			}}
		}
	}
	MakeAll(snap, files)
	for p, gen := range snap.Lazy {
		r, err := files.Get(gen)
		if err != nil {
			return fmt.Errorf("making %s: %w", p, err)
		}
		all[p] = file{r: r}
	}
	for p, to := range snap.Shorts {
		// A static host cannot answer a short address with a redirect, so
		// the copy holds a page there that forwards to the campaign at
		// once, with the headers serve sends for that address.
		h := with(nil)
		h["Content-Type"] = "text/html; charset=utf-8"
		h["Cache-Control"] = "public, max-age=3600"
		all[p] = file{header: func() map[string]string { return h }, body: forwardPage(opt.Base+to, to)}
	}
	bodyOf := func(f file) []byte {
		if f.r != nil {
			return f.r.Body()
		}
		return f.body
	}
	// An organisation's files go in only when a page of the copy names
	// them: the snapshot holds every file the loader read (a preview of a
	// draft shows its pictures, at keyed addresses: publicfiles.go), but a
	// draft's or a not-yet-published campaign's files must not go public
	// with the copy.
	orgs := snap.frameOrgs()
	ownFile := func(p string) bool {
		for _, o := range orgs {
			if strings.HasPrefix(p, "/static"+o+"/") {
				return true
			}
		}
		return false
	}
	used := map[string]bool{}
	for p, f := range all {
		if !ownFile(p) {
			staticRefs(bodyOf(f), used)
		}
	}
	for _, org := range append(orgs, "") {
		body, _, err := snap.staticNotFound(org)
		if err != nil {
			return err
		}
		staticRefs(body, used)
	}
	paths := make([]string, 0, len(all))
	for p := range all {
		if ownFile(p) && !used[p] {
			continue
		}
		paths = append(paths, p)
	}
	sort.Strings(paths)
	for _, p := range paths {
		f := all[p]
		h := map[string]string(nil)
		if f.header != nil {
			h = f.header()
		} else {
			h = with(f.r.Header())
		}
		body := bodyOf(f)
		if p == "/static/"+strings.TrimPrefix(p, "/static/") && IsPartnerScript(p) {
			// Partners load it with crossorigin="anonymous" for its
			// integrity check.
			h["Access-Control-Allow-Origin"] = "*"
		}
		if err := fn(p, h, body); err != nil {
			return err
		}
	}
	// The "not found" pages: each organisation's, then the site's.
	notFound := func(p, org string) error {
		body, csp, err := snap.staticNotFound(org)
		if err != nil {
			return err
		}
		h := with(nil)
		h["Content-Type"] = "text/html; charset=utf-8"
		h["Cache-Control"] = "no-cache"
		h["Content-Security-Policy"] = csp
		return fn(p, h, body)
	}
	for _, org := range snap.frameOrgs() {
		if err := notFound(org+NotFoundPath, org); err != nil {
			return err
		}
	}
	return notFound(NotFoundPath, "")
}

// staticRefs adds to used every /static/ address body names, as written
// and unescaped (HTML entities, then percent-escapes): in attributes,
// srcset lists, CSS url() and absolute addresses alike.
func staticRefs(body []byte, used map[string]bool) {
	const mark = "/static/"
	for {
		i := bytes.Index(body, []byte(mark))
		if i < 0 {
			return
		}
		body = body[i:]
		end := bytes.IndexAny(body, "\"'<>()? \t\r\n\\")
		if end < 0 {
			end = len(body)
		}
		// A fragment ends it too, but not an entity's # (&#39;).
		for j := 0; j < end; j++ {
			if body[j] == '#' && (j == 0 || body[j-1] != '&') {
				end = j
			}
		}
		ref := string(body[:end])
		used[ref] = true
		if u := html.UnescapeString(ref); u != ref {
			used[u] = true
			ref = u
		}
		if u, err := url.PathUnescape(ref); err == nil {
			used[u] = true
		}
		body = body[len(mark):]
	}
}

// MakeAll makes every card and QR code of snap not made yet into files, on
// all CPUs at once, so a static export of many campaigns does not draw
// them one by one. Errors are left for whoever asks for the file.
func MakeAll(snap *Snapshot, files *LazyFiles) {
	work := make(chan *LazyFile)
	var wg sync.WaitGroup
	for range runtime.GOMAXPROCS(0) {
		wg.Go(func() {
			for gen := range work {
				_, _ = files.Get(gen)
			}
		})
	}
	for _, gen := range snap.Lazy {
		work <- gen
	}
	close(work)
	wg.Wait()
}

// NotFoundPage renders the site's "not found" page for an address, with
// the known pages close to it, in the site's frame: the page serve
// answers (NotFoundIn) at an address under no organisation to a reader
// who names no language.
func (snap *Snapshot) NotFoundPage(urlPath string) ([]byte, error) {
	page, _, err := snap.notFound(urlPath, "", false, true)
	return page, err
}

// forwardPage is a static copy's page at a short address: it sends the
// browser on to path at once (canonical is its absolute address), and
// links there for browsers that do not follow the refresh.
func forwardPage(canonical, path string) []byte {
	c, p := html.EscapeString(canonical), html.EscapeString(path)
	return []byte(`<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">` +
		`<meta name="robots" content="noindex"><meta http-equiv="refresh" content="0; url=` + p + `">` +
		`<link rel="canonical" href="` + c + `"><title>` + c + `</title></head>` +
		`<body><p><a href="` + p + `">` + c + `</a></p></body></html>`)
}
