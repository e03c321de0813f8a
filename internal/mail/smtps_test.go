package mail_test

import (
	"bufio"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"io"
	"math/big"
	"net"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/placard/placard/internal/mail"
)

// certFor is a self-signed certificate for names (host names or IP
// addresses) and a pool that trusts it.
func certFor(t *testing.T, names ...string) (tls.Certificate, *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: names[0]},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour),
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		IsCA: true, BasicConstraintsValid: true,
	}
	for _, n := range names {
		if ip := net.ParseIP(n); ip != nil {
			tmpl.IPAddresses = append(tmpl.IPAddresses, ip)
		} else {
			tmpl.DNSNames = append(tmpl.DNSNames, n)
		}
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	c, _ := x509.ParseCertificate(der)
	pool := x509.NewCertPool()
	pool.AddCert(c)
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}, pool
}

// countingRelay is a scripted relay on loopback offering ext that
// accepts PLAIN with placard:s3cret, counts the messages it takes, and
// records whether it was asked for STARTTLS (which it refuses). It returns
// its address.
func countingRelay(t *testing.T, ext []string) (addr string, delivered, startTLS *atomic.Int64) {
	t.Helper()
	delivered, startTLS = new(atomic.Int64), new(atomic.Int64)
	addr = scriptedRelay(t, ext, func(cmd string, br *bufio.Reader, say func(string)) (bool, bool) {
		switch {
		case strings.HasPrefix(cmd, "STARTTLS"):
			startTLS.Add(1)
			say("454 4.7.0 TLS not available") // already encrypted
			return true, false
		case strings.HasPrefix(cmd, "AUTH PLAIN "):
			// cmd is upper-cased: so is what it is compared with.
			if cmd[len("AUTH PLAIN "):] != strings.ToUpper(base64.StdEncoding.EncodeToString([]byte("\x00placard\x00s3cret"))) {
				say("535 5.7.8 bad credentials")
				return true, false
			}
			say("235 2.7.0 ok")
			return true, false
		case cmd == "DATA":
			say("354 go on")
			if !readData(br) {
				return true, true // the connection ended mid-message
			}
			delivered.Add(1)
			say("250 2.0.0 taken")
			return true, false
		}
		return false, false
	})
	return addr, delivered, startTLS
}

// forward hands every connection ln accepts to the server at to.
func forward(t *testing.T, ln net.Listener, to string) {
	t.Helper()
	acceptAll(t, ln, func(c net.Conn) {
		go func() {
			defer c.Close()
			up, err := net.Dial("tcp", to)
			if err != nil {
				return
			}
			defer up.Close()
			go func() { io.Copy(up, c); up.Close() }()
			io.Copy(c, up)
		}()
	})
}

// smtpsRelay is a relay encrypted from the start (smtps://) on loopback,
// with cert: a TLS listener in front of a countingRelay offering ext (as
// a TLS proxy in front of a mail server is — the server behind it may
// offer STARTTLS, not knowing the connection is encrypted). It returns
// the port.
func smtpsRelay(t *testing.T, cert tls.Certificate, ext []string) (port int, delivered, startTLS *atomic.Int64) {
	t.Helper()
	inner, delivered, startTLS := countingRelay(t, ext)
	ln, err := tls.Listen("tcp", "127.0.0.1:0", &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12})
	if err != nil {
		t.Fatal(err)
	}
	forward(t, ln, inner)
	return ln.Addr().(*net.TCPAddr).Port, delivered, startTLS
}

// TestSendImplicitTLS: smtps:// is encrypted from the start and checks
// the server's certificate against the host named in --smtp, as before
// the connection was dialled by Placard itself (go-mail's WithSSL): a
// certificate for another name, or one nobody trusts, sends nothing. It
// logs in with PLAIN over that encryption, and never asks for STARTTLS
// inside it, though the server behind a TLS proxy may offer it. Failed
// before (since the sender dials itself): STARTTLS was asked for inside
// TLS when offered, and the mail was not sent.
func TestSendImplicitTLS(t *testing.T) {
	from, _ := mail.ParseFrom("hello@riverside.example")
	m := mail.Message{ID: "x", To: "a@example.net", Subject: "s", Text: "t", HTML: "h"}
	send := func(host string, port int, roots *x509.CertPool) error {
		server, err := mail.ParseServer("smtps://placard:s3cret@" + net.JoinHostPort(host, strconv.Itoa(port)))
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		return mail.NewSender(server, from, mail.SenderOptions{TLS: &tls.Config{RootCAs: roots, MinVersion: tls.VersionTLS12}}).Send(ctx, m)
	}
	ext := []string{"STARTTLS", "AUTH PLAIN LOGIN"}

	cert, roots := certFor(t, "127.0.0.1", "localhost")
	port, delivered, startTLS := smtpsRelay(t, cert, ext)
	for _, host := range []string{"127.0.0.1", "localhost"} {
		if err := send(host, port, roots); err != nil {
			t.Errorf("smtps://%s with a certificate for it: %v", host, err)
		}
	}
	if delivered.Load() != 2 || startTLS.Load() != 0 {
		t.Errorf("%d delivered, STARTTLS asked %d times; want 2 delivered, STARTTLS never asked inside TLS", delivered.Load(), startTLS.Load())
	}

	// A certificate trusted but for another name; one for the name but
	// trusted by nobody: nothing sent, for good reason.
	other, otherRoots := certFor(t, "mail.other.example")
	port, delivered, _ = smtpsRelay(t, other, ext)
	if err := send("127.0.0.1", port, otherRoots); err == nil || delivered.Load() != 0 {
		t.Errorf("a certificate for another name: err %v, %d delivered; want refused", err, delivered.Load())
	}
	untrusted, _ := certFor(t, "127.0.0.1")
	port, delivered, _ = smtpsRelay(t, untrusted, ext)
	if err := send("127.0.0.1", port, roots); err == nil || delivered.Load() != 0 {
		t.Errorf("a certificate nobody trusts: err %v, %d delivered; want refused", err, delivered.Load())
	}
	// The system's roots (no TLS option, as serve runs): the test's own
	// certificate is not among them.
	port, delivered, _ = smtpsRelay(t, cert, ext)
	if err := send("127.0.0.1", port, nil); err == nil || delivered.Load() != 0 {
		t.Errorf("the system's roots and a self-signed certificate: err %v, %d delivered; want refused", err, delivered.Load())
	}
}

// TestSendImplicitTLSHung: an smtps:// server that takes the connection
// and never answers the TLS handshake holds a sending no longer than its
// context.
func TestSendImplicitTLSHung(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	acceptAll(t, ln, func(c net.Conn) {
		t.Cleanup(func() { c.Close() })
		go io.Copy(io.Discard, c)
	})
	server, err := mail.ParseServer("smtps://" + ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	from, _ := mail.ParseFrom("hello@riverside.example")
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	done := make(chan error, 1)
	go func() {
		done <- mail.NewSender(server, from, mail.SenderOptions{}).Send(ctx, mail.Message{ID: "x", To: "a@example.net", Subject: "s", Text: "t", HTML: "h"})
	}()
	select {
	case err := <-done:
		if err == nil || mail.IsPermanent(err) {
			t.Errorf("hung handshake: %v, want a failure tried again", err)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("the sending is still held by a server that never answers the handshake, 19 s after its time limit")
	}
}
