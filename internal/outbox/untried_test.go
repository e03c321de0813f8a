package outbox_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/placard/placard/internal/outbox"
	"github.com/placard/placard/internal/store"
)

// TestUntriedKeepsPlaceAndCount: a message its deliverer never tried
// (Untried: it waited for a free connection) is back due when it was due
// before the claim, its attempt not counted, why it waits recorded —
// no backoff however many times it waited; past the maximum age it is
// marked dead as any other, unless also Kept.
func TestUntriedKeepsPlaceAndCount(t *testing.T) {
	ob := openOutbox(t)
	m := enqueue(t, ob, "email")
	due := list(t, ob, store.OutboxPending)[0].NotBefore
	wait := outbox.Untried(errors.New("no free connection (--mail-connections)"))
	rec := &recorder{errs: []error{wait, wait, wait}}
	w := outbox.NewWorker(ob, map[string]outbox.Deliverer{"email": rec}, outbox.Options{})
	for range 3 {
		if n, err := w.Once(context.Background()); n != 1 || err != nil {
			t.Fatalf("Once: %d, %v", n, err)
		}
	}
	es := list(t, ob, store.OutboxPending)
	if len(es) != 1 || es[0].ID != m.ID || !es[0].NotBefore.Equal(due) || es[0].Attempts != 0 || es[0].LastError != wait.Error() {
		t.Fatalf("after waiting three times: %+v; want it due at %v as before, no attempt counted, the wait recorded", es, due)
	}
	if outbox.Untried(nil) != nil {
		t.Error("Untried(nil) is not nil")
	}
	for _, c := range []struct {
		name string
		err  error
		want store.OutboxStatus
	}{
		{"Untried", outbox.Untried(errors.New("no free connection")), store.OutboxDead},
		{"Untried Kept", outbox.Untried(outbox.Kept(errors.New("no free connection"))), store.OutboxPending},
	} {
		t.Run(c.name, func(t *testing.T) {
			ob := openOutbox(t)
			enqueue(t, ob, "email")
			now := time.Now().Add(72 * time.Hour)
			w := outbox.NewWorker(ob, map[string]outbox.Deliverer{"email": &recorder{errs: []error{c.err}}},
				outbox.Options{MaxAge: 48 * time.Hour, Now: func() time.Time { return now }})
			if _, err := w.Once(context.Background()); err != nil {
				t.Fatal(err)
			}
			if es := list(t, ob, ""); len(es) != 1 || es[0].Status != c.want {
				t.Fatalf("waited 72 h after queueing with MaxAge 48 h: %+v, want %s", es, c.want)
			}
		})
	}
}
