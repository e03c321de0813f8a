package views

import (
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
	"github.com/placard/placard/internal/browsertest"
)

func posterFixture() PosterPageProps {
	p := testPage("Poster: Save the library — Riverside Coalition", "/riverside/save-the-library")
	p.Noindex = true
	return PosterPageProps{
		Page:                p,
		PosterStylesheetURL: "/static/poster.5d6e7f80.css",
		OrgName:             "Riverside Coalition",
		Logo:                &Img{URL: "/static/riverside/logo.1a2b3c.svg", Width: 48, Height: 48},
		Title:               "Save the library",
		Summary:             "The council votes on 3 March. Here is how you can help in ten minutes.",
		QR:                  Img{URL: "/riverside/save-the-library/qr.svg", Alt: "QR code: scan it to open act.example.org/riverside/save-the-library"},
		ShortURL:            "act.example.org/riverside/save-the-library",
		CampaignURL:         "/riverside/save-the-library",
	}
}

// posterRTLFixture is an Arabic poster: the page reads right to left, the
// address stays left to right.
func posterRTLFixture() PosterPageProps {
	p := posterFixture()
	p.Page.Lang, p.Page.Dir = "ar", "rtl"
	p.Title = "أنقذوا المكتبة"
	p.Summary = "يصوّت المجلس في ٣ مارس."
	p.OrgName = "تحالف ريفرسايد"
	return p
}

