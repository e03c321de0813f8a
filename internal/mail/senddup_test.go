package mail_test

import (
	"bufio"
	"context"
	"fmt"
	"net"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/placard/placard/internal/mail"
	"github.com/placard/placard/internal/mail/mailtest"
	"github.com/placard/placard/internal/signing"
)

// hangUpAfterData is an SMTP relay on loopback that accepts each message
// (250 after its DATA) and then hangs up, as a relay that closes a
// connection after so many messages, or restarts, does: the RSET go-mail
// sends after a delivered message finds no connection.
func hangUpAfterData(t *testing.T) (addr string, delivered *atomic.Int64) {
	t.Helper()
	return fakeRelay(t, true, nil)
}

// fakeRelay is a bare SMTP relay on loopback that takes every message,
// hanging up after each when hangUp, and calling taken (when not nil)
// before it answers a message's DATA.
func fakeRelay(t *testing.T, hangUp bool, taken func()) (addr string, delivered *atomic.Int64) {
	t.Helper()
	delivered = new(atomic.Int64)
	addr = scriptedRelay(t, nil, func(cmd string, br *bufio.Reader, say func(string)) (handled, hangsUp bool) {
		if !strings.HasPrefix(cmd, "DATA") {
			return false, false
		}
		say("354 go ahead")
		if !readData(br) {
			return true, true // the connection ended mid-message
		}
		delivered.Add(1)
		if taken != nil {
			taken()
		}
		say("250 2.0.0 queued")
		return true, hangUp
	})
	return addr, delivered
}

// acceptAll hands serve every connection ln accepts, until ln is closed
// when the test ends.
func acceptAll(t *testing.T, ln net.Listener, serve func(c net.Conn)) {
	t.Helper()
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			serve(c)
		}
	}()
}

// readData reads a message after the relay's 354 up to its final ".";
// false when the connection ended before it.
func readData(br *bufio.Reader) bool {
	for {
		l, err := br.ReadString('\n')
		if err != nil {
			return false
		}
		if l == ".\r\n" {
			return true
		}
	}
}

// scriptedRelay is a bare SMTP relay on loopback: it greets, answers EHLO
// with the extensions ext (beside 8BITMIME), QUIT with 221, and every
// other command with 250 unless answer handles it first (and may ask to
// hang up). It returns the relay's address.
func scriptedRelay(t *testing.T, ext []string, answer func(cmd string, br *bufio.Reader, say func(string)) (handled, hangUp bool)) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	acceptAll(t, ln, func(c net.Conn) {
		go func() {
			defer c.Close()
			br := bufio.NewReader(c)
			say := func(s string) { fmt.Fprintf(c, "%s\r\n", s) }
			say("220 relay.test ESMTP")
			for {
				line, err := br.ReadString('\n')
				if err != nil {
					return
				}
				cmd := strings.ToUpper(strings.TrimSpace(line))
				if handled, hangUp := answer(cmd, br, say); hangUp {
					return
				} else if handled {
					continue
				}
				switch {
				case strings.HasPrefix(cmd, "EHLO"):
					say("250-relay.test")
					for _, e := range ext {
						say("250-" + e)
					}
					say("250 8BITMIME")
				case strings.HasPrefix(cmd, "QUIT"):
					say("221 bye")
					return
				default:
					say("250 2.0.0 ok")
				}
			}
		}()
	})
	return ln.Addr().String()
}

// TestSendManyDeliveredIsDone: a message the relay accepted (250 after
// its DATA) is sent, whatever happens on the connection after it. go-mail
// resets the conversation after each message; when that RSET fails the
// message was delivered all the same, and reporting it failed had the
// outbox send it again — a second copy of a letter in a decision-maker's
// inbox, or of a confirmation in a signer's. Failed before: message 0
// came back with "sending failed (SMTP reset failed)".
func TestSendManyDeliveredIsDone(t *testing.T) {
	addr, delivered := hangUpAfterData(t)
	server, err := mail.ParseServer("smtp://" + addr + "?tls=off")
	if err != nil {
		t.Fatal(err)
	}
	from, _ := mail.ParseFrom("hello@riverside.example")
	s := mail.NewSender(server, from, mail.SenderOptions{})
	ms := []mail.Message{
		{ID: "a", To: "signer0@example.net", Subject: "Thank you", Text: "t", HTML: "<p>h</p>"},
		{ID: "b", To: "signer1@example.net", Subject: "Thank you", Text: "t", HTML: "<p>h</p>"},
	}
	errs := s.SendMany(context.Background(), ms)
	if n := delivered.Load(); n != 1 {
		t.Fatalf("the relay took %d messages; want 1 (it hangs up after the first)", n)
	}
	if errs[0] != nil {
		t.Errorf("message 0, which the relay accepted: %v; want nil (it would be sent again)", errs[0])
	}
	if errs[1] == nil || mail.IsPermanent(errs[1]) {
		t.Errorf("message 1, never sent: %v; want an error to try again", errs[1])
	}
	if err := s.Send(context.Background(), ms[0]); err != nil {
		t.Errorf("Send of a message the relay accepted: %v; want nil", err)
	}
}

