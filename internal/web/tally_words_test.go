package web

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/placard/placard/internal/campaign/campaigntest"
)

// TestTallyWords: the count under a letter speaks of everyone listed (an
// open letter signed by organisations never says "No one has signed
// yet"), a petition without a goal shows no goal and no bar (none is
// invented), and a bar beside a count above zero is never empty.
func TestTallyWords(t *testing.T) {
	e := newSignEnv(t, openSQLite(t), nil)
	f := signFiles(t)
	f["riverside/no-goal.yaml"] = `title: No goal
summary: A petition without a goal.
date: 2026-02-01
actions:
  - kind: petition
    id: petition
    target: The council
    text: Keep the library open.
`
	if err := e.s.SetSite(campaigntest.Site(t, f)); err != nil {
		t.Fatal(err)
	}
	const letter = "/riverside/open-letter"
	d := doc(t, get(t, e.s, "GET", letter, nil))
	if got := d.Find("#letter-count").Text(); got != "Signed by 1 organisation" {
		t.Errorf("a letter signed by one organisation in its file: count %q, want Signed by 1 organisation", got)
	}
	v := e.formValues(t, letter, "letter-form")
	e.clock.add(5 * time.Second)
	wantStatus(t, e.post(t, letter+"/sign", v, nil), 303)
	e.poll(t)
	d = doc(t, get(t, e.s, "GET", letter, nil))
	if got := d.Find("#letter-count").Text(); got != "Signed by 1 organisation and 1 person" {
		t.Errorf("after a person signs: count %q, want Signed by 1 organisation and 1 person", got)
	}

	const noGoal = "/riverside/no-goal"
	d = doc(t, get(t, e.s, "GET", noGoal, nil))
	if got := d.Find("#petition-count").Text(); got != "No one has signed yet: be the first" {
		t.Errorf("fresh petition: count %q", got)
	}
	if n := d.Find("#petition-tally progress, #petition-tally .goal").Length(); n != 0 {
		t.Errorf("a petition without a goal shows %d goal elements, want none (no invented goal): %s", n, d.Find("#petition-tally").Text())
	}
	v = e.formValues(t, noGoal, "petition-form")
	e.clock.add(5 * time.Second)
	wantStatus(t, e.post(t, noGoal+"/sign", v, nil), 303)
	e.poll(t)
	d = doc(t, get(t, e.s, "GET", noGoal, nil))
	if got := d.Find("#petition-count").Text(); got != "1 person has signed" {
		t.Errorf("after one signature: count %q", got)
	}
	if n := d.Find("#petition-tally progress, #petition-tally .goal").Length(); n != 0 {
		t.Errorf("after one signature a petition without a goal shows %d goal elements", n)
	}

	// The library petition aims for 5,000: one signature is 0.02%, drawn
	// as at least a sliver.
	v = e.formValues(t, libraryPage, "petition-form")
	e.clock.add(5 * time.Second)
	wantStatus(t, e.post(t, libraryPage+"/sign", v, nil), 303)
	e.poll(t)
	bar := doc(t, get(t, e.s, "GET", libraryPage, nil)).Find("#petition-bar")
	val, _ := bar.Attr("value")
	maxv, _ := bar.Attr("max")
	value, _ := strconv.Atoi(val)
	most, _ := strconv.Atoi(maxv)
	if most != 5000 || value*100 < most || strings.TrimSpace(bar.Text()) == "0%" {
		t.Errorf("bar beside 1 signature of 5,000: value %s of %s, text %q — want at least 1%% drawn", val, maxv, bar.Text())
	}
}
