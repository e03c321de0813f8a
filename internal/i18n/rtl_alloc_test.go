package i18n

import "testing"

// TestIsRTLAllocations: a language's direction is worked out once, not
// on each of the many pages asking (issue 12: every page's alternates
// and Localizer.Dir asked again, parsing the code each time). Failed
// before: 3 allocations.
func TestIsRTLAllocations(t *testing.T) {
	if raceEnabled {
		return
	}
	if !IsRTL("ar") || IsRTL("fr") {
		t.Fatal("ar is written right to left, fr is not")
	}
	if n := testing.AllocsPerRun(100, func() { _ = IsRTL("ar") || IsRTL("fr") }); n != 0 {
		t.Errorf("IsRTL makes %.0f allocations; want 0", n)
	}
}
