package web

import (
	"strings"
	"testing"

	"github.com/placard/placard/internal/store"
)

// TestShortLinkSecretRefused: a link secret in the database shorter than
// the 32 random bytes placard writes (a value edited by hand, or damaged)
// would key a new link's token by a guessable secret, and a new link's
// private page checks nothing else: with the secret known, a search of
// about 2^50 hashes finds a key naming anyone's public token, which opens
// its private page. The server refuses to start on such a secret rather
// than make links under it. Before, it took whatever the row held, even
// three bytes.
func TestShortLinkSecretRefused(t *testing.T) {
	for _, eng := range legacyEngines {
		t.Run(eng.name, func(t *testing.T) {
			st, exec := eng.open(t)
			exec(`INSERT INTO settings (key, value) VALUES ('link-secret', ?)`, []byte{1, 2, 3})
			committer := store.NewCommitter(st, store.CommitterOptions{})
			t.Cleanup(func() { committer.Close() })
			_, err := New(Config{BaseURL: "https://act.example.org", SiteName: "Act", Store: st, Recorder: committer,
				RateLimit: -1}, signSite(t))
			if err == nil || !strings.Contains(err.Error(), "link secret") {
				t.Fatalf("New with a 3-byte link secret: %v; want a refusal naming the link secret", err)
			}
		})
	}
}
