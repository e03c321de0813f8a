// Package mailtest is a real SMTP server for tests, in process on
// 127.0.0.1 at a port chosen at run time (github.com/emersion/go-smtp). It
// offers STARTTLS with a certificate made for the run and PLAIN
// authentication, keeps every message it accepts, and splits each into
// its headers and its text and HTML parts, so a test reads what a mail
// client would show.
package mailtest

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"errors"
	"io"
	"math/big"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net"
	netmail "net/mail"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

// User and Password are the credentials the server accepts.
const (
	User     = "placard"
	Password = "s3cret:pass@word"
)

// Mail is one message as received.
type Mail struct {
	From string
	To   []string
	// Header holds the message's headers, decoded.
	Header netmail.Header
	// Subject is the decoded subject.
	Subject string
	// Text and HTML are the decoded parts.
	Text, HTML string
	// Raw is the message as sent.
	Raw []byte
}

// Server is a running test SMTP server.
type Server struct {
	// Addr is host:port.
	Addr string
	// ClientTLS trusts the server's certificate.
	ClientTLS *tls.Config

	mu     sync.Mutex
	mails  []Mail
	notify chan struct{}
	// refuse, when set, makes the server answer RCPT with this code.
	refuse int
	// refuseTo answers RCPT for these addresses with their code.
	refuseTo map[string]int
	// conns holds the connections seen (a connection greets anew, and
	// so opens a new session, after STARTTLS).
	conns map[*smtp.Conn]bool
	// open is how many TCP connections are open now, peak the most that
	// ever were at once (countedConn).
	open, peak int
	// slow delays each message's answer after its DATA (SlowData).
	slow time.Duration
	// gate, when set, holds each DATA until it is closed (HoldData).
	gate chan struct{}
}

// Start starts a server for the test; it stops when the test ends.
func Start(t testing.TB) *Server {
	t.Helper()
	return start(t, false)
}

// StartLocalRelay starts a server that also offers PLAIN authentication
// without TLS, as a relay on the same machine (a local postfix) may.
func StartLocalRelay(t testing.TB) *Server {
	t.Helper()
	return start(t, true)
}

func start(t testing.TB, insecureAuth bool) *Server {
	t.Helper()
	cert, pool := selfSigned(t)
	s := &Server{notify: make(chan struct{}, 1), conns: map[*smtp.Conn]bool{}}
	srv := smtp.NewServer(smtp.BackendFunc(func(c *smtp.Conn) (smtp.Session, error) {
		s.mu.Lock()
		s.conns[c] = true
		s.mu.Unlock()
		return &session{s: s}, nil
	}))
	srv.Domain = "localhost"
	srv.AllowInsecureAuth = insecureAuth
	srv.TLSConfig = &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}
	srv.MaxMessageBytes = 1 << 20
	srv.ReadTimeout = 10 * time.Second
	srv.WriteTimeout = 10 * time.Second
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s.Addr = ln.Addr().String()
	ln = countingListener{Listener: ln, s: s}
	s.ClientTLS = &tls.Config{RootCAs: pool, ServerName: "127.0.0.1", MinVersion: tls.VersionTLS12}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	return s
}

// URL is the --smtp address of the server with its credentials.
func (s *Server) URL() string {
	return "smtp://" + User + ":" + strings.ReplaceAll(strings.ReplaceAll(Password, ":", "%3A"), "@", "%40") + "@" + s.Addr
}

// Refuse makes the server refuse every later recipient with code (such as
// 550), or accept again with 0.
func (s *Server) Refuse(code int) {
	s.mu.Lock()
	s.refuse = code
	s.mu.Unlock()
}

// RefuseAddress makes the server refuse the recipient address with code
// (such as 550), or accept it again with 0, whatever Refuse says for the
// others.
func (s *Server) RefuseAddress(address string, code int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.refuseTo == nil {
		s.refuseTo = map[string]int{}
	}
	s.refuseTo[address] = code
}

// Connections returns how many connections the server has accepted.
func (s *Server) Connections() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.conns)
}

// MaxOpen returns the most connections that were open at once. A
// connection counts from its acceptance until the server answers its
// QUIT (the 221 a client waits for before it closes) or it closes,
// whichever comes first: so a client that ends one connection and opens
// the next is never counted twice. Over STARTTLS or implicit TLS the
// answer is encrypted and the count ends at the close instead; tests of
// the count use a plain local relay (StartLocalRelay, ?tls=off).
func (s *Server) MaxOpen() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.peak
}

// SlowData makes the server take d to answer each message's DATA, as a
// loaded relay does, so deliveries overlap (0: at once).
func (s *Server) SlowData(d time.Duration) {
	s.mu.Lock()
	s.slow = d
	s.mu.Unlock()
}

// HoldData makes each message's DATA wait, unanswered, until release is
// called: a test holds a connection open for as long as it needs.
func (s *Server) HoldData() (release func()) {
	gate := make(chan struct{})
	s.mu.Lock()
	s.gate = gate
	s.mu.Unlock()
	var once sync.Once
	return func() {
		once.Do(func() {
			s.mu.Lock()
			s.gate = nil
			s.mu.Unlock()
			close(gate)
		})
	}
}

// countingListener counts the connections it accepts while they are open.
type countingListener struct {
	net.Listener
	s *Server
}

func (l countingListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	l.s.mu.Lock()
	l.s.open++
	l.s.peak = max(l.s.peak, l.s.open)
	l.s.mu.Unlock()
	return &countedConn{Conn: c, s: l.s}, nil
}

