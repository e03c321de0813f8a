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
)

// hangUpAfterData is an SMTP relay on loopback that accepts each message
// (250 after its DATA) and then hangs up, as a relay that closes a
// connection after so many messages, or restarts, does: the RSET go-mail
// sends after a delivered message finds no connection.
func hangUpAfterData(t *testing.T) (addr string, delivered *atomic.Int64) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	delivered = new(atomic.Int64)
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
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
					switch cmd := strings.ToUpper(strings.TrimSpace(line)); {
					case strings.HasPrefix(cmd, "EHLO"):
						say("250-relay.test")
						say("250 8BITMIME")
					case strings.HasPrefix(cmd, "DATA"):
						say("354 go ahead")
						for {
							l, err := br.ReadString('\n')
							if err != nil {
								return
							}
							if l == ".\r\n" {
								break
							}
						}
						delivered.Add(1)
						say("250 2.0.0 queued")
						return // and hang up
					case strings.HasPrefix(cmd, "QUIT"):
						say("221 bye")
						return
					default:
						say("250 ok")
					}
				}
			}()
		}
	}()
	return ln.Addr().String(), delivered
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
