package acceptance

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	cdppage "github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
	"github.com/placard/placard/internal/campaign"
)

// pdfPage matches a page object of a PDF (not the /Pages tree node).
var pdfPage = regexp.MustCompile(`/Type\s*/Page\b[^s]`)

// pdfMediaBox reads the first page size of a PDF, in points.
var pdfMediaBox = regexp.MustCompile(`/MediaBox\s*\[\s*0\s+0\s+([0-9.]+)\s+([0-9.]+)\s*\]`)

// The printable area of an A4 page with the poster's 12 mm margins
// (poster.css @page), in CSS pixels at 96 per inch: 186 × 273 mm.
const (
	a4AreaWidth  = 703
	a4AreaHeight = 1031
	// qrMinPx is the smallest QR code the poster may print, 35 mm: still
	// scanned easily from an arm's length away.
	qrMinPx = 132
)

// TestPosterPrintsOnOneA4Page prints every campaign's poster in headless
// Chromium, honouring the page's CSS page size as a browser's Print
// command does, and wants exactly one A4 page (595×842 points) per poster:
// a poster that spills onto a second sheet is no poster. It then lays each
// poster out as print media in the A4 printable area and wants its title
// and address whole and inside the page, the address broken only after
// "/", "-" or ".", and a QR code large enough to scan.
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
			b.checkPoster(t, s.URL+p.Path, p.H1, p.Address, "")
		})
	}
	if n == 0 {
		t.Fatal("no poster pages in the site's page list, want one per public campaign")
	}
}

