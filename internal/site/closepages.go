package site

import (
	"slices"
	"strings"

	"github.com/placard/placard/views"
)

// ClosePages returns up to n known pages whose address is close to p, best
// first: the same address in other capitals, a campaign slug asked for
// under the wrong organisation, or an address a few typing mistakes away.
//
// It runs for every 404, whose address anyone may choose, so its work is
// bounded: the distances are computed only as far as they can still be
// near enough (closeDistance), and one search computes at most
// maxCloseCells cells of them, looking first at the pages under the
// organisation p names. Until that budget is spent the answer is exactly
// what comparing every address in full gives.
func ClosePages(known []views.Link, p string, n int) []views.Link {
	out, _ := closePages(known, p, n)
	return out
}

// closePages is ClosePages, also returning how many distance cells it
// computed (tests).
func closePages(known []views.Link, p string, n int) ([]views.Link, int) {
	want := strings.ToLower(strings.Trim(p, "/"))
	if want == "" || len(want) > 200 {
		return nil, 0
	}
	last := want[strings.LastIndexByte(want, '/')+1:]
	first, _, _ := strings.Cut(want, "/")
	type scored struct {
		l     views.Link
		score int
		at    int // the place in known: ties keep known's order
	}
	var hits []scored
	d := closeSearch{want: []rune(want), last: []rune(last), budget: maxCloseCells}
	look := func(i int) {
		l := known[i]
		have := strings.ToLower(strings.Trim(l.URL, "/"))
		haveLast := have[strings.LastIndexByte(have, '/')+1:]
		limit := max(2, len(have)/3)
		best := d.distance(d.want, have, limit)
		// The right slug under the wrong parent (or none) costs a little.
		if dl := d.distance(d.last, haveLast, min(best, limit+1)-2); dl+1 < best {
			best = dl + 1
		}
		if best <= limit {
			hits = append(hits, scored{l, best, i})
		}
	}
	under := func(i int) bool {
		u := strings.TrimPrefix(known[i].URL, "/")
		return len(u) >= len(first) && strings.EqualFold(u[:len(first)], first) && (len(u) == len(first) || u[len(first)] == '/')
	}
	// The organisation's own pages first: a typo under it is found
	// however many pages others have.
	for i := range known {
		if d.budget > 0 && under(i) {
			look(i)
		}
	}
	for i := range known {
		if d.budget > 0 && !under(i) {
			look(i)
		}
	}
	slices.SortFunc(hits, func(a, b scored) int {
		if a.score != b.score {
			return a.score - b.score
		}
		return a.at - b.at
	})
	var out []views.Link
	for i := 0; i < len(hits) && i < n; i++ {
		out = append(out, hits[i].l)
	}
	return out, maxCloseCells - d.budget
}

// maxCloseCells bounds the distance cells one search computes: a few
// milliseconds of work, which covers every address of a site of a
// thousand campaigns even when the address asked for looks like all of
// them.
const maxCloseCells = 4 << 20

// closeSearch is one search's state: the address asked for, its last
// segment, the work left and the rows the distances reuse.
type closeSearch struct {
	want, last []rune
	budget     int
	b          []rune
	rows       [3][]int
}

// distance is spell.Distance(a, b) (the optimal string alignment
// distance) when it is at most limit, else any number above limit,
// computed a row at a time and given up as soon as no row can come back
// under limit: a row's least value never falls from one row to the next.
// Each cell computed counts against the search's budget.
func (s *closeSearch) distance(a []rune, have string, limit int) int {
	s.b = s.b[:0]
	for _, r := range have {
		s.b = append(s.b, r)
	}
	b := s.b
	if limit < 0 {
		return limit + 1
	}
	if abs(len(a)-len(b)) > limit {
		return limit + 1 // each extra rune is an edit
	}
	for i := range s.rows {
		if cap(s.rows[i]) < len(b)+1 {
			s.rows[i] = make([]int, len(b)+1)
		}
		s.rows[i] = s.rows[i][:len(b)+1]
	}
	prev2, prev, cur := s.rows[0], s.rows[1], s.rows[2]
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		least := i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			c := min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				c = min(c, prev2[j-2]+1)
			}
			cur[j] = c
			least = min(least, c)
		}
		s.budget -= len(b)
		if least > limit {
			return limit + 1
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[len(b)]
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}
