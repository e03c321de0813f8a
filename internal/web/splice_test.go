package web

import (
	"bytes"
	"compress/gzip"
	"io"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/placard/placard/internal/attribution"
	"github.com/placard/placard/internal/formtoken"
)

// FuzzTokenPage splices tokens into arbitrary pages: every gzip body must
// decompress to exactly the plain body, whatever the text around the
// tokens repeats (the compressor may refer back across a token, never into
// one).
func FuzzTokenPage(f *testing.F) {
	f.Add("<p>a</p>", uint8(1), uint8(0))
	f.Add(strings.Repeat("abcabcabc", 200), uint8(3), uint8(7))
	f.Add("", uint8(2), uint8(0))
	f.Add(strings.Repeat(formtoken.Placeholder[:8], 50), uint8(4), uint8(1))
	f.Add("with\x00nul", uint8(2), uint8(3))
	ts := formtoken.New([]byte("fuzz"))
	now := time.Unix(1_800_000_000, 0)
	tok := ts.Issue("o/c", now)
	f.Fuzz(func(t *testing.T, text string, tokens, step uint8) {
		// Build a page with tokens%5 placeholders spread through text.
		n := int(tokens % 5)
		var b strings.Builder
		for i := range n + 1 {
			lo := min(len(text), i*int(step)%max(len(text), 1))
			b.WriteString(text[:lo])
			if i < n {
				b.WriteString(formtoken.Placeholder)
			}
		}
		body := b.String()
		p := newTokenPage([]byte(body), "o/c", "")
		want := strings.ReplaceAll(body, formtoken.Placeholder, tok)
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

// FuzzViaPage splices tokens and attribution into pages holding both kinds
// of slot: the gzip body must decompress to exactly the plain body with the
// visitor's via value, whatever the source and token sent.
func FuzzViaPage(f *testing.F) {
	f.Add("<form>a</form>", "x", "abcdefgh23", uint8(2))
	f.Add(strings.Repeat("via", 300), "", "", uint8(3))
	f.Add("", "personal", "zzzzzzzzzz", uint8(1))
	f.Add("<p>", "<script>", "../../etc", uint8(4))
	ts := formtoken.New([]byte("fuzz"))
	now := time.Unix(1_800_000_000, 0)
	tok := ts.Issue("o/c", now)
	f.Fuzz(func(t *testing.T, text, src, ref string, slots uint8) {
		if strings.Contains(text, formtoken.Placeholder) || strings.Contains(text, attribution.FormPlaceholder) {
			t.Skip("the text holds a placeholder itself")
		}
		q := url.Values{attribution.ParamSource: {src}, attribution.ParamRef: {ref}}
		source, r := attribution.FromQuery(q)
		via := attribution.FormValue(source, r)
		if via != nil && len(via) != attribution.FormValueLen {
			t.Fatalf("via %q is %d bytes, want %d", via, len(via), attribution.FormValueLen)
		}
		if gs, gr := attribution.ParseFormValue(string(via)); gs != source || gr != r {
			t.Fatalf("attribution.ParseFormValue(attribution.FormValue(%q, %q)) = %q, %q", source, r, gs, gr)
		}
		// A page alternating token and via slots.
		var b, want strings.Builder
		n := int(slots % 5)
		for i := range n + 1 {
			b.WriteString(text)
			want.WriteString(text)
			if i == n {
				break
			}
			if i%2 == 0 {
				b.WriteString(formtoken.Placeholder)
				want.WriteString(tok)
			} else {
				b.WriteString(attribution.FormPlaceholder)
				if via == nil {
					want.Write(attribution.BlankFormValue())
				} else {
					want.Write(via)
				}
			}
		}
		p := newTokenPage([]byte(b.String()), "o/c", "")
		for _, gz := range []bool{false, true} {
			req := httptest.NewRequest("GET", "/", nil)
			if gz {
				req.Header.Set("Accept-Encoding", "gzip")
			}
			rec := httptest.NewRecorder()
			p.serveVia(rec, req, ts, now, via)
			got := rec.Body.Bytes()
			if gz {
				zr, err := gzip.NewReader(bytes.NewReader(got))
				if err != nil {
					t.Fatalf("gzip header: %v", err)
				}
				if got, err = io.ReadAll(zr); err != nil {
					t.Fatalf("decompressing: %v", err)
				}
			}
			if string(got) != want.String() {
				t.Fatalf("gzip %v: got %d bytes, want %d", gz, len(got), want.Len())
			}
		}
	})
}
