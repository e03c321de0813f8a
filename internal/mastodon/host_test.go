package mastodon

import (
	"errors"
	"testing"
)

func TestHost(t *testing.T) {
	for in, want := range map[string]string{
		"mastodon.social":           "mastodon.social",
		" https://Mastodon.Social/": "mastodon.social",
		"@sam@mastodon.social":      "mastodon.social",
		"sam@fosstodon.org":         "fosstodon.org",
		"bücher.example":            "xn--bcher-kva.example",
	} {
		if got, err := Host(in); err != nil || got != want {
			t.Errorf("Host(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, in := range []string{
		"", "localhost", "127.0.0.1", "mastodon.social:8443", "mastodon.social/path",
		"evil.example?x=1", "a..b", "-x.example", "printer.local", "host.123",
	} {
		if got, err := Host(in); !errors.Is(err, ErrBadServer) {
			t.Errorf("Host(%q) = %q, %v; want ErrBadServer", in, got, err)
		}
	}
	// No userinfo passes as a handle's user, and a label's Unicode holds
	// letters, marks, digits and hyphens only (IDNA2008's PVALID, roughly):
	// "evil∕x.example" with a division slash reads as a path.
	for _, in := range []string{
		"user:pw@evil.example", "https://user:pw@evil.example", "mastodon.social%2F@evil.example",
		"a b@evil.example", "evil\u2215x.example", "xn--evilx-5d6b.example", "a\u2764.example",
		"mastodon.social\u2044x.example",
	} {
		if got, err := Host(in); !errors.Is(err, ErrBadServer) {
			t.Errorf("Host(%q) = %q, %v; want ErrBadServer", in, got, err)
		}
	}
	for in, want := range map[string]string{
		"sam_1@mastodon.social":                             "mastodon.social",
		"@first.last@social.example":                        "social.example",
		"\u043f\u0440\u0438\u043c\u0435\u0440.\u0440\u0444": "xn--e1afmkfd.xn--p1ai",
		"\u4f8b\u3048.jp":                                   "xn--r8jz45g.jp",
	} {
		if got, err := Host(in); err != nil || got != want {
			t.Errorf("Host(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	// A Latin label with a Cyrillic "а" in it, as look-alikes are written.
	if _, err := Host("pаypal.example"); !errors.Is(err, ErrMixedScripts) {
		t.Errorf("a label mixing Latin and Cyrillic: got %v, want ErrMixedScripts", err)
	}
}
