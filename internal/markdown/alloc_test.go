package markdown

import (
	"runtime"
	"testing"
)

// TestHTMLAllocatedBytes: a short text is rendered straight into its
// buffer, without the 4 KB bufio.Writer goldmark wraps any other writer
// in, for each of a site's many short texts (issue 12: 5% of what a
// build allocated). Failed before: 12 KB per text, 8 KB now.
func TestHTMLAllocatedBytes(t *testing.T) {
	if raceEnabled {
		return
	}
	r := New()
	opt := Options{HeadingLevel: 3, IDPrefix: "act-"}
	if got := r.HTML("Write to *the council* today.", opt); got != "<p>Write to <em>the council</em> today.</p>\n" {
		t.Fatalf("rendered %q", got)
	}
	const n = 200
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	for range n {
		r.HTML("Write to *the council* today.", opt)
	}
	runtime.ReadMemStats(&after)
	if per := (after.TotalAlloc - before.TotalAlloc) / n; per > 10<<10 {
		t.Errorf("rendering a short text allocated %d bytes; want at most 10 KB", per)
	}
}
