package attribution

import (
	"slices"
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
	if got := c.Take(t0.Add(creditMaxAge), false); !slices.Equal(got, []signing.Credit{{Org: "o", Campaign: "c", Source: "x", Count: creditBatch - 1}}) {
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
