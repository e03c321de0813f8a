package web

import (
	"bytes"
	"image"
	"image/jpeg"
	"net/url"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"github.com/placard/placard/internal/campaign/campaigntest"
)

// oddNameFiles is an organisation whose files have names organisers'
// computers give them: a space and brackets ("photo (1).jpg", as a second
// download is called), '#', '?' and '%'.
func oddNameFiles(t testing.TB) campaigntest.Files {
	t.Helper()
	var j bytes.Buffer
	if err := jpeg.Encode(&j, image.NewGray(image.Rect(0, 0, 1200, 630)), nil); err != nil {
		t.Fatal(err)
	}
	return campaigntest.Files{
		"civic/org.yaml": "name: Civic\n",
		"civic/hello.yaml": `title: Hello
summary: Say hello.
date: 2026-01-01
image:
  src: "assets/photo (1).jpg"
  alt: A picture
actions:
  - kind: resources
    items:
      - {title: Report, file: "assets/report #2?.pdf"}
      - {title: Figures, file: "assets/50%.pdf"}
`,
		"civic/assets/photo (1).jpg":  j.String(),
		"civic/assets/report #2?.pdf": "%PDF-1.4\n",
		"civic/assets/50%.pdf":        "%PDF-1.4\n",
	}
}

// TestOddFileNamesAreServed: the page wrote an organiser's file address as
// it is, so "photo (1).jpg" split the picture's srcset at its space (every
// copy lost), "report #2?.pdf" linked to "report " ('#' starts the
// fragment) and "50%.pdf" to a broken escape, which the server refuses:
// the check passed and readers got broken pictures and links. Each
// address a page names must now reach its file.
func TestOddFileNamesAreServed(t *testing.T) {
	s, err := New(Config{BaseURL: "https://act.example.org/", SiteName: "Act"}, campaigntest.Site(t, oddNameFiles(t)))
	if err != nil {
		t.Fatal(err)
	}
	res := get(t, s, "GET", "/civic/hello", nil)
	wantStatus(t, res, 200)
	d := doc(t, res)
	var urls []string
	img := d.Find(`img[src*="/static/civic/assets/photo"]`)
	if img.Length() != 1 {
		t.Fatalf("the page has %d pictures of photo (1).jpg, want 1", img.Length())
	}
	urls = append(urls, img.AttrOr("src", ""))
	srcset := img.AttrOr("srcset", "")
	cands := strings.Split(srcset, ", ")
	if len(cands) != 3 {
		t.Errorf("srcset %q: %d candidates, want 3 (two copies and the original)", srcset, len(cands))
	}
	for _, c := range cands {
		f := strings.Fields(c)
		if len(f) != 2 || !strings.HasSuffix(f[1], "w") {
			t.Errorf("srcset candidate %q is not one address and one width", c)
			continue
		}
		urls = append(urls, f[0])
	}
	d.Find(`a[href*="/static/civic/assets/"]`).Each(func(_ int, a *goquery.Selection) {
		urls = append(urls, a.AttrOr("href", ""))
	})
	if len(urls) < 6 {
		t.Errorf("the page names %d of the organisation's files (%q), want the picture, its two copies and both reports", len(urls), urls)
	}
	for _, raw := range urls {
		// As a browser reads the address: a fragment is not sent.
		u, err := url.Parse(raw)
		if err != nil {
			t.Errorf("%q is not an address: %v", raw, err)
			continue
		}
		u.Fragment = ""
		res := get(t, s, "GET", u.RequestURI(), nil)
		if res.StatusCode != 200 {
			t.Errorf("GET %q (named %q on the page): %d, want 200", u.RequestURI(), raw, res.StatusCode)
		}
	}
}
