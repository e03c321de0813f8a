package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"time"

	"github.com/placard/placard/internal/store"
)

// rewriteInterval is how often serve looks for a rewrite an erasure left
// owed (store.Rewrites); the store itself spaces the tries of one that
// keeps failing, from a minute to an hour apart.
const rewriteInterval = time.Minute

// rewriteLoop pays the rewrites erasures left owed: every one at start
// (a server stopped while one waited, or a command-line erasure whose
// rewrite failed), then those due at every tick, until ctx ends. A
// failure is logged plainly, with table names at most, never an address,
// and tried again later; so is each rewrite made.
func rewriteLoop(ctx context.Context, rw store.Rewrites, tick <-chan time.Time, log *slog.Logger) {
	all := true
	for {
		paid, owed, err := rw.PayRewrites(ctx, all)
		if ctx.Err() != nil {
			return
		}
		if paid > 0 {
			log.Info(fmt.Sprintf("rewrote %s erasures had left to be rewritten: no byte of what was erased is left in them", countText(paid, "database file", "database files")),
				"rewritten", paid, "rewrites_owed", owed)
		}
		switch {
		case err != nil:
			log.Warn("erased signatures or messages are gone, but their bytes are still in the database files because rewriting them failed; placard serve tries again, later each time (at most an hour apart). "+
				"If this goes on, look for a long-running query or transaction on the database and end it",
				"rewrites_owed", owed, "err", err)
		case owed > 0 && all:
			log.Warn("erasures left database files to be rewritten that could not all be yet (another instance may be rewriting them); placard serve tries again, later each time (at most an hour apart)",
				"rewrites_owed", owed)
		}
		all = false
		select {
		case <-ctx.Done():
			return
		case <-tick:
		}
	}
}

// saidOwed finishes, for a command that deleted something, the disk's
// side of the deletion (store.Rewrites), and tells the operator on w when
// it cannot yet: a long reader or another instance's rewrite held it up.
// The rows are gone for every reader either way; without this the command
// said only what it removed, as if the bytes had left the files too, when
// they wait for placard serve (which pays at start and every minute).
func saidOwed(ctx context.Context, st any, w io.Writer) {
	rw, ok := st.(store.Rewrites)
	if !ok {
		return
	}
	_, owed, err := rw.PayRewrites(ctx, true)
	if owed == 0 && err == nil {
		return
	}
	why := "another instance is rewriting them now"
	if err != nil {
		why = err.Error()
	}
	fmt.Fprintf(w, "What was removed is gone, but its bytes are still in the database files (%s). placard serve overwrites them when it starts and every minute after; if serve is not running, run this command again later to finish.\n", why)
}
