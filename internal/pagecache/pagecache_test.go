package pagecache

import (
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"encoding/hex"
	"io"
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
