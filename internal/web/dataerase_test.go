package web

import (
	"context"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/placard/placard/internal/signing"
	"github.com/placard/placard/internal/store"
)

// TestDataEraseTellsTheCRMOnce: attack on the data page's Erase button
// and the organisation's CRM. The link works for a day, and each press
// queued a signature.erased webhook holding the address, whether or not
// anything was left to erase: a second press wrote the address back into
// the outbox just after its erasure, and told the CRM again. The
// command line and the console tell an organisation only of an address
// it holds (webhook.Erasure); the data page now does too. And an
// erasure deleted every waiting message naming the address, the
// signature.erased notice of an earlier erasure among them: erased twice
// while the CRM was down (the data page, then placard signatures erase),
// the CRM was never told. Failed before: a second notice for the second
// press; with only that fixed, no notice at all after two presses.
func TestDataEraseTellsTheCRMOnce(t *testing.T) {
	st := openSQLite(t)
	f := signFiles(t)
	f["riverside/org.yaml"] += "webhooks:\n  - url: https://crm.riverside.example/placard\n    secret_env: PLACARD_ORG_RIVERSIDE__HOOK\n    events: [signature.erased]\n"
	e := newMailEnv(t, st, f)
	v := e.formValues(t, libraryPage, "petition-form")
	v.Set("comment", "")
	e.clock.add(5 * time.Second)
	wantStatus(t, e.post(t, libraryPage+"/sign", v, nil), 303)
	m := e.deliver(t, 1)[0]
	link := e.dataLinkVia(t, m)
	tok := doc(t, get(t, e.s, "GET", link, nil)).Find("form.data-action input[name=t]").First().AttrOr("value", "")
	if tok == "" {
		t.Fatal("the data page has no buttons")
	}
	erased := func() []string {
		t.Helper()
		es, err := st.(store.Outbox).List(context.Background(), "")
		if err != nil {
			t.Fatal(err)
		}
		var ids []string
		for _, en := range es {
			if en.Kind == signing.MessageWebhook && strings.Contains(string(en.Payload), "signature.erased") {
				ids = append(ids, en.ID)
			}
		}
		return ids
	}
	wantStatus(t, e.post(t, "/riverside/mail/data/erase", url.Values{"t": {tok}}, nil), 200)
	first := erased()
	if len(first) != 1 {
		t.Fatalf("%d signature.erased webhooks queued by the erasure; want 1", len(first))
	}
	// A second press while the CRM is down: the erasure of the address
	// must not take its own notice away (nor make another).
	wantStatus(t, e.post(t, "/riverside/mail/data/erase", url.Values{"t": {tok}}, nil), 200)
	if again := erased(); len(again) != 1 || again[0] != first[0] {
		t.Fatalf("after a second press with the notice still waiting: %v; want the first notice, %s, alone", again, first[0])
	}
	// The CRM takes it; the supporter presses Erase again.
	if err := st.(store.Outbox).Done(context.Background(), first...); err != nil {
		t.Fatal(err)
	}
	wantStatus(t, e.post(t, "/riverside/mail/data/erase", url.Values{"t": {tok}}, nil), 200)
	if again := erased(); len(again) != 0 {
		t.Errorf("%d signature.erased webhooks queued by a second press, with nothing left to erase; want none", len(again))
	}
}
