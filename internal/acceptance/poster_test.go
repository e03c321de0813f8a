package acceptance

import (
	"bytes"
	"context"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	cdppage "github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

// pdfPage matches a page object of a PDF (not the /Pages tree node).
var pdfPage = regexp.MustCompile(`/Type\s*/Page\b[^s]`)

// pdfMediaBox reads the first page size of a PDF, in points.
var pdfMediaBox = regexp.MustCompile(`/MediaBox\s*\[\s*0\s+0\s+([0-9.]+)\s+([0-9.]+)\s*\]`)

// TestPosterPrintsOnOneA4Page prints every campaign's poster in headless
// Chromium, honouring the page's CSS page size as a browser's Print
// command does, and wants exactly one A4 page (595×842 points) per poster:
// a poster that spills onto a second sheet is no poster.
func TestPosterPrintsOnOneA4Page(t *testing.T) {
	b := startBrowser(t)
	s := startSite(t)
	n := 0
	for _, p := range s.Pages {
		if !strings.HasSuffix(p.Path, "/poster") {
			continue
		}
		n++
		t.Run(p.Name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(b.Context(), 60*time.Second)
			defer cancel()
			if _, err := b.Load(ctx, s.URL+p.Path, desktopWidth, desktopHeight, false, false); err != nil {
				t.Fatalf("%s: %v", p.Path, err)
			}
			yes := true
			pdf, err := chromedp.Run(ctx, chromedp.Action[[]byte](func(ctx context.Context, tg *chromedp.Target) ([]byte, error) {
				res, err := cdp.Call(ctx, tg, cdppage.PrintToPDF, cdppage.PrintToPDFParams{PreferCSSPageSize: &yes, PrintBackground: &yes})
				return res.Data, err
			}))
			if err != nil {
				t.Fatalf("%s: printing to PDF: %v", p.Path, err)
			}
			if got := len(pdfPage.FindAll(pdf, -1)); got != 1 {
				t.Errorf("%s prints on %d pages, want 1", p.Path, got)
			}
			m := pdfMediaBox.FindSubmatch(pdf)
			if m == nil {
				t.Fatalf("%s: no page size in the PDF (%d bytes, starts %q)", p.Path, len(pdf), bytes.TrimSpace(pdf[:min(len(pdf), 8)]))
			}
			if w, h := string(m[1]), string(m[2]); !strings.HasPrefix(w, "59") || !strings.HasPrefix(h, "84") {
				t.Errorf("%s prints on a %s×%s pt page, want A4 (595×842)", p.Path, w, h)
			}
		})
	}
	if n == 0 {
		t.Fatal("no poster pages in the site's page list, want one per public campaign")
	}
}
