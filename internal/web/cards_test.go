package web

import (
	"bytes"
	"image/color"
	"image/png"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"github.com/placard/placard/internal/campaign"
	"github.com/placard/placard/internal/campaign/campaigntest"
	"github.com/placard/placard/internal/i18n"
	"github.com/placard/placard/internal/qrcode/qrtest"
	"github.com/placard/placard/internal/sharecard"
	"github.com/placard/placard/internal/site"
)

const notePage = "/plain/a-note"

func metaContent(t *testing.T, s *Server, page, attr, name string) string {
	t.Helper()
	v, _ := doc(t, get(t, s, "GET", page, nil)).Find(`meta[` + attr + `="` + name + `"]`).Attr("content")
	return v
}

// pngSize fetches path and returns its PNG size, failing unless it is a
// 200 PNG.
func pngSize(t *testing.T, s *Server, path string) (int, int, *http.Response) {
	t.Helper()
	res := get(t, s, "GET", path, nil)
	wantStatus(t, res, 200)
	wantHeader(t, res, "Content-Type", "image/png")
	data, _ := io.ReadAll(res.Body)
	cfg, err := png.DecodeConfig(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("%s: not a PNG: %v", path, err)
	}
	return cfg.Width, cfg.Height, res
}

// TestCardIsShareImage: a campaign without its own raster picture, and
// every organisation page, name their generated card as og:image and
// twitter:image, with its size and alt text; the card is served as a PNG
// of that size, with a validator.
func TestCardIsShareImage(t *testing.T) {
	s := newTestServer(t)
	og := metaContent(t, s, notePage, "property", "og:image")
	if !strings.HasPrefix(og, "https://act.example.org"+notePage+"/card.png?v=") {
		t.Fatalf("og:image = %q, want the campaign's card", og)
	}
	for attr, want := range map[string]string{
		"og:image:width": "1200", "og:image:height": "630", "og:image:type": "image/png",
		"og:image:alt": "A note — Plain Org",
	} {
		if got := metaContent(t, s, notePage, "property", attr); got != want {
			t.Errorf("%s = %q, want %q", attr, got, want)
		}
	}
	if got := metaContent(t, s, notePage, "name", "twitter:image"); got != og {
		t.Errorf("twitter:image = %q, want %q", got, og)
	}
	if got := metaContent(t, s, notePage, "name", "twitter:image:alt"); got != "A note — Plain Org" {
		t.Errorf("twitter:image:alt = %q", got)
	}
	if got := metaContent(t, s, "/riverside", "property", "og:image"); !strings.HasPrefix(got, "https://act.example.org/riverside/card.png?v=") {
		t.Errorf("organisation og:image = %q, want its card", got)
	}

	w, h, res := pngSize(t, s, strings.TrimPrefix(og, "https://act.example.org"))
	if w != 1200 || h != 630 {
		t.Errorf("card is %dx%d, want 1200x630", w, h)
	}
	etag := res.Header.Get("Etag")
	if etag == "" || res.Header.Get("Cache-Control") != "public, max-age=3600" {
		t.Errorf("card headers: ETag %q, Cache-Control %q; want a validator and public, max-age=3600", etag, res.Header.Get("Cache-Control"))
	}
	wantStatus(t, get(t, s, "GET", notePage+"/card.png", http.Header{"If-None-Match": {etag}}), 304)
	if w, h, _ := pngSize(t, s, notePage+"/card-square.png"); w != 1080 || h != 1080 {
		t.Errorf("square card is %dx%d, want 1080x1080", w, h)
	}
	if w, h, _ := pngSize(t, s, "/plain/card.png"); w != 1200 || h != 630 {
		t.Errorf("organisation card is %dx%d, want 1200x630", w, h)
	}
	// A campaign with its own raster picture keeps it (TestOpenGraph), but
	// still has cards for those who want them.
	pngSize(t, s, "/riverside/save-the-library/card.png")
}

// TestCardNotForDrafts: no card, QR code or poster reveals a campaign that
// is not public.
func TestCardNotForDrafts(t *testing.T) {
	s := newTestServer(t)
	for _, suffix := range []string{"/card.png", "/card-square.png", "/qr.svg", "/qr.png", "/poster"} {
		wantStatus(t, get(t, s, "GET", "/riverside/secret-plan"+suffix, nil), 404)
		wantStatus(t, get(t, s, "GET", "/riverside/no-such-campaign"+suffix, nil), 404)
	}
	wantStatus(t, get(t, s, "GET", "/no-such-org/card.png", nil), 404)
}

