package postgres

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/placard/placard/internal/signing"
	"github.com/placard/placard/internal/store"
	"github.com/placard/placard/internal/store/storetest"
)

// claimRowsRead runs the claim's statement around busy under EXPLAIN
// ANALYZE, in a transaction it rolls back (the statement claims), and
// returns the rows its scans read (returned and removed by filters,
// summed over the plan) and the plan's text.
func claimRowsRead(t *testing.T, db *DB, n int, busy []store.OutboxLane) (int, string) {
	t.Helper()
	ctx := context.Background()
	orgs, kinds, targets := []string{}, []string{}, []string{}
	for _, l := range busy {
		orgs, kinds, targets = append(orgs, l.Org), append(kinds, l.Kind), append(targets, l.Target)
	}
	now := time.Now().UTC()
	args := []any{now, n, now.Add(time.Minute), "explain", orgs, kinds, targets}
	tx, err := db.pool.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback(ctx)
	var plan []byte
	if err := tx.QueryRow(ctx, `EXPLAIN (ANALYZE, FORMAT JSON) `+claimStatement(len(busy)), args...).Scan(&plan); err != nil {
		t.Fatal(err)
	}
	var doc []struct{ Plan map[string]any }
	if err := json.Unmarshal(plan, &doc); err != nil || len(doc) != 1 {
		t.Fatalf("reading the plan %s: %v", plan, err)
	}
	var sum func(n map[string]any) int
	sum = func(n map[string]any) int {
		rows := 0
		if strings.HasSuffix(fmt.Sprint(n["Node Type"]), "Scan") && n["Relation Name"] == "outbox" {
			loops, _ := n["Actual Loops"].(float64)
			got, _ := n["Actual Rows"].(float64)
			removed, _ := n["Rows Removed by Filter"].(float64)
			rows += int((got + removed) * max(loops, 1))
		}
		kids, _ := n["Plans"].([]any)
		for _, k := range kids {
			rows += sum(k.(map[string]any))
		}
		return rows
	}
	rows, err := tx.Query(ctx, `EXPLAIN `+claimStatement(len(busy)), args...)
	if err != nil {
		t.Fatal(err)
	}
	lines, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		t.Fatal(err)
	}
	return sum(doc[0].Plan), strings.Join(lines, "\n")
}

// TestClaimAroundSkipsBusyLanes: a claim around a full lane (the
// worker's deliveries to one destination at their limit) reads as many
// rows whether that lane has 500 due messages waiting or 20,000: the
// other lanes' oldest, not the busy lane's backlog; and it still takes
// the oldest due messages of the other lanes, in due order. Failed
// before: the claim read the due messages oldest first and passed over
// the busy lane's one by one — 1,116 rows read with 500 of them due,
// 40,116 with 20,000 (now 636 and 52: with 600 rows the planner updates
// through a sequential scan, cheaper on a table that small).
func TestClaimAroundSkipsBusyLanes(t *testing.T) {
	ctx := context.Background()
	db := openDB(ctx, t, migratedDSN(t))
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
		if _, err := db.pool.Exec(ctx, `ANALYZE outbox`); err != nil {
			t.Fatal(err)
		}
		read, plan := claimRowsRead(t, db, 16, busy)
		got, err := db.ClaimAround(ctx, "w", 16, time.Minute, busy)
		if err != nil {
			t.Fatal(err)
		}
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
		if !strings.Contains(plan, "outbox_lane_due") {
			t.Errorf("the claim around a busy lane does not step through outbox_lane_due:\n%s", plan)
		}
		return read
	}
	few := claim()
	slow = slow[:0]
	for range 19500 {
		slow = append(slow, msg("slow", "https://slow.example.org/hook"))
	}
	for i := range slow {
		slow[i].NotBefore = base.Add(-time.Duration(i+1) * time.Millisecond)
	}
	if err := db.Enqueue(ctx, slow); err != nil {
		t.Fatal(err)
	}
	many := claim()
	t.Logf("rows read by a claim around the busy lane: %d with 500 of its messages due, %d with 20,000", few, many)
	if many > 100 {
		t.Errorf("a claim around the busy lane read %d rows with 500 of its messages due and %d with 20,000: want the same few, bounded by what it claims", few, many)
	}
}

// TestClaimAroundLocksOnlyWhatItClaims: a claim around a busy lane with
// many other lanes waiting locks the messages it claims and no others.
// Failed before: it locked up to n due messages of every open lane
// (FOR UPDATE SKIP LOCKED inside each lane's lookup) and claimed n of
// them, so a claim of 16 around 200 lanes of 20 left 3,184 rows carrying
// its row lock — each a WAL record and a dirtied page, and rows another
// instance's claim passed by. A row left locked keeps the locker's xid
// in xmax after the commit, which is what this counts.
func TestClaimAroundLocksOnlyWhatItClaims(t *testing.T) {
	ctx := context.Background()
	db := openDB(ctx, t, migratedDSN(t))
	base := time.Now().Add(-time.Hour)
	at := 0
	var msgs []signing.Message
	for lane := range 201 {
		for range 20 {
			m := storetest.Msg(fmt.Sprintf("org%03d", lane), "c", fmt.Sprintf("p%d@example.org", at))
			m.NotBefore = base.Add(time.Duration(at) * time.Millisecond)
			at++
			msgs = append(msgs, m)
		}
	}
	if err := db.Enqueue(ctx, msgs); err != nil {
		t.Fatal(err)
	}
	if _, err := db.pool.Exec(ctx, `VACUUM (FREEZE, ANALYZE) outbox`); err != nil {
		t.Fatal(err)
	}
	busy := []store.OutboxLane{store.LaneOf(msgs[0])}
	got, err := db.ClaimAround(ctx, "w", 16, time.Minute, busy)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 16 {
		t.Fatalf("claimed %d messages, want 16", len(got))
	}
	for _, e := range got {
		if e.Org == busy[0].Org {
			t.Fatalf("claimed %s of the busy lane", e.ID)
		}
	}
	var locked int
	if err := db.pool.QueryRow(ctx, `SELECT count(*) FROM outbox WHERE claimed_by = '' AND xmax::text <> '0'`).Scan(&locked); err != nil {
		t.Fatal(err)
	}
	if locked > 0 {
		t.Errorf("the claim left %d messages it did not claim locked by it, want none", locked)
	}
}
