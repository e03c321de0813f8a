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
	// A Latin label with a Cyrillic "а" in it, as look-alikes are written.
	if _, err := Host("pаypal.example"); !errors.Is(err, ErrMixedScripts) {
		t.Errorf("a label mixing Latin and Cyrillic: got %v, want ErrMixedScripts", err)
	}
}
