package mail

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	netmail "net/mail"
	"net/textproto"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	gomail "github.com/wneessen/go-mail"
	"github.com/wneessen/go-mail/smtp"

	"github.com/placard/placard/internal/outbox"
	"github.com/placard/placard/internal/signing"
)

// Message is one finished email to one person.
type Message struct {
	// ID is the message's stable id (the outbox event's): every attempt to
	// send it carries the same Message-ID, so a receiver can drop repeats.
	ID string
	// To is the recipient's address.
	To string
	// Lang is the language the message is written in, for Content-Language.
	Lang string
	// Subject is one line.
	Subject string
	// HTML and Text are the two renderings of the same message.
	HTML, Text string
	// Unsubscribe is the https address that unsubscribes the recipient:
	// sent as List-Unsubscribe with List-Unsubscribe-Post: One-Click
	// (RFC 8058), so a mail client's button works with one POST.
	Unsubscribe string
	// ReplyTo, when set, is where replies go (a supporter's message to a
	// decision-maker); FromName then names the supporter beside the
	// sending address.
	ReplyTo, FromName string
}

// Sender sends Messages through one SMTP server, one connection per
// call of Send or SendMany, no faster than its rate and with no more
// connections open at once than its cap (SenderOptions.MaxConnections).
// It is safe for concurrent use.
type Sender struct {
	server Server
	from   *netmail.Address
	tls    *tls.Config
	pace   pacer
	// conns holds a token per connection open or being opened: its
	// capacity is the cap. Waiting senders queue on it in order.
	conns chan struct{}
}

// SenderOptions adjust a Sender.
type SenderOptions struct {
	// Rate is messages a second; 0 is no limit.
	Rate float64
	// TLS replaces the default TLS settings (tests trust their own
	// certificate with it). ServerName is filled in when empty.
	TLS *tls.Config
	// MaxConnections is how many connections to the server may be open
	// at once, across every Send and SendMany of the Sender — every
	// outbox lane and every kind of email (default
	// DefaultMaxConnections). Relays refuse a client over their own
	// limit with 421 (too many connections).
	MaxConnections int
}

// DefaultMaxConnections is SenderOptions.MaxConnections' default: what a
// relay accepts from one client. Postfix's smtpd_client_connection_count_limit
// is 50 by default, but hosted relays allow far fewer (SocketLabs: 10 an
// account, 421 beyond), and two or three instances of serve share the
// account's allowance. Four is what one outbox batch used before the
// outbox kept several batches in flight (Deliverer.Connections), and at
// the default --mail-rate of 5/s four conversations are never the
// bottleneck.
const DefaultMaxConnections = 4

// noConnection is a message that found every connection the Sender may
// open busy until its time limit: it was not tried, and did not fail.
type noConnection struct{ error }

func (n noConnection) Unwrap() error { return n.error }

var errNoConnection = noConnection{errors.New("mail: every connection to the mail server this instance may open (--mail-connections) stayed busy until the time limit; it will be sent later, not counted as a failure")}

// NoConnection reports whether err, from Send or SendMany, means the
// message waited for a free connection (MaxConnections) until ctx ended
// and was not tried: to be sent later, not counted as a failed attempt.
func NoConnection(err error) bool {
	var n noConnection
	return errors.As(err, &n)
}

// acquire takes a connection's place under the cap, waiting in turn
// while every place is taken, until ctx ends (errNoConnection).
func (s *Sender) acquire(ctx context.Context) error {
	select {
	case s.conns <- struct{}{}:
		return nil
	default:
	}
	select {
	case s.conns <- struct{}{}:
		return nil
	case <-ctx.Done():
		return errNoConnection
	}
}

// release gives back a place acquire took.
func (s *Sender) release() { <-s.conns }

// NewSender returns a Sender through server, from from.
func NewSender(server Server, from *netmail.Address, o SenderOptions) *Sender {
	cfg := &tls.Config{MinVersion: tls.VersionTLS12}
	if o.TLS != nil {
		cfg = o.TLS.Clone()
	}
	if cfg.ServerName == "" {
		cfg.ServerName = server.Host
	}
	if o.MaxConnections <= 0 {
		o.MaxConnections = DefaultMaxConnections
	}
	s := &Sender{server: server, from: from, tls: cfg, conns: make(chan struct{}, o.MaxConnections)}
	if o.Rate > 0 {
		s.pace.every = time.Duration(float64(time.Second) / o.Rate)
	}
	return s
}

