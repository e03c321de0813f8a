package web

import (
	"bytes"
	"compress/gzip"
	"image"
	"image/color"
	"image/png"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"github.com/placard/placard/internal/campaign"
	"github.com/placard/placard/internal/campaign/campaigntest"
	"github.com/placard/placard/internal/site"
)

// testPNG makes a w×h PNG.
func testPNG(t testing.TB, w, h int) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	img.Set(0, 0, color.RGBA{1, 2, 3, 255})
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// testFiles is a small campaigns folder: one organisation with a published
// campaign using most kinds, a draft, and a second organisation without
// colours, logo or pictures.
func testFiles(t testing.TB) campaigntest.Files {
	t.Helper()
	return campaigntest.Files{
		"riverside/assets/logo.svg":   `<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>`,
		"riverside/assets/hero.png":   string(testPNG(t, 1200, 600)),
		"riverside/assets/report.pdf": strings.Repeat("x", 1_234_567),
		"riverside/org.yaml": `name: Riverside Coalition
short_name: Riverside
website: https://riverside.example
language: en
logo:
  src: assets/logo.svg
  alt: Riverside logo
about: "A coalition of **forty** groups.\n\nSecond paragraph."
colours:
  primary: "#0b5d3b"
  accent: "#aa3300"
media_contact:
  name: Sam Ortiz
  phone: "+1 555 0100"
  email: press@riverside.example
social:
  x: https://x.com/riverside
  bluesky: https://bsky.app/profile/riverside.example
donate: https://riverside.example/give
members:
  - name: North Group
    link: https://north.example
    region: North
  - name: Anywhere Group
    link: https://any.example
`,
		"riverside/save-the-library.yaml": `title: Save the library
summary: The council votes on 3 March.
date: 2026-02-10
image:
  src: assets/hero.png
  alt: Children reading
hashtags: [SaveRiversideLibrary]
body: "# Why\n\nBecause <script>alert(1)</script> it matters."
actions:
  - kind: petition
    target: Riverside City Council
    text: Keep it open.
    goal: 5000
  - kind: contact
    subject: Keep the library
    message: Please vote no & keep it open.
    targets:
      - {name: Ann North, phone: "+1 555 0101", email: ann@council.example, region: North Ward}
      - {name: Bo South, phone: "+1 555 0102", email: bo@council.example, region: South Ward}
      - {name: Mayor Lee, email: mayor@council.example}
  - kind: share
    messages:
      x: "Our library closes unless the council hears from us. {link} #SaveRiversideLibrary"
      default: The Riverside library needs us before 3 March
  - kind: donate
    amounts: [10, 25]
    currency: USD
    destinations:
      - name: Riverside Coalition
        link: https://riverside.example/give?src=web
        amount_param: amount
  - kind: resources
    items:
      - title: The report
        file: assets/report.pdf
  - kind: engage
`,
		"riverside/secret-plan.yaml": `title: Secret plan
summary: Not yet.
status: draft
date: 2026-03-01
actions:
  - kind: share
    messages:
      default: Not yet.
`,
		"plain/org.yaml": `name: Plain Org
about: Plain.
`,
		"plain/a-note.yaml": `title: A note
summary: A short note.
date: 2026-01-05
related:
  - campaign: riverside/save-the-library
  - campaign: riverside/secret-plan
actions:
  - kind: listen
    items:
      - title: Episode 12
        link: https://pod.example/12
        duration: 34m
        format: podcast
`,
	}
}

// testSite is testFiles loaded.
func testSite(t testing.TB) *campaign.Site {
	t.Helper()
	return campaigntest.Site(t, testFiles(t))
}

func newTestServer(t testing.TB) *Server {
	t.Helper()
	s, err := New(Config{BaseURL: "https://act.example.org/", SiteName: "Act"}, testSite(t))
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return s
}

