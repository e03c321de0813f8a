package outbox_test

import (
	"context"
	"errors"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/placard/placard/internal/outbox"
	"github.com/placard/placard/internal/signing"
	"github.com/placard/placard/internal/store"
	"github.com/placard/placard/internal/store/sqlite"
)

// openOutbox returns a real SQLite store's outbox in a temporary folder.
func openOutbox(t *testing.T) store.Outbox {
	t.Helper()
	db, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "placard.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func enqueue(t *testing.T, ob store.Outbox, kind string) signing.Message {
	t.Helper()
	m := signing.Message{ID: signing.NewMessageID(), Kind: kind, Org: "o", Campaign: "c", Payload: []byte(`{}`)}
	if err := ob.Enqueue(context.Background(), []signing.Message{m}); err != nil {
		t.Fatal(err)
	}
	return m
}

func list(t *testing.T, ob store.Outbox, status store.OutboxStatus) []store.OutboxEntry {
	t.Helper()
	es, err := ob.List(context.Background(), status)
	if err != nil {
		t.Fatal(err)
	}
	return es
}

// recorder is a deliverer that records the ids it saw and answers with
// the next of its errors (nil once they run out).
type recorder struct {
	mu   sync.Mutex
	ids  []string
	errs []error
}

func (r *recorder) Deliver(ctx context.Context, m signing.Message) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.ids = append(r.ids, m.ID)
	if len(r.errs) == 0 {
		return nil
	}
	err := r.errs[0]
	r.errs = r.errs[1:]
	return err
}

func (r *recorder) seen() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.ids...)
}

func TestDeliveredMessageLeaves(t *testing.T) {
	ob := openOutbox(t)
	m := enqueue(t, ob, "webhook")
	rec := &recorder{}
	w := outbox.NewWorker(ob, map[string]outbox.Deliverer{"webhook": rec}, outbox.Options{})
	if n, err := w.Once(context.Background()); err != nil || n != 1 {
		t.Fatalf("Once: got %d, %v, want 1", n, err)
	}
	if got := rec.seen(); len(got) != 1 || got[0] != m.ID {
		t.Errorf("delivered: got %v, want [%s]", got, m.ID)
	}
	if es := list(t, ob, ""); len(es) != 0 {
		t.Errorf("outbox after delivery: got %d messages, want none (no payload kept)", len(es))
	}
}

func TestFailedDeliveryIsRetriedWithBackoff(t *testing.T) {
	ob := openOutbox(t)
	m := enqueue(t, ob, "webhook")
	rec := &recorder{errs: []error{errors.New("receiver answered 503")}}
	now := time.Now()
	w := outbox.NewWorker(ob, map[string]outbox.Deliverer{"webhook": rec},
		outbox.Options{FirstRetry: time.Minute, MaxRetry: time.Hour, Now: func() time.Time { return now }})
	if _, err := w.Once(context.Background()); err != nil {
		t.Fatal(err)
	}
	es := list(t, ob, store.OutboxPending)
	if len(es) != 1 || es[0].ID != m.ID || es[0].LastError != "receiver answered 503" || es[0].Attempts != 1 {
		t.Fatalf("after a failure: got %+v, want it pending with its error", es)
	}
	if wait := es[0].NotBefore.Sub(now); wait < 30*time.Second || wait > time.Minute {
		t.Errorf("first retry in %v, want between 30 s and 1 min", wait)
	}
	// Not due yet: nothing is claimed.
	if n, _ := w.Once(context.Background()); n != 0 {
		t.Errorf("Once before the retry is due: claimed %d, want 0", n)
	}
	if _, err := ob.Requeue(context.Background(), []string{m.ID}); err != nil {
		t.Fatal(err)
	}
	if n, _ := w.Once(context.Background()); n != 1 {
		t.Fatalf("Once when due: claimed %d, want 1", n)
	}
	if got := rec.seen(); len(got) != 2 || got[0] != m.ID || got[1] != m.ID {
		t.Errorf("attempts: got %v, want the same id twice", got)
	}
	if es := list(t, ob, ""); len(es) != 0 {
		t.Errorf("outbox after the retry succeeded: got %d, want none", len(es))
	}
}

