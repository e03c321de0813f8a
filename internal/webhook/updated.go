package webhook

import (
	"encoding/json"
	"strings"
	"time"

	"github.com/placard/placard/internal/campaign"
	"github.com/placard/placard/internal/signing"
)

// Updated returns the signature.updated messages for the webhooks of o
// (campaign c, may be nil) that want them, after a change to a signature
// the organisation's systems have heard of (Changes): its signer changed
// a choice on their data page — withdrew their permission to be
// contacted or hid their name — or the organisers rejected it after
// approving it. s is the signature as it now is. The body holds
// the signature's identifier, the address the organisation already has
// (to match the person by) and the choices — kind, status, public,
// contact_permission — and nothing else: no name, comment or postcode.
// The messages are filed under the address, so erasing it later removes
// them undelivered (its own signature.erased notice still goes).
func Updated(o *campaign.Org, c *campaign.Campaign, s *signing.Signature, at time.Time, base string) []signing.Message {
	if o == nil {
		return nil
	}
	var msgs []signing.Message
	var body []byte
	for _, w := range o.Webhooks {
		if !w.Wants(campaign.EventSignatureUpdated) {
			continue
		}
		if body == nil {
			d := data(o, c, s, base)
			d.Signature = Signature{
				Identifiers: []string{identifier(s)},
				Person:      Person{EmailAddresses: []EmailAddress{{Address: address(s), Primary: true}}},
				CustomFields: map[string]any{
					"kind":               string(s.Kind),
					"status":             string(s.Status),
					"public":             s.Public,
					"contact_permission": !s.ContactAt.IsZero(),
				},
			}
			body = mustJSON(Event{Type: campaign.EventSignatureUpdated, Timestamp: timeText(at), Data: d})
		}
		msgs = append(msgs, signing.Message{
			ID: signing.NewMessageID(), Kind: signing.MessageWebhook, Target: strings.TrimSpace(w.URL),
			Email: s.Email, Org: s.Org, Campaign: s.Campaign, Payload: body,
		})
	}
	return msgs
}

// Unsubscribed returns the OSDI record that unsubscribes s's signer from
// o's Action Network list (the record signature helper with the email
// address's status "unsubscribed"), after they withdrew their permission
// to be contacted; nil when o has no osdi endpoint. It carries the
// identifier and the address only, is filed under the address, and is
// delivered whatever the signer's permission (it is the withdrawal).
func Unsubscribed(o *campaign.Org, s *signing.Signature) []signing.Message {
	if o == nil || o.OSDI == nil {
		return nil
	}
	r := OSDIRecord{
		Identifiers: []string{identifier(s)},
		Person:      OSDIPerson{EmailAddresses: []EmailAddress{{Address: address(s), Status: statusUnsubscribed}}},
	}
	return []signing.Message{{
		ID: signing.NewMessageID(), Kind: signing.MessageOSDI, Target: strings.TrimSpace(o.OSDI.URL),
		Email: s.Email, Org: s.Org, Campaign: s.Campaign, Payload: mustJSON(r),
	}}
}

// statusUnsubscribed is the OSDI email status that takes a person off a
// list.
const statusUnsubscribed = "unsubscribed"

// unsubscribes reports whether an OSDI record's body only unsubscribes
// its person (Unsubscribed): such a record needs no permission to go.
func unsubscribes(payload []byte) bool {
	var r OSDIRecord
	if json.Unmarshal(payload, &r) != nil || len(r.Person.EmailAddresses) == 0 {
		return false
	}
	for _, e := range r.Person.EmailAddresses {
		if e.Status != statusUnsubscribed {
			return false
		}
	}
	return true
}
