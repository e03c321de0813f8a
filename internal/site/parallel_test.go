package site

import (
	"reflect"
	"testing"
	"time"

	"github.com/placard/placard/internal/markdown"
	"github.com/placard/placard/internal/pagecache"
)

// TestParallelBuildSameBytes: a snapshot whose renderings ran in parallel
// once the pages were laid out serves exactly what a build rendering each
// page where it is laid out serves, page for page, in every mode: no
// rendering set aside saw props the builder changed after handing them
// over. Run it with -race too (.ci/run does).
func TestParallelBuildSameBytes(t *testing.T) {
	loaded := loadExamples(t)
	for _, mode := range []Mode{ModePublic, ModeStatic} {
		now := time.Now()
		opt := Options{Base: "https://act.example.org", SiteName: "Placard", Mode: mode, Signing: mode == ModePublic,
			FormOrigin: "https://live.example.org", PreviewKey: "preview-key", Now: func() time.Time { return now }, Files: &LazyFiles{}}
		opt.eager = true // what the first requests render is compared in lazy_test.go
		parallel, err := Compile(opt, markdown.New(), loaded, nil)
		if err != nil {
			t.Fatal(err)
		}
		opt.inline = true
		inline, err := Compile(opt, markdown.New(), loaded, nil)
		if err != nil {
			t.Fatal(err)
		}
		same := func(what string, a, b any) {
			t.Helper()
			if !reflect.DeepEqual(a, b) {
				t.Errorf("mode %v: %s differs between the parallel and the inline build", mode, what)
			}
		}
		if len(parallel.Pages) < 20 {
			t.Fatalf("only %d pages", len(parallel.Pages))
		}
		same("Pages", parallel.Pages, inline.Pages)
		same("Regions", parallel.Regions, inline.Regions)
		same("Rotations", parallel.Rotations, inline.Rotations)
		same("LangNotices", parallel.LangNotices, inline.LangNotices)
		same("Previews", parallel.Previews, inline.Previews)
		same("Thanks", renderedThanks(t, parallel), renderedThanks(t, inline))
		if len(parallel.Signing) != len(inline.Signing) {
			t.Fatalf("%d signing pages, inline %d", len(parallel.Signing), len(inline.Signing))
		}
		for p, lc := range parallel.Signing {
			a, err := lc.Current()
			if err != nil {
				t.Fatal(err)
			}
			b, err := inline.Signing[p].Current()
			if err != nil {
				t.Fatal(err)
			}
			same(p+" (signing page and its variants)", variantsOf(t, a), variantsOf(t, b))
		}
	}
}

// renderedThanks is snap's thank-you pages, rendered.
func renderedThanks(t *testing.T, snap *Snapshot) map[string]map[string]*pagecache.Response {
	t.Helper()
	out := map[string]map[string]*pagecache.Response{}
	for p, set := range snap.Thanks {
		out[p] = map[string]*pagecache.Response{}
		for o, lp := range set {
			r, err := lp.Get()
			if err != nil {
				t.Fatal(err)
			}
			out[p][o] = r
		}
	}
	return out
}
