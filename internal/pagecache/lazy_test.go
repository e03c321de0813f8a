package pagecache

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
)

// TestLazyRenderedOnceSame: a lazy response is rendered once however many
// first requests arrive together, and is then exactly the response New
// prepares from the same body; a failed rendering answers 500 and is not
// kept, so the next request renders.
func TestLazyRenderedOnceSame(t *testing.T) {
	body := []byte("<!doctype html><p>" + strings.Repeat("a page ", 200))
	var renders atomic.Int32
	fail := atomic.Bool{}
	fail.Store(true)
	lazy := NewLazy(func() ([]byte, error) {
		renders.Add(1)
		if fail.Load() {
			return nil, errors.New("no")
		}
		return append([]byte(nil), body...), nil
	}, "text/html; charset=utf-8", hvNoCache, "default-src 'none'")
	rec := httptest.NewRecorder()
	lazy.Serve(rec, httptest.NewRequest(http.MethodGet, "/", nil))
	if rec.Code != http.StatusInternalServerError || lazy.Rendered() {
		t.Fatalf("a failed rendering answered %d, kept %v", rec.Code, lazy.Rendered())
	}
	fail.Store(false)
	renders.Store(0)
	var wg sync.WaitGroup
	for range 64 {
		wg.Go(func() {
			rec := httptest.NewRecorder()
			req := httptest.NewRequest(http.MethodGet, "/", nil)
			req.Header.Set("Accept-Encoding", "gzip")
			lazy.Serve(rec, req)
			if rec.Code != http.StatusOK {
				t.Errorf("status %d", rec.Code)
			}
		})
	}
	wg.Wait()
	if n := renders.Load(); n != 1 {
		t.Errorf("rendered %d times", n)
	}
	got, err := lazy.Ready()
	if err != nil {
		t.Fatal(err)
	}
	if want := New(body, "text/html; charset=utf-8", hvNoCache, "default-src 'none'"); !reflect.DeepEqual(got, want) {
		t.Error("the lazy response differs from the eager one")
	}
	if string(lazy.Body()) != string(body) || lazy.CSP() != "default-src 'none'" || !lazy.Matches(got.etag) {
		t.Error("a lazy response's methods do not answer as its rendering's")
	}
}

// TestPeekNeverRenders: Peek answers nil for a lazy response not yet
// rendered, without rendering it, and the response itself once it is (or
// for an eager one).
func TestPeekNeverRenders(t *testing.T) {
	var renders atomic.Int32
	lazy := NewLazy(func() ([]byte, error) {
		renders.Add(1)
		return []byte("<p>a page"), nil
	}, "text/html; charset=utf-8", hvNoCache, "")
	if p := lazy.Peek(); p != nil || renders.Load() != 0 || lazy.Rendered() {
		t.Fatalf("Peek before a rendering: got %v after %d renderings, want nil and none", p, renders.Load())
	}
	ready, err := lazy.Ready()
	if err != nil {
		t.Fatal(err)
	}
	if p := lazy.Peek(); p != ready || renders.Load() != 1 {
		t.Errorf("Peek after the rendering: got %p, want %p, rendered %d times", p, ready, renders.Load())
	}
	eager := New([]byte("x"), "text/plain", hvNoCache, "")
	if eager.Peek() != eager {
		t.Error("Peek of an eager response is not the response")
	}
}
