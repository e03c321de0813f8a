package storetest

import (
	"context"
	"testing"

	"github.com/placard/placard/internal/signing"
)

// testEarlierExactAddress: a message still bundled with its signature
// holds back only later messages about that very address, not those
// about an address written inside it (da@ and a@ within ada@) or
// around it. Failed before on PostgreSQL: Earlier searched the bundles'
// bytes for the address, found da@example.org inside ada@example.org,
// and held a stranger's message back.
func testEarlierExactAddress(t *testing.T, s TellingStore) {
	ctx := context.Background()
	sig := Sig("o", "c", "ada@example.org")
	sig.Outbox = []signing.Message{Msg("o", "c", "ada@example.org")} // bundled with the signature
	if _, err := s.AddSignatures(ctx, []*signing.Signature{sig}); err != nil {
		t.Fatal(err)
	}
	for _, email := range []string{"da@example.org", "a@example.org", "ada@example.or", "da@example.o"} {
		m := Msg("o", "c", email)
		if held, err := s.Earlier(ctx, m); err != nil || held {
			t.Errorf("Earlier for a message about %s after a bundled one about ada@example.org = %v, %v; want false", email, held, err)
		}
	}
}
