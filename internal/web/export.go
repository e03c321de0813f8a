package web

import (
	"context"
	"html"
	"net/http"
	"net/http/httptest"
	"sort"
)

// Export hands every file of a static copy of the site to fn, one call per
// address, in sorted order: every public page ("/", "/org", "/org/slug",
// "/org/slug/poster"), every content-hashed file under /static/, every
// share card and QR code ("/org/card.png", "/org/slug/card.png",
// "card-square.png", "qr.svg", "qr.png"; made now if no request has made
// them yet), /robots.txt, /favicon.ico, /sitemap.xml, each organisation's
// /org/feed.atom, a forwarding page at each campaign's short address
// (/save-the-pool), the embeds (/org/slug/embed) of organisations that list
// embed_origins, and last the "not found" page at NotFoundPath (answered
// with 404).
//
// Each response is produced by the server's own handler (the same routing,
// middleware and pre-rendered snapshot that serve answers from), so the
// body is byte-for-byte what serve sends for a plain GET without
// compression, and header carries the same Cache-Control, Content-Type,
// Content-Security-Policy and other security headers.
//
// What a static copy cannot hold is left out, by design:
//   - region variants (?region=X) are query-string pages; a static host
//     ignores the query, so the default page (whose picker lists every
//     target) is what visitors get;
//   - pages that take signatures are exported as the server renders them
//     without a signature store; thank-you pages exist only on a live
//     server and are not exported;
//   - share redirects (/…/share/mastodon), /oembed (its answer depends on
//     the query) and /healthz need a server; so do the embeds' thank-you
//     pages (an exported embed's form, with Config.FormOrigin, posts to
//     the live server, which answers inside the frame).
//
// fn's path is the URL path, never a file name; callers map it to files.
// Export stops at the first error fn returns, or at a response that is not
// 200 (404 for NotFoundPath), and returns it.
func (s *Server) Export(fn func(urlPath string, header http.Header, body []byte) error) error {
	snap := s.snap.Load()
	paths := make([]string, 0, len(snap.Pages)+len(snap.Live)+len(snap.Static)+2)
	for p := range snap.Pages {
		paths = append(paths, p)
	}
	for p := range snap.Live {
		paths = append(paths, p)
	}
	for p := range snap.Static {
		paths = append(paths, p)
	}
	for p := range snap.Generated {
		paths = append(paths, p)
	}
	for p := range snap.Shorts {
		paths = append(paths, p)
	}
	paths = append(paths, "/robots.txt", "/favicon.ico")
	paths = append(paths, snap.Synd.ExportPaths()...)
	sort.Strings(paths)
	s.makeAll(snap)
	for _, p := range paths {
		h, body, code := s.exportGet(p)
		if to, ok := snap.Shorts[p]; ok && code == http.StatusMovedPermanently {
			// A static host cannot answer a short address with a redirect,
			// so the copy holds a page there that forwards to the campaign
			// at once, with the server's headers for that address.
			h.Del("Location")
			h.Set("Content-Type", "text/html; charset=utf-8")
			h.Del("Content-Length")
			body, code = forwardPage(s.base+to, to), http.StatusOK
		}
		if code != http.StatusOK {
			return &exportError{path: p, status: code}
		}
		if err := fn(p, h, body); err != nil {
			return err
		}
	}
	// The site's "not found" page, as serve sends it for an unknown
	// address, for hosts that answer misses with /404.html.
	h, body, code := s.exportGet(NotFoundPath)
	if code != http.StatusNotFound {
		return &exportError{path: NotFoundPath, status: code}
	}
	return fn(NotFoundPath, h, body)
}

// NotFoundPath is where Export puts the "not found" page. Static hosts
// (Netlify, Cloudflare Pages, GitHub Pages) and nginx's error_page answer
// unknown addresses with it; it is never a page of the site, since no
// organisation slug has a dot.
const NotFoundPath = "/404.html"

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

// exportGet answers a plain GET of p with the server's own handler.
func (s *Server) exportGet(p string) (http.Header, []byte, int) {
	req := httptest.NewRequest(http.MethodGet, p, nil)
	// A static copy holds the first of a page's share rotations (reach.go).
	req = req.WithContext(context.WithValue(req.Context(), firstRotation{}, true))
	req.RemoteAddr = "127.0.0.1:1"
	rec := httptest.NewRecorder()
	s.ServeHTTP(rec, req)
	return rec.Header().Clone(), rec.Body.Bytes(), rec.Code
}

// exportError reports an address the server would not answer with 200
// while exporting: a bug, since every exported address comes from the
// snapshot itself.
type exportError struct {
	path   string
	status int
}

func (e *exportError) Error() string {
	return "exporting " + e.path + ": the server answered " + http.StatusText(e.status) + " instead of the page"
}
