package web

import (
	"context"
	"net/http"
	"time"

	"github.com/placard/placard/internal/signing"
	"github.com/placard/placard/internal/site"
	"github.com/placard/placard/internal/store"
	"github.com/placard/placard/internal/webhook"
)

// tellChoice queues what a supporter's change on the data page tells
// their organisation's systems: a signature.updated webhook for each
// signature the change touched (before holds them as they were), and,
// when they withdrew their permission to be contacted from a signature
// that had it, the Action Network record that unsubscribes them.
// Signatures still waiting for confirmation reached no CRM, so they send
// nothing. A failure is logged, without the address: the choice itself
// is stored.
func (s *Server) tellChoice(ctx context.Context, r *http.Request, ob store.Outbox, snap *site.Snapshot, org, action string, before []signing.Signature, now time.Time) {
	o := snap.Site.Org(org)
	if o == nil || len(o.Webhooks) == 0 && o.OSDI == nil {
		return
	}
	var msgs []signing.Message
	unsubscribe := -1
	for i := range before {
		sg := before[i]
		if sg.Status == signing.StatusUnconfirmed {
			continue
		}
		switch {
		case action == "withdraw" && !sg.ContactAt.IsZero():
			sg.ContactText, sg.ContactAt = "", time.Time{}
			if unsubscribe < 0 {
				unsubscribe = i
			}
		case action == "hide" && sg.Public:
			sg.Public = false
		default:
			continue
		}
		msgs = append(msgs, webhook.Updated(o, o.Campaign(sg.Campaign), &sg, now, s.cfg.BaseURL)...)
	}
	if unsubscribe >= 0 {
		msgs = append(msgs, webhook.Unsubscribed(o, &before[unsubscribe])...)
	}
	if err := s.enqueue(ctx, ob, msgs); err != nil {
		s.log.Error("queueing the webhooks of a supporter's choice failed", "org", org, "err", err, "request_id", requestID(r))
	}
}
