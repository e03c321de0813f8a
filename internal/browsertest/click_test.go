package browsertest_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"github.com/placard/placard/internal/browsertest"
)

// TestClickBelowTheFold: chromedp.Click scrolls the element into view and
// clicks where it is at that moment. On a page with scroll-behavior:
// smooth (Placard's pages, when the reader does not ask for reduced
// motion) the scroll is still moving then, so the click landed wherever
// the button had been: the form was never sent, and the test waiting for
// the next page (TestContactBrowserRTL) hung until its deadline, more
// often the busier the machine. Load asks for reduced motion, as many
// readers do, so the scroll is instant and the click lands.
func TestClickBelowTheFold(t *testing.T) {
	if testing.Short() {
		t.Skip("browser test skipped in -short mode")
	}
	hits := make(chan struct{}, 10)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch {
		case r.Method == http.MethodPost && r.URL.Path == "/hit":
			hits <- struct{}{}
			http.Redirect(w, r, "/done", http.StatusSeeOther)
		case r.URL.Path == "/done":
			w.Write([]byte("<!doctype html><title>done</title><p>done"))
		default:
			w.Write([]byte(`<!doctype html><html lang="en"><title>t</title>
<style>@media (prefers-reduced-motion: no-preference) { html { scroll-behavior: smooth; } }</style>
<div style="height: 6000px">tall</div>
<h2 id="yours">Yours</h2>
<form method="post" action="/hit"><button id="go">Go</button></form>
<div style="height: 6000px">tall</div>`))
		}
	}))
	defer srv.Close()
	b := browsertest.Start(t)
	for i := range 5 {
		ctx, cancel := context.WithTimeout(b.Context(), 60*time.Second)
		if _, err := b.Load(ctx, srv.URL+"/#yours", 390, 844, true, false); err != nil {
			t.Fatal(err)
		}
		if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS("#go"))); err != nil {
			t.Fatal(err)
		}
		// The form posts and redirects: poll the tab's history, bounded by
		// ctx, until it is /done or the click is known to have missed (the
		// tab is still on / with no request made).
		for {
			loc := location(ctx)
			if strings.HasSuffix(loc, "/done") {
				break
			}
			if ctx.Err() != nil {
				t.Fatalf("click %d: still at %q: the click missed the button", i, loc)
			}
		}
		cancel()
	}
	if len(hits) != 5 {
		t.Errorf("the form was sent %d times, want 5", len(hits))
	}
}

func location(ctx context.Context) string {
	var loc string
	_ = chromedp.Do(ctx, chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		h, err := cdp.Call(ctx, tg, page.GetNavigationHistory, cdp.Empty{})
		if err == nil && h.CurrentIndex >= 0 && int(h.CurrentIndex) < len(h.Entries) {
			loc = h.Entries[h.CurrentIndex].URL
		}
		return err
	}))
	return loc
}