func parsePoster(t *testing.T, p PosterPageProps) *goquery.Document {
	t.Helper()
	d, err := goquery.NewDocumentFromReader(strings.NewReader(render(t, PosterPage(p))))
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// TestPosterPage checks the poster's parts and what it leaves out: one h1,
// the QR image with its alt text, the address in its own left-to-right
// span, the organisation with a decorative logo, both stylesheets in order,
// the theme written byte for byte (the CSP hashes it), noindex and the
// canonical campaign address, and no site header, navigation, footer,
// form or script.
func TestPosterPage(t *testing.T) {
	for name, p := range map[string]PosterPageProps{"ltr": posterFixture(), "rtl": posterRTLFixture()} {
		t.Run(name, func(t *testing.T) {
			d := parsePoster(t, p)
			wantAttr(t, d.Find("html"), "lang", p.Page.Lang)
			wantAttr(t, d.Find("html"), "dir", p.Page.Dir)
			if got := text(wantCount(t, d, "h1", 1)); got != p.Title {
				t.Errorf("h1 %q, want %q", got, p.Title)
			}
			wantAttr(t, wantCount(t, d, "main#main", 1), "id", "main")
			qr := wantCount(t, d, "img.poster-qr", 1)
			wantAttr(t, qr, "src", p.QR.URL)
			wantAttr(t, qr, "alt", p.QR.Alt)
			url := wantCount(t, d, ".poster-url-text", 1)
			wantAttr(t, url, "dir", "ltr")
			if got := text(url); got != p.ShortURL {
				t.Errorf("address %q, want %q", got, p.ShortURL)
			}
			if got := text(d.Find(".poster-org")); got != p.OrgName {
				t.Errorf("organisation %q, want %q", got, p.OrgName)
			}
			wantAttr(t, d.Find(".poster-org img"), "alt", "")
			sheets := d.Find(`link[rel="stylesheet"]`)
			if sheets.Length() != 2 || sheets.Eq(0).AttrOr("href", "") != p.Page.StylesheetURL || sheets.Eq(1).AttrOr("href", "") != p.PosterStylesheetURL {
				t.Errorf("stylesheets %d, want the site's then the poster's", sheets.Length())
			}
			if !strings.Contains(render(t, PosterPage(p)), "<style>"+p.Page.ThemeCSS+"</style>") {
				t.Errorf("theme not written byte for byte")
			}
			wantAttr(t, d.Find(`meta[name="robots"]`), "content", "noindex")
			wantAttr(t, d.Find(`link[rel="canonical"]`), "href", p.Page.CanonicalURL)
			wantAttr(t, d.Find(`.poster-note a`), "href", p.CampaignURL)
			if n := d.Find("nav, footer, form, script, .site-header, [style]").Length(); n != 0 {
				t.Errorf("%d nav, footer, form, script, header or style attributes, want none", n)
			}
		})
	}
}

// TestPosterNuHTMLChecker validates both poster fixtures with the Nu HTML
// Checker; skipped without Java and vnu.jar, except under CI=true.
func TestPosterNuHTMLChecker(t *testing.T) {
	java, jar := browsertest.Java(t), browsertest.VNU(t)
	dir := t.TempDir()
	var files []string
	for name, p := range map[string]PosterPageProps{"ltr": posterFixture(), "rtl": posterRTLFixture()} {
		f := filepath.Join(dir, "poster-"+name+".html")
		if err := os.WriteFile(f, []byte(render(t, PosterPage(p))), 0o644); err != nil {
			t.Fatal(err)
		}
		files = append(files, f)
	}
	out, err := exec.Command(java, append([]string{"-jar", jar, "--errors-only", "--format", "gnu"}, files...)...).CombinedOutput()
	if err != nil || len(strings.TrimSpace(string(out))) > 0 {
		t.Errorf("Nu checker: %v\n%s", err, out)
	}
}

// TestPosterAddressBreaks: the address is written with a <wbr> after each
// "/", "-" and "." and nothing else between its parts, escaped.
func TestPosterAddressBreaks(t *testing.T) {
	if got, want := strings.Join(urlParts("act.example.org/riverside/save-the-library"), "|"), "act.|example.|org/|riverside/|save-|the-|library"; got != want {
		t.Errorf("urlParts %q, want %q", got, want)
	}
	if got := urlParts(""); len(got) != 0 {
		t.Errorf("urlParts of nothing: %q", got)
	}
	p := posterFixture()
	p.ShortURL = "a<b.example/x-y"
	out := render(t, PosterPage(p))
	if want := `dir="ltr">a&lt;b.<wbr>example/<wbr>x-<wbr>y</span>`; !strings.Contains(out, want) {
		t.Errorf("address written as %q, want %q", out[strings.Index(out, `class="poster-url-text`):], want)
	}
	d := parsePoster(t, p)
	if got := d.Find(".poster-url-text").Text(); got != p.ShortURL {
		t.Errorf("address text %q, want %q", got, p.ShortURL)
	}
}

// TestPosterFit: a longer text never gets a larger size; short texts get
// the largest, a 150-character title and a 100-character address smaller
// ones, and only an address with a part too long for any line may break
// inside a word.
func TestPosterFit(t *testing.T) {
	fit := func(class string) int { n, _ := strconv.Atoi(strings.TrimPrefix(class, "fit-")); return n }
	for name, spec := range map[string]fitSpec{"title": posterTitleFit, "summary": posterSummaryFit, "action": posterActionFit} {
		last := 0
		for n := 1; n <= 600; n++ {
			got := fit(textFit(spec, strings.Repeat("word ", n/5)+strings.Repeat("x", n%5)))
			if got < last {
				t.Errorf("%s of %d characters is fit-%d, larger than a shorter one's fit-%d", name, n, got, last)
			}
			last = got
		}
		if last != len(spec.sizes)-1 {
			t.Errorf("%s of 600 characters is fit-%d, want the smallest, fit-%d", name, last, len(spec.sizes)-1)
		}
	}
	if got := textFit(posterTitleFit, "Save the library"); got != "fit-0" {
		t.Errorf("short title %s, want fit-0", got)
	}
	long := "Tell Riverside County Council to keep the Eastfield library, the swimming pool and the community centre open every evening through the whole of winter"
	if got := fit(textFit(posterTitleFit, long)); got < 2 {
		t.Errorf("150-character title fit-%d, want a smaller size", got)
	}
	addr := "act.example.org/riverside-and-district-neighbourhood-coalition/keep-eastfield-library-open-late"
	if got := fit(urlFit(addr)); got < 2 || urlUnbreakable(addr) {
		t.Errorf("100-character address fit-%d (unbreakable %v), want a smaller size that breaks at / - .", got, urlUnbreakable(addr))
	}
	if got := posterURLClass("act.example.org/" + strings.Repeat("x", 100)); !strings.Contains(got, "poster-url-unbreakable") {
		t.Errorf("address with a 100-character part has class %q, want poster-url-unbreakable", got)
	}
}

// TestPosterAction: the action is shown above the code, and a poster
// without one shows none.
func TestPosterAction(t *testing.T) {
	p := posterFixture()
	p.Action = "Sign the petition"
	if got := text(wantCount(t, parsePoster(t, p), ".poster-scan .poster-action", 1)); got != p.Action {
		t.Errorf("action %q, want %q", got, p.Action)
	}
	p.Action = ""
	wantCount(t, parsePoster(t, p), ".poster-action", 0)
}
