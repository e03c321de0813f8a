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

func TestClosest(t *testing.T) {
	options := []string{"export", "erase", "pending", "approve", "reject", "purge"}
	for _, tt := range []struct {
		word string
		want string
	}{
		{"exprot", "export"}, // a swap
		{"EXPORT", "export"}, // case is ignored
		{"erse", "erase"},
		{"aprove", "approve"},
		{"zzz", ""}, // nothing near
		{"ex", ""},  // two edits is too far for a short word
		{"", ""},    // nothing typed
		{"purge", "purge"},
	} {
		if got := Closest(tt.word, options); got != tt.want {
			t.Errorf("Closest(%q): got %q, want %q", tt.word, got, tt.want)
		}
	}
	if got := Closest("x", nil); got != "" {
		t.Errorf("Closest with no options: got %q, want \"\"", got)
	}
	if got := Closest("orgg", []string{"org", "campaign"}); got != "org" {
		t.Errorf("Closest(orgg): got %q, want org", got)
	}
}
