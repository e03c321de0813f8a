package main

import (
	"context"
	"fmt"
	"log/slog"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/placard/placard/internal/console"
	"github.com/placard/placard/internal/outbox"
	"github.com/placard/placard/internal/signing"
	"github.com/placard/placard/internal/store"
	"github.com/placard/placard/internal/webhook"
)

// deadDrop returns when serve deletes the dead message e: an erasure
// notice at webhook.DeadNoticeDrop, any other at outbox.DeadDrop (the
// same 30 days today, kept apart so each can change alone).
func deadDrop(e store.OutboxEntry) time.Time {
	if webhook.ErasureNotice(e.Message) {
		return webhook.DeadNoticeDrop(e.CreatedAt)
	}
	return outbox.DeadDrop(e.CreatedAt)
}

// deadGroup is what the round logs one line for: an organisation's dead
// messages of one kind (notice: its erasure notices, told apart because
// their CRM must be cleaned by hand).
type deadGroup struct {
	org, kind string
	notice    bool
}

// dropDeadNotices is serve's daily round for the messages the outbox
// gave up on (dead): those whose day has come (deadDrop) are deleted,
// with the person's data each holds, and the outbox's files rewritten
// (store.Outbox.Drop); it logs how many per organisation and kind, and
// for erasure notices what the operator must do (a count, a kind and a
// slug, never an address). On a shared database every instance does it;
// Drop counts each once, and an instance that deleted none (another got
// there first) does not claim it did.
func dropDeadNotices(ctx context.Context, st store.Store, now time.Time, log *slog.Logger) {
	ob, ok := st.(store.Outbox)
	if !ok {
		return
	}
	es, err := ob.List(ctx, store.OutboxDead)
	if err != nil {
		if ctx.Err() == nil {
			log.Error("reading the messages that could not be delivered failed; trying again tomorrow", "err", err)
		}
		return
	}
	var ids []string
	groups := map[deadGroup]int{}
	for _, e := range es {
		if deadDrop(e).After(now) {
			continue
		}
		ids = append(ids, e.ID)
		groups[deadGroup{org: e.Org, kind: e.Kind, notice: webhook.ErasureNotice(e.Message)}]++
	}
	if len(ids) == 0 {
		return
	}
	n, err := ob.Drop(ctx, ids)
	if err != nil {
		if ctx.Err() == nil {
			log.Error("deleting the messages that could not be delivered failed; trying again tomorrow", "err", err)
		}
		return
	}
	if n == 0 {
		log.Info("the messages that could not be delivered and were due for deletion were deleted meanwhile by another instance or 'placard outbox drop'")
		return
	}
	keys := slices.SortedFunc(maps.Keys(groups), func(a, b deadGroup) int {
		if a.org != b.org {
			return strings.Compare(a.org, b.org)
		}
		if a.notice != b.notice {
			if a.notice {
				return -1
			}
			return 1
		}
		return strings.Compare(a.kind, b.kind)
	})
	for _, g := range keys {
		c := groups[g]
		if g.notice {
			log.Warn(fmt.Sprintf("deleted %s of organisation %s that its CRM never accepted, %d days after they gave up: placard never told that CRM of those erasures, so erase those people there by hand",
				countText(c, "undelivered erasure notice", "undelivered erasure notices"), g.org, int(webhook.DeadNoticeKeep/(24*time.Hour))),
				"organisation", g.org, "erasure_notices", c)
			continue
		}
		one, many := deadKindNames(g.kind)
		log.Info(fmt.Sprintf("deleted %s of organisation %s, %d days after placard gave up sending them: they held people's personal data, which is not kept for good",
			countText(c, one, many), g.org, int(outbox.DeadKeep/(24*time.Hour))),
			"organisation", g.org, "kind", g.kind, "messages", c)
	}
	if n < len(ids) {
		log.Info("some of those messages were deleted meanwhile by another instance or 'placard outbox drop'", "deleted_here", n)
	}
}

// deadKindNames names an outbox kind for the round's log line.
func deadKindNames(kind string) (one, many string) {
	switch kind {
	case signing.MessageEmail:
		return "undelivered email (confirmation, thank-you, sign-in link or letter to a decision-maker)", "undelivered emails (confirmations, thank-yous, sign-in links or letters to decision-makers)"
	case signing.MessageWebhook:
		return "undelivered webhook event", "undelivered webhook events"
	case signing.MessageOSDI:
		return "undelivered CRM (Action Network/OSDI) event", "undelivered CRM (Action Network/OSDI) events"
	case console.MessageSignIn:
		return "undelivered console sign-in email", "undelivered console sign-in emails"
	}
	return "undelivered " + kind + " message", "undelivered " + kind + " messages"
}
