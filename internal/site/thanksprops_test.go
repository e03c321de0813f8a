package site

import (
	"reflect"
	"testing"
	"time"

	"github.com/placard/placard/internal/markdown"
)

// TestPersonalThanksPropsKept: a personal thank-you page (every signer's
// browser asks for one) unpacks its campaign's thank-you props once and
// keeps them, so later ones allocate nothing for their props; rendering a
// campaign's public thank-you page, which anyone may ask for, keeps none.
func TestPersonalThanksPropsKept(t *testing.T) {
	now := time.Now()
	opt := Options{Base: "https://act.example.org", SiteName: "Placard", Mode: ModePublic, Signing: true,
		Now: func() time.Time { return now }, Files: &LazyFiles{}}
	snap, err := Compile(opt, markdown.New(), loadExamples(t), nil)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for p, lc := range snap.Signing {
		for o, lp := range snap.Thanks[p] {
			if _, err := lp.Get(); err != nil {
				t.Fatalf("%s %s: %v", p, o, err)
			}
		}
		if lc.thanksKept.Load() != nil {
			t.Errorf("%s: the public thank-you pages' rendering kept the unpacked props", p)
		}
		for o := range snap.Thanks[p] {
			want, ok, err := lc.thanksPageProps(o)
			if err != nil || !ok {
				t.Fatalf("%s %s: %v, %v", p, o, ok, err)
			}
			for range 2 {
				got, ok, err := lc.ThanksProps(o)
				if err != nil || !ok {
					t.Fatalf("%s %s: %v, %v", p, o, ok, err)
				}
				if !reflect.DeepEqual(got, want) || got.Page.L != lc.Loc {
					t.Errorf("%s %s: personal thank-you props differ from the page's", p, o)
				}
			}
			if allocs := testing.AllocsPerRun(10, func() { _, _, _ = lc.ThanksProps(o) }); allocs > 0 {
				t.Errorf("%s %s: a personal thank-you page's props cost %.0f allocations once unpacked, want 0", p, o, allocs)
			}
			n++
		}
		if _, ok, err := lc.ThanksProps("no-such-outcome"); ok || err != nil {
			t.Errorf("%s: an unknown outcome gave %v, %v", p, ok, err)
		}
	}
	if n < 2 {
		t.Fatalf("only %d thank-you pages checked", n)
	}
}
