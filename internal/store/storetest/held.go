package storetest

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/placard/placard/internal/outbox"
	"github.com/placard/placard/internal/signing"
	"github.com/placard/placard/internal/store"
)

// testHeldNotGivenUp: per-person ordering holds a later event while an
// earlier one about the same person is retried; when the earlier one
// finally dies (retried past the maximum age), the later one is not
// given up with it — it waited, it did not fail — and is delivered, or
// retried for its own maximum age when the receiver still fails it. An
// erasure's notice naming the person never waits, and goes although
// the earlier event died. Driven through a real outbox.Worker on the
// store, its clock two days on. Failed before: the later event was
// marked dead in the same round as the earlier one (its 48 hours had
// run out while it waited).
func testHeldNotGivenUp(t *testing.T, s TellingStore) {
	ctx := context.Background()
	hook := "https://crm.example.org/hook"
	msg := func(email, payload string) signing.Message {
		return signing.Message{ID: signing.NewMessageID(), Kind: signing.MessageWebhook, Target: hook, Email: email, Org: "o", Campaign: "c", Payload: []byte(payload)}
	}
	first := msg("a@example.org", `{"type":"signature.created"}`)
	later := msg("a@example.org", `{"type":"signature.updated"}`)
	notice := msg("", `{"type":"signature.erased","address":"a@example.org"}`)
	if err := s.Enqueue(ctx, []signing.Message{first, later, notice}); err != nil {
		t.Fatalf("Enqueue: %v", err)
	}
	var mu sync.Mutex
	delivered := map[string]bool{}
	failLater := false
	d := outbox.DelivererFunc(func(ctx context.Context, m signing.Message) error {
		if earlier, err := s.Earlier(ctx, m); err != nil {
			return err
		} else if earlier {
			return outbox.Held(errors.New("waiting for an earlier message"))
		}
		mu.Lock()
		defer mu.Unlock()
		if m.ID == first.ID || m.ID == later.ID && failLater {
			return errors.New("the receiver answered 503")
		}
		delivered[m.ID] = true
		return nil
	})
	clock := time.Now().Add(49 * time.Hour)
	w := outbox.NewWorker(s, map[string]outbox.Deliverer{signing.MessageWebhook: d},
		outbox.Options{MaxAge: 48 * time.Hour, Now: func() time.Time { return clock }})
	status := func() map[string]store.OutboxStatus {
		t.Helper()
		es, err := s.List(ctx, "")
		if err != nil {
			t.Fatalf("List: %v", err)
		}
		out := map[string]store.OutboxStatus{}
		for _, e := range es {
			out[e.ID] = e.Status
		}
		return out
	}
	once := func() {
		t.Helper()
		if _, err := w.Once(ctx); err != nil {
			t.Fatalf("Once: %v", err)
		}
	}
	once()
	st := status()
	if st[first.ID] != store.OutboxDead || st[later.ID] != store.OutboxPending || !delivered[notice.ID] {
		t.Fatalf("after the earlier event died: earlier %q, later %q, notice delivered %v; want dead, pending (it only waited), true",
			st[first.ID], st[later.ID], delivered[notice.ID])
	}
	// Its turn: due now. The receiver still fails it: retried, not dead.
	failLater = true
	if n, err := s.Requeue(ctx, []string{later.ID}); err != nil || n != 1 {
		t.Fatalf("Requeue: %d, %v", n, err)
	}
	once()
	if st := status(); st[later.ID] != store.OutboxPending {
		t.Fatalf("later event failed once after its wait: %q, want pending (retried for its own 48 hours)", st[later.ID])
	}
	failLater = false
	if _, err := s.Requeue(ctx, []string{later.ID}); err != nil {
		t.Fatalf("Requeue: %v", err)
	}
	once()
	if st := status(); !delivered[later.ID] || len(st) != 1 || st[first.ID] != store.OutboxDead {
		t.Errorf("later event: delivered %v, outbox %v; want it delivered and only the dead earlier one left", delivered[later.ID], st)
	}
}
