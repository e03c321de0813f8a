package site

import (
	"strings"
	"testing"
	"time"

	"github.com/placard/placard/internal/markdown"
)

// TestNotFoundFramesSurviveARebuild: a rebuild that takes an unchanged
// organisation's pages from the snapshot before also takes the frame its
// 404s wear, so a reload never turns them back into the site's.
func TestNotFoundFramesSurviveARebuild(t *testing.T) {
	loaded := loadExamples(t)
	opt := reuseOptions(time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC))
	md := markdown.New()
	first, err := Compile(opt, md, loaded, nil)
	if err != nil {
		t.Fatal(err)
	}
	second, err := Compile(opt, md, loaded, first)
	if err != nil {
		t.Fatal(err)
	}
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