// TestCardCache: a card is drawn on its first request only; a reload with
// the same text reuses it; a changed title draws a new card under a new
// og:image address and forgets the old one.
func TestCardCache(t *testing.T) {
	s := newTestServer(t)
	for range 3 {
		pngSize(t, s, notePage+"/card.png")
	}
	if n := s.lazy.Renders.Load(); n != 1 {
		t.Fatalf("after three requests the card was drawn %d times, want 1", n)
	}
	og := metaContent(t, s, notePage, "property", "og:image")

	if err := s.SetSite(testSite(t)); err != nil {
		t.Fatal(err)
	}
	pngSize(t, s, notePage+"/card.png")
	if n := s.lazy.Renders.Load(); n != 1 {
		t.Errorf("after a reload with unchanged text the card was drawn %d times, want 1", n)
	}
	if got := metaContent(t, s, notePage, "property", "og:image"); got != og {
		t.Errorf("og:image changed across a reload with unchanged text: %q, then %q", og, got)
	}

	f := testFiles(t)
	f["plain/a-note.yaml"] = strings.Replace(f["plain/a-note.yaml"], "title: A note", "title: A different note", 1)
	if err := s.SetSite(campaigntest.Site(t, f)); err != nil {
		t.Fatal(err)
	}
	if got := metaContent(t, s, notePage, "property", "og:image"); got == og {
		t.Errorf("og:image %q did not change with the title", got)
	}
	pngSize(t, s, notePage+"/card.png")
	if n := s.lazy.Renders.Load(); n != 2 {
		t.Errorf("after the title changed the card was drawn %d times in all, want 2", n)
	}
	s.lazy.Mu.Lock()
	n := len(s.lazy.Entries)
	s.lazy.Mu.Unlock()
	if n != 1 {
		t.Errorf("the cache holds %d files, want only the new card", n)
	}
}

// TestCardConcurrentFirstRequests: many readers arriving at once for a
// card nobody has asked for yet get the same bytes from one drawing.
func TestCardConcurrentFirstRequests(t *testing.T) {
	s := newTestServer(t)
	const n = 8
	bodies := make([][]byte, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			req := httptest.NewRequest("GET", notePage+"/card-square.png", nil)
			rec := httptest.NewRecorder()
			s.ServeHTTP(rec, req)
			if rec.Code == 200 {
				bodies[i] = rec.Body.Bytes()
			}
		})
	}
	wg.Wait()
	for i, b := range bodies {
		if len(b) == 0 || !bytes.Equal(b, bodies[0]) {
			t.Fatalf("response %d: %d bytes, want the same PNG as the first (%d bytes)", i, len(b), len(bodies[0]))
		}
	}
	if got := s.lazy.Renders.Load(); got != 1 {
		t.Errorf("%d simultaneous first requests drew the card %d times, want 1", n, got)
	}
}

// TestGeneratedFailure: a picture that cannot be made (here, a panic) is
// a logged 500 for that address, is tried again on the next request, and
// never takes the server down, even when made outside a request by makeAll.
func TestGeneratedFailure(t *testing.T) {
	s := newTestServer(t)
	calls := 0
	snap := s.snap.Load()
	snap.Lazy[notePage+"/card.png"] = &site.LazyFile{Key: "boom", ContentType: "image/png", Make: func() ([]byte, error) {
		calls++
		panic("shaper exploded")
	}}
	site.MakeAll(snap, s.lazy)
	wantStatus(t, get(t, s, "GET", notePage+"/card.png", nil), 500)
	if calls != 2 {
		t.Errorf("make was called %d times, want 2 (export, then the request: failures are not cached)", calls)
	}
	wantStatus(t, get(t, s, "GET", notePage+"/card-square.png", nil), 200)
}

