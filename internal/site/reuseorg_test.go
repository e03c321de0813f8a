package site

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/placard/placard/internal/campaign"
	"github.com/placard/placard/internal/markdown"
)

// reuseOptions are a live server's options, at a fixed time.
func reuseOptions(now time.Time) Options {
	return Options{
		Base: "https://act.example.org", SiteName: "Placard", Mode: ModePublic, Signing: true,
		Now: func() time.Time { return now }, Files: &LazyFiles{},
	}
}

// compiledTwice compiles the examples, then compiles them again from
// the first snapshot, as a reload of unchanged files does.
func compiledTwice(t *testing.T) (loaded *campaign.Site, first, second *Snapshot) {
	t.Helper()
	loaded = loadExamples(t)
	opt := reuseOptions(time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC))
	md := markdown.New()
	first, err := Compile(opt, md, loaded, nil)
	if err != nil {
		t.Fatal(err)
	}
	second, err = Compile(opt, md, loaded, first)
	if err != nil {
		t.Fatal(err)
	}
	return loaded, first, second
}

// TestRebuildTakesUnchangedPages: building the same loaded site again, as
// a reload of unchanged files does once serve has kept the organisations
// it loaded before, takes every page, signing page, share card, embed and
// feed of the snapshot before as it is (the same pointers), instead of
// rendering them again into a second copy.
func TestRebuildTakesUnchangedPages(t *testing.T) {
	loaded, first, second := compiledTwice(t)
	if len(first.Pages) < 5 || len(first.Signing) == 0 || len(first.Lazy) == 0 {
		t.Fatalf("the examples gave %d pages, %d signing pages and %d generated files: too few to tell", len(first.Pages), len(first.Signing), len(first.Lazy))
	}
	samePointers(t, "page", first.Pages, second.Pages, "")
	samePointers(t, "signing page", first.Signing, second.Signing, "")
	sameKeys(t, "thank-you set", first.Thanks, second.Thanks)
	samePointers(t, "generated file", first.Lazy, second.Lazy, "")
	samePointers(t, "contact page", first.Contacts, second.Contacts, "")
	samePointers(t, "embed", first.OtherSites.Embeds, second.OtherSites.Embeds, "")
	samePointers(t, "feed", first.OtherSites.Feeds, second.OtherSites.Feeds, "")
	sameKeys(t, "static file", first.Static, second.Static)
	sameKeys(t, "moved address", first.Moved, second.Moved)
	sameKeys(t, "short address", first.Shorts, second.Shorts)
	sameKeys(t, "region set", first.Regions, second.Regions)
	sameKeys(t, "language notice set", first.LangNotices, second.LangNotices)
	sameKeys(t, "signing key", first.SigningKeys, second.SigningKeys)
	if len(first.Known) != len(second.Known) {
		t.Errorf("did-you-mean lists %d pages, then %d", len(first.Known), len(second.Known))
	}
	if len(second.orgs) != len(loaded.Orgs) {
		t.Errorf("the rebuild remembers %d organisations of %d", len(second.orgs), len(loaded.Orgs))
	}
}

// TestRebuildRendersChangedOrg: when one organisation's campaign file
// changed, the rebuild renders that organisation's pages afresh (with the
// new text) and still takes the others' as they are; a campaign whose
// close_at passed between two builds of the same files has its
// organisation rendered again too.
func TestRebuildRendersChangedOrg(t *testing.T) {
	dir := t.TempDir()
	if err := os.CopyFS(dir, os.DirFS("../../campaigns")); err != nil {
		t.Fatal(err)
	}
	load := func() *campaign.Site {
		loaded, problems := campaign.Load(dir)
		if problems.HasErrors() {
			t.Fatal(problems.Errors())
		}
		return loaded
	}
	before := load()
	now := time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)
	opt := reuseOptions(now)
	md := markdown.New()
	first, err := Compile(opt, md, before, nil)
	if err != nil {
		t.Fatal(err)
	}

	file := filepath.Join(dir, "shared-shore", "keep-the-library-open-late.yaml")
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	const marker = "Zanzibar-reload-marker"
	changed := strings.Replace(string(data), "en: Keep the Shore Library open", "en: "+marker+" Keep the Shore Library open", 1)
	if changed == string(data) {
		t.Fatal("found no title line to change")
	}
	if err := os.WriteFile(file, []byte(changed), 0o644); err != nil {
		t.Fatal(err)
	}
	after := load()
	// As serve hands it over: the unchanged organisations are the ones
	// loaded before (cmd/placard's adopt).
	orgs := make([]*campaign.Org, len(after.Orgs))
	for i, o := range after.Orgs {
		orgs[i] = o
		if o.Slug != "shared-shore" {
			orgs[i] = before.Org(o.Slug)
		}
	}
	mixed := campaign.SiteOf(orgs, before.Config)
	second, err := Compile(opt, md, mixed, first)
	if err != nil {
		t.Fatal(err)
	}
	const p = "/shared-shore/keep-the-library-open-late"
	page := second.Pages[p]
	lc := second.Signing[p]
	switch {
	case page != nil:
		if page == first.Pages[p] || !strings.Contains(string(page.Body()), marker) {
			t.Errorf("%s was not rendered again with its new title", p)
		}
	case lc != nil:
		if lc == first.Signing[p] || !strings.Contains(lc.Campaign.Title, marker) {
			t.Errorf("%s was not rendered again with its new title", p)
		}
	default:
		t.Fatalf("%s has no page after the rebuild", p)
	}
	if second.Pages["/shared-shore"] == first.Pages["/shared-shore"] {
		t.Error("the changed organisation's own page was taken from the build before")
	}
	samePointers(t, "page", first.Pages, second.Pages, "/shared-shore")

	// The same files later, once a campaign's close_at has passed.
	closing := mixed.Orgs[0].Campaigns[0]
	closing.CloseAt = now.Add(time.Hour)
	third, err := Compile(opt, md, mixed, second)
	if err != nil {
		t.Fatal(err)
	}
	fourth, err := Compile(reuseOptions(now.Add(2*time.Hour)), md, mixed, third)
	if err != nil {
		t.Fatal(err)
	}
	orgPage := "/" + closing.Org.Slug
	if third.Pages[orgPage] == nil || fourth.Pages[orgPage] == third.Pages[orgPage] {
		t.Errorf("%s was taken as it was after one of its campaigns closed", orgPage)
	}
}

// samePointers checks that every entry of want, but the home page (built
// each time from every organisation) and those of the organisation at
// the address except ("" for none), is the very same value in got.
func samePointers[V comparable](t *testing.T, what string, want, got map[string]V, except string) {
	t.Helper()
	for k, v := range want {
		if k == "/" || except != "" && under(k, strings.TrimPrefix(except, "/")) {
			continue
		}
		if g, ok := got[k]; !ok {
			t.Errorf("%s %s is missing after the rebuild", what, k)
		} else if g != v {
			t.Errorf("%s %s was made again instead of taken as it was", what, k)
		}
	}
}

// sameKeys checks that want and got hold the same addresses.
func sameKeys[V any](t *testing.T, what string, want, got map[string]V) {
	t.Helper()
	for k := range want {
		if _, ok := got[k]; !ok {
			t.Errorf("%s %s is missing after the rebuild", what, k)
		}
	}
	for k := range got {
		if _, ok := want[k]; !ok {
			t.Errorf("%s %s is new after the rebuild", what, k)
		}
	}
}
