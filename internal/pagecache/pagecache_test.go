package pagecache

import (
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"encoding/hex"
	"hash/crc32"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"
)

// The marks and blank value the server uses, spelled here so these tests
// need nothing of it.
const (
	tokenMark = "PlacardFormTokenPlaceholder00000"
	viaMark   = "PlacardAttributionSlot0000000000"
)

var testSlots = Slots{Token: tokenMark, Attribution: viaMark, BlankAttribution: bytes.Repeat([]byte{'.'}, len(viaMark))}

// issue is a stand-in token issuer: 32 characters naming the path's
// length and the second.
func issue(path string, t time.Time) string {
	var raw [16]byte
	binary.BigEndian.PutUint64(raw[:8], uint64(t.Unix()))
	binary.BigEndian.PutUint64(raw[8:], uint64(len(path)))
	return hex.EncodeToString(raw[:])
}

// FuzzTokenPage splices tokens into arbitrary pages: every gzip body must
// decompress to exactly the plain body, whatever the text around the
// tokens repeats (the compressor may refer back across a token, never into
// one).
func FuzzTokenPage(f *testing.F) {
	f.Add("<p>a</p>", uint8(1), uint8(0))
	f.Add(strings.Repeat("abcabcabc", 200), uint8(3), uint8(7))
	f.Add("", uint8(2), uint8(0))
	f.Add(strings.Repeat(tokenMark[:8], 50), uint8(4), uint8(1))
	f.Add("with\x00nul", uint8(2), uint8(3))
	now := time.Unix(1_800_000_000, 0)
	tok := issue("o/c", now)
	f.Fuzz(func(t *testing.T, text string, tokens, step uint8) {
		// Build a page with tokens%5 placeholders spread through text.
		n := int(tokens % 5)
		var b strings.Builder
		for i := range n + 1 {
			lo := min(len(text), i*int(step)%max(len(text), 1))
			b.WriteString(text[:lo])
			if i < n {
				b.WriteString(tokenMark)
			}
		}
		body := b.String()
		p := NewSpliced([]byte(body), testSlots, "o/c", "")
		want := strings.ReplaceAll(body, tokenMark, tok)
		req := httptest.NewRequest("GET", "/", nil)
		req.Header.Set("Accept-Encoding", "gzip")
		rec := httptest.NewRecorder()
		p.Serve(rec, req, issue, now)
		zr, err := gzip.NewReader(bytes.NewReader(rec.Body.Bytes()))
		if err != nil {
			t.Fatalf("gzip header: %v", err)
		}
		got, err := io.ReadAll(zr)
		if err != nil {
			t.Fatalf("decompressing: %v", err)
		}
		if string(got) != want {
			t.Fatalf("got %d bytes, want %d", len(got), len(want))
		}
	})
}

// TestTokenPageSplitting covers pages with zero, one and several tokens,
// including at the very start and end, with a tiny and a large body.
func TestTokenPageSplitting(t *testing.T) {
	now := time.Unix(1_700_000_000, 0)
	tok := issue("o/c", now)
	big := strings.Repeat("<p class=x>Lorem ipsum dolor sit amet</p>\n", 3000)
	for _, body := range []string{
		"", "no tokens at all", tokenMark, tokenMark + "a" + tokenMark,
		"<form>" + tokenMark + "</form>" + big + "<form>" + tokenMark + "</form>",
		big + tokenMark,
	} {
		p := NewSpliced([]byte(body), testSlots, "o/c", "")
		want := strings.ReplaceAll(body, tokenMark, tok)
		for _, gz := range []bool{false, true} {
			req := httptest.NewRequest("GET", "/", nil)
			if gz {
				req.Header.Set("Accept-Encoding", "gzip")
			}
			rec := httptest.NewRecorder()
			p.Serve(rec, req, issue, now)
			got := rec.Body.Bytes()
			if rec.Header().Get("Content-Length") != strconv.Itoa(len(got)) {
				t.Errorf("len %d gz %v: Content-Length %s, body %d", len(body), gz, rec.Header().Get("Content-Length"), len(got))
			}
			if gz {
				zr, err := gzip.NewReader(bytes.NewReader(got))
				if err != nil {
					t.Fatal(err)
				}
				if got, err = io.ReadAll(zr); err != nil {
					t.Fatalf("len %d: %v", len(body), err)
				}
			}
			if string(got) != want {
				t.Errorf("len %d gz %v: body differs", len(body), gz)
			}
		}
	}
}

