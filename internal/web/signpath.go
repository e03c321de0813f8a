package web

import (
	"net/http"
	"sync"
	"sync/atomic"
	"weak"

	"github.com/go-chi/chi/v5"

	"github.com/placard/placard/internal/site"
)

// The signing path: a POST of a campaign's form to /{org}/{campaign}/sign,
// the one write every supporter makes. Like the read path (readpath.go),
// it needs nothing of the router but the answer "this is the sign route",
// yet chi's routing searches its tree, copies the request
// (http.Request.WithContext) and adds a context value and path values on
// every signature: four of the handler's allocations and 1.5–2% of
// placard's CPU under bench/sign.sh. The sign handler reads the campaign
// from the path itself (signCampaignPath), not from route parameters.
//
// signPath sends such a POST through the middleware the router applies
// (security headers, the recoverer, the request log; a POST to a path
// without a trailing slash meets no other) to the very handler the router
// holds for the route — the same cross-origin check and the same rate
// limit, so no signer gets a second allowance — and every other request to
// next, as before. Which paths qualify is decided by the router itself: a
// path is on the signing path when the router would send a POST of it to
// the sign route and the snapshot has a signing campaign there. The set is
// computed once per snapshot, so the per-request cost is one map lookup.
// An escaped path (RawPath set) always takes the router.

// signRoutePattern is the route routes() gives the sign handler for the
// campaign page's own form.
const signRoutePattern = "/{org}/{campaign}/sign"

// signPathHandler puts the signing path in front of next.
type signPathHandler struct {
	s      *Server
	router *chi.Mux
	sign   http.Handler // the router's sign handler, in the router's middleware
	next   http.Handler

	mu   sync.Mutex
	last atomic.Pointer[signPaths]
}

// signPaths is the set of a snapshot's paths on the signing path. It
// names its snapshot weakly: a set kept after a reload until the next
// POST must not keep the replaced snapshot (every page of the old site) in
// memory.
type signPaths struct {
	snap  weak.Pointer[site.Snapshot]
	paths map[string]struct{}
}

// signPath returns the handler that puts the signing path in front of
// next. sign must be the handler router serves signRoutePattern with.
func (s *Server) signPath(router *chi.Mux, sign, next http.Handler) http.Handler {
	return &signPathHandler{s: s, router: router, next: next,
		sign: s.securityHeaders(s.recoverer(s.observe(sign)))}
}

// ServeHTTP serves r from the signing path or passes it on.
func (h *signPathHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method == http.MethodPost && r.URL.RawPath == "" {
		if _, ok := h.paths().paths[r.URL.Path]; ok {
			h.sign.ServeHTTP(w, r)
			return
		}
	}
	h.next.ServeHTTP(w, r)
}

// paths is the current snapshot's signing-path set, built on the first
// request that sees the snapshot, once even when many see it at once. Only
// the latest snapshot's set is kept.
func (h *signPathHandler) paths() *signPaths {
	snap := h.s.snap.Load()
	if sp := h.last.Load(); sp != nil && sp.snap.Value() == snap {
		return sp
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	if sp := h.last.Load(); sp != nil && sp.snap.Value() == snap {
		return sp
	}
	sp := &signPaths{snap: weak.Make(snap), paths: make(map[string]struct{}, len(snap.Signing))}
	rctx := chi.NewRouteContext()
	for path := range snap.Signing {
		rctx.Reset()
		if h.router.Find(rctx, http.MethodPost, path+"/sign") == signRoutePattern {
			sp.paths[path+"/sign"] = struct{}{}
		}
	}
	h.last.Store(sp)
	return sp
}
