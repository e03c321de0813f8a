package campaign

import (
	"path/filepath"
	"runtime"
	"slices"
	"testing"
)

// TestParallelParseSameProblems: campaign files are parsed on every core
// (preparse), yet what a load reports, and in which order, is what one
// core reports: the syntax cases (more files than one batch, every kind
// of YAML mistake) and a valid site with translations, loaded on one and
// on four threads, several times each.
func TestParallelParseSameProblems(t *testing.T) {
	for _, dir := range []string{filepath.Join("testdata", "invalid", "syntax"), filepath.Join("testdata", "invalid", "three-errors-two-files"), filepath.Join("testdata", "valid", "translations"), filepath.Join("..", "..", "campaigns")} {
		load := func(procs int) ([]string, []string) {
			defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procs))
			site, ps := Load(dir)
			var probs, camps []string
			for _, p := range ps {
				probs = append(probs, p.String())
			}
			if site != nil {
				for _, o := range site.Orgs {
					for _, c := range o.Campaigns {
						camps = append(camps, o.Slug+"/"+c.Slug+" "+c.Title+" "+c.Summary)
					}
				}
			}
			return probs, camps
		}
		wantProbs, wantCamps := load(1)
		if len(wantProbs) == 0 && len(wantCamps) == 0 {
			t.Fatalf("%s: nothing loaded", dir)
		}
		for range 3 {
			probs, camps := load(4)
			if !slices.Equal(probs, wantProbs) {
				t.Errorf("%s: problems on four threads differ from one:\n%q\nwant\n%q", dir, probs, wantProbs)
			}
			if !slices.Equal(camps, wantCamps) {
				t.Errorf("%s: campaigns on four threads differ from one:\n%q\nwant\n%q", dir, camps, wantCamps)
			}
		}
	}
}
