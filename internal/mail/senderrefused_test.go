package mail_test

import (
	"bufio"
	"context"
	"strings"
	"testing"

	"github.com/placard/placard/internal/mail"
)

// refusingRelay is a bare SMTP relay on loopback that answers MAIL FROM
// with mailFrom and RCPT TO with rcpt (each a full reply line).
func refusingRelay(t *testing.T, mailFrom, rcpt string) string {
	t.Helper()
	return scriptedRelay(t, []string{"ENHANCEDSTATUSCODES"}, func(cmd string, _ *bufio.Reader, say func(string)) (bool, bool) {
		switch {
		case strings.HasPrefix(cmd, "MAIL FROM"):
			say(mailFrom)
		case strings.HasPrefix(cmd, "RCPT TO"):
			say(rcpt)
		default:
			return false, false
		}
		return true, false
	})
}

// TestSenderRefusalIsNotTheMessages: attack on delivery by the mail
// provider's own limits. A 5xx answer marked a message dead at once —
// right when the server refuses the recipient or the message, wrong when
// it refuses the sender: a provider's daily quota ("550 5.4.5 Daily user
// sending limit exceeded", at MAIL FROM) or a --mail-from the provider
// does not accept says nothing about the message. Every confirmation
// and thank-you of the rest of the day went dead, unconfirmed signatures
// were erased a week later, and nothing came back without an operator's
// placard outbox retry. A refusal of the sender, or a congestion code
// (X.4.5) at any step, is now tried again like a 4xx (up to the outbox's
// 48 hours); a refused recipient is still final. Failed before: both
// sender refusals were permanent.
func TestSenderRefusalIsNotTheMessages(t *testing.T) {
	from, _ := mail.ParseFrom("hello@riverside.example")
	m := mail.Message{ID: "x", To: "signer@example.net", Subject: "s", Text: "t", HTML: "<p>h</p>"}
	for _, c := range []struct {
		mailFrom, rcpt string
		permanent      bool
	}{
		{"550 5.4.5 Daily user sending limit exceeded", "250 2.1.5 ok", false},
		{"553 5.7.1 Sender address rejected: not owned by user", "250 2.1.5 ok", false},
		{"250 2.1.0 ok", "550 5.4.5 Recipient rate limit exceeded", false},
		{"250 2.1.0 ok", "550 5.1.1 No such user", true},
	} {
		server, err := mail.ParseServer("smtp://" + refusingRelay(t, c.mailFrom, c.rcpt) + "?tls=off")
		if err != nil {
			t.Fatal(err)
		}
		err = mail.NewSender(server, from, mail.SenderOptions{}).Send(context.Background(), m)
		if err == nil {
			t.Fatalf("MAIL FROM %q, RCPT %q: sent", c.mailFrom, c.rcpt)
		}
		if mail.IsPermanent(err) != c.permanent {
			t.Errorf("MAIL FROM %q, RCPT %q: permanent %v (%v); want %v", c.mailFrom, c.rcpt, mail.IsPermanent(err), err, c.permanent)
		}
		if strings.Contains(err.Error(), "signer@") {
			t.Errorf("the error names the recipient: %v", err)
		}
	}
}
