//go:build linux

package mail_test

import (
	"bufio"
	"context"
	"fmt"
	"net"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/placard/placard/internal/mail"
)

// stepRelay is an SMTP relay on loopback scripted step by step: at
// each step ("greet", "MAIL", "RCPT", "DATA", "body", "dot") it asks
// act what to do; act returns the line to answer (empty: the usual one)
// or one of the verbs hangup (close the connection at once, without
// reading further), silent (say nothing, read nothing, until the test
// ends). At "body" the usual is to read the message to its final "."
// and at "dot" to say 250.
func stepRelay(t *testing.T, act func(step string) string) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	var wg sync.WaitGroup
	t.Cleanup(func() { close(done); ln.Close(); wg.Wait() })
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				defer c.Close()
				br := bufio.NewReader(c)
				// step answers for one step; false ends the connection.
				step := func(name, usual string) bool {
					switch a := act(name); a {
					case "hangup":
						return false
					case "silent":
						<-done
						return false
					case "":
						if usual != "" {
							fmt.Fprintf(c, "%s\r\n", usual)
						}
					default:
						fmt.Fprintf(c, "%s\r\n", a)
						if a[0] != '2' && a[0] != '3' && name == "greet" {
							return false
						}
					}
					return true
				}
				if !step("greet", "220 relay.test ESMTP") {
					return
				}
				for {
					line, err := br.ReadString('\n')
					if err != nil {
						return
					}
					cmd := strings.ToUpper(strings.TrimSpace(line))
					switch {
					case strings.HasPrefix(cmd, "EHLO"):
						fmt.Fprintf(c, "250-relay.test\r\n250-ENHANCEDSTATUSCODES\r\n250 8BITMIME\r\n")
					case strings.HasPrefix(cmd, "MAIL"):
						if !step("MAIL", "250 2.1.0 ok") {
							return
						}
					case strings.HasPrefix(cmd, "RCPT"):
						if !step("RCPT", "250 2.1.5 ok") {
							return
						}
					case strings.HasPrefix(cmd, "DATA"):
						a := act("DATA")
						if a == "hangup" {
							return
						} else if a == "silent" {
							<-done
							return
						} else if a != "" {
							fmt.Fprintf(c, "%s\r\n", a)
							continue
						}
						body := act("body")
						if body == "hangup" {
							// The 354 and the hang-up leave in one
							// segment (TCP_CORK holds the 354 until
							// the close adds its FIN): the sender has
							// the hang-up before it can write the
							// body, whatever the scheduling.
							cork(t, c)
						}
						fmt.Fprintf(c, "354 go ahead\r\n")
						switch body {
						case "hangup":
							return
						case "silent":
							<-done
							return
						}
						for {
							l, err := br.ReadString('\n')
							if err != nil {
								return
							}
							if l == ".\r\n" {
								break
							}
						}
						if !step("dot", "250 2.0.0 queued") {
							return
						}
					case strings.HasPrefix(cmd, "QUIT"):
						fmt.Fprintf(c, "221 bye\r\n")
						return
					default:
						fmt.Fprintf(c, "250 2.0.0 ok\r\n")
					}
				}
			}()
		}
	}()
	return ln.Addr().String()
}

