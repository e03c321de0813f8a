package site

import (
	"reflect"
	"testing"
	"time"

	"github.com/placard/placard/internal/markdown"
	"github.com/placard/placard/internal/tallywatch"
)

// TestSigningRecordsRenderSame: a signing campaign keeps its props packed
// (record.go) and the tally watcher re-renders from them; what it renders
// from the unpacked props is exactly what the build rendered from the
// props themselves, for every example campaign, its embed, share-message
// rotations and language notices, with and without figures. The build
// keeps no props of its own.
func TestSigningRecordsRenderSame(t *testing.T) {
	loaded := loadExamples(t)
	now := time.Now()
	tallies := map[string]*tallywatch.Tally{}
	opt := Options{Base: "https://act.example.org", SiteName: "Placard", Mode: ModePublic, Signing: true,
		Now: func() time.Time { return now }, Files: &LazyFiles{}, Tallies: tallies}
	opt.eager = true
	snap, err := Compile(opt, markdown.New(), loaded, nil)
	if err != nil {
		t.Fatal(err)
	}
	opt.eager = false
	if len(snap.Signing) < 5 {
		t.Fatalf("only %d signing pages", len(snap.Signing))
	}
	regions, packed := 0, 0
	for p, lc := range snap.Signing {
		packed += len(lc.record)
		if !reflect.ValueOf(lc.props).IsZero() {
			t.Errorf("%s keeps its props after the build", p)
		}
		if len(lc.record) == 0 {
			t.Fatalf("%s has no packed props", p)
		}
		built := lc.Pages.Load()
		if err := RenderSigning(lc, nil); err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		again := lc.Pages.Load()
		if !reflect.DeepEqual(variantsOf(t, built), variantsOf(t, again)) {
			t.Errorf("%s: the page or a variant rendered from its packed props differs from the build's", p)
		}
		for region := range lc.Regions {
			regions++
			if again.Region(nil, lc, region) == nil {
				t.Errorf("%s: region %s does not render from its packed props", p, region)
			}
		}
	}
	t.Logf("%d signing pages' props packed in %d bytes", len(snap.Signing), packed)
	t.Logf("%d region variants rendered from packed props (web's TestLiveRegions* test more)", regions)
	// With figures, which the watcher's renderings have and the build's
	// had not here: a rebuild with those figures renders the same pages.
	for _, lc := range snap.Signing {
		t := &tallywatch.Tally{}
		t.Signatures = 1234
		tallies[lc.Key] = t
	}
	withFigures, err := Compile(opt, markdown.New(), loaded, nil)
	if err != nil {
		t.Fatal(err)
	}
	for p, lc := range snap.Signing {
		if err := RenderSigning(lc, tallies[lc.Key]); err != nil {
			t.Fatal(err)
		}
		a, b := lc.Pages.Load(), withFigures.Signing[p].Pages.Load()
		if b != nil {
			t.Fatalf("%s: rendered at the build", p)
		}
		b, err := withFigures.Signing[p].Current()
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(variantsOf(t, a), variantsOf(t, b)) {
			t.Errorf("%s: rendered with figures from packed props, the page differs from a build with those figures", p)
		}
	}
}
