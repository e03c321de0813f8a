package web

import (
	"context"
	"crypto/sha512"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"github.com/placard/placard/internal/campaign"
	"github.com/placard/placard/internal/campaign/campaigntest"
	"github.com/placard/placard/internal/formtoken"
	"github.com/placard/placard/internal/site"
	"github.com/placard/placard/internal/store"
	"github.com/placard/placard/internal/store/sqlite"
)

const (
	partner      = "https://partner.example"
	localPartner = "http://127.0.0.1:9"
	libraryEmbed = libraryPage + "/embed"
)

// embedFiles is signFiles with Riverside allowing two partner sites to
// frame its campaigns; Plain Org allows none.
func embedFiles(t testing.TB) campaigntest.Files {
	t.Helper()
	f := signFiles(t)
	f["riverside/org.yaml"] += "embed_origins: [" + partner + ", " + localPartner + "]\n" +
		"redirects: {old-library: save-the-library}\n"
	return f
}

// embedSite is embedFiles loaded.
func embedSite(t testing.TB) *campaign.Site {
	t.Helper()
	return campaigntest.Site(t, embedFiles(t))
}

// newEmbedEnv is newSignEnv on embedSite.
func newEmbedEnv(t *testing.T, mod func(*Config)) *signEnv {
	t.Helper()
	st := openSQLite(t)
	c := &clock{t: time.Date(2026, 2, 20, 12, 0, 0, 0, time.UTC)}
	committer := store.NewCommitter(st, store.CommitterOptions{})
	t.Cleanup(func() { committer.Close() })
	cfg := Config{BaseURL: "https://act.example.org", SiteName: "Act", Store: st, Recorder: committer, RateLimit: -1, Now: c.now}
	if mod != nil {
		mod(&cfg)
	}
	s, err := New(cfg, embedSite(t))
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return &signEnv{s: s, st: st, clock: c}
}

// wantFramedBy checks that res may be framed by exactly origins: CSP
// frame-ancestors lists them and X-Frame-Options is absent.
func wantFramedBy(t *testing.T, res *http.Response, origins ...string) {
	t.Helper()
	csp := res.Header.Get("Content-Security-Policy")
	want := "frame-ancestors " + strings.Join(origins, " ")
	if !strings.Contains(csp, want+";") && !strings.HasSuffix(csp, want) {
		t.Errorf("%s: Content-Security-Policy %q, want %q", res.Request.URL, csp, want)
	}
	if xfo := res.Header.Get("X-Frame-Options"); xfo != "" {
		t.Errorf("%s: X-Frame-Options %q, want none on an embed (frame-ancestors decides)", res.Request.URL, xfo)
	}
}

// wantNotFramed checks that res may not be framed by anyone.
func wantNotFramed(t *testing.T, res *http.Response) {
	t.Helper()
	if csp := res.Header.Get("Content-Security-Policy"); !strings.HasSuffix(csp, "frame-ancestors 'none'") {
		t.Errorf("%s: Content-Security-Policy %q, want frame-ancestors 'none'", res.Request.URL, csp)
	}
	if xfo := res.Header.Get("X-Frame-Options"); xfo != "DENY" {
		t.Errorf("%s: X-Frame-Options %q, want DENY", res.Request.URL, xfo)
	}
}

