package main

import (
	"context"
	"log/slog"
	"time"

	"github.com/placard/placard/internal/store"
)

// targetSweepInterval is how often serve sweeps the decision-makers'
// queues (store.TargetMail.SweepTargetMail): a held-back inbox's keyed
// hash goes at most this long after its time is up, even when no one
// writes any more.
const targetSweepInterval = 10 * time.Minute

// targetSweepLoop sweeps, at start and then at every tick, the held-back
// inboxes past store.HeldFor and the domain counts of hours gone by. Every
// instance runs it; the DELETEs are idempotent, so a second instance
// finds less or nothing. It logs failures only, never a count per person.
func targetSweepLoop(ctx context.Context, tm store.TargetMail, now func() time.Time, tick <-chan time.Time, log *slog.Logger) {
	for {
		if _, err := tm.SweepTargetMail(ctx, now()); err != nil && ctx.Err() == nil {
			log.Warn("sweeping the decision-makers' queues failed; trying again in 10 minutes", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-tick:
		}
	}
}