// From is the sender's address.
func (s *Sender) From() *netmail.Address { return s.from }

// Send delivers m, waiting its turn under the rate. An error that retrying
// cannot fix (the server refused the recipient or the message with a 5xx
// answer) satisfies IsPermanent.
func (s *Sender) Send(ctx context.Context, m Message) error {
	return s.SendMany(ctx, []Message{m})[0]
}

// SendMany delivers ms over one connection to the server, one after the
// other, each waiting its turn under the rate, and returns one error per
// message, in order, each as Send would return it: a recipient refused
// for good fails only its own message. A connection that cannot be made
// fails every message (to be tried again); one that breaks half-way fails
// the messages not yet sent; ctx ending fails those not yet begun. The
// connection waits its turn under MaxConnections first, before any turn
// under the rate is taken; should ctx end while it waits, every message
// fails as NoConnection (not tried).
func (s *Sender) SendMany(ctx context.Context, ms []Message) []error {
	errs := make([]error, len(ms))
	var c *gomail.Client
	var conn *smtp.Client
	var w wire
	held := false // a place under MaxConnections
	defer func() {
		if conn != nil {
			// The messages were accepted already; a failed QUIT
			// changes nothing for them.
			_ = c.CloseWithSMTPClient(conn)
		}
		if held {
			s.release() // once the connection is closed
		}
	}()
	for i, m := range ms {
		if err := ctx.Err(); err != nil {
			errs[i] = err // not begun: tried again
			continue
		}
		if !held {
			if err := s.acquire(ctx); err != nil {
				for j := i; j < len(ms); j++ {
					errs[j] = err
				}
				return errs
			}
			held = true
		}
		if err := s.pace.wait(ctx); err != nil {
			errs[i] = err
			continue
		}
		msg, err := s.compose(m)
		if err != nil {
			errs[i] = permanent{err}
			continue
		}
		if conn == nil {
			if c, err = s.client(ctx, &w); err != nil {
				err = fmt.Errorf("mail: %w", err)
			} else if conn, err = c.DialToSMTPClientWithContext(ctx); err != nil {
				conn, err = nil, classify(err, true)
			}
			if err != nil {
				// No connection for this message, none for the rest.
				for j := i; j < len(ms); j++ {
					errs[j] = err
				}
				return errs
			}
		}
		// The last moment before the message leaves: one erased on any
		// instance since the outbox worker claimed it (or taken over by
		// another worker) goes to no one (outbox.StillHeld; nil outside
		// a worker's delivery).
		if err := outbox.StillHeld(ctx, m.ID); err != nil {
			errs[i] = err
			continue
		}
		// A message the server accepted (250 after its DATA) is sent,
		// even when the RSET go-mail sends after it fails: reported as
		// failed, it would be sent again.
		if err := c.SendWithSMTPClient(conn, msg); err != nil && !msg.IsDelivered() {
			errs[i] = classify(err, w.broken.Load())
		}
	}
	return errs
}

// commandTimeout bounds the connection to the mail server and each
// command's answer (go-mail's deadline, renewed before each message);
// the ctx a sending is given bounds them all together (boundedConn).
const commandTimeout = 30 * time.Second

