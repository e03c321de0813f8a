package web

import (
	"strings"
	"testing"
	"time"
)

// TestLiveRegionsOnDemand: a change of tally renders the live page alone,
// not its region variants; a variant is rendered when first asked for,
// shows the same tally as the page, and is kept until the next change.
// Unknown regions render nothing. (Before, every change rendered every
// region: BenchmarkPollManyRegions.)
func TestLiveRegionsOnDemand(t *testing.T) {
	e := newSignEnv(t, openSQLite(t), nil)
	lc := e.s.snap.Load().Signing[libraryPage]
	if n := len(lc.Regions); n < 2 {
		t.Fatalf("the test page has %d regions, want several", n)
	}
	v := e.formValues(t, libraryPage, "petition-form")
	e.clock.add(5 * time.Second)
	wantStatus(t, e.post(t, libraryPage+"/sign", v, nil), 303)
	e.poll(t)
	lp := lc.Pages.Load()
	if n := lp.Regions.Rendered(); n != 0 {
		t.Fatalf("a change of tally rendered %d region variants, want none until asked for", n)
	}
	count := func(page string) string {
		return strings.TrimSpace(doc(t, get(t, e.s, "GET", page, nil)).Find("#petition-count").Text())
	}
	main := count(libraryPage)
	north := body(t, get(t, e.s, "GET", libraryPage+"?region=North+Ward", nil))
	if strings.Contains(north, "Bo South") || !strings.Contains(north, "Ann North") {
		t.Errorf("North Ward variant: want Ann North and not Bo South")
	}
	if got := count(libraryPage + "?region=North+Ward"); got != main || !strings.Contains(main, "1") {
		t.Errorf("North Ward variant's count %q, want the page's %q", got, main)
	}
	count(libraryPage + "?region=Mars")
	count(libraryPage + "?region=" + strings.Repeat("x", 500))
	if n := lp.Regions.Rendered(); n != 1 {
		t.Errorf("after asking for North Ward (twice) and unknown regions: %d variants rendered, want 1", n)
	}
	if lc.Pages.Load() != lp {
		t.Fatalf("the page was re-rendered without a change")
	}
}
