package storetest

import (
	"context"
	"maps"
	"testing"
	"time"

	"github.com/placard/placard/internal/store"
)

// testPurgeMailCounts: a purge leaves nothing of the campaign's mail
// behind but its page's counts. Its confirmations given up unsent
// (mail_unsent, migration 044: a count shown only on the console and by
// placard stats) go, as its per-source counts do — a count that stayed
// was shown for a campaign holding nothing, and was even all a campaign
// held once its unconfirmed signatures had expired. Its letters'
// drip slots go too (outreach_drip): they counted letters the purge
// deleted unsent, so a target's next letter waited for an hour taken by
// nothing. Its signatures refused as sent (signatures_refused, migration
// 048: likewise a console and placard stats count) go too. Other
// campaigns and organisations keep theirs. Failed before: the purged
// campaign kept its count and its target's slot, and later its refused
// signatures' count (the dashboard still showed "refused" for it).
func testPurgeMailCounts(t *testing.T, s store.Store) {
	ctx := context.Background()
	p := mailPace(t, s)
	tm, _ := targetMail(t, s)
	add(t, s, Sig("o", "closed", "ann@example.org"), Sig("o", "open", "bob@example.org"))
	note := func(org, campaign string, n int) {
		t.Helper()
		for range n {
			if err := p.NoteUnsent(ctx, org, campaign); err != nil {
				t.Fatalf("NoteUnsent: %v", err)
			}
		}
	}
	note("o", "closed", 2)
	note("o", "expired", 1) // its one signature expired unconfirmed: only the count is left
	note("o", "open", 1)
	note("other", "closed", 3)
	rf := s.(store.Refusals)
	for _, c := range []store.CampaignName{{Org: "o", Campaign: "closed"}, {Org: "o", Campaign: "expired"},
		{Org: "o", Campaign: "open"}, {Org: "other", Campaign: "closed"}} {
		if err := rf.NoteRefused(ctx, c.Org, c.Campaign); err != nil {
			t.Fatalf("NoteRefused: %v", err)
		}
	}
	for _, c := range []string{"closed", "open"} {
		if _, err := tm.QueueTargetMail(ctx, mailing(c, "moss", "cat@example.org", 1, base)); err != nil {
			t.Fatalf("QueueTargetMail(%s): %v", c, err)
		}
	}
	if n, err := s.Purge(ctx, "o", "closed"); err != nil || n != 1 {
		t.Fatalf("Purge(o, closed): %d, %v; want 1, nil", n, err)
	}
	if n, err := s.Purge(ctx, "o", "expired"); err != nil || n != 0 {
		t.Fatalf("Purge(o, expired): %d, %v; want 0, nil", n, err)
	}
	wantUnsent := func(org string, want map[string]int) {
		t.Helper()
		got, err := p.UnsentCounts(ctx, org)
		if err != nil {
			t.Fatalf("UnsentCounts(%s): %v", org, err)
		}
		if !maps.Equal(got, want) {
			t.Errorf("confirmations never sent of %s after the purges: %v; want %v", org, got, want)
		}
	}
	wantUnsent("o", map[string]int{"open": 1})
	wantUnsent("other", map[string]int{"closed": 3})
	for org, want := range map[string]map[string]int{"o": {"open": 1}, "other": {"closed": 1}} {
		got, err := rf.RefusedCounts(ctx, org)
		if err != nil {
			t.Fatalf("RefusedCounts(%s): %v", org, err)
		}
		if !maps.Equal(got, want) {
			t.Errorf("signatures refused of %s after the purges: %v; want %v", org, got, want)
		}
	}
	// The target's slot of the purged campaign is free again; the open
	// campaign's is still taken (per_hour 1: its next letter waits).
	for _, c := range []struct {
		campaign string
		due      time.Time
	}{{"closed", base}, {"open", base.Truncate(time.Hour).Add(time.Hour)}} {
		due, err := tm.QueueTargetMail(ctx, mailing(c.campaign, "moss", "dan@example.org", 1, base))
		if err != nil {
			t.Fatalf("QueueTargetMail(%s) after the purge: %v", c.campaign, err)
		}
		if !due.Equal(c.due) {
			t.Errorf("%s's next letter to moss after the purge is due %v; want %v", c.campaign, due, c.due)
		}
	}
}
