package main

import (
	"context"
	"fmt"
	"log/slog"
	"maps"
	"slices"
	"time"

	"github.com/placard/placard/internal/store"
	"github.com/placard/placard/internal/webhook"
)

// dropDeadNotices is serve's daily round for the erasure notices the
// outbox gave up on (dead): those made webhook.DeadNoticeDrop ago are
// deleted, with the erased address each holds, and the outbox's files
// rewritten (store.Outbox.Drop); it logs how many per organisation and
// what the operator must do (a count and a slug, never an address). On a
// shared database every instance does it; Drop counts each once.
func dropDeadNotices(ctx context.Context, st store.Store, now time.Time, log *slog.Logger) {
	ob, ok := st.(store.Outbox)
	if !ok {
		return
	}
	es, err := ob.List(ctx, store.OutboxDead)
	if err != nil {
		if ctx.Err() == nil {
			log.Error("reading the erasure notices that could not be delivered failed; trying again tomorrow", "err", err)
		}
		return
	}
	var ids []string
	byOrg := map[string]int{}
	for _, e := range es {
		if webhook.ErasureNotice(e.Message) && !webhook.DeadNoticeDrop(e.CreatedAt).After(now) {
			ids = append(ids, e.ID)
			byOrg[e.Org]++
		}
	}
	if len(ids) == 0 {
		return
	}
	n, err := ob.Drop(ctx, ids)
	if err != nil {
		if ctx.Err() == nil {
			log.Error("deleting the erasure notices that could not be delivered failed; trying again tomorrow", "err", err)
		}
		return
	}
	for _, org := range slices.Sorted(maps.Keys(byOrg)) {
		log.Warn(fmt.Sprintf("deleted %s of organisation %s that its CRM never accepted, %d days after they gave up: placard never told that CRM of those erasures, so erase those people there by hand",
			countText(byOrg[org], "undelivered erasure notice", "undelivered erasure notices"), org, int(webhook.DeadNoticeKeep/(24*time.Hour))),
			"organisation", org, "erasure_notices", byOrg[org])
	}
	if n < len(ids) {
		log.Info("some of those erasure notices were deleted meanwhile by another instance or 'placard outbox drop'", "deleted_here", n)
	}
}
