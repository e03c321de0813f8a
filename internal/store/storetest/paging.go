package storetest

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"testing"

	"github.com/placard/placard/internal/signing"
	"github.com/placard/placard/internal/store"
)

// RunPaging checks store.Paging on stores from open (each engine's DB
// implements it beside store.Store).
func RunPaging(t *testing.T, open Opener) {
	t.Run("PagesWalkBothWays", func(t *testing.T) { testPagesWalk(t, open(t)) })
	t.Run("PagesKeepTheirPlace", func(t *testing.T) { testPagesKeepPlace(t, open(t)) })
	t.Run("PagesRefuse", func(t *testing.T) { testPagesRefuse(t, open(t)) })
	t.Run("EachReadsEveryPage", func(t *testing.T) { testEach(t, open(t)) })
}

// testEach: store.Each hands over every signature a query names, oldest
// first, a page at a time, and stops at fn's error.
func testEach(t *testing.T, s store.Store) {
	p := pagingOf(t, s)
	sigs := pagingFixture(t, s)
	for _, limit := range []int{0, 1, 4, 13} {
		var got []int64
		err := store.Each(context.Background(), p, store.PageQuery{Org: "o", Campaigns: []string{"b"}, Limit: limit}, func(sig *signing.Signature) error {
			got = append(got, sig.ID)
			return nil
		})
		if want := expected(sigs, []string{"b"}, ""); err != nil || !slices.Equal(got, want) {
			t.Errorf("Each with pages of %d: %v, %v; want %v", limit, got, err, want)
		}
	}
	stop := errors.New("stop")
	n := 0
	err := store.Each(context.Background(), p, store.PageQuery{Org: "o", Campaigns: []string{"a", "b", "c"}, Limit: 2}, func(*signing.Signature) error {
		if n++; n == 5 {
			return stop
		}
		return nil
	})
	if err != stop || n != 5 {
		t.Errorf("Each stopping at the fifth: %v after %d", err, n)
	}
}

func pagingOf(t *testing.T, s store.Store) store.Paging {
	t.Helper()
	p, ok := s.(store.Paging)
	if !ok {
		t.Fatalf("%T does not implement store.Paging", s)
	}
	return p
}

// pagingFixture stores 40 signatures of organisation o over campaigns a,
// b and c (every fourth approved, the rest pending, individuals and
// organisations mixed) and a few of another organisation with the same
// campaign names, and returns o's signatures in id order.
func pagingFixture(t *testing.T, s store.Store) []*signing.Signature {
	t.Helper()
	var mine, all []*signing.Signature
	for i := range 40 {
		camp := []string{"a", "b", "c"}[i%3]
		st := signing.StatusPending
		if i%4 == 0 {
			st = signing.StatusApproved
		}
		var sig *signing.Signature
		if i%2 == 0 {
			sig = orgSig(camp, fmt.Sprintf("s%02d@example.org", i), fmt.Sprintf("Org %d", i), st)
		} else {
			sig = Sig("o", camp, fmt.Sprintf("s%02d@example.org", i))
			sig.Status = st
		}
		mine = append(mine, sig)
		all = append(all, sig)
		if i%7 == 0 {
			other := orgSig(camp, fmt.Sprintf("x%02d@example.org", i), "Elsewhere", signing.StatusPending)
			other.Org = "x"
			all = append(all, other)
		}
	}
	add(t, s, all...)
	return mine
}

// expected is the ids of sigs on campaigns with status ("" any).
func expected(sigs []*signing.Signature, campaigns []string, status signing.Status) []int64 {
	var ids []int64
	for _, s := range sigs {
		if slices.Contains(campaigns, s.Campaign) && (status == "" || s.Status == status) {
			ids = append(ids, s.ID)
		}
	}
	return ids
}

func ids(page store.SignaturePage) []int64 {
	var out []int64
	for _, s := range page.Signatures {
		out = append(out, s.ID)
	}
	return out
}

func readPage(t *testing.T, p store.Paging, q store.PageQuery) store.SignaturePage {
	t.Helper()
	page, err := p.SignaturePage(context.Background(), q)
	if err != nil {
		t.Fatalf("SignaturePage %+v: %v", q, err)
	}
	if len(page.Signatures) > q.Limit {
		t.Fatalf("SignaturePage %+v: %d signatures, more than the limit", q, len(page.Signatures))
	}
	return page
}

