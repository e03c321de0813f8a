package handin

import (
	"bytes"
	"compress/zlib"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	cdppage "github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"github.com/placard/placard/internal/browsertest"
)

var (
	pdfPage     = regexp.MustCompile(`/Type\s*/Page\b[^s]`)
	pdfMediaBox = regexp.MustCompile(`/MediaBox\s*\[\s*0\s+0\s+([0-9.]+)\s+([0-9.]+)\s*\]`)
)

// marginBoxes matches the page-margin rules of the document's style.
var marginBoxes = regexp.MustCompile(`@(top|bottom)-center\{[^}]*\}`)

// pdfStream matches a PDF stream's data.
var pdfStream = regexp.MustCompile(`(?s)stream\r?\n(.*?)\r?\nendstream`)

// textRuns counts the text-showing operators (Tj, TJ) in the PDF's
// compressed content streams.
func textRuns(t *testing.T, pdf []byte) int {
	t.Helper()
	n := 0
	for _, m := range pdfStream.FindAllSubmatch(pdf, -1) {
		r, err := zlib.NewReader(bytes.NewReader(m[1]))
		if err != nil {
			continue // not Flate: fonts, pictures
		}
		data, _ := io.ReadAll(r)
		n += len(regexp.MustCompile(`\bT[jJ]\b`).FindAll(data, -1))
	}
	return n
}

// printPDF loads addr and prints it as Chromium's print to PDF does.
func printPDF(t *testing.T, ctx context.Context, b *browsertest.Browser, addr string) []byte {
	t.Helper()
	if _, err := b.Load(ctx, addr, 1000, 800, false, true); err != nil {
		t.Fatal(err)
	}
	yes := true
	pdf, err := chromedp.Run(ctx, chromedp.Action[[]byte](func(ctx context.Context, tg *chromedp.Target) ([]byte, error) {
		res, err := cdp.Call(ctx, tg, cdppage.PrintToPDF, cdppage.PrintToPDFParams{PreferCSSPageSize: &yes, PrintBackground: &yes})
		return res.Data, err
	}))
	if err != nil {
		t.Fatalf("printing: %v", err)
	}
	return pdf
}

// TestPrintsOnA4Pages prints hand-in documents in Chromium, served with the
// strict policy the console gives them (only the document's own style, by
// hash): a short one on one A4 page, 400 names over several pages with the
// table's headings repeated, in English and in Arabic (right to left), with
// nothing blocked, nothing fetched and axe 0.
func TestPrintsOnA4Pages(t *testing.T) {
	if testing.Short() {
		t.Skip("skipping: prints in Chromium, which go test -short does not run")
	}
	b := browsertest.Start(t)
	var doc Doc
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Security-Policy", "default-src 'none'; style-src "+doc.StyleHash+"; base-uri 'none'; form-action 'none'; frame-ancestors 'none'")
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write(doc.HTML)
	}))
	defer srv.Close()
	for _, c := range []struct {
		lang        string
		names       int
		minP, maxP  int
		wantHeading string
	}{
		{"en", 5, 1, 1, "Name"},
		{"en", 400, 5, 20, "Name"},
		{"ar", 400, 5, 20, "الاسم"},
	} {
		p, err := Build(context.Background(), site(t, "names", c.lang, consentNow).Campaign("riverside", "library"), "", sigs(c.names), when)
		if err != nil {
			t.Fatal(err)
		}
		if doc, err = Render(context.Background(), p); err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithTimeout(b.Context(), 60*time.Second)
		if _, err := b.Load(ctx, srv.URL, 1000, 800, false, true); err != nil {
			cancel()
			t.Fatal(err)
		}
		yes := true
		pdf, err := chromedp.Run(ctx, chromedp.Action[[]byte](func(ctx context.Context, tg *chromedp.Target) ([]byte, error) {
			res, err := cdp.Call(ctx, tg, cdppage.PrintToPDF, cdppage.PrintToPDFParams{PreferCSSPageSize: &yes, PrintBackground: &yes})
			return res.Data, err
		}))
		if err != nil {
			cancel()
			t.Fatalf("printing: %v", err)
		}
		pages := len(pdfPage.FindAll(pdf, -1))
		if c.names == 400 {
			// The title and page number are drawn on every page: the same
			// document without its page margins' content draws two texts
			// fewer per page.
			bareProps := p
			bareProps.CSS = marginBoxes.ReplaceAllString(p.CSS, "")
			bare, err := Render(context.Background(), bareProps)
			if err != nil {
				t.Fatal(err)
			}
			with := textRuns(t, pdf)
			saved := doc
			doc = bare
			without := textRuns(t, printPDF(t, ctx, b, srv.URL))
			doc = saved
			t.Logf("%s: %d pages, %d text runs with the page margins, %d without", c.lang, pages, with, without)
			if with-without < 2*pages {
				t.Errorf("%s: %d text runs with the page margins, %d without, over %d pages: want at least two more a page", c.lang, with, without, pages)
			}
			if _, err := b.Load(ctx, srv.URL, 1000, 800, false, true); err != nil {
				t.Fatal(err)
			}
		}
		if pages < c.minP || pages > c.maxP {
			t.Errorf("%s with %d names prints on %d pages, want %d to %d", c.lang, c.names, pages, c.minP, c.maxP)
		}
		for _, m := range pdfMediaBox.FindAllSubmatch(pdf, -1) {
			if w, h := string(m[1]), string(m[2]); !strings.HasPrefix(w, "59") || !strings.HasPrefix(h, "84") {
				t.Errorf("%s: a %s×%s pt page, want A4 (595×842)", c.lang, w, h)
			}
		}
		dir, err := chromedp.Run(ctx, chromedp.Evaluate[string](`getComputedStyle(document.querySelector('table')).direction + '|' + document.querySelector('th').innerText`))
		if err != nil {
			t.Fatal(err)
		}
		wantDir := map[string]string{"en": "ltr", "ar": "rtl"}[c.lang]
		if dir != wantDir+"|"+c.wantHeading {
			t.Errorf("%s: table direction and heading %q, want %s|%s", c.lang, dir, wantDir, c.wantHeading)
		}
		vs, err := b.Axe(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, v := range vs {
			t.Errorf("%s: axe: %s", c.lang, v)
		}
		errs, _, foreign := b.Reports(srv.URL)
		for _, e := range errs {
			t.Errorf("%s: console: %s", c.lang, e)
		}
		for _, f := range foreign {
			t.Errorf("%s: fetched %s", c.lang, f)
		}
		cancel()
	}
}
