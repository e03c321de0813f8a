package web

import (
	"context"
	"encoding/json"
	"net/url"
	"testing"
	"time"

	"github.com/placard/placard/internal/signing"
	"github.com/placard/placard/internal/store"
)

// crmEvents returns the type and status of each webhook waiting in st's
// outbox, oldest first.
func crmEvents(t *testing.T, st store.Store) [][2]string {
	t.Helper()
	es, err := st.(store.Outbox).List(context.Background(), "")
	if err != nil {
		t.Fatal(err)
	}
	var got [][2]string
	for _, en := range es {
		if en.Kind != signing.MessageWebhook {
			continue
		}
		var ev struct {
			Type string `json:"type"`
			Data struct {
				Signature struct {
					Custom struct {
						Status string `json:"status"`
					} `json:"custom_fields"`
				} `json:"signature"`
			} `json:"data"`
		}
		if err := json.Unmarshal(en.Payload, &ev); err != nil {
			t.Fatalf("webhook payload: %v", err)
		}
		got = append(got, [2]string{ev.Type, ev.Data.Signature.Custom.Status})
	}
	return got
}

// TestUnconfirmedNeverReachesTheCRM: attack on the CRM. Anyone may type
// anyone's address into a petition that asks signers to confirm it;
// signature.created was queued at signing all the same, so the address
// reached the organisation's CRM before its owner had said a word, and
// when the signature expired unconfirmed the CRM was never told. Now a
// signature that waits sends nothing to the CRM; its confirmation queues
// signature.created (and signature.confirmed) in the same transaction,
// and one that expires has sent nothing. Failed before: a
// signature.created with status unconfirmed waited in the outbox after
// signing.
func TestUnconfirmedNeverReachesTheCRM(t *testing.T) {
	forEachEngine(t, func(t *testing.T, st store.Store) {
		f := confirmFiles(t)
		f["riverside/org.yaml"] += "webhooks:\n  - url: https://crm.riverside.example/placard\n    secret_env: PLACARD_ORG_RIVERSIDE__HOOK\n    events: [signature.created, signature.confirmed]\n"
		e := newMailEnv(t, st, f)
		sign := func(email string) {
			t.Helper()
			v := e.formValues(t, libraryPage, "petition-form")
			v.Set("email", email)
			e.clock.add(5 * time.Second)
			wantStatus(t, e.post(t, libraryPage+"/sign", v, nil), 303)
		}
		sign("ada@example.org")
		sign("stranger@example.org")
		if got := crmEvents(t, st); len(got) != 0 {
			t.Fatalf("webhooks queued at signing, before any address was confirmed: %v", got)
		}
		mails := e.deliver(t, 2)
		var link string
		for _, m := range mails {
			if m.To[0] == "ada@example.org" {
				link = local(linkIn(t, m.Text, "https://act.example.org"+libraryPage+"/confirm?t="))
			}
		}
		tok, _ := url.ParseQuery(link[len(libraryPage+"/confirm?"):])
		wantStatus(t, e.post(t, libraryPage+"/confirm", url.Values{"t": {tok.Get("t")}}, nil), 303)
		got := crmEvents(t, st)
		want := [][2]string{{"signature.created", "approved"}, {"signature.confirmed", "approved"}}
		if len(got) != 2 || got[0] != want[0] || got[1] != want[1] {
			t.Fatalf("after confirming: %v, want %v", got, want)
		}
		// The stranger's address expires unconfirmed: the CRM never had it.
		if _, err := st.(store.Mail).EraseUnconfirmed(context.Background(), "", "", e.clock.now().Add(time.Hour)); err != nil {
			t.Fatal(err)
		}
		if got := crmEvents(t, st); len(got) != 2 {
			t.Errorf("after the expiry: %v, want the confirmed signature's two events alone", got)
		}
	})
}

// crmMessages counts the webhooks and Action Network records waiting in
// st's outbox.
func crmMessages(t *testing.T, st store.Store) int {
	t.Helper()
	es, err := st.(store.Outbox).List(context.Background(), "")
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, en := range es {
		if en.Kind == signing.MessageWebhook || en.Kind == signing.MessageOSDI {
			n++
		}
	}
	return n
}

// TestPendingSignOnReachesNoCRM: an organisation's sign-on on a letter
// counts only once the organisers approve it, so — as for a signature
// waiting for its signer's confirmation — its CRM hears of it only then
// (console and placard signatures approve, webhook.Changes), never at
// signing nor at confirmation. A sign-on the organisers reject, which
// anyone could have typed with anyone's address, never reaches the CRM,
// and never puts its signer on Action Network's list. Failed before:
// signing queued signature.created with status pending and the Action
// Network record, and confirming queued signature.created,
// signature.confirmed and the record.
func TestPendingSignOnReachesNoCRM(t *testing.T) {
	const page = "/riverside/open-letter"
	hooks := "webhooks:\n  - url: https://crm.riverside.example/placard\n    secret_env: PLACARD_ORG_RIVERSIDE__HOOK\n    events: [signature.created, signature.confirmed]\n" +
		"osdi:\n  url: https://actionnetwork.org/api/v2/petitions/abc/signatures\n  api_key_env: PLACARD_ORG_RIVERSIDE__AN_KEY\n"
	signOrg := func(t *testing.T, e *mailEnv, email, organisation string) {
		t.Helper()
		v := e.formValues(t, page, "letter-form")
		v.Set("email", email)
		v.Set("organisation", organisation)
		v.Set("contact", "yes")
		e.clock.add(5 * time.Second)
		wantStatus(t, e.post(t, page+"/sign", v, nil), 303)
	}
	t.Run("AtOnce", func(t *testing.T) {
		forEachEngine(t, func(t *testing.T, st store.Store) {
			f := signFiles(t)
			f["riverside/org.yaml"] += "contact_permission: Keep me informed about the library.\n" + hooks
			e := newMailEnv(t, st, f)
			signOrg(t, e, "north@example.org", "North Tenants")
			if n := crmMessages(t, st); n != 0 {
				t.Fatalf("%d CRM messages queued for a sign-on waiting for approval, want none: %v", n, crmEvents(t, st))
			}
			// A person's signature on the same letter counts at once.
			signOrg(t, e, "ada@example.org", "")
			if got := crmEvents(t, st); len(got) != 1 || got[0] != [2]string{"signature.created", "approved"} {
				t.Errorf("after a person signed: %v, want their signature.created alone", got)
			}
		})
	})
	t.Run("Confirmed", func(t *testing.T) {
		forEachEngine(t, func(t *testing.T, st store.Store) {
			f := confirmFiles(t)
			f["riverside/org.yaml"] += hooks
			e := newMailEnv(t, st, f)
			signOrg(t, e, "north@example.org", "North Tenants")
			mails := e.deliver(t, 1)
			link := local(linkIn(t, mails[0].Text, "https://act.example.org"+page+"/confirm?t="))
			tok, _ := url.ParseQuery(link[len(page+"/confirm?"):])
			wantStatus(t, e.post(t, page+"/confirm", url.Values{"t": {tok.Get("t")}}, nil), 303)
			sigs, _ := st.(store.Mail).Supporter(context.Background(), "riverside", "north@example.org")
			if len(sigs) != 1 || sigs[0].Status != signing.StatusPending {
				t.Fatalf("after confirming: %+v, want the sign-on waiting for approval", sigs)
			}
			if n := crmMessages(t, st); n != 0 {
				t.Errorf("%d CRM messages queued when a sign-on waiting for approval was confirmed, want none: %v", n, crmEvents(t, st))
			}
		})
	})
}
