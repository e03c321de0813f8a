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
// OSDI record when the signature counts at once — not while it waits for
// its signer to confirm (status "unconfirmed"), when confirming sends it.
// None (and no allocation) for an organisation without them.
func (s *Server) signatureMessages(lc *site.SigningCampaign, sig *signing.Signature, now time.Time) []signing.Message {
	return webhook.Messages(lc.Campaign.Org, lc.Campaign, sig, webhook.Occasion{
		Event: campaign.EventSignatureCreated, Final: sig.Status != signing.StatusUnconfirmed, At: now, BaseURL: s.cfg.BaseURL,
	})
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
