package i18n

import (
	"strings"
	"testing"
	"time"
)

// TestRegionalVariants: en-US pages speak American (seed 001 is dated
// "October 19, 2023" and its organisation writes "organizations"), en-GB
// and other regions speak the catalogue's English, and a variant falls
// back to its base language for everything it does not change.
func TestRegionalVariants(t *testing.T) {
	day := time.Date(2023, time.October, 19, 0, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		lang, date, orgs string
	}{
		{"en-US", "October 19, 2023", "Signed by 10 organizations"},
		{"en-GB", "19 October 2023", "Signed by 10 organisations"},
		{"en", "19 October 2023", "Signed by 10 organisations"},
		{"en-CA", "19 October 2023", "Signed by 10 organisations"},
		{"fr-CA", "19 octobre 2023", ""},
		{"es-419", "19 de octubre de 2023", ""},
		// No Portuguese catalogue yet: English, as for any unknown language.
		{"pt-BR", "19 October 2023", "Signed by 10 organisations"},
	} {
		l := New(tc.lang, nil)
		if got := l.Date(day); got != tc.date {
			t.Errorf("%s: Date = %q, want %q", tc.lang, got, tc.date)
		}
		if tc.orgs != "" {
			if got := l.T("letter.signedby", "who", l.N("n.organisations", 10)); got != tc.orgs {
				t.Errorf("%s: %q, want %q", tc.lang, got, tc.orgs)
			}
		}
	}

	us := New("en-US", nil)
	// Every English message reads American in en-US: no British stem is left.
	for _, k := range Keys() {
		if got := us.T(k); strings.Contains(got, "organis") || strings.Contains(got, "Organis") || strings.Contains(got, "colour") {
			t.Errorf("en-US %s = %q, still British", k, got)
		}
	}
	// Only the catalogue's words are respelt, never the values filled in:
	// an organisation's own name stays as it is written.
	if got := us.T("thanks.signed.body", "title", "Colour the Organisation"); !strings.Contains(got, "Colour the Organisation") {
		t.Errorf("en-US filled value respelt: %q", got)
	}
	// An organisation's own wording wins over the variant.
	own := New("en-US", map[string]string{"letter.signatories": "Our organisations"})
	if got := own.T("letter.signatories"); got != "Our organisations" {
		t.Errorf("override = %q", got)
	}
	if got := New("fr-CA", nil).T("letter.signatories"); got != New("fr", nil).T("letter.signatories") {
		t.Errorf("fr-CA = %q, want the French message", got)
	}
}

// TestVariantOverlay: a variant holds only the messages it words
// otherwise; the rest comes from its base language.
func TestVariantOverlay(t *testing.T) {
	const code = "es-MX"
	t.Cleanup(func() { delete(variants, code) })
	overlay(code, map[string]string{"letter.signatories": "Firmantes (MX)"})
	mx, es := New(code, nil), New("es", nil)
	if got := mx.T("letter.signatories"); got != "Firmantes (MX)" {
		t.Errorf("overlaid message = %q", got)
	}
	if got, want := mx.T("tally.recent"), es.T("tally.recent"); got != want {
		t.Errorf("message not overlaid = %q, want Spanish %q", got, want)
	}
	if got, want := mx.Date(time.Date(2026, 2, 10, 0, 0, 0, 0, time.UTC)), "10 de febrero de 2026"; got != want {
		t.Errorf("date = %q, want %q", got, want)
	}
	defer func() {
		if recover() == nil {
			t.Errorf("overlaying a key the catalogue lacks did not panic")
		}
	}()
	overlay(code, map[string]string{"no.such.key": "x"})
}

// TestNegotiateVariants: a reader asking for en-US gets the en-US pages
// when there are some, and the English ones otherwise.
func TestNegotiateVariants(t *testing.T) {
	for _, tc := range []struct {
		header    string
		available []string
		want      string
	}{
		{"en-US,en;q=0.9", []string{"en-GB", "en-US", "ar"}, "en-US"},
		{"en-GB,en;q=0.9", []string{"en-US", "en-GB"}, "en-GB"},
		{"en-US", []string{"ar", "en"}, "en"},
		{"es-MX,es;q=0.9", []string{"en", "es-419"}, "es-419"},
	} {
		if got, ok := Negotiate(tc.header, tc.available); got != tc.want || !ok {
			t.Errorf("Negotiate(%q, %v) = %q %v, want %q", tc.header, tc.available, got, ok, tc.want)
		}
	}
}
