package attribution

import "testing"

func TestWordingSources(t *testing.T) {
	for s, want := range map[string]bool{
		"x-1": true, "telegram-12": true, "email-99": true,
		"x-0": false, "x-01": false, "x-100": false, "copy-2": false, "x-": false, "x-2-3": false, "-2": false, "x2": false,
	} {
		if got := KnownSource(s); got != want {
			t.Errorf("KnownSource(%q) = %v, want %v", s, got, want)
		}
	}
	if WordingSource("x", 0) != "x" || WordingSource("x", 3) != "x-3" {
		t.Error("WordingSource: want x for no wording, x-3 for the third")
	}
	// The longest wording tag with a personal link fits the form value.
	src, ref := ParseFormValue(string(FormValue("whatsapp-99", "abcdefghij")))
	if src != "whatsapp-99" || ref != "abcdefghij" {
		t.Errorf("form value round trip: got %q, %q", src, ref)
	}
}