// TestCardLanguage: a card is drawn right to left for an organisation
// writing Hebrew, in its colours.
func TestCardLanguage(t *testing.T) {
	f := testFiles(t)
	f["plain/org.yaml"] += `language: he
colours:
  primary: "#5b216e"
  accent: "#8e7200"
`
	s, err := New(Config{BaseURL: "https://act.example.org"}, campaigntest.Site(t, f))
	if err != nil {
		t.Fatal(err)
	}
	want := sharecard.Card{
		Title: "A note", Summary: "A short note.", OrgName: "Plain Org", Lang: "he", RTL: true,
		Primary: rgb(0x5b, 0x21, 0x6e), Accent: rgb(0x8e, 0x72, 0x00),
	}
	if got := s.snap.Load().Lazy[notePage+"/card.png"].Key; got != want.Key(sharecard.Landscape) {
		t.Errorf("the card's inputs differ from %+v", want)
	}
}

// TestQRCode: the served SVG and PNG scan (with zbarimg, an independent
// reader) to the campaign's absolute address with ?src=qr.
func TestQRCode(t *testing.T) {
	s := newTestServer(t)
	const want = "https://act.example.org/riverside/save-the-library?src=qr"
	for _, f := range []struct{ path, ext, ctype string }{
		{"/riverside/save-the-library/qr.svg", "svg", "image/svg+xml"},
		{"/riverside/save-the-library/qr.png", "png", "image/png"},
	} {
		res := get(t, s, "GET", f.path, nil)
		wantStatus(t, res, 200)
		wantHeader(t, res, "Content-Type", f.ctype)
		if csp := res.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "sandbox") {
			t.Errorf("%s: Content-Security-Policy %q, want the sandboxed static-file policy", f.path, csp)
		}
		data, _ := io.ReadAll(res.Body)
		if got := qrtest.Decode(t, data, f.ext); got != want {
			t.Errorf("%s scans to %q, want %q", f.path, got, want)
		}
	}
}

// TestPoster: the printable poster shows the title, summary, QR code and
// short address, with no site navigation, and its stylesheets are served.
func TestPoster(t *testing.T) {
	s := newTestServer(t)
	res := get(t, s, "GET", "/riverside/save-the-library/poster", nil)
	wantStatus(t, res, 200)
	csp := res.Header.Get("Content-Security-Policy")
	d := doc(t, res)
	if got := text(d.Find("h1")); got != "Save the library" {
		t.Errorf("h1 %q, want the campaign title", got)
	}
	if got := text(d.Find(".poster-summary")); got != "The council votes on 3 March." {
		t.Errorf("summary %q", got)
	}
	qr := d.Find("img.poster-qr")
	if src, _ := qr.Attr("src"); src != "/riverside/save-the-library/qr.svg" {
		t.Errorf("QR img src %q, want the campaign's qr.svg", src)
	}
	if alt, _ := qr.Attr("alt"); !strings.Contains(alt, "act.example.org/riverside/save-the-library") {
		t.Errorf("QR alt %q, want it to say where the code leads", alt)
	}
	if got := text(d.Find(".poster-url-text")); got != "act.example.org/riverside/save-the-library" {
		t.Errorf("short URL %q", got)
	}
	if got := text(d.Find(".poster-org")); got != "Riverside Coalition" {
		t.Errorf("organisation %q", got)
	}
	if n := d.Find("nav, footer, form, .site-header, script").Length(); n != 0 {
		t.Errorf("poster has %d nav, footer, form, header or script elements, want none", n)
	}
	if v, _ := d.Find(`meta[name="robots"]`).Attr("content"); v != "noindex" {
		t.Errorf("robots %q, want noindex", v)
	}
	if v, _ := d.Find(`link[rel="canonical"]`).Attr("href"); v != "https://act.example.org/riverside/save-the-library" {
		t.Errorf("canonical %q, want the campaign page", v)
	}
	sheets := d.Find(`link[rel="stylesheet"]`)
	if sheets.Length() != 2 {
		t.Fatalf("%d stylesheets, want style.css then poster.css", sheets.Length())
	}
	for i, want := range []string{"/static/style.", "/static/poster."} {
		href, _ := sheets.Eq(i).Attr("href")
		if !strings.HasPrefix(href, want) {
			t.Errorf("stylesheet %d is %q, want %s…", i, href, want)
		}
		r := get(t, s, "GET", href, nil)
		wantStatus(t, r, 200)
		if i == 1 && !strings.Contains(body(t, r), "@page { size: A4") {
			t.Errorf("poster.css lacks the A4 page size")
		}
	}
	// The theme's inline style is allowed by its hash, like every page's.
	if !strings.Contains(csp, "style-src 'self' 'sha256-") || strings.Contains(csp, "unsafe-inline") {
		t.Errorf("Content-Security-Policy %q, want the theme allowed by hash only", csp)
	}
}

