package site

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/placard/placard/internal/campaign"
	"github.com/placard/placard/internal/markdown"
	"github.com/placard/placard/internal/pagecache"
)

// loadExamples loads the repository's example campaigns.
func loadExamples(t *testing.T) *campaign.Site {
	t.Helper()
	loaded, problems := campaign.Load("../../campaigns")
	if problems.HasErrors() {
		t.Fatalf("the example campaigns have problems: %v", problems.Errors())
	}
	return loaded
}

// TestStaticFormPolicy: in a static copy whose forms post to a live
// server, exactly the pages and embeds holding such a form allow that
// origin in form-action. The policy is decided from what the page is (its
// props hold an open signing form), and must agree with what it shows.
func TestStaticFormPolicy(t *testing.T) {
	const origin = "https://act.example.org"
	files := &LazyFiles{}
	snap, err := Compile(Options{
		Base: "https://static.example", SiteName: "Placard", Mode: ModeStatic,
		FormOrigin: origin, Now: time.Now, Files: files,
	}, markdown.New(), loadExamples(t), nil)
	if err != nil {
		t.Fatal(err)
	}
	withForm, without := 0, 0
	check := func(p string, body []byte, csp string) {
		posts := bytes.Contains(body, []byte(`action="`+origin+`/`))
		allows := strings.Contains(csp, "form-action 'self' "+origin)
		if posts != allows {
			t.Errorf("%s: posts to the live server %v, but its policy allows it %v: %q", p, posts, allows, csp)
		}
		if posts {
			withForm++
		} else {
			without++
		}
	}
	for p, r := range snap.Pages {
		check(p, r.Body(), r.CSP())
	}
	for p, r := range snap.OtherSites.Pages {
		check(p, r.Body(), r.CSP())
	}
	if withForm == 0 || without == 0 {
		t.Errorf("pages with a form %d, without %d: the examples should have both", withForm, without)
	}
	if len(snap.Signing) != 0 {
		t.Errorf("a static copy has %d signing campaigns, want none", len(snap.Signing))
	}
}

// TestPreviewHasNoForm: a preview of a campaign not yet public shows no
// signing form, even on a server taking signatures (ModePreview, not the
// snapshot's ModePublic).
func TestPreviewHasNoForm(t *testing.T) {
	loaded := loadExamples(t)
	later := time.Now().AddDate(1, 0, 0)
	for _, o := range loaded.Orgs {
		for _, lang := range o.Langs() {
			for _, c := range o.In(lang).Campaigns {
				c.PublishAt = later
			}
		}
	}
	snap, err := Compile(Options{
		Base: "https://act.example.org", SiteName: "Placard", Mode: ModePublic, Signing: true,
		PreviewKey: strings.Repeat("k", 16), Now: time.Now, Files: &LazyFiles{},
	}, markdown.New(), loaded, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(snap.Previews) == 0 || len(snap.Signing) != 0 {
		t.Fatalf("%d previews and %d signing campaigns, want only previews", len(snap.Previews), len(snap.Signing))
	}
	for p, r := range snap.Previews {
		if bytes.Contains(r.Body(), []byte(`class="sign-form"`)) {
			t.Errorf("preview %s shows a signing form", p)
		}
	}
}

// TestStaticFilesShared: static files with the same bytes share one
// prepared response, within a snapshot and with the snapshot before, so
// copied organisations and reloads do not hold the same file twice.
func TestStaticFilesShared(t *testing.T) {
	opt := Options{Base: "https://act.example.org", SiteName: "Placard", Now: time.Now, Files: &LazyFiles{}}
	loaded := loadExamples(t)
	first, err := Compile(opt, markdown.New(), loaded, nil)
	if err != nil {
		t.Fatal(err)
	}
	second, err := Compile(opt, markdown.New(), loadExamples(t), first)
	if err != nil {
		t.Fatal(err)
	}
	shared := 0
	for u, r := range second.Static {
		if first.Static[u] != r {
			t.Errorf("%s: the reload prepared the unchanged file again", u)
		}
		shared++
	}
	if shared == 0 {
		t.Fatal("no static files")
	}
	// Two addresses with the same bytes and type share a response.
	b := &builder{snap: &Snapshot{Static: map[string]*pagecache.Response{}, byContent: map[string]*pagecache.Response{}}}
	data := []byte("body { color: red }" + strings.Repeat(" ", 300))
	u1, u2 := b.addStatic("a/x.css", data, ""), b.addStatic("b/x.css", bytes.Clone(data), "")
	if u1 == u2 || b.snap.Static[u1] != b.snap.Static[u2] {
		t.Errorf("%s and %s: not one shared response", u1, u2)
	}
}

// TestReloadReusesPages: a build that renders its pages at once (a static
// copy's, or eager) after one of the same campaigns hands back the pages
// the build before prepared (no compression, one copy of the bytes for
// both snapshots); a server's build renders none of them.
func TestReloadReusesPages(t *testing.T) {
	opt := Options{Base: "https://act.example.org", SiteName: "Placard", Signing: true, Now: time.Now, Files: &LazyFiles{}, eager: true}
	first, err := Compile(opt, markdown.New(), loadExamples(t), nil)
	if err != nil {
		t.Fatal(err)
	}
	second, err := Compile(opt, markdown.New(), loadExamples(t), first)
	if err != nil {
		t.Fatal(err)
	}
	if len(second.Pages) == 0 || len(second.Signing) == 0 {
		t.Fatalf("%d pages, %d signing pages", len(second.Pages), len(second.Signing))
	}
	for p, r := range second.Pages {
		if !first.Pages[p].Shares(r) {
			t.Errorf("%s: prepared again", p)
		}
	}
	for p, lc := range second.Signing {
		if lc.Pages.Load().Main != first.Signing[p].Pages.Load().Main {
			t.Errorf("%s: signing page prepared again", p)
		}
		if lc.reuse != nil {
			t.Errorf("%s: still reusing after the build", p)
		}
	}
	opt.eager = false
	lazy, err := Compile(opt, markdown.New(), loadExamples(t), first)
	if err != nil {
		t.Fatal(err)
	}
	for p, r := range lazy.Pages {
		if r.Rendered() {
			t.Errorf("%s: rendered at the build, not on its first request", p)
		}
	}
	for p, lc := range lazy.Signing {
		if lc.Pages.Load() != nil {
			t.Errorf("%s: signing page rendered at the build, not on its first request", p)
		}
	}
	for p, set := range lazy.Thanks {
		for o, r := range set {
			if r.Rendered() {
				t.Errorf("%s %s: thank-you page rendered at the build", p, o)
			}
		}
	}
}
