package main

import (
	"bytes"
	"context"
	"database/sql"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/placard/placard/internal/store/sqlite"
)

// TestRewriteLoopPaysAtStart: a rewrite an erasure left owed (its
// checkpoint failed, then the server stopped) is made when serve starts,
// and serve says so plainly. Before, nothing in serve made it: the bytes
// stayed until another erasure happened to rewrite the same files.
func TestRewriteLoopPaysAtStart(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "placard.db")
	st, err := sqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	// Owed, as an erasure whose checkpoint failed leaves it, its next try
	// an hour away: start does not wait for it.
	raw, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	later := time.Now().Add(time.Hour).UTC().Format("2006-01-02T15:04:05.000000Z")
	if _, err := raw.Exec(`INSERT INTO rewrites_owed (tbl, since, tries, next_at) VALUES ('wal', ?, 1, ?)`, later, later); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	log := slog.New(slog.NewTextHandler(&out, nil))
	rctx, cancel := context.WithCancel(ctx)
	tick := make(chan time.Time)
	done := make(chan struct{})
	go func() { defer close(done); rewriteLoop(rctx, st, tick, log) }()
	tick <- time.Now() // taken once the start's round is done
	cancel()
	<-done
	if _, owed, err := st.PayRewrites(ctx, false); err != nil || owed != 0 {
		t.Errorf("after serve's start: %d rewrites owed, %v, want 0", owed, err)
	}
	if !strings.Contains(out.String(), "rewrote 1 database file erasures had left to be rewritten") {
		t.Errorf("serve did not say it made the owed rewrite; it logged:\n%s", out.String())
	}
}
