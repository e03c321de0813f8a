package campaign

import (
	"strings"
	"testing"
	"testing/fstest"
)

// TestPlaceholderAddresses: the addresses that cannot exist, beyond the
// scaffold's own stand-ins — any .example site, example.com/.net/.org and
// the 555-01xx numbers kept for fiction — are found in every usual
// spelling, and real numbers and sites are not. Issue 13 A8.
func TestPlaceholderAddresses(t *testing.T) {
	for _, tc := range []struct{ text, want string }{
		{"Call +1 555 0100 now", "+1 555 0100"},
		{"(202) 555-0143", "(202) 555-0143"},
		{"1-800-555-0199.", "1-800-555-0199"},
		{"tel 555.0150", "555.0150"},
		{"+1 212 555 1234", ""}, // 555 outside 0100–0199 is a real exchange
		{"+1 555 0200", ""},
		{"+44 20 7946 0018", ""},
		{"05550100", ""},
	} {
		got := ""
		if m := fictionalPhone.FindStringSubmatch(tc.text); m != nil {
			got = strings.TrimSpace(m[1])
		}
		if got != tc.want {
			t.Errorf("phone in %q: got %q, want %q", tc.text, got, tc.want)
		}
	}
	for _, tc := range []struct{ text, want string }{
		{"write to council@city.example today", "council@city.example"},
		{"https://www.council.example/agenda", "https://www.council.example"},
		{"see https://example.org/page", "https://example.org"},
		{"mail jo@example.com", "jo@example.com"},
		{"https://example.gov.uk", ""},
		{"https://examples.org", ""},
		{"https://council.examples", ""},
		{"jo@riverside.org", ""},
	} {
		if got := exampleAddress.FindString(tc.text); got != tc.want {
			t.Errorf("address in %q: got %q, want %q", tc.text, got, tc.want)
		}
	}
}

// TestPlaceholdersWarnOnlyWhenPublic: a real organisation's published
// campaign that writes to an invented address and number is warned about
// at each; the same campaign as a draft, or from an organisation whose own
// website is on .example (an example, like the campaigns folder's), is not.
func TestPlaceholdersWarnOnlyWhenPublic(t *testing.T) {
	camp := func(status string) string {
		return `title: Fund the clinic
date: 2026-02-10
status: ` + status + `
summary: The board votes in May.
actions:
  - kind: contact
    targets:
      - {id: lee, name: Councillor Lee, phone: "(202) 555-0143", email: lee@council.example}
`
	}
	load := func(website, status string) string {
		_, ps := LoadFS(fstest.MapFS{
			"clinic/org.yaml":  {Data: []byte("name: Clinic Friends\nwebsite: " + website + "\n")},
			"clinic/fund.yaml": {Data: []byte(camp(status))},
		}, ".")
		if ps.HasErrors() {
			t.Fatalf("errors: %s", ps.Errors())
		}
		return ps.Error()
	}
	got := load("https://clinicfriends.org", "published")
	for _, want := range []string{"'(202) 555-0143'", "'lee@council.example'"} {
		if !strings.Contains(got, want) || !strings.Contains(got, "still holds") {
			t.Errorf("published campaign: no warning at %s:\n%s", want, got)
		}
	}
	if got := load("https://clinicfriends.org", "draft"); strings.Contains(got, "still holds") {
		t.Errorf("a draft is warned about:\n%s", got)
	}
	if got := load("https://clinic.example", "published"); strings.Contains(got, "still holds") {
		t.Errorf("an example organisation is warned about:\n%s", got)
	}
}
