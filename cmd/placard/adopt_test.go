package main

import (
	"fmt"
	"log/slog"
	"maps"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/placard/placard/internal/campaign"
	"github.com/placard/placard/internal/web"
)

// TestAdoptKeepsUnchangedOrgs: a reload hands the site builder the
// organisations loaded before wherever their folder reads the same bytes,
// and the fresh copy where a file changed; a change to the site's own
// settings (site.yaml) keeps none, so every page is built again.
func TestAdoptKeepsUnchangedOrgs(t *testing.T) {
	dir := t.TempDir()
	if err := os.CopyFS(dir, os.DirFS("../../campaigns")); err != nil {
		t.Fatal(err)
	}
	load := func() (*campaign.Site, folderSums) {
		sums := sumFolders(dir)
		loaded, problems := campaign.Load(dir)
		if problems.HasErrors() {
			t.Fatal(problems.Errors())
		}
		return loaded, sums
	}
	first, firstSums := load()
	if len(first.Orgs) < 2 {
		t.Fatalf("the examples have %d organisations: too few to tell", len(first.Orgs))
	}

	// Nothing changed: every organisation and the settings are the ones
	// loaded before.
	again, againSums := load()
	same := adopt(first, firstSums, again, againSums)
	for _, o := range first.Orgs {
		if same.Org(o.Slug) != o {
			t.Errorf("%s was not kept though its files did not change", o.Slug)
		}
	}
	if same.Config != first.Config {
		t.Error("the site's settings were not kept though site.yaml did not change")
	}

	// One campaign file changed: its organisation is the new load, and so
	// is common-table, whose letter names that campaign as related.
	appendTo(t, filepath.Join(dir, "orrin-delta-network", "stand-with-delta-responders.yaml"), "\n# an organiser's note\n")
	next, nextSums := load()
	mixed := adopt(first, firstSums, next, nextSums)
	fresh := map[string]bool{"orrin-delta-network": true, "common-table": true}
	for _, o := range first.Orgs {
		got := mixed.Org(o.Slug)
		switch {
		case fresh[o.Slug] && got != next.Org(o.Slug):
			t.Errorf("%s changed, or names a campaign that did, but its new load was not used", o.Slug)
		case !fresh[o.Slug] && got != o:
			t.Errorf("%s was not kept though its files did not change", o.Slug)
		}
	}
	if len(mixed.Orgs) != len(next.Orgs) {
		t.Errorf("the site has %d organisations, the files %d", len(mixed.Orgs), len(next.Orgs))
	}

	// shared-shore's campaign now names one of orrin-delta-network's as
	// related: shared-shore is loaded afresh, and its related campaign is
	// the kept organisation's own, not the copy just parsed.
	appendTo(t, filepath.Join(dir, "shared-shore", "keep-the-library-open-late.yaml"),
		"\nrelated:\n  - campaign: orrin-delta-network/stand-with-delta-responders\n")
	third, thirdSums := load()
	kept := adopt(next, nextSums, third, thirdSums)
	if kept.Org("orrin-delta-network") != next.Org("orrin-delta-network") {
		t.Fatal("orrin-delta-network was not kept though its files did not change")
	}
	if kept.Org("shared-shore") != third.Org("shared-shore") {
		t.Fatal("shared-shore changed but its new load was not used")
	}
	related := kept.Org("shared-shore").Campaign("keep-the-library-open-late").Related
	want := next.Org("orrin-delta-network").Campaign("stand-with-delta-responders")
	if len(related) != 1 || related[0].Target != want {
		t.Errorf("shared-shore's related campaign is not the kept organisation's own: %+v", related)
	}
	next, nextSums = third, thirdSums

	// site.yaml is new: nothing is kept.
	appendTo(t, filepath.Join(dir, "site.yaml"), "name: Our campaigns\n")
	last, lastSums := load()
	if got := adopt(kept, nextSums, last, lastSums); got != last {
		t.Error("organisations were kept though site.yaml changed")
	}
}

