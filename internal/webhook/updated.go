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

// Unsubscribed returns the OSDI records that unsubscribe s's signer from
// o's Action Network list (the email address's status "unsubscribed",
// posted to the person signup helper, unsubscribeURL: the record
// signature helper ignores that status), after they withdrew their permission
// to be contacted; nil when o has no osdi endpoint. One record per
// spelling the list may hold the person under: the form every record
// now carries (address: the domain in A-labels) and, when it differs,
// the stored Unicode form, which records sent between migration 024 and
// stop 26 carried — a record names one person, and unsubscribing the
// A-label spelling leaves the Unicode one subscribed. Each carries its
// address only (the person signup helper takes a person, no signature
// identifier), is filed under the address, and is
// delivered whatever the signer's permission (it is the withdrawal).
func Unsubscribed(o *campaign.Org, s *signing.Signature) []signing.Message {
	if o == nil || o.OSDI == nil {
		return nil
	}
	spellings := []string{address(s)}
	if s.Email != spellings[0] {
		spellings = append(spellings, s.Email)
	}
	msgs := make([]signing.Message, 0, len(spellings))
	for _, a := range spellings {
		r := OSDIRecord{Person: OSDIPerson{EmailAddresses: []EmailAddress{{Address: a, Status: statusUnsubscribed}}}}
		msgs = append(msgs, signing.Message{
			ID: signing.NewMessageID(), Kind: signing.MessageOSDI, Target: strings.TrimSpace(o.OSDI.URL),
			Email: s.Email, Org: s.Org, Campaign: s.Campaign, Payload: mustJSON(r),
		})
	}
	return msgs
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

// unsubscribesUnicode reports whether an OSDI record only unsubscribes
// (unsubscribes) an address whose domain is not ASCII: the spelling
// Unsubscribed adds for lists that took it. A list that refuses such an
// address as malformed cannot hold the person under it, so its refusal
// leaves nothing to unsubscribe.
func unsubscribesUnicode(payload []byte) bool {
	var r OSDIRecord
	if !unsubscribes(payload) || json.Unmarshal(payload, &r) != nil {
		return false
	}
	for _, e := range r.Person.EmailAddresses {
		if signing.ASCIIEmail(e.Address) == e.Address {
			return false
		}
	}
	return true
}
