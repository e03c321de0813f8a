package site

import (
	"sort"
	"strings"

	"github.com/placard/placard/internal/spell"
	"github.com/placard/placard/views"
)

// ClosePages returns up to n known pages whose address is close to p, best
// first: the same address in other capitals, a campaign slug asked for
// under the wrong organisation, or an address a few typing mistakes away.
func ClosePages(known []views.Link, p string, n int) []views.Link {
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
			// The right slug under the wrong parent (or none) costs a little.
			d = dl + 1
		}
		limit := max(2, len(have)/3)
		if d <= limit {
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