// TestEmbedPage: the embed of a live petition is framed only by the
// listed origins and shows the petition's tally and a form posting to the
// embed's own sign address, with every link opening a new tab; every other
// route still refuses framing.
func TestEmbedPage(t *testing.T) {
	e := newEmbedEnv(t, nil)
	res := get(t, e.s, "GET", libraryEmbed, nil)
	wantStatus(t, res, 200)
	wantFramedBy(t, res, partner, localPartner)
	d := doc(t, res)
	if got := d.Find("html").AttrOr("data-embed-origins", ""); got != partner+" "+localPartner {
		t.Errorf("data-embed-origins = %q, want %q", got, partner+" "+localPartner)
	}
	if got := d.Find("h1").Text(); !strings.Contains(got, "Save the library") {
		t.Errorf("h1 = %q, want the campaign title", got)
	}
	form := d.Find("form.sign-form")
	if form.Length() != 1 || form.AttrOr("action", "") != libraryPage+"/embed/sign?lang=en" || form.AttrOr("method", "") != "post" {
		t.Fatalf("embed form: %d forms, action %q; want one POST form to %s/embed/sign?lang=en", form.Length(), form.AttrOr("action", ""), libraryPage)
	}
	if tok := form.Find("input[name=token]").AttrOr("value", ""); tok == "" || tok == formtoken.Placeholder {
		t.Errorf("embed form token = %q, want a fresh token", tok)
	}
	if d.Find(".tally .tally-count").Length() != 1 {
		t.Errorf("embed has no tally count")
	}
	if d.Find(`script[src^="/static/embed-frame."]`).Length() != 1 {
		t.Errorf("embed does not load the resize script")
	}
	if d.Find("header, footer, nav").Length() != 0 {
		t.Errorf("embed has the site's header, footer or navigation; want the call to action alone")
	}
	n := 0
	d.Find("a[href]").Each(func(_ int, a *goquery.Selection) {
		href := a.AttrOr("href", "")
		if strings.HasPrefix(href, "#") {
			return
		}
		n++
		if a.AttrOr("target", "") != "_blank" || a.AttrOr("rel", "") != "noopener" {
			t.Errorf("link %q: target %q rel %q, want _blank and noopener", href, a.AttrOr("target", ""), a.AttrOr("rel", ""))
		}
	})
	if n < 3 { // title, privacy policy in the form, full campaign, privacy policy
		t.Errorf("embed has %d links, want the title, the privacy policy and the full campaign", n)
	}

	for _, p := range []string{"/", "/riverside", libraryPage, libraryPage + "/thanks?outcome=signed", "/sitemap.xml", "/riverside/feed.atom"} {
		wantNotFramed(t, get(t, e.s, "GET", p, nil))
	}
}

// TestEmbedOff: a campaign whose organisation lists no embed_origins has
// no embed: the address says why (403) and cannot be framed; unknown
// campaigns are 404.
func TestEmbedOff(t *testing.T) {
	e := newEmbedEnv(t, nil)
	res := get(t, e.s, "GET", "/plain/a-note/embed", nil)
	wantStatus(t, res, 403)
	wantNotFramed(t, res)
	if b := body(t, res); !strings.Contains(b, "embed_origins") || !strings.Contains(b, "cannot be shown inside other sites") {
		t.Errorf("403 page does not say embedding is off and how to turn it on:\n%s", b)
	}
	for _, p := range []string{"/riverside/no-such/embed", "/riverside/secret-plan/embed", "/plain/a-note/embed/thanks?outcome=signed"} {
		wantStatus(t, get(t, e.s, "GET", p, nil), 404)
	}
	if _, err := e.s.EmbedSnippet("plain", "a-note", ""); err == nil || !strings.Contains(err.Error(), "embed_origins") {
		t.Errorf("EmbedSnippet for an organisation without embed_origins: got %v, want an error naming embed_origins", err)
	}
}

