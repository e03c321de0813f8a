package mail_test

import (
	"context"
	"fmt"
	"mime"
	netmail "net/mail"
	"strings"
	"testing"

	"github.com/placard/placard/internal/mail"
	"github.com/placard/placard/internal/mail/mailtest"
)

func TestParseServer(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want mail.Server
	}{
		{"smtp://u:p%40ss@mail.example.org", mail.Server{Host: "mail.example.org", Port: 587, Security: mail.StartTLS, Username: "u", Password: "p@ss"}},
		{"smtps://mail.example.org", mail.Server{Host: "mail.example.org", Port: 465, Security: mail.ImplicitTLS}},
		{"smtp://mail.example.org:2525", mail.Server{Host: "mail.example.org", Port: 2525, Security: mail.StartTLS}},
		{"smtp://127.0.0.1:25?tls=off", mail.Server{Host: "127.0.0.1", Port: 25, Security: mail.Plain}},
		{"SMTP://[::1]:25?tls=off", mail.Server{Host: "::1", Port: 25, Security: mail.Plain}},
	} {
		got, err := mail.ParseServer(tc.in)
		if err != nil || got != tc.want {
			t.Errorf("ParseServer(%q) = %+v, %v; want %+v", tc.in, got, err, tc.want)
		}
	}
	for _, in := range []string{
		"", "mail.example.org", "http://mail.example.org", "smtp://", "smtp://host:0", "smtp://host:99999",
		"smtp://host/path", "smtp://host?x=1", "smtp://mail.example.org?tls=off", "smtps://localhost?tls=off",
		"smtp://u:topsecret@host:port", "smtp://host?tls=maybe",
	} {
		_, err := mail.ParseServer(in)
		if err == nil {
			t.Errorf("ParseServer(%q) accepted", in)
			continue
		}
		if strings.Contains(err.Error(), "topsecret") {
			t.Errorf("ParseServer(%q) error shows the password: %v", in, err)
		}
	}
	s, _ := mail.ParseServer("smtp://user:topsecret@mail.example.org")
	if got := s.String(); strings.Contains(got, "topsecret") || !strings.Contains(got, "user") {
		t.Errorf("String() = %q, want the user without the password", got)
	}
}

func TestParseFromAndRate(t *testing.T) {
	a, err := mail.ParseFrom("Riverside Coalition <hello@riverside.example>")
	if err != nil || a.Name != "Riverside Coalition" || a.Address != "hello@riverside.example" {
		t.Errorf("ParseFrom = %v, %v", a, err)
	}
	for _, bad := range []string{"", "nobody", "Name <>", "a@b\r\nBcc: x@y"} {
		if _, err := mail.ParseFrom(bad); err == nil {
			t.Errorf("ParseFrom(%q) accepted", bad)
		}
	}
	if r, err := mail.ParseRate("5/s"); err != nil || r != 5 {
		t.Errorf("ParseRate(5/s) = %v, %v", r, err)
	}
	if r, err := mail.ParseRate("0"); err != nil || r != 0 {
		t.Errorf("ParseRate(0) = %v, %v", r, err)
	}
	for _, bad := range []string{"5", "-1/s", "x/s", "5/m"} {
		if _, err := mail.ParseRate(bad); err == nil {
			t.Errorf("ParseRate(%q) accepted", bad)
		}
	}
}

// TestSendStartTLS sends through a real SMTP server over STARTTLS with a
// password, and reads back the headers a mail client acts on.
func TestSendStartTLS(t *testing.T) {
	srv := mailtest.Start(t)
	server, err := mail.ParseServer(srv.URL())
	if err != nil {
		t.Fatal(err)
	}
	from, _ := mail.ParseFrom("Riverside Coalition <hello@riverside.example>")
	s := mail.NewSender(server, from, mail.SenderOptions{TLS: srv.ClientTLS, Rate: 1000})
	m := mail.Message{
		ID: "evt123", To: "signer@example.net", Lang: "ar", Subject: "شكراً لتوقيعك",
		Text: "نص", HTML: "<p dir=\"rtl\">نص</p>", Unsubscribe: "https://act.example/u?t=abc",
	}
	if err := s.Send(context.Background(), m); err != nil {
		t.Fatal(err)
	}
	got := srv.Wait(t, 1)[0]
	if got.Subject != m.Subject || strings.TrimSpace(got.Text) != "نص" || !strings.Contains(got.HTML, "rtl") {
		t.Errorf("got subject %q text %q html %q", got.Subject, got.Text, got.HTML)
	}
	for k, want := range map[string]string{
		"List-Unsubscribe":      "<https://act.example/u?t=abc>",
		"List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
		"Message-Id":            "<evt123@riverside.example>",
		"Content-Language":      "ar",
	} {
		if v := got.Header.Get(k); v != want {
			t.Errorf("%s = %q, want %q", k, v, want)
		}
	}
	if len(got.To) != 1 || got.To[0] != "signer@example.net" {
		t.Errorf("RCPT TO = %v", got.To)
	}
}

