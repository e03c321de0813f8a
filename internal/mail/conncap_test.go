package mail_test

import (
	"context"
	"fmt"
	"net"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/placard/placard/internal/mail"
	"github.com/placard/placard/internal/mail/mailtest"
	"github.com/placard/placard/internal/outbox"
	"github.com/placard/placard/internal/signing"
	"github.com/placard/placard/internal/store"
	"github.com/placard/placard/internal/store/sqlite"
)

// localRelay starts a plain relay on this machine (?tls=off), whose count
// of open connections is exact (mailtest.Server.MaxOpen), and returns a
// Sender to it capped at conns connections.
func localRelay(t *testing.T, conns int) (*mailtest.Server, *mail.Sender) {
	t.Helper()
	srv := mailtest.StartLocalRelay(t)
	server, err := mail.ParseServer("smtp://" + mailtest.User + ":" + strings.NewReplacer(":", "%3A", "@", "%40").Replace(mailtest.Password) +
		"@" + srv.Addr + "?tls=off")
	if err != nil {
		t.Fatal(err)
	}
	from, _ := mail.ParseFrom("Riverside Coalition <hello@riverside.example>")
	return srv, mail.NewSender(server, from, mail.SenderOptions{MaxConnections: conns})
}

// TestSenderConnectionCap: many sends at once through one Sender — whole
// batches and single emails, as the outbox's lanes and the console's
// sign-in links make them side by side — never have more connections
// open to the relay than the cap, and every email arrives. Failed before:
// the Sender opened one connection per call with no shared cap, and the
// relay saw 24 at once.
func TestSenderConnectionCap(t *testing.T) {
	const limit = 3
	srv, s := localRelay(t, limit)
	srv.SlowData(20 * time.Millisecond) // so the sends overlap
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	var wg sync.WaitGroup
	var mu sync.Mutex
	var failed []error
	for g := range 24 {
		wg.Go(func() {
			n := 1 + g%3 // singles and small batches
			var ms []mail.Message
			for k := range n {
				ms = append(ms, mail.Message{ID: fmt.Sprintf("cap-%d-%d", g, k), To: fmt.Sprintf("signer%d.%d@example.net", g, k),
					Subject: "Thank you", Text: "t", HTML: "<p>h</p>"})
			}
			for _, err := range s.SendMany(ctx, ms) {
				if err != nil {
					mu.Lock()
					failed = append(failed, err)
					mu.Unlock()
				}
			}
		})
	}
	wg.Wait()
	if len(failed) > 0 {
		t.Fatalf("%d sends failed, first: %v", len(failed), failed[0])
	}
	want := 0
	for g := range 24 {
		want += 1 + g%3
	}
	if got := len(srv.Mails()); got != want {
		t.Errorf("%d emails arrived, want %d", got, want)
	}
	if peak := srv.MaxOpen(); peak > limit {
		t.Errorf("the relay saw %d connections open at once, over the cap of %d", peak, limit)
	}
}

