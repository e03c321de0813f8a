package webhook_test

import (
	"encoding/json"
	"testing"

	"github.com/placard/placard/internal/campaign"
	"github.com/placard/placard/internal/webhook"
)

// TestNamesAsTyped: a signature from a form with name_fields: split goes
// out with the given and family names as the signer typed them — in the
// webhook body, the OSDI record and the OSDI export — where splitting the
// joined name would guess wrong ("María" / "José García López").
func TestNamesAsTyped(t *testing.T) {
	s := site(t, `webhooks:
  - url: https://crm.example.org/all
    secret_env: PLACARD_ORG_NORTH__B_SECRET
    events: [signature.created]
osdi:
  url: https://actionnetwork.org/api/v2/petitions/abc/signatures
  api_key_env: PLACARD_ORG_NORTH__AN_KEY
`)
	in := sig()
	in.Name, in.GivenName, in.FamilyName = "María José García López", "María José", "García López"
	msgs := webhook.Messages(s.Org("north"), s.Campaign("north", "rent"), in,
		webhook.Occasion{Event: campaign.EventSignatureConfirmed, Final: true, At: at, BaseURL: "https://sign.example.org/"})
	if len(msgs) != 1 {
		// signature.confirmed: the OSDI record only (the webhook wants created).
		t.Fatalf("confirmed: got %d messages, want the OSDI record", len(msgs))
	}
	var rec struct {
		Person struct {
			Given  string `json:"given_name"`
			Family string `json:"family_name"`
		} `json:"person"`
	}
	if err := json.Unmarshal(msgs[0].Payload, &rec); err != nil {
		t.Fatal(err)
	}
	if rec.Person.Given != "María José" || rec.Person.Family != "García López" {
		t.Errorf("OSDI record: got %q / %q, want María José / García López", rec.Person.Given, rec.Person.Family)
	}

	msgs = webhook.Messages(s.Org("north"), s.Campaign("north", "rent"), in,
		webhook.Occasion{Event: campaign.EventSignatureCreated, Final: true, At: at, BaseURL: "https://sign.example.org/"})
	var ev struct {
		Data struct {
			Signature struct {
				Person struct {
					Given  string         `json:"given_name"`
					Family string         `json:"family_name"`
					Custom map[string]any `json:"custom_fields"`
				} `json:"person"`
			} `json:"signature"`
		} `json:"data"`
	}
	if len(msgs) == 0 {
		t.Fatal("created: no webhook message")
	}
	if err := json.Unmarshal(msgs[0].Payload, &ev); err != nil {
		t.Fatal(err)
	}
	p := ev.Data.Signature.Person
	if p.Given != "María José" || p.Family != "García López" || p.Custom["full_name"] != "María José García López" {
		t.Errorf("webhook body: got %q / %q (full %v), want María José / García López", p.Given, p.Family, p.Custom["full_name"])
	}

	exp := webhook.OSDISignature(in)
	if exp.Person.GivenName != "María José" || exp.Person.FamilyName != "García López" {
		t.Errorf("OSDI export: got %q / %q", exp.Person.GivenName, exp.Person.FamilyName)
	}
	// A one-field signature is still split at its first space.
	if g, f := webhook.NameParts(sig()); g != "Ana" || f != "María Ruiz" {
		t.Errorf("one field: got %q / %q, want Ana / María Ruiz", g, f)
	}
}