// appendTo adds text at the end of file, creating it if need be.
func appendTo(t *testing.T, file, text string) {
	t.Helper()
	f, err := os.OpenFile(file, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.WriteString(text); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
}

// servedExamples copies the example campaigns into a new folder, loads
// and serves them, and returns the folder, the site loaded and the
// reloader serve keeps over it (the files' sums taken before loading, as
// serve takes them).
func servedExamples(t *testing.T) (dir string, loaded *campaign.Site, rl *reloader) {
	t.Helper()
	dir = t.TempDir()
	if err := os.CopyFS(dir, os.DirFS("../../campaigns")); err != nil {
		t.Fatal(err)
	}
	rl = &reloader{dir: dir, log: slog.New(slog.DiscardHandler), sums: sumFolders(dir)}
	loaded, problems := campaign.Load(dir)
	if problems.HasErrors() {
		t.Fatal(problems.Errors())
	}
	srv, err := web.New(web.Config{BaseURL: "https://act.example.org"}, loaded)
	if err != nil {
		t.Fatal(err)
	}
	rl.srv = srv
	rl.site.Store(loaded)
	return dir, loaded, rl
}

// TestReloadUnchangedParsesNothing: a reload of files that did not change
// serves the site loaded before (nothing parsed again), and one after an
// edit serves a new site keeping the unchanged organisations.
func TestReloadUnchangedParsesNothing(t *testing.T) {
	dir, loaded, rl := servedExamples(t)
	srv := rl.srv
	if !rl.reload("test") {
		t.Fatal("the reload failed")
	}
	if rl.site.Load() != loaded || srv.CurrentSite() != loaded {
		t.Error("a reload of unchanged files loaded them again")
	}
	appendTo(t, filepath.Join(dir, "shared-shore", "keep-the-library-open-late.yaml"), "\n# an edit\n")
	if !rl.reload("test") {
		t.Fatal("the reload failed")
	}
	now := rl.site.Load()
	if now == loaded || srv.CurrentSite() != now {
		t.Fatal("a reload after an edit did not serve the new files")
	}
	if now.Org("shared-shore") == loaded.Org("shared-shore") {
		t.Error("the edited organisation was not loaded again")
	}
	if now.Org("northgate-tenants") != loaded.Org("northgate-tenants") {
		t.Error("an unchanged organisation was loaded again instead of kept")
	}
}

// TestSumsIgnoreHiddenFiles: what the loader never reads (hidden files
// and folders, such as the .git folder the console's saves commit to) does
// not count in the sums, so a commit leaves every organisation adoptable
// and no reload reads a repository's history; a campaign file still does.
func TestSumsIgnoreHiddenFiles(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) {
		t.Helper()
		writeFile(t, filepath.Join(dir, name), []byte(text))
	}
	write("riverside/org.yaml", "name: Riverside\n")
	write("riverside/keep-the-library-open.yaml", "title: Keep it open\n")
	before := sumFolders(dir)
	write(".git/objects/ab/cdef", "a commit")
	write("riverside/.hidden/notes", "scratch")
	write("riverside/.draft.yaml.swp", "swap")
	after := sumFolders(dir)
	if !maps.Equal(before, after) {
		t.Errorf("hidden files changed the sums: before %d entries, after %d", len(before), len(after))
	}
	write("riverside/keep-the-library-open.yaml", "title: Keep it open late\n")
	if edited := sumFolders(dir); edited["riverside"] == after["riverside"] {
		t.Error("an edited campaign file left its organisation's sum unchanged")
	}
}

