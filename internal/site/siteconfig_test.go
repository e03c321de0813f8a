package site

import (
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
	"github.com/placard/placard/internal/campaign/campaigntest"
)

// jvpFiles is seed 000's organisation with a site.yaml naming the site.
func jvpFiles(siteYAML string) campaigntest.Files {
	return campaigntest.Files{
		"site.yaml":           siteYAML,
		"jvp/assets/logo.svg": `<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>`,
		"jvp/org.yaml": `name: Jewish Voice for Peace
logo:
  src: assets/logo.svg
  alt: Jewish Voice for Peace logo
embed_origins: [https://partner.example]
`,
		"jvp/deadly-exchange.yaml": `title: End the Deadly Exchange
summary: When US law enforcement trade tactics with the Israeli police and military, both grow more violent.
date: 2021-05-21
actions:
  - kind: petition
    target: Your city council
    text: End police exchanges with Israel.
`,
	}
}

func docOf(t *testing.T, body []byte) *goquery.Document {
	t.Helper()
	d, err := goquery.NewDocumentFromReader(strings.NewReader(string(body)))
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// TestSiteConfig: site.yaml names the site where a page belongs to no one
// organisation (the home page's heading, the breadcrumb's root, the
// page-not-found header), a page of an organisation is shared under the
// organisation's name (og:site_name, the embed's footer), and with a
// default organisation the home page is its page. Before it, all of these
// said "Placard".
func TestSiteConfig(t *testing.T) {
	const name = "JVP Action Center"
	snap := compilePublic(t, campaigntest.Site(t, jvpFiles("name: "+name+"\ndescription: Act with Jewish Voice for Peace.\n")))
	index := docOf(t, snap.Pages["/"].Body())
	if got := strings.TrimSpace(index.Find("h1").Text()); got != name {
		t.Errorf("home page heading = %q, want %q", got, name)
	}
	if got, _ := index.Find(`meta[name="description"]`).Attr("content"); got != "Act with Jewish Voice for Peace." {
		t.Errorf("home page description = %q", got)
	}
	camp := docOf(t, snap.Pages["/jvp/deadly-exchange"].Body())
	if got := strings.TrimSpace(camp.Find(".crumbs a").First().Text()); got != name {
		t.Errorf("breadcrumb root = %q, want %q", got, name)
	}
	if got, _ := camp.Find(`meta[property="og:site_name"]`).Attr("content"); got != "Jewish Voice for Peace" {
		t.Errorf("campaign og:site_name = %q, want the organisation", got)
	}
	var embed string
	if e := snap.OtherSites.Pages["/jvp/deadly-exchange/embed"]; e != nil {
		embed = string(e.Body())
	} else if lc := snap.Signing["/jvp/deadly-exchange"]; lc != nil && lc.Embed != nil {
		embed = lc.Embed.Frame.SiteName
	}
	if !strings.Contains(embed, "Jewish Voice for Peace") {
		t.Errorf("embed footer does not name the organisation: %q", embed)
	}
	nf, err := snap.NotFoundPage("/jvp/nothing")
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(strings.Fields(docOf(t, nf).Find("header").First().Text()), " "); !strings.Contains(got, name) || strings.Contains(got, "Placard") {
		t.Errorf("404 header = %q, want %q", got, name)
	}

	// With a default organisation, / is its page and the site's pages
	// show its logo.
	snap = compilePublic(t, campaigntest.Site(t, jvpFiles("default_organisation: jvp\n")))
	if snap.Pages["/"] != snap.Pages["/jvp"] {
		t.Errorf("/ is not the default organisation's page")
	}
	nf, err = snap.NotFoundPage("/nothing")
	if err != nil {
		t.Fatal(err)
	}
	header := docOf(t, nf).Find("header").First()
	if got := strings.Join(strings.Fields(header.Text()), " "); !strings.Contains(got, "Jewish Voice for Peace") {
		t.Errorf("404 header without a site name = %q, want the default organisation's name", got)
	}
	if header.Find("img").Length() != 1 {
		t.Errorf("404 header has no logo of the default organisation")
	}
}
