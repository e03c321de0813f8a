package attribution

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/placard/placard/internal/signing"
)

// TestCreditsWaitForABatch: credits are handed over once creditBatch
// signatures have gathered, or once the oldest is creditMaxAge old, or all
// at once when asked; a failed write puts them back.
func TestCreditsWaitForABatch(t *testing.T) {
	var c Credits
	t0 := time.Date(2026, 2, 20, 12, 0, 0, 0, time.UTC)
	for i := range creditBatch - 1 {
		c.Add("o", "c", "x", "", t0.Add(time.Duration(i)*time.Second))
	}
	if got := c.Take(t0.Add(time.Minute), false); got != nil {
		t.Fatalf("%d signatures: got %+v, want nothing yet", creditBatch-1, got)
	}
	if got := c.Take(t0.Add(creditMaxAge), false); !slices.Equal(got, []signing.Credit{{Org: "o", Campaign: "c", Source: "x", Count: creditBatch - 1, Age: creditMaxAge}}) {
		t.Fatalf("after creditMaxAge: got %+v", got)
	}
	c.Add("o", "c", "", "tok", t0)
	if got := c.Take(t0, false); got != nil {
		t.Fatalf("one fresh signature: got %+v, want nothing yet", got)
	}
	got := c.Take(t0, true)
	c.PutBack(got, t0)
	for range creditBatch - 1 {
		c.Add("o", "c", "", "tok", t0)
	}
	if got := c.Take(t0, false); !slices.Equal(got, []signing.Credit{{Org: "o", Campaign: "c", Referrer: "tok", Count: creditBatch}}) {
		t.Fatalf("a batch, one put back: got %+v", got)
	}
}

// TestCreditsTellTheirAge: each credit handed over says how long ago its
// first signature was counted, and one put back after a failed write
// keeps aging from then, so the store can drop a credit counted before
// its campaign's rows were kept apart (store.Store.AddCredits). It
// failed before: credits carried no age, and a credit held in memory
// across a move counted for the new campaign of that name.
func TestCreditsTellTheirAge(t *testing.T) {
	var c Credits
	t0 := time.Date(2026, 2, 20, 12, 0, 0, 0, time.UTC)
	c.Add("o", "old", "x", "", t0)
	c.Add("o", "old", "x", "", t0.Add(3*time.Minute))
	c.Add("o", "new", "x", "", t0.Add(4*time.Minute))
	got := c.Take(t0.Add(5*time.Minute), true)
	slices.SortFunc(got, func(a, b signing.Credit) int { return strings.Compare(a.Campaign, b.Campaign) })
	want := []signing.Credit{
		{Org: "o", Campaign: "new", Source: "x", Count: 1, Age: time.Minute},
		{Org: "o", Campaign: "old", Source: "x", Count: 2, Age: 5 * time.Minute},
	}
	if !slices.Equal(got, want) {
		t.Fatalf("Take: got %+v, want %+v", got, want)
	}
	c.PutBack(got, t0.Add(5*time.Minute))
	c.Add("o", "old", "x", "", t0.Add(6*time.Minute))
	got = c.Take(t0.Add(7*time.Minute), true)
	slices.SortFunc(got, func(a, b signing.Credit) int { return strings.Compare(a.Campaign, b.Campaign) })
	want = []signing.Credit{
		{Org: "o", Campaign: "new", Source: "x", Count: 1, Age: 3 * time.Minute},
		{Org: "o", Campaign: "old", Source: "x", Count: 3, Age: 7 * time.Minute},
	}
	if !slices.Equal(got, want) {
		t.Fatalf("Take after PutBack: got %+v, want %+v", got, want)
	}
}
