package storetest

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/placard/placard/internal/accounts"
	"github.com/placard/placard/internal/store"
)

// RunPasskeys checks an engine's store.Passkeys: a passkey's last use,
// removal limited to its own organiser, and Erase leaving nothing of an
// organiser's passkeys.
func RunPasskeys(t *testing.T, open Opener) {
	t.Run("UseAndRemove", func(t *testing.T) {
		s := open(t)
		a, p := s.(store.Accounts), s.(store.Passkeys)
		ctx := context.Background()
		o := addOrganiser(t, a, "riverside", "sam@example.org", accounts.RoleEditor)
		other := addOrganiser(t, a, "harbour", "kim@example.org", accounts.RoleEditor)
		k1 := accounts.Credential{ID: []byte{1, 0, 255}, OrganiserID: o.ID, Data: []byte(`{}`), CreatedAt: base}
		k2 := accounts.Credential{ID: []byte{2}, OrganiserID: o.ID, Data: []byte(`{}`), CreatedAt: base.Add(time.Second)}
		kx := accounts.Credential{ID: []byte{3}, OrganiserID: other.ID, Data: []byte(`{}`), CreatedAt: base}
		for _, c := range []accounts.Credential{k1, k2, kx} {
			if err := a.AddCredential(ctx, c); err != nil {
				t.Fatal(err)
			}
		}
		if used, err := p.CredentialsUsed(ctx, o.ID); err != nil || len(used) != 0 {
			t.Fatalf("CredentialsUsed before any sign-in: %v, %v; want none", used, err)
		}
		at := base.Add(time.Hour + 1500*time.Nanosecond)
		if err := p.CredentialUsed(ctx, k1.ID, at); err != nil {
			t.Fatal(err)
		}
		if err := p.CredentialUsed(ctx, []byte{42}, at); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("CredentialUsed(unknown): %v, want ErrNotFound", err)
		}
		used, err := p.CredentialsUsed(ctx, o.ID)
		if want := at.Truncate(time.Microsecond); err != nil || len(used) != 1 || !used[string(k1.ID)].Equal(want) || used[string(k1.ID)].Location() != time.UTC {
			t.Errorf("CredentialsUsed: %v, %v; want only k1 at %v UTC", used, err, want)
		}
		// Another organiser's passkey is not theirs to remove.
		if _, err := p.RemoveCredential(ctx, o.ID, kx.ID); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("RemoveCredential(another's): %v, want ErrNotFound", err)
		}
		if _, err := a.Credential(ctx, kx.ID); err != nil {
			t.Errorf("another's passkey after a refused removal: %v", err)
		}
		if _, err := p.RemoveCredential(ctx, o.ID, k1.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := p.RemoveCredential(ctx, o.ID, k1.ID); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("RemoveCredential twice: %v, want ErrNotFound", err)
		}
		list, _ := a.Credentials(ctx, o.ID)
		if len(list) != 1 || string(list[0].ID) != string(k2.ID) {
			t.Errorf("after removal: %+v, want only k2", list)
		}
		if used, _ := p.CredentialsUsed(ctx, o.ID); len(used) != 0 {
			t.Errorf("CredentialsUsed after removing the used passkey: %v", used)
		}
	})
	t.Run("Erase", func(t *testing.T) {
		s := open(t)
		a, p := s.(store.Accounts), s.(store.Passkeys)
		ctx := context.Background()
		o := addOrganiser(t, a, "riverside", "gone@example.org", accounts.RoleEditor)
		k := accounts.Credential{ID: []byte{7}, OrganiserID: o.ID, Data: []byte(`{}`), CreatedAt: base}
		if err := a.AddCredential(ctx, k); err != nil {
			t.Fatal(err)
		}
		if err := p.CredentialUsed(ctx, k.ID, base.Add(time.Minute)); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Erase(ctx, "gone@example.org"); err != nil {
			t.Fatal(err)
		}
		if _, err := a.Credential(ctx, k.ID); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("a passkey of an erased organiser: %v, want ErrNotFound", err)
		}
		if used, _ := p.CredentialsUsed(ctx, o.ID); len(used) != 0 {
			t.Errorf("an erased organiser's passkeys' use: %v", used)
		}
	})
}