// TestPosterAction: the poster names the campaign's first call to action
// that takes signatures, else its first one, in the page's language, and
// its fixed wording is in that language too.
func TestPosterAction(t *testing.T) {
	d := doc(t, get(t, newTestServer(t), "GET", "/riverside/save-the-library/poster", nil))
	if got := text(d.Find(".poster-action")); got != "Sign the petition" {
		t.Errorf("action %q, want Sign the petition", got)
	}
	letter := "  - {kind: letter, to: The council, body: Keep it open., signing: true}\n"
	closed := "  - {kind: letter, to: The council, body: Keep it open., organisations: [{name: North Group}]}\n"
	contact := "  - {kind: contact, targets: [{name: Ann North, email: ann@council.example}]}\n"
	share := "  - {kind: share, messages: {default: Pass it on.}}\n"
	statement := "  - {kind: statement, body: We spoke.}\n"
	for _, tc := range []struct {
		lang    string
		actions []string
		want    string
	}{
		{"en", []string{share, letter}, "Sign the open letter"},
		{"en", []string{closed, share}, "Read the open letter"},
		{"en", []string{contact, share}, "Contact your representatives"},
		{"en", []string{statement}, "Read the statement"},
		{"en", nil, ""},
		{"fr", []string{share, letter}, "Signez la lettre ouverte"},
		{"de", []string{contact}, "Kontaktieren Sie Ihre Abgeordneten"},
		{"ar", []string{letter}, "وقّع الرسالة المفتوحة"},
	} {
		// The loader refuses a campaign without actions; posterAction
		// still copes with one.
		c := &campaign.Campaign{}
		if tc.actions != nil {
			f := testFiles(t)
			f["riverside/poster.yaml"] = "title: Poster\nsummary: A poster.\ndate: 2026-01-01\nactions:\n" + strings.Join(tc.actions, "")
			c = campaigntest.Site(t, f).Campaign("riverside", "poster")
		}
		if got := site.PosterAction(i18n.New(tc.lang, nil), c); got != tc.want {
			t.Errorf("%s %v: action %q, want %q", tc.lang, tc.actions, got, tc.want)
		}
	}
	e := i18nEnv(t, openSQLite(t))
	for _, lang := range []string{"ar", "he"} {
		d := doc(t, get(t, e.s, "GET", parkPage+"/"+lang+"/poster", nil))
		l := i18n.New(lang, nil)
		if got := text(d.Find(".poster-action")); got != l.T("poster.petition") {
			t.Errorf("%s poster: action %q, want %q", lang, got, l.T("poster.petition"))
		}
		if got := text(d.Find(".poster-url-label")); got != l.T("poster.scan") {
			t.Errorf("%s poster: label %q, want %q", lang, got, l.T("poster.scan"))
		}
	}
}

// TestPosterOfSigningCampaign: a campaign that takes signatures has a
// poster too, without a form.
func TestPosterOfSigningCampaign(t *testing.T) {
	e := newSignEnv(t, openSQLite(t), nil)
	res := get(t, e.s, "GET", libraryPage+"/poster", nil)
	wantStatus(t, res, 200)
	if d := doc(t, res); d.Find("form").Length() != 0 || text(d.Find("h1")) != "Save the library" {
		t.Errorf("poster of a signing campaign: want its title and no form")
	}
}

