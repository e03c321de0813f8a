package outbox_test

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"github.com/placard/placard/internal/outbox"
	"github.com/placard/placard/internal/signing"
)

// TestRunYieldsWhileSigning checks that the worker claims nothing while
// Busy says signatures are arriving, and delivers once they stop.
func TestRunYieldsWhileSigning(t *testing.T) {
	ob := openOutbox(t)
	var busy atomic.Bool
	var asked atomic.Int64
	busy.Store(true)
	var deliveredWhileBusy, delivered atomic.Int64
	d := outbox.DelivererFunc(func(ctx context.Context, m signing.Message) error {
		if busy.Load() {
			deliveredWhileBusy.Add(1)
		}
		delivered.Add(1)
		return nil
	})
	w := outbox.NewWorker(ob, map[string]outbox.Deliverer{"webhook": d}, outbox.Options{
		Idle: time.Hour, YieldPoll: time.Millisecond, MaxYield: time.Hour,
		Busy: func() bool { asked.Add(1); return busy.Load() },
	})
	enqueue(t, ob, "webhook")
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- w.Run(ctx) }()
	defer func() { cancel(); <-done }()
	poll(t, "the worker to ask whether signing is busy 5 times", func() bool { return asked.Load() >= 5 })
	if n := delivered.Load(); n != 0 {
		t.Fatalf("delivered %d messages while signing was busy", n)
	}
	busy.Store(false)
	poll(t, "the message to be delivered once signing went quiet", func() bool { return delivered.Load() == 1 })
	if n := deliveredWhileBusy.Load(); n != 0 {
		t.Errorf("%d deliveries happened while busy", n)
	}
	poll(t, "the delivered message to leave the outbox", func() bool { return len(list(t, ob, "")) == 0 })
}

// TestRunYieldsNoLongerThanMaxYield checks that a worker whose signing
// never goes quiet still delivers once MaxYield has passed on its clock.
func TestRunYieldsNoLongerThanMaxYield(t *testing.T) {
	ob := openOutbox(t)
	var clock atomic.Int64 // nanoseconds past start, moved by the test
	start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	var asked, delivered atomic.Int64
	d := outbox.DelivererFunc(func(ctx context.Context, m signing.Message) error { delivered.Add(1); return nil })
	w := outbox.NewWorker(ob, map[string]outbox.Deliverer{"webhook": d}, outbox.Options{
		Idle: time.Hour, YieldPoll: time.Millisecond, MaxYield: 30 * time.Second,
		Busy: func() bool { asked.Add(1); return true },
		Now:  func() time.Time { return start.Add(time.Duration(clock.Load())) },
	})
	enqueue(t, ob, "webhook")
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- w.Run(ctx) }()
	defer func() { cancel(); <-done }()
	poll(t, "the worker to ask whether signing is busy 5 times", func() bool { return asked.Load() >= 5 })
	clock.Store(int64(29 * time.Second))
	a := asked.Load()
	poll(t, "the worker to ask 5 more times", func() bool { return asked.Load() >= a+5 })
	if n := delivered.Load(); n != 0 {
		t.Fatalf("delivered %d messages before MaxYield had passed", n)
	}
	clock.Store(int64(30 * time.Second))
	poll(t, "a delivery once MaxYield had passed", func() bool { return delivered.Load() == 1 })
}

// poll waits until cond holds, failing after 10 s.
func poll(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("waited 10 s for %s", what)
		}
		time.Sleep(time.Millisecond)
	}
}

// TestYieldingWorkerIgnoresWakes: while signing is busy the worker looks
// again only at YieldPoll; a wake (one per signature) does not make it
// look, so a burst does not pay a goroutine switch per signature.
func TestYieldingWorkerIgnoresWakes(t *testing.T) {
	ob := openOutbox(t)
	var asked atomic.Int64
	d := outbox.DelivererFunc(func(ctx context.Context, m signing.Message) error { return nil })
	w := outbox.NewWorker(ob, map[string]outbox.Deliverer{"webhook": d}, outbox.Options{
		Idle: time.Hour, YieldPoll: time.Hour, MaxYield: time.Hour,
		Busy: func() bool { asked.Add(1); return true },
	})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- w.Run(ctx) }()
	defer func() { cancel(); <-done }()
	poll(t, "the worker to ask whether signing is busy", func() bool { return asked.Load() >= 1 })
	for range 100 {
		w.Wake()
	}
	// Nothing to wait for when it works; give a wrongly woken worker a
	// generous moment to show itself.
	deadline := time.Now().Add(300 * time.Millisecond)
	for time.Now().Before(deadline) {
		if n := asked.Load(); n > 1 {
			t.Fatalf("woken while yielding, the worker asked %d times whether signing is busy; want once per YieldPoll", n)
		}
		time.Sleep(time.Millisecond)
	}
}
