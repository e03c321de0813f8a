package outbox_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/placard/placard/internal/mail"
	"github.com/placard/placard/internal/mail/mailtest"
	"github.com/placard/placard/internal/outbox"
	"github.com/placard/placard/internal/signing"
	"github.com/placard/placard/internal/store"
)

// stalledReceiver is a real webhook receiver on loopback that holds every
// request until release is closed, as a receiver that answers just
// inside the attempt timeout does.
type stalledReceiver struct {
	*httptest.Server
	release           chan struct{}
	releaseOnce       sync.Once
	open, most, ended atomic.Int64
	mu                sync.Mutex
	seen              map[string]int // webhook-id → requests
}

func startStalled(t *testing.T) *stalledReceiver {
	t.Helper()
	s := &stalledReceiver{release: make(chan struct{}), seen: map[string]int{}}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		s.seen[r.Header.Get("webhook-id")]++
		s.mu.Unlock()
		n := s.open.Add(1)
		for m := s.most.Load(); n > m && !s.most.CompareAndSwap(m, n); m = s.most.Load() {
		}
		defer s.open.Add(-1)
		select {
		case <-s.release:
			s.ended.Add(1)
			w.WriteHeader(http.StatusNoContent)
		case <-r.Context().Done():
		}
	}))
	t.Cleanup(s.Close)
	return s
}

// Release lets every held request (and every later one) answer.
func (s *stalledReceiver) Release() { s.releaseOnce.Do(func() { close(s.release) }) }

// run runs w until the test ends; the receiver answers first, so the
// worker's deliveries end and the server can close.
func run(t *testing.T, w *outbox.Worker, hooks *stalledReceiver) (stop func() error) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- w.Run(ctx) }()
	var once sync.Once
	var err error
	stop = func() error {
		once.Do(func() { cancel(); err = <-done })
		return err
	}
	t.Cleanup(func() { hooks.Release(); stop() })
	return stop
}

// hookDeliverer posts each message to its Target over real HTTP.
func hookDeliverer() outbox.Deliverer {
	return outbox.DelivererFunc(func(ctx context.Context, m signing.Message) error {
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, m.Target, strings.NewReader(string(m.Payload)))
		if err != nil {
			return outbox.Permanent(err)
		}
		req.Header.Set("webhook-id", m.ID)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			return err
		}
		resp.Body.Close()
		if resp.StatusCode/100 != 2 {
			return fmt.Errorf("receiver answered %d", resp.StatusCode)
		}
		return nil
	})
}

// mailDeliverer sends each message through a real SMTP relay on loopback.
func mailDeliverer(t *testing.T, srv *mailtest.Server) outbox.Deliverer {
	t.Helper()
	server, err := mail.ParseServer(srv.URL())
	if err != nil {
		t.Fatal(err)
	}
	from, _ := mail.ParseFrom("hello@riverside.example")
	s := mail.NewSender(server, from, mail.SenderOptions{TLS: srv.ClientTLS})
	return outbox.DelivererFunc(func(ctx context.Context, m signing.Message) error {
		return s.Send(ctx, mail.Message{ID: m.ID, To: m.Email, Subject: "Please confirm your signature", Text: "t", HTML: "<p>h</p>"})
	})
}