func TestPermanentFailureIsDead(t *testing.T) {
	ob := openOutbox(t)
	m := enqueue(t, ob, "webhook")
	rec := &recorder{errs: []error{outbox.Permanent(errors.New("receiver answered 410"))}}
	w := outbox.NewWorker(ob, map[string]outbox.Deliverer{"webhook": rec}, outbox.Options{})
	w.Once(context.Background())
	if es := list(t, ob, store.OutboxDead); len(es) != 1 || es[0].ID != m.ID || es[0].LastError != "receiver answered 410" {
		t.Errorf("dead: got %+v, want %s with its error", es, m.ID)
	}
}

func TestTooOldIsDead(t *testing.T) {
	ob := openOutbox(t)
	enqueue(t, ob, "webhook")
	rec := &recorder{errs: []error{errors.New("timeout")}}
	// The clock says 47 h 59 min have passed: the next retry would be past
	// the 48 h maximum.
	later := time.Now().Add(48*time.Hour - time.Minute)
	w := outbox.NewWorker(ob, map[string]outbox.Deliverer{"webhook": rec},
		outbox.Options{FirstRetry: 10 * time.Minute, Now: func() time.Time { return later }})
	w.Once(context.Background())
	if es := list(t, ob, store.OutboxDead); len(es) != 1 {
		t.Errorf("dead after the maximum age: got %d, want 1", len(es))
	}
}

func TestUnknownKindWaits(t *testing.T) {
	ob := openOutbox(t)
	enqueue(t, ob, "email")
	w := outbox.NewWorker(ob, map[string]outbox.Deliverer{"webhook": &recorder{}}, outbox.Options{})
	w.Once(context.Background())
	es := list(t, ob, store.OutboxPending)
	if len(es) != 1 || es[0].LastError == "" {
		t.Errorf("a kind with no deliverer: got %+v, want it pending with a reason", es)
	}
}

func TestPanickingDelivererIsDead(t *testing.T) {
	ob := openOutbox(t)
	enqueue(t, ob, "webhook")
	w := outbox.NewWorker(ob, map[string]outbox.Deliverer{"webhook": outbox.DelivererFunc(
		func(context.Context, signing.Message) error { panic("boom") })}, outbox.Options{})
	w.Once(context.Background())
	if es := list(t, ob, store.OutboxDead); len(es) != 1 {
		t.Errorf("after a panic: got %d dead, want 1", len(es))
	}
}

// TestRunWakesAndStops: Run delivers a message enqueued while it idles
// once woken, and returns when its context ends.
func TestRunWakesAndStops(t *testing.T) {
	ob := openOutbox(t)
	rec := &recorder{}
	w := outbox.NewWorker(ob, map[string]outbox.Deliverer{"webhook": rec}, outbox.Options{Idle: time.Hour})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- w.Run(ctx) }()
	m := enqueue(t, ob, "webhook")
	w.Wake()
	deadline := time.Now().Add(10 * time.Second)
	for len(rec.seen()) == 0 {
		if time.Now().After(deadline) {
			t.Fatal("the woken worker delivered nothing within 10 s")
		}
		time.Sleep(5 * time.Millisecond)
		w.Wake()
	}
	if got := rec.seen(); got[0] != m.ID {
		t.Errorf("delivered %v, want %s", got, m.ID)
	}
	cancel()
	if err := <-done; err != nil {
		t.Errorf("Run: got %v, want nil on a clean stop", err)
	}
}

func TestBackoff(t *testing.T) {
	for _, c := range []struct {
		attempt  int
		jitter   float64
		min, max time.Duration
	}{
		{1, 0, 15 * time.Second, 15 * time.Second},
		{1, 1, 30 * time.Second, 30 * time.Second},
		{3, 0.5, 90 * time.Second, 90 * time.Second},
		{40, 1, time.Hour, time.Hour},
		{1000, 0, 30 * time.Minute, 30 * time.Minute},
	} {
		got := outbox.Backoff(c.attempt, 30*time.Second, time.Hour, c.jitter)
		if got < c.min || got > c.max {
			t.Errorf("Backoff(%d, jitter %v) = %v, want between %v and %v", c.attempt, c.jitter, got, c.min, c.max)
		}
	}
}

