package web

import (
	"net/http"
	"sync"
	"sync/atomic"

	"github.com/go-chi/chi/v5"

	"github.com/placard/placard/internal/site"
)

// The read path: a GET of a cached public page (the index, an
// organisation, a campaign, with or without a signing form, in any of its
// languages, and their posters), the request nearly every visitor makes.
//
// Such a request needs nothing of the router but the answer "this is a
// page", yet chi's routing copies the request (http.Request.WithContext),
// adds a context value and fills a map of path values: three to four
// allocations and most of the handler's time. readPath answers those
// requests through the same middleware the router applies (security
// headers, the recoverer, the request log) and the same page handler,
// without the router; everything else goes to the router as before.
//
// Which paths qualify is decided by the router itself: a path is on the
// read path when the router would send a GET of it to the page handler
// (pageRoutes) and the snapshot holds a page there. The set is computed
// once per snapshot, on the first request that sees it, so the per-request
// cost is one map lookup. A request with a query string (?region=, a
// share link's ?src=) or an escaped path always takes the router: those
// read route parameters the router provides.

// pageRoutes are the route patterns routes() gives to s.page for GET.
var pageRoutes = map[string]bool{
	"/":                               true,
	"/{org}":                          true,
	"/{org}/{campaign}":               true,
	"/{org}/{campaign}/poster":        true,
	"/{org}/{campaign}/{lang}":        true,
	"/{org}/{campaign}/{lang}/poster": true,
}

// readPaths is the set of a snapshot's paths on the read path.
type readPaths struct {
	snap  *site.Snapshot
	paths map[string]struct{}
}

// readPathCache holds the read-path set of the latest snapshot seen.
type readPathCache struct {
	mu   sync.Mutex
	last atomic.Pointer[readPaths]
}

// readPathHandler sends the read path's requests to page (already wrapped
// in the router's middleware) and every other request to router.
type readPathHandler struct {
	s      *Server
	router *chi.Mux
	page   http.Handler
}

// readPath returns the handler that puts the read path in front of router.
func (s *Server) readPath(router *chi.Mux, page http.Handler) http.Handler {
	return &readPathHandler{s: s, router: router, page: page}
}

// ServeHTTP serves r from the read path or through the router.
func (h *readPathHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if (r.Method == http.MethodGet || r.Method == http.MethodHead) &&
		r.URL.RawQuery == "" && r.URL.RawPath == "" && h.s.onReadPath(h.router, r.URL.Path) {
		serveCoalesced(h.page, w, r) // coalesce.go
		return
	}
	h.router.ServeHTTP(w, r)
}

// onReadPath reports whether path is in the current snapshot's read-path
// set, computing the set when the snapshot has changed.
func (s *Server) onReadPath(router *chi.Mux, path string) bool {
	snap := s.snap.Load()
	rp := s.readPaths.last.Load()
	if rp == nil || rp.snap != snap {
		rp = s.readPaths.build(router, snap, &s.snap)
	}
	_, ok := rp.paths[path]
	return ok
}

// build computes snap's read-path set, once per snapshot even when many
// requests see the new snapshot at once. The set is kept only while snap
// is still current, and forget drops it when the snapshot is replaced, so
// it never keeps a replaced snapshot in memory.
func (c *readPathCache) build(router *chi.Mux, snap *site.Snapshot, current *atomic.Pointer[site.Snapshot]) *readPaths {
	c.mu.Lock()
	defer c.mu.Unlock()
	if rp := c.last.Load(); rp != nil && rp.snap == snap {
		return rp
	}
	rp := &readPaths{snap: snap, paths: make(map[string]struct{}, len(snap.Pages)+len(snap.Signing))}
	rctx := chi.NewRouteContext()
	add := func(path string) {
		rctx.Reset()
		if pageRoutes[router.Find(rctx, http.MethodGet, path)] {
			rp.paths[path] = struct{}{}
		}
	}
	for path := range snap.Pages {
		add(path)
	}
	for path := range snap.Signing {
		add(path)
	}
	if current.Load() == snap {
		c.last.Store(rp)
	}
	return rp
}

// forget drops the set of a snapshot that has just been replaced (call it
// after storing the new one).
func (c *readPathCache) forget() {
	c.mu.Lock()
	c.last.Store(nil)
	c.mu.Unlock()
}
