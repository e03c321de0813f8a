package signing

import "testing"

// TestCountriesIn: the country list in the page's language, sorted for its
// readers, every code still there.
func TestCountriesIn(t *testing.T) {
	for _, tc := range []struct{ lang, code, name, first string }{
		{"ar", "GB", "المملكة المتحدة", ""},
		{"he", "IL", "ישראל", ""},
		{"fr", "DE", "Allemagne", "Afghanistan"},
		{"de", "GB", "Vereinigtes Königreich", "Afghanistan"},
		{"es", "US", "Estados Unidos", "Afganistán"},
		{"en", "GB", "United Kingdom", "Afghanistan"},
		{"??", "GB", "United Kingdom", "Afghanistan"},
	} {
		list := CountriesIn(tc.lang)
		if len(list) != len(Countries()) {
			t.Errorf("%s: %d countries, want %d", tc.lang, len(list), len(Countries()))
		}
		found := ""
		for _, c := range list {
			if c.Code == tc.code {
				found = c.Name
			}
		}
		if found != tc.name {
			t.Errorf("%s: %s is %q, want %q", tc.lang, tc.code, found, tc.name)
		}
		if tc.first != "" && list[0].Name != tc.first {
			t.Errorf("%s: first country %q, want %q", tc.lang, list[0].Name, tc.first)
		}
	}
	// The cached list is not shared with callers.
	a := CountriesIn("ar")
	a[0].Name = "changed"
	if CountriesIn("ar")[0].Name == "changed" {
		t.Error("CountriesIn returned its cached slice, want a copy")
	}
}
