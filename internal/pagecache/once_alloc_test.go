package pagecache

import "testing"

// TestLazyReadyAllocations: once rendered, a lazy page is served with no
// allocation to reach it (the read path's warm pages).
func TestLazyReadyAllocations(t *testing.T) {
	if raceEnabled {
		return
	}
	c := NewLazy(func() ([]byte, error) { return []byte("<p>x</p>"), nil }, "text/html; charset=utf-8", nil, "")
	if _, err := c.Ready(); err != nil {
		t.Fatal(err)
	}
	if n := testing.AllocsPerRun(100, func() { _, _ = c.Ready() }); n != 0 {
		t.Errorf("Ready on a rendered lazy page makes %.0f allocations; want 0", n)
	}
}
