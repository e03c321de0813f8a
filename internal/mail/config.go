// Package mail sends the emails Placard writes to signers: the
// confirmation of a signature, the thank-you, and the link to a
// supporter's own data page. It knows the SMTP server (Server, read from
// serve --smtp), the sender (--mail-from) and the pace (--mail-rate), and
// turns a small JSON payload, kept in the outbox until delivery, into a
// finished message rendered in the signer's language at the moment it is
// sent. It knows nothing of HTTP or SQL.
package mail

import (
	"errors"
	"fmt"
	"net"
	netmail "net/mail"
	"net/url"
	"strconv"
	"strings"
)

// Security is how the connection to the SMTP server is protected.
type Security int

// The ways of reaching an SMTP server.
const (
	// StartTLS connects in plain text and upgrades with STARTTLS before
	// anything is sent; a server that cannot upgrade gets nothing.
	StartTLS Security = iota
	// ImplicitTLS speaks TLS from the first byte (smtps://, port 465).
	ImplicitTLS
	// Plain sends without encryption. Only a server on this machine
	// (loopback) may be reached this way: smtp://localhost:25?tls=off.
	Plain
)

// Server is a checked SMTP address, as given to serve --smtp.
type Server struct {
	Host     string
	Port     int
	Security Security
	// Username and Password authenticate when Username is set.
	Username, Password string
}

// String is the address with the password hidden, for logs and messages.
func (s Server) String() string {
	scheme := "smtp"
	if s.Security == ImplicitTLS {
		scheme = "smtps"
	}
	u := url.URL{Scheme: scheme, Host: net.JoinHostPort(s.Host, strconv.Itoa(s.Port))}
	if s.Username != "" {
		u.User = url.UserPassword(s.Username, "xxxxx")
	}
	if s.Security == Plain {
		u.RawQuery = "tls=off"
	}
	return u.String()
}

// ParseServer reads an SMTP address: smtp://user:pass@host:port (STARTTLS,
// port 587 by default), smtps://user:pass@host:port (implicit TLS, port 465
// by default), or smtp://host:port?tls=off for a relay on this machine.
// Its errors never repeat the password.
func ParseServer(raw string) (Server, error) {
	raw = strings.TrimSpace(raw)
	u, err := url.Parse(raw)
	if err != nil || u.Opaque != "" || !strings.Contains(raw, "://") {
		return Server{}, errors.New("must be an address such as smtp://user:password@mail.example.org:587 (STARTTLS) or smtps://user:password@mail.example.org:465; a password with special characters must be percent-encoded")
	}
	var s Server
	switch strings.ToLower(u.Scheme) {
	case "smtp":
		s.Security, s.Port = StartTLS, 587
	case "smtps":
		s.Security, s.Port = ImplicitTLS, 465
	default:
		return Server{}, fmt.Errorf("must start with smtp:// (STARTTLS) or smtps:// (TLS from the start), not %s://", u.Scheme)
	}
	s.Host = u.Hostname()
	if s.Host == "" {
		return Server{}, errors.New("needs a host name, such as smtp://mail.example.org:587")
	}
	if p := u.Port(); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil || n < 1 || n > 65535 {
			return Server{}, fmt.Errorf("port %q must be a number from 1 to 65535, such as 587", p)
		}
		s.Port = n
	}
	if u.Path != "" && u.Path != "/" {
		return Server{}, errors.New("takes no path after the host and port; remove it")
	}
	if u.User != nil {
		s.Username = u.User.Username()
		s.Password, _ = u.User.Password()
	}
	q := u.Query()
	for k := range q {
		if k != "tls" {
			return Server{}, fmt.Errorf("has an unknown setting ?%s=; the only one is ?tls=off, for a relay on this machine", k)
		}
	}
	switch v := q.Get("tls"); v {
	case "":
	case "off":
		if s.Security == ImplicitTLS {
			return Server{}, errors.New("smtps:// always uses TLS; use smtp://…?tls=off for a relay on this machine")
		}
		if !loopback(s.Host) {
			return Server{}, fmt.Errorf("?tls=off is only allowed for a relay on this machine (localhost, 127.0.0.1 or ::1), not %s: signers' addresses and the password must not cross a network unencrypted; remove ?tls=off to use STARTTLS, or use smtps://", s.Host)
		}
		s.Security = Plain
	default:
		return Server{}, fmt.Errorf("?tls= can only be off, not %q", v)
	}
	return s, nil
}

// loopback reports whether host names this machine.
func loopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// ParseFrom reads the sender, such as "Riverside Coalition <hello@riverside.example>"
// or a bare address.
func ParseFrom(s string) (*netmail.Address, error) {
	a, err := netmail.ParseAddress(strings.TrimSpace(s))
	if err != nil || !strings.Contains(a.Address, "@") {
		return nil, fmt.Errorf("must be an address such as \"Riverside Coalition <hello@riverside.example>\" or hello@riverside.example, not %q", s)
	}
	if strings.ContainsAny(a.Name+a.Address, "\r\n") {
		return nil, errors.New("must be on one line")
	}
	return a, nil
}

// ParseRate reads a sending pace such as 5/s (messages a second); 0 means
// no limit. Most providers cap a sender at a few messages a second.
func ParseRate(s string) (float64, error) {
	s = strings.TrimSpace(s)
	if s == "0" || s == "" {
		return 0, nil
	}
	n, ok := strings.CutSuffix(s, "/s")
	v, err := strconv.ParseFloat(strings.TrimSpace(n), 64)
	if !ok || err != nil || v <= 0 || v > 10000 {
		return 0, fmt.Errorf("must be a number of messages a second such as 5/s (0 for no limit), not %q", s)
	}
	return v, nil
}
