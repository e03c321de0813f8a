package webhook

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"slices"
	"syscall"
	"time"
)

// Policy says which addresses the client may call.
type Policy struct {
	// AllowPrivate lets deliveries reach private, loopback and other
	// non-public addresses (serve --webhooks-allow-private), for a CRM
	// inside the organisation's own network; link-local ones and the
	// cloud metadata services stay refused (Allowed).
	AllowPrivate bool
	// AllowLoopback lets deliveries reach this machine, over plain http
	// too (serve --dev, and tests).
	AllowLoopback bool
	// RootCAs replaces the system's certificate authorities (tests).
	RootCAs *x509.CertPool
}

// ErrRefusedAddress is what a delivery to a refused address fails with.
var ErrRefusedAddress = errors.New("the address is private, local or otherwise not public; placard serve --webhooks-allow-private allows it")

// notPublic lists ranges that are not on the public internet beyond what
// netip's own predicates name.
var notPublic = []netip.Prefix{
	netip.MustParsePrefix("0.0.0.0/8"),       // "this network"
	netip.MustParsePrefix("100.64.0.0/10"),   // carrier-grade NAT
	netip.MustParsePrefix("192.0.0.0/24"),    // IETF protocol assignments
	netip.MustParsePrefix("192.0.2.0/24"),    // documentation
	netip.MustParsePrefix("198.18.0.0/15"),   // benchmarking
	netip.MustParsePrefix("198.51.100.0/24"), // documentation
	netip.MustParsePrefix("203.0.113.0/24"),  // documentation
	netip.MustParsePrefix("240.0.0.0/4"),     // reserved, and broadcast
	netip.MustParsePrefix("64:ff9b::/96"),    // NAT64: may map to any IPv4 address
	netip.MustParsePrefix("64:ff9b:1::/48"),  // local NAT64
	netip.MustParsePrefix("2001:db8::/32"),   // documentation
	netip.MustParsePrefix("::/96"),           // IPv4-compatible (deprecated): ::127.0.0.1
	netip.MustParsePrefix("fec0::/10"),       // site-local (deprecated), still routed inside some networks
	netip.MustParsePrefix("100::/64"),        // discard-only
	netip.MustParsePrefix("2002::/16"),       // 6to4: carries any IPv4 address, private ones too
	netip.MustParsePrefix("2001::/32"),       // Teredo: carries an IPv4 address too
}

// metadata are the cloud metadata services outside the link-local
// ranges: AWS's over IPv6, and Alibaba's (inside carrier-grade NAT).
var metadata = []netip.Addr{
	netip.MustParseAddr("fd00:ec2::254"),
	netip.MustParseAddr("100.100.100.200"),
}

// Allowed reports whether p lets a delivery connect to ip. Link-local
// addresses and the cloud metadata services are never allowed, not even
// with AllowPrivate: no CRM lives there, and the metadata service answers
// with the machine's credentials.
func (p Policy) Allowed(ip netip.Addr) bool {
	ip = ip.Unmap()
	if ip.IsLinkLocalUnicast() || slices.Contains(metadata, ip) {
		return false
	}
	if ip.IsLoopback() {
		return p.AllowLoopback || p.AllowPrivate
	}
	if ip.IsUnspecified() || ip.IsMulticast() {
		return false
	}
	private := ip.IsPrivate() || ip.IsLinkLocalUnicast() || ip.IsLinkLocalMulticast() || ip.IsInterfaceLocalMulticast()
	for _, n := range notPublic {
		private = private || n.Contains(ip)
	}
	return !private || p.AllowPrivate
}

// CheckURL refuses an address the client must not call: anything but
// https, except http to this machine when loopback is allowed.
func (p Policy) CheckURL(raw string) (*url.URL, error) {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return nil, errors.New("the address is not a full URL")
	}
	switch {
	case u.User != nil:
		return nil, errors.New("the address holds a user name or password")
	case u.Scheme == "https":
	case u.Scheme == "http" && p.AllowLoopback && loopbackName(u.Hostname()):
	default:
		return nil, fmt.Errorf("only https addresses are called (got %s://)", u.Scheme)
	}
	return u, nil
}

func loopbackName(host string) bool {
	if host == "localhost" {
		return true
	}
	ip, err := netip.ParseAddr(host)
	return err == nil && ip.Unmap().IsLoopback()
}

// maxBody caps how much of a receiver's answer is read: the status is what
// counts.
const maxBody = 64 << 10

// NewClient returns the HTTP client deliveries use. It checks the address
// it actually connects to, after name resolution (net.Dialer.Control), so
// a name that resolves to a private address — or changes to one between
// a check and the call — is refused. It follows no redirect, uses no
// proxy from the environment (a proxy would connect on its behalf,
// unchecked), and bounds every step; the caller's context bounds the
// whole call.
func NewClient(p Policy) *http.Client {
	dialer := &net.Dialer{
		Timeout: 10 * time.Second,
		Control: func(network, address string, _ syscall.RawConn) error {
			ap, err := netip.ParseAddrPort(address)
			if err != nil {
				return fmt.Errorf("unexpected address: %w", err)
			}
			if !p.Allowed(ap.Addr()) {
				return ErrRefusedAddress
			}
			return nil
		},
	}
	tr := &http.Transport{
		Proxy:                  nil,
		DialContext:            dialer.DialContext,
		TLSHandshakeTimeout:    10 * time.Second,
		ResponseHeaderTimeout:  20 * time.Second,
		MaxResponseHeaderBytes: 16 << 10,
		IdleConnTimeout:        90 * time.Second,
		MaxIdleConnsPerHost:    4,
		ForceAttemptHTTP2:      true,
		TLSClientConfig:        &tls.Config{RootCAs: p.RootCAs, MinVersion: tls.VersionTLS12},
	}
	return &http.Client{
		Transport: tr,
		CheckRedirect: func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse
		},
		Timeout: 45 * time.Second,
	}
}
