package pagecache

import (
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// TestRevalidationRenewsAnOldToken: a 304 keeps the body a client holds,
// token and all, so a page with token slots answers 304 only to an ETag
// of its current TokenWindow. Within the window a revalidating client
// keeps its copy (304); once the window has passed its ETag no longer
// matches and it is sent the page with a token issued now. The tags keep
// a rendering's shape (VariantIn reads them), and two instances preparing
// the same bytes make the same tags at the same time. A page without
// token slots keeps the tag of its bytes. Before, the ETag was of the
// bytes alone and a client revalidating a day later kept a token older
// than formtoken.MaxAge.
func TestRevalidationRenewsAnOldToken(t *testing.T) {
	body := []byte(strings.Repeat("<p>a page</p>", 30) + "<form>" + tokenMark + "</form>")
	p := NewSplicedVariant(body, testSlots, "o/c", "", 2)
	other := NewSplicedVariant(body, testSlots, "o/c", "", 2) // another instance
	start := time.Unix(1_800_000_000, 0).Truncate(TokenWindow)
	serve := func(p *Spliced, inm string, gz bool, now time.Time) (int, string, string) {
		req := httptest.NewRequest("GET", "/", nil)
		if inm != "" {
			req.Header.Set("If-None-Match", inm)
		}
		if gz {
			req.Header.Set("Accept-Encoding", "gzip")
		}
		rec := httptest.NewRecorder()
		p.Serve(rec, req, issue, now)
		return rec.Code, rec.Header().Get("Etag"), rec.Body.String()
	}
	for _, gz := range []bool{false, true} {
		code, etag, _ := serve(p, "", gz, start.Add(time.Minute))
		if code != 200 {
			t.Fatalf("gz %v: first GET %d", gz, code)
		}
		if v, ok := VariantIn([]string{etag}, 4); !ok || v != 2 {
			t.Errorf("gz %v: ETag %s does not name rendering 2 (%d, %v)", gz, etag, v, ok)
		}
		if _, e2, _ := serve(other, "", gz, start.Add(2*time.Minute)); e2 != etag {
			t.Errorf("gz %v: another instance's ETag in the same window %s, want %s", gz, e2, etag)
		}
		late := start.Add(TokenWindow - time.Second)
		if code, _, _ := serve(other, etag, gz, late); code != 304 {
			t.Errorf("gz %v: revalidating within the token's window: %d, want 304", gz, code)
		}
		next := start.Add(TokenWindow)
		code, fresh, got := serve(p, etag, gz, next)
		if code != 200 || fresh == etag {
			t.Errorf("gz %v: revalidating after the token's window: %d with ETag %s (was %s), want 200 and a new ETag", gz, code, fresh, etag)
		}
		if !gz && !strings.Contains(got, issue("o/c", next)) {
			t.Errorf("gz %v: the page sent after the window has no token issued now", gz)
		}
		if code, _, _ := serve(p, fresh, gz, next.Add(time.Minute)); code != 304 {
			t.Errorf("gz %v: revalidating the new copy: %d, want 304", gz, code)
		}
		if v, ok := VariantIn([]string{fresh}, 4); !ok || v != 2 {
			t.Errorf("gz %v: the new ETag %s does not name rendering 2", gz, fresh)
		}
	}

	plain := NewSpliced([]byte("<p>no form</p>"), testSlots, "o/c", "")
	_, etag, _ := serve(plain, "", false, start)
	if code, _, _ := serve(plain, etag, false, start.Add(48*time.Hour)); code != 304 || etag != plain.etag[0] {
		t.Errorf("a page without tokens: ETag %s, revalidated two days later: %d; want its bytes' tag and 304", etag, code)
	}
}
