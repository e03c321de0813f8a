package main

import (
	"crypto/tls"
	"errors"
	"fmt"
	netmail "net/mail"
	"strconv"
	"strings"
	"sync"

	"github.com/placard/placard/internal/mail"
	"github.com/placard/placard/internal/store"
)

// mailConfig is serve's email settings, checked.
type mailConfig struct {
	server mail.Server
	from   *netmail.Address
	rate   float64 // messages a second; 0 is no limit
	// conns caps the connections to the server open at once
	// (--mail-connections).
	conns int
	// tls replaces the default TLS settings (tests trust their server's
	// certificate).
	tls *tls.Config

	// Set by prepare once the store is open (mail_serve.go).
	tokens *mail.Tokens
	base   string
	store  store.Store

	// shared is the one sender of every email serve sends (sender()).
	senderOnce sync.Once
	shared     *mail.Sender
}

// sender is the one mail.Sender, and so the one pace under --mail-rate,
// of every email serve sends: signers' and supporters' emails and the
// console's sign-in links alike. --mail-rate is what the operator's
// relay allows from this server; two senders would each keep to it and
// together send twice as fast. A sign-in email waits for a turn like any
// other: the pace hands turns out in order, and a batch's emails take
// theirs one at a time on each of at most four connections, so it waits
// behind at most a few (the outbox takes sign-in emails before other
// due messages: console.OutboxMailer).
func (m *mailConfig) sender() *mail.Sender {
	m.senderOnce.Do(func() {
		m.shared = mail.NewSender(m.server, m.from, mail.SenderOptions{Rate: m.rate, TLS: m.tls, MaxConnections: m.conns})
	})
	return m.shared
}

// mailFlagValues are serve's email flags as given.
type mailFlagValues struct {
	smtp, from, rate, conns *string
}

// addMailFlags adds --smtp, --mail-from, --mail-rate and
// --mail-connections to serve's flags.
func addMailFlags(fset *cmdFlags) mailFlagValues {
	v := mailFlagValues{
		smtp:  fset.String("smtp", "", "`address` of the SMTP server that sends signers their emails: smtp://user:password@host:587 (STARTTLS) or smtps://user:password@host:465; without it no email is sent and pages say nothing about email"),
		from:  fset.String("mail-from", "", "the `sender` of every email, such as \"Riverside Coalition <hello@riverside.example>\"; needed with --smtp"),
		rate:  fset.String("mail-rate", "5/s", "how fast to send, as `N/s` emails a second, such as 5/s, to stay inside your provider's limits; 0 for no limit"),
		conns: fset.String("mail-connections", strconv.Itoa(mail.DefaultMaxConnections), "the most `connections` to the SMTP server open at once, for every kind of email together; lower it if your provider answers \"421 too many connections\""),
	}
	fset.env("smtp", "PLACARD_SMTP")
	fset.env("mail-from", "PLACARD_MAIL_FROM")
	fset.env("mail-rate", "PLACARD_MAIL_RATE")
	fset.env("mail-connections", "PLACARD_MAIL_CONNECTIONS")
	return v
}

// check reads the flags into a mailConfig, or nil when --smtp is not
// given. Messages name the flag or variable and never the password.
func (v mailFlagValues) check(fset *cmdFlags) (*mailConfig, error) {
	if *v.smtp == "" {
		if *v.from != "" {
			return nil, fmt.Errorf("%s is only used with --smtp; give the SMTP server that should send the emails", fset.source("mail-from"))
		}
		return nil, nil
	}
	server, err := mail.ParseServer(*v.smtp)
	if err != nil {
		return nil, fmt.Errorf("%s %v", fset.source("smtp"), err)
	}
	if *v.from == "" {
		return nil, errors.New("--smtp needs --mail-from (or PLACARD_MAIL_FROM), the sender of every email, such as \"Riverside Coalition <hello@riverside.example>\"")
	}
	from, err := mail.ParseFrom(*v.from)
	if err != nil {
		return nil, fmt.Errorf("%s %v", fset.source("mail-from"), err)
	}
	rate, err := mail.ParseRate(*v.rate)
	if err != nil {
		return nil, fmt.Errorf("%s %v", fset.source("mail-rate"), err)
	}
	conns, err := strconv.Atoi(strings.TrimSpace(*v.conns))
	if err != nil || conns < 1 || conns > 100 {
		return nil, fmt.Errorf("%s must be a number of connections from 1 to 100, such as %d, not %q", fset.source("mail-connections"), mail.DefaultMaxConnections, *v.conns)
	}
	return &mailConfig{server: server, from: from, rate: rate, conns: conns}, nil
}
