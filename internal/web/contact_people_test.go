package web

import (
	"bytes"
	"image"
	"image/jpeg"
	"net/http"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"github.com/placard/placard/internal/campaign/campaigntest"
	"github.com/placard/placard/internal/i18n"
)

// photoJPEG is a w×h JPEG, for a decision-maker's photo.
func photoJPEG(w, h int) []byte {
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, image.NewGray(image.Rect(0, 0, w, h)), nil); err != nil {
		panic(err)
	}
	return buf.Bytes()
}

// wantTargetPeople checks the targets of a page in lang: Salma's photo is
// this site's own file, sized, with its smaller copy and alt text in the
// language; both targets show their party and postal address, labelled in
// the language and isolated; Yael, without a photo, has none. It returns
// the photo's addresses.
func wantTargetPeople(t *testing.T, where, lang string, d *goquery.Document) []string {
	t.Helper()
	l := i18n.New(lang, nil)
	d.Find("img").Each(func(_ int, img *goquery.Selection) {
		for _, a := range []string{"src", "srcset"} {
			if v := img.AttrOr(a, ""); strings.Contains(v, "//") {
				t.Errorf("%s: an img's %s %q names another origin", where, a, v)
			}
		}
	})
	photos := d.Find("img.target-photo")
	if photos.Length() != 1 {
		t.Fatalf("%s: %d target photos, want Salma's only", where, photos.Length())
	}
	img := photos.First()
	if alt := img.AttrOr("alt", ""); alt != l.T("contact.target.photo", "name", "Salma Haddad") {
		t.Errorf("%s: the photo's alt %q, want %q", where, alt, l.T("contact.target.photo", "name", "Salma Haddad"))
	}
	if img.AttrOr("width", "") != "600" || img.AttrOr("height", "") != "750" || img.AttrOr("loading", "") != "lazy" {
		t.Errorf("%s: the photo is %s×%s loading %q, want 600×750 lazy", where, img.AttrOr("width", ""), img.AttrOr("height", ""), img.AttrOr("loading", ""))
	}
	src := img.AttrOr("src", "")
	if !strings.HasPrefix(src, "/static/shore/assets/salma.") {
		t.Errorf("%s: the photo's src %q, want the organisation's own file", where, src)
	}
	cands := srcset(t, img.AttrOr("srcset", ""))
	if len(cands) != 2 || cands[src] != "600w" || img.AttrOr("sizes", "") != "min(77px, 100vw)" {
		t.Errorf("%s: srcset %v sizes %q, want the 480 px copy and the original at 600w, sizes min(77px, 100vw) (6rem tall)", where, cands, img.AttrOr("sizes", ""))
	}
	if !img.Closest("li.target").Is(":has(.target-name:contains('Salma Haddad'))") {
		t.Errorf("%s: the photo is not in Salma's entry", where)
	}
	for _, c := range []struct{ class, label, value string }{
		{".target-party", l.T("contact.target.party"), "Harbour Labour"},
		{".target-party", l.T("contact.target.party"), "حزب الشاطئ"},
		{".target-address", l.T("contact.target.address"), "Town Hall, Room 4, Port Aldren"},
		{".target-address", l.T("contact.target.address"), "בית העירייה, חדר 7"},
	} {
		found := false
		d.Find(c.class).Each(func(_ int, s *goquery.Selection) {
			if s.Find("bdi").Text() == c.value {
				found = true
				if !strings.HasPrefix(s.Text(), c.label+" ") {
					t.Errorf("%s: %q is labelled %q, want %q", where, c.value, s.Text(), c.label)
				}
			}
		})
		if !found {
			t.Errorf("%s: no %s with <bdi>%s</bdi>", where, c.class, c.value)
		}
	}
	out := []string{}
	for u := range cands {
		out = append(out, u)
	}
	return out
}

// TestContactShowsPhotoPartyAddress: a targets file's photo, party and
// postal address reach the campaign page's contact action and the action's
// own page, in English, Arabic and Hebrew, and the photo and its copy are
// served from the site. They were read from the file and never shown.
func TestContactShowsPhotoPartyAddress(t *testing.T) {
	s, err := New(Config{BaseURL: "https://act.example.org", SiteName: "Act", Store: openSQLite(t), RateLimit: -1},
		campaigntest.Site(t, shoreCallFiles()))
	if err != nil {
		t.Fatal(err)
	}
	for _, lang := range []string{"en", "ar", "he"} {
		base := "/shore/call"
		if lang != "en" {
			base += "/" + lang
		}
		for _, p := range []string{base, base + "/contact/call"} {
			res := get(t, s, "GET", p, nil)
			wantStatus(t, res, http.StatusOK)
			for _, u := range wantTargetPeople(t, p, lang, doc(t, res)) {
				res := get(t, s, "GET", u, nil)
				wantStatus(t, res, http.StatusOK)
				wantHeader(t, res, "Content-Type", "image/jpeg")
			}
		}
	}
}

// TestStaticExportShowsPhotoPartyAddress: the static copy (placard build)
// of the campaign shows the same photo, party and address, and holds the
// photo and its copy among its files.
func TestStaticExportShowsPhotoPartyAddress(t *testing.T) {
	s, err := New(Config{BaseURL: "https://act.example.org", SiteName: "Act", FormOrigin: "https://forms.example.org"},
		campaigntest.Site(t, shoreCallFiles()))
	if err != nil {
		t.Fatal(err)
	}
	files := map[string][]byte{}
	if err := s.Export(func(p string, _ http.Header, body []byte) error {
		files[p] = body
		return nil
	}); err != nil {
		t.Fatalf("Export: %v", err)
	}
	for _, lang := range []string{"en", "ar", "he"} {
		p := "/shore/call"
		if lang != "en" {
			p += "/" + lang
		}
		page, ok := files[p]
		if !ok {
			t.Fatalf("the export has no %s", p)
		}
		d, err := goquery.NewDocumentFromReader(bytes.NewReader(page))
		if err != nil {
			t.Fatal(err)
		}
		for _, u := range wantTargetPeople(t, "export "+p, lang, d) {
			if _, ok := files[u]; !ok {
				t.Errorf("the export lacks the photo file %s", u)
			}
		}
	}
}
