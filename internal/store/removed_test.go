package store_test

import (
	"testing"
	"time"

	"github.com/placard/placard/internal/store"
)

// TestKeptApartName: the kept-apart names serve gives are read back as
// such (placard signatures move takes them), and nothing else is.
func TestKeptApartName(t *testing.T) {
	day := time.Date(2026, 12, 5, 23, 30, 0, 0, time.FixedZone("UTC-2", -2*3600)) // 6 December in UTC
	for n, want := range map[int]string{1: "save-it~removed-20261206", 2: "save-it~removed-20261206-2", 12: "save-it~removed-20261206-12"} {
		got := store.KeptApartName("save-it", day, n)
		if got != want {
			t.Errorf("KeptApartName(save-it, %d): %q, want %q", n, got, want)
		}
		if slug, ok := store.KeptApartSlug(got); !ok || slug != "save-it" || !store.IsKeptApart(got) {
			t.Errorf("KeptApartSlug(%q): %q, %v; want save-it", got, slug, ok)
		}
	}
	for _, bad := range []string{"save-it", "~removed-20261206", "save-it~removed-2026120", "save-it~removed-2026120x",
		"save-it~removed-20261206-", "save-it~removed-20261206-0", "save-it~removed-20261206x", "save-it~removed-20261206-1234567"} {
		if slug, ok := store.KeptApartSlug(bad); ok {
			t.Errorf("KeptApartSlug(%q): %q, true; want not a kept-apart name", bad, slug)
		}
	}
}
