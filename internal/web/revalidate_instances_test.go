package web

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/placard/placard/internal/store"
)

// rotationRendered counts how many of s's library page's share renderings
// are rendered (the live page's main rendering not counted), as
// rotationServers does.
func rotationRendered(s *Server) int {
	snap := s.snap.Load()
	n := 0
	if lc := snap.Signing[libraryPage]; lc != nil {
		lp := lc.Pages.Load()
		if lp == nil {
			return 0
		}
		for i := 1; i < lp.Rotations(); i++ {
			if lp.RenderedRotation(i) != nil {
				n++
			}
		}
		return n
	}
	for _, p := range snap.Rotations[libraryPage] {
		if p.Rendered() {
			n++
		}
	}
	return n
}

// TestRevalidationAcrossInstances: a reader who got a share rendering
// from one instance revalidates it against another (a load balancer, or
// the same instance after a restart: a new process on the same campaigns
// and database) and gets 304 for it, for every rendering, gzipped or not.
// Before, the second instance matched If-None-Match only against the
// renderings it had already made itself, so the reader got 200 and most
// often another wording. Each revalidation renders at most the one
// rendering it names.
func TestRevalidationAcrossInstances(t *testing.T) {
	for _, live := range []bool{false, true} {
		name := "cached page"
		var st store.Store
		if live {
			name, st = "live page", openSQLite(t)
		}
		newServer := func() *Server {
			s, err := New(Config{BaseURL: "https://act.example.org", SiteName: "Act", Store: st}, rotatingSite(t))
			if err != nil {
				t.Fatal(err)
			}
			return s
		}
		first := httptest.NewServer(newServer())
		for _, enc := range []string{"gzip", "identity"} {
			// Every rendering from the first instance, in turn.
			var etags []string
			for range 4 {
				req, _ := http.NewRequest("GET", first.URL+libraryPage, nil)
				req.Header.Set("Accept-Encoding", enc)
				res, err := first.Client().Do(req)
				if err != nil {
					t.Fatal(err)
				}
				res.Body.Close()
				etag := res.Header.Get("Etag")
				if res.StatusCode != 200 || etag == "" {
					t.Fatalf("%s: got %d with ETag %q", name, res.StatusCode, etag)
				}
				etags = append(etags, etag)
			}
			// Revalidated against a fresh instance, in the other order
			// (so not by the luck of two counters in step).
			second := newServer()
			srv := httptest.NewServer(second)
			for i := range etags {
				etag := etags[len(etags)-1-i]
				req, _ := http.NewRequest("GET", srv.URL+libraryPage, nil)
				req.Header.Set("Accept-Encoding", enc)
				req.Header.Set("If-None-Match", etag)
				res, err := srv.Client().Do(req)
				if err != nil {
					t.Fatal(err)
				}
				res.Body.Close()
				if res.StatusCode != 304 {
					t.Errorf("%s (%s): another instance revalidating %s: got %d, want 304", name, enc, etag, res.StatusCode)
				}
				if got := rotationRendered(second); got > i+1 {
					t.Errorf("%s (%s): after %d revalidations the other instance has %d share renderings, want at most %d", name, enc, i+1, got, i+1)
				}
			}
			srv.Close()
		}
		first.Close()
	}
}
