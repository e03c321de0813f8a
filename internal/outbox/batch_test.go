package outbox_test

import (
	"context"
	"errors"
	"slices"
	"sync"
	"testing"

	"github.com/placard/placard/internal/outbox"
	"github.com/placard/placard/internal/signing"
	"github.com/placard/placard/internal/store"
)

// batcher is a BatchDeliverer that records each batch it is given and
// answers each message with errs[its id] (nil when absent); a message
// delivered one at a time is recorded as a batch of one.
type batcher struct {
	mu      sync.Mutex
	batches [][]string
	errs    map[string]error
	panics  bool
}

func (b *batcher) Deliver(ctx context.Context, m signing.Message) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.batches = append(b.batches, []string{m.ID})
	return b.errs[m.ID]
}

func (b *batcher) DeliverBatch(ctx context.Context, ms []signing.Message) []error {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.panics {
		panic("a bug in the deliverer")
	}
	var ids []string
	errs := make([]error, len(ms))
	for i, m := range ms {
		ids = append(ids, m.ID)
		errs[i] = b.errs[m.ID]
	}
	b.batches = append(b.batches, ids)
	return errs
}

// countingOutbox counts the Done calls and the ids they carry.
type countingOutbox struct {
	store.Outbox
	mu    sync.Mutex
	calls int
	ids   []string
}

func (c *countingOutbox) Done(ctx context.Context, ids ...string) error {
	c.mu.Lock()
	c.calls++
	c.ids = append(c.ids, ids...)
	c.mu.Unlock()
	return c.Outbox.Done(ctx, ids...)
}

// A batch deliverer gets every claimed message of its kind in one call,
// keeps one outcome per message (a refusal for good is dead, a passing
// failure pending again, the rest gone), and the delivered ones leave the
// outbox in one Done.
func TestBatchDeliveryKeepsEachOutcome(t *testing.T) {
	ob := &countingOutbox{Outbox: openOutbox(t)}
	var ids []string
	for range 6 {
		ids = append(ids, enqueue(t, ob, "email").ID)
	}
	hook := enqueue(t, ob, "webhook")
	b := &batcher{errs: map[string]error{
		ids[1]: outbox.Permanent(errors.New("550 no such mailbox")),
		ids[4]: errors.New("421 try later"),
	}}
	rec := &recorder{}
	w := outbox.NewWorker(ob, map[string]outbox.Deliverer{"email": b, "webhook": rec}, outbox.Options{})
	if n, err := w.Once(context.Background()); err != nil || n != 7 {
		t.Fatalf("Once: %d, %v; want 7 claimed", n, err)
	}
	if len(b.batches) != 1 || !slices.Equal(slices.Sorted(slices.Values(b.batches[0])), slices.Sorted(slices.Values(ids))) {
		t.Fatalf("email batches %v; want the 6 emails in one", b.batches)
	}
	if got := rec.seen(); len(got) != 1 || got[0] != hook.ID {
		t.Errorf("webhook deliverer saw %v; want %s", got, hook.ID)
	}
	want := []string{hook.ID, ids[0], ids[2], ids[3], ids[5]}
	slices.Sort(want)
	if slices.Sort(ob.ids); ob.calls != 1 || !slices.Equal(ob.ids, want) {
		t.Errorf("Done: %d calls with %v; want one call with the 5 delivered", ob.calls, ob.ids)
	}
	if dead := list(t, ob, store.OutboxDead); len(dead) != 1 || dead[0].ID != ids[1] || dead[0].LastError != "550 no such mailbox" {
		t.Errorf("dead: %+v; want %s refused for good", dead, ids[1])
	}
	if pending := list(t, ob, store.OutboxPending); len(pending) != 1 || pending[0].ID != ids[4] || pending[0].LastError != "421 try later" {
		t.Errorf("pending: %+v; want %s to retry", pending, ids[4])
	}
}

// A batch deliverer that panics does not lose the batch: each message is
// then delivered on its own, under its own id.
func TestBatchDeliveryPanicFallsBackToOneByOne(t *testing.T) {
	ob := openOutbox(t)
	var ids []string
	for range 3 {
		ids = append(ids, enqueue(t, ob, "email").ID)
	}
	b := &batcher{panics: true}
	w := outbox.NewWorker(ob, map[string]outbox.Deliverer{"email": b}, outbox.Options{})
	if n, err := w.Once(context.Background()); err != nil || n != 3 {
		t.Fatalf("Once: %d, %v", n, err)
	}
	var got []string
	for _, bt := range b.batches {
		if len(bt) != 1 {
			t.Errorf("after the panic a batch of %d; want one by one", len(bt))
		}
		got = append(got, bt...)
	}
	slices.Sort(got)
	slices.Sort(ids)
	if !slices.Equal(got, ids) {
		t.Errorf("delivered %v; want %v", got, ids)
	}
	if left := list(t, ob, ""); len(left) != 0 {
		t.Errorf("outbox after delivery: %+v; want empty", left)
	}
}
