package mail_test

import (
	"bufio"
	"context"
	"net"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/placard/placard/internal/mail"
	"github.com/placard/placard/internal/store"
	"github.com/placard/placard/internal/store/sqlite"
)

// takingRelay is an SMTP relay on loopback that reads each message to its
// final "." and then, without answering, hangs up (stall false) or says
// nothing until the test ends (stall true): it may have taken it. It
// counts the messages it read whole.
func takingRelay(t *testing.T, stall bool) (addr string, taken *atomic.Int64) {
	t.Helper()
	taken = new(atomic.Int64)
	done := make(chan struct{})
	t.Cleanup(func() { close(done) })
	addr = scriptedRelay(t, nil, func(cmd string, br *bufio.Reader, say func(string)) (bool, bool) {
		if !strings.HasPrefix(cmd, "DATA") {
			return false, false
		}
		say("354 go ahead")
		if !readData(br) {
			return true, true // the connection ended mid-message
		}
		taken.Add(1)
		if stall {
			<-done
		}
		return true, true
	})
	return addr, taken
}

// TestMaybeSentKeepsItsTurn: a paced email whose send failed after the
// relay had the whole message (no answer to its final ".": a timeout or
// a reset) keeps its inbox's shared turn — the relay may have taken it —
// so retries of a relay that takes messages and then fails send the inbox
// no more than its pace; one refused before it was taken (at RCPT, or no
// relay at all) gives its turn back. Failed before: every failure gave
// its turn back, and five retries put five copies in one inbox at once.
func TestMaybeSentKeepsItsTurn(t *testing.T) {
	ctx := context.Background()
	from, _ := mail.ParseFrom("hello@riverside.example")
	r, _ := renderer(t)
	refusing := refusingRelay(t, "250 2.1.0 ok", "451 4.3.0 try again later")
	// closed is an address on loopback, chosen now, that nothing
	// listens on: the connection is refused.
	closed := func() string {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		addr := ln.Addr().String()
		ln.Close()
		return addr
	}
	for _, c := range []struct {
		name      string
		addr      func() (string, *atomic.Int64)
		maybeSent bool
	}{
		{"taken then hung up", func() (string, *atomic.Int64) { return takingRelay(t, false) }, true},
		{"taken then silent", func() (string, *atomic.Int64) { return takingRelay(t, true) }, true},
		{"refused at RCPT", func() (string, *atomic.Int64) { return refusing, new(atomic.Int64) }, false},
		{"no relay", func() (string, *atomic.Int64) { return closed(), new(atomic.Int64) }, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			db, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "placard.db"))
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { db.Close() })
			addr, taken := c.addr()
			server, err := mail.ParseServer("smtp://" + addr + "?tls=off")
			if err != nil {
				t.Fatal(err)
			}
			clock := time.Now().Truncate(time.Microsecond)
			d := &mail.Deliverer{Renderer: r, Sender: mail.NewSender(server, from, mail.SenderOptions{}),
				Pace: &mail.SharedPace{Store: db, Secret: db.Secret, Now: func() time.Time { return clock }}}
			m := mail.NewMessage(mail.Payload{Template: mail.TemplateThanks, Lang: "en", Org: "northgate-tenants",
				Campaign: "tell-the-courier", To: "ada@example.org"})
			for i := range 5 {
				// The outbox bounds each attempt (its Timeout): here a
				// short one cuts the silent relay's wait.
				actx, cancel := context.WithTimeout(ctx, 2*time.Second)
				err := d.Deliver(actx, m)
				cancel()
				if err == nil {
					t.Fatalf("attempt %d: delivered; want an error to try again", i+1)
				}
				if got := mail.MaybeSent(err); got != c.maybeSent && i < mail.PaceBurst {
					t.Errorf("attempt %d: MaybeSent %v (%v); want %v", i+1, got, err, c.maybeSent)
				}
			}
			if c.maybeSent && taken.Load() != mail.PaceBurst {
				t.Errorf("the relay had %d copies of one email for one inbox; want %d, its pace's burst (each kept its turn)", taken.Load(), mail.PaceBurst)
			}
			_, took, err := db.MailTurn(ctx, store.PaceHash(must(db.Secret(ctx)), "ada@example.org"), mail.PaceEvery, mail.PaceBurst, clock)
			if err != nil {
				t.Fatal(err)
			}
			if took == c.maybeSent {
				t.Errorf("after five failed attempts the inbox has a turn: %v; want %v", took, !c.maybeSent)
			}
		})
	}
}