// TestPosterFitsLongText: a campaign with a 150-character title, a
// 200-character summary and a 100-character address still prints on one
// A4 page with every word of its title and address visible, the address
// broken only at its "/", "-" and "." boundaries, and the action named.
func TestPosterFitsLongText(t *testing.T) {
	b := startBrowser(t)
	ts := httptest.NewUnstartedServer(http.NotFoundHandler())
	host := ts.Listener.Addr().String()

	const (
		orgSlug = "riverside-and-district-neighbourhood-coalition"
		title   = "Tell Riverside County Council to keep the Eastfield library, the swimming pool and the community centre open every evening through the whole of winter"
		summary = "The council meets on 3 March to decide the opening hours of every public building in Eastfield. Late opening keeps a warm, lit, safe place for students, night workers and families. Sign before then."
	)
	if n := utf8.RuneCountInString(title); n != 150 {
		t.Fatalf("title is %d characters, want 150", n)
	}
	prefix := host + "/" + orgSlug + "/"
	slug := "keep-eastfield-library-swimming-pool-and-community-centre-open-late-all-winter"
	slug = strings.TrimRight(slug[:100-len(prefix)], "-")
	address := prefix + slug
	if len(address) < 98 {
		t.Fatalf("address %q is %d characters, want about 100", address, len(address))
	}

	dir := t.TempDir()
	org := filepath.Join(dir, orgSlug)
	if err := os.MkdirAll(org, 0o755); err != nil {
		t.Fatal(err)
	}
	files := map[string]string{
		"org.yaml": "name: Riverside and District Neighbourhood Coalition\nprivacy_policy: https://riverside.example/privacy\nlanguage: en\n",
		slug + ".yaml": "title: " + title + "\nsummary: " + summary + "\ndate: 2026-02-10\n" +
			"actions:\n  - kind: share\n  - kind: petition\n    target: Riverside County Council\n    text: Keep them open.\n    goal: 500\n",
	}
	for name, data := range files {
		if err := os.WriteFile(filepath.Join(org, name), []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	site, problems := campaign.Load(dir)
	if problems.HasErrors() || site == nil {
		t.Fatalf("campaign.Load: %v", problems)
	}
	origin := serve(t, ts, site)
	b.checkPoster(t, origin+"/"+orgSlug+"/"+slug+"/poster", title, address, "Sign the petition")
}

// posterLayout is what checkPoster's script reads from a poster laid out
// as print media.
type posterLayout struct {
	Width, Height float64 // the viewport: the A4 printable area
	Scroll        float64 // the document's height
	Title         string  // the h1's text as shown
	Address       string  // the address as shown
	Action        string  // the action's text as shown
	// Lines are the address's lines as laid out.
	Lines []string
	// Out lists elements outside the page; Clipped, elements whose content
	// overflows their box.
	Out, Clipped []string
	QR           float64 // the QR code's shorter side
}

// posterScript lays out the document and reports a posterLayout.
const posterScript = `(() => {
	const poster = document.querySelector('.poster');
	const desc = e => e.tagName.toLowerCase() + (e.className ? '.' + String(e.className).split(' ').join('.') : '');
	const out = [], clipped = [];
	for (const e of [poster, ...poster.querySelectorAll('*')]) {
		const r = e.getBoundingClientRect();
		if (r.width === 0 && r.height === 0) continue;
		if (r.left < -1 || r.top < -1 || r.right > innerWidth + 1 || r.bottom > innerHeight + 1) {
			out.push(desc(e) + ' at ' + [r.left, r.top, r.right, r.bottom].map(Math.round).join(','));
		}
		if (e.scrollWidth > e.clientWidth + 1 || e.scrollHeight > e.clientHeight + 1) {
			if (e.clientWidth > 0 && e.tagName !== 'IMG') clipped.push(desc(e) + ' ' + e.scrollWidth + 'x' + e.scrollHeight + ' in ' + e.clientWidth + 'x' + e.clientHeight);
		}
	}
	// The address line by line: a new line starts where a character sits
	// lower than the one before it.
	const url = document.querySelector('.poster-url-text');
	const lines = [];
	let line = '', top = null;
	const walk = document.createTreeWalker(url, NodeFilter.SHOW_TEXT);
	for (let n = walk.nextNode(); n; n = walk.nextNode()) {
		for (let i = 0; i < n.data.length; i++) {
			const r = document.createRange();
			r.setStart(n, i); r.setEnd(n, i + 1);
			const rect = r.getClientRects()[0];
			if (!rect) continue;
			if (top !== null && rect.top > top + rect.height / 2) { lines.push(line); line = ''; }
			top = rect.top;
			line += n.data[i];
		}
	}
	lines.push(line);
	const qr = document.querySelector('.poster-qr').getBoundingClientRect();
	const action = document.querySelector('.poster-action');
	return JSON.stringify({
		width: innerWidth, height: innerHeight, scroll: document.documentElement.scrollHeight,
		title: document.querySelector('h1').innerText, address: url.innerText,
		action: action ? action.innerText : '', lines, out, clipped, qr: Math.min(qr.width, qr.height),
	});
})()`

// checkPoster prints the poster at addr and wants one A4 page, then lays
// it out as print media in the A4 printable area and checks that title
// and address are whole and inside the page, that the address breaks only
// after "/", "-" or ".", that the QR code is at least qrMinPx, and, when
// action is set, that the poster names it.
func (b browser) checkPoster(t *testing.T, addr, title, address, action string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(b.Context(), 60*time.Second)
	defer cancel()
	if _, err := b.Load(ctx, addr, desktopWidth, desktopHeight, false, false); err != nil {
		t.Fatalf("%s: %v", addr, err)
	}
	yes := true
	pdf, err := chromedp.Run(ctx, chromedp.Action[[]byte](func(ctx context.Context, tg *chromedp.Target) ([]byte, error) {
		res, err := cdp.Call(ctx, tg, cdppage.PrintToPDF, cdppage.PrintToPDFParams{PreferCSSPageSize: &yes, PrintBackground: &yes})
		return res.Data, err
	}))
	if err != nil {
		t.Fatalf("%s: printing to PDF: %v", addr, err)
	}
	if got := len(pdfPage.FindAll(pdf, -1)); got != 1 {
		t.Errorf("%s prints on %d pages, want 1", addr, got)
	}
	m := pdfMediaBox.FindSubmatch(pdf)
	if m == nil {
		t.Fatalf("%s: no page size in the PDF (%d bytes, starts %q)", addr, len(pdf), bytes.TrimSpace(pdf[:min(len(pdf), 8)]))
	}
	if w, h := string(m[1]), string(m[2]); !strings.HasPrefix(w, "59") || !strings.HasPrefix(h, "84") {
		t.Errorf("%s prints on a %s×%s pt page, want A4 (595×842)", addr, w, h)
	}

	// The same poster laid out as print media in the printable area.
	media := func(m string) chromedp.Action[struct{}] {
		return chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
			_, err := cdp.Call(ctx, tg, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Media: m})
			return err
		})
	}
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(a4AreaWidth, a4AreaHeight), media("print")); err != nil {
		t.Fatalf("emulating print media on an A4 printable area: %v", err)
	}
	defer chromedp.Do(b.Context(), media(""))
	if _, err := chromedp.Run(ctx, chromedp.NavigateResponse(addr)); err != nil {
		t.Fatalf("%s: %v", addr, err)
	}
	raw, err := chromedp.Run(ctx, chromedp.Evaluate[string](posterScript))
	if err != nil {
		t.Fatalf("%s: reading the layout: %v", addr, err)
	}
	var l posterLayout
	if err := json.Unmarshal([]byte(raw), &l); err != nil {
		t.Fatalf("%s: %v", addr, err)
	}
	norm := func(s string) string { return strings.Join(strings.Fields(s), " ") }
	if norm(l.Title) != norm(title) {
		t.Errorf("%s: title shows %q, want %q", addr, l.Title, title)
	}
	if strings.TrimSpace(l.Address) != address {
		t.Errorf("%s: address shows %q, want %q", addr, l.Address, address)
	}
	if action != "" && norm(l.Action) != action {
		t.Errorf("%s: action shows %q, want %q", addr, l.Action, action)
	}
	if l.Width != a4AreaWidth || l.Height != a4AreaHeight {
		t.Errorf("%s: laid out in %v×%v px, want the A4 printable area %d×%d", addr, l.Width, l.Height, a4AreaWidth, a4AreaHeight)
	}
	if l.Scroll > l.Height+1 {
		t.Errorf("%s: poster is %v px high as printed, want at most the page's %v", addr, l.Scroll, l.Height)
	}
	for _, e := range l.Out {
		t.Errorf("%s: %s lies outside the %v×%v px page", addr, e, l.Width, l.Height)
	}
	for _, e := range l.Clipped {
		t.Errorf("%s: %s: its content overflows its box", addr, e)
	}
	for i, line := range l.Lines[:len(l.Lines)-1] {
		if line == "" || !strings.ContainsRune("/-.", rune(line[len(line)-1])) {
			t.Errorf("%s: address line %d %q breaks mid-word, want breaks only after /, - or . (lines %q)", addr, i+1, line, l.Lines)
		}
	}
	if l.QR < qrMinPx {
		t.Errorf("%s: QR code is %v px, want at least %d (35 mm)", addr, l.QR, qrMinPx)
	}
	t.Logf("%s: address lines %q, QR %v px, height %v of %v", addr, l.Lines, l.QR, l.Scroll, l.Height)
}