// client returns a go-mail client for the server, not yet connected,
// whose connection no read or write outlives ctx (dial).
func (s *Sender) client(ctx context.Context, w *wire) (*gomail.Client, error) {
	opts := []gomail.Option{
		gomail.WithPort(s.server.Port),
		gomail.WithTLSConfig(s.tls),
		gomail.WithTimeout(commandTimeout),
		gomail.WithDialContextFunc(s.dial(ctx, w)),
	}
	switch s.server.Security {
	case ImplicitTLS:
		// dial makes the TLS connection itself (go-mail's WithSSL
		// ignores a dial function for dialling); WithSSL still keeps
		// go-mail from asking for STARTTLS inside it, as before dial — a
		// server behind a TLS proxy may offer it, not knowing the
		// connection is encrypted, and STARTTLS inside TLS fails every
		// message (TestSendImplicitTLS).
		opts = append(opts, gomail.WithSSL())
	case StartTLS:
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSMandatory))
	case Plain:
		opts = append(opts, gomail.WithTLSPolicy(gomail.NoTLS))
	}
	if s.server.Username != "" {
		// The strongest mechanism the server offers, never in plain text
		// over a network (Plain is loopback only).
		auth := gomail.WithSMTPAuth(gomail.SMTPAuthAutoDiscover)
		if s.server.Security == ImplicitTLS {
			// go-mail does not know a connection it did not dial is
			// encrypted, and would discover only the mechanisms it allows
			// in the clear: the same list it uses over TLS, strongest
			// first. PLAIN and LOGIN still refuse a connection that is not
			// TLS (smtp.PlainAuth), and dial makes only TLS ones here.
			auth = gomail.WithOpportunisticSMTPAuth(gomail.SMTPAuthSCRAMSHA256PLUS, gomail.SMTPAuthSCRAMSHA256,
				gomail.SMTPAuthSCRAMSHA1PLUS, gomail.SMTPAuthSCRAMSHA1, gomail.SMTPAuthNTLM, gomail.SMTPAuthCramMD5,
				gomail.SMTPAuthPlain, gomail.SMTPAuthLogin)
		}
		if s.server.Security == Plain && loopback(s.server.Host) {
			// A relay on this machine (?tls=off, loopback only: a local
			// postfix) may offer only PLAIN or LOGIN, which go-mail
			// refuses without TLS; the password crosses no network here,
			// and dial refuses a connection that does not stay on this
			// machine. The strongest the relay offers, as ever.
			auth = gomail.WithOpportunisticSMTPAuth(gomail.SMTPAuthSCRAMSHA256, gomail.SMTPAuthSCRAMSHA1,
				gomail.SMTPAuthNTLM, gomail.SMTPAuthCramMD5, gomail.SMTPAuthPlainNoEnc, gomail.SMTPAuthLoginNoEnc)
		}
		opts = append(opts, auth, gomail.WithUsername(s.server.Username), gomail.WithPassword(s.server.Password))
	}
	return gomail.NewClient(s.server.Host, opts...)
}

// compose builds the MIME message: text first, HTML as its alternative.
func (s *Sender) compose(m Message) (*gomail.Msg, error) {
	msg := gomail.NewMsg()
	msg.FromMailAddress(s.from)
	if name := nameLine(m.FromName); name != "" && !strings.ContainsAny(name, AddressMarks) {
		// A name holding an address's marks ("Town Clerk
		// <clerk@council.example>") would show, in the office's mail
		// program, as someone else's address on a message sent with the
		// organisation's: it is left out, and the organisation's own
		// sender stands (Reply-To still names the supporter).
		msg.FromMailAddress(&netmail.Address{Name: name, Address: s.from.Address})
	}
	// Addresses go out with their domain in A-labels (signing.ASCIIEmail):
	// the Unicode form people read is stored, but a server that does not
	// speak SMTPUTF8 — most relays, and go-mail never asks for it —
	// must get an ASCII domain in RCPT TO and the headers.
	if m.ReplyTo != "" {
		if err := msg.ReplyTo(signing.ASCIIEmail(m.ReplyTo)); err != nil {
			return nil, errors.New("mail: the reply address cannot be written in a message")
		}
	}
	if err := msg.To(signing.ASCIIEmail(m.To)); err != nil {
		return nil, errors.New("mail: the recipient's address cannot be written in a message")
	}
	msg.Subject(oneLine(m.Subject))
	msg.SetDate()
	if m.ID != "" {
		msg.SetMessageIDWithValue(m.ID + "@" + domainOf(s.from.Address))
	}
	if m.Lang != "" {
		msg.SetGenHeader(gomail.HeaderContentLang, m.Lang)
	}
	// Transactional mail: no out-of-office replies.
	msg.SetGenHeader("Auto-Submitted", "auto-generated")
	msg.SetGenHeader(gomail.HeaderXAutoResponseSuppress, "All")
	if m.Unsubscribe != "" {
		msg.SetGenHeader(gomail.HeaderListUnsubscribe, "<"+m.Unsubscribe+">")
		msg.SetGenHeader(gomail.HeaderListUnsubscribePost, "List-Unsubscribe=One-Click")
	}
	msg.SetBodyString(gomail.TypeTextPlain, m.Text)
	msg.AddAlternativeString(gomail.TypeTextHTML, m.HTML)
	return msg, nil
}

