package site

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/placard/placard/internal/spell"
	"github.com/placard/placard/views"
)

// closePagesInFull is ClosePages as it was, comparing every address in
// full: what the bounded search must answer until its budget is spent.
func closePagesInFull(known []views.Link, p string, n int) []views.Link {
	want := strings.ToLower(strings.Trim(p, "/"))
	if want == "" || len(want) > 200 {
		return nil
	}
	last := want[strings.LastIndexByte(want, '/')+1:]
	type scored struct {
		l     views.Link
		score int
	}
	var hits []scored
	for _, l := range known {
		have := strings.ToLower(strings.Trim(l.URL, "/"))
		d := spell.Distance(want, have)
		haveLast := have[strings.LastIndexByte(have, '/')+1:]
		if dl := spell.Distance(last, haveLast); dl < d {
			d = dl + 1
		}
		if d <= max(2, len(have)/3) {
			hits = append(hits, scored{l, d})
		}
	}
	sort.SliceStable(hits, func(i, j int) bool { return hits[i].score < hits[j].score })
	var out []views.Link
	for i := 0; i < len(hits) && i < n; i++ {
		out = append(out, hits[i].l)
	}
	return out
}

// bigSite is the addresses of a site of n campaigns, ten per
// organisation, sorted as Snapshot.Known is.
func bigSite(n int) []views.Link {
	var known []views.Link
	for i := range n / 10 {
		known = append(known, views.Link{URL: fmt.Sprintf("/organisation-%d", i)})
	}
	for i := range n {
		known = append(known, views.Link{URL: fmt.Sprintf("/organisation-%d/campaign-for-the-library-%d", i/10, i)})
	}
	slices.SortFunc(known, func(a, b views.Link) int { return strings.Compare(a.URL, b.URL) })
	return known
}

// TestClosePagesSameAsInFull: the bounded search suggests what comparing
// every address in full suggests, on a site it covers whole.
func TestClosePagesSameAsInFull(t *testing.T) {
	known := []views.Link{{URL: "/riverside"}, {URL: "/riverside/save-the-library"}, {URL: "/riverside/save-the-library/ar"},
		{URL: "/riverside/parks"}, {URL: "/north-gate"}, {URL: "/north-gate/save-the-library"}, {URL: "/north-gate/bus-lanes"},
		{URL: "/north/bus"}, {URL: "/ab"}, {URL: "/ab/cd"}}
	known = append(known, bigSite(300)...)
	slices.SortFunc(known, func(a, b views.Link) int { return strings.Compare(a.URL, b.URL) })
	asks := []string{"/riverside/save-the-libary", "/Riverside/Save-The-Library", "/north-gate/parks", "/nort/bus",
		"/save-the-library", "/ab/dc", "/ba", "/organisation-3/campaign-for-the-libary-31", "/organisation-7",
		"/organisation-29/campaign-for-the-library-2900/ar", "/riverside/سلام", "/", "/x/y/z"}
	r := rand.New(rand.NewPCG(1, 2))
	const letters = "abcdeilnorst-/"
	for range 300 {
		// An address a few edits from a known one, or noise.
		b := []byte(strings.Trim(known[r.IntN(len(known))].URL, "/"))
		for range r.IntN(6) {
			i := r.IntN(len(b) + 1)
			switch r.IntN(3) {
			case 0:
				b = slices.Insert(b, i, letters[r.IntN(len(letters))])
			case 1:
				if i < len(b) {
					b = slices.Delete(b, i, i+1)
				}
			default:
				if i+1 < len(b) {
					b[i], b[i+1] = b[i+1], b[i]
				}
			}
		}
		asks = append(asks, "/"+string(b))
	}
	for _, p := range asks {
		got, _ := closePages(known, p, 3)
		if want := closePagesInFull(known, p, 3); !slices.Equal(got, want) {
			t.Errorf("ClosePages(%q) = %v, compared in full %v", p, got, want)
		}
	}
}

// TestClosePagesBoundedWork: a 404 is answered with suggestions for
// any address a reader chooses, so what one search computes is bounded
// however many pages the site has. Compared in full, a 200-character
// address cost a site of 10,000 campaigns 2 × 10,000 distances of 200 ×
// 45 cells (a third of a CPU second); an address made to look like every
// page, 40,000 distances of 45 × 45.
func TestClosePagesBoundedWork(t *testing.T) {
	known := bigSite(10000)
	hostile := []string{
		"/" + strings.Repeat("x", 199),
		"/" + strings.Repeat("organisation-1/", 13),
		"/organisation-500/campaign-for-the-library-5x00",
		"/organisation-50/campaign-for-the-library-5", // near hundreds of pages
		"/" + strings.Repeat("ب", 99),
	}
	for _, p := range hostile {
		_, cells := closePages(known, p, 3)
		if limit := 4<<20 + 200*200; cells > limit {
			t.Errorf("ClosePages(%q…) computed %d cells, want at most %d", p[:min(len(p), 40)], cells, limit)
		}
	}
	// A typo under an organisation is found however large the site.
	got := ClosePages(known, "/organisation-500/campaign-for-the-libary-5003", 3)
	if len(got) == 0 || got[0].URL != "/organisation-500/campaign-for-the-library-5003" {
		t.Errorf("the typo's page is not suggested first: %v", got)
	}
}
