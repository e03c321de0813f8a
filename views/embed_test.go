package views

import (
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
)

// embedFixture is a petition's embed with its tally and form.
func embedFixture() EmbedPageProps {
	p := testPage("Save the Riverside library — Riverside Coalition", "/riverside/save-the-library")
	p.ThemeCSS = ":root{--brand:#0b5d3b}"
	f := *petitionForm()
	f.Action = "/riverside/save-the-library/embed/sign"
	f.NewTab = true
	f.PrivacyURL = "https://riverside.example/privacy"
	return EmbedPageProps{
		Page: p, FrameScriptURL: "/static/embed-frame.abc.js",
		Origins: []string{"https://partner.example", "http://127.0.0.1:8081"},
		OrgName: "Riverside Coalition", SiteName: "Act", CampaignURL: testBase + "/riverside/save-the-library",
		Title: "Save the Riverside library", Summary: "The council votes on 3 March.",
		PrivacyURL: "https://riverside.example/privacy",
		Action: &EmbedAction{ID: "petition", Title: "Sign the petition", Target: "Riverside City Council",
			Tally: &Tally{Count: 12, CountText: "12 people have signed", Goal: 100, GoalText: "Help us reach 100 signatures", Percent: 12},
			Form:  &f},
	}
}

// TestEmbedPage: the embed is the call to action alone — one h1 linking to
// the campaign, the tally and the form, the theme written for its hash, the
// resize script, the partner origins for it — with no site header, footer
// or share metadata, and every link but in-page ones opening a new tab and
// saying so.
func TestEmbedPage(t *testing.T) {
	p := embedFixture()
	doc, html := parse(t, EmbedPage(p))
	h1 := wantCount(t, doc, "h1", 1)
	wantAttr(t, h1.Find("a"), "href", p.CampaignURL)
	wantAttr(t, doc.Find("html"), "data-embed-origins", "https://partner.example http://127.0.0.1:8081")
	wantAttr(t, doc.Find("html"), "lang", "en")
	if !strings.Contains(html, "<style>"+p.Page.ThemeCSS+"</style>") {
		t.Errorf("theme not written as <style>ThemeCSS</style>")
	}
	wantAttr(t, wantCount(t, doc, "script[src]", 1), "src", p.FrameScriptURL)
	wantAttr(t, wantCount(t, doc, `meta[name="robots"]`, 1), "content", "noindex")
	wantCount(t, doc, "header, footer, nav, meta[property]", 0)
	wantCount(t, doc, "main", 1)
	wantAttr(t, wantCount(t, doc, "form.sign-form", 1), "action", "/riverside/save-the-library/embed/sign")
	wantCount(t, doc, ".tally .tally-count", 1)
	doc.Find("a[href]").Each(func(_ int, a *goquery.Selection) {
		href, _ := a.Attr("href")
		if strings.HasPrefix(href, "#") {
			return
		}
		if a.AttrOr("target", "") != "_blank" || a.AttrOr("rel", "") != "noopener" {
			t.Errorf("link %q: target %q rel %q, want _blank noopener", href, a.AttrOr("target", ""), a.AttrOr("rel", ""))
		}
		if !strings.Contains(text(a), "(opens in a new tab)") {
			t.Errorf("link %q: text %q does not say it opens a new tab", href, text(a))
		}
	})
	prev := 0
	doc.Find("h1, h2, h3, h4").Each(func(_ int, h *goquery.Selection) {
		level := int(goquery.NodeName(h)[1] - '0')
		if level > prev+1 {
			t.Errorf("heading %s %q skips a level", goquery.NodeName(h), text(h))
		}
		prev = level
	})

	// The thanks: a notice, and a button instead of the form.
	p.Action = &EmbedAction{ID: "share", Title: "Will you share?", Link: &Link{Label: "Share the campaign", URL: testBase + "/riverside/save-the-library#share"}}
	p.Notice = &EmbedNotice{Heading: "Thank you: your signature counted", Message: "It is recorded."}
	doc, _ = parse(t, EmbedPage(p))
	wantCount(t, doc, "form", 0)
	wantCount(t, doc, `[role="status"] h2`, 1)
	wantAttr(t, wantCount(t, doc, ".embed-action a.btn", 1), "target", "_blank")
	wantCount(t, doc, ".lede", 0)
}

// TestDiscoveryLinks: Page.Discovery becomes <link rel="alternate"> in the head.
func TestDiscoveryLinks(t *testing.T) {
	org := orgFixture()
	org.Page.Discovery = []Discovery{{Type: "application/atom+xml", Title: "Riverside Coalition — campaigns", URL: testBase + "/riverside/feed.atom"}}
	doc, _ := parse(t, OrgPage(org))
	l := wantCount(t, doc, `head link[rel="alternate"][type="application/atom+xml"]`, 1)
	wantAttr(t, l, "href", testBase+"/riverside/feed.atom")
	wantAttr(t, l, "title", "Riverside Coalition — campaigns")
}