// TestReloadKeepsUnchangedOrgsUnread: after an edit, a reload does not
// read again the organisations whose files did not change (keepable hands
// them to the loader), but reads the edited one and every organisation
// whose campaigns name its campaigns as related; a change to the site's
// own files keeps none.
func TestReloadKeepsUnchangedOrgsUnread(t *testing.T) {
	dir := t.TempDir()
	if err := os.CopyFS(dir, os.DirFS("../../campaigns")); err != nil {
		t.Fatal(err)
	}
	sums := sumFolders(dir)
	loaded, problems := campaign.Load(dir)
	if problems.HasErrors() {
		t.Fatal(problems.Errors())
	}
	appendTo(t, filepath.Join(dir, "orrin-delta-network", "stand-with-delta-responders.yaml"), "\n# an organiser's note\n")
	keep := keepable(loaded, sums, sumFolders(dir))
	fresh := map[string]bool{"orrin-delta-network": true, "common-table": true}
	for _, o := range loaded.Orgs {
		if fresh[o.Slug] != (keep[o.Slug] == nil) {
			t.Errorf("%s: kept %v", o.Slug, keep[o.Slug] != nil)
		}
	}
	rl := &reloader{dir: dir, log: slog.New(slog.DiscardHandler), sums: sums}
	srv, err := web.New(web.Config{BaseURL: "https://act.example.org"}, loaded)
	if err != nil {
		t.Fatal(err)
	}
	rl.srv = srv
	rl.site.Store(loaded)
	// An unchanged organisation's folder is not read: a file there that
	// cannot be read would make its sum unique, so its bytes are broken
	// instead, after the sums were taken, and the reload must not see it.
	rl.sums = sumFolders(dir)
	appendTo(t, filepath.Join(dir, "orrin-delta-network", "stand-with-delta-responders.yaml"), "\n# a second note\n")
	next := filepath.Join(dir, "northgate-tenants", "org.yaml")
	data, err := os.ReadFile(next)
	if err != nil {
		t.Fatal(err)
	}
	sumsBefore := rl.sums
	rl.sums = maps.Clone(sumsBefore)
	if err := os.WriteFile(next, []byte("name: [\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	// The sums say northgate-tenants is as loaded: as if the file had been
	// broken between the sums and the load.
	rl.sums["northgate-tenants"] = sumFolders(dir)["northgate-tenants"]
	if !rl.reload("test") {
		t.Fatal("the reload read northgate-tenants' folder, which did not change")
	}
	if rl.site.Load().Org("northgate-tenants") != loaded.Org("northgate-tenants") {
		t.Error("northgate-tenants was not kept")
	}
	if err := os.WriteFile(next, data, 0o644); err != nil {
		t.Fatal(err)
	}

	appendTo(t, filepath.Join(dir, "site.yaml"), "name: Our campaigns\n")
	if keep := keepable(rl.site.Load(), rl.sums, sumFolders(dir)); keep != nil {
		t.Errorf("%d organisations kept though site.yaml changed", len(keep))
	}
}

// TestReloadEditDuringLoad: an edit that lands while a reload reads the
// files, then is undone, must not leave the undone words live. The sums
// are taken before loading, so the load read the edit while the sums
// remember the bytes before it; the undo made the files read as those
// sums again, and every later reload saw "no byte changed" and kept
// serving the edit — a statement an organiser published by mistake and
// took back stayed on the page. Failed before: the undone title was
// still served, whether the undo came before or after the load ended.
func TestReloadEditDuringLoad(t *testing.T) {
	for _, undoWhileLoading := range []bool{false, true} {
		t.Run(fmt.Sprintf("undone while loading %v", undoWhileLoading), func(t *testing.T) {
			dir, _, rl := servedExamples(t)
			file := filepath.Join(dir, "shared-shore", "keep-the-library-open-late.yaml")
			original, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			title := func() string {
				return rl.site.Load().Org("shared-shore").Campaign("keep-the-library-open-late").Title
			}
			before := title()
			// Each save is a write with a time of its own, as an editor's.
			saved := time.Now()
			save := func(text []byte) {
				t.Helper()
				saved = saved.Add(time.Second)
				if err := os.WriteFile(file, text, 0o644); err != nil {
					t.Fatal(err)
				}
				if err := os.Chtimes(file, saved, saved); err != nil {
					t.Fatal(err)
				}
			}
			undo := func() { save(append(slices.Clip(original), "\n# an earlier save\n"...)) }

			// The organiser's slip, saved while a reload (asked for by an
			// earlier save) is reading the files.
			undo()
			slip := strings.Replace(string(original), "en: Keep the Shore Library open in the evenings", "en: A NAME THAT MUST NOT BE SHOWN", 1)
			rl.load = func(dir string, o campaign.LoadOptions) (*campaign.Site, campaign.Problems) {
				save([]byte(slip + "\n# an earlier save\n"))
				s, p := campaign.LoadWith(dir, o)
				if undoWhileLoading {
					undo()
				}
				return s, p
			}
			_ = rl.reload("test")
			rl.load = nil
			if !undoWhileLoading {
				undo()
			}
			if !rl.reload("test") {
				t.Fatal("the reload after the undo failed")
			}
			if got := title(); got != before {
				t.Errorf("after the undo the campaign's title is %q; want %q as the file says", got, before)
			}
		})
	}
}

// TestSumsStream: summing the campaigns folder streams each file: a large
// file the loader never reads (a video beside the assets) was read whole
// into memory at every reload. Failed before: 64 MB allocated.
func TestSumsStream(t *testing.T) {
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "riverside", "assets"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "riverside", "org.yaml"), []byte("name: Riverside\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	big, err := os.Create(filepath.Join(dir, "riverside", "assets", "film.mp4"))
	if err != nil {
		t.Fatal(err)
	}
	const size = 64 << 20
	if err := big.Truncate(size); err != nil { // sparse: nothing written
		t.Fatal(err)
	}
	big.Close()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	sums := sumFolders(dir)
	runtime.ReadMemStats(&after)
	if got := after.TotalAlloc - before.TotalAlloc; got > size/4 {
		t.Errorf("summing a folder with a %d MB file allocated %d MB", size>>20, got>>20)
	}
	if again := sumFolders(dir); again["riverside"] != sums["riverside"] {
		t.Error("the same files summed differently")
	}

}

// TestSumsSmallGarbage: summing reads every file through one buffer. Each
// file was copied into the hash through a 32 KB buffer of its own (io.Copy
// through os.File's WriteTo), the largest garbage of a start: 77 MB at
// 1,000 campaigns, collected at the build's GOGC. Failed before: about
// 33 KB allocated per file.
func TestSumsSmallGarbage(t *testing.T) {
	dir := t.TempDir()
	const files = 200
	for i := range files {
		org := filepath.Join(dir, fmt.Sprintf("org-%d", i%10))
		if err := os.MkdirAll(org, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(org, fmt.Sprintf("c-%d.yaml", i)), []byte("title: A campaign\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	sumFolders(dir) // the runtime's own first-use allocations
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	sumFolders(dir)
	runtime.ReadMemStats(&after)
	if per := (after.TotalAlloc - before.TotalAlloc) / files; per > 4<<10 {
		t.Errorf("summing allocated %d bytes per file, want at most 4 KB", per)
	}
}

// TestAdoptSiteLogoInAnOrgsFolder: site.yaml's logo is read from the assets
// folder beside it even when that folder is an organisation's (it holds
// an org.yaml). A new logo there changed only that organisation's sum, so
// the reload kept the site's settings loaded before, and the old logo with
// them. Failed before: the site kept the old logo's bytes.
func TestAdoptSiteLogoInAnOrgsFolder(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) {
		t.Helper()
		writeFile(t, filepath.Join(dir, name), []byte(text))
	}
	logo := func(w string) string {
		return `<svg xmlns="http://www.w3.org/2000/svg" width="` + w + `" height="10"><rect width="10" height="10"/></svg>`
	}
	load := func() (*campaign.Site, folderSums) {
		t.Helper()
		sums := sumFolders(dir)
		s, problems := campaign.Load(dir)
		if problems.HasErrors() {
			t.Fatal(problems.Errors())
		}
		return s, sums
	}
	write("site.yaml", "name: Site\nlogo:\n  src: assets/logo.svg\n  alt: The site\n")
	write("assets/org.yaml", "name: Assets\n")
	write("assets/logo.svg", logo("10"))
	write("riverside/org.yaml", "name: Riverside\n")
	first, firstSums := load()
	write("assets/logo.svg", logo("20"))
	next, nextSums := load()
	got := adopt(first, firstSums, next, nextSums)
	if a := got.Config.Logo.Asset; a == nil || a.Width != 20 {
		w := 0
		if a != nil {
			w = a.Width
		}
		t.Errorf("after a new logo the site's logo is %d wide; want the new one, 20 wide", w)
	}
}