// TestDeliverBatchSendsContactEmailsTogether: the contact emails of a
// batch (a supporter's letter to a decision-maker, their copy, the link
// confirming their address) go out with the batch, over its few
// connections side by side. They were sent by the batch's preparation,
// one whole SMTP conversation after another (a connection, TLS and a
// login each), before any other email of the batch and all under the
// one time limit of the batch: on a slow relay the last ones, and every
// thank-you behind them, ran out of time — tried again and again until
// they aged out, or, cut short after the relay had taken them, sent twice.
// Failed before: 8 contact emails made 8 connections, one at a time.
func TestDeliverBatchSendsContactEmailsTogether(t *testing.T) {
	r, _ := renderer(t)
	srv := mailtest.Start(t)
	server, _ := mail.ParseServer(srv.URL())
	from, _ := mail.ParseFrom("hello@riverside.example")
	d := &mail.Deliverer{Renderer: r, Sender: mail.NewSender(server, from, mail.SenderOptions{TLS: srv.ClientTLS}),
		Suppressed: func(_ context.Context, org, email string) (bool, error) { return email == "gone@example.net", nil }}
	var ms []signing.Message
	for i := range 8 {
		p := mail.ContactPayload{Template: mail.TemplateContactTarget, Lang: "en", Org: "shared-shore",
			Campaign: "keep-the-library-open-late", To: fmt.Sprintf("office%d@example.net", i),
			ReplyTo: fmt.Sprintf("supporter%d@example.net", i), FromName: "A supporter",
			Subject: "The library", Body: "Please keep it open.", TargetName: "Cllr Moss"}
		if i == 3 {
			// A copy to a supporter who unsubscribed: nothing sent.
			p.Template, p.To = mail.TemplateContactCopy, "gone@example.net"
		}
		ms = append(ms, signing.Message{ID: fmt.Sprintf("c%d", i), Kind: signing.MessageEmail, Payload: p.Encode()})
	}
	ms = append(ms, mail.NewMessage(mail.Payload{Template: mail.TemplateThanks, Lang: "en",
		Org: "northgate-tenants", Campaign: "tell-the-courier", To: "thanks@example.net"}))
	errs := d.DeliverBatch(context.Background(), ms)
	for i, err := range errs {
		if err != nil {
			t.Errorf("message %d: %v", i, err)
		}
	}
	got := srv.Wait(t, 8)
	if len(got) != 8 {
		t.Fatalf("the server got %d emails; want 8 (7 letters and a thank-you)", len(got))
	}
	for _, m := range got {
		if m.To[0] == "gone@example.net" {
			t.Error("a copy went to an unsubscribed supporter")
		}
	}
	if n := srv.Connections(); n > mail.DefaultConnections {
		t.Errorf("%d connections for a batch of %d; want at most %d, side by side", n, len(ms), mail.DefaultConnections)
	}
}

// TestSendManyStopsWhenCtxEnds: once ctx ends (the outbox's time limit
// for the batch), the messages not yet begun are not sent: they are
// failed, to be tried again. Without a rate limit nothing looked at ctx
// after the connection was made, so a slow relay's batch went on past
// the time limit and past the claim's lease, when another instance may
// claim the same messages and send them a second time. Failed before:
// the relay took both messages.
func TestSendManyStopsWhenCtxEnds(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	addr, delivered := fakeRelay(t, false, cancel)
	server, err := mail.ParseServer("smtp://" + addr + "?tls=off")
	if err != nil {
		t.Fatal(err)
	}
	from, _ := mail.ParseFrom("hello@riverside.example")
	s := mail.NewSender(server, from, mail.SenderOptions{})
	errs := s.SendMany(ctx, []mail.Message{
		{ID: "a", To: "signer0@example.net", Subject: "Thank you", Text: "t", HTML: "<p>h</p>"},
		{ID: "b", To: "signer1@example.net", Subject: "Thank you", Text: "t", HTML: "<p>h</p>"},
	})
	if n := delivered.Load(); n != 1 {
		t.Errorf("the relay took %d messages; want 1 (ctx ended as it took the first)", n)
	}
	if errs[0] != nil {
		t.Errorf("message 0: %v", errs[0])
	}
	if errs[1] == nil || mail.IsPermanent(errs[1]) {
		t.Errorf("message 1, begun after ctx ended: %v; want an error to try again", errs[1])
	}
}
