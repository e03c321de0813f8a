package web

import (
	"net/http"
	"strings"

	"github.com/placard/placard/internal/site"
)

// movedPath is where path, a renamed campaign's old address (org.yaml's
// redirects) or a short address, or an address under the old one
// (/org/old-slug/…), is now: the same address under the campaign's new
// one. It reports false for any other path, and for an address under the
// old one that the snapshot has nothing at under the new one.
func movedPath(snap *site.Snapshot, path string) (string, bool) {
	if to, ok := snap.Moved[path]; ok {
		// The old address itself (or a short address).
		return to, true
	}
	to, ok := movedUnder(snap, path)
	if !ok {
		return "", false
	}
	if snap.Pages[to] != nil || snap.Signing[to] != nil || snap.Lazy[to] != nil {
		return to, true
	}
	if p, ok := strings.CutSuffix(to, "/impact"); ok && snap.Signing[p] != nil {
		return to, true
	}
	if p, ok := strings.CutSuffix(to, "/thanks"); ok && (snap.Thanks[p] != nil || snap.Pages[p] != nil) {
		return to, true
	}
	return "", false
}

// movedUnder is path, an address under a renamed campaign's old address
// (/org/old-slug/…), under the campaign's new one, whether or not the
// snapshot holds anything there.
func movedUnder(snap *site.Snapshot, path string) (string, bool) {
	// /org/campaign is the path up to its third slash.
	if len(path) < 2 || path[0] != '/' {
		return "", false
	}
	i := strings.IndexByte(path[1:], '/') + 1
	if i <= 0 {
		return "", false
	}
	k := strings.IndexByte(path[i+1:], '/')
	if k < 0 {
		return "", false
	}
	j := i + 1 + k
	to, ok := snap.Moved[path[:j]]
	if !ok {
		return "", false
	}
	return to + path[j:], true
}

// redirectMoved answers a GET of an address under a renamed campaign's old
// address with a 301 to its new one, keeping the query (movedPermanently),
// and reports whether it did.
func (s *Server) redirectMoved(w http.ResponseWriter, r *http.Request) bool {
	to, ok := movedPath(s.snap.Load(), r.URL.Path)
	if !ok {
		return false
	}
	movedPermanently(w, r, to)
	return true
}
