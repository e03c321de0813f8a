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
	"github.com/placard/placard/internal/site"
)

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
		p := site.SplicedPage([]byte(b.String()), "o/c", "")
		for _, gz := range []bool{false, true} {
			req := httptest.NewRequest("GET", "/", nil)
			if gz {
				req.Header.Set("Accept-Encoding", "gzip")
			}
			rec := httptest.NewRecorder()
			p.ServeAttributed(rec, req, ts.Issue, now, via)
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
