package web

import (
	"bytes"
	"compress/gzip"
	"io"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// FuzzTokenPage splices tokens into arbitrary pages: every gzip body must
// decompress to exactly the plain body, whatever the text around the
// tokens repeats (the compressor may refer back across a token, never into
// one).
func FuzzTokenPage(f *testing.F) {
	f.Add("<p>a</p>", uint8(1), uint8(0))
	f.Add(strings.Repeat("abcabcabc", 200), uint8(3), uint8(7))
	f.Add("", uint8(2), uint8(0))
	f.Add(strings.Repeat(tokenPlaceholder[:8], 50), uint8(4), uint8(1))
	f.Add("with\x00nul", uint8(2), uint8(3))
	ts := tokenSigner{key: []byte("fuzz")}
	now := time.Unix(1_800_000_000, 0)
	tok := ts.issue("o/c", now)
	f.Fuzz(func(t *testing.T, text string, tokens, step uint8) {
		// Build a page with tokens%5 placeholders spread through text.
		n := int(tokens % 5)
		var b strings.Builder
		for i := range n + 1 {
			lo := min(len(text), i*int(step)%max(len(text), 1))
			b.WriteString(text[:lo])
			if i < n {
				b.WriteString(tokenPlaceholder)
			}
		}
		body := b.String()
		p := newTokenPage([]byte(body), "o/c", "")
		want := strings.ReplaceAll(body, tokenPlaceholder, tok)
		req := httptest.NewRequest("GET", "/", nil)
		req.Header.Set("Accept-Encoding", "gzip")
		rec := httptest.NewRecorder()
		p.serve(rec, req, ts, now)
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