// oneLine keeps a header value on one line, without the bidi
// embedding and override controls (U+202A–U+202E), which could make a
// subject read as something else — an override reverses the letters
// after it. The isolates the interface wording puts around a name of the
// other direction (i18n) stay: they only keep it from reordering the
// sentence.
func oneLine(s string) string {
	s = strings.Map(func(r rune) rune {
		if r >= '\u202a' && r <= '\u202e' {
			return -1
		}
		return r
	}, s)
	return strings.Join(strings.Fields(s), " ")
}

// AddressMarks are the characters that make a name read as an address
// (@, < and >, in their full-width and small forms too): no From name
// carries them, and the contact form refuses a name with one.
const AddressMarks = "@<>\uff20\uff1c\uff1e\ufe6b\ufe64\ufe65\u2039\u203a"

// nameLine is oneLine for a From name, a supporter's as they typed it
// (on their message to a decision-maker): the isolates go too, as every
// invisible control a name has no need of.
func nameLine(s string) string {
	return oneLine(strings.Map(func(r rune) rune {
		if r >= '\u2066' && r <= '\u2069' {
			return -1
		}
		return r
	}, s))
}

// domainOf is the part of an address after its last @.
func domainOf(addr string) string {
	if i := strings.LastIndexByte(addr, '@'); i >= 0 {
		return addr[i+1:]
	}
	return "placard.invalid"
}

// permanent marks an error that retrying cannot fix.
type permanent struct{ error }

func (p permanent) Unwrap() error { return p.error }

// IsPermanent reports whether err, from Send, will not go away by trying
// again: the server refused the message for good (a 5xx answer), or the
// message cannot be written.
func IsPermanent(err error) bool {
	var p permanent
	return errors.As(err, &p)
}

// maybeSent marks a failure that came after the whole message reached
// the mail server: it may have been sent.
type maybeSent struct{ error }

func (m maybeSent) Unwrap() error { return m.error }

// MaybeSent reports whether err, from Send, came after the whole message
// and its final "." reached the mail server and before its answer did (a
// timeout, a connection reset): the server may have taken it, and the
// outbox's next attempt may send a second copy. Every other failure is
// certain to be before the server took the message — no connection, a
// refusal at MAIL, RCPT or DATA, or an answer refusing it — and a
// Deliverer gives such an email's shared pace turn back; a maybe-sent
// one keeps it, so a relay that takes messages and then times out sends
// an inbox at most the pace's share of copies, not one per retry.
func MaybeSent(err error) bool {
	var m maybeSent
	return errors.As(err, &m)
}