// BenchmarkTokenStamp is the work done once a second per live page: a new
// token and the gzip trailer's CRC-32 over everything after the first
// piece, on a page the size of a campaign page with a petition and a
// letter (two forms, each with a token and a via slot).
func BenchmarkTokenStamp(b *testing.B) {
	part := strings.Repeat("<p class=x>Lorem ipsum dolor sit amet, consectetur</p>\n", 150)
	body := part + tokenMark + part + viaMark + part + tokenMark + part + viaMark + part
	p := NewSpliced([]byte(body), testSlots, "o/c", "")
	now := time.Unix(1_700_000_000, 0)
	b.ReportAllocs()
	for b.Loop() {
		now = now.Add(time.Second)
		p.stampAt(issue, now)
	}
}

func TestAcceptsGzip(t *testing.T) {
	for in, want := range map[string]bool{
		"gzip": true, "GZIP": true, "br, gzip;q=0.5": true, "deflate, br": false, "": false,
		"gzip;q=0": false, "*": true, "*;q=0": false, "identity": false, "gzip; q=0.0": false, "x-gzip": false,
	} {
		if got := AcceptsGzip([]string{in}); got != want {
			t.Errorf("AcceptsGzip(%q) = %v, want %v", in, got, want)
		}
	}
}

// TestResponseKeepsOnlyGzip checks that a compressible body is kept only
// gzipped and still answers a client without gzip with the plain bytes,
// their length and their validator, and Body gives them back.
func TestResponseKeepsOnlyGzip(t *testing.T) {
	body := []byte("<!doctype html><p>" + strings.Repeat("a page worth compressing ", 40) + "</p>")
	c := New(body, "text/html; charset=utf-8", []string{"no-cache"}, "")
	if c.gz == nil || c.body != nil {
		t.Fatalf("kept plain %d and gzip %d bytes; want only the gzip copy", len(c.body), len(c.gz))
	}
	if !bytes.Equal(c.Body(), body) {
		t.Fatalf("Body() = %q, want %q", c.Body(), body)
	}
	for _, enc := range []string{"", "identity", "gzip;q=0"} {
		for range 2 { // the second inflates with a pooled reader
			req := httptest.NewRequest("GET", "/", nil)
			if enc != "" {
				req.Header.Set("Accept-Encoding", enc)
			}
			rec := httptest.NewRecorder()
			c.Serve(rec, req)
			if got := rec.Body.Bytes(); !bytes.Equal(got, body) {
				t.Fatalf("Accept-Encoding %q: body %q, want %q", enc, got, body)
			}
			if rec.Header().Get("Content-Encoding") != "" || rec.Header().Get("Content-Length") != strconv.Itoa(len(body)) || rec.Header().Get("Etag") != c.etag[0] {
				t.Fatalf("Accept-Encoding %q: headers %v", enc, rec.Header())
			}
		}
	}
	req := httptest.NewRequest("GET", "/", nil)
	req.Header.Set("Accept-Encoding", "gzip")
	rec := httptest.NewRecorder()
	c.Serve(rec, req)
	zr, err := gzip.NewReader(rec.Body)
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := io.ReadAll(zr); !bytes.Equal(got, body) || rec.Header().Get("Etag") != c.etagGz[0] {
		t.Fatalf("gzip: body %q, headers %v", got, rec.Header())
	}
	// A small or incompressible body is kept as it is, without spare capacity.
	small := make([]byte, 3, 100)
	copy(small, "abc")
	if s := New(small, "text/plain", nil, ""); s.gz != nil || !bytes.Equal(s.Body(), []byte("abc")) || cap(s.body) >= 100 {
		t.Fatalf("small body kept as %q (cap %d), gzip %d", s.body, cap(s.body), len(s.gz))
	}
}

// BenchmarkResponseServe serves a prepared page, gzipped and plain: the
// gzipped read is the one nearly every client makes.
func BenchmarkResponseServe(b *testing.B) {
	body := []byte("<!doctype html><p>" + strings.Repeat("a page worth compressing, with words ", 800) + "</p>")
	c := New(body, "text/html; charset=utf-8", []string{"no-cache"}, "")
	for _, enc := range []string{"gzip", "identity"} {
		b.Run(enc, func(b *testing.B) {
			req := httptest.NewRequest("GET", "/", nil)
			req.Header.Set("Accept-Encoding", enc)
			w := &discard{h: http.Header{}}
			b.ReportAllocs()
			for b.Loop() {
				clear(w.h)
				c.Serve(w, req)
			}
		})
	}
}

