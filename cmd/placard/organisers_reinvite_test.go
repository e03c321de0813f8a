package main

import (
	"context"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/placard/placard/internal/accounts"
	"github.com/placard/placard/internal/store"
	"github.com/placard/placard/internal/store/sqlite"
)

// TestOrganisersReinviteReplaces: `placard organisers invite` for an
// address already invited stops the earlier link (it is marked replaced,
// so the console says so); the new one works.
func TestOrganisersReinviteReplaces(t *testing.T) {
	db := filepath.Join(t.TempDir(), "data", "placard.db")
	common := []string{"--db", db, "--campaigns", filepath.Join("testdata", "campaigns"), "--base-url", "https://act.example.org"}
	token := func() string {
		t.Helper()
		code, out, errs := runOrganisers(t, nil, append([]string{"invite", "harbour-choir", "sam@example.org"}, common...)...)
		u, err := url.Parse(strings.TrimSpace(out))
		if code != 0 || err != nil {
			t.Fatalf("invite: exit %d, %q, %q", code, out, errs)
		}
		return u.Query().Get("t")
	}
	first, second := token(), token()
	st, err := sqlite.Open(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	inv := store.Store(st).(store.Invites)
	now := time.Now()
	if p, err := inv.TokenPurpose(context.Background(), accounts.HashSecret(first), now); err != nil || p != accounts.PurposeReplaced {
		t.Errorf("the first link after a second invitation: %q, %v; want %q", p, err, accounts.PurposeReplaced)
	}
	if p, err := inv.TokenPurpose(context.Background(), accounts.HashSecret(second), now); err != nil || p != accounts.PurposeInvite {
		t.Errorf("the second link: %q, %v; want an invitation", p, err)
	}
}
