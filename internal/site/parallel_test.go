package site

import (
	"fmt"
	"maps"
	"net/http/httptest"
	"reflect"
	"runtime"
	"slices"
	"sort"
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
	atLeastTwoCores(t)
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

// atLeastTwoCores has the test build as on a machine of two cores or
// more, so the organisations are built in parallel (orgshards.go).
func atLeastTwoCores(t *testing.T) {
	if n := runtime.GOMAXPROCS(0); n < 2 {
		runtime.GOMAXPROCS(2)
		t.Cleanup(func() { runtime.GOMAXPROCS(n) })
	}
}

// TestParallelOrgsSameSnapshot: a snapshot whose organisations were built
// on several cores at once, each into a snapshot of its own merged
// afterwards (orgshards.go), is the snapshot one builder makes going
// through them in order (Options.inline): every table, address, ETag and
// byte, for the pages rendered on their first request as a server builds
// them and for a static copy's. The examples name a campaign of another
// organisation (common-table's related campaign), whose picture and card
// the page shows. Run it with -race too (.ci/run does).
func TestParallelOrgsSameSnapshot(t *testing.T) {
	atLeastTwoCores(t)
	loaded := loadExamples(t)
	if len(loaded.Orgs) < 3 {
		t.Fatalf("only %d organisations", len(loaded.Orgs))
	}
	for _, mode := range []Mode{ModePublic, ModeStatic} {
		now := time.Now()
		opt := Options{Base: "https://act.example.org", SiteName: "Placard", Mode: mode, Signing: mode == ModePublic,
			FormOrigin: "https://live.example.org", PreviewKey: "preview-key", Now: func() time.Time { return now }, Files: &LazyFiles{}}
		parallel, err := Compile(opt, markdown.New(), loaded, nil)
		if err != nil {
			t.Fatal(err)
		}
		opt.inline = true
		inline, err := Compile(opt, markdown.New(), loaded, nil)
		if err != nil {
			t.Fatal(err)
		}
		a, b := snapshotTables(t, parallel), snapshotTables(t, inline)
		for _, k := range slices.Sorted(maps.Keys(b)) {
			if !reflect.DeepEqual(a[k], b[k]) {
				t.Errorf("mode %v: %s differs between the parallel and the inline build:\n%.300v\n---\n%.300v", mode, k, a[k], b[k])
			}
		}
		if len(a) != len(b) {
			t.Errorf("mode %v: %d entries, inline %d", mode, len(a), len(b))
		}
		if len(a) < 100 {
			t.Fatalf("only %d entries", len(a))
		}
	}
}

// snapshotTables describes everything snap serves and remembers, entry
// by entry: each response by its headers and bytes (rendered first when
// made on first request), each generated file by its key.
func snapshotTables(t *testing.T, snap *Snapshot) map[string]any {
	t.Helper()
	out := map[string]any{}
	resp := func(name string, r *pagecache.Response) {
		if r == nil {
			out[name] = "nil"
			return
		}
		rec := httptest.NewRecorder()
		r.Serve(rec, httptest.NewRequest("GET", "/", nil))
		out[name] = fmt.Sprint(rec.Code, rec.Header(), rec.Body.String())
	}
	for k, r := range snap.Pages {
		resp("page "+k, r)
	}
	for k, set := range snap.Regions {
		for region, r := range set {
			resp("region "+k+" "+region, r)
		}
	}
	for k, set := range snap.LangNotices {
		for lang, r := range set {
			resp("notice "+k+" "+lang, r)
		}
	}
	for k, rot := range snap.Rotations {
		for i, r := range rot {
			resp(fmt.Sprint("rotation ", k, " ", i), r)
		}
	}
	for k, r := range snap.Previews {
		resp("preview "+k, r)
	}
	for k, r := range snap.Static {
		resp("static "+k, r)
	}
	for p, set := range renderedThanks(t, snap) {
		for o, r := range set {
			resp("thanks "+p+" "+o, r)
		}
	}
	for p, lc := range snap.Signing {
		v, err := lc.Current()
		if err != nil {
			t.Fatal(err)
		}
		out["signing "+p] = variantsOf(t, v)
	}
	for k, v := range snap.SigningKeys {
		var paths []string
		for _, lc := range v {
			paths = append(paths, lc.Path)
		}
		out["signing key "+k] = fmt.Sprint(paths)
	}
	for k, ca := range snap.Contacts {
		out["contact "+k] = *ca
	}
	for k, f := range snap.Lazy {
		out["lazy "+k] = fmt.Sprint(f.Key, f.ContentType, f.CacheControl)
	}
	for k, v := range snap.Mastodon {
		out["mastodon "+k] = []any{v, snap.MastodonLoc[k]}
	}
	for k, v := range snap.Moved {
		out["moved "+k] = v
	}
	for k, v := range snap.Shorts {
		out["short "+k] = v
	}
	for k, m := range snap.PageLangs {
		out["langs "+k] = m
	}
	for k, p := range snap.orgFrames {
		out["frame "+k] = p
	}
	for k, o := range snap.orgs {
		static := slices.Clone(o.static)
		sort.Strings(static)
		out["org "+k] = fmt.Sprint(o.org == snap.Site.Org(k), o.times, static)
	}
	copies := slices.Clone(snap.copies)
	out["copies"] = fmt.Sprint(copies)
	out["known"] = fmt.Sprint(snap.Known)
	out["poster"] = snap.posterCSS
	if sy := snap.OtherSites; sy != nil {
		for k, e := range sy.Embeds {
			out["embed "+k] = *e
		}
		for k, r := range sy.Pages {
			resp("embed page "+k, r)
		}
		for k, set := range sy.Thanks {
			for o, r := range set {
				resp("embed thanks "+k+" "+o, r)
			}
		}
		for k, r := range sy.Feeds {
			resp("feed "+k, r)
		}
		resp("sitemap", sy.Sitemap)
	}
	return out
}
