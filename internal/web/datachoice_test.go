package web

import (
	"context"
	"encoding/json"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/placard/placard/internal/campaign"
	"github.com/placard/placard/internal/mail"
	"github.com/placard/placard/internal/outbox"
	"github.com/placard/placard/internal/signing"
	"github.com/placard/placard/internal/store"
	"github.com/placard/placard/internal/webhook"
)

// TestDataChoicesReachTheCRM: attack on the data page and the
// organisation's CRM. A supporter who withdrew their permission to be
// contacted, or hid their name, changed only Placard's copy: the CRM
// that had their signature.created kept mailing them and showing their
// name, and Action Network kept them subscribed. Now each change queues
// a signature.updated webhook holding the identifier, the address and
// the choices alone (no name, no comment), and a withdrawal queues the
// Action Network record that unsubscribes them, delivered although the
// permission is gone. The updates are filed under the address: an
// erasure removes them undelivered, while its own signature.erased
// notice goes. Failed before: nothing was queued by either button.
func TestDataChoicesReachTheCRM(t *testing.T) {
	recvURL, received := osdiReceiver(t)
	st := openSQLite(t)
	f := signFiles(t)
	f["riverside/org.yaml"] += "contact_permission: Keep me informed about the library.\nosdi:\n  url: " + recvURL + "/osdi\n  api_key_env: PLACARD_ORG_RIVERSIDE__AN_KEY\n" +
		"webhooks:\n  - url: https://crm.riverside.example/placard\n    secret_env: PLACARD_ORG_RIVERSIDE__HOOK\n    events: [signature.updated, signature.erased]\n"
	e := newMailEnv(t, st, f)
	v := e.formValues(t, libraryPage, "petition-form")
	v.Set("contact", "yes")
	v.Set("public", "yes")
	v.Set("comment", "Open late, please")
	e.clock.add(5 * time.Second)
	wantStatus(t, e.post(t, libraryPage+"/sign", v, nil), 303)

	type update struct {
		Type string `json:"type"`
		Data struct {
			Signature webhook.Signature `json:"signature"`
		} `json:"data"`
	}
	hooks := func() (updates []update, erased int) {
		t.Helper()
		es, err := st.(store.Outbox).List(context.Background(), "")
		if err != nil {
			t.Fatal(err)
		}
		for _, en := range es {
			if en.Kind != signing.MessageWebhook {
				continue
			}
			var u update
			if err := json.Unmarshal(en.Payload, &u); err != nil {
				t.Fatal(err)
			}
			if u.Type == campaign.EventSignatureErased {
				erased++
				continue
			}
			if strings.Contains(string(en.Payload), "Ada") || strings.Contains(string(en.Payload), "Open late") {
				t.Errorf("%s holds more than the signer's choices: %s", u.Type, en.Payload)
			}
			updates = append(updates, u)
		}
		return updates, erased
	}
	tok := e.s.cfg.MailTokens.Seal(mail.Claims{Purpose: mail.PurposeData, Org: "riverside", Email: "ada@example.org", Lang: "en", Expires: e.clock.now().Add(time.Hour).Unix()})
	wantStatus(t, e.post(t, "/riverside/mail/data/withdraw", url.Values{"t": {tok}}, nil), 200)
	ups, _ := hooks()
	if len(ups) != 1 || ups[0].Type != "signature.updated" || ups[0].Data.Signature.CustomFields["contact_permission"] != false ||
		ups[0].Data.Signature.CustomFields["public"] != true || ups[0].Data.Signature.Person.EmailAddresses[0].Address != "ada@example.org" {
		t.Fatalf("after withdrawing: %+v; want one signature.updated without permission", ups)
	}
	// A second press changes nothing and tells nothing.
	wantStatus(t, e.post(t, "/riverside/mail/data/withdraw", url.Values{"t": {tok}}, nil), 200)
	wantStatus(t, e.post(t, "/riverside/mail/data/hide", url.Values{"t": {tok}}, nil), 200)
	if ups, _ = hooks(); len(ups) != 2 || ups[1].Data.Signature.CustomFields["public"] != false || ups[1].Data.Signature.CustomFields["contact_permission"] != false {
		t.Fatalf("after hiding: %+v; want a second signature.updated, not public", ups)
	}

	// Action Network: the subscribing record made at signing is dropped
	// (the permission is gone); the unsubscribing one goes.
	d := osdiDeliverer(e, st)
	nop := outbox.DelivererFunc(func(context.Context, signing.Message) error { return outbox.Permanent(errNotNow) })
	w := outbox.NewWorker(st.(store.Outbox), map[string]outbox.Deliverer{signing.MessageOSDI: d,
		signing.MessageEmail: outbox.DelivererFunc(func(context.Context, signing.Message) error { return nil }), signing.MessageWebhook: nop}, outbox.Options{})
	if _, err := w.Once(context.Background()); err != nil {
		t.Fatal(err)
	}
	if got := received(); len(got) != 1 || !strings.Contains(got[0], `"status":"unsubscribed"`) || strings.Contains(got[0], `"status":"subscribed"`) {
		t.Errorf("Action Network got %v; want the one record unsubscribing Ada", got)
	}

	// Erasing the address removes the updates undelivered; its own
	// notice waits for the CRM.
	wantStatus(t, e.post(t, "/riverside/mail/data/erase", url.Values{"t": {tok}}, nil), 200)
	if ups, erased := hooks(); len(ups) != 0 || erased != 1 {
		t.Errorf("after erasing: %d updates and %d erasure notices waiting; want 0 and 1", len(ups), erased)
	}
}

// errNotNow keeps webhooks waiting (as dead) so the test can read them.
var errNotNow = errorString("not delivered in this test")

type errorString string

func (e errorString) Error() string { return string(e) }