// TestEmbedSign: a signature from the embed's form is recorded and lands
// on the embed's own thank-you page (framed like the embed, keeping a
// listed ?origin=); a form with problems comes back inside the frame; the
// embed's tally follows the store.
func TestEmbedSign(t *testing.T) {
	e := newEmbedEnv(t, nil)
	v := e.formValues(t, libraryEmbed, "petition-form")
	e.clock.add(5 * time.Second)

	bad := url.Values{}
	for k, vs := range v {
		bad[k] = vs
	}
	bad.Set("email", "not an email")
	res := e.post(t, libraryPage+"/embed/sign", bad, nil)
	wantStatus(t, res, 422)
	wantFramedBy(t, res, partner, localPartner)
	d := doc(t, res)
	if d.Find(".error-summary").Length() != 1 || d.Find("form.sign-form").AttrOr("action", "") != libraryPage+"/embed/sign?lang=en" {
		t.Errorf("422 inside the embed: want the error summary and a form posting to the embed again")
	}
	if d.Find("header.site-header").Length() != 0 {
		t.Errorf("422 inside the embed has the site header; want the embed's own page")
	}

	res = e.post(t, libraryPage+"/embed/sign?origin="+url.QueryEscape(localPartner), v, nil)
	wantStatus(t, res, 303)
	wantHeader(t, res, "Location", libraryPage+"/embed/thanks?outcome=signed&origin="+url.QueryEscape(localPartner))
	if c := e.count(t, "riverside", "save-the-library"); c.Signatures != 1 {
		t.Errorf("signatures after signing in the embed: got %d, want 1", c.Signatures)
	}
	res = get(t, e.s, "GET", libraryPage+"/embed/thanks?outcome=signed", nil)
	wantStatus(t, res, 200)
	wantFramedBy(t, res, partner, localPartner)
	if b := body(t, res); !strings.Contains(b, "your signature counted") {
		t.Errorf("embed thank-you page does not say the signature counted")
	}

	// The same email again: answered as a first signature (no claim in
	// the embed, as for a first), still inside the frame; an origin that
	// is not listed is not carried.
	v.Set("token", e.formValues(t, libraryEmbed, "petition-form").Get("token"))
	e.clock.add(5 * time.Second)
	res = e.post(t, libraryPage+"/embed/sign?origin="+url.QueryEscape("https://evil.example"), v, nil)
	wantStatus(t, res, 303)
	wantHeader(t, res, "Location", libraryPage+"/embed/thanks?outcome=signed")

	// A cross-site POST is refused here as on the page, with the refusal
	// shown inside the frame.
	res = e.post(t, libraryPage+"/embed/sign", v, http.Header{"Sec-Fetch-Site": {"cross-site"}, "Origin": {partner}})
	wantStatus(t, res, 403)
	wantFramedBy(t, res, partner, localPartner)
	res = e.post(t, libraryPage+"/sign", v, http.Header{"Sec-Fetch-Site": {"cross-site"}, "Origin": {partner}})
	wantStatus(t, res, 403)
	wantNotFramed(t, res)

	e.poll(t)
	d = doc(t, get(t, e.s, "GET", libraryEmbed, nil))
	if got := d.Find(".tally-count").Text(); !strings.Contains(got, "1 person has signed") {
		t.Errorf("embed tally after one signature = %q, want 1 person has signed", got)
	}

	// The normal form still goes to the normal thank-you page.
	v2 := e.formValues(t, libraryPage, "petition-form")
	v2.Set("email", "grace@example.org")
	e.clock.add(5 * time.Second)
	res = e.post(t, libraryPage+"/sign", v2, nil)
	// (followed by the new signer's personal-link claim, reach.go)
	if loc := res.Header.Get("Location"); !strings.HasPrefix(loc, libraryPage+"/thanks?outcome=signed") {
		t.Errorf("normal form: Location = %q, want the normal thank-you page", loc)
	}
}

// TestEmbedClosedAndLink: a closed petition's embed says signing has
// ended; a campaign that takes no signatures offers a button to its first
// call to action; without a store the petition's embed is such a button.
func TestEmbedClosedAndLink(t *testing.T) {
	f := embedFiles(t)
	f["plain/org.yaml"] += "embed_origins: [" + partner + "]\n"
	s, err := New(Config{BaseURL: "https://act.example.org", SiteName: "Act"}, campaigntest.Site(t, f))
	if err != nil {
		t.Fatal(err)
	}
	d := doc(t, get(t, s, "GET", "/plain/a-note/embed", nil))
	a := d.Find(".embed-action a.btn")
	if a.AttrOr("href", "") != "https://act.example.org/plain/a-note#listen" || a.AttrOr("target", "") != "_blank" {
		t.Errorf("note embed button: href %q target %q, want the listen action in a new tab", a.AttrOr("href", ""), a.AttrOr("target", ""))
	}
	d = doc(t, get(t, s, "GET", libraryEmbed, nil))
	if d.Find("form").Length() != 0 {
		t.Errorf("embed without signing has a form")
	}
	if a := d.Find(".embed-action a.btn"); a.AttrOr("href", "") != "https://act.example.org"+libraryPage+"#petition" {
		t.Errorf("petition embed without signing: button %q, want the campaign's petition", a.AttrOr("href", ""))
	}

	e := newEmbedEnv(t, nil)
	res := get(t, e.s, "GET", "/riverside/old-petition/embed", nil)
	wantStatus(t, res, 200)
	b := body(t, res)
	if !strings.Contains(b, "Signing has ended") || strings.Contains(b, "<form") {
		t.Errorf("closed petition embed: want 'Signing has ended' and no form")
	}
	v := e.formValues(t, libraryEmbed, "petition-form")
	e.clock.add(5 * time.Second)
	res = e.post(t, "/riverside/old-petition/embed/sign", v, nil)
	wantStatus(t, res, 410)
	wantFramedBy(t, res, partner, localPartner)
}

