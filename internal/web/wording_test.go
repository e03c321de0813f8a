package web

import (
	"context"
	"strings"
	"testing"

	"github.com/placard/placard/internal/campaign/campaigntest"
)

// TestShareWordingTagged: when a network rotates several share messages,
// each rendering tags that network's link with the wording it carries
// (src=x-1, src=x-2), a network with one message keeps its plain tag, and
// a visit through a wording's link is counted under that wording, so the
// console can say which text brought people.
func TestShareWordingTagged(t *testing.T) {
	f := testFiles(t)
	old := `      x: "Our library closes unless the council hears from us. {link} #SaveRiversideLibrary"`
	if !strings.Contains(f["riverside/save-the-library.yaml"], old) {
		t.Fatal("the library's share action has no X message to replace")
	}
	f["riverside/save-the-library.yaml"] = strings.Replace(f["riverside/save-the-library.yaml"], old,
		"      x: [\"First wording {link}\", \"Second wording {link}\"]", 1)
	st := openSQLite(t)
	s, err := New(Config{BaseURL: "https://act.example.org", SiteName: "Act", Store: st}, campaigntest.Site(t, f))
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for range 2 {
		d := doc(t, get(t, s, "GET", libraryPage, nil))
		x := d.Find("a.share-x").First().AttrOr("href", "")
		switch {
		case strings.Contains(x, "First%20wording") && strings.Contains(x, "src%3Dx-1"):
			seen["x-1"] = true
		case strings.Contains(x, "Second%20wording") && strings.Contains(x, "src%3Dx-2"):
			seen["x-2"] = true
		default:
			t.Errorf("X link %q: want each wording tagged with its number", x)
		}
		if b := d.Find("a.share-bluesky").First().AttrOr("href", ""); !strings.Contains(b, "src%3Dbluesky") || strings.Contains(b, "src%3Dbluesky-") {
			t.Errorf("Bluesky link %q: one message, want the plain tag", b)
		}
	}
	if !seen["x-1"] || !seen["x-2"] {
		t.Errorf("two views showed %v, want both wordings", seen)
	}
	get(t, s, "GET", libraryPage+"?src=x-2", nil)
	get(t, s, "GET", libraryPage+"?src=x-0", nil)    // not a wording: not counted
	get(t, s, "GET", libraryPage+"?src=copy-2", nil) // not a network: not counted
	if err := s.FlushArrivals(context.Background()); err != nil {
		t.Fatal(err)
	}
	srcs, err := st.Sources(context.Background(), "riverside", "save-the-library")
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, c := range srcs {
		if c.Arrivals > 0 {
			got = append(got, c.Source)
		}
	}
	if strings.Join(got, ",") != "x-2" {
		t.Errorf("arrivals counted under %v, want only x-2", got)
	}
}