// TestSenderConnectionWaitEndsWithCtx: a send that finds every place
// under the cap taken waits, and when its time runs out before one frees
// it fails as NoConnection — not tried, not a failure, not permanent —
// having opened no connection; once a place frees it is sent.
func TestSenderConnectionWaitEndsWithCtx(t *testing.T) {
	srv, s := localRelay(t, 1)
	release := srv.HoldData()
	defer release()
	slow := make(chan error, 1)
	go func() {
		slow <- s.Send(context.Background(), mail.Message{ID: "first", To: "first@example.net", Subject: "s", Text: "t"})
	}()
	// Wait until the first holds the one connection.
	for deadline := time.Now().Add(20 * time.Second); srv.MaxOpen() < 1; {
		if time.Now().After(deadline) {
			t.Fatal("the first send never connected")
		}
		time.Sleep(time.Millisecond)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	err := s.Send(ctx, mail.Message{ID: "second", To: "second@example.net", Subject: "s", Text: "t"})
	cancel()
	if !mail.NoConnection(err) || mail.IsPermanent(err) || mail.MaybeSent(err) {
		t.Fatalf("waiting past the time limit for a connection: %v; want NoConnection, neither permanent nor maybe sent", err)
	}
	// Through the outbox: the email that waited out its time limit is
	// due again at once, pending, no failure and no backoff.
	db, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "placard.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	r, _ := renderer(t)
	m := mail.NewMessage(mail.Payload{Template: mail.TemplateThanks, Lang: "en", Org: "northgate-tenants", Campaign: "tell-the-courier",
		To: "ada@example.org", Confirmed: true})
	if err := db.Enqueue(context.Background(), []signing.Message{m}); err != nil {
		t.Fatal(err)
	}
	w := outbox.NewWorker(db, map[string]outbox.Deliverer{signing.MessageEmail: &mail.Deliverer{Renderer: r, Sender: s}},
		outbox.Options{Timeout: 50 * time.Millisecond})
	if n, err := w.Once(context.Background()); n != 1 || err != nil {
		t.Fatalf("Once: %d, %v", n, err)
	}
	if es, err := db.List(context.Background(), store.OutboxPending); err != nil || len(es) != 1 || es[0].NotBefore.After(time.Now()) ||
		!strings.Contains(es[0].LastError, "--mail-connections") {
		t.Fatalf("after waiting for a connection: %+v, %v; want it pending, due now (no backoff), saying why", es, err)
	}
	release()
	if err := <-slow; err != nil {
		t.Fatalf("the first send: %v", err)
	}
	if err := s.Send(context.Background(), mail.Message{ID: "second", To: "second@example.net", Subject: "s", Text: "t"}); err != nil {
		t.Fatalf("once the connection is free: %v", err)
	}
	if got := srv.Wait(t, 2); len(got) != 2 || srv.MaxOpen() != 1 {
		t.Fatalf("%d emails, %d connections at once; want 2 and 1", len(got), srv.MaxOpen())
	}
}

// TestSendRelayBusyAtGreeting: a relay over its own connection limit
// answers 421 at once, before any command ("too many connections, try
// later"); the email is to be tried again, never refused for good — with
// STARTTLS and with implicit TLS the greeting comes at the same place —
// and the error says the server is busy and what to do, without naming
// the address. Failed before on its wording only: the server's bare
// answer (`mail: 421 "4.7.0 … Too many concurrent SMTP connections"`),
// which tells an organiser nothing of --mail-connections.
func TestSendRelayBusyAtGreeting(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			c.Write([]byte("421 4.7.0 mail.example.net Too many concurrent SMTP connections; please try again later\r\n"))
			c.Close()
		}
	}()
	server, err := mail.ParseServer("smtp://" + ln.Addr().String() + "?tls=off")
	if err != nil {
		t.Fatal(err)
	}
	from, _ := mail.ParseFrom("hello@riverside.example")
	s := mail.NewSender(server, from, mail.SenderOptions{})
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	errs := s.SendMany(ctx, []mail.Message{
		{ID: "a", To: "signer-a@example.net", Subject: "s", Text: "t"},
		{ID: "b", To: "signer-b@example.net", Subject: "s", Text: "t"},
	})
	for i, err := range errs {
		t.Logf("message %d: %v", i, err)
		if err == nil || mail.IsPermanent(err) || mail.MaybeSent(err) {
			t.Errorf("message %d against a relay answering 421: %v; want a passing error", i, err)
			continue
		}
		if strings.Contains(err.Error(), "@example.net") || !strings.Contains(err.Error(), "421") || !strings.Contains(err.Error(), "--mail-connections") {
			t.Errorf("message %d: %q; want the server's 421 named, what to do (--mail-connections), and no address", i, err)
		}
	}
	// Through the Deliverer (sign-in links and contact letters go the
	// same way): tried again, not dead.
	r, _ := renderer(t)
	d := &mail.Deliverer{Renderer: r, Sender: s}
	m := mail.NewMessage(mail.Payload{Template: mail.TemplateThanks, Lang: "en", Org: "northgate-tenants", Campaign: "tell-the-courier",
		To: "ada@example.org", Confirmed: true})
	if err := d.Deliver(ctx, m); err == nil || outbox.IsPermanent(err) {
		t.Fatalf("the deliverer against a relay answering 421: %v; want it tried again", err)
	}
}

// TestOutboxLanesKeepToConnectionCap: the outbox worker with its lanes
// wide open — 64 deliveries in flight, as many to one destination —
// delivers a backlog of thank-yous (batches of 16 spread over four
// connections each) and, beside them, single emails of another kind (as
// the console's sign-in links are), all through one Sender: the relay
// never sees more connections at once than the Sender's cap, and every
// email arrives, none given up. Failed before: the relay saw 16 and more
// at once (four batches of four connections, and the singles), however
// few it allows.
func TestOutboxLanesKeepToConnectionCap(t *testing.T) {
	const limit = 3
	ctx := context.Background()
	db, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "placard.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	srv, s := localRelay(t, limit)
	srv.SlowData(5 * time.Millisecond) // so the deliveries overlap
	r, _ := renderer(t)
	d := &mail.Deliverer{Renderer: r, Sender: s}
	const single = "test-single"
	var msgs []signing.Message
	for i := range 160 {
		msgs = append(msgs, mail.NewMessage(mail.Payload{Template: mail.TemplateThanks, Lang: "en", Org: "northgate-tenants", Campaign: "tell-the-courier",
			To: fmt.Sprintf("signer%d@example.org", i), Confirmed: true}))
	}
	for i := range 24 {
		msgs = append(msgs, signing.Message{ID: signing.NewMessageID(), Kind: single, Email: fmt.Sprintf("organiser%d@example.org", i)})
	}
	if err := db.Enqueue(ctx, msgs); err != nil {
		t.Fatal(err)
	}
	sendOne := outbox.DelivererFunc(func(ctx context.Context, m signing.Message) error {
		err := s.Send(ctx, mail.Message{ID: m.ID, To: m.Email, Subject: "Sign in", Text: "t"})
		if mail.NoConnection(err) {
			return outbox.Untried(err)
		}
		return err
	})
	w := outbox.NewWorker(db, map[string]outbox.Deliverer{signing.MessageEmail: d, single: sendOne},
		outbox.Options{Batch: 16, Slots: 64, PerLane: 64, Idle: 10 * time.Millisecond})
	rctx, stop := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- w.Run(rctx) }()
	got := srv.Wait(t, len(msgs))
	stop()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if len(got) != len(msgs) {
		t.Errorf("%d emails arrived, want %d", len(got), len(msgs))
	}
	if peak := srv.MaxOpen(); peak > limit {
		t.Errorf("the relay saw %d connections open at once, over the cap of %d", peak, limit)
	}
	if left, err := db.List(ctx, ""); err != nil || len(left) != 0 {
		t.Errorf("left in the outbox: %d (%v); want none", len(left), err)
	}
}