// TestEmbedSnippetAndScript: the snippet frames the embed and loads the
// partner script with an integrity value that matches what the script
// address serves, with CORS allowed so the check can run.
func TestEmbedSnippetAndScript(t *testing.T) {
	e := newEmbedEnv(t, nil)
	snip, err := e.s.EmbedSnippet("riverside", "save-the-library", "HTTPS://Partner.example/")
	if err != nil {
		t.Fatalf("EmbedSnippet: %v", err)
	}
	d, err := goquery.NewDocumentFromReader(strings.NewReader(snip))
	if err != nil {
		t.Fatal(err)
	}
	frame := d.Find("iframe[data-placard-embed]")
	if got, want := frame.AttrOr("src", ""), "https://act.example.org"+libraryEmbed+"?origin="+url.QueryEscape(partner); got != want {
		t.Errorf("snippet iframe src = %q, want %q", got, want)
	}
	if frame.AttrOr("title", "") == "" || !strings.Contains(frame.AttrOr("sandbox", ""), "allow-same-origin") {
		t.Errorf("snippet iframe needs a title and a sandbox keeping its origin (for same-origin signing): %s", snip)
	}
	script := d.Find("script")
	src := script.AttrOr("src", "")
	if !regexp.MustCompile(`^https://act\.example\.org/static/embed-[0-9a-f]{12}\.js$`).MatchString(src) || script.AttrOr("crossorigin", "") != "anonymous" {
		t.Fatalf("snippet script src %q crossorigin %q, want /static/embed-HASH.js, anonymous", src, script.AttrOr("crossorigin", ""))
	}
	res := get(t, e.s, "GET", strings.TrimPrefix(src, "https://act.example.org"), nil)
	wantStatus(t, res, 200)
	wantHeader(t, res, "Access-Control-Allow-Origin", "*")
	js := body(t, res)
	sum := sha512.Sum384([]byte(js))
	if got, want := script.AttrOr("integrity", ""), "sha384-"+base64.StdEncoding.EncodeToString(sum[:]); got != want {
		t.Errorf("snippet integrity %q, want %q (the served script's)", got, want)
	}
	if strings.Contains(res.Header.Get("Cache-Control"), "immutable") == false {
		t.Errorf("partner script Cache-Control %q, want immutable", res.Header.Get("Cache-Control"))
	}
	for _, origin := range []string{"https://evil.example", "partner.example/path"} {
		if _, err := e.s.EmbedSnippet("riverside", "save-the-library", origin); err == nil {
			t.Errorf("EmbedSnippet with origin %q: no error, want one (not listed)", origin)
		}
	}
	if _, err := e.s.EmbedSnippet("riverside", "secret-plan", ""); err == nil {
		t.Errorf("EmbedSnippet for a draft: no error")
	}
}