// get runs one request through the real router.
func get(t testing.TB, h http.Handler, method, target string, header http.Header) *http.Response {
	t.Helper()
	req := httptest.NewRequest(method, target, nil)
	for k, v := range header {
		req.Header[k] = v
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec.Result()
}

func body(t testing.TB, res *http.Response) string {
	t.Helper()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func doc(t testing.TB, res *http.Response) *goquery.Document {
	t.Helper()
	d, err := goquery.NewDocumentFromReader(strings.NewReader(body(t, res)))
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func wantStatus(t testing.TB, res *http.Response, want int) {
	t.Helper()
	if res.StatusCode != want {
		where := ""
		if res.Request != nil {
			where = res.Request.Method + " " + res.Request.URL.String() + ": "
		}
		t.Fatalf("%sgot status %d, want %d", where, res.StatusCode, want)
	}
}

func wantHeader(t testing.TB, res *http.Response, key, want string) {
	t.Helper()
	if got := res.Header.Get(key); got != want {
		t.Errorf("%s %s: header %s = %q, want %q", res.Request.Method, res.Request.URL, key, got, want)
	}
}

func TestStatusCodes(t *testing.T) {
	s := newTestServer(t)
	cases := []struct {
		method, path string
		want         int
	}{
		{"GET", "/", 200},
		{"GET", "/riverside", 200},
		{"GET", "/riverside/save-the-library", 200},
		{"GET", "/plain", 200},
		{"GET", "/plain/a-note", 200},
		{"GET", "/healthz", 200},
		{"GET", "/robots.txt", 200},
		{"GET", "/favicon.ico", 200},
		{"GET", "/riverside/secret-plan", 404},
		{"GET", "/nobody", 404},
		{"GET", "/riverside/nothing", 404},
		{"GET", "/riverside/save-the-library/extra/path", 404},
		{"GET", "/static/nothing.css", 404},
		{"GET", "/riverside/", 301},
		{"POST", "/riverside", 405},
		{"HEAD", "/riverside/save-the-library", 200},
		{"HEAD", "/nobody", 404},
	}
	for _, c := range cases {
		res := get(t, s, c.method, c.path, nil)
		if res.StatusCode != c.want {
			t.Errorf("%s %s: got %d, want %d", c.method, c.path, res.StatusCode, c.want)
		}
	}
}

func TestHealthz(t *testing.T) {
	res := get(t, newTestServer(t), "GET", "/healthz", nil)
	wantStatus(t, res, 200)
	if b := body(t, res); b != "ok" {
		t.Errorf("got body %q, want %q", b, "ok")
	}
}

func TestSecurityHeadersEverywhere(t *testing.T) {
	s := newTestServer(t)
	css := s.snap.Load().Stylesheet
	for _, p := range []string{"/", "/riverside/save-the-library", "/nobody", css, "/healthz", "/riverside/", "/plain/a-note/share/mastodon?instance=x"} {
		res := get(t, s, "GET", p, nil)
		for k, want := range map[string]string{
			"X-Content-Type-Options":     "nosniff",
			"Referrer-Policy":            "strict-origin-when-cross-origin",
			"Cross-Origin-Opener-Policy": "same-origin",
			"X-Frame-Options":            "DENY",
			"Strict-Transport-Security":  "max-age=31536000",
		} {
			wantHeader(t, res, k, want)
		}
		csp := res.Header.Get("Content-Security-Policy")
		if !strings.Contains(csp, "default-src 'none'") || !strings.Contains(csp, "frame-ancestors 'none'") {
			t.Errorf("%s: CSP %q lacks default-src 'none' or frame-ancestors 'none'", p, csp)
		}
		if pp := res.Header.Get("Permissions-Policy"); !strings.Contains(pp, "camera=()") || !strings.Contains(pp, "browsing-topics=()") {
			t.Errorf("%s: Permissions-Policy %q", p, pp)
		}
		if sc := res.Header.Values("Set-Cookie"); len(sc) > 0 {
			t.Errorf("%s: got cookies %v, want none", p, sc)
		}
	}
}

func TestPageCSPHashesTheme(t *testing.T) {
	s := newTestServer(t)
	res := get(t, s, "GET", "/riverside", nil)
	wantStatus(t, res, 200)
	csp := res.Header.Get("Content-Security-Policy")
	// Every organisation and campaign page closes with share links, so its
	// Mastodon form may send the reader on to their own server.
	want := site.PageCSP(":root{--brand:#0b5d3b;--accent:#aa3300}", true)
	if csp != want {
		t.Errorf("got CSP %q, want %q", csp, want)
	}
	if !strings.Contains(body(t, res), "<style>:root{--brand:#0b5d3b;--accent:#aa3300}</style>") {
		t.Errorf("page lacks the theme style element the CSP hashes")
	}
	// The campaign page has a Mastodon form, which redirects to the reader's server.
	res = get(t, s, "GET", "/riverside/save-the-library", nil)
	if csp := res.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "form-action 'self' https:") {
		t.Errorf("got CSP %q, want form-action 'self' https:", csp)
	}
}

func TestConditionalAndGzip(t *testing.T) {
	s := newTestServer(t)
	res := get(t, s, "GET", "/riverside/save-the-library", nil)
	wantStatus(t, res, 200)
	plain := body(t, res)
	etag := res.Header.Get("ETag")
	if !strings.HasPrefix(etag, `"`) || strings.HasPrefix(etag, "W/") {
		t.Fatalf("got ETag %q, want a strong ETag", etag)
	}
	wantHeader(t, res, "Vary", "Accept-Encoding")
	wantHeader(t, res, "Content-Type", "text/html; charset=utf-8")
	if cl := res.Header.Get("Content-Length"); cl != strconv.Itoa(len(plain)) {
		t.Errorf("got Content-Length %s, want %d", cl, len(plain))
	}

	res = get(t, s, "GET", "/riverside/save-the-library", http.Header{"If-None-Match": {etag}})
	wantStatus(t, res, 304)
	if b := body(t, res); b != "" {
		t.Errorf("304 has body %q", b)
	}
	wantHeader(t, res, "ETag", etag)

	res = get(t, s, "GET", "/riverside/save-the-library", http.Header{"Accept-Encoding": {"br, gzip;q=0.8"}})
	wantStatus(t, res, 200)
	wantHeader(t, res, "Content-Encoding", "gzip")
	gzEtag := res.Header.Get("ETag")
	if gzEtag == etag {
		t.Errorf("gzip and identity share ETag %s, want distinct validators", etag)
	}
	zr, err := gzip.NewReader(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	unz, _ := io.ReadAll(zr)
	if string(unz) != plain {
		t.Errorf("gzip body differs from the identity body")
	}
	res = get(t, s, "GET", "/riverside/save-the-library", http.Header{"Accept-Encoding": {"gzip"}, "If-None-Match": {gzEtag}})
	wantStatus(t, res, 304)

	res = get(t, s, "GET", "/riverside/save-the-library", http.Header{"Accept-Encoding": {"gzip;q=0"}})
	wantHeader(t, res, "Content-Encoding", "")
}

func TestHead(t *testing.T) {
	s := newTestServer(t)
	res := get(t, s, "HEAD", "/riverside/save-the-library", nil)
	wantStatus(t, res, 200)
	if b := body(t, res); b != "" {
		t.Errorf("HEAD has a body of %d bytes", len(b))
	}
	if res.Header.Get("Content-Length") == "" || res.Header.Get("ETag") == "" {
		t.Errorf("HEAD lacks Content-Length or ETag: %v", res.Header)
	}
}

func TestStatic(t *testing.T) {
	s := newTestServer(t)
	snap := s.snap.Load()
	if !strings.HasPrefix(snap.Stylesheet, "/static/style.") || !strings.HasSuffix(snap.Stylesheet, ".css") {
		t.Fatalf("got stylesheet %q, want /static/style.HASH.css", snap.Stylesheet)
	}
	res := get(t, s, "GET", snap.Stylesheet, nil)
	wantStatus(t, res, 200)
	wantHeader(t, res, "Content-Type", "text/css; charset=utf-8")
	wantHeader(t, res, "Cache-Control", "public, max-age=31536000, immutable")
	wantHeader(t, res, "X-Content-Type-Options", "nosniff")

	var pdf, png string
	for k := range snap.Static {
		switch {
		case strings.HasPrefix(k, "/static/riverside/assets/report.") && strings.HasSuffix(k, ".pdf"):
			pdf = k
		case strings.HasPrefix(k, "/static/riverside/assets/hero.") && strings.HasSuffix(k, ".png"):
			png = k
		}
	}
	if pdf == "" || png == "" {
		t.Fatalf("organiser files not served under hashed names: %v", keys(snap.Static))
	}
	res = get(t, s, "GET", pdf, nil)
	wantHeader(t, res, "Content-Type", "application/pdf")
	res = get(t, s, "GET", png, nil)
	wantHeader(t, res, "Content-Type", "image/png")
}

func keys[V any](m map[string]V) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

func TestOpenGraph(t *testing.T) {
	s := newTestServer(t)
	d := doc(t, get(t, s, "GET", "/riverside/save-the-library", nil))
	meta := func(prop string) string {
		v, _ := d.Find(`meta[property="` + prop + `"]`).Attr("content")
		if v == "" {
			v, _ = d.Find(`meta[name="` + prop + `"]`).Attr("content")
		}
		return v
	}
	if got := meta("og:url"); got != "https://act.example.org/riverside/save-the-library" {
		t.Errorf("og:url = %q", got)
	}
	if got := meta("og:type"); got != "article" {
		t.Errorf("og:type = %q, want article", got)
	}
	if got := meta("og:image"); !strings.HasPrefix(got, "https://act.example.org/static/riverside/assets/hero.") {
		t.Errorf("og:image = %q, want the campaign's hero image", got)
	}
	if meta("og:image:width") != "1200" || meta("og:image:height") != "600" || meta("og:image:alt") != "Children reading" {
		t.Errorf("og:image size/alt = %s×%s %q", meta("og:image:width"), meta("og:image:height"), meta("og:image:alt"))
	}
	if got := meta("og:locale"); got != "en_GB" {
		t.Errorf("og:locale = %q, want en_GB", got)
	}
	if got := meta("twitter:site"); got != "@riverside" {
		t.Errorf("twitter:site = %q, want @riverside", got)
	}
	ld := d.Find(`script[type="application/ld+json"]`).Text()
	for _, want := range []string{`"@type":"Article"`, `"headline":"Save the library"`, `"datePublished":"2026-02-10"`, `"publisher"`} {
		if !strings.Contains(ld, want) {
			t.Errorf("JSON-LD %s lacks %s", ld, want)
		}
	}

	// An organisation page gets its generated share card.
	d = doc(t, get(t, s, "GET", "/plain", nil))
	img, _ := d.Find(`meta[property="og:image"]`).Attr("content")
	if !strings.HasPrefix(img, "https://act.example.org/plain/card.png?v=") {
		t.Errorf("og:image = %q, want the organisation's share card", img)
	}
	res := get(t, s, "GET", strings.TrimPrefix(img, "https://act.example.org"), nil)
	wantStatus(t, res, 200)
	cfg, err := png.DecodeConfig(res.Body)
	if err != nil || cfg.Width != 1200 || cfg.Height != 630 {
		t.Errorf("generated card: %v %dx%d, want a 1200×630 PNG", err, cfg.Width, cfg.Height)
	}
}

func TestRawHTMLNeverReachesPage(t *testing.T) {
	b := body(t, get(t, newTestServer(t), "GET", "/riverside/save-the-library", nil))
	if strings.Contains(b, "alert(1)") && strings.Contains(b, "<script>alert") {
		t.Errorf("organiser's script reached the page")
	}
}

func TestShareLinksExact(t *testing.T) {
	d := doc(t, get(t, newTestServer(t), "GET", "/riverside/save-the-library", nil))
	hrefs := map[string]bool{}
	d.Find("a[href]").Each(func(_ int, s *goquery.Selection) { h, _ := s.Attr("href"); hrefs[h] = true })
	// Every network shares the address tagged with its own source.
	link := func(n string) string { return "https://act.example.org/riverside/save-the-library?src=" + n }
	// The campaign's hashtags are added to every network's text, except
	// where the message already holds them (the X message).
	def := func(n string) string {
		return "The Riverside library needs us before 3 March #SaveRiversideLibrary " + link(n)
	}
	want := []string{
		"https://x.com/intent/post?text=" + site.QueryEscape("Our library closes unless the council hears from us. "+link("x")+" #SaveRiversideLibrary"),
		"https://bsky.app/intent/compose?text=" + site.QueryEscape(def("bluesky")),
		"https://www.facebook.com/sharer/sharer.php?u=" + site.QueryEscape(link("facebook")),
		"https://www.linkedin.com/sharing/share-offsite/?url=" + site.QueryEscape(link("linkedin")),
		"https://wa.me/?text=" + site.QueryEscape(def("whatsapp")),
		"https://t.me/share/url?url=" + site.QueryEscape(link("telegram")) + "&text=The%20Riverside%20library%20needs%20us%20before%203%20March%20%23SaveRiversideLibrary",
		"mailto:?subject=Save%20the%20library&body=" + site.QueryEscape(def("email")),
	}
	for _, w := range want {
		if !hrefs[w] {
			t.Errorf("no link %s", w)
		}
	}
	if d.Find(`form[action="/riverside/save-the-library/share/mastodon"]`).Length() != 1 {
		t.Errorf("no Mastodon share form")
	}
	for h := range hrefs {
		if strings.Contains(h, "+") && (strings.HasPrefix(h, "mailto:") || strings.Contains(h, "intent")) {
			t.Errorf("share link %s encodes spaces as +, want %%20", h)
		}
	}
}

func TestContactAndDonateLinks(t *testing.T) {
	b := body(t, get(t, newTestServer(t), "GET", "/riverside/save-the-library", nil))
	for _, want := range []string{
		`href="tel:+15550101"`,
		`href="mailto:ann@council.example?subject=Keep%20the%20library&amp;body=Please%20vote%20no%20%26%20keep%20it%20open."`,
		`href="https://riverside.example/give?amount=25&amp;src=web"`,
		"$25",
		"PDF, 1.2 MB",
		"5,000 signatures",
	} {
		if !strings.Contains(b, want) {
			t.Errorf("campaign page lacks %s", want)
		}
	}
}

// sameOrigin marks a request as a navigation from this site's own page.
var sameOrigin = http.Header{"Sec-Fetch-Site": {"same-origin"}}

func TestMastodonRedirect(t *testing.T) {
	s := newTestServer(t)
	base := "/riverside/save-the-library/share/mastodon?"
	own := site.QueryEscape("The Riverside library needs us before 3 March #SaveRiversideLibrary https://act.example.org/riverside/save-the-library?src=mastodon")
	// A text of the link's own is not the campaign's: the campaign's goes.
	res := get(t, s, "GET", base+"instance=https://Mastodon.Social/&text="+url.QueryEscape("Hello & bye"), sameOrigin)
	wantStatus(t, res, 303)
	wantHeader(t, res, "Location", "https://mastodon.social/share?text="+own)

	res = get(t, s, "GET", base+"instance=@sam@social.example", sameOrigin)
	wantStatus(t, res, 303)
	wantHeader(t, res, "Location", "https://social.example/share?text="+site.QueryEscape("The Riverside library needs us before 3 March #SaveRiversideLibrary https://act.example.org/riverside/save-the-library?src=mastodon"))

	for _, bad := range []string{"", "localhost", "127.0.0.1", "evil.example/path", "evil.example:8080", "a..b", "-x.example", "x.example?y", "[::1]", "exa mple.org", "javascript:alert(1)", "x.123"} {
		res := get(t, s, "GET", base+"instance="+url.QueryEscape(bad), nil)
		if res.StatusCode != 400 {
			t.Errorf("instance %q: got %d (Location %q), want 400", bad, res.StatusCode, res.Header.Get("Location"))
			continue
		}
		if b := body(t, res); !strings.Contains(b, "Mastodon server") {
			t.Errorf("instance %q: 400 page lacks a plain message", bad)
		}
	}
	res = get(t, s, "GET", base+"instance=mastodon.social&text="+strings.Repeat("a", 1001), sameOrigin)
	wantStatus(t, res, 303)
	wantHeader(t, res, "Location", "https://mastodon.social/share?text="+own)
	// A campaign without a share action still offers the page's own share
	// links, and so does an organisation page; a draft or unknown page: 404.
	wantStatus(t, get(t, s, "GET", "/plain/a-note/share/mastodon?instance=mastodon.social", sameOrigin), 303)
	wantStatus(t, get(t, s, "GET", "/riverside/share/mastodon?instance=mastodon.social", sameOrigin), 303)
	wantStatus(t, get(t, s, "GET", "/riverside/no-such-campaign/share/mastodon?instance=mastodon.social", nil), 404)
	wantStatus(t, get(t, s, "GET", "/riverside/secret-plan/share/mastodon?instance=mastodon.social", nil), 404)
}

// TestMastodonConfirm: only a navigation from this site's own page is sent
// straight on to the reader's Mastodon server. A link from anywhere else
// (the server is the link's) gets a page naming the server and the
// campaign's own message (never the link's words:
// TestMastodonShareShowsOnlyOwnText), with a plain link to continue, and
// no redirect.
func TestMastodonConfirm(t *testing.T) {
	s := newTestServer(t)
	target := "/riverside/save-the-library/share/mastodon?instance=" + url.QueryEscape("social.example") +
		"&text=" + url.QueryEscape("Send money to <b>evil</b>")
	own := "The Riverside library needs us before 3 March #SaveRiversideLibrary https://act.example.org/riverside/save-the-library?src=mastodon"
	want := "https://social.example/share?text=" + site.QueryEscape(own)
	for _, site := range []string{"", "cross-site", "same-site", "none"} {
		h := http.Header{}
		if site != "" {
			h.Set("Sec-Fetch-Site", site)
		}
		res := get(t, s, "GET", target, h)
		wantStatus(t, res, 200)
		if loc := res.Header.Get("Location"); loc != "" {
			t.Errorf("Sec-Fetch-Site %q: a Location %q, want none", site, loc)
		}
		wantHeader(t, res, "Cache-Control", "no-store")
		d := doc(t, res)
		if d.Find("h1").Length() != 1 {
			t.Errorf("Sec-Fetch-Site %q: want one h1", site)
		}
		main := strings.Join(strings.Fields(d.Find("main").Text()), " ")
		if !strings.Contains(main, "social.example") || !strings.Contains(main, own) || strings.Contains(main, "Send money") {
			t.Errorf("Sec-Fetch-Site %q: the page does not name the server and show the message as text: %q", site, main)
		}
		if d.Find("main b").Length() != 0 {
			t.Errorf("Sec-Fetch-Site %q: the message's markup became an element", site)
		}
		links := d.Find(`main a[href="` + want + `"]`)
		if links.Length() != 1 {
			t.Errorf("Sec-Fetch-Site %q: want one link to %s", site, want)
		}
		if !strings.Contains(links.AttrOr("rel", ""), "noreferrer") {
			t.Errorf("the link to the other server does not carry rel=noreferrer")
		}
		if d.Find(`meta[name="robots"][content*="noindex"]`).Length() == 0 {
			t.Errorf("the confirmation page may be indexed")
		}
	}
	res := get(t, s, "GET", target, sameOrigin)
	wantStatus(t, res, 303)
	wantHeader(t, res, "Location", want)
}

// TestMastodonMixedScripts: a server name whose label mixes alphabets (a
// Cyrillic а in "аpple") is a look-alike and refused with a 400 that says
// so, whether typed in Unicode or punycode; names in one script pass.
func TestMastodonMixedScripts(t *testing.T) {
	s := newTestServer(t)
	base := "/riverside/save-the-library/share/mastodon?instance="
	for _, bad := range []string{"\u0430pple.example", "xn--pple-43d.example", "social.ex\u0430mple", "m\u0430stodon.social", "g\u03bfogle.example"} {
		res := get(t, s, "GET", base+url.QueryEscape(bad), sameOrigin)
		if res.StatusCode != 400 {
			t.Errorf("instance %q: got %d (Location %q), want 400", bad, res.StatusCode, res.Header.Get("Location"))
			continue
		}
		if b := body(t, res); !strings.Contains(b, "alphabets") {
			t.Errorf("instance %q: the 400 page does not say the name mixes alphabets", bad)
		}
	}
	for _, good := range []string{"b\u00fccher.example", "\u043f\u0440\u0438\u043c\u0435\u0440.\u0440\u0444", "xn--d1acpjx3f.xn--p1ai", "\u4f8b\u3048.jp", "mastodon.social"} {
		res := get(t, s, "GET", base+url.QueryEscape(good), sameOrigin)
		if res.StatusCode != 303 {
			t.Errorf("instance %q: got %d, want 303", good, res.StatusCode)
		}
	}
}

func TestRegionVariant(t *testing.T) {
	s := newTestServer(t)
	all := body(t, get(t, s, "GET", "/riverside/save-the-library", nil))
	north := body(t, get(t, s, "GET", "/riverside/save-the-library?region=North+Ward", nil))
	if !strings.Contains(all, "Bo South") || !strings.Contains(all, "Ann North") {
		t.Fatalf("default page lacks some targets")
	}
	if strings.Contains(north, "Bo South") || !strings.Contains(north, "Ann North") || !strings.Contains(north, "Mayor Lee") {
		t.Errorf("North Ward variant: want Ann North and Mayor Lee only")
	}
	other := body(t, get(t, s, "GET", "/riverside/save-the-library?utm_source=x", nil))
	if other != all {
		t.Errorf("an unrelated query string changed the page")
	}
	unknown := body(t, get(t, s, "GET", "/riverside/save-the-library?region=Mars", nil))
	if unknown != all {
		t.Errorf("an unknown region changed the page")
	}
}

func TestDraftsAreNotPublic(t *testing.T) {
	s := newTestServer(t)
	for _, p := range []string{"/", "/riverside", "/plain/a-note"} {
		if b := body(t, get(t, s, "GET", p, nil)); strings.Contains(b, "Secret plan") || strings.Contains(b, "secret-plan") {
			t.Errorf("%s mentions the draft", p)
		}
	}
	res := get(t, s, "GET", "/riverside/secret-plam", nil)
	if b := body(t, res); strings.Contains(b, "secret-plan") {
		t.Errorf("404 suggests the draft")
	}
}

func TestNotFoundSuggestions(t *testing.T) {
	s := newTestServer(t)
	cases := map[string]string{
		"/riverside/save-the-libary": "/riverside/save-the-library",
		"/Riverside":                 "/riverside",
		"/plain/save-the-library":    "/riverside/save-the-library",
		"/riversid":                  "/riverside",
	}
	for p, want := range cases {
		res := get(t, s, "GET", p, nil)
		wantStatus(t, res, 404)
		d := doc(t, res)
		found := false
		d.Find("main a[href]").Each(func(_ int, a *goquery.Selection) {
			if h, _ := a.Attr("href"); h == want {
				found = true
			}
		})
		if !found {
			t.Errorf("404 for %s does not suggest %s", p, want)
		}
		if _, ok := d.Find(`meta[name="robots"]`).Attr("content"); !ok {
			t.Errorf("404 for %s has no robots meta (noindex)", p)
		}
	}
}

func TestTrailingSlashRedirect(t *testing.T) {
	s := newTestServer(t)
	res := get(t, s, "GET", "/riverside/save-the-library/?region=North", nil)
	wantStatus(t, res, 301)
	wantHeader(t, res, "Location", "/riverside/save-the-library?region=North")
	res = get(t, s, "GET", "//evil.example/", nil)
	if loc := res.Header.Get("Location"); strings.HasPrefix(loc, "//") {
		t.Errorf("got Location %q, an open redirect", loc)
	}
	// A trailing slash written %2F: the path ends in "/" all the same, and
	// the redirect must lead somewhere else, never back to itself.
	for target, want := range map[string]string{
		"/riverside/save-the-library%2f":         "/riverside/save-the-library",
		"/riverside/save-the-library%2F?x=1":     "/riverside/save-the-library?x=1",
		"/riverside/save-the-library%2f/%2F/":    "/riverside/save-the-library",
		"/riverside/..%2f":                       "/",
		"/%2f%2fevil.example%2f":                 "/%2f%2fevil.example",
		"/riverside/save-the-library/thanks%2F/": "/riverside/save-the-library/thanks",
	} {
		res := get(t, s, "GET", target, nil)
		if loc := res.Header.Get("Location"); res.StatusCode != 301 || loc != want {
			t.Errorf("GET %s: %d to %q, want 301 to %q", target, res.StatusCode, loc, want)
		}
	}
}

func TestSetSiteSwapsAndKeepsOldStatic(t *testing.T) {
	s := newTestServer(t)
	old := s.snap.Load()
	var oldHero string
	for k := range old.Static {
		if strings.HasPrefix(k, "/static/riverside/assets/hero.") {
			oldHero = k
		}
	}
	if err := s.SetSite(nil); err != nil {
		t.Fatal(err)
	}
	wantStatus(t, get(t, s, "GET", "/riverside", nil), 404)
	wantStatus(t, get(t, s, "GET", "/", nil), 200)
	wantStatus(t, get(t, s, "GET", oldHero, nil), 200)
}

func TestErrorsNeverShowDetails(t *testing.T) {
	s := newTestServer(t)
	h := s.handle(func(w http.ResponseWriter, r *http.Request) error { panic("secret detail") })
	rec := httptest.NewRecorder()
	h(rec, httptest.NewRequest("GET", "/x", nil))
	if rec.Code != 500 {
		t.Fatalf("got %d, want 500", rec.Code)
	}
	if b := rec.Body.String(); strings.Contains(b, "secret detail") || !strings.Contains(b, "<html") {
		t.Errorf("500 body leaks detail or is not the error page: %q", b)
	}
}

func TestNewRejectsBadBaseURL(t *testing.T) {
	for _, u := range []string{"", "act.example.org", "ftp://x", "http://"} {
		if _, err := New(Config{BaseURL: u}, nil); err == nil {
			t.Errorf("New(BaseURL %q) succeeded, want an error", u)
		}
	}
}

func TestFormatting(t *testing.T) {
	for code, want := range map[string][3]string{"en": {"en", "ltr", "en_GB"}, "en-US": {"en-US", "ltr", "en_US"}, "ar": {"ar", "rtl", "ar_AR"}, "he": {"he", "rtl", "he_IL"}, "": {"en", "ltr", "en_GB"}} {
		l, d, loc := site.LangInfo(code)
		if [3]string{l, d, loc} != want {
			t.Errorf("langInfo(%q) = %q %q %q, want %v", code, l, d, loc, want)
		}
	}
}

// BenchmarkCampaignPage serves the cached campaign page, gzipped, through
// the real router and middleware.
func BenchmarkCampaignPage(b *testing.B) {
	s := newTestServer(b)
	req := httptest.NewRequest("GET", "/riverside/save-the-library", nil)
	req.Header.Set("Accept-Encoding", "gzip, deflate, br")
	benchServe(b, s, req)
}

// BenchmarkCampaignPage304 is the revalidation path.
func BenchmarkCampaignPage304(b *testing.B) {
	s := newTestServer(b)
	res := get(b, s, "GET", "/riverside/save-the-library", http.Header{"Accept-Encoding": {"gzip"}})
	req := httptest.NewRequest("GET", "/riverside/save-the-library", nil)
	req.Header.Set("Accept-Encoding", "gzip")
	req.Header.Set("If-None-Match", res.Header.Get("ETag"))
	w := &discardWriter{h: http.Header{}}
	b.ReportAllocs()
	for b.Loop() {
		clear(w.h)
		s.ServeHTTP(w, req)
		if w.code != 304 {
			b.Fatalf("got %d", w.code)
		}
	}
}

type discardWriter struct {
	h    http.Header
	code int
}

func (d *discardWriter) Header() http.Header         { return d.h }
func (d *discardWriter) Write(p []byte) (int, error) { return len(p), nil }
func (d *discardWriter) WriteHeader(code int)        { d.code = code }

func TestRequestLogAtDebug(t *testing.T) {
	var logs strings.Builder
	log := slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	s, err := New(Config{BaseURL: "http://127.0.0.1:1", Logger: log}, testSite(t))
	if err != nil {
		t.Fatal(err)
	}
	req := httptest.NewRequest("GET", "/riverside", nil)
	req.RemoteAddr = "192.0.2.7:5555"
	s.ServeHTTP(httptest.NewRecorder(), req)
	out := logs.String()
	for _, want := range []string{"msg=request", "path=/riverside", "status=200", "request_id="} {
		if !strings.Contains(out, want) {
			t.Errorf("log %q lacks %s", out, want)
		}
	}
	if strings.Contains(out, "192.0.2.7") {
		t.Errorf("log %q holds the client's address; nothing personal is logged", out)
	}
	if strings.Contains(out, "request_id= ") || strings.HasSuffix(strings.TrimSpace(out), "request_id=") {
		t.Errorf("log has an empty request_id: %q", out)
	}
}

func TestQuietLoggerSkipsRequestLog(t *testing.T) {
	var logs strings.Builder
	log := slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelInfo}))
	s, err := New(Config{BaseURL: "http://127.0.0.1:1", Logger: log}, testSite(t))
	if err != nil {
		t.Fatal(err)
	}
	s.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/riverside", nil))
	if logs.Len() != 0 {
		t.Errorf("got log %q at info level for a normal request, want none", logs.String())
	}
}

