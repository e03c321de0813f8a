package web

import (
	"net/http"
	"net/http/httptest"
	"sort"
)

// Export hands every file of a static copy of the site to fn, one call per
// address, in sorted order: every public page ("/", "/org", "/org/slug"),
// every content-hashed file under /static/, /robots.txt, /favicon.ico,
// /sitemap.xml, each organisation's /org/feed.atom and the embeds
// (/org/slug/embed) of organisations that list embed_origins.
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
// 200, and returns it.
func (s *Server) Export(fn func(urlPath string, header http.Header, body []byte) error) error {
	snap := s.snap.Load()
	paths := make([]string, 0, len(snap.pages)+len(snap.live)+len(snap.static)+2)
	for p := range snap.pages {
		paths = append(paths, p)
	}
	for p := range snap.live {
		paths = append(paths, p)
	}
	for p := range snap.static {
		paths = append(paths, p)
	}
	paths = append(paths, "/robots.txt", "/favicon.ico")
	paths = append(paths, snap.synd.exportPaths()...)
	sort.Strings(paths)
	for _, p := range paths {
		req := httptest.NewRequest(http.MethodGet, p, nil)
		req.RemoteAddr = "127.0.0.1:1"
		rec := httptest.NewRecorder()
		s.ServeHTTP(rec, req)
		if rec.Code != http.StatusOK {
			return &exportError{path: p, status: rec.Code}
		}
		if err := fn(p, rec.Header().Clone(), rec.Body.Bytes()); err != nil {
			return err
		}
	}
	return nil
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