// TestMaybeSentExact goes through every point where a sending can fail,
// against a relay on loopback scripted to fail there, and checks how the
// failure is classed. A message is the server's only when it answers
// the final "." with a 2xx (RFC 5321 §4.1.1.4); a connection that breaks
// before that "." went out leaves it not taken, to be tried again
// normally (§3.8: as a 451), and only a failure after the "." went out
// and before the answer came is MaybeSent — the case where the pace
// keeps its turn.
func TestMaybeSentExact(t *testing.T) {
	from, _ := mail.ParseFrom("hello@riverside.example")
	small := mail.Message{ID: "x", To: "signer@example.net", Subject: "s", Text: "t", HTML: "<p>h</p>"}
	// big is larger than any loopback socket's buffers: a relay that
	// stops reading or hangs up mid-body makes a write of it fail.
	big := small
	big.Text = strings.Repeat("All the words of a long letter.\n", 1<<19) // 16 MiB
	medium := small
	medium.Text = strings.Repeat("All the words of a letter.\n", 1000) // 27 kB
	type want int
	const (
		retry     want = iota // not taken: tried again, the pace turn given back
		maybe                 // may have been taken: MaybeSent
		permanent             // refused for good
		sent                  // taken
	)
	closed := func() string {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		addr := ln.Addr().String()
		ln.Close()
		return addr
	}
	at := func(step, verb string) func(string) string {
		return func(s string) string {
			if s == step {
				return verb
			}
			return ""
		}
	}
	for _, c := range []struct {
		name   string
		scheme string // smtp (?tls=off) or smtps
		act    func(string) string
		m      mail.Message
		want   want
	}{
		{"connection refused", "", nil, small, retry},
		{"TLS handshake fails", "smtps", func(string) string { return "" }, small, retry},
		{"greeting 421", "", at("greet", "421 4.3.2 shutting down"), small, retry},
		{"greeting 554", "", at("greet", "554 5.3.2 no service here"), small, retry},
		{"greeting never comes", "", at("greet", "silent"), small, retry},
		{"MAIL 451", "", at("MAIL", "451 4.3.0 try later"), small, retry},
		{"MAIL 550", "", at("MAIL", "550 5.7.1 sender refused"), small, retry},
		{"MAIL no answer", "", at("MAIL", "silent"), small, retry},
		{"MAIL hangup", "", at("MAIL", "hangup"), small, retry},
		{"RCPT 451", "", at("RCPT", "451 4.3.0 try later"), small, retry},
		{"RCPT 550", "", at("RCPT", "550 5.1.1 no such user"), small, permanent},
		{"RCPT no answer", "", at("RCPT", "silent"), small, retry},
		{"DATA 451", "", at("DATA", "451 4.3.0 try later"), small, retry},
		{"DATA 554", "", at("DATA", "554 5.3.4 too big"), small, permanent},
		{"DATA no answer", "", at("DATA", "silent"), small, retry},
		{"DATA hangup", "", at("DATA", "hangup"), small, retry},
		{"354 then hangup mid-body", "", at("body", "hangup"), big, retry},
		{"354 then hangup, small message", "", at("body", "hangup"), small, retry},
		{"354 then hangup, medium message", "", at("body", "hangup"), medium, retry},
		{"354 then no reading mid-body", "", at("body", "silent"), big, retry},
		{"dot then hangup", "", at("dot", "hangup"), small, maybe},
		{"dot then no answer", "", at("dot", "silent"), small, maybe},
		{"dot then 451", "", at("dot", "451 4.3.0 try later"), small, retry},
		{"dot then 554", "", at("dot", "554 5.7.1 refused"), small, permanent},
		{"dot then 250", "", nil, small, sent},
		{"dot then 251", "", at("dot", "251 2.0.0 queued, forwarded"), small, sent},
	} {
		t.Run(c.name, func(t *testing.T) {
			addr := closed()
			if c.act != nil {
				addr = stepRelay(t, c.act)
			} else if c.want == sent {
				addr = stepRelay(t, func(string) string { return "" })
			}
			u := "smtp://" + addr + "?tls=off"
			if c.scheme == "smtps" {
				u = "smtps://" + addr
			}
			server, err := mail.ParseServer(u)
			if err != nil {
				t.Fatal(err)
			}
			// The outbox bounds each attempt; here a short bound ends
			// the steps a relay never answers.
			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
			defer cancel()
			err = mail.NewSender(server, from, mail.SenderOptions{}).Send(ctx, c.m)
			var got want
			switch {
			case err == nil:
				got = sent
			case mail.IsPermanent(err):
				got = permanent
			case mail.MaybeSent(err):
				got = maybe
			default:
				got = retry
			}
			names := map[want]string{retry: "tried again (not taken)", maybe: "maybe sent", permanent: "refused for good", sent: "sent"}
			if got != c.want {
				t.Errorf("%s (%v); want %s", names[got], err, names[c.want])
			}
			if err != nil && strings.Contains(err.Error(), "signer@") {
				t.Errorf("the error names the recipient: %v", err)
			}
		})
	}
}

// cork holds what is written on c until it is closed (TCP_CORK).
func cork(t *testing.T, c net.Conn) {
	rc, err := c.(*net.TCPConn).SyscallConn()
	if err != nil {
		t.Error(err)
		return
	}
	var serr error
	if err := rc.Control(func(fd uintptr) {
		serr = syscall.SetsockoptInt(int(fd), syscall.IPPROTO_TCP, syscall.TCP_CORK, 1)
	}); err != nil || serr != nil {
		t.Errorf("TCP_CORK: %v %v", err, serr)
	}
}
