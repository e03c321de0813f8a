package site

import (
	"html"
	"strings"
	"testing"
	"time"

	"github.com/placard/placard/internal/campaign"
	"github.com/placard/placard/internal/campaign/campaigntest"
	"github.com/placard/placard/internal/markdown"
)

// compilePublic compiles site as the public server does.
func compilePublic(t *testing.T, site *campaign.Site) *Snapshot {
	t.Helper()
	snap, err := Compile(Options{Base: "https://act.example", SiteName: "Placard", Mode: ModePublic, Now: time.Now, Files: &LazyFiles{}}, markdown.New(), site, nil)
	if err != nil {
		t.Fatal(err)
	}
	return snap
}

// pageText is the page at path with its entities decoded.
func pageText(t *testing.T, snap *Snapshot, path string) string {
	t.Helper()
	r := snap.Pages[path]
	if r == nil {
		t.Fatalf("no page %s", path)
	}
	return html.UnescapeString(string(r.Body()))
}

// TestLetterKeepsItsTypography: an open letter's words are signed as typed.
// The example letter (modelled on seed 002, whose "Hamas' October 7" and
// "this nightmare -- a bilateral ceasefire" were turned into ’ and –) keeps
// its apostrophe and double hyphen, while the campaign's own body stays
// smart unless the organisation or campaign says otherwise.
func TestLetterKeepsItsTypography(t *testing.T) {
	page := pageText(t, compilePublic(t, loadExamples(t)), "/common-table/letter-to-president-quist")
	for _, want := range []string{"The delta's own community groups", "ask you to lead further --\na national recovery plan"} {
		if !strings.Contains(page, want) {
			t.Errorf("the example letter lacks %q as typed", want)
		}
	}
	for _, bad := range []string{"delta’s own", "further –"} {
		if strings.Contains(page, bad) {
			t.Errorf("the example letter shows %q: typography changed the signed text", bad)
		}
	}

	files := func(orgTypo, campTypo string) campaigntest.Files {
		return campaigntest.Files{
			"pin/org.yaml": "name: Progressive Israel Network\n" + orgTypo,
			"pin/letter.yaml": `title: Letter to President Biden
summary: Member organisations write to the President.
date: 2024-03-08
` + campTypo + `body: "Read the members' letter -- and sign it."
actions:
  - kind: letter
    to: President Joseph R. Biden
    salutation: Dear President Biden,
    body: "You have stood with the victims of Hamas' October 7 atrocities. A path out of this nightmare -- a bilateral ceasefire."
    closing: With gratitude for your leadership,
    organisations:
      - name: "T'ruah: The Rabbinic Call for Human Rights"
`,
		}
	}
	const (
		letterAsTyped = "Hamas' October 7 atrocities. A path out of this nightmare -- a bilateral"
		letterSmart   = "Hamas’ October 7 atrocities. A path out of this nightmare – a bilateral"
		bodyAsTyped   = "the members' letter -- and"
		bodySmart     = "the members’ letter – and"
	)
	for _, tc := range []struct {
		name, org, camp     string
		letter, body, name2 string
	}{
		{"default", "", "", letterAsTyped, bodySmart, "T'ruah"},
		{"organisation smart", "typography: smart\n", "", letterSmart, bodySmart, "T'ruah"},
		{"organisation verbatim", "typography: verbatim\n", "", letterAsTyped, bodyAsTyped, "T'ruah"},
		{"campaign overrides", "typography: verbatim\n", "typography: smart\n", letterSmart, bodySmart, "T'ruah"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			page := pageText(t, compilePublic(t, campaigntest.Site(t, files(tc.org, tc.camp))), "/pin/letter")
			for _, want := range []string{tc.letter, tc.body, tc.name2} {
				if !strings.Contains(page, want) {
					t.Errorf("page lacks %q", want)
				}
			}
		})
	}
}
