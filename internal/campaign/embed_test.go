package campaign

import (
	"strings"
	"testing"
)

// TestEmbedOrigin: accepted origins come back in the form browsers compare
// (lower case, default port dropped, no trailing slash, an international
// name in its ASCII form); anything else is refused with a message.
func TestEmbedOrigin(t *testing.T) {
	for in, want := range map[string]string{
		"https://partner.example":        "https://partner.example",
		" https://Partner.Example/ ":     "https://partner.example",
		"https://partner.example:443":    "https://partner.example",
		"http://127.0.0.1:8080":          "http://127.0.0.1:8080",
		"http://localhost:80":            "http://localhost",
		"http://[::1]:3000":              "http://[::1]:3000",
		"https://[::1]:8443":             "https://[::1]:8443",
		"HTTPS://news.partner.example:8": "https://news.partner.example:8",
		"https://bücher.example":         "https://xn--bcher-kva.example",
		"https://xn--bcher-kva.example":  "https://xn--bcher-kva.example",
		"https://203.0.113.7":            "https://203.0.113.7",
		"https://a-b.example:65535":      "https://a-b.example:65535",
	} {
		got, problem := EmbedOrigin(in)
		if got != want || problem != "" {
			t.Errorf("EmbedOrigin(%q) = %q, %q; want %q and no problem", in, got, problem, want)
		}
	}
	// Each refused value, and a word its message must contain.
	for in, why := range map[string]string{
		"":                                                "empty",
		"partner.example":                                 "https://",
		"https://partner.example/x":                       "path",
		"mailto:a@b.example":                              "https://",
		"https://user:pw@partner.example":                 "user name",
		"https://partner.example#top":                     "path, query or #",
		"https://partner.example?":                        "path, query or #",
		"javascript://x":                                  "https://",
		"https://":                                        "site address",
		"https://p.example;report-uri":                    "';'",
		"https://p.example; script-src *":                 "';'",
		"https://p.example,https://q.example":             "','",
		"https://p.example'":                              "quote",
		`https://p.example"`:                              "quote",
		"https://p.example\tx":                            "space",
		"https://p.example\u00a0":                         "space",
		"https://*.example":                               "wildcard",
		"https://*":                                       "wildcard",
		"https://p.example:0":                             "port",
		"https://p.example:65536":                         "port",
		"https://p.example:99999999":                      "port",
		"https://p.example:-1":                            "port",
		"https://p.example:":                              "port",
		"https://p..example":                              "not a valid site name",
		"https://-p.example":                              "not a valid site name",
		"https://p_q.example":                             "not a valid site name",
		"https://" + strings.Repeat("a", 64) + ".example": "not a valid site name",
		"https://p.example%3b":                            "not a valid site name",
		"https://[::1":                                    "site address",
		"https://[fe80::1%25eth0]":                        "not a valid site name",
		"http://partner.example":                          "https://",
		"http://10.0.0.1":                                 "https://",
		"ws://partner.example":                            "https://",
		"https://p.example\\x":                            "not a valid site name",
		"https://p.exa\u200bmple":                         "not a valid site name",
	} {
		got, problem := EmbedOrigin(in)
		if problem == "" {
			t.Errorf("EmbedOrigin(%q) = %q with no problem; want it refused (%s)", in, got, why)
			continue
		}
		if !strings.Contains(problem, why) {
			t.Errorf("EmbedOrigin(%q): got %q, want a message mentioning %q", in, problem, why)
		}
	}
}
