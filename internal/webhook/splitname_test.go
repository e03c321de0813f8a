package webhook

import (
	"strings"
	"testing"
)

// openIsolates is how many bidi isolates (LRI, RLI, FSI) s leaves open, or
// -1 when a PDI closes none.
func openIsolates(s string) int {
	n := 0
	for _, r := range s {
		switch {
		case r >= '\u2066' && r <= '\u2068':
			n++
		case r == '\u2069':
			if n--; n < 0 {
				return -1
			}
		}
	}
	return n
}

// TestSplitNameKeepsIsolatesClosed: a name may hold a closed bidi isolate
// around several words (signing.Check accepts it since attack5: RTL
// keyboards and pasted text bring them), and Action Network gets it as a
// given and a family name split at the first space. Each part must leave
// no isolate open: an RLI left open in a given name reorders whatever
// follows it — Action Network's own "Hi {given_name}," line of its mail.
// Failed before: "\u2067שרה כהן\u2069" split into "\u2067שרה" (an RLI left
// open) and "כהן\u2069" (a PDI closing nothing).
func TestSplitNameKeepsIsolatesClosed(t *testing.T) {
	for _, name := range []string{
		"\u2067שרה כהן\u2069",
		"\u2067שרה כהן\u2069 Levi",
		"Ann \u2068Ben Carl\u2069",
		"\u2066A \u2067B C\u2069\u2069",
		"\u2067 שרה\u2069",
	} {
		given, family := SplitName(name)
		if openIsolates(given) != 0 || openIsolates(family) != 0 {
			t.Errorf("SplitName(%q) = %q, %q: an isolate left open or closing nothing", name, given, family)
		}
		if strip := func(s string) string {
			return strings.Map(func(r rune) rune {
				if r >= '\u2066' && r <= '\u2069' {
					return -1
				}
				return r
			}, s)
		}; strings.Join(strings.Fields(strip(given)+" "+strip(family)), " ") != strings.Join(strings.Fields(strip(name)), " ") {
			t.Errorf("SplitName(%q) = %q, %q: the words changed", name, given, family)
		}
	}
	if g, f := SplitName("\u2067 שרה\u2069"); g != "שרה" || f != "" {
		t.Errorf("an isolate around a leading space: %q, %q, want the one word as given name", g, f)
	}
	// A name without isolates splits as before.
	if g, f := SplitName("Ann Ben Carl"); g != "Ann" || f != "Ben Carl" {
		t.Errorf("SplitName(Ann Ben Carl) = %q, %q", g, f)
	}
	if g, f := SplitName("\u2067שרה\u2069 Levi"); g != "\u2067שרה\u2069" || f != "Levi" {
		t.Errorf("a closed isolate inside the given name was changed: %q, %q", g, f)
	}
}