// TestSendRefused tells a permanent refusal from a passing one, and never
// names the recipient in the error.
func TestSendRefused(t *testing.T) {
	srv := mailtest.Start(t)
	server, _ := mail.ParseServer(srv.URL())
	from, _ := mail.ParseFrom("hello@riverside.example")
	s := mail.NewSender(server, from, mail.SenderOptions{TLS: srv.ClientTLS})
	m := mail.Message{ID: "x", To: "gone@example.net", Subject: "s", Text: "t", HTML: "h"}
	srv.Refuse(550)
	err := s.Send(context.Background(), m)
	if err == nil || !mail.IsPermanent(err) || strings.Contains(err.Error(), "gone@") {
		t.Errorf("550: err = %v, permanent %v; want permanent without the address", err, mail.IsPermanent(err))
	}
	srv.Refuse(451)
	err = s.Send(context.Background(), m)
	if err == nil || mail.IsPermanent(err) || strings.Contains(err.Error(), "gone@") {
		t.Errorf("451: err = %v, permanent %v; want temporary without the address", err, mail.IsPermanent(err))
	}
}

// TestSendNeedsTLS refuses to send over a connection that cannot be
// encrypted when STARTTLS was asked for.
func TestSendNeedsTLS(t *testing.T) {
	srv := mailtest.Start(t)
	server, _ := mail.ParseServer(srv.URL())
	from, _ := mail.ParseFrom("hello@riverside.example")
	// Not trusting the test's certificate: the upgrade fails, and nothing
	// is sent in its place.
	s := mail.NewSender(server, from, mail.SenderOptions{})
	if err := s.Send(context.Background(), mail.Message{To: "a@example.net", Subject: "s", Text: "t", HTML: "h"}); err == nil {
		t.Fatal("sent over a connection whose certificate is not trusted")
	}
	if n := len(srv.Mails()); n != 0 {
		t.Fatalf("server got %d messages", n)
	}
}

// TestSendHeadersCarryNoBidiControls: the From name (a supporter's, on
// their message to a decision-maker) reaches the inbox without bidi
// controls, and the subject without overrides or embeddings, whatever
// the payload holds — one sealed in a link or queued before the write
// form refused them. The isolates the interface wording puts around a
// name of the other direction stay in a subject.
func TestSendHeadersCarryNoBidiControls(t *testing.T) {
	srv := mailtest.Start(t)
	server, _ := mail.ParseServer(srv.URL())
	from, _ := mail.ParseFrom("hello@riverside.example")
	s := mail.NewSender(server, from, mail.SenderOptions{TLS: srv.ClientTLS})
	m := mail.Message{ID: "x", To: "office@council.example", FromName: "Ada \u202eenoyreve.licnuoc \u2067x\u2069", // with an @ it is left out altogether (TestFromNameIsNoAddress)
		Subject: "Keep it \u202enepo, \u2068Riverside\u2069", Text: "t", HTML: "<p>h</p>", ReplyTo: "ada@example.org"}
	if err := s.Send(context.Background(), m); err != nil {
		t.Fatal(err)
	}
	got := srv.Wait(t, 1)[0]
	dec := new(mime.WordDecoder)
	fromHdr, _ := dec.DecodeHeader(got.Header.Get("From"))
	if strings.ContainsAny(fromHdr, "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069") {
		t.Errorf("From %q holds a bidi control", fromHdr)
	}
	if strings.ContainsAny(got.Subject, "\u202a\u202b\u202c\u202d\u202e") {
		t.Errorf("Subject %q holds a bidi override or embedding", got.Subject)
	}
	if !strings.Contains(fromHdr, "Ada") || !strings.Contains(got.Subject, "nepo, \u2068Riverside\u2069") {
		t.Errorf("From %q, Subject %q: the words themselves, or the wording's isolates, are lost", fromHdr, got.Subject)
	}
}

