package campaign

import "testing"

// TestEmbedOrigin: accepted origins come back in the form browsers compare
// (lower case, default port dropped, no trailing slash); anything else is
// refused with a message.
func TestEmbedOrigin(t *testing.T) {
	for in, want := range map[string]string{
		"https://partner.example":        "https://partner.example",
		" https://Partner.Example/ ":     "https://partner.example",
		"https://partner.example:443":    "https://partner.example",
		"http://127.0.0.1:8080":          "http://127.0.0.1:8080",
		"http://localhost:80":            "http://localhost",
		"https://[::1]:8443":             "https://[::1]:8443",
		"HTTPS://news.partner.example:8": "https://news.partner.example:8",
	} {
		got, problem := EmbedOrigin(in)
		if got != want || problem != "" {
			t.Errorf("EmbedOrigin(%q) = %q, %q; want %q and no problem", in, got, problem, want)
		}
	}
	for _, in := range []string{"", "partner.example", "https://partner.example/x", "mailto:a@b.example",
		"https://user:pw@partner.example", "https://partner.example#top", "javascript://x", "https://"} {
		if got, problem := EmbedOrigin(in); problem == "" {
			t.Errorf("EmbedOrigin(%q) = %q with no problem; want it refused", in, got)
		}
	}
}