func TestMailtoCRLF(t *testing.T) {
	got := site.MailtoURL("a@b.example", "Hi there", "Line one\nLine two & more")
	want := "mailto:a@b.example?subject=Hi%20there&body=Line%20one%0D%0ALine%20two%20%26%20more"
	if got != want {
		t.Errorf("got %s, want %s", got, want)
	}
}

func TestCloseAtClosesCampaign(t *testing.T) {
	f := testFiles(t)
	f["plain/a-note.yaml"] += "close_at: 2026-03-01T00:00:00Z\n"
	site := campaigntest.Site(t, f)
	before := time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC)
	after := time.Date(2026, 4, 1, 0, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		now    time.Time
		closed bool
	}{{before, false}, {after, true}} {
		s, err := New(Config{BaseURL: "http://127.0.0.1:1", Now: func() time.Time { return tc.now }}, site)
		if err != nil {
			t.Fatal(err)
		}
		b := body(t, get(t, s, "GET", "/plain/a-note", nil))
		if got := strings.Contains(b, "This campaign has ended"); got != tc.closed {
			t.Errorf("now %s: closed banner shown = %v, want %v", tc.now.Format(time.DateOnly), got, tc.closed)
		}
	}
}

// TestPublishAt shows a campaign scheduled with publish_at is treated like a
// draft until then (404, not listed on its organisation's page) and public
// from that moment, and that the snapshot is due for a rebuild at publish_at.
func TestPublishAt(t *testing.T) {
	f := testFiles(t)
	f["plain/a-note.yaml"] += "publish_at: 2026-03-01T09:00:00Z\n"
	site := campaigntest.Site(t, f)
	c := site.Campaign("plain", "a-note")
	before := c.PublishAt.Add(-time.Minute)
	for _, tc := range []struct {
		now    time.Time
		status int
	}{{before, 404}, {c.PublishAt, 200}} {
		s, err := New(Config{BaseURL: "http://127.0.0.1:1", Now: func() time.Time { return tc.now }}, site)
		if err != nil {
			t.Fatal(err)
		}
		if got := get(t, s, "GET", "/plain/a-note", nil).StatusCode; got != tc.status {
			t.Errorf("now %s: GET /plain/a-note got %d, want %d", tc.now.Format(time.RFC3339), got, tc.status)
		}
		listed := strings.Contains(body(t, get(t, s, "GET", "/plain", nil)), `href="/plain/a-note"`)
		if want := tc.status == 200; listed != want {
			t.Errorf("now %s: listed on /plain = %v, want %v", tc.now.Format(time.RFC3339), listed, want)
		}
	}
	if got := nextChange(site, before); !got.Equal(c.PublishAt) {
		t.Errorf("next rebuild: got %s, want publish_at %s", got, c.PublishAt)
	}
	if got := nextChange(site, c.PublishAt); !got.IsZero() {
		t.Errorf("next rebuild after publish_at: got %s, want none", got)
	}
}

