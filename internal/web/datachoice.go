package web

import (
	"time"

	"github.com/placard/placard/internal/signing"
	"github.com/placard/placard/internal/site"
	"github.com/placard/placard/internal/store"
	"github.com/placard/placard/internal/webhook"
)

// tellChoice is what a supporter's change on the data page tells their
// organisation's systems (webhook.Changes): a signature.updated webhook
// for each signature the change touched that counts, and, when they
// withdrew their permission to be contacted, the Action Network record
// that unsubscribes them. Signatures that do not count (waiting for
// their signer or the organisers) reached no CRM, so they send nothing.
// The store queues it in the change's own transaction (store.Tell): a
// choice stored always has its messages, and one not stored has none.
func (s *Server) tellChoice(snap *site.Snapshot, org string, now time.Time) store.Tell {
	o := snap.Site.Org(org)
	if o == nil || len(o.Webhooks) == 0 && o.OSDI == nil {
		return nil
	}
	return func(changes []signing.Change) ([]signing.Message, error) {
		return webhook.Changes(o, changes, now, s.cfg.BaseURL), nil
	}
}
