package acceptance

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
)

// recorder is a reporter that keeps what the checks say instead of failing,
// so a test can assert that the checks catch a broken page.
type recorder struct {
	mu     sync.Mutex
	errors []string
}

// errFatal stops a check the way t.Fatalf stops a test.
type errFatal struct{}

func (r *recorder) Helper()                      {}
func (r *recorder) Logf(format string, a ...any) {}
func (r *recorder) Errorf(format string, a ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.errors = append(r.errors, fmt.Sprintf(format, a...))
}
func (r *recorder) Fatalf(format string, a ...any) {
	r.Errorf(format, a...)
	panic(errFatal{})
}

// run calls f, turning a Fatalf into a normal return.
func (r *recorder) run(f func()) {
	defer func() {
		if v := recover(); v != nil {
			if _, ok := v.(errFatal); !ok {
				panic(v)
			}
		}
	}()
	f()
}

// brokenPage breaks every rule TestBrowser checks: no lang, an image without
// alt text, two h1s, an inline script the CSP blocks, an image from another
// origin (a second server on 127.0.0.1), a console.error, and a box wider
// than a phone.
const brokenPage = `<!doctype html>
<html><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Broken</title><link rel="icon" href="data:,"></head>
<body><main><h1>First</h1><h1>Second</h1>
<img src="/pixel.gif">
<img src="%s/pixel.gif" alt="from elsewhere">
<script>document.title = "inline ran"</script>
<script src="/boom.js"></script>
<pre>too-wide-for-a-phone-too-wide-for-a-phone-too-wide-for-a-phone-too-wide-for-a-phone</pre>
</main></body></html>`

// TestBrowserCatchesProblems runs the page checks against a deliberately
// broken page and wants each problem reported, so a green TestBrowser means
// the checks looked, not that they could not see.
func TestBrowserCatchesProblems(t *testing.T) {
	b := startBrowser(t)

	gif := []byte("GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff!\xf9\x04\x01\x00\x00\x00\x00,\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;")
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "image/gif")
		w.Write(gif)
	}))
	defer other.Close()
	site := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/broken":
			// img-src allows the other origin so the request really goes out;
			// the inline script is blocked and reported.
			w.Header().Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data: "+other.URL)
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			fmt.Fprintf(w, brokenPage, other.URL)
		case "/boom.js":
			w.Header().Set("Content-Type", "text/javascript")
			fmt.Fprint(w, `console.error("boom from the page")`)
		case "/pixel.gif":
			w.Header().Set("Content-Type", "image/gif")
			w.Write(gif)
		default:
			http.NotFound(w, r)
		}
	}))
	defer site.Close()

	rec := &recorder{}
	p := page{Name: "broken", Path: "/broken", Status: http.StatusOK, H1: "Broken", Texts: []string{"sign the letter"}, Anchors: []string{"letter"}}
	rec.run(func() { b.checkPage(rec, site.URL, p) })

	all := strings.Join(rec.errors, "\n")
	t.Logf("the checks reported, as they should:\n%s", all)
	for _, want := range []string{
		`axe-core rule "html-has-lang"`,
		`axe-core rule "image-alt"`,
		"Content Security Policy",
		"boom from the page",
		"request to another origin: " + other.URL + "/pixel.gif",
		"is laid out wider than the phone",
		"got 2 h1 elements, want exactly 1",
		`"sign the letter" is not visible`,
		`no element with id "letter"`,
	} {
		if !strings.Contains(all, want) {
			t.Errorf("checks on a broken page did not report %q; they reported:\n%s", want, all)
		}
	}
}
