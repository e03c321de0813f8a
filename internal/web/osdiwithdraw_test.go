package web

import (
	"context"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/placard/placard/internal/mail"
	"github.com/placard/placard/internal/outbox"
	"github.com/placard/placard/internal/signing"
	"github.com/placard/placard/internal/store"
)

// TestOSDIRecordWaitsForConsentStill: attack on consent and the CRM.
// A signer who ticked the contact box is sent to Action Network, which
// puts them on the organisation's mailing list ("status": "subscribed").
// The record is written when they sign and waits in the outbox while
// Action Network is down — up to 48 hours, and a dead one until an
// operator's placard outbox retry, days later. A supporter who withdrew
// their permission on their data page meanwhile was subscribed all the
// same, from a payload recording a consent that no longer existed. The
// record is now sent only if the signature still carries the
// permission at delivery (webhook.Deliverer.Consent), else dropped.
// Failed before: the receiver got the record after the withdrawal.
func TestOSDIRecordWaitsForConsentStill(t *testing.T) {
	recvURL, received := osdiReceiver(t)
	st := openSQLite(t)
	f := signFiles(t)
	f["riverside/org.yaml"] += "contact_permission: Keep me informed about the library.\nosdi:\n  url: " + recvURL + "/osdi\n  api_key_env: PLACARD_ORG_RIVERSIDE__AN_KEY\n"
	e := newMailEnv(t, st, f)
	sign := func(email string) {
		t.Helper()
		v := e.formValues(t, libraryPage, "petition-form")
		v.Set("email", email)
		v.Set("contact", "yes")
		v.Set("comment", "")
		e.clock.add(5 * time.Second)
		wantStatus(t, e.post(t, libraryPage+"/sign", v, nil), 303)
	}
	sign("ada@example.org")
	sign("bo@example.org")
	// Ada withdraws her permission before Action Network has her record.
	tok := e.s.cfg.MailTokens.Seal(mail.Claims{Purpose: mail.PurposeData, Org: "riverside", Email: "ada@example.org", Lang: "en", Expires: e.clock.now().Add(time.Hour).Unix()})
	wantStatus(t, e.post(t, "/riverside/mail/data/withdraw", url.Values{"t": {tok}}, nil), 200)

	hooks := osdiDeliverer(e, st)
	w := outbox.NewWorker(st.(store.Outbox), map[string]outbox.Deliverer{signing.MessageOSDI: hooks,
		signing.MessageEmail: outbox.DelivererFunc(func(context.Context, signing.Message) error { return nil })}, outbox.Options{})
	if _, err := w.Once(context.Background()); err != nil {
		t.Fatal(err)
	}
	// Ada's withdrawal sends the record that unsubscribes her
	// (TestDataChoicesReachTheCRM); nothing subscribes her.
	var subscribed []string
	for _, b := range received() {
		if strings.Contains(b, `"status":"subscribed"`) {
			subscribed = append(subscribed, b)
		}
	}
	if len(subscribed) != 1 || !strings.Contains(subscribed[0], "bo@example.org") {
		t.Fatalf("Action Network subscribed %d people (%v); want Bo alone", len(subscribed), subscribed)
	}
	if es, _ := st.(store.Outbox).List(context.Background(), ""); len(es) != 0 {
		t.Errorf("%d messages left in the outbox; want none (Ada's record dropped, not retried)", len(es))
	}
}
