package main

import (
	"context"
	"io"
	"log/slog"
	"path/filepath"
	"testing"
	"time"

	"github.com/placard/placard/internal/store"
	"github.com/placard/placard/internal/store/sqlite"
)

// TestTargetSweepLoop: serve's housekeeping sweeps the held-back inboxes
// on its own clock. A letter held back, then nothing more written to any
// decision-maker: once HeldFor has passed, the loop's first pass has
// deleted the inbox's hash (a sweep after it finds nothing left). Before,
// nothing ran: the hash stayed until the next letter came.
func TestTargetSweepLoop(t *testing.T) {
	ctx := context.Background()
	st, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "placard.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	at := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	if err := st.NoteHeld(ctx, "o", "c", "write", "moss", "jane@janedoe.example", at); err != nil {
		t.Fatal(err)
	}
	later := at.Add(store.HeldFor + time.Hour)
	lctx, stop := context.WithCancel(ctx)
	tick := make(chan time.Time)
	done := make(chan struct{})
	go func() {
		targetSweepLoop(lctx, st, func() time.Time { return later }, tick, slog.New(slog.NewTextHandler(io.Discard, nil)))
		close(done)
	}()
	tick <- later // taken once the first pass is over
	stop()
	<-done
	if n, err := st.SweepTargetMail(ctx, later); err != nil || n != 0 {
		t.Errorf("a sweep after the loop's pass deleted %d rows, %v; want 0 (the loop had swept Jane's held-back hash)", n, err)
	}
}
