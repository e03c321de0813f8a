package web

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/placard/placard/internal/campaign/campaigntest"
	"github.com/placard/placard/internal/outbox"
	"github.com/placard/placard/internal/signing"
	"github.com/placard/placard/internal/store"
	"github.com/placard/placard/internal/webhook"
)

// osdiFiles is signFiles with riverside's contact box and Action
// Network at recvURL.
func osdiFiles(t *testing.T, recvURL string) campaigntest.Files {
	f := signFiles(t)
	f["riverside/org.yaml"] += "contact_permission: Keep me informed about the library.\nosdi:\n  url: " + recvURL + "/osdi\n  api_key_env: PLACARD_ORG_RIVERSIDE__AN_KEY\n"
	return f
}

// signWithPermission signs the library petition as email, ticking the
// contact box: an Action Network record waits in the outbox.
func signWithPermission(t *testing.T, e *mailEnv, email string) {
	t.Helper()
	v := e.formValues(t, libraryPage, "petition-form")
	v.Set("email", email)
	v.Set("contact", "yes")
	v.Set("comment", "")
	e.clock.add(5 * time.Second)
	wantStatus(t, e.post(t, libraryPage+"/sign", v, nil), 303)
}

// deliverOSDI runs the outbox once, Action Network records to loopback
// (permission read at delivery), every other message dropped.
func deliverOSDI(t *testing.T, e *mailEnv, st store.Store) {
	t.Helper()
	nop := outbox.DelivererFunc(func(context.Context, signing.Message) error { return nil })
	w := outbox.NewWorker(st.(store.Outbox), map[string]outbox.Deliverer{signing.MessageOSDI: osdiDeliverer(e, st),
		signing.MessageEmail: nop, signing.MessageWebhook: nop}, outbox.Options{})
	if _, err := w.Once(context.Background()); err != nil {
		t.Fatal(err)
	}
	if es, _ := st.(store.Outbox).List(context.Background(), ""); len(es) != 0 {
		t.Errorf("%d messages left in the outbox after delivery, want none", len(es))
	}
}

// TestOSDIRecordWaitsForTheSignatureToCount: attack on consent and the
// CRM. The Action Network record that puts a signer on the
// organisation's list waits in the outbox while Action Network is down;
// if the organisers reject the signature meanwhile (placard signatures
// reject), it no longer counts, and its record must not go: the record
// is sent only while the signature counts and carries the permission
// (webhook.ConsentFrom). Failed before: the rejected signer was
// subscribed all the same.
func TestOSDIRecordWaitsForTheSignatureToCount(t *testing.T) {
	forEachEngine(t, func(t *testing.T, st store.Store) {
		recvURL, received := osdiReceiver(t)
		e := newMailEnv(t, st, osdiFiles(t, recvURL))
		signWithPermission(t, e, "ada@example.org")
		signWithPermission(t, e, "bo@example.org")
		sigs, err := st.(store.Mail).Supporter(context.Background(), "riverside", "ada@example.org")
		if err != nil || len(sigs) != 1 {
			t.Fatalf("Supporter: %v %v", sigs, err)
		}
		o := e.s.CurrentSite().Org("riverside")
		_, err = st.(store.Moderation).Decide(context.Background(), "", []int64{sigs[0].ID}, "", signing.StatusRejected,
			func(cs []signing.Change) ([]signing.Message, error) {
				return webhook.Changes(o, cs, e.clock.now(), ""), nil
			})
		if err != nil {
			t.Fatal(err)
		}
		deliverOSDI(t, e, st)
		got := received()
		if len(got) != 1 || !strings.Contains(got[0], "bo@example.org") {
			t.Errorf("Action Network received %q; want Bo's record alone, Ada's signature having been rejected", got)
		}
	})
}

// TestOSDIRecordFollowsARename: a record queued before its campaign was
// renamed names the old campaign; the signature has moved to the new
// name (store.Renames), which org.yaml's redirects records. Its signer's
// permission is read under the new name too, so the record is delivered.
// Failed before: the signature was looked for under the old name only,
// found missing, and the record dropped as if the permission had been
// withdrawn — a valid signature never reached Action Network.
func TestOSDIRecordFollowsARename(t *testing.T) {
	forEachEngine(t, func(t *testing.T, st store.Store) {
		recvURL, received := osdiReceiver(t)
		files := osdiFiles(t, recvURL)
		e := newMailEnv(t, st, files)
		signWithPermission(t, e, "ada@example.org")

		if err := e.s.SetSite(campaigntest.Site(t, renameLibrary(files))); err != nil {
			t.Fatal(err)
		}
		if _, err := st.(store.Renames).MoveCampaign(context.Background(), "riverside", "save-the-library", "keep-the-library"); err != nil {
			t.Fatal(err)
		}
		deliverOSDI(t, e, st)
		if got := received(); len(got) != 1 || !strings.Contains(got[0], "ada@example.org") || !strings.Contains(got[0], `"status":"subscribed"`) {
			t.Errorf("Action Network received %q; want Ada's record, her signature having moved to the new name", got)
		}
	})
}

// TestWithdrawalUnsubscribesARejectedSigner: attack on consent. Ada signs
// with permission to be contacted and her Action Network record is
// delivered: she is on the organisation's list. The organisers then
// reject her signature (placard signatures reject reverses an approval),
// and she withdraws her permission on her data page. Action Network had
// her, so the withdrawal must reach it (docs/webhooks.md: "Withdrawing
// permission unsubscribes them"). Failed before: webhook.Changes sent the
// unsubscribing record only for a signature that still counted, so
// Action Network received nothing and kept mailing her.
func TestWithdrawalUnsubscribesARejectedSigner(t *testing.T) {
	forEachEngine(t, func(t *testing.T, st store.Store) {
		ctx := context.Background()
		recvURL, received := osdiReceiver(t)
		e := newMailEnv(t, st, osdiFiles(t, recvURL))
		signWithPermission(t, e, "ada@example.org")
		deliverOSDI(t, e, st)
		if got := received(); len(got) != 1 || !strings.Contains(got[0], `"status":"subscribed"`) {
			t.Fatalf("Action Network received %q; want Ada's subscribing record", got)
		}
		sigs, err := st.(store.Mail).Supporter(ctx, "riverside", "ada@example.org")
		if err != nil || len(sigs) != 1 {
			t.Fatalf("Supporter: %v %v", sigs, err)
		}
		o := e.s.CurrentSite().Org("riverside")
		if _, err := st.(store.Moderation).Decide(ctx, "", []int64{sigs[0].ID}, "", signing.StatusRejected,
			func(cs []signing.Change) ([]signing.Message, error) {
				return webhook.Changes(o, cs, e.clock.now(), ""), nil
			}); err != nil {
			t.Fatal(err)
		}
		n, err := st.(store.Mail).WithdrawContact(ctx, "riverside", "ada@example.org", e.s.tellChoice(e.s.snap.Load(), "riverside", e.clock.now()))
		if err != nil || n != 1 {
			t.Fatalf("WithdrawContact: %d %v", n, err)
		}
		deliverOSDI(t, e, st)
		got := received()
		if len(got) != 2 || !strings.Contains(got[1], "ada@example.org") || !strings.Contains(got[1], `"status":"unsubscribed"`) {
			t.Errorf("Action Network received %q; want Ada's subscribing record, then the one that unsubscribes her", got)
		}
	})
}
