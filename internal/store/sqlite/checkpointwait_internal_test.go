package sqlite

import (
	"context"
	"database/sql"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestCheckpointBehindReaderGivesUpSoon: an erasure's TRUNCATE checkpoint
// behind a long reader answers "tried again later" within its own short
// wait, not after the writer's 10 s busy timeout per try, and the writer
// connection gets its 10 s back. Failed before: with one try allowed and
// five seconds to spare, the checkpoint was still waiting in the busy
// handler when the five seconds ran out (context deadline exceeded).
func TestCheckpointBehindReaderGivesUpSoon(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "ck.db")
	db, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	raw, err := sql.Open(driverName, "file:"+path+"?_pragma=busy_timeout(5000)")
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	tx, err := raw.Begin()
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	var n int
	if err := tx.QueryRow(`SELECT count(*) FROM signatures`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	// Something in the log newer than the reader's snapshot.
	if _, err := db.w.ExecContext(ctx, `INSERT INTO settings (key, value) VALUES ('ck-test', x'00')`); err != nil {
		t.Fatal(err)
	}
	tries := wipeTries
	wipeTries = 1
	defer func() { wipeTries = tries }()
	cctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	err = db.checkpoint(cctx)
	if err == nil || !strings.Contains(err.Error(), "tried again later") {
		t.Errorf("checkpoint behind a reader: %v; want it to give up with 'tried again later'", err)
	}
	var bt string
	if err := db.w.QueryRowContext(ctx, `PRAGMA busy_timeout`).Scan(&bt); err != nil {
		t.Fatal(err)
	}
	if bt != "10000" {
		t.Errorf("writer busy_timeout after the checkpoint: %s, want 10000 back", bt)
	}
}
