package webhook_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/placard/placard/internal/campaign"
	"github.com/placard/placard/internal/signing"
	"github.com/placard/placard/internal/webhook"
)

// idnaSig is sig() signed with an address whose domain is in Unicode, as
// it is stored (signing.NormaliseEmail), and idnaASCII its A-label form.
const (
	idnaStored = "имя@пример.com"
	idnaASCII  = "имя@xn--e1afmkfd.com"
	// idnaID is the identifier the stored form has always had: computed
	// before addresses went out in A-labels, which must not change it.
	idnaID = "placard:north/rent/qim6f2v3x4lkwwg2utgn"
)

func idnaSig() *signing.Signature {
	s := sig()
	s.Email = idnaStored
	return s
}

// TestPayloadsCarryALabels: what leaves Placard for an organisation's
// systems — webhook bodies and the Action Network record — names a
// Unicode domain in its A-label form, the form mail is delivered to and
// every CRM takes (Action Network, like many, refuses an address with a
// Unicode domain). Delivered to loopback receivers. The identifier is
// still the stored form's, so it is the one the CRM already has.
func TestPayloadsCarryALabels(t *testing.T) {
	var mu sync.Mutex
	var records [][]byte
	an := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var v json.RawMessage
		if err := json.NewDecoder(r.Body).Decode(&v); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		mu.Lock()
		records = append(records, v)
		mu.Unlock()
		w.Write([]byte(`{}`))
	}))
	defer an.Close()
	r := newReceiver(t, "whsec_c2VjcmV0LWtleS1mb3ItdGVzdHM=")
	s := site(t, "webhooks:\n  - url: "+r.srv.URL+"/hook\n    secret_env: PLACARD_ORG_NORTH__HOOK_SECRET\n"+
		"    events: [signature.created, signature.updated]\n"+
		"osdi:\n  url: "+an.URL+"/api/v2/petitions/abc/signatures\n  api_key_env: PLACARD_ORG_NORTH__AN_KEY\n")
	env := map[string]string{"PLACARD_ORG_NORTH__HOOK_SECRET": "whsec_c2VjcmV0LWtleS1mb3ItdGVzdHM=", "PLACARD_ORG_NORTH__AN_KEY": "k"}
	o, c := s.Org("north"), s.Campaign("north", "rent")
	hook := deliverer(t, s, webhook.Policy{AllowLoopback: true, RootCAs: poolOf(r.srv)}, env)
	osdi := deliverer(t, s, webhook.Policy{AllowLoopback: true, RootCAs: poolOf(an)}, env)

	sg := idnaSig()
	msgs := webhook.Messages(o, c, sg, webhook.Occasion{Event: campaign.EventSignatureCreated, Final: true, At: at})
	// The signer withdraws their permission: signature.updated, and the
	// Action Network record that unsubscribes them.
	after := *sg
	after.ContactAt, after.ContactText = time.Time{}, ""
	msgs = append(msgs, webhook.Changes(o, []signing.Change{{Before: *sg, After: after}}, at, "")...)
	for _, m := range msgs {
		if m.Email != idnaStored {
			t.Errorf("message filed under %q, want the stored form %q (erasure finds it by that)", m.Email, idnaStored)
		}
		d := hook
		if m.Kind == signing.MessageOSDI {
			d = osdi
		}
		if err := d.Deliver(context.Background(), m); err != nil {
			t.Fatalf("Deliver %s: %v", m.Kind, err)
		}
	}
	mu.Lock()
	bodies := append(append([][]byte{}, r.body...), records...)
	mu.Unlock()
	if len(r.body) != 2 || len(records) != 3 {
		t.Fatalf("delivered %d webhook bodies and %d Action Network records, want 2 (created and updated) and 3 (subscribed; unsubscribed in each spelling)", len(r.body), len(records))
	}
	// The last record unsubscribes the Unicode spelling, which lists
	// were sent between migration 024 and stop 26 (TestUnsubscribeEverySpelling).
	if !strings.Contains(string(records[2]), `"`+idnaStored+`"`) {
		t.Errorf("last Action Network record %s, want the unsubscribe of %q", records[2], idnaStored)
	}
	bodies = bodies[:len(bodies)-1]
	for _, b := range bodies {
		if strings.Contains(string(b), "пример") {
			t.Errorf("payload %s names the Unicode domain, want only %q", b, idnaASCII)
		}
		if !strings.Contains(string(b), `"`+idnaASCII+`"`) {
			t.Errorf("payload %s does not name %q", b, idnaASCII)
		}
		if !strings.Contains(string(b), `"`+idnaID+`"`) && !strings.Contains(string(b), `"unsubscribed"`) {
			t.Errorf("payload %s does not carry the identifier %q", b, idnaID)
		}
	}
	// An export for a CRM import is the same shape.
	b, _ := json.Marshal(webhook.OSDISignature(sg))
	if !strings.Contains(string(b), `"`+idnaASCII+`"`) || strings.Contains(string(b), "пример") {
		t.Errorf("OSDISignature: %s, want the address as %q", b, idnaASCII)
	}
}

