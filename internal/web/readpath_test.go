package web

import (
	"bytes"
	"context"
	"maps"
	"net/http"
	"net/http/httptest"
	"slices"
	"testing"

	"github.com/placard/placard/internal/campaign"
	"github.com/placard/placard/internal/campaign/campaigntest"
)

// readPathOf is the read-path handler in front of s's router.
func readPathOf(t testing.TB, s *Server) *readPathHandler {
	t.Helper()
	next := s.handler
	if sp, ok := next.(*signPathHandler); ok { // signpath.go: in front of the read path
		next = sp.next
	}
	h, ok := next.(*readPathHandler)
	if !ok {
		t.Fatalf("the server's handler is %T, not the read path", s.handler)
	}
	return h
}

// TestReadPathSameAsRouter: every page the read path serves is answered
// exactly as the router answers it (status, every header, body), for GET
// and HEAD, with and without gzip, with a language preference and a
// revalidation — on a site of plain pages, one of signing pages and one
// in several languages.
func TestReadPathSameAsRouter(t *testing.T) {
	i18nSite, probs := campaign.Load("testdata/i18n")
	if i18nSite == nil {
		t.Fatal(probs)
	}
	servers := map[string]*Server{
		"plain":   newTestServer(t),
		"signing": newSignEnv(t, openSQLite(t), nil).s,
	}
	s, err := New(Config{BaseURL: "https://act.example.org", SiteName: "Act"}, i18nSite)
	if err != nil {
		t.Fatal(err)
	}
	servers["i18n"] = s
	for name, s := range servers {
		t.Run(name, func(t *testing.T) {
			h := readPathOf(t, s)
			snap := s.snap.Load()
			paths := slices.Sorted(maps.Keys(snap.Pages))
			paths = append(paths, slices.Sorted(maps.Keys(snap.Signing))...)
			served := 0
			for _, path := range paths {
				if !s.onReadPath(h.router, path) {
					continue
				}
				served++
				for _, hdr := range []http.Header{
					{},
					{"Accept-Encoding": {"gzip, deflate, br"}},
					{"Accept-Encoding": {"gzip"}, "Accept-Language": {"ar-EG,ar;q=0.9,en;q=0.8"}},
					{"Accept-Language": {"fr"}},
				} {
					for _, method := range []string{"GET", "HEAD"} {
						fast := readPathServe(h, method, path, hdr, false)
						slow := readPathServe(h, method, path, hdr, true)
						sameResponse(t, method+" "+path, fast, slow)
						if etag := fast.Header().Get("Etag"); etag != "" {
							inm := hdr.Clone()
							inm.Set("If-None-Match", etag)
							fast := readPathServe(h, method, path, inm, false)
							if fast.Code != http.StatusNotModified {
								t.Errorf("%s %s with If-None-Match: got %d, want 304", method, path, fast.Code)
							}
							sameResponse(t, method+" "+path+" revalidated", fast, readPathServe(h, method, path, inm, true))
						}
					}
				}
			}
			if served == 0 {
				t.Fatal("no page is on the read path")
			}
		})
	}
}

// readPathServe sends one request through the read path, or through the
// router alone when viaRouter, with the first share rendering always
// chosen so two answers can be compared.
func readPathServe(h *readPathHandler, method, path string, hdr http.Header, viaRouter bool) *httptest.ResponseRecorder {
	req := httptest.NewRequest(method, path, nil)
	for k, v := range hdr {
		req.Header[k] = v
	}
	req = req.WithContext(context.WithValue(req.Context(), firstRotation{}, true))
	rec := httptest.NewRecorder()
	if viaRouter {
		h.router.ServeHTTP(rec, req)
	} else {
		h.ServeHTTP(rec, req)
	}
	return rec
}

func sameResponse(t *testing.T, what string, fast, slow *httptest.ResponseRecorder) {
	t.Helper()
	if fast.Code != slow.Code {
		t.Errorf("%s: read path %d, router %d", what, fast.Code, slow.Code)
	}
	if !maps.EqualFunc(fast.Header(), slow.Header(), slices.Equal) {
		t.Errorf("%s: headers differ:\nread path %v\nrouter    %v", what, fast.Header(), slow.Header())
	}
	if !bytes.Equal(fast.Body.Bytes(), slow.Body.Bytes()) {
		t.Errorf("%s: bodies differ (%d and %d bytes)", what, fast.Body.Len(), slow.Body.Len())
	}
}

