package sqlite

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/placard/placard/internal/signing"
	"github.com/placard/placard/internal/store"
)

// TestPagePlans: every page SignaturePage reads is an index range in id
// order — the pending queue's own indexes (migration 027) for one
// campaign or several, the campaign's for an export — never a scan of the
// table or a sort of every matching row, so a page costs its rows however
// long the queue or the campaign.
func TestPagePlans(t *testing.T) {
	ctx := context.Background()
	db, err := Open(ctx, filepath.Join(t.TempDir(), "placard.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, tc := range []struct {
		q     store.PageQuery
		index string
	}{
		{store.PageQuery{Org: "o", Campaigns: []string{"a"}, Status: signing.StatusPending, Limit: 50}, "signatures_pending"},
		{store.PageQuery{Org: "o", Campaigns: []string{"a", "b", "c"}, Status: signing.StatusPending, Limit: 50, After: 7}, "signatures_pending_org"},
		{store.PageQuery{Org: "o", Campaigns: []string{"a", "b"}, Status: signing.StatusPending, Limit: 50, Before: 70}, "signatures_pending_org"},
		{store.PageQuery{Org: "o", Campaigns: []string{"a"}, Limit: 500, After: 9}, "signatures_campaign_id"},
		{store.PageQuery{Org: "o", Campaigns: []string{"a"}, Status: signing.StatusApproved, Limit: 500}, "signatures_campaign_id"},
	} {
		from, where, args := pageWhere(tc.q)
		order := ` AND id > ? ORDER BY id LIMIT ?`
		if tc.q.Before > 0 {
			order = ` AND id < ? ORDER BY id DESC LIMIT ?`
		}
		rows, err := db.r.QueryContext(ctx, `EXPLAIN QUERY PLAN SELECT `+signatureColumns+` FROM `+from+` WHERE `+where+order, append(args, 1, 51)...)
		if err != nil {
			t.Fatalf("%+v: %v", tc.q, err)
		}
		var plan []string
		for rows.Next() {
			var id, parent, unused int
			var detail string
			if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
				t.Fatal(err)
			}
			plan = append(plan, detail)
		}
		rows.Close()
		got := strings.Join(plan, "; ")
		if !strings.HasPrefix(got, "SEARCH signatures USING INDEX "+tc.index+" (") || strings.Contains(got, "TEMP B-TREE") {
			t.Errorf("%+v: plan %q, want a range of %s and no sort", tc.q, got, tc.index)
		}
	}
}