// countedConn is an accepted connection, counted open until its 221
// (QUIT's answer) is written or it closes.
type countedConn struct {
	net.Conn
	s    *Server
	once sync.Once
}

func (c *countedConn) done() {
	c.once.Do(func() {
		c.s.mu.Lock()
		c.s.open--
		c.s.mu.Unlock()
	})
}

func (c *countedConn) Write(b []byte) (int, error) {
	if bytes.HasPrefix(b, []byte("221 ")) {
		c.done() // before the client can read it and move on
	}
	return c.Conn.Write(b)
}

func (c *countedConn) Close() error {
	c.done()
	return c.Conn.Close()
}

// Mails returns every message received so far.
func (s *Server) Mails() []Mail {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Mail(nil), s.mails...)
}

// Wait returns the messages once at least n have arrived, failing the test
// if they have not within a generous deadline (it polls; no fixed sleep).
func (s *Server) Wait(t testing.TB, n int) []Mail {
	t.Helper()
	deadline := time.NewTimer(20 * time.Second)
	defer deadline.Stop()
	for {
		if m := s.Mails(); len(m) >= n {
			return m
		}
		select {
		case <-s.notify:
		case <-deadline.C:
			t.Fatalf("got %d messages, want %d", len(s.Mails()), n)
		}
	}
}

type session struct {
	s    *Server
	from string
	to   []string
	auth bool
}

func (se *session) AuthMechanisms() []string { return []string{sasl.Plain} }

func (se *session) Auth(string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(identity, user, pass string) error {
		if user != User || pass != Password {
			return errors.New("invalid credentials")
		}
		se.auth = true
		return nil
	}), nil
}

func (se *session) Mail(from string, _ *smtp.MailOptions) error {
	se.from = from
	return nil
}

func (se *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	se.s.mu.Lock()
	code := se.s.refuse
	if c, ok := se.s.refuseTo[to]; ok {
		code = c
	}
	se.s.mu.Unlock()
	if code != 0 {
		return &smtp.SMTPError{Code: code, EnhancedCode: smtp.EnhancedCode{code / 100, 1, 1}, Message: "refused by the test"}
	}
	se.to = append(se.to, to)
	return nil
}

func (se *session) Data(r io.Reader) error {
	raw, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	m, err := parse(raw)
	if err != nil {
		return err
	}
	m.From, m.To = se.from, se.to
	se.s.mu.Lock()
	slow, gate := se.s.slow, se.s.gate
	se.s.mu.Unlock()
	if slow > 0 {
		time.Sleep(slow)
	}
	if gate != nil {
		<-gate
	}
	se.s.mu.Lock()
	se.s.mails = append(se.s.mails, m)
	se.s.mu.Unlock()
	select {
	case se.s.notify <- struct{}{}:
	default:
	}
	return nil
}

func (se *session) Reset()        { se.from, se.to = "", nil }
func (se *session) Logout() error { return nil }

// parse splits a raw message into headers and decoded parts.
func parse(raw []byte) (Mail, error) {
	msg, err := netmail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		return Mail{}, err
	}
	m := Mail{Header: msg.Header, Raw: raw}
	dec := new(mime.WordDecoder)
	m.Subject, _ = dec.DecodeHeader(msg.Header.Get("Subject"))
	err = walk(msg.Header.Get("Content-Type"), msg.Header.Get("Content-Transfer-Encoding"), msg.Body, &m)
	return m, err
}

func walk(ctype, enc string, body io.Reader, m *Mail) error {
	mt, params, err := mime.ParseMediaType(ctype)
	if err != nil {
		return err
	}
	if strings.HasPrefix(mt, "multipart/") {
		mr := multipart.NewReader(body, params["boundary"])
		for {
			p, err := mr.NextRawPart()
			if err == io.EOF {
				return nil
			}
			if err != nil {
				return err
			}
			if err := walk(p.Header.Get("Content-Type"), p.Header.Get("Content-Transfer-Encoding"), p, m); err != nil {
				return err
			}
		}
	}
	switch strings.ToLower(enc) {
	case "quoted-printable":
		body = quotedprintable.NewReader(body)
	case "base64":
		body = base64.NewDecoder(base64.StdEncoding, &stripNL{r: body})
	}
	b, err := io.ReadAll(body)
	if err != nil {
		return err
	}
	switch mt {
	case "text/plain":
		m.Text = string(b)
	case "text/html":
		m.HTML = string(b)
	}
	return nil
}

// stripNL drops line breaks from base64 text.
type stripNL struct{ r io.Reader }

func (s *stripNL) Read(p []byte) (int, error) {
	n, err := s.r.Read(p)
	j := 0
	for _, c := range p[:n] {
		if c != '\r' && c != '\n' {
			p[j] = c
			j++
		}
	}
	return j, err
}

// selfSigned makes a certificate for 127.0.0.1 and a pool that trusts it.
func selfSigned(t testing.TB) (tls.Certificate, *x509.CertPool) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: "placard test smtp"},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(24 * time.Hour),
		IPAddresses:           []net.IP{net.IPv4(127, 0, 0, 1)},
		DNSNames:              []string{"localhost"},
		KeyUsage:              x509.KeyUsageDigitalSignature,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		IsCA:                  true,
		BasicConstraintsValid: true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	c, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AddCert(c)
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}, pool
}
