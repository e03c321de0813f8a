package main

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/placard/placard/internal/store"
)

// skewedClock is a store.Removals whose database's clock runs ahead of
// this process's by skew, or cannot be read (err).
type skewedClock struct {
	store.Removals
	skew time.Duration
	err  error
}

func (s skewedClock) Now(context.Context) (time.Time, error) { return time.Now().Add(s.skew), s.err }

// TestDBClockConverts: the times serve gives the removal records (when
// files were loaded, when a campaign was found removed or kept apart) are
// the database's clock's, converted by the offset measured when they are
// used, so an instance whose clock is an hour behind the others' still
// orders its loads against their removals. It failed before: serve gave
// its own clock's times, and such an instance's files counted as an hour
// older than they were. With no database clock, times are left as they
// are.
func TestDBClockConverts(t *testing.T) {
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	loaded := time.Date(2026, 12, 5, 9, 0, 0, 0, time.UTC)
	clock := dbClock(context.Background(), skewedClock{skew: time.Hour}, log)
	if d := clock(loaded).Sub(loaded); d < time.Hour || d > time.Hour+time.Minute {
		t.Errorf("a load at %v on a clock an hour behind the database's: converted by %v, want an hour", loaded, d)
	}
	clock = dbClock(context.Background(), skewedClock{err: errors.New("down")}, log)
	if got := clock(loaded); !got.Equal(loaded) {
		t.Errorf("with no database clock: %v, want %v unchanged", got, loaded)
	}
}