// TestSlowReceiverHoldsOnlyItsLane: an organisation's webhook receiver
// that stalls, with many webhooks queued first, holds no more than its
// lane's share of the worker's slots: a confirmation queued after them
// is delivered while the stalled requests are still blocked, the stalled
// receiver never sees more than PerLane requests at once, and once it
// answers every webhook arrives exactly once.
func TestSlowReceiverHoldsOnlyItsLane(t *testing.T) {
	ob := openOutbox(t)
	hooks := startStalled(t)
	relay := mailtest.Start(t)
	var queued []signing.Message
	for range 40 {
		queued = append(queued, signing.Message{ID: signing.NewMessageID(), Kind: signing.MessageWebhook, Target: hooks.URL,
			Org: "slow-org", Campaign: "c", Payload: []byte(`{"type":"signature.created"}`)})
	}
	confirm := signing.Message{ID: signing.NewMessageID(), Kind: signing.MessageEmail, Email: "signer@example.net",
		Org: "other-org", Campaign: "c", Payload: []byte(`{}`)}
	if err := ob.Enqueue(context.Background(), queued); err != nil {
		t.Fatal(err)
	}
	if err := ob.Enqueue(context.Background(), []signing.Message{confirm}); err != nil {
		t.Fatal(err)
	}
	const perLane = 4
	w := outbox.NewWorker(ob, map[string]outbox.Deliverer{
		signing.MessageWebhook: hookDeliverer(), signing.MessageEmail: mailDeliverer(t, relay),
	}, outbox.Options{Batch: 16, Slots: 16, PerLane: perLane, Timeout: 10 * time.Minute, Lease: 20 * time.Minute, Idle: time.Hour})
	run(t, w, hooks)

	got := relay.Wait(t, 1)
	if got[0].To[0] != confirm.Email {
		t.Fatalf("mail to %v; want the confirmation to %s", got[0].To, confirm.Email)
	}
	if n := hooks.ended.Load(); n != 0 {
		t.Fatalf("%d stalled requests had ended when the confirmation arrived; want it to pass them all", n)
	}
	if n := hooks.most.Load(); n > perLane {
		t.Errorf("the stalled receiver had %d requests at once; want at most %d (its lane)", n, perLane)
	}
	hooks.Release()
	poll(t, "every webhook to be delivered and leave the outbox", func() bool { return len(list(t, ob, "")) == 0 })
	if n := hooks.most.Load(); n > perLane {
		t.Errorf("the receiver had %d requests at once; want at most %d", n, perLane)
	}
	hooks.mu.Lock()
	defer hooks.mu.Unlock()
	for _, m := range queued {
		if n := hooks.seen[m.ID]; n != 1 {
			t.Errorf("webhook %s received %d times; want once", m.ID, n)
		}
	}
}

// TestRunStopsWithDeliveriesInFlight: a worker stopped while a slow
// receiver holds its deliveries returns only once they have ended and
// been recorded; the messages it had not claimed stay pending on their
// first attempt, none is lost and none sent twice.
func TestRunStopsWithDeliveriesInFlight(t *testing.T) {
	ob := openOutbox(t)
	hooks := startStalled(t)
	var queued []signing.Message
	for range 12 {
		queued = append(queued, signing.Message{ID: signing.NewMessageID(), Kind: signing.MessageWebhook, Target: hooks.URL,
			Org: "slow-org", Campaign: "c", Payload: []byte(`{}`)})
	}
	if err := ob.Enqueue(context.Background(), queued); err != nil {
		t.Fatal(err)
	}
	w := outbox.NewWorker(ob, map[string]outbox.Deliverer{signing.MessageWebhook: hookDeliverer()},
		outbox.Options{Batch: 16, Slots: 16, PerLane: 4, Timeout: 10 * time.Minute, Lease: 20 * time.Minute, Idle: time.Hour})
	stop := run(t, w, hooks)
	poll(t, "the receiver to hold 4 requests", func() bool { return hooks.open.Load() >= 4 })
	if n := hooks.open.Load(); n != 4 {
		t.Fatalf("the receiver holds %d requests; want 4 (its lane)", n)
	}
	stopped := make(chan error, 1)
	go func() { stopped <- stop() }()
	// Stopped while its deliveries are held, Run returns once they have
	// ended and been recorded: the outbox below shows their outcomes.
	hooks.Release()
	if err := <-stopped; err != nil {
		t.Fatalf("Run: %v", err)
	}
	if n := hooks.ended.Load(); n != 4 {
		t.Errorf("Run returned with %d of the 4 held deliveries answered; want all 4", n)
	}
	left := list(t, ob, "")
	if len(left) != 8 {
		t.Fatalf("%d messages left; want the 8 never claimed", len(left))
	}
	hooks.mu.Lock()
	defer hooks.mu.Unlock()
	for _, e := range left {
		if e.Status != store.OutboxPending || e.Attempts != 0 || hooks.seen[e.ID] != 0 {
			t.Errorf("left %s: %s, %d attempts, received %d times; want pending, untried", e.ID, e.Status, e.Attempts, hooks.seen[e.ID])
		}
	}
	if len(hooks.seen) != 4 {
		t.Errorf("the receiver got %d distinct messages; want the 4 in flight", len(hooks.seen))
	}
}