// discard is a ResponseWriter that keeps nothing.
type discard struct{ h http.Header }

func (d *discard) Header() http.Header         { return d.h }
func (d *discard) Write(p []byte) (int, error) { return len(p), nil }
func (d *discard) WriteHeader(int)             {}

// TestSplicedAttributed serves a page with token and attribution slots
// plain and gzipped, blank and with a visitor's attribution: the gzip
// reader checks the trailer's CRC-32, computed from the pieces' CRCs
// since the plain page is not kept.
func TestSplicedAttributed(t *testing.T) {
	now := time.Unix(1_700_000_000, 0)
	tok := issue("o/c", now)
	part := strings.Repeat("<p class=x>Lorem ipsum dolor sit amet</p>\n", 97)
	body := viaMark + part + tokenMark + part + viaMark + "x" + tokenMark + part
	p := NewSpliced([]byte(body), testSlots, "o/c", "")
	via := []byte(strings.Repeat("v", len(viaMark)))
	for _, v := range [][]byte{nil, via} {
		fill := testSlots.BlankAttribution
		if v != nil {
			fill = v
		}
		want := strings.ReplaceAll(strings.ReplaceAll(body, tokenMark, tok), viaMark, string(fill))
		for _, gz := range []bool{false, true} {
			req := httptest.NewRequest("GET", "/", nil)
			if gz {
				req.Header.Set("Accept-Encoding", "gzip")
			}
			rec := httptest.NewRecorder()
			p.ServeAttributed(rec, req, issue, now, v)
			got := rec.Body.Bytes()
			if gz {
				zr, err := gzip.NewReader(bytes.NewReader(got))
				if err != nil {
					t.Fatal(err)
				}
				if got, err = io.ReadAll(zr); err != nil {
					t.Fatalf("via %q: %v", v, err)
				}
			}
			if string(got) != want {
				t.Errorf("via %q gz %v: body differs", v, gz)
			}
		}
	}
	if got := string(p.Body(tok)); got != strings.ReplaceAll(strings.ReplaceAll(body, tokenMark, tok), viaMark, string(testSlots.BlankAttribution)) {
		t.Errorf("Body differs")
	}
}

// TestShiftBy checks the CRC-32 operator against the CRC of joined bytes.
func TestShiftBy(t *testing.T) {
	a := []byte("the first part")
	for _, n := range []int{0, 1, 2, 7, 32, 1000, 65537} {
		b := bytes.Repeat([]byte{'q', 0, 0xff}, n)[:n]
		sh := shiftBy(n)
		if got, want := sh.apply(crc32.ChecksumIEEE(a))^crc32.ChecksumIEEE(b), crc32.ChecksumIEEE(append(a[:len(a):len(a)], b...)); got != want {
			t.Errorf("n=%d: %08x, want %08x", n, got, want)
		}
	}
}

// TestReuse: a build hands back what it or the build before prepared for
// the same arguments, anything else anew, and lets the build before go
// when done.
func TestReuse(t *testing.T) {
	body := []byte(strings.Repeat("<p>same page</p>", 40))
	first := NewReuse(nil)
	a := first.New(body, "text/html", []string{"no-cache"}, "csp")
	s := first.NewSpliced(body, testSlots, "o/c", "csp")
	first.Done()
	second := NewReuse(first)
	if second.New(bytes.Clone(body), "text/html", []string{"no-cache"}, "csp") != a {
		t.Error("the same page was prepared again")
	}
	if second.NewSpliced(bytes.Clone(body), testSlots, "o/c", "csp") != s {
		t.Error("the same spliced page was prepared again")
	}
	if second.New(body, "text/html", []string{"no-cache"}, "other") == a || second.New(body, "text/html", []string{"no-store"}, "csp") == a ||
		second.NewSpliced(body, testSlots, "o/d", "csp") == s {
		t.Error("a response with other headers or path was reused")
	}
	second.Done()
	if second.prev != nil {
		t.Error("the build before is still held")
	}
	if (*Reuse)(nil).New(body, "text/html", nil, "") == a {
		t.Error("a nil Reuse reused")
	}
}
