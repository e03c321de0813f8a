package site

import (
	"strings"
	"testing"

	"github.com/placard/placard/internal/campaign"
	"github.com/placard/placard/internal/campaign/campaigntest"
)

// TestSiteLogo: site.yaml's logo (a picture in the campaigns folder's
// assets folder) stands beside the site's name on the pages that belong to
// no organisation, the home page and page not found, and is served; the
// organisation's pages keep its own logo. Issue 13 A7.
func TestSiteLogo(t *testing.T) {
	files := jvpFiles("name: JVP Action Center\nlogo:\n  src: assets/site-logo.svg\n  alt: JVP Action Center\n")
	files["assets/site-logo.svg"] = `<svg xmlns="http://www.w3.org/2000/svg" width="20" height="10"/>`
	snap := compilePublic(t, campaigntest.Site(t, files))

	index := docOf(t, snap.Pages["/"].Body())
	src, _ := index.Find("header .brand img").Attr("src")
	if !strings.HasPrefix(src, "/static/_site/") || !strings.Contains(src, "site-logo") {
		t.Fatalf("home page header logo = %q, want the site's own logo", src)
	}
	if snap.Static[src] == nil {
		t.Errorf("the site logo %s is not served", src)
	}
	nf, err := snap.NotFoundPage("/jvp/nothing")
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := docOf(t, nf).Find("header .brand img").Attr("src"); got != src {
		t.Errorf("404 header logo = %q, want %q", got, src)
	}
	org := docOf(t, snap.Pages["/jvp"].Body())
	if got, _ := org.Find("header .brand img").Attr("src"); !strings.HasPrefix(got, "/static/jvp/") {
		t.Errorf("organisation page logo = %q, want the organisation's own", got)
	}
}

// TestSiteLogoChecked: a site logo outside the assets folder, missing, or
// without alt text is reported at site.yaml, as an organisation's logo is.
func TestSiteLogoChecked(t *testing.T) {
	for _, tc := range []struct{ yaml, want string }{
		{"logo:\n  src: logo.svg\n  alt: Site\n", "in the assets folder beside site.yaml"},
		{"logo:\n  src: assets/missing.svg\n  alt: Site\n", "missing.svg"},
		{"logo:\n  src: assets/site-logo.svg\n", "no alt text"},
	} {
		files := jvpFiles(tc.yaml)
		files["assets/site-logo.svg"] = `<svg xmlns="http://www.w3.org/2000/svg" width="20" height="10"/>`
		files["logo.svg"] = `<svg xmlns="http://www.w3.org/2000/svg" width="20" height="10"/>`
		_, ps := campaign.LoadFS(files.FS(), ".")
		if !ps.HasErrors() || !strings.Contains(ps.Error(), "site.yaml") || !strings.Contains(ps.Error(), tc.want) {
			t.Errorf("%q: problems\n%s\nwant an error at site.yaml mentioning %q", tc.yaml, ps.Error(), tc.want)
		}
	}
}
