package mail_test

import (
	"context"
	"crypto/tls"
	"net"
	"strconv"
	"testing"
	"time"

	"github.com/placard/placard/internal/mail"
)

// TestSendIPv6Literal: a relay named by an IPv6 address — smtp://[::1]:25
// ?tls=off is what docs/email.md offers for a relay on this machine, and
// smtps:// and STARTTLS take one too — is reached. go-mail writes its
// address host:port without brackets ("::1:25"); the sender now dials the
// host and port it was given. Failed before: "dial tcp: address
// ::1:40211: too many colons in address", for every message.
func TestSendIPv6Literal(t *testing.T) {
	ln, err := net.Listen("tcp", "[::1]:0")
	if err != nil {
		t.Skipf("no IPv6 loopback here: %v", err)
	}
	inner, delivered, _ := countingRelay(t, []string{"AUTH PLAIN"})
	forward(t, ln, inner)
	port := strconv.Itoa(ln.Addr().(*net.TCPAddr).Port)

	cert, roots := certFor(t, "::1")
	tln, err := tls.Listen("tcp", "[::1]:0", &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12})
	if err != nil {
		t.Fatal(err)
	}
	forward(t, tln, inner)
	tport := strconv.Itoa(tln.Addr().(*net.TCPAddr).Port)

	from, _ := mail.ParseFrom("hello@riverside.example")
	for _, raw := range []string{"smtp://[::1]:" + port + "?tls=off", "smtps://placard:s3cret@[::1]:" + tport} {
		server, err := mail.ParseServer(raw)
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		err = mail.NewSender(server, from, mail.SenderOptions{TLS: &tls.Config{RootCAs: roots, MinVersion: tls.VersionTLS12}}).
			Send(ctx, mail.Message{ID: "x", To: "a@example.net", Subject: "s", Text: "t", HTML: "h"})
		cancel()
		if err != nil {
			t.Errorf("%s: %v", raw, err)
		}
	}
	if n := delivered.Load(); n != 2 {
		t.Errorf("%d delivered, want 2", n)
	}
}
