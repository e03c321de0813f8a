package site

import (
	"runtime"
	"strings"
	"testing"
)

// TestPackAllocations: a record is encoded straight into the deflater,
// not first into a JSON copy of its own: every signing campaign's record
// and thank-you props are packed at each build (issue 12: the copies were
// 3% of what a build allocated). Failed before: 100 KB per pack of 64 KB
// of text; the packed bytes inflate to what was packed.
func TestPackAllocations(t *testing.T) {
	if raceEnabled {
		return
	}
	v := map[string]string{"text": strings.Repeat("Sign the letter to the council. ", 2048)}
	packed, _, err := pack(v, nil, false)
	if err != nil {
		t.Fatal(err)
	}
	plain, err := inflate(packed, nil)
	if err != nil || strings.TrimSpace(string(plain)) != `{"text":"`+v["text"]+`"}` {
		t.Fatalf("inflated %.80q, %v", plain, err)
	}
	const n = 50
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	for range n {
		if _, _, err := pack(v, nil, false); err != nil {
			t.Fatal(err)
		}
	}
	runtime.ReadMemStats(&after)
	if per := (after.TotalAlloc - before.TotalAlloc) / n; per > 32<<10 {
		t.Errorf("packing 64 KB of text allocated %d KB; want at most 32 KB", per>>10)
	}
}

// TestPackerAllocations: the deflater packing records is kept through
// the build's many collections. In a sync.Pool each collection let it go
// and the next pack made a new one, 1.2 MB, again and again. Failed
// before: 1.2 MB for a pack after two collections.
func TestPackerAllocations(t *testing.T) {
	if raceEnabled {
		return
	}
	defer dropPackers()
	v := map[string]string{"text": "Sign the letter to the council."}
	if _, _, err := pack(v, nil, false); err != nil {
		t.Fatal(err)
	}
	runtime.GC()
	runtime.GC()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	if _, _, err := pack(v, nil, false); err != nil {
		t.Fatal(err)
	}
	runtime.ReadMemStats(&after)
	if got := after.TotalAlloc - before.TotalAlloc; got > 64<<10 {
		t.Errorf("a pack after two collections allocated %d KB; want at most 64 KB", got>>10)
	}
}
