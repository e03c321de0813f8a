package web

import (
	"bytes"
	"image"
	"image/jpeg"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/placard/placard/internal/campaign/campaigntest"
)

// srcset splits an img's srcset into address → width descriptor.
func srcset(t *testing.T, v string) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, c := range strings.Split(v, ",") {
		f := strings.Fields(c)
		if len(f) != 2 {
			t.Fatalf("srcset candidate %q, want an address and a width", c)
		}
		out[f[0]] = f[1]
	}
	return out
}

// TestPictureCopies: the campaign's 1200×600 PNG is offered in 480 and
// 800 px copies beside the original, with sizes, width and height; each
// copy is a PNG of its width, cached for a year under a hashed address,
// made once however often it is asked for, and part of the static export.
func TestPictureCopies(t *testing.T) {
	s := newTestServer(t)
	img := doc(t, get(t, s, "GET", "/riverside/save-the-library", nil)).Find(".hero img")
	src, _ := img.Attr("src")
	set, _ := img.Attr("srcset")
	sizes, _ := img.Attr("sizes")
	w, _ := img.Attr("width")
	h, _ := img.Attr("height")
	if w != "1200" || h != "600" || sizes != heroSizesAttr {
		t.Errorf("hero width %q height %q sizes %q", w, h, sizes)
	}
	cands := srcset(t, set)
	if len(cands) != 3 || cands[src] != "1200w" {
		t.Fatalf("srcset %q, want two copies and the original %s at 1200w", set, src)
	}
	before := s.lazy.Renders.Load()
	for u, desc := range cands {
		if u == src {
			continue
		}
		if !strings.HasPrefix(u, "/static/riverside/assets/hero-"+strings.TrimSuffix(desc, "w")+"w.") || !strings.HasSuffix(u, ".png") {
			t.Errorf("copy address %q for %s", u, desc)
		}
		res := get(t, s, "GET", u, nil)
		wantStatus(t, res, http.StatusOK)
		wantHeader(t, res, "Content-Type", "image/png")
		wantHeader(t, res, "Cache-Control", "public, max-age=31536000, immutable")
		cfg, _, err := image.DecodeConfig(strings.NewReader(body(t, res)))
		if err != nil || desc != itoa(cfg.Width)+"w" || cfg.Height != cfg.Width/2 {
			t.Errorf("%s: %d×%d %v, want %s wide, half as tall", u, cfg.Width, cfg.Height, err, desc)
		}
		// A second request, and a second address, is served from the cache.
		wantStatus(t, get(t, s, "GET", u, nil), http.StatusOK)
	}
	if n := s.lazy.Renders.Load() - before; n != 2 {
		t.Errorf("%d files made for two copies requested twice, want 2", n)
	}

	got := map[string][]byte{}
	if err := s.Export(func(p string, _ http.Header, body []byte) error {
		got[p] = body
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	for u := range cands {
		if _, _, err := image.DecodeConfig(bytes.NewReader(got[u])); err != nil {
			t.Errorf("export %s: %v", u, err)
		}
	}
	if res := get(t, s, "GET", "/static/riverside/assets/hero-640w.0123456789ab.png", nil); res.StatusCode != http.StatusNotFound {
		t.Errorf("a copy never offered: status %d, want 404", res.StatusCode)
	}
}

// TestPosterQRHasItsSize: the poster's QR code img carries the width and
// height of the SVG it loads, so the sheet is laid out before it arrives.
func TestPosterQRHasItsSize(t *testing.T) {
	s := newTestServer(t)
	qr := doc(t, get(t, s, "GET", "/riverside/save-the-library/poster", nil)).Find("img.poster-qr")
	w, _ := qr.Attr("width")
	h, _ := qr.Attr("height")
	src, _ := qr.Attr("src")
	svg := body(t, get(t, s, "GET", src, nil))
	if w == "" || w != h || !strings.Contains(svg, ` width="`+w+`" height="`+h+`"`) {
		t.Errorf("poster QR img width %q height %q; the SVG starts %.160s", w, h, svg)
	}
}

// TestPictureInText: a picture in a campaign's Markdown gets its width,
// height, srcset and sizes like the campaign's own picture, and its
// copies are served. (The loader reads only files a setting names, so the
// picture is also the campaign's image.)
func TestPictureInText(t *testing.T) {
	files := testFiles(t)
	files["plain/assets/wide.jpg"] = string(testJPEG(t, 1000, 500))
	files["plain/pictured.yaml"] = "title: Pictured\nsummary: A picture.\ndate: 2026-01-06\nimage:\n  src: assets/wide.jpg\n  alt: A wide view\nbody: |\n  Before.\n\n  ![A wide view](assets/wide.jpg)\nactions:\n  - kind: listen\n    items:\n      - title: Episode 1\n        link: https://pod.example/1\n        duration: 3m\n        format: podcast\n"
	s, err := New(Config{BaseURL: "https://act.example.org/", SiteName: "Act"}, campaigntest.Site(t, files))
	if err != nil {
		t.Fatal(err)
	}
	img := doc(t, get(t, s, "GET", "/plain/pictured", nil)).Find(`.body img[alt="A wide view"]`)
	if img.Length() != 1 {
		t.Fatal("no picture in the text")
	}
	w, _ := img.Attr("width")
	h, _ := img.Attr("height")
	sizes, _ := img.Attr("sizes")
	set, _ := img.Attr("srcset")
	if w != "1000" || h != "500" || sizes != heroSizesAttr {
		t.Errorf("width %q height %q sizes %q", w, h, sizes)
	}
	cands := srcset(t, set)
	if len(cands) != 3 {
		t.Fatalf("srcset %q, want 480w, 800w and the original", set)
	}
	for u, desc := range cands {
		res := get(t, s, "GET", u, nil)
		wantStatus(t, res, http.StatusOK)
		wantHeader(t, res, "Content-Type", "image/jpeg")
		cfg, _, err := image.DecodeConfig(strings.NewReader(body(t, res)))
		if err != nil || desc != itoa(cfg.Width)+"w" {
			t.Errorf("%s: %d px wide %v, want %s", u, cfg.Width, err, desc)
		}
	}
}

// testJPEG makes a w×h JPEG.
func testJPEG(t testing.TB, w, h int) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, image.NewGray(image.Rect(0, 0, w, h)), nil); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestPictureCopiesOutliveOneReload: after a reload that changes the
// picture, the old copies are still served for one generation (a page
// fetched just before the reload names them), and gone after the next.
func TestPictureCopiesOutliveOneReload(t *testing.T) {
	s := newTestServer(t)
	set, _ := doc(t, get(t, s, "GET", "/riverside/save-the-library", nil)).Find(".hero img").Attr("srcset")
	var old string
	for u, desc := range srcset(t, set) {
		if desc == "480w" {
			old = u
		}
	}
	if old == "" {
		t.Fatalf("no 480w copy in %q", set)
	}
	files := testFiles(t)
	for gen := 1; gen <= 2; gen++ {
		files["riverside/assets/hero.png"] = string(testPNG(t, 1000+gen, 500))
		if err := s.SetSite(campaigntest.Site(t, files)); err != nil {
			t.Fatal(err)
		}
		now, _ := doc(t, get(t, s, "GET", "/riverside/save-the-library", nil)).Find(".hero img").Attr("srcset")
		if strings.Contains(now, old) {
			t.Fatalf("generation %d: the changed picture's srcset %q still names %s", gen, now, old)
		}
		want := http.StatusOK
		if gen == 2 {
			want = http.StatusNotFound
		}
		if res := get(t, s, "GET", old, nil); res.StatusCode != want {
			t.Errorf("generation %d: the old copy answers %d, want %d", gen, res.StatusCode, want)
		}
	}
}

// heroSizesAttr is the sizes the site writes on a campaign's picture
// (internal/site/pictures.go).
const heroSizesAttr = "(max-width: 30rem) 160px, (min-width: 52rem) 48rem, calc(100vw - 2rem)"

// TestPictureCopiesConcurrentFirstRequests: many first requests for the
// copies of one picture at once all get their copy, and each copy is
// made once (the picture is decoded once for both).
func TestPictureCopiesConcurrentFirstRequests(t *testing.T) {
	s := newTestServer(t)
	set, _ := doc(t, get(t, s, "GET", "/riverside/save-the-library", nil)).Find(".hero img").Attr("srcset")
	src, _ := doc(t, get(t, s, "GET", "/riverside/save-the-library", nil)).Find(".hero img").Attr("src")
	var copies []string
	for u := range srcset(t, set) {
		if u != src {
			copies = append(copies, u)
		}
	}
	before := s.lazy.Renders.Load()
	var wg sync.WaitGroup
	codes := make([]int, 16)
	for i := range codes {
		wg.Go(func() {
			req := httptest.NewRequest("GET", copies[i%len(copies)], nil)
			rec := httptest.NewRecorder()
			s.ServeHTTP(rec, req)
			codes[i] = rec.Code
		})
	}
	wg.Wait()
	for i, c := range codes {
		if c != http.StatusOK {
			t.Errorf("request %d: status %d", i, c)
		}
	}
	if n := s.lazy.Renders.Load() - before; n != int64(len(copies)) {
		t.Errorf("%d files made for %d copies", n, len(copies))
	}
}
