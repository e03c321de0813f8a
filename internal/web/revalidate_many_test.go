package web

import (
	"net/http"
	"net/http/httptest"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// variantTagRE reads the rendering an ETag names (pagecache's variant
// tags: "<hash>-v<i>", maybe "-gz", maybe weak).
var variantTagRE = regexp.MustCompile(`-v([0-9]+)(-gz)?"$`)

// TestRevalidationWithSeveralETags: over HTTP, a browser that held
// several renderings of a page lists them all in If-None-Match. When a
// later ETag names the current content of a rendering, the server answers
// 304 for it, even when an earlier one names a rendering already made but
// no longer current, or one not made yet — and renders nothing to find
// it. Before, the first ETag of a rendering's shape decided: 200. Only
// the first pagecache.MaxVariantsLooked ETags of that shape are looked at.
func TestRevalidationWithSeveralETags(t *testing.T) {
	for name, c := range rotationServers(t) {
		srv := httptest.NewServer(c.s)
		get := func(inm string) (int, string) {
			t.Helper()
			req, err := http.NewRequest("GET", srv.URL+libraryPage, nil)
			if err != nil {
				t.Fatal(err)
			}
			req.Header.Set("Accept-Encoding", "identity")
			if inm != "" {
				req.Header.Set("If-None-Match", inm)
			}
			res, err := srv.Client().Do(req)
			if err != nil {
				t.Fatal(err)
			}
			res.Body.Close()
			return res.StatusCode, res.Header.Get("Etag")
		}
		variant := func(etag string) int {
			t.Helper()
			m := variantTagRE.FindStringSubmatch(etag)
			if m == nil {
				t.Fatalf("%s: ETag %q names no rendering", name, etag)
			}
			v, _ := strconv.Atoi(m[1])
			return v
		}
		stale := func(v int) string { return `"0123456789abcdef01234567-v` + strconv.Itoa(v) + `"` }
		// Two readings in turn: two renderings made, A and B.
		_, a := get("")
		_, b := get("")
		va, vb := variant(a), variant(b)
		if va == vb {
			t.Fatalf("%s: two requests in turn got the same rendering %d", name, va)
		}
		unmade := -1 // a rendering neither made (0 is the live page's main, made by its first request)
		for v := 1; v < 4; v++ {
			if v != va && v != vb {
				unmade = v
				break
			}
		}
		before := c.rendered()
		for _, inm := range []string{
			stale(va) + ", " + b,                                             // made, but not current
			stale(unmade) + ", " + b,                                         // not made yet
			stale(unmade) + ", " + stale(va) + ", " + b,                      // both
			`"garbage", ` + stale(va) + `, W/` + strings.TrimPrefix(b, "W/"), // weak, after other shapes
		} {
			if code, _ := get(inm); code != http.StatusNotModified {
				t.Errorf("%s: If-None-Match %s: got %d, want 304 (the last names rendering %d as it is)", name, inm, code, vb)
			}
		}
		if got := c.rendered(); got != before {
			t.Errorf("%s: revalidations naming a current rendering rendered %d more, want none", name, got-before)
		}
		// Bounded: past the first 8 of a rendering's shape, none is looked
		// at, so the current one listed ninth is not found.
		if code, _ := get(strings.Repeat(stale(va)+", ", 8) + b); code != http.StatusOK {
			t.Errorf("%s: the current ETag listed after 8 others of a rendering's shape: got %d, want 200 (no more are looked at)", name, code)
		}
		srv.Close()
	}
}