// TestRedirects shows org.yaml's redirects answer a renamed campaign's old
// address, and its thank-you address, with a 301 to the new one (query kept),
// while an old name pointing at a draft stays a plain 404.
func TestRedirects(t *testing.T) {
	f := testFiles(t)
	f["riverside/org.yaml"] += "redirects:\n  old-library: save-the-library\n  old-plan: secret-plan\n"
	s, err := New(Config{BaseURL: "http://127.0.0.1:1"}, campaigntest.Site(t, f))
	if err != nil {
		t.Fatal(err)
	}
	for path, want := range map[string]string{
		"/riverside/old-library":                       "/riverside/save-the-library",
		"/riverside/old-library?region=North":          "/riverside/save-the-library?region=North",
		"/riverside/old-library/thanks?outcome=signed": "/riverside/save-the-library/thanks?outcome=signed",
	} {
		res := get(t, s, "GET", path, nil)
		if res.StatusCode != http.StatusMovedPermanently {
			t.Errorf("GET %s: got %d, want 301", path, res.StatusCode)
		}
		if got := res.Header.Get("Location"); got != want {
			t.Errorf("GET %s: Location got %q, want %q", path, got, want)
		}
	}
	// An address with a query may carry a signer's personal key or claim:
	// its redirect is kept by no cache and sends no Referer on; one
	// without a query is cached for an hour.
	for path, want := range map[string]string{
		"/riverside/old-library":                               "public, max-age=3600",
		"/riverside/old-library/thanks?outcome=signed&claim=c": "no-store",
		"/riverside/old-library?ref=r":                         "no-store",
	} {
		res := get(t, s, "GET", path, nil)
		if got := res.Header.Get("Cache-Control"); got != want {
			t.Errorf("GET %s: Cache-Control %q, want %q", path, got, want)
		}
		if want == "no-store" && res.Header.Get("Referrer-Policy") != "no-referrer" {
			t.Errorf("GET %s: Referrer-Policy %q, want no-referrer", path, res.Header.Get("Referrer-Policy"))
		}
	}
	if got := get(t, s, "GET", "/riverside/old-plan", nil).StatusCode; got != 404 {
		t.Errorf("GET an old name of a draft: got %d, want 404", got)
	}
	if got := get(t, s, "GET", "/plain/old-library", nil).StatusCode; got != 404 {
		t.Errorf("GET another organisation's old name: got %d, want 404", got)
	}
}

