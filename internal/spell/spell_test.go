package spell

import "testing"

func TestDistance(t *testing.T) {
	for _, tt := range []struct {
		a, b string
		want int
	}{
		{"", "", 0},
		{"title", "title", 0},
		{"titel", "title", 1}, // a swap of neighbours is one edit
		{"petiton", "petition", 1},
		{"", "kind", 4},
		{"save-the-libary", "save-the-library", 1},
		{"شكرا", "شكر", 1}, // counts characters, not bytes
		{"kitten", "sitting", 3},
	} {
		if got := Distance(tt.a, tt.b); got != tt.want {
			t.Errorf("Distance(%q, %q): got %d, want %d", tt.a, tt.b, got, tt.want)
		}
		if got := Distance(tt.b, tt.a); got != tt.want {
			t.Errorf("Distance(%q, %q): got %d, want %d", tt.b, tt.a, got, tt.want)
		}
	}
}
