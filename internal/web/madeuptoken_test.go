package web

import (
	"context"
	"testing"

	"github.com/placard/placard/internal/store"
)

// TestMadeUpTokenRowCostsAForm pins what docs/security.md says a made-up
// personal-link token costs: its row is made by the first signing form
// sent through it, and a repeat of an address that had already signed
// counts (TestRepeatCreditIndistinguishable says why), so one address
// signed once makes a row per form it sends again, with no new signature
// — one row per form taken, never more. Before, the guide said a row
// needed a stored signature from a fresh address.
func TestMadeUpTokenRowCostsAForm(t *testing.T) {
	forEachEngine(t, func(t *testing.T, st store.Store) {
		ctx := context.Background()
		e := newSignEnv(t, st, nil)
		e.signAndLook(t, "again@example.org")
		made := []string{"aaaaaaaaaa", "bbbbbbbbbb", "cccccccccc"}
		for _, token := range made {
			wantStatus(t, e.signVia(t, libraryPage+"?ref="+token, "again@example.org"), 303)
		}
		flushAllCredits(t, e.s)
		for _, token := range made {
			if got, err := st.Referral(ctx, "riverside", "save-the-library", token, nil); err != nil || got.Signatures != 1 {
				t.Errorf("made-up token %s after one repeat through it: %+v, %v; want a row of 1", token, got, err)
			}
		}
		if top, err := st.Referrals(ctx, "riverside", "save-the-library", 100); err != nil || len(top) != len(made) {
			t.Errorf("rows: %+v, %v; want one per form sent through a made-up token (%d)", top, err, len(made))
		}
		counts, err := st.Counts(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range counts {
			if c.Campaign == "save-the-library" && c.Signatures != 1 {
				t.Errorf("signatures: %d, want the one address's 1", c.Signatures)
			}
		}
	})
}
