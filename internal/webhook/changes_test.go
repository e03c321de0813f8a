package webhook_test

import (
	"encoding/json"
	"slices"
	"testing"
	"time"

	"github.com/placard/placard/internal/signing"
	"github.com/placard/placard/internal/webhook"
)

// TestChanges: what each change to a signature tells the organisation's
// systems. A CRM hears of a signature only once it counts: approving a
// pending sign-on sends what a signature that counts at once sends;
// rejecting one that never counted sends nothing; a signature that
// counted and stops counting, or whose signer withdraws their permission
// or hides their name, sends signature.updated, and a withdrawal the
// Action Network record that unsubscribes them, once per change.
func TestChanges(t *testing.T) {
	s := site(t, `webhooks:
  - url: https://crm.example.org/hook
    secret_env: PLACARD_ORG_NORTH__HOOK
    events: [signature.created, signature.confirmed, signature.updated]
osdi:
  url: https://actionnetwork.org/api/v2/petitions/abc/signatures
  api_key_env: PLACARD_ORG_NORTH__AN_KEY
`)
	o := s.Org("north")
	with := func(mod func(*signing.Signature)) signing.Signature {
		sg := *sig()
		mod(&sg)
		return sg
	}
	status := func(st signing.Status) func(*signing.Signature) { return func(s *signing.Signature) { s.Status = st } }
	withdrawn := func(s *signing.Signature) { s.ContactText, s.ContactAt = "", time.Time{} }
	hidden := func(s *signing.Signature) { s.Public = false }
	for _, tc := range []struct {
		name    string
		changes []signing.Change
		want    []string // sorted: kind, then the event type and status, or the record's email status
	}{
		{"approved", []signing.Change{{Before: with(status(signing.StatusPending)), After: with(status(signing.StatusApproved))}},
			[]string{"osdi subscribed", "webhook signature.created approved"}},
		{"rejected from pending", []signing.Change{{Before: with(status(signing.StatusPending)), After: with(status(signing.StatusRejected))}}, nil},
		{"rejected after approval", []signing.Change{{Before: with(status(signing.StatusApproved)), After: with(status(signing.StatusRejected))}},
			[]string{"webhook signature.updated rejected"}},
		{"approved again", []signing.Change{{Before: with(status(signing.StatusRejected)), After: with(status(signing.StatusApproved))}},
			[]string{"osdi subscribed", "webhook signature.created approved"}},
		{"withdrawn on two campaigns", []signing.Change{
			{Before: *sig(), After: with(withdrawn)},
			{Before: with(func(s *signing.Signature) { s.Campaign = "other" }), After: with(func(s *signing.Signature) { s.Campaign = "other"; withdrawn(s) })},
		}, []string{"osdi unsubscribed", "webhook signature.updated approved", "webhook signature.updated approved"}},
		{"hidden", []signing.Change{{Before: *sig(), After: with(hidden)}}, []string{"webhook signature.updated approved"}},
		{"choices while pending", []signing.Change{{Before: with(status(signing.StatusPending)), After: with(func(s *signing.Signature) { s.Status = signing.StatusPending; withdrawn(s); hidden(s) })}},
			[]string{"osdi unsubscribed"}},
		{"hidden while pending", []signing.Change{{Before: with(status(signing.StatusPending)), After: with(func(s *signing.Signature) { s.Status = signing.StatusPending; hidden(s) })}}, nil},
		{"withdrawn after rejection", []signing.Change{{Before: with(status(signing.StatusRejected)), After: with(func(s *signing.Signature) { s.Status = signing.StatusRejected; withdrawn(s) })}},
			[]string{"osdi unsubscribed"}},
		{"choices while unconfirmed", []signing.Change{{Before: with(status(signing.StatusUnconfirmed)), After: with(func(s *signing.Signature) { s.Status = signing.StatusUnconfirmed; withdrawn(s) })}}, nil},
		{"another organisation's", []signing.Change{{Before: with(func(s *signing.Signature) { s.Org, s.Status = "south", signing.StatusPending }), After: with(func(s *signing.Signature) { s.Org = "south" })}}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var got []string
			for _, m := range webhook.Changes(o, tc.changes, at, "") {
				if m.Email != "ana@example.org" || m.Org != "north" {
					t.Errorf("message filed under %q of %q, want the signer's address and north", m.Email, m.Org)
				}
				if m.Kind == signing.MessageOSDI {
					var r webhook.OSDIRecord
					if err := json.Unmarshal(m.Payload, &r); err != nil {
						t.Fatal(err)
					}
					got = append(got, "osdi "+r.Person.EmailAddresses[0].Status)
					continue
				}
				var ev webhook.Event
				if err := json.Unmarshal(m.Payload, &ev); err != nil {
					t.Fatal(err)
				}
				got = append(got, "webhook "+ev.Type+" "+ev.Data.Signature.CustomFields["status"].(string))
			}
			slices.Sort(got)
			if !slices.Equal(got, tc.want) {
				t.Errorf("told %q, want %q", got, tc.want)
			}
		})
	}
	if msgs := webhook.Changes(site(t, "").Org("north"), []signing.Change{{Before: with(status(signing.StatusPending)), After: *sig()}}, at, ""); msgs != nil {
		t.Errorf("an organisation without webhooks or osdi: told %d messages", len(msgs))
	}
}
