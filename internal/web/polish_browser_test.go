package web

import (
	"context"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/placard/placard/internal/browsertest"
)

// TestNotFoundBrowser: in Chromium (JavaScript on, which axe needs), the 404
// pages under an organisation (in Hebrew and Arabic) and under no
// organisation (in Arabic) lay out right to left, show the brand colour
// the policy allows (no violation reported), ask nothing of another
// origin and have no axe-core violation.
func TestNotFoundBrowser(t *testing.T) {
	if testing.Short() {
		t.Skip("browser test skipped in -short mode")
	}
	srv := httptest.NewServer(notFoundServer(t))
	t.Cleanup(srv.Close)
	b := browsertest.Start(t)
	for _, tc := range []struct {
		path, lang, button string
	}{
		{"/shore/nope/he", "he", "rgb(122, 46, 14)"},
		{"/shore/call/ar/nope", "ar", "rgb(122, 46, 14)"},
		{"/nobody/here/ar", "ar", ""},
	} {
		{
			const js = true
			ctx, cancel := context.WithTimeout(b.Context(), 120*time.Second)
			res, err := b.Load(ctx, srv.URL+tc.path, 390, 844, true, js)
			if err != nil {
				cancel()
				t.Fatal(err)
			}
			if res.Status != 404 {
				t.Errorf("%s: status %d, want 404", tc.path, res.Status)
			}
			got, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.documentElement.dir + " " + document.documentElement.lang + " " + getComputedStyle(document.querySelector('.notice .btn')).backgroundColor`))
			if err != nil {
				cancel()
				t.Fatal(err)
			}
			if !strings.HasPrefix(got, "rtl "+tc.lang+" ") || tc.button != "" && !strings.HasSuffix(got, tc.button) {
				t.Errorf("%s (js %v): dir, lang and button colour %q; want rtl %s %s", tc.path, js, got, tc.lang, tc.button)
			}
			vs, err := b.Axe(ctx)
			if err != nil {
				cancel()
				t.Fatal(err)
			}
			for _, v := range vs {
				t.Errorf("%s (js %v): %s", tc.path, js, v)
			}
			errs, _, foreign := b.Reports(srv.URL)
			for _, e := range errs {
				if !strings.Contains(e.String(), "404") { // the page's own status
					t.Errorf("%s (js %v): console error: %s", tc.path, js, e)
				}
			}
			for _, f := range foreign {
				t.Errorf("%s (js %v): request to another origin: %s", tc.path, js, f)
			}
			cancel()
		}
	}
}
