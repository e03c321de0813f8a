package site

import (
	"testing"
	"time"

	"github.com/placard/placard/internal/markdown"
)

// TestRotationMarkdownAllocations: a campaign page laid out again for
// another share rotation (or contact region) takes the campaign's
// rendered Markdown from the layout just made instead of rendering each
// text again (campaignMD), which was 6% of what a build allocated at
// 1,000 campaigns. Failed before: a rotation's layout allocated as much
// as the first.
func TestRotationMarkdownAllocations(t *testing.T) {
	if raceEnabled {
		return
	}
	loaded := loadExamples(t)
	now := time.Now()
	b := newBuilder(Options{Base: "https://act.example.org", SiteName: "Placard", Mode: ModePublic, Signing: true,
		Now: func() time.Time { return now }, Files: &LazyFiles{}}, markdown.New(), loaded, nil)
	for _, o := range loaded.Orgs {
		for _, c := range o.Campaigns {
			if rotations(c) < 2 || c.Body == "" {
				continue
			}
			b.campaignProps(c, "") // the page itself; every file and picture served
			fresh := testing.AllocsPerRun(3, func() {
				b.mdFor = nil
				b.with(b.mode, 1).campaignProps(c, "")
			})
			b.campaignProps(c, "")
			again := testing.AllocsPerRun(3, func() { b.with(b.mode, 1).campaignProps(c, "") })
			if again > fresh*0.8 {
				t.Errorf("%s: a rotation's layout made %.0f allocations after the page's, %.0f alone; want a fifth fewer at least", c.Slug, again, fresh)
			}
			t.Logf("%s: %.0f allocations alone, %.0f after the page's", c.Slug, fresh, again)
			return
		}
	}
	t.Fatal("no example campaign rotates its share messages and has a body")
}
