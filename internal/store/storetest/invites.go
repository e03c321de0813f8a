package storetest

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/placard/placard/internal/accounts"
	"github.com/placard/placard/internal/store"
)

// RunInvites checks an engine's store.Invites: replacing an organiser's
// invitations leaves them unspendable but readable, and touches no other
// organiser's token nor other purposes; Erase removes replaced ones too.
func RunInvites(t *testing.T, open Opener) {
	s := open(t)
	a, inv := s.(store.Accounts), s.(store.Invites)
	ctx := context.Background()
	o := addOrganiser(t, a, "riverside", "sam@example.org", accounts.RoleEditor)
	other := addOrganiser(t, a, "harbour", "sam@example.org", accounts.RoleEditor)
	now := time.Now().UTC()
	tok := func(org int64, p accounts.Purpose) [32]byte {
		_, h := accounts.NewSecret()
		if err := a.AddToken(ctx, accounts.Token{Hash: h, Purpose: p, OrganiserID: org, ExpiresAt: now.Add(time.Hour)}); err != nil {
			t.Fatal(err)
		}
		return h
	}
	old1, old2 := tok(o.ID, accounts.PurposeInvite), tok(o.ID, accounts.PurposeInvite)
	link := tok(o.ID, accounts.PurposeLink)
	theirs := tok(other.ID, accounts.PurposeInvite)
	n, err := inv.ReplaceTokens(ctx, o.ID, accounts.PurposeInvite, accounts.PurposeReplaced)
	if err != nil || n != 2 {
		t.Fatalf("ReplaceTokens: %d, %v; want 2", n, err)
	}
	if _, err := a.TakeToken(ctx, old1, accounts.PurposeInvite, now); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("TakeToken(replaced invitation): %v, want ErrNotFound", err)
	}
	for h, want := range map[[32]byte]accounts.Purpose{old1: accounts.PurposeReplaced, old2: accounts.PurposeReplaced, link: accounts.PurposeLink, theirs: accounts.PurposeInvite} {
		if got, err := inv.TokenPurpose(ctx, h, now); err != nil || got != want {
			t.Errorf("TokenPurpose: %q, %v; want %q", got, err, want)
		}
	}
	if _, err := inv.TokenPurpose(ctx, old2, now.Add(2*time.Hour)); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("TokenPurpose after expiry: %v, want ErrNotFound", err)
	}
	if _, err := inv.TokenPurpose(ctx, [32]byte{1}, now); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("TokenPurpose(unknown): %v, want ErrNotFound", err)
	}
	if _, err := a.TakeToken(ctx, theirs, accounts.PurposeInvite, now); err != nil {
		t.Errorf("another organiser's invitation after ReplaceTokens: %v", err)
	}
	if _, err := s.Erase(ctx, "sam@example.org"); err != nil {
		t.Fatal(err)
	}
	if _, err := inv.TokenPurpose(ctx, old2, now); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("a replaced invitation of an erased organiser: %v, want ErrNotFound", err)
	}
}
