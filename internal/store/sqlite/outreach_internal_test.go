package sqlite

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/placard/placard/internal/store"
	"github.com/placard/placard/internal/store/storetest"
)

// TestOutreachRow: the outreach table has only the agreed columns, and a
// call at 09:47:13 is kept under 09:00.
func TestOutreachRow(t *testing.T) {
	ctx := context.Background()
	db, err := Open(ctx, filepath.Join(t.TempDir(), "placard.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	at := time.Date(2026, 3, 1, 9, 47, 13, 0, time.UTC)
	if err := db.RecordOutreach(ctx, store.OutreachEvent{Org: "o", Campaign: "c", Action: "a", Target: "t", Kind: "call", Outcome: "staff", At: at}); err != nil {
		t.Fatal(err)
	}
	rows, err := db.r.QueryContext(ctx, `SELECT name FROM pragma_table_info('outreach')`)
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
	var hour int64
	if err := db.r.QueryRowContext(ctx, `SELECT hour FROM outreach`).Scan(&hour); err != nil {
		t.Fatal(err)
	}
	if want := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC).Unix(); hour != want {
		t.Errorf("hour = %d, want %d (09:00)", hour, want)
	}
}
