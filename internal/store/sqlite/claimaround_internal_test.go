package sqlite

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"modernc.org/sqlite"

	"github.com/placard/placard/internal/signing"
	"github.com/placard/placard/internal/store"
	"github.com/placard/placard/internal/store/storetest"
)

// pagesTouched returns how many pages (page cache hits and misses) the
// writer's connection, where claims run, touched while f ran.
func pagesTouched(t *testing.T, db *DB, f func()) int {
	t.Helper()
	ctx := context.Background()
	status := func(reset bool) int {
		c, err := db.w.Conn(ctx)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		n := 0
		if err := c.Raw(func(dc any) error {
			for _, op := range []sqlite.DBStatusOp{sqlite.DBStatusCacheHit, sqlite.DBStatusCacheMiss} {
				cur, _, err := dc.(sqlite.DBStatus).Status(op, reset)
				if err != nil {
					return err
				}
				n += cur
			}
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		return n
	}
	status(true)
	f()
	return status(false)
}

// TestClaimAroundSkipsBusyLanes: a claim around a full lane (the
// worker's deliveries to one destination at their limit) costs the same
// whether that lane has 500 due messages waiting or 20,000: it reads
// the other lanes' oldest, not the busy lane's backlog. It still takes
// the oldest due messages of the other lanes, in due order. Failed
// before: the claim walked outbox_due, oldest first, reading each due
// message of the busy lane older than the others' (its row, for the lane)
// before passing over it — 20,000 rows in the writer's transaction on
// every claim while the lane stayed full: 121 pages with 500 due, 39,567
// with 20,000 (now 148 and 264: the new index costs each claimed row a
// few pages more).
func TestClaimAroundSkipsBusyLanes(t *testing.T) {
	ctx := context.Background()
	db, err := Open(ctx, t.TempDir()+"/claim.db")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	base := time.Now().Add(-time.Hour)
	at := 0
	msg := func(org, target string) signing.Message {
		m := storetest.Msg(org, "c", fmt.Sprintf("p%d@example.org", at))
		m.Payload = []byte(`{"pad":"` + strings.Repeat("x", 300) + `"}`)
		m.Target = target
		m.NotBefore = base.Add(time.Duration(at) * time.Millisecond)
		at++
		return m
	}
	// The busy lane's backlog first (the oldest), then two other lanes'
	// messages, interleaved.
	var slow []signing.Message
	for range 500 {
		slow = append(slow, msg("slow", "https://slow.example.org/hook"))
	}
	var others []signing.Message
	for i := range 100 {
		others = append(others, msg([]string{"b", "c"}[i%2], ""))
	}
	if err := db.Enqueue(ctx, append(slow, others...)); err != nil {
		t.Fatal(err)
	}
	busy := []store.OutboxLane{store.LaneOf(slow[0])}
	want := make([]string, 16)
	for i, m := range others[:16] {
		want[i] = m.ID
	}
	claim := func() int {
		var got []store.OutboxEntry
		pages := pagesTouched(t, db, func() {
			if got, err = db.ClaimAround(ctx, "w", 16, time.Minute, busy); err != nil {
				t.Fatal(err)
			}
		})
		slices.SortFunc(got, func(a, b store.OutboxEntry) int { return a.Due.Compare(b.Due) })
		ids := make([]string, len(got))
		for i, e := range got {
			ids[i] = e.ID
		}
		if !slices.Equal(ids, want) {
			t.Fatalf("ClaimAround the busy lane took %d messages, not the 16 oldest of the other lanes in due order", len(got))
		}
		if err := db.Release(ctx, "w", got); err != nil {
			t.Fatal(err)
		}
		return pages
	}
	few := claim()
	slow = slow[:0]
	for range 19500 {
		slow = append(slow, msg("slow", "https://slow.example.org/hook"))
	}
	// Older than the others, as a backlog that built up before them.
	for i := range slow {
		slow[i].NotBefore = base.Add(-time.Duration(i+1) * time.Millisecond)
	}
	if err := db.Enqueue(ctx, slow); err != nil {
		t.Fatal(err)
	}
	many := claim()
	t.Logf("pages touched by a claim around the busy lane: %d with 500 of its messages due, %d with 20,000", few, many)
	// Each claimed row's index entries are a level deeper with 20,000
	// rows; a walk of the backlog is two pages per message.
	if many > 2*few {
		t.Errorf("a claim around the busy lane touched %d pages with 500 of its messages due and %d with 20,000: want about the same, its cost bounded by what it claims", few, many)
	}
	// The plan: the lanes stepped through in outbox_lane_due, each seek
	// past a lane, and each lane's due messages read as a range of it.
	rows, err := db.w.QueryContext(ctx, `EXPLAIN QUERY PLAN `+claimAroundSQL(1), formatTime(time.Now()), 16, "o", "email", "")
	if err != nil {
		t.Fatal(err)
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
	got := strings.Join(plan, "\n")
	for _, step := range []string{"outbox_lane_due (org=? AND kind=? AND target>?)", "outbox_lane_due (org=? AND kind>?)", "outbox_lane_due (org>?)",
		"outbox_lane_due (org=? AND kind=? AND target=? AND not_before<?)"} {
		if !strings.Contains(got, step) {
			t.Errorf("the claim's plan has no SEARCH … %s:\n%s", step, got)
		}
	}
	if strings.Contains(got, "outbox_due") {
		t.Errorf("the claim around busy lanes walks outbox_due:\n%s", got)
	}
}
