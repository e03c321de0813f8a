package web

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/placard/placard/internal/campaign"
	"github.com/placard/placard/internal/campaign/campaigntest"
)

// rotatingSite is the test site with the library's X message rotating
// four wordings: its page has four share-message renderings.
func rotatingSite(t *testing.T) *campaign.Site {
	t.Helper()
	f := testFiles(t)
	old := `      x: "Our library closes unless the council hears from us. {link} #SaveRiversideLibrary"`
	if !strings.Contains(f["riverside/save-the-library.yaml"], old) {
		t.Fatal("the library's share action has no X message to replace")
	}
	f["riverside/save-the-library.yaml"] = strings.Replace(f["riverside/save-the-library.yaml"], old,
		`      x: ["First wording {link}", "Second wording {link}", "Third wording {link}", "Fourth wording {link}"]`, 1)
	return campaigntest.Site(t, f)
}

// rotationServers are a server of rotatingSite whose library page is a
// plain cached page and one whose page takes signatures, with how many
// of the page's share renderings each has rendered so far (the live
// page's main rendering, made by its first request whatever it asks,
// is not counted).
func rotationServers(t *testing.T) map[string]struct {
	s        *Server
	rendered func() int
} {
	plain, err := New(Config{BaseURL: "https://act.example.org", SiteName: "Act"}, rotatingSite(t))
	if err != nil {
		t.Fatal(err)
	}
	live, err := New(Config{BaseURL: "https://act.example.org", SiteName: "Act", Store: openSQLite(t)}, rotatingSite(t))
	if err != nil {
		t.Fatal(err)
	}
	rot := plain.snap.Load().Rotations[libraryPage]
	if len(rot) != 4 {
		t.Fatalf("the plain page has %d share renderings, want 4", len(rot))
	}
	lc := live.snap.Load().Signing[libraryPage]
	if lc == nil {
		t.Fatal("the live server's library page takes no signatures")
	}
	return map[string]struct {
		s        *Server
		rendered func() int
	}{
		"cached page": {plain, func() int {
			n := 0
			for _, p := range rot {
				if p.Rendered() {
					n++
				}
			}
			return n
		}},
		"live page": {live, func() int {
			lp := lc.Pages.Load()
			if lp == nil {
				return 0
			}
			n := 0
			for i := 1; i < lp.Rotations(); i++ {
				if lp.RenderedRotation(i) != nil {
					n++
				}
			}
			return n
		}},
	}
}

// TestIfNoneMatchRendersNoRotation: a request naming an ETag in
// If-None-Match (garbage, one of another page, or one shaped as a
// rendering's with a made-up hash) renders only the share rendering it is
// sent, as a request without the header does. Before,
// asking which rendering the browser held rendered (and kept) every
// rendering of the page: one anonymous GET with a made-up header cost n
// renderings of every page × language × region it named.
func TestIfNoneMatchRendersNoRotation(t *testing.T) {
	for name, c := range rotationServers(t) {
		srv := httptest.NewServer(c.s)
		before := c.rendered()
		for i, inm := range []string{`"garbage"`, `W/"x", "y", *x`, `"0123456789abcdef01234567"`,
			// Shaped as a rendering's own (pagecache.VariantIn), naming one
			// or all: the one named is the one rendered, and no other.
			`"0123456789abcdef01234567-v3"`, `W/"0123456789abcdef01234567-v2-gz"`,
			`"0123456789abcdef01234567-v0", "0123456789abcdef01234567-v1", "0123456789abcdef01234567-v2", "0123456789abcdef01234567-v3"`} {
			req, err := http.NewRequest("GET", srv.URL+libraryPage, nil)
			if err != nil {
				t.Fatal(err)
			}
			req.Header.Set("If-None-Match", inm)
			res, err := srv.Client().Do(req)
			if err != nil {
				t.Fatal(err)
			}
			res.Body.Close()
			if res.StatusCode != 200 {
				t.Errorf("%s: If-None-Match %s: got %d, want 200", name, inm, res.StatusCode)
			}
			// Each request renders at most the one rendering it is sent.
			if got, most := c.rendered(), before+i+1; got > most {
				t.Errorf("%s: after %d requests with a made-up If-None-Match, %d share renderings rendered, want at most %d", name, i+1, got, most)
			}
		}
		srv.Close()
	}
}

// TestRevalidationKeepsItsRotation: over HTTP, a reader who reloads
// names the rendering they hold and gets 304 for it, for every rendering
// in turn and whether they took it gzipped or not: matching only the
// renderings already made still finds theirs, since they were sent it.
func TestRevalidationKeepsItsRotation(t *testing.T) {
	for name, c := range rotationServers(t) {
		srv := httptest.NewServer(c.s)
		for _, enc := range []string{"gzip", "identity"} {
			for range 5 {
				req, _ := http.NewRequest("GET", srv.URL+libraryPage, nil)
				req.Header.Set("Accept-Encoding", enc)
				res, err := srv.Client().Do(req)
				if err != nil {
					t.Fatal(err)
				}
				res.Body.Close()
				etag := res.Header.Get("Etag")
				if res.StatusCode != 200 || etag == "" {
					t.Fatalf("%s: got %d with ETag %q", name, res.StatusCode, etag)
				}
				req, _ = http.NewRequest("GET", srv.URL+libraryPage, nil)
				req.Header.Set("Accept-Encoding", enc)
				req.Header.Set("If-None-Match", etag)
				res, err = srv.Client().Do(req)
				if err != nil {
					t.Fatal(err)
				}
				res.Body.Close()
				if res.StatusCode != 304 {
					t.Errorf("%s (%s): revalidating %s: got %d, want 304", name, enc, etag, res.StatusCode)
				}
			}
		}
		srv.Close()
	}
}
