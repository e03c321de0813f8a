package mail_test

import (
	"context"
	"io"
	"net"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/placard/placard/internal/mail"
	"github.com/placard/placard/internal/signing"
)

// hungFirst is a mail server on loopback whose first connection is taken
// and never answered (no greeting, nothing read back), as a relay that
// hangs does; every later connection goes through to the relay at good.
func hungFirst(t *testing.T, good string) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var open []net.Conn
	t.Cleanup(func() {
		ln.Close()
		mu.Lock()
		defer mu.Unlock()
		for _, c := range open {
			c.Close()
		}
	})
	var n atomic.Int64
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			open = append(open, c)
			mu.Unlock()
			if n.Add(1) == 1 {
				go io.Copy(io.Discard, c) // takes what it is sent, answers nothing
				continue
			}
			go func() {
				up, err := net.Dial("tcp", good)
				if err != nil {
					c.Close()
					return
				}
				go func() { io.Copy(up, c); up.Close() }()
				io.Copy(c, up)
				c.Close()
			}()
		}
	}()
	return ln.Addr().String()
}

// TestSendHungServer: a mail server that takes a connection and never
// answers holds a sending no longer than its context (the outbox's time
// limit for the batch), not for go-mail's own timeouts (30 s per step,
// about a minute in all), and it holds only the messages on that
// connection: the batch's other connection delivers its message. The
// hung message fails to be tried again, with a plain reason.
func TestSendHungServer(t *testing.T) {
	good, delivered := fakeRelay(t, false, nil)
	server, err := mail.ParseServer("smtp://" + hungFirst(t, good) + "?tls=off")
	if err != nil {
		t.Fatal(err)
	}
	from, _ := mail.ParseFrom("hello@riverside.example")
	r, _ := renderer(t)
	d := &mail.Deliverer{Renderer: r, Sender: mail.NewSender(server, from, mail.SenderOptions{}), Connections: 2}
	var ms []signing.Message
	for _, to := range []string{"one@example.net", "two@example.net"} {
		ms = append(ms, mail.NewMessage(mail.Payload{Template: mail.TemplateThanks, Lang: "en",
			Org: "northgate-tenants", Campaign: "tell-the-courier", To: to}))
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	done := make(chan []error, 1)
	go func() { done <- d.DeliverBatch(ctx, ms) }()
	var errs []error
	select {
	case errs = <-done:
	case <-time.After(20 * time.Second): // far past the 1 s limit, short of go-mail's 30 s
		t.Fatal("the batch is still held by the hung server 19 s after its time limit")
	}
	failed := 0
	for _, err := range errs {
		if err != nil {
			failed++
			if mail.IsPermanent(err) {
				t.Errorf("the hung connection's message: %v, want it tried again", err)
			}
			t.Logf("hung: %v", err)
		}
	}
	if failed != 1 || delivered.Load() != 1 {
		t.Errorf("errors %v, %d delivered; want the hung connection's message failed and the other delivered", errs, delivered.Load())
	}
}
