package storetest

import (
	"context"
	"testing"

	"github.com/placard/placard/internal/signing"
	"github.com/placard/placard/internal/store"
)

// testNameParts: the given and family names of a split form come back
// from every reader — a campaign's signatures, and a supporter's own on
// engines with store.Mail (their data page, confirmation) — beside the
// joined name; a one-field signature comes back with both empty.
func testNameParts(t *testing.T, s store.Store) {
	ctx := context.Background()
	split := Sig("o", "c", "leila@example.org")
	split.Name, split.GivenName, split.FamilyName = "Leila Haddad", "Leila", "Haddad"
	one := Sig("o", "c", "ana@example.org")
	add(t, s, split, one)
	got := map[string][2]string{}
	if err := s.Signatures(ctx, "o", "c", "", func(sig *signing.Signature) error {
		got[sig.Email] = [2]string{sig.GivenName, sig.FamilyName}
		return nil
	}); err != nil {
		t.Fatalf("Signatures: %v", err)
	}
	if g := got["leila@example.org"]; g != [2]string{"Leila", "Haddad"} {
		t.Errorf("Signatures, split form: got %q, want Leila, Haddad", g)
	}
	if g := got["ana@example.org"]; g != [2]string{} {
		t.Errorf("Signatures, one field: got %q, want both empty", g)
	}
	m, ok := s.(store.Mail)
	if !ok {
		return
	}
	sigs, err := m.Supporter(ctx, "o", "leila@example.org")
	if err != nil || len(sigs) != 1 {
		t.Fatalf("Supporter: got %d, %v; want 1, nil", len(sigs), err)
	}
	if sigs[0].GivenName != "Leila" || sigs[0].FamilyName != "Haddad" || sigs[0].Name != "Leila Haddad" {
		t.Errorf("Supporter: got %q %q %q, want Leila, Haddad, Leila Haddad", sigs[0].GivenName, sigs[0].FamilyName, sigs[0].Name)
	}
}
