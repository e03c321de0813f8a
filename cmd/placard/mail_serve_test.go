package main

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/placard/placard/internal/campaign/campaigntest"
	"github.com/placard/placard/internal/signing"
	"github.com/placard/placard/internal/store/sqlite"
)

// TestEraseUnconfirmed: each campaign's unconfirmed signatures go once its
// unconfirmed_days have passed, those of a campaign no longer in the
// files after the longest wait, and nothing else.
func TestEraseUnconfirmed(t *testing.T) {
	ctx := context.Background()
	st, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "placard.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	site := campaigntest.Site(t, campaigntest.Files{
		"o/org.yaml": "name: O\nemail: {confirm: true, unconfirmed_days: 3}\n",
		"o/c.yaml":   "title: C\nsummary: S\ndate: 2026-01-01\nactions:\n  - kind: petition\n    target: T\n    text: X\n",
	})
	now := time.Date(2026, 3, 10, 12, 0, 0, 0, time.UTC)
	sig := func(campaign, email string, age time.Duration, status signing.Status) *signing.Signature {
		return &signing.Signature{Org: "o", Campaign: campaign, Action: "petition", Kind: signing.KindIndividual, Status: status,
			Name: "N", Email: email, ConsentText: "yes", ConsentAt: now.Add(-age), CreatedAt: now.Add(-age), Lang: "en"}
	}
	day := 24 * time.Hour
	if _, err := st.AddSignatures(ctx, []*signing.Signature{
		sig("c", "old@example.org", 4*day, signing.StatusUnconfirmed),
		sig("c", "new@example.org", 2*day, signing.StatusUnconfirmed),
		sig("c", "counted@example.org", 40*day, signing.StatusApproved),
		sig("removed", "a@example.org", 10*day, signing.StatusUnconfirmed),
		sig("removed", "b@example.org", 100*day, signing.StatusUnconfirmed),
	}); err != nil {
		t.Fatal(err)
	}
	n, err := eraseUnconfirmed(ctx, st, site, now)
	if err != nil || n != 2 {
		t.Fatalf("eraseUnconfirmed: %d, %v; want 2 (old, and the 100-day one of a removed campaign)", n, err)
	}
	var left []string
	for _, c := range []string{"c", "removed"} {
		st.Signatures(ctx, "o", c, "", func(s *signing.Signature) error { left = append(left, s.Email); return nil })
	}
	if len(left) != 3 {
		t.Errorf("left %v, want new, counted and a", left)
	}
}
