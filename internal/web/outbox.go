package web

import (
	"time"

	"github.com/placard/placard/internal/campaign"
	"github.com/placard/placard/internal/signing"
	"github.com/placard/placard/internal/site"
	"github.com/placard/placard/internal/webhook"
)

// signatureMessages returns the outbox messages a new signature sends: one
// per webhook of its organisation subscribed to signature.created, and its
// OSDI record. None while it does not count (webhook.Counts): while it
// waits for its signer to confirm (status "unconfirmed") — an address
// anyone may have typed reaches no CRM, and confirming sends them
// (confirmedMessages) — or for the organisers to approve an
// organisation's sign-on (status "pending"), which approving sends
// (console and placard signatures approve, webhook.Changes). None (and no
// allocation) for an organisation without them.
func (s *Server) signatureMessages(lc *site.SigningCampaign, sig *signing.Signature, now time.Time) []signing.Message {
	if !webhook.Counts(sig) {
		return nil
	}
	return webhook.Messages(lc.Campaign.Org, lc.Campaign, sig, webhook.Occasion{
		Event: campaign.EventSignatureCreated, Final: true, At: now, BaseURL: s.cfg.BaseURL,
	})
}

// confirmedMessages returns what a confirmed signature sends its
// organisation's systems, queued in the confirmation's own transaction:
// signature.created, as a signature without confirmation sends at once,
// then signature.confirmed, to the webhooks subscribed to each, and the
// OSDI record once. An organisation's sign-on, which after confirmation
// waits for the organisers' approval, sends nothing yet: approving it
// sends signature.created and the record (webhook.Changes).
func (s *Server) confirmedMessages(lc *site.SigningCampaign, sig *signing.Signature, now time.Time) []signing.Message {
	if !webhook.Counts(sig) {
		return nil
	}
	msgs := webhook.Messages(lc.Campaign.Org, lc.Campaign, sig, webhook.Occasion{
		Event: campaign.EventSignatureCreated, At: now, BaseURL: s.cfg.BaseURL,
	})
	return append(msgs, webhook.Messages(lc.Campaign.Org, lc.Campaign, sig, webhook.Occasion{
		Event: campaign.EventSignatureConfirmed, Final: true, At: now, BaseURL: s.cfg.BaseURL,
	})...)
}

// wakeOutbox tells the delivery worker a stored signature has messages.
func (s *Server) wakeOutbox(sig *signing.Signature) {
	if len(sig.Outbox) > 0 && s.cfg.WakeOutbox != nil {
		s.cfg.WakeOutbox()
	}
}

// CurrentSite returns the campaigns the server is serving now: after a
// reload, the new ones. The delivery worker reads each organisation's
// current webhooks from it.
func (s *Server) CurrentSite() *campaign.Site {
	return s.snap.Load().Site
}