// TestOEmbed: /oembed describes an embeddable campaign as a rich oEmbed
// answer, refuses other addresses (404) and formats (501), honours
// maxwidth and maxheight, and campaign pages announce it.
func TestOEmbed(t *testing.T) {
	e := newEmbedEnv(t, nil)
	page := "https://act.example.org" + libraryPage
	res := get(t, e.s, "GET", "/oembed?format=json&url="+url.QueryEscape(page), nil)
	wantStatus(t, res, 200)
	wantHeader(t, res, "Content-Type", "application/json; charset=utf-8")
	var o map[string]any
	if err := json.Unmarshal([]byte(body(t, res)), &o); err != nil {
		t.Fatalf("oEmbed answer is not JSON: %v", err)
	}
	for k, want := range map[string]any{"version": "1.0", "type": "rich", "title": "Save the library",
		"provider_name": "Act", "provider_url": "https://act.example.org/", "author_name": "Riverside Coalition",
		"author_url": "https://act.example.org/riverside", "width": float64(site.EmbedWidth), "height": float64(site.EmbedHeightForm)} {
		if o[k] != want {
			t.Errorf("oEmbed %s = %v, want %v", k, o[k], want)
		}
	}
	html, _ := o["html"].(string)
	if !strings.Contains(html, `src="https://act.example.org`+libraryEmbed+`"`) || !strings.Contains(html, `integrity="sha384-`) {
		t.Errorf("oEmbed html %q, want the iframe of the embed and the script with integrity", html)
	}
	if o["thumbnail_url"] == nil || o["thumbnail_width"] == nil || o["thumbnail_height"] == nil {
		t.Errorf("oEmbed has no thumbnail, want the share picture: %v", o)
	}

	res = get(t, e.s, "GET", "/oembed?url="+url.QueryEscape(page)+"&maxwidth=300&maxheight=5000", nil)
	wantStatus(t, res, 200)
	_ = json.Unmarshal([]byte(body(t, res)), &o)
	if o["width"] != float64(300) || o["height"] != float64(site.EmbedHeightForm) {
		t.Errorf("maxwidth=300 maxheight=5000: width %v height %v, want 300 and %d", o["width"], o["height"], site.EmbedHeightForm)
	}

	for _, u := range []string{"https://act.example.org/riverside/nope", "https://other.example" + libraryPage,
		"https://act.example.org/plain/a-note", "https://act.example.org/riverside/secret-plan", "", "::"} {
		wantStatus(t, get(t, e.s, "GET", "/oembed?format=json&url="+url.QueryEscape(u), nil), 404)
	}
	wantStatus(t, get(t, e.s, "GET", "/oembed?format=xml&url="+url.QueryEscape(page), nil), 501)

	d := doc(t, get(t, e.s, "GET", libraryPage, nil))
	link := d.Find(`head link[rel=alternate][type="application/json+oembed"]`)
	if got, want := link.AttrOr("href", ""), "https://act.example.org/oembed?url="+url.QueryEscape(page)+"&format=json"; got != want {
		t.Errorf("oEmbed discovery link %q, want %q", got, want)
	}
	d = doc(t, get(t, e.s, "GET", "/plain/a-note", nil))
	if d.Find(`link[type="application/json+oembed"]`).Length() != 0 {
		t.Errorf("a campaign that cannot be embedded announces oEmbed")
	}
}

// BenchmarkEmbedPage serves a live petition's embed: like BenchmarkLivePage,
// a fresh token spliced into the cached, precompressed page, plus the
// framing headers.
func BenchmarkEmbedPage(b *testing.B) {
	for _, enc := range []string{"gzip", "identity"} {
		b.Run(enc, func(b *testing.B) {
			db, err := sqlite.Open(context.Background(), filepath.Join(b.TempDir(), "placard.db"))
			if err != nil {
				b.Fatal(err)
			}
			defer db.Close()
			s, err := New(Config{BaseURL: "https://act.example.org", Store: db, RateLimit: -1}, embedSite(b))
			if err != nil {
				b.Fatal(err)
			}
			req := httptest.NewRequest("GET", libraryEmbed+"?origin="+url.QueryEscape(partner), nil)
			req.Header.Set("Accept-Encoding", enc)
			h := benchServe(b, s, req)
			n, _ := strconv.Atoi(h.Get("Content-Length"))
			b.ReportMetric(float64(n), "body-bytes")
		})
	}
}