// TestExportCardsAndPosters: the static export holds every public
// campaign's cards, QR codes and poster, and each organisation's card.
func TestExportCardsAndPosters(t *testing.T) {
	s := newTestServer(t)
	got := map[string][]byte{}
	if err := s.Export(func(p string, h http.Header, body []byte) error {
		got[p] = body
		return nil
	}); err != nil {
		t.Fatalf("Export: %v", err)
	}
	for _, page := range []string{"/riverside/save-the-library", notePage} {
		for _, suffix := range []string{"/card.png", "/card-square.png", "/qr.png"} {
			if _, err := png.DecodeConfig(bytes.NewReader(got[page+suffix])); err != nil {
				t.Errorf("export %s%s: %v, want a PNG", page, suffix, err)
			}
		}
		if !bytes.HasPrefix(got[page+"/qr.svg"], []byte("<svg")) {
			t.Errorf("export %s/qr.svg is not an SVG", page)
		}
		if !bytes.Contains(got[page+"/poster"], []byte(`class="poster-qr"`)) {
			t.Errorf("export %s/poster is not the poster", page)
		}
	}
	for _, p := range []string{"/riverside/card.png", "/plain/card.png"} {
		if _, ok := got[p]; !ok {
			t.Errorf("export lacks %s", p)
		}
	}
	for p := range got {
		if strings.Contains(p, "secret-plan") {
			t.Errorf("export holds %s, of a draft", p)
		}
	}
}

// BenchmarkCardCached measures serving a card already drawn: the cost of
// every request after the first. It reports how many times the card was
// drawn in all (1: the first request), alongside ns/op. The cost of the
// first request is BenchmarkRender in internal/sharecard.
func BenchmarkCardCached(b *testing.B) {
	s, err := New(Config{BaseURL: "https://act.example.org"}, testSite(b))
	if err != nil {
		b.Fatal(err)
	}
	req, _ := http.NewRequest("GET", notePage+"/card.png", nil)
	w := &discardWriter{h: http.Header{}}
	s.ServeHTTP(w, req)
	b.ReportAllocs()
	for b.Loop() {
		clear(w.h)
		s.ServeHTTP(w, req)
	}
	if w.code != 200 {
		b.Fatalf("status %d", w.code)
	}
	b.ReportMetric(float64(s.lazy.Renders.Load()), "renders")
}

func rgb(r, g, b uint8) color.RGBA { return color.RGBA{r, g, b, 0xff} }

func text(s *goquery.Selection) string { return strings.Join(strings.Fields(s.Text()), " ") }

// TestShortAddress: a campaign's short: address answers with a 301 to the
// campaign page (keeping the query, so ?src=qr still counts), the poster
// prints it instead of the full address, and a static copy holds a page
// there that forwards to the campaign.
func TestShortAddress(t *testing.T) {
	f := testFiles(t)
	f["riverside/save-the-library.yaml"] += "short: save-library\n"
	s, err := New(Config{BaseURL: "https://act.example.org/", SiteName: "Act"}, campaigntest.Site(t, f))
	if err != nil {
		t.Fatal(err)
	}
	res := get(t, s, "GET", "/save-library?src=qr", nil)
	wantStatus(t, res, http.StatusMovedPermanently)
	if loc := res.Header.Get("Location"); loc != "/riverside/save-the-library?src=qr" {
		t.Errorf("Location %q, want the campaign page with the query", loc)
	}
	d := doc(t, get(t, s, "GET", "/riverside/save-the-library/poster", nil))
	if got := text(d.Find(".poster-url-text")); got != "act.example.org/save-library" {
		t.Errorf("poster address %q, want the short address", got)
	}
	wantStatus(t, get(t, s, "GET", "/save-libraryx", nil), http.StatusNotFound)

	files := map[string][]byte{}
	headers := map[string]http.Header{}
	if err := s.Export(func(p string, h http.Header, body []byte) error {
		files[p], headers[p] = body, h
		return nil
	}); err != nil {
		t.Fatalf("Export: %v", err)
	}
	fwd, err := goquery.NewDocumentFromReader(bytes.NewReader(files["/save-library"]))
	if err != nil || files["/save-library"] == nil {
		t.Fatalf("export has no page at the short address (%v)", err)
	}
	if got := fwd.Find(`meta[http-equiv="refresh"]`).AttrOr("content", ""); got != "0; url=/riverside/save-the-library" {
		t.Errorf("forwarding page refreshes to %q, want the campaign", got)
	}
	if got := fwd.Find("a").AttrOr("href", ""); got != "/riverside/save-the-library" {
		t.Errorf("forwarding page links to %q, want the campaign", got)
	}
	if ct := headers["/save-library"].Get("Content-Type"); !strings.HasPrefix(ct, "text/html") || headers["/save-library"].Get("Location") != "" {
		t.Errorf("forwarding page headers %v, want HTML without Location", headers["/save-library"])
	}
}