// classify wraps a go-mail error, marking the server's permanent refusals.
// The error text names the server's answer, never the recipient. broken
// is whether a write on the connection failed (wire): the message's final
// "." did not go out, and a failure without an answer is then certain
// not to have sent it.
func classify(err error, broken bool) error {
	var se *gomail.SendError
	if errors.As(err, &se) {
		code := se.ErrorCode()
		if code >= 500 && code < 600 && se.Reason == gomail.ErrSMTPMailFrom {
			// The sender refused, not this message: a provider's
			// quota, or a --mail-from it does not accept. Every
			// message would die of it; they wait instead.
			return fmt.Errorf("mail: the server refused the sender (%d %s), not this message — check --mail-from and the provider's sending limits; it will be tried again", code, se.EnhancedStatusCode())
		}
		if code >= 500 && code < 600 && strings.HasSuffix(se.EnhancedStatusCode(), ".4.5") {
			// Mail system congestion (RFC 3463 X.4.5): some providers
			// answer a rate limit with a 5xx.
			return fmt.Errorf("mail: the server is over its limits (%d %s); it will be tried again", code, se.EnhancedStatusCode())
		}
		if !se.IsTemp() && code >= 500 && code < 600 {
			return permanent{fmt.Errorf("mail: the server refused the message for good (%d %s)", code, se.EnhancedStatusCode())}
		}
		if se.Reason == gomail.ErrSMTPDataClose && positive(se) {
			// A 2xx answer to the final "." other than the 250 go-mail
			// waits for is still the server taking the message (RFC 5321
			// §4.2.1: a reply is read by its first digit); tried again,
			// it would arrive twice.
			return nil
		}
		if code != 0 {
			return fmt.Errorf("mail: the server did not take the message (%d %s); it will be tried again", code, se.EnhancedStatusCode())
		}
		if se.Reason == gomail.ErrSMTPDataClose && broken {
			// The connection broke while the message was being written:
			// its final "." never went, and a server takes a message
			// only by answering that "." (RFC 5321 §4.1.1.4; a broken
			// connection is as a 451, §3.8).
			return errors.New("mail: the mail server hung up before the whole message reached it; it was not sent, and will be tried again")
		}
		if se.Reason == gomail.ErrSMTPDataClose {
			// The whole message and its final "." went, and no answer
			// came back (a timeout, a reset): the relay may well have
			// taken it.
			return maybeSent{fmt.Errorf("mail: the mail server took the whole message but did not answer (%v); it may have been sent, and will be tried again", se.Reason)}
		}
		return fmt.Errorf("mail: sending failed (%s); it will be tried again", se.Reason)
	}
	if errors.Is(err, os.ErrDeadlineExceeded) || errors.Is(err, context.DeadlineExceeded) {
		return errors.New("mail: the mail server did not answer in time; it will be tried again")
	}
	var te *textproto.Error
	if errors.As(err, &te) && te.Code == 421 {
		// At the greeting or any command: the relay is over its own
		// limits (too many connections, most often). Never for good.
		return fmt.Errorf("mail: the mail server is busy and asked to be tried later (421); it will be tried again — if this keeps happening, lower --mail-connections or ask the provider how many connections it allows")
	}
	return fmt.Errorf("mail: %v", err)
}

// positive reports whether the answer se carries is a 2xx. go-mail
// waits for exactly 250 after the final ".", and keeps any other answer
// only in its text ("closing SMTP DATA writer: 251 ..."), its code
// being kept for 4xx and 5xx alone.
func positive(se *gomail.SendError) bool {
	rest, ok := strings.CutPrefix(se.Error(), se.Reason.String()+": ")
	return ok && len(rest) >= 4 && rest[0] == '2' && rest[1] >= '0' && rest[1] <= '9' &&
		rest[2] >= '0' && rest[2] <= '9' && (rest[3] == ' ' || rest[3] == '-')
}

// pacer spaces sends at least every apart.
type pacer struct {
	every time.Duration
	mu    sync.Mutex
	next  time.Time
}

// errNoTurn is a message whose turn under the rate comes after its
// deadline: tried again later, having taken no turn.
var errNoTurn = errors.New("mail: the sending rate (--mail-rate) leaves this message no turn before the time limit; it will be tried again")

// wait blocks until this send's turn, or ctx ends. A turn that would
// come after ctx's deadline is not taken (errNoTurn at once), and a wait
// that ctx cuts short gives its turn back when no later one was taken:
// turns held by messages that never went would push every later message
// further away than the time that passes, until none is sent at all.
func (p *pacer) wait(ctx context.Context) error {
	if p.every <= 0 {
		return nil
	}
	p.mu.Lock()
	now := time.Now()
	at := p.next
	if at.Before(now) {
		at = now
	}
	if dl, ok := ctx.Deadline(); ok && at.After(dl) {
		p.mu.Unlock()
		return errNoTurn
	}
	p.next = at.Add(p.every)
	p.mu.Unlock()
	d := time.Until(at)
	if d <= 0 {
		return nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		p.mu.Lock()
		if p.next.Equal(at.Add(p.every)) {
			p.next = at // nobody queued behind this turn: give it back
		}
		p.mu.Unlock()
		return ctx.Err()
	}
}

