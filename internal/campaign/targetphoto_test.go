package campaign_test

import (
	"strings"
	"testing"

	"github.com/placard/placard/internal/campaign"
	"github.com/placard/placard/internal/campaign/campaigntest"
)

// TestTargetPhotoProblems: a targets file's photo that is missing, is not
// a picture, or is a picture file Placard cannot read is an error at the
// file, line and column of the photo's cell, saying how to fix it; the
// contact page shows photos, so a broken one must not reach it.
func TestTargetPhotoProblems(t *testing.T) {
	for _, c := range []struct {
		photo string
		want  []string
	}{
		{"assets/salma.jpeg", []string{"civic/targets/council.csv:2:5:", "salma.jpeg", "salma.jpg"}},
		{"assets/notes.txt", []string{"civic/targets/council.csv:2:5:", "must be a picture", "notes.txt"}},
		{"assets/broken.jpg", []string{"civic/targets/council.csv:2:5:", "not a picture Placard can read", "export it again as JPEG"}},
		{"https://example.org/salma.jpg", []string{"civic/targets/council.csv:2:5:", "inside the organisation's folder"}},
	} {
		files := campaigntest.Files{
			"civic/org.yaml": "name: Civic\n",
			"civic/targets/council.csv": "id,name,phone,party,photo\n" +
				"salma,Salma Haddad,+1 555 0100,Harbour Labour," + c.photo + "\n",
			"civic/assets/salma.jpg":  "\xff\xd8\xff", // named right, but no picture inside
			"civic/assets/notes.txt":  "notes",
			"civic/assets/broken.jpg": "not a picture",
		}
		_, probs := campaign.LoadFS(files.FS(), ".")
		found := false
		for _, p := range probs.Errors() {
			s := p.String()
			ok := true
			for _, w := range c.want {
				ok = ok && strings.Contains(s, w)
			}
			found = found || ok
		}
		if !found {
			t.Errorf("photo %q: problems %v, want one with %q", c.photo, probs, c.want)
		}
	}
}