// TestSendUnicodeDomainAsALabels: an address is stored with its domain
// in Unicode (signing.NormaliseEmail), but most relays do not speak
// SMTPUTF8 and go-mail never asks for it: RCPT TO and the To and
// Reply-To headers carry the domain in A-labels, which every server
// takes. Before, "a@bücher.example" went out raw in RCPT TO.
func TestSendUnicodeDomainAsALabels(t *testing.T) {
	srv := mailtest.Start(t)
	server, _ := mail.ParseServer(srv.URL())
	from, _ := mail.ParseFrom("hello@riverside.example")
	s := mail.NewSender(server, from, mail.SenderOptions{TLS: srv.ClientTLS})
	m := mail.Message{ID: "x", To: "ann@bücher.example", ReplyTo: "bo@испытание.рф", FromName: "Bo", Subject: "s", Text: "t", HTML: "h"}
	if err := s.Send(context.Background(), m); err != nil {
		t.Fatal(err)
	}
	got := srv.Wait(t, 1)[0]
	if len(got.To) != 1 || got.To[0] != "ann@xn--bcher-kva.example" {
		t.Errorf("RCPT TO = %q, want ann@xn--bcher-kva.example", got.To)
	}
	if h := got.Header.Get("To"); h != "<ann@xn--bcher-kva.example>" {
		t.Errorf("To: %q, want <ann@xn--bcher-kva.example>", h)
	}
	if h := got.Header.Get("Reply-To"); h != "<bo@xn--80akhbyknj4f.xn--p1ai>" {
		t.Errorf("Reply-To: %q, want <bo@xn--80akhbyknj4f.xn--p1ai>", h)
	}
	if strings.Contains(string(got.Raw), "bücher") {
		t.Errorf("the raw message still names bücher.example:\n%s", got.Raw)
	}
}

// TestFromNameIsNoAddress: a supporter's name is the From name of their
// message to a decision-maker, sent from the organisation's own address
// (which passes its domain's checks). A name written as an address —
// "Town Clerk <clerk@council.example>" — made the office's mail program
// show the message as from the clerk. A From name holding an address's
// marks (@, < or >, in any width) is left out: the message goes under the
// organisation's own sender, with Reply-To the supporter as before.
func TestFromNameIsNoAddress(t *testing.T) {
	srv := mailtest.Start(t)
	server, _ := mail.ParseServer(srv.URL())
	from, _ := mail.ParseFrom("Riverside <hello@riverside.example>")
	s := mail.NewSender(server, from, mail.SenderOptions{TLS: srv.ClientTLS})
	names := []string{"Town Clerk <clerk@council.example>", "clerk@council.example", "Clerk \uff1cclerk\uff20council.example\uff1e", "Ada Lovelace"}
	for i, name := range names {
		m := mail.Message{ID: fmt.Sprint("x", i), To: "office@council.example", FromName: name, Subject: "s", Text: "t", HTML: "<p>h</p>", ReplyTo: "ada@example.org"}
		if err := s.Send(context.Background(), m); err != nil {
			t.Fatal(err)
		}
	}
	got := srv.Wait(t, len(names))
	dec := new(mime.WordDecoder)
	for i, g := range got {
		fromHdr, _ := dec.DecodeHeader(g.Header.Get("From"))
		a, err := netmail.ParseAddress(fromHdr)
		if err != nil || a.Address != "hello@riverside.example" {
			t.Errorf("From %q: want the organisation's address (%v)", fromHdr, err)
			continue
		}
		if i < len(names)-1 && a.Name != "Riverside" {
			t.Errorf("name %q: From %q, want the organisation's own name, no address in it", names[i], fromHdr)
		}
		if i == len(names)-1 && a.Name != "Ada Lovelace" {
			t.Errorf("a plain name: From %q, want it kept", fromHdr)
		}
	}
}
