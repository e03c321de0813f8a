package storetest

import (
	"context"
	"testing"
	"time"

	"github.com/placard/placard/internal/signing"
	"github.com/placard/placard/internal/store"
)

// testErasedWhileClaimed: a message erased while a worker holds it — a
// signature's confirmation held for its inbox's turn (outbox.Until), or
// kept through a passing failure (outbox.Kept), is claimed again and
// again for days — stays erased whatever the worker reports after: its
// Retry (held again, or failed for now) and its Dead (given up) find no
// row, bring none back and keep no address, and an operator's requeue
// finds nothing. Another person's message claimed in the same batch is
// rescheduled as ever.
func testErasedWhileClaimed(t *testing.T, s store.Store) {
	ctx := context.Background()
	ob := outboxOf(t, s)
	confirm := func(email string) signing.Message {
		return signing.Message{ID: signing.NewMessageID(), Kind: signing.MessageEmail, Email: email, Org: "o", Campaign: "c",
			Payload: []byte(`{"template":"confirm","lang":"en","days":7}`)}
	}
	ada, bob := confirm("ada@example.org"), confirm("bob@example.org")
	if err := ob.Enqueue(ctx, []signing.Message{ada, bob}); err != nil {
		t.Fatalf("Enqueue: %v", err)
	}
	claimed, err := ob.Claim(ctx, "worker-1", 10, time.Minute)
	if err != nil || len(claimed) != 2 {
		t.Fatalf("Claim: %d, %v; want both", len(claimed), err)
	}
	held, ok := ob.(store.OutboxHeld)
	if !ok {
		t.Fatalf("%T does not implement store.OutboxHeld", ob)
	}
	isHeld := func(worker, id string) bool {
		t.Helper()
		h, err := held.Held(ctx, worker, id)
		if err != nil {
			t.Fatalf("Held: %v", err)
		}
		return h
	}
	if !isHeld("worker-1", ada.ID) || isHeld("worker-2", ada.ID) {
		t.Error("a claimed message: Held for its worker false, or for another true")
	}
	if _, err := s.Erase(ctx, "ada@example.org"); err != nil {
		t.Fatalf("Erase: %v", err)
	}
	// Its worker, about to send, learns it was erased; the other one
	// it still holds.
	if isHeld("worker-1", ada.ID) || !isHeld("worker-1", bob.ID) {
		t.Error("after erasing ada: her claimed message still Held, or bob's not")
	}
	later := time.Now().Add(time.Hour)
	for _, id := range []string{ada.ID, bob.ID} {
		if err := ob.Retry(ctx, id, later, "no turn for its inbox yet"); err != nil {
			t.Fatalf("Retry(%s): %v", id, err)
		}
	}
	if err := ob.Dead(ctx, ada.ID, "given up"); err != nil {
		t.Fatalf("Dead: %v", err)
	}
	if n, err := ob.Requeue(ctx, []string{ada.ID}); err != nil || n != 0 {
		t.Errorf("Requeue of the erased message: %d, %v; want 0 found", n, err)
	}
	es, err := ob.List(ctx, "")
	if err != nil {
		t.Fatalf("List: %v", err)
	}
	if len(es) != 1 || es[0].ID != bob.ID || es[0].Status != store.OutboxPending {
		t.Errorf("the outbox after erasing ada while her message was claimed: %+v; want only bob's, pending", es)
	}
	for _, e := range es {
		if e.Email == "ada@example.org" {
			t.Errorf("an outbox row keeps the erased address: %+v", e)
		}
	}
}