// TestErasedPrimaryIsALabel: signature.created and signature.updated name
// a Unicode domain's address in A-labels as the primary one, so a CRM
// keys the person by it; the signature.erased notice must name that
// same form as its primary address, or a receiver that forgets the
// person by the primary address (as by every other event's) looks for
// the Unicode spelling, which it never received, and keeps them. Failed
// before: the primary address of the notice was the Unicode form.
func TestErasedPrimaryIsALabel(t *testing.T) {
	org := &campaign.Org{Slug: "north", Webhooks: []campaign.Webhook{{URL: "https://crm.example.org/x", Events: []string{"signature.erased"}}}}
	for _, typed := range []string{idnaStored, idnaASCII} {
		var ev struct {
			Data struct {
				Signature struct {
					Person struct {
						EmailAddresses []struct {
							Address string `json:"address"`
							Primary bool   `json:"primary"`
						} `json:"email_addresses"`
					} `json:"person"`
				} `json:"signature"`
			} `json:"data"`
		}
		if err := json.Unmarshal(webhook.Erased(org, typed, time.Now())[0].Payload, &ev); err != nil {
			t.Fatal(err)
		}
		var primary []string
		all := map[string]bool{}
		for _, a := range ev.Data.Signature.Person.EmailAddresses {
			all[a.Address] = true
			if a.Primary {
				primary = append(primary, a.Address)
			}
		}
		if len(primary) != 1 || primary[0] != idnaASCII {
			t.Errorf("Erased(%q): primary addresses %q, want [%q]", typed, primary, idnaASCII)
		}
		if !all[idnaStored] || !all[idnaASCII] || len(all) != 2 {
			t.Errorf("Erased(%q): addresses %v, want %q and %q", typed, all, idnaStored, idnaASCII)
		}
	}
}

// TestUnsubscribeEverySpelling: Action Network lists that were sent a
// signer with a Unicode domain as stored (between migration 024 and stop
// 26) hold them under that spelling; an erasure or a withdrawal that
// unsubscribed only the A-label spelling left them subscribed. Both
// spellings are unsubscribed, one record each, through the person
// signup helper; a list that refuses a Unicode domain (422) never held that
// spelling, so its refusal is not a failure left dead with the address.
// Failed before: one record, the A-label spelling only.
func TestUnsubscribeEverySpelling(t *testing.T) {
	for _, refuses := range []bool{false, true} {
		var mu sync.Mutex
		got := map[string]bool{}
		an := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			var rec webhook.OSDIRecord
			// Action Network's person signup helper: a person, no
			// signature identifier (TestActionNetworkBodies).
			if err := json.NewDecoder(r.Body).Decode(&rec); err != nil || len(rec.Person.EmailAddresses) != 1 || len(rec.Identifiers) != 0 || r.URL.Path != "/api/v2/people/" {
				http.Error(w, "bad record", http.StatusBadRequest)
				return
			}
			a := rec.Person.EmailAddresses[0]
			if refuses && signing.ASCIIEmail(a.Address) != a.Address {
				http.Error(w, "invalid email", http.StatusUnprocessableEntity)
				return
			}
			mu.Lock()
			got[a.Address+" "+a.Status] = true
			mu.Unlock()
		}))
		s := site(t, "osdi:\n  url: "+an.URL+"/api/v2/petitions/abc/signatures\n  api_key_env: PLACARD_ORG_NORTH__AN_KEY\n")
		d := deliverer(t, s, webhook.Policy{AllowLoopback: true, RootCAs: poolOf(an)}, map[string]string{"PLACARD_ORG_NORTH__AN_KEY": "k"})
		sg := idnaSig()
		after := *sg
		after.ContactAt = time.Time{}
		for what, msgs := range map[string][]signing.Message{
			"erasure":    must(webhook.Erasure(s.Org, idnaASCII, at)([]signing.Signature{*sg})),
			"withdrawal": webhook.Changes(s.Org("north"), []signing.Change{{Before: *sg, After: after}}, at, ""),
		} {
			clear(got)
			if len(msgs) != 2 {
				t.Fatalf("%s: %d Action Network records, want 2 (one per spelling)", what, len(msgs))
			}
			for _, m := range msgs {
				if err := d.Deliver(context.Background(), m); err != nil {
					t.Errorf("%s (list refuses Unicode: %v): Deliver: %v", what, refuses, err)
				}
			}
			mu.Lock()
			if !got[idnaASCII+" unsubscribed"] || got[idnaStored+" unsubscribed"] == refuses {
				t.Errorf("%s (list refuses Unicode: %v): the list unsubscribed %v, want %s and, if it takes it, %s", what, refuses, got, idnaASCII, idnaStored)
			}
			mu.Unlock()
		}
		an.Close()
	}
}

func must(msgs []signing.Message, err error) []signing.Message {
	if err != nil {
		panic(err)
	}
	return msgs
}