// BenchmarkDiscovery serves the feed, the sitemap and an oEmbed answer
// (the one built per request).
func BenchmarkDiscovery(b *testing.B) {
	s, err := New(Config{BaseURL: "https://act.example.org"}, embedSite(b))
	if err != nil {
		b.Fatal(err)
	}
	for _, p := range []string{"/riverside/feed.atom", "/sitemap.xml", "/oembed?url=" + url.QueryEscape("https://act.example.org"+libraryPage)} {
		b.Run(strings.SplitN(strings.TrimPrefix(p, "/"), "?", 2)[0], func(b *testing.B) {
			req := httptest.NewRequest("GET", p, nil)
			req.Header.Set("Accept-Encoding", "gzip")
			benchServe(b, s, req)
		})
	}
}

// TestEmbedDevSnippet: with --dev the embed shows organisers the snippet
// for the first listed partner; otherwise it never does.
func TestEmbedDevSnippet(t *testing.T) {
	dev, err := New(Config{BaseURL: "https://act.example.org", Dev: true}, embedSite(t))
	if err != nil {
		t.Fatal(err)
	}
	// A dev server answers only requests naming it (dev.go).
	req := httptest.NewRequest("GET", libraryEmbed, nil)
	req.Host = "act.example.org"
	rec := httptest.NewRecorder()
	dev.ServeHTTP(rec, req)
	d := doc(t, rec.Result())
	want, err := dev.EmbedSnippet("riverside", "save-the-library", "")
	if err != nil {
		t.Fatal(err)
	}
	want = strings.Replace(want, libraryEmbed+`"`, libraryEmbed+"?origin="+url.QueryEscape(partner)+`"`, 1)
	if got := d.Find(".embed-dev pre code").Text(); got != want {
		t.Errorf("dev embed snippet:\n%s\nwant\n%s", got, want)
	}
	e := newEmbedEnv(t, nil)
	if b := body(t, get(t, e.s, "GET", libraryEmbed, nil)); strings.Contains(b, "embed-dev") {
		t.Errorf("a production embed shows the organisers' snippet")
	}
}

// TestEmbedLetterRenamedAndPrivate: a letter's embed has its own form and
// addressee; a renamed campaign's old embed address redirects and its old
// page address still finds the oEmbed answer; the embed's tally never
// lists signers' names, even those who chose to be shown on the page.
func TestEmbedLetterRenamedAndPrivate(t *testing.T) {
	e := newEmbedEnv(t, nil)
	d := doc(t, get(t, e.s, "GET", "/riverside/open-letter/embed", nil))
	if f := d.Find("form#letter-form"); f.AttrOr("action", "") != "/riverside/open-letter/embed/sign?lang=en" {
		t.Errorf("letter embed form action %q, want the letter's embed sign address", f.AttrOr("action", ""))
	}
	if got := d.Find(".petition-to").Text(); !strings.Contains(got, "The council") {
		t.Errorf("letter embed addressee %q, want The council", got)
	}

	res := get(t, e.s, "GET", "/riverside/old-library/embed", nil)
	wantStatus(t, res, 301)
	wantHeader(t, res, "Location", libraryEmbed)
	res = get(t, e.s, "GET", "/oembed?url="+url.QueryEscape("https://act.example.org/riverside/old-library"), nil)
	wantStatus(t, res, 200)

	v := e.formValues(t, libraryEmbed, "petition-form")
	v.Set("public", "yes")
	e.clock.add(5 * time.Second)
	wantStatus(t, e.post(t, libraryPage+"/embed/sign", v, nil), 303)
	e.poll(t)
	if b := body(t, get(t, e.s, "GET", libraryPage, nil)); !strings.Contains(b, "Ada Lovelace") {
		t.Fatalf("the campaign page does not list the public signer; the test cannot show the embed leaves them out")
	}
	if b := body(t, get(t, e.s, "GET", libraryEmbed, nil)); strings.Contains(b, "Ada Lovelace") || strings.Contains(b, "Recent signers") {
		t.Errorf("the embed lists signers' names; want the count only")
	}
}
