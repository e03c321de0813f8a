package web

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/placard/placard/internal/campaign"
	"github.com/placard/placard/internal/mail"
	"github.com/placard/placard/internal/outbox"
	"github.com/placard/placard/internal/signing"
	"github.com/placard/placard/internal/store"
	"github.com/placard/placard/internal/webhook"
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
	var mu sync.Mutex
	var got []string
	recv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		mu.Lock()
		got = append(got, string(b))
		mu.Unlock()
		w.WriteHeader(http.StatusCreated)
	}))
	defer recv.Close()
	st := openSQLite(t)
	f := signFiles(t)
	f["riverside/org.yaml"] += "contact_permission: Keep me informed about the library.\nosdi:\n  url: " + recv.URL + "/osdi\n  api_key_env: PLACARD_ORG_RIVERSIDE__AN_KEY\n"
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

	p := webhook.Policy{AllowLoopback: true}
	hooks := &webhook.Deliverer{Client: webhook.NewClient(p), Policy: p, Now: time.Now,
		Getenv:  func(string) string { return "an-key" },
		Org:     func(slug string) *campaign.Org { return e.s.CurrentSite().Org(slug) },
		Consent: webhook.ConsentFrom(st.(store.Mail).Supporter)}
	w := outbox.NewWorker(st.(store.Outbox), map[string]outbox.Deliverer{signing.MessageOSDI: hooks,
		signing.MessageEmail: outbox.DelivererFunc(func(context.Context, signing.Message) error { return nil })}, outbox.Options{})
	if _, err := w.Once(context.Background()); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	// Ada's withdrawal sends the record that unsubscribes her
	// (TestDataChoicesReachTheCRM); nothing subscribes her.
	var subscribed []string
	for _, b := range got {
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
