package web

import (
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/placard/placard/internal/campaign/campaigntest"
	"github.com/placard/placard/internal/markdown"
	"github.com/placard/placard/internal/site"
)

// TestUnpublishedFilesStayPrivate: a picture or document only a draft or
// a campaign waiting for its publish_at names is not served at its public
// address (an embargoed report.pdf has a guessable name), while the
// preview shows it through keyed, never-stored addresses only the preview
// names; once publish_at passes, the rebuilt site serves it publicly.
func TestUnpublishedFilesStayPrivate(t *testing.T) {
	const key = "0123456789abcdef-preview"
	f := testFiles(t)
	f["riverside/assets/embargo.pdf"] = strings.Repeat("e", 2000)
	f["riverside/assets/draft-hero.png"] = string(testPNG(t, 900, 450))
	f["riverside/assets/launch.png"] = string(testPNG(t, 800, 400))
	f["riverside/embargoed.yaml"] = `title: Embargoed report
summary: Out on Monday.
date: 2026-02-10
publish_at: 2030-01-01T00:00:00Z
image:
  src: assets/launch.png
  alt: The launch
actions:
  - kind: resources
    items:
      - title: The report
        file: assets/embargo.pdf
`
	f["riverside/secret-plan.yaml"] = `title: Secret plan
summary: Not yet.
status: draft
date: 2026-03-01
image:
  src: assets/draft-hero.png
  alt: A plan
actions:
  - kind: share
    messages:
      default: Not yet.
`
	site := campaigntest.Site(t, f)
	var now atomic.Pointer[time.Time]
	start := time.Date(2029, 12, 31, 0, 0, 0, 0, time.UTC)
	now.Store(&start)
	s, err := New(Config{BaseURL: "http://127.0.0.1:1", PreviewKey: key, Now: func() time.Time { return *now.Load() }}, site)
	if err != nil {
		t.Fatal(err)
	}
	snap := s.snap.Load()
	addr := func(prefix string) string {
		for k := range snap.Static {
			if strings.HasPrefix(k, "/static/riverside/assets/"+prefix+".") {
				return k
			}
		}
		t.Fatalf("no address for %s among %v", prefix, keys(snap.Static))
		return ""
	}
	report, draftHero, launch, hero := addr("embargo"), addr("draft-hero"), addr("launch"), addr("hero")
	const nothing = "/static/riverside/assets/nothing.0123456789ab.pdf"
	missing := get(t, s, "GET", nothing, nil)
	wantStatus(t, missing, 404)
	missingBody := body(t, missing)
	for _, p := range []string{report, draftHero, launch} {
		res := get(t, s, "GET", p, nil)
		wantStatus(t, res, 404)
		if b := body(t, res); b != strings.ReplaceAll(missingBody, nothing, p) {
			t.Errorf("%s: 404 differs from a missing file's:\n%s", p, b)
		}
		wantStatus(t, get(t, s, "GET", p+"?preview="+key, nil), 404)
	}
	wantStatus(t, get(t, s, "GET", hero, nil), 200) // a public page's picture

	// The previews name their files at keyed addresses, served no-store.
	for _, tc := range []struct{ page, file string }{
		{"/riverside/secret-plan", draftHero},
		{"/riverside/embargoed", report},
		{"/riverside/embargoed", launch},
	} {
		res := get(t, s, "GET", tc.page+"?preview="+key, nil)
		wantStatus(t, res, 200)
		b := body(t, res)
		i := strings.Index(b, tc.file+"?")
		if i < 0 {
			t.Errorf("%s preview names no keyed %s", tc.page, tc.file)
			continue
		}
		ref := b[i:]
		ref = ref[:strings.IndexAny(ref, "\"' ")]
		ref = strings.ReplaceAll(ref, "&amp;", "&")
		if strings.Contains(ref, key) {
			t.Errorf("%s: the preview key itself is in a file's address", ref)
		}
		res = get(t, s, "GET", ref, nil)
		wantStatus(t, res, 200)
		wantHeader(t, res, "Cache-Control", "no-store")
		u, _ := url.Parse(ref)
		q := u.Query()
		for k := range q {
			q.Set(k, q.Get(k)[:len(q.Get(k))-1]+"A")
		}
		if tampered := u.Path + "?" + q.Encode(); tampered != ref {
			wantStatus(t, get(t, s, "GET", tampered, nil), 404)
		}
		// A keyed address of one file opens no other.
		wantStatus(t, get(t, s, "GET", hero+"?"+u.RawQuery, nil), 200)
		wantStatus(t, get(t, s, "GET", strings.Replace(ref, u.Path, missingOther(u.Path, report, draftHero), 1), nil), 404)
	}

	// publish_at passes: the site is rebuilt then, and the report is public.
	later := time.Date(2030, 1, 2, 0, 0, 0, 0, time.UTC)
	now.Store(&later)
	if err := s.SetSite(site); err != nil {
		t.Fatal(err)
	}
	wantStatus(t, get(t, s, "GET", report, nil), 200)
	wantStatus(t, get(t, s, "GET", launch, nil), 200)
	wantStatus(t, get(t, s, "GET", draftHero, nil), 404)
}

// missingOther is the one of a and b that is not p.
func missingOther(p, a, b string) string {
	if p == a {
		return b
	}
	return a
}

// TestConsolePreviewFilesOpen: the console's editor compiles its preview
// of a draft apart from the server (internal/editing), with the server's
// PreviewFileKey; the file addresses it names open on a server that has
// no preview key, and the plain address stays not found.
func TestConsolePreviewFilesOpen(t *testing.T) {
	f := testFiles(t)
	f["riverside/assets/draft-hero.png"] = string(testPNG(t, 900, 450))
	f["riverside/secret-plan.yaml"] = `title: Secret plan
summary: Not yet.
status: draft
date: 2026-03-01
image:
  src: assets/draft-hero.png
  alt: A plan
actions:
  - kind: share
    messages:
      default: Not yet.
`
	loaded := campaigntest.Site(t, f)
	s, err := New(Config{BaseURL: "http://127.0.0.1:1"}, loaded)
	if err != nil {
		t.Fatal(err)
	}
	snap, err := site.Compile(site.Options{PreviewKey: "console-preview", FileKey: s.PreviewFileKey(), Now: time.Now, Files: &site.LazyFiles{}},
		markdown.New(), loaded, nil)
	if err != nil {
		t.Fatal(err)
	}
	pv := snap.Previews["/riverside/secret-plan"]
	if pv == nil {
		t.Fatal("no preview of the draft")
	}
	b := string(pv.Body())
	i := strings.Index(b, "/static/riverside/assets/draft-hero.")
	if i < 0 {
		t.Fatalf("the preview names no draft-hero")
	}
	ref := b[i:]
	ref = strings.ReplaceAll(ref[:strings.IndexAny(ref, "\"' ")], "&amp;", "&")
	plain, _, _ := strings.Cut(ref, "?")
	if plain == ref {
		t.Fatalf("the preview names %s without a key", ref)
	}
	res := get(t, s, "GET", ref, nil)
	wantStatus(t, res, 200)
	wantHeader(t, res, "Cache-Control", "no-store")
	wantStatus(t, get(t, s, "GET", plain, nil), 404)
}