// dial returns the function go-mail connects with: a TCP connection
// (under TLS for ImplicitTLS) whose reads and writes end by ctx's
// deadline, the outbox's time limit for the batch (boundedConn). go-mail
// sets its deadlines from commandTimeout alone and reads a command's
// answer holding the client's lock, so nothing else could stop it: a
// relay that took the connection and never answered held a whole batch
// for go-mail's timeouts, about a minute, however short the outbox's
// limit (TestSendHungServer). A cancellation without a deadline (none
// reaches here without one) stops the sending between messages only, so
// a message the relay is taking is still counted when it says 250
// (TestSendManyStopsWhenCtxEnds).
func (s *Sender) dial(ctx context.Context, w *wire) gomail.DialContextFunc {
	// go-mail's addr is host:port without brackets, which no IPv6
	// address survives ("::1:25"): the host and port are joined here.
	addr := net.JoinHostPort(s.server.Host, strconv.Itoa(s.server.Port))
	return func(dctx context.Context, network, _ string) (net.Conn, error) {
		var d net.Dialer
		raw, err := d.DialContext(dctx, network, addr)
		if err != nil {
			return nil, err
		}
		if s.server.Security == Plain && !loopbackAddr(raw.RemoteAddr()) {
			// ParseServer allows ?tls=off for a loopback name only, but
			// "localhost" is whatever the resolver says: should it lead
			// off this machine, nothing is sent in the clear.
			raw.Close()
			return nil, errOffMachine
		}
		conn := &boundedConn{Conn: raw, ctx: ctx, wire: w}
		if err := conn.SetDeadline(time.Time{}); err != nil {
			raw.Close()
			return nil, err
		}
		if s.server.Security != ImplicitTLS {
			return conn, nil
		}
		tc := tls.Client(conn, s.tls)
		if err := tc.HandshakeContext(dctx); err != nil {
			tc.Close()
			return nil, err
		}
		return tc, nil
	}
}

// errOffMachine is why a ?tls=off relay's connection was refused.
var errOffMachine = errors.New("mail: ?tls=off is only for a relay on this machine, but the mail server's name led to another machine; " +
	"use its loopback address (127.0.0.1 or ::1) in --smtp, or drop ?tls=off to use STARTTLS")

// loopbackAddr reports whether a is an address on this machine.
func loopbackAddr(a net.Addr) bool {
	ta, ok := a.(*net.TCPAddr)
	return ok && ta.IP.IsLoopback()
}

// boundedConn is a connection no read or write of which outlives ctx's
// deadline: each deadline set on it is cut to ctx's. It also knows
// whether every byte handed to it went out (wire): go-mail ignores the
// error of the write that carries a message's last bytes and its final
// "." (smtp.DataCloser.Close), and reads the answer regardless, so from
// its error alone a message whose "." never left looks like one the
// server had whole.
type boundedConn struct {
	net.Conn
	ctx  context.Context
	wire *wire
}

// wire records whether a write on the connection failed, or was refused
// because the relay had hung up (peerHungUp). Nothing written after such
// a failure reaches the relay (go-mail's buffer and TLS both keep the
// first write error), so a message whose sending ends with the wire
// broken was not taken whole: its final "." did not go.
type wire struct{ broken atomic.Bool }

// errHungUp is a write refused because the relay had already closed or
// reset the connection.
var errHungUp = errors.New("the mail server hung up")

func (c *boundedConn) Write(b []byte) (int, error) {
	if c.wire.broken.Load() {
		return 0, errHungUp
	}
	if peerHungUp(c.Conn) {
		c.wire.broken.Store(true)
		return 0, errHungUp
	}
	n, err := c.Conn.Write(b)
	if err != nil {
		c.wire.broken.Store(true)
	}
	return n, err
}

// cut returns t, or ctx's deadline when it comes first.
func (c *boundedConn) cut(t time.Time) time.Time {
	if dl, ok := c.ctx.Deadline(); ok && (t.IsZero() || dl.Before(t)) {
		return dl
	}
	return t
}

func (c *boundedConn) SetDeadline(t time.Time) error      { return c.Conn.SetDeadline(c.cut(t)) }
func (c *boundedConn) SetReadDeadline(t time.Time) error  { return c.Conn.SetReadDeadline(c.cut(t)) }
func (c *boundedConn) SetWriteDeadline(t time.Time) error { return c.Conn.SetWriteDeadline(c.cut(t)) }