// TestLaterHoldsUntilItsTurn: a deliverer answering Later leaves the
// message pending until exactly the time it named — no backoff drawn at
// random — and it is delivered then.
func TestLaterHoldsUntilItsTurn(t *testing.T) {
	ob := openOutbox(t)
	m := enqueue(t, ob, "email")
	now := time.Now().Truncate(time.Millisecond)
	turn := now.Add(7 * time.Minute)
	rec := &recorder{errs: []error{outbox.Later(turn, errors.New("held until its inbox's turn"))}}
	w := outbox.NewWorker(ob, map[string]outbox.Deliverer{"email": rec},
		outbox.Options{FirstRetry: time.Minute, MaxRetry: time.Hour, Now: func() time.Time { return now }})
	if _, err := w.Once(context.Background()); err != nil {
		t.Fatal(err)
	}
	es := list(t, ob, store.OutboxPending)
	if len(es) != 1 || es[0].ID != m.ID || !es[0].NotBefore.Equal(turn) {
		t.Fatalf("after Later: got %+v, want it pending until %v", es, turn)
	}
	if outbox.Later(turn, nil) != nil {
		t.Error("Later(at, nil) is not nil")
	}
}

// TestUntilOutlivesMaxAge: a message held with Until (its deliverer
// keeps its own deadline: a confirmation waits as long as its
// signature) stays pending past the maximum age, where Later's is
// marked dead.
func TestUntilOutlivesMaxAge(t *testing.T) {
	for _, c := range []struct {
		name string
		hold func(time.Time, error) error
		want store.OutboxStatus
	}{
		{"Later", outbox.Later, store.OutboxDead},
		{"Until", outbox.Until, store.OutboxPending},
	} {
		t.Run(c.name, func(t *testing.T) {
			ob := openOutbox(t)
			enqueue(t, ob, "email")
			now := time.Now().Truncate(time.Millisecond)
			turn := now.Add(72 * time.Hour)
			rec := &recorder{errs: []error{c.hold(turn, errors.New("held until its inbox's turn"))}}
			w := outbox.NewWorker(ob, map[string]outbox.Deliverer{"email": rec},
				outbox.Options{MaxAge: 48 * time.Hour, Now: func() time.Time { return now }})
			if _, err := w.Once(context.Background()); err != nil {
				t.Fatal(err)
			}
			es := list(t, ob, "")
			if len(es) != 1 || es[0].Status != c.want {
				t.Fatalf("held 72 h with MaxAge 48 h: %+v, want %s", es, c.want)
			}
		})
	}
	if outbox.Until(time.Now(), nil) != nil {
		t.Error("Until(at, nil) is not nil")
	}
}

// TestKeptOutlivesMaxAge: a passing failure marked Kept (its deliverer
// keeps its own deadline) is tried again after a backoff however old the
// message is, where an unmarked one past the maximum age is marked dead.
func TestKeptOutlivesMaxAge(t *testing.T) {
	for _, c := range []struct {
		name string
		err  error
		want store.OutboxStatus
	}{
		{"plain", errors.New("451 try again later"), store.OutboxDead},
		{"Kept", outbox.Kept(errors.New("451 try again later")), store.OutboxPending},
	} {
		t.Run(c.name, func(t *testing.T) {
			ob := openOutbox(t)
			enqueue(t, ob, "email")
			now := time.Now().Truncate(time.Millisecond).Add(72 * time.Hour)
			rec := &recorder{errs: []error{c.err}}
			w := outbox.NewWorker(ob, map[string]outbox.Deliverer{"email": rec},
				outbox.Options{MaxAge: 48 * time.Hour, Now: func() time.Time { return now }})
			if _, err := w.Once(context.Background()); err != nil {
				t.Fatal(err)
			}
			es := list(t, ob, "")
			if len(es) != 1 || es[0].Status != c.want {
				t.Fatalf("failed 72 h after queueing with MaxAge 48 h: %+v, want %s", es, c.want)
			}
		})
	}
	if outbox.Kept(nil) != nil {
		t.Error("Kept(nil) is not nil")
	}
}
