package site

import (
	"strings"
	"testing"

	"github.com/placard/placard/internal/campaign/campaigntest"
)

// TestEnglishUSPages: an organisation writing language: en-US gets
// American dates and spelling on its pages (seed 001: "October 19, 2023");
// one writing en-GB keeps the British ones.
func TestEnglishUSPages(t *testing.T) {
	for _, tc := range []struct{ lang, date, signed string }{
		{"en-US", "October 19, 2023", "Signed by 2 organizations"},
		{"en-GB", "19 October 2023", "Signed by 2 organisations"},
	} {
		t.Run(tc.lang, func(t *testing.T) {
			site := campaigntest.Site(t, campaigntest.Files{
				"allmep/org.yaml": "name: ALLMEP\nlanguage: " + tc.lang + "\n",
				"allmep/support.yaml": `title: How you can support Israeli and Palestinian activists working on the ground right now
summary: Listen. Amplify. Engage. Support.
date: 2023-10-19
actions:
  - kind: letter
    to: Our members
    body: We stand with you.
    organisations:
      - name: Combatants for Peace
      - name: Parents Circle Families Forum
`,
			})
			page := pageText(t, compilePublic(t, site), "/allmep/support")
			for _, want := range []string{tc.date, tc.signed, `lang="` + tc.lang + `"`} {
				if !strings.Contains(page, want) {
					t.Errorf("page lacks %q", want)
				}
			}
		})
	}
}
