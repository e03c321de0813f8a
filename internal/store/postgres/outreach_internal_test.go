package postgres

import (
	"context"
	"testing"
	"time"

	"github.com/placard/placard/internal/store"
	"github.com/placard/placard/internal/store/storetest"
)

// TestOutreachRow: the outreach table has only the agreed columns, and a
// call at 09:47:13 is kept under 09:00.
func TestOutreachRow(t *testing.T) {
	ctx := context.Background()
	db := openDB(ctx, t, migratedDSN(t))
	at := time.Date(2026, 3, 1, 9, 47, 13, 0, time.UTC)
	if err := db.RecordOutreach(ctx, store.OutreachEvent{Org: "o", Campaign: "c", Action: "a", Target: "t", Kind: "call", Outcome: "staff", At: at}); err != nil {
		t.Fatal(err)
	}
	rows, err := db.pool.Query(ctx, `SELECT column_name FROM information_schema.columns WHERE table_name = 'outreach'`)
	if err != nil {
		t.Fatal(err)
	}
	var cols []string
	for rows.Next() {
		var c string
		if err := rows.Scan(&c); err != nil {
			t.Fatal(err)
		}
		cols = append(cols, c)
	}
	rows.Close()
	storetest.CheckOutreachColumns(t, cols)
	var hour time.Time
	if err := db.pool.QueryRow(ctx, `SELECT hour FROM outreach`).Scan(&hour); err != nil {
		t.Fatal(err)
	}
	if want := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC); !hour.Equal(want) {
		t.Errorf("hour = %v, want %v", hour, want)
	}
}
