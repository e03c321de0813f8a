package views

import (
	"testing"

	"github.com/placard/placard/internal/i18n"
)

// TestLanguageFrame: a page with alternates has hreflang links (with
// x-default), og:locale:alternate for the others, and a switcher of plain
// links, each in its own language and direction; a suggestion notice is
// written in the suggested language; the Localizer puts every interface
// string in the page's language. A page without alternates has none of it.
func TestLanguageFrame(t *testing.T) {
	p := sectionsFixture()
	p.Page.Lang, p.Page.Dir, p.Page.L = "ar", "rtl", i18n.New("ar", nil)
	p.Page.Alternates = []Alternate{
		{Lang: "en", Name: "English", URL: "https://act.example.org/riverside/save-the-library", Path: "/riverside/save-the-library", Dir: "ltr"},
		{Lang: "ar", Name: "العربية", URL: "https://act.example.org/riverside/save-the-library/ar", Path: "/riverside/save-the-library/ar", Dir: "rtl", Current: true},
	}
	p.Page.XDefaultURL = "https://act.example.org/riverside/save-the-library"
	p.Page.Suggest = &Suggestion{Lang: "en", Dir: "ltr", Path: "/riverside/save-the-library", Text: "This page is also in English."}
	doc, _ := parse(t, CampaignPage(p))

	if got := doc.Find(`link[hreflang="x-default"]`).AttrOr("href", ""); got != p.Page.XDefaultURL {
		t.Errorf("x-default = %q, want %q", got, p.Page.XDefaultURL)
	}
	if n := doc.Find(`link[rel=alternate][hreflang]`).Length(); n != 3 {
		t.Errorf("got %d hreflang links, want 3 (en, ar, x-default)", n)
	}
	if got := doc.Find(`meta[property="og:locale:alternate"]`).AttrOr("content", ""); got != "en_GB" {
		t.Errorf("og:locale:alternate = %q, want en_GB", got)
	}
	cur := doc.Find(`.lang-switch a[aria-current=page]`)
	if cur.Length() != 1 || cur.AttrOr("lang", "") != "ar" || cur.AttrOr("dir", "") != "rtl" {
		t.Errorf("current switcher link: %d, lang %q, dir %q; want one, ar, rtl", cur.Length(), cur.AttrOr("lang", ""), cur.AttrOr("dir", ""))
	}
	if got := doc.Find(`.lang-switch a[hreflang=en]`).AttrOr("href", ""); got != "/riverside/save-the-library" {
		t.Errorf("English switcher link = %q", got)
	}
	if got := doc.Find(".lang-switch").AttrOr("aria-label", ""); got != "اللغات" {
		t.Errorf("switcher label = %q, want اللغات", got)
	}
	sg := doc.Find(".lang-suggest")
	if sg.AttrOr("lang", "") != "en" || sg.AttrOr("dir", "") != "ltr" || text(sg) != "This page is also in English." {
		t.Errorf("suggestion: lang %q dir %q text %q", sg.AttrOr("lang", ""), sg.AttrOr("dir", ""), text(sg))
	}
	if got := text(doc.Find("a.skip")); got != "انتقل إلى المحتوى" {
		t.Errorf("skip link = %q, want it in Arabic", got)
	}

	plain, _ := parse(t, CampaignPage(sectionsFixture()))
	if n := plain.Find(`.lang-switch, .lang-suggest, link[hreflang], meta[property="og:locale:alternate"]`).Length(); n != 0 {
		t.Errorf("a one-language page has %d language elements, want none", n)
	}
	if got := text(plain.Find("a.skip")); got != "Skip to content" {
		t.Errorf("skip link without a Localizer = %q, want English", got)
	}
}
