// Command smtpsink is the mail server bench/sign.sh gives placard when it
// measures signing with the outbox on (OUTBOX=1): a real SMTP server
// (github.com/emersion/go-smtp) on a loopback port that accepts every
// message, counts it, and keeps nothing. Plain SMTP only, which placard
// accepts for a server on this machine (smtp://127.0.0.1:PORT?tls=off).
//
//	go run ./bench/smtpsink -addr 127.0.0.1:0
//
// It prints "smtpsink: listening on HOST:PORT" once it accepts
// connections; on SIGTERM or SIGINT it prints "smtpsink: N messages" and
// exits.
package main

import (
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"os/signal"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/emersion/go-smtp"
)

// messages counts the messages accepted since start.
var messages atomic.Int64

type session struct{}

func (session) AuthMechanisms() []string             { return nil }
func (session) Mail(string, *smtp.MailOptions) error { return nil }
func (session) Rcpt(string, *smtp.RcptOptions) error { return nil }
func (session) Reset()                               {}
func (session) Logout() error                        { return nil }
func (session) Data(r io.Reader) error {
	if _, err := io.Copy(io.Discard, r); err != nil {
		return err
	}
	messages.Add(1)
	return nil
}

func main() {
	addr := flag.String("addr", "127.0.0.1:0", "loopback address to listen on")
	flag.Parse()
	host, _, err := net.SplitHostPort(*addr)
	if err != nil || !net.ParseIP(host).IsLoopback() {
		fmt.Fprintln(os.Stderr, "smtpsink: -addr must be a loopback address such as 127.0.0.1:0")
		os.Exit(2)
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		fmt.Fprintln(os.Stderr, "smtpsink:", err)
		os.Exit(1)
	}
	srv := smtp.NewServer(smtp.BackendFunc(func(*smtp.Conn) (smtp.Session, error) { return session{}, nil }))
	srv.Domain = "localhost"
	srv.MaxMessageBytes = 1 << 20
	srv.ReadTimeout = 30 * time.Second
	srv.WriteTimeout = 30 * time.Second
	fmt.Printf("smtpsink: listening on %s\n", ln.Addr())
	go srv.Serve(ln)
	stop := make(chan os.Signal, 1)
	signal.Notify(stop, syscall.SIGTERM, syscall.SIGINT)
	<-stop
	srv.Close()
	fmt.Printf("smtpsink: %d messages\n", messages.Load())
}
