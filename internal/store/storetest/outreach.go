package storetest

import (
	"context"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/placard/placard/internal/store"
)

// OutreachColumns are the only columns the outreach table may have: nothing
// that could name, locate or time a supporter more finely than the hour.
var OutreachColumns = []string{"org", "campaign", "action", "target", "kind", "outcome", "hour", "n"}

// CheckOutreachColumns fails unless cols (the engine's outreach table, in
// any order) are exactly OutreachColumns.
func CheckOutreachColumns(t *testing.T, cols []string) {
	t.Helper()
	got := slices.Sorted(slices.Values(cols))
	want := slices.Sorted(slices.Values(OutreachColumns))
	if !slices.Equal(got, want) {
		t.Errorf("outreach columns = %q, want exactly %q", got, want)
	}
}

// RunOutreach checks store.Outreach on stores from open (each engine's
// DB implements it beside store.Store).
func RunOutreach(t *testing.T, open Opener) {
	t.Run("OutreachCounts", func(t *testing.T) { testOutreachCounts(t, outreachOf(t, open(t))) })
	t.Run("OutreachConcurrent", func(t *testing.T) { testOutreachConcurrent(t, outreachOf(t, open(t))) })
}

func outreachOf(t *testing.T, s store.Store) store.Outreach {
	t.Helper()
	o, ok := s.(store.Outreach)
	if !ok {
		t.Fatalf("%T does not implement store.Outreach", s)
	}
	return o
}

// testOutreachCounts: calls and emails are summed per target, kind and
// outcome across hours; campaigns and organisations are kept apart.
func testOutreachCounts(t *testing.T, o store.Outreach) {
	ctx := context.Background()
	ev := func(campaign, target, kind, outcome string, at time.Time) store.OutreachEvent {
		return store.OutreachEvent{Org: "riverside", Campaign: campaign, Action: "call", Target: target, Kind: kind, Outcome: outcome, At: at}
	}
	for _, e := range []store.OutreachEvent{
		ev("library", "moss", store.OutreachCall, "staff", base),
		ev("library", "moss", store.OutreachCall, "staff", base.Add(10*time.Minute)),
		ev("library", "moss", store.OutreachCall, "staff", base.Add(3*time.Hour)),
		ev("library", "moss", store.OutreachCall, "voicemail", base),
		ev("library", "lind", store.OutreachCall, "no-answer", base),
		ev("library", "lind", store.OutreachEmail, "sent", base),
		ev("parks", "moss", store.OutreachCall, "staff", base),
		{Org: "harbour", Campaign: "library", Action: "call", Target: "moss", Kind: store.OutreachCall, Outcome: "staff", At: base},
	} {
		if err := o.RecordOutreach(ctx, e); err != nil {
			t.Fatalf("RecordOutreach(%+v): %v", e, err)
		}
	}
	got, err := o.OutreachCounts(ctx, "riverside", "library")
	if err != nil {
		t.Fatal(err)
	}
	c := func(target, kind, outcome string, n int64) store.OutreachCount {
		return store.OutreachCount{Org: "riverside", Campaign: "library", Action: "call", Target: target, Kind: kind, Outcome: outcome, Count: n}
	}
	want := []store.OutreachCount{
		c("lind", "call", "no-answer", 1), c("lind", "email", "sent", 1),
		c("moss", "call", "staff", 3), c("moss", "call", "voicemail", 1),
	}
	if !slices.Equal(got, want) {
		t.Errorf("OutreachCounts(riverside, library) =\n%+v\nwant\n%+v", got, want)
	}
	all, err := o.OutreachCounts(ctx, "riverside", "")
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != 5 || all[4].Campaign != "parks" {
		t.Errorf("OutreachCounts(riverside, \"\") = %+v, want the library's four and parks' one", all)
	}
	none, err := o.OutreachCounts(ctx, "nobody", "")
	if err != nil || len(none) != 0 {
		t.Errorf("OutreachCounts(nobody) = %+v, %v; want none", none, err)
	}
}

// testOutreachConcurrent: many calls recorded at once are all counted.
func testOutreachConcurrent(t *testing.T, o store.Outreach) {
	ctx := context.Background()
	var wg sync.WaitGroup
	for range 40 {
		wg.Go(func() {
			if err := o.RecordOutreach(ctx, store.OutreachEvent{Org: "o", Campaign: "c", Action: "a", Target: "t", Kind: store.OutreachCall, Outcome: "staff", At: base}); err != nil {
				t.Errorf("RecordOutreach: %v", err)
			}
		})
	}
	wg.Wait()
	got, err := o.OutreachCounts(ctx, "o", "c")
	if err != nil || len(got) != 1 || got[0].Count != 40 {
		t.Errorf("after 40 concurrent calls: %+v, %v; want one count of 40", got, err)
	}
}
