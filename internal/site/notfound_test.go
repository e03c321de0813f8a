package site

import (
	"strings"
	"testing"
)

// TestNotFoundFramesSurviveARebuild: a rebuild that takes an unchanged
// organisation's pages from the snapshot before also takes the frame its
// 404s wear, so a reload never turns them back into the site's.
func TestNotFoundFramesSurviveARebuild(t *testing.T) {
	loaded, first, second := compiledTwice(t)
	if len(first.orgFrames) < len(loaded.Orgs) {
		t.Fatalf("%d organisation frames for %d organisations", len(first.orgFrames), len(loaded.Orgs))
	}
	sameKeys(t, "organisation frame", first.orgFrames, second.orgFrames)
	o := loaded.Orgs[0]
	page, csp, err := second.NotFoundIn("/"+o.Slug+"/no-such-page", "")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(page), `href="/`+o.Slug+`"`) || !strings.Contains(string(page), "noindex") || !strings.Contains(csp, "default-src 'none'") {
		t.Errorf("the 404 under %s after a rebuild is not in its frame:\n%s", o.Slug, page)
	}
}
