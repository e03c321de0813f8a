package mail_test

import (
	"context"
	"strings"
	"testing"

	"github.com/placard/placard/internal/mail"
	"github.com/placard/placard/internal/mail/mailtest"
)

// TestSendPlainAuthToLocalRelay: a relay on this machine reached with
// ?tls=off (a local postfix) that asks for a user name and password and
// offers PLAIN gets them: nothing crosses a network. go-mail refused PLAIN
// without TLS, so such a relay could not be used at all. Failed before:
// "no supported authentication mechanism discovered"-like error, nothing
// sent.
func TestSendPlainAuthToLocalRelay(t *testing.T) {
	srv := mailtest.StartLocalRelay(t)
	port := srv.Addr[strings.LastIndexByte(srv.Addr, ':')+1:]
	for _, host := range []string{"127.0.0.1", "localhost"} {
		server, err := mail.ParseServer("smtp://" + mailtest.User + ":" + strings.NewReplacer(":", "%3A", "@", "%40").Replace(mailtest.Password) +
			"@" + host + ":" + port + "?tls=off")
		if err != nil {
			t.Fatal(err)
		}
		from, _ := mail.ParseFrom("Riverside Coalition <hello@riverside.example>")
		s := mail.NewSender(server, from, mail.SenderOptions{Rate: 1000})
		if err := s.Send(context.Background(), mail.Message{ID: "local-" + host, To: "signer@example.net", Subject: "Thank you", Text: "text"}); err != nil {
			t.Fatalf("PLAIN over ?tls=off to a relay on %s: %v", host, err)
		}
	}
	if got := srv.Wait(t, 2); len(got) != 2 {
		t.Fatalf("%d mails arrived, want 2", len(got))
	}
}