// TestPreview shows drafts and not-yet-published campaigns are served only
// with ?preview= the configured key, marked noindex and no-store, and that
// without a key, with a wrong one, or with a short one there is no preview.
func TestPreview(t *testing.T) {
	const key = "0123456789abcdef-preview"
	f := testFiles(t)
	f["plain/a-note.yaml"] += "publish_at: 2199-01-01T00:00:00Z\n"
	site := campaigntest.Site(t, f)
	if _, err := New(Config{BaseURL: "http://127.0.0.1:1", PreviewKey: "short"}, site); err == nil {
		t.Errorf("a 5-character preview key was accepted, want an error")
	}
	none, err := New(Config{BaseURL: "http://127.0.0.1:1"}, site)
	if err != nil {
		t.Fatal(err)
	}
	s, err := New(Config{BaseURL: "http://127.0.0.1:1", PreviewKey: key}, site)
	if err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{"/riverside/secret-plan", "/plain/a-note"} {
		for _, tc := range []struct {
			name string
			srv  *Server
			url  string
		}{
			{"no key configured", none, path + "?preview=" + key},
			{"no ?preview", s, path},
			{"wrong key", s, path + "?preview=" + key[:len(key)-1] + "X"},
			{"key prefix", s, path + "?preview=" + key[:16]},
		} {
			if got := get(t, tc.srv, "GET", tc.url, nil).StatusCode; got != 404 {
				t.Errorf("%s: GET %s got %d, want 404", tc.name, tc.url, got)
			}
		}
		res := get(t, s, "GET", path+"?preview="+key, nil)
		if res.StatusCode != 200 {
			t.Fatalf("GET %s with the key: got %d, want 200", path, res.StatusCode)
		}
		for h, want := range map[string]string{"X-Robots-Tag": "noindex", "Cache-Control": "no-store"} {
			if got := res.Header.Get(h); got != want {
				t.Errorf("%s preview: %s got %q, want %q", path, h, got, want)
			}
		}
		d := doc(t, res)
		if got, _ := d.Find(`meta[name="robots"]`).Attr("content"); !strings.Contains(got, "noindex") {
			t.Errorf("%s preview: robots meta got %q, want noindex", path, got)
		}
		if got := d.Find(".preview-banner").Text(); !strings.Contains(got, "Preview — not public") {
			t.Errorf("%s preview banner: got %q, want it to say Preview — not public", path, got)
		}
		if d.Find("form[action$='/sign']").Length() != 0 {
			t.Errorf("%s preview has a signing form, want none", path)
		}
	}
	for _, org := range []string{"/riverside", "/plain"} {
		if b := body(t, get(t, s, "GET", org, nil)); strings.Contains(b, "secret-plan") || strings.Contains(b, "a-note") {
			t.Errorf("GET %s lists a campaign that is not public yet", org)
		}
	}
}

// TestSetSiteWhileServing swaps snapshots while requests run; under -race it
// proves readers never see a half-built snapshot.
func TestSetSiteWhileServing(t *testing.T) {
	s := newTestServer(t)
	site := testSite(t)
	done := make(chan struct{})
	go func() {
		defer close(done)
		for i := 0; i < 5; i++ {
			if err := s.SetSite(site); err != nil {
				t.Error(err)
			}
		}
	}()
	for i := 0; i < 200; i++ {
		if res := get(t, s, "GET", "/riverside/save-the-library", nil); res.StatusCode != 200 {
			t.Fatalf("got %d during a reload, want 200", res.StatusCode)
		}
	}
	<-done
}

// benchServe serves req through h once per benchmark iteration, reporting
// allocations, and fails on any status but 200. The response body is
// discarded; only the handler's work is measured. It returns the last
// response's header.
func benchServe(b *testing.B, h http.Handler, req *http.Request) http.Header {
	b.Helper()
	w := &discardWriter{h: http.Header{}}
	b.ReportAllocs()
	for b.Loop() {
		clear(w.h)
		h.ServeHTTP(w, req)
		if w.code != 200 {
			b.Fatalf("got %d", w.code)
		}
	}
	return w.h
}
