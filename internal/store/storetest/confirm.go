package storetest

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/placard/placard/internal/signing"
	"github.com/placard/placard/internal/store"
)

// ConfirmingStore is a store that confirms signatures with their
// messages, and shows its outbox.
type ConfirmingStore interface {
	store.Store
	store.Mail
	store.Outbox
	store.Confirming
	store.Resending
}

// RunConfirming runs store.Confirming's behavioural suite against stores
// from open.
func RunConfirming(t *testing.T, open func(t *testing.T) ConfirmingStore) {
	t.Run("MessagesWithTheConfirmation", func(t *testing.T) { testConfirmMessages(t, open(t)) })
	t.Run("OnlyTheSignatureNamed", func(t *testing.T) { testConfirmNamed(t, open(t)) })
	t.Run("QueueOnlyWhileWaiting", func(t *testing.T) { testQueueWaiting(t, open(t)) })
	t.Run("QueueWaitingRacesErasure", func(t *testing.T) { testQueueWaitingRace(t, open(t)) })
}

// confirmTo is a confirmation email's message to email, as the web
// server queues one again.
func confirmTo(org, campaign, email string) signing.Message {
	return signing.Message{ID: signing.NewMessageID(), Kind: signing.MessageEmail, Email: email, Org: org, Campaign: campaign,
		Payload: []byte(`{"template":"confirm","lang":"en"}`)}
}

// testQueueWaiting: QueueWaiting queues only for the signature named
// while it waits: not for another made at another time, not once it is
// confirmed, not once it is erased.
func testQueueWaiting(t *testing.T, s ConfirmingStore) {
	ctx := context.Background()
	sig := unconfirmed("o", "c", "w@example.org")
	add(t, s, sig)
	queue := func() bool {
		t.Helper()
		ok, err := s.QueueWaiting(ctx, "o", "c", "w@example.org", base, []signing.Message{confirmTo("o", "c", "w@example.org")})
		if err != nil {
			t.Fatal(err)
		}
		return ok
	}
	if !queue() {
		t.Fatal("QueueWaiting for a waiting signature queued nothing")
	}
	if es, _ := s.List(ctx, ""); len(es) != 1 {
		t.Fatalf("outbox: %d messages, want 1", len(es))
	}
	if ok, err := s.QueueWaiting(ctx, "o", "c", "w@example.org", base.Add(time.Microsecond), []signing.Message{confirmTo("o", "c", "w@example.org")}); err != nil || ok {
		t.Errorf("for a signature made at another time: %v, %v; want nothing queued", ok, err)
	}
	if _, err := s.EraseSupporter(ctx, "o", "w@example.org"); err != nil {
		t.Fatal(err)
	}
	if queue() {
		t.Error("QueueWaiting after the erasure queued a message to the erased address")
	}
	if es, _ := s.List(ctx, ""); len(es) != 0 {
		t.Errorf("outbox after the erasure: %d messages, want none", len(es))
	}
	add(t, s, unconfirmed("o", "c", "w@example.org"))
	if _, err := s.Confirm(ctx, "o", "c", "w@example.org"); err != nil {
		t.Fatal(err)
	}
	if queue() {
		t.Error("QueueWaiting for a confirmed signature queued a confirmation")
	}
}

// testQueueWaitingRace: an erasure and the queueing of the erased
// signature's confirmation, at once, many times: whichever goes first,
// no message to the erased address is left.
func testQueueWaitingRace(t *testing.T, s ConfirmingStore) {
	ctx := context.Background()
	for i := range 20 {
		email := fmt.Sprintf("race%d@example.org", i)
		add(t, s, unconfirmed("o", "c", email))
		var wg sync.WaitGroup
		var qerr, eerr error
		wg.Go(func() {
			_, qerr = s.QueueWaiting(ctx, "o", "c", email, base, []signing.Message{confirmTo("o", "c", email)})
		})
		wg.Go(func() { _, eerr = s.EraseSupporter(ctx, "o", email) })
		wg.Wait()
		if qerr != nil || eerr != nil {
			t.Fatal(qerr, eerr)
		}
		es, err := s.List(ctx, "")
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range es {
			if e.Email == email {
				t.Fatalf("round %d: a message to the address just erased is left in the outbox", i)
			}
		}
	}
}

func crmMessage(s *signing.Signature) signing.Message {
	return signing.Message{ID: signing.NewMessageID(), Kind: signing.MessageWebhook, Target: "https://crm.example.org/hook",
		Email: s.Email, Org: s.Org, Campaign: s.Campaign, Payload: []byte(`{"status":"` + string(s.Status) + `"}`)}
}

func testConfirmMessages(t *testing.T, s ConfirmingStore) {
	ctx := context.Background()
	add(t, s, unconfirmed("o", "c", "p@example.org"))
	if es, _ := s.List(ctx, ""); len(es) != 0 {
		t.Fatalf("outbox before confirming: %d messages, want none", len(es))
	}
	calls := 0
	then := func(sig *signing.Signature) []signing.Message {
		calls++
		return []signing.Message{crmMessage(sig)}
	}
	got, err := s.ConfirmSigned(ctx, "o", "c", "p@example.org", time.Time{}, then)
	if err != nil || got.Status != signing.StatusApproved {
		t.Fatalf("ConfirmSigned: %+v, %v; want approved", got, err)
	}
	es, err := s.List(ctx, "")
	if err != nil || len(es) != 1 || es[0].Email != "p@example.org" || string(es[0].Payload) != `{"status":"approved"}` {
		t.Fatalf("outbox after confirming: %+v, %v; want the one message made from the confirmed signature", es, err)
	}
	// Used already: nothing confirmed, nothing asked for, nothing queued.
	if _, err := s.ConfirmSigned(ctx, "o", "c", "p@example.org", time.Time{}, then); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("second ConfirmSigned: %v, want ErrNotFound", err)
	}
	if es, _ := s.List(ctx, ""); calls != 1 || len(es) != 1 {
		t.Errorf("after a second confirmation: %d calls, %d messages; want 1 and 1", calls, len(es))
	}
}

func testConfirmNamed(t *testing.T, s ConfirmingStore) {
	ctx := context.Background()
	first := unconfirmed("o", "c", "p@example.org")
	add(t, s, first)
	// The first link was never used; the signature expired, and a
	// stranger signed again with the same address.
	if n, err := s.EraseUnconfirmed(ctx, "o", "c", base.Add(time.Hour)); err != nil || n != 1 {
		t.Fatalf("EraseUnconfirmed: %d, %v", n, err)
	}
	later := unconfirmed("o", "c", "p@example.org")
	later.CreatedAt = base.Add(72 * time.Hour)
	add(t, s, later)
	if _, err := s.ConfirmSigned(ctx, "o", "c", "p@example.org", first.CreatedAt, func(sig *signing.Signature) []signing.Message { return []signing.Message{crmMessage(sig)} }); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("the first signature's link confirmed the later one: %v", err)
	}
	if c := countOf(t, s, "o", "c"); c.Signatures != 0 {
		t.Errorf("after an old link: %+v, want nothing counted", c)
	}
	if es, _ := s.List(ctx, ""); len(es) != 0 {
		t.Errorf("after an old link: %d messages queued, want none", len(es))
	}
	got, err := s.ConfirmSigned(ctx, "o", "c", "p@example.org", later.CreatedAt, nil)
	if err != nil || got.ID != later.ID || got.Status != signing.StatusApproved {
		t.Fatalf("ConfirmSigned with its own time: %+v, %v; want signature %d approved", got, err, later.ID)
	}
}
