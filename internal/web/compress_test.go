package web

import (
	"bytes"
	"compress/gzip"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
)

// TestDynamicPagesGzipped: pages rendered per request (here a "not found"
// page and the Mastodon confirmation) are sent gzipped to a client that
// asks, with Vary: Accept-Encoding, and decode to exactly the page a
// client without gzip gets. Before they were always sent plain.
func TestDynamicPagesGzipped(t *testing.T) {
	s := newTestServer(t)
	for _, tc := range []struct {
		path   string
		status int
		vary   string
	}{
		// The not-found page follows the reader's language too.
		{"/no-such-organisation/nor-campaign", http.StatusNotFound, "Accept-Encoding, Accept-Language"},
		{"/riverside/save-the-library/share/mastodon?instance=mastodon.social", http.StatusOK, "Accept-Encoding"},
	} {
		plainRes := get(t, s, "GET", tc.path, nil)
		wantStatus(t, plainRes, tc.status)
		plain := body(t, plainRes)
		if enc := plainRes.Header.Get("Content-Encoding"); enc != "" {
			t.Errorf("%s without Accept-Encoding: Content-Encoding %q", tc.path, enc)
		}

		res := get(t, s, "GET", tc.path, http.Header{"Accept-Encoding": {"gzip, deflate, br"}})
		wantStatus(t, res, tc.status)
		wantHeader(t, res, "Content-Encoding", "gzip")
		if v := res.Header.Get("Vary"); v != tc.vary {
			t.Errorf("%s: Vary %q, want %q", tc.path, v, tc.vary)
		}
		zr, err := gzip.NewReader(res.Body)
		if err != nil {
			t.Fatalf("%s: %v", tc.path, err)
		}
		got, err := io.ReadAll(zr)
		if err != nil {
			t.Fatalf("%s: %v", tc.path, err)
		}
		if res.ContentLength <= 0 || int(res.ContentLength) >= len(plain) {
			t.Errorf("%s: gzipped Content-Length %d, plain %d bytes", tc.path, res.ContentLength, len(plain))
		}
		// Both pages are the same on every request, so the two match.
		if !strings.Contains(string(got), "</html>") || string(got) != plain {
			t.Errorf("%s: the gzipped page (%d bytes) is not the plain one (%d bytes)", tc.path, len(got), len(plain))
		}

		head := get(t, s, "HEAD", tc.path, http.Header{"Accept-Encoding": {"gzip"}})
		if b := body(t, head); b != "" || head.Header.Get("Content-Encoding") != "gzip" {
			t.Errorf("HEAD %s: %d bytes of body, Content-Encoding %q", tc.path, len(b), head.Header.Get("Content-Encoding"))
		}
	}
}

// TestPrivatePagesGzipped: a new signer's thank-you page with the personal
// link, and the link's private page, are sent gzipped to a client that
// asks, and decode to the plain page.
func TestPrivatePagesGzipped(t *testing.T) {
	e := newSignEnv(t, openSQLite(t), nil)
	res := e.signVia(t, libraryPage, "ann@example.org")
	wantStatus(t, res, http.StatusSeeOther)
	thanksURL := res.Header.Get("Location")
	gz := http.Header{"Accept-Encoding": {"gzip"}}

	res = get(t, e.s, "GET", thanksURL, gz)
	wantStatus(t, res, http.StatusOK)
	wantHeader(t, res, "Content-Encoding", "gzip")
	zr, err := gzip.NewReader(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(zr)
	d, err := goquery.NewDocumentFromReader(bytes.NewReader(page))
	if err != nil {
		t.Fatal(err)
	}
	private := d.Find("#private-link").AttrOr("value", "")
	if private == "" {
		t.Fatalf("no private address on the gzipped thank-you page (%d bytes)", len(page))
	}

	impact := strings.TrimPrefix(private, "https://act.example.org")
	plain := body(t, get(t, e.s, "GET", impact, nil))
	res = get(t, e.s, "GET", impact, gz)
	wantStatus(t, res, http.StatusOK)
	wantHeader(t, res, "Content-Encoding", "gzip")
	zr, err = gzip.NewReader(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := io.ReadAll(zr); string(got) != plain {
		t.Errorf("the gzipped private page (%d bytes) is not the plain one (%d bytes)", len(got), len(plain))
	}
}
