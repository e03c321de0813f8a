package site

import (
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
	"github.com/placard/placard/internal/campaign/campaigntest"
)

// TestOptionalSettings: the seeds written as an organiser would, leaving
// out what the real pages do without (issue 13, A6): a letter without
// 'to' (its salutation names the President), documents without titles, an
// engage and a donate step that are a sentence and a link to a directory
// elsewhere, a listen step written in its text, a statement without a
// place, and related calls on other sites. Each loads and reads well.
func TestOptionalSettings(t *testing.T) {
	site := campaigntest.Site(t, campaigntest.Files{
		"allmep/org.yaml":              "name: ALLMEP\n",
		"allmep/assets/statements.pdf": "%PDF-1.4\n",
		"allmep/support.yaml": `title: How you can support Israeli and Palestinian activists working on the ground right now
summary: Listen. Amplify. Engage. Support.
date: 2023-10-19
layout: steps
actions:
  - kind: listen
    icon: 👂
    title: Listen
    text: Listen to the voices of grassroots activists and peacebuilders, or listen to [Groundwork](https://groundwork.example), a podcast that platforms Palestinians and Israelis working for change.
  - kind: engage
    icon: 🤝
    title: Engage
    text: Reach out to activists and humanitarian organizations. A directory of our members can be found on our website – [www.allmep.org](https://www.allmep.org).
  - kind: donate
    icon: 💰
    title: Support
    text: Donate to organizations working in this space, such as [ALLMEP](https://www.allmep.org/donate).
  - kind: resources
    items:
      - link: https://www.allmep.org/member-statements
      - file: assets/statements.pdf
  - kind: statement
    body: Now is not the time to look away.
  - kind: letter
    salutation: Dear President Biden,
    body: We write to you as American Jews.
    closing: With gratitude for your leadership,
    organisations:
      - name: ALEPH
related:
  - title: "End the Deadly Exchange"
    link: https://deadlyexchange.example
    summary: When US law enforcement trade tactics with the Israeli police and military, both grow more violent.
`,
	})
	body := string(compilePublic(t, site).Pages["/allmep/support"].Body())
	d, err := goquery.NewDocumentFromReader(strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	text := func(sel string) string { return strings.Join(strings.Fields(d.Find(sel).Text()), " ") }
	if d.Find(".letter-to").Length() != 0 || !strings.Contains(text(".letter"), "Dear President Biden,") {
		t.Errorf("letter without 'to': got %q", text(".letter"))
	}
	if got := text(".resource-list .item-title"); !strings.Contains(got, "www.allmep.org") || !strings.Contains(got, "statements.pdf") {
		t.Errorf("documents without titles show %q, want the host and the file name", got)
	}
	for _, want := range []string{"A directory of our members can be found", "Groundwork", "Donate to organizations working in this space"} {
		if !strings.Contains(text("main"), want) {
			t.Errorf("page lacks %q", want)
		}
	}
	if d.Find("ul.members, ul.destinations, ul.media-list").FilterFunction(func(_ int, s *goquery.Selection) bool { return s.Children().Length() == 0 }).Length() != 0 {
		t.Errorf("an empty list is on the page")
	}
	if got := text(".dateline"); got != "19 October 2023" {
		t.Errorf("dateline without a place = %q, want the date alone (no dangling —)", got)
	}
	if !strings.Contains(text("main"), "End the Deadly Exchange") || d.Find(`a[href="https://deadlyexchange.example"]`).Length() == 0 {
		t.Errorf("related page on another site is missing")
	}
}