// testPagesWalk: walking a query's pages forward (After) and backward
// (Before) gives exactly its signatures, in id order, each page full but
// the last, with Older and Newer true exactly where another page is; the
// rows are the ones Signatures reads, field for field.
func testPagesWalk(t *testing.T, s store.Store) {
	p := pagingOf(t, s)
	sigs := pagingFixture(t, s)
	full := map[int64]signing.Signature{}
	for _, camp := range []string{"a", "b", "c"} {
		err := s.Signatures(context.Background(), "o", camp, "", func(sig *signing.Signature) error {
			full[sig.ID] = *sig
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	for _, tc := range []struct {
		campaigns []string
		status    signing.Status
		limit     int
	}{
		{[]string{"a", "b"}, signing.StatusPending, 4}, // the queue of several campaigns
		{[]string{"a", "b", "c"}, signing.StatusPending, 7},
		{[]string{"c"}, signing.StatusPending, 2},               // one campaign's queue
		{[]string{"b"}, "", 5},                                  // an export
		{[]string{"a", "c"}, signing.StatusApproved, 3},         // the approved only
		{[]string{"a"}, signing.StatusPending, store.MaxPage},   // one page holds it all
		{[]string{"gone"}, signing.StatusPending, 3},            // nothing at all
		{[]string{"a", "b", "c"}, signing.StatusRejected, 1000}, // refused below
	} {
		name := fmt.Sprintf("%v/%s/%d", tc.campaigns, tc.status, tc.limit)
		if tc.limit > store.MaxPage {
			continue
		}
		want := expected(sigs, tc.campaigns, tc.status)
		var got []int64
		q := store.PageQuery{Org: "o", Campaigns: tc.campaigns, Status: tc.status, Limit: tc.limit}
		for n := 0; ; n++ {
			page := readPage(t, p, q)
			got = append(got, ids(page)...)
			if page.Older != (n > 0) {
				t.Errorf("%s: page %d forward: Older %v", name, n, page.Older)
			}
			if page.Newer != (len(got) < len(want)) {
				t.Errorf("%s: page %d forward: Newer %v with %d of %d read", name, n, page.Newer, len(got), len(want))
			}
			if page.Newer && len(page.Signatures) != tc.limit {
				t.Errorf("%s: page %d forward holds %d, want %d", name, n, len(page.Signatures), tc.limit)
			}
			for _, sig := range page.Signatures {
				if !reflect.DeepEqual(sig, full[sig.ID]) {
					t.Errorf("%s: signature %d on a page:\n got %+v\nwant %+v", name, sig.ID, sig, full[sig.ID])
				}
			}
			if !page.Newer || n > len(want) {
				break
			}
			q.After = page.Signatures[len(page.Signatures)-1].ID
		}
		if !slices.Equal(got, want) {
			t.Errorf("%s: forward pages %v, want %v", name, got, want)
		}
		// Backward from past the end: the same signatures, the newest
		// page first, each page still oldest first.
		got = nil
		q = store.PageQuery{Org: "o", Campaigns: tc.campaigns, Status: tc.status, Limit: tc.limit, Before: 1 << 60, After: 5}
		for n := 0; ; n++ {
			page := readPage(t, p, q)
			got = append(ids(page), got...)
			if page.Newer != (n > 0) {
				t.Errorf("%s: page %d backward: Newer %v", name, n, page.Newer)
			}
			if page.Older != (len(got) < len(want)) {
				t.Errorf("%s: page %d backward: Older %v with %d of %d read", name, n, page.Older, len(got), len(want))
			}
			if !page.Older || n > len(want) {
				break
			}
			q.Before = page.Signatures[0].ID
		}
		if !slices.Equal(got, want) {
			t.Errorf("%s: backward pages %v, want %v", name, got, want)
		}
	}
	// Past either end: empty, and pointing back at the rows.
	want := expected(sigs, []string{"a"}, "")
	if page := readPage(t, p, store.PageQuery{Org: "o", Campaigns: []string{"a"}, After: want[len(want)-1], Limit: 3}); len(page.Signatures) != 0 || !page.Older || page.Newer {
		t.Errorf("after the last: %v older %v newer %v, want empty, older only", ids(page), page.Older, page.Newer)
	}
	if page := readPage(t, p, store.PageQuery{Org: "o", Campaigns: []string{"a"}, Before: want[0], Limit: 3}); len(page.Signatures) != 0 || page.Older || !page.Newer {
		t.Errorf("before the first: %v older %v newer %v, want empty, newer only", ids(page), page.Older, page.Newer)
	}
	if page := readPage(t, p, store.PageQuery{Org: "nobody", Campaigns: []string{"a", "b"}, Status: signing.StatusPending, Limit: 3}); len(page.Signatures) != 0 || page.Older || page.Newer {
		t.Errorf("an organisation with nothing: %v older %v newer %v", ids(page), page.Older, page.Newer)
	}
}

// testPagesKeepTheirPlace: signatures decided, erased or added between
// two pages move nothing else: the next page starts right after the last
// row shown, and nothing shown comes back.
func testPagesKeepPlace(t *testing.T, s store.Store) {
	ctx := context.Background()
	p, m := pagingOf(t, s), moderationOf(t, s)
	sigs := pagingFixture(t, s)
	q := store.PageQuery{Org: "o", Campaigns: []string{"a", "b", "c"}, Status: signing.StatusPending, Limit: 5}
	first := readPage(t, p, q)
	queue := expected(sigs, q.Campaigns, signing.StatusPending)
	// Another organiser approves two rows of this page and the first of
	// the next; a supporter erases the second of the next; a new one signs.
	if _, err := m.Decide(ctx, "o", []int64{queue[1], queue[3], queue[5]}, signing.StatusPending, signing.StatusApproved, nil); err != nil {
		t.Fatal(err)
	}
	var gone string
	for _, sig := range sigs {
		if sig.ID == queue[6] {
			gone = sig.Email
		}
	}
	if _, err := s.Erase(ctx, gone); err != nil {
		t.Fatal(err)
	}
	late := orgSig("a", "late@example.org", "Late", signing.StatusPending)
	add(t, s, late)
	q.After = first.Signatures[len(first.Signatures)-1].ID
	next := readPage(t, p, q)
	want := append(slices.Clone(queue[7:11]), queue[11])
	if got := ids(next); !slices.Equal(got, want) {
		t.Errorf("the page after %d once others decided: %v, want %v", q.After, got, want)
	}
	for _, id := range ids(next) {
		if slices.Contains(ids(first), id) {
			t.Errorf("signature %d shown on two pages", id)
		}
	}
	// Back from the second page: the first page as it is now.
	q.After, q.Before = 0, next.Signatures[0].ID
	back := readPage(t, p, q)
	if got, want := ids(back), []int64{queue[0], queue[2], queue[4]}; !slices.Equal(got, want) || back.Older || !back.Newer {
		t.Errorf("back to the first page: %v older %v newer %v, want %v, newer only", got, back.Older, back.Newer, want)
	}
}

// testPagesRefuse: a page without campaigns, of an unknown status, of no
// or too many rows, or from a negative id is refused, not read whole.
func testPagesRefuse(t *testing.T, s store.Store) {
	p := pagingOf(t, s)
	pagingFixture(t, s)
	for _, q := range []store.PageQuery{
		{Org: "o", Limit: 5},
		{Org: "o", Campaigns: []string{"a"}, Limit: 0},
		{Org: "o", Campaigns: []string{"a"}, Limit: store.MaxPage + 1},
		{Org: "o", Campaigns: []string{"a"}, Limit: -1},
		{Org: "o", Campaigns: []string{"a"}, Limit: 5, Status: "pending' OR '1'='1"},
		{Org: "o", Campaigns: []string{"a"}, Limit: 5, After: -1},
		{Org: "o", Campaigns: []string{"a"}, Limit: 5, Before: -3},
	} {
		if page, err := p.SignaturePage(context.Background(), q); err == nil {
			t.Errorf("SignaturePage %+v: %d signatures and no error, want an error", q, len(page.Signatures))
		}
	}
}