// TestReadPathOnlyPages: addresses the router gives to another handler
// (the embed page, held among the pages but answered with its own frame
// rules), requests with a query, escaped paths, other methods, unknown
// and static addresses all go through the router.
func TestReadPathOnlyPages(t *testing.T) {
	s := newSignEnv(t, openSQLite(t), nil).s
	h := readPathOf(t, s)
	snap := s.snap.Load()
	if !s.onReadPath(h.router, libraryPage) {
		t.Fatalf("%s is not on the read path", libraryPage)
	}
	embeds := 0
	for path := range snap.Pages {
		if len(path) > 6 && path[len(path)-6:] == "/embed" {
			embeds++
			if s.onReadPath(h.router, path) {
				t.Errorf("%s, the embed page, is on the read path", path)
			}
		}
	}
	for _, path := range []string{"/healthz", "/robots.txt", "/sitemap.xml", "/nowhere", "/riverside/nothing", libraryPage + "/thanks", libraryPage + "/card.png"} {
		if s.onReadPath(h.router, path) {
			t.Errorf("%s is on the read path", path)
		}
	}
	for _, tc := range []struct{ method, target string }{
		{"POST", libraryPage},
		{"GET", libraryPage + "?src=qr"},
		{"GET", "/riverside/save-the-%6cibrary"},
		{"GET", libraryPage + "/"},
	} {
		req := httptest.NewRequest(tc.method, tc.target, nil)
		// A page handler that would serve these is replaced by one that
		// fails the test: only the router may answer them.
		hh := *h
		hh.page = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			t.Errorf("%s %s took the read path", tc.method, tc.target)
		})
		hh.ServeHTTP(httptest.NewRecorder(), req)
	}
}

// TestReadPathFollowsReload: a reload's new page is on the read path at
// once and a removed one is not, and the server keeps no read-path set
// of a replaced snapshot (which would keep the whole snapshot in memory).
func TestReadPathFollowsReload(t *testing.T) {
	s := newTestServer(t)
	h := readPathOf(t, s)
	if res := get(t, s, "GET", "/plain/a-note", nil); res.StatusCode != 200 {
		t.Fatalf("before the reload: got %d", res.StatusCode)
	}
	files := testFiles(t)
	delete(files, "plain/a-note.yaml")
	files["plain/another-note.yaml"] = "title: Another note\nsummary: Short.\ndate: 2026-01-06\nactions:\n  - kind: share\n    messages:\n      default: Hello.\n"
	if err := s.SetSite(campaigntest.Site(t, files)); err != nil {
		t.Fatal(err)
	}
	if rp := s.readPaths.last.Load(); rp != nil {
		t.Errorf("after the reload the server still holds the read-path set of the replaced snapshot")
	}
	if s.onReadPath(h.router, "/plain/a-note") {
		t.Error("a removed page is still on the read path")
	}
	if !s.onReadPath(h.router, "/plain/another-note") {
		t.Error("a new page is not on the read path")
	}
	if res := get(t, s, "GET", "/plain/a-note", nil); res.StatusCode != 404 {
		t.Errorf("a removed page: got %d, want 404", res.StatusCode)
	}
	if res := get(t, s, "GET", "/plain/another-note", nil); res.StatusCode != 200 {
		t.Errorf("a new page: got %d, want 200", res.StatusCode)
	}
}

// TestReadPathAllocations is the read path's budget: a cached page, plain
// or with a signing form, costs no allocation in placard's handlers and
// middleware (net/http's own are not counted here). Through the router it
// cost four (the request's copy, its context, its path values).
func TestReadPathAllocations(t *testing.T) {
	if raceEnabled {
		t.Log("allocations differ under the race detector: counted by the run without -race (.ci/run: signing budgets)")
		return
	}
	for name, s := range map[string]*Server{"plain": newTestServer(t), "signing": newSignEnv(t, openSQLite(t), nil).s} {
		req := httptest.NewRequest("GET", libraryPage, nil)
		req.Header.Set("Accept-Encoding", "gzip, deflate, br")
		w := &discardWriter{h: http.Header{}}
		s.ServeHTTP(w, req) // builds the read-path set
		allocs := testing.AllocsPerRun(100, func() {
			clear(w.h)
			s.ServeHTTP(w, req)
		})
		if w.code != 200 {
			t.Fatalf("%s: got %d", name, w.code)
		}
		if allocs != 0 {
			t.Errorf("%s: %v allocations per cached page, want 0", name, allocs)
		}
	}
}
