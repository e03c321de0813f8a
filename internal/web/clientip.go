package web

import (
	"net"
	"net/http"
	"net/netip"
	"strings"

	"github.com/go-chi/httprate"
)

// loopbackOnly is whom a client-address header is trusted from when
// Config.TrustedProxies is empty: a reverse proxy on the same machine.
var loopbackOnly = []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8"), netip.MustParsePrefix("::1/128")}

// clientKeyer finds the address the signing rate limit counts by.
type clientKeyer struct {
	header  string         // canonical header name; "" means the TCP peer
	trusted []netip.Prefix // peers (and hops) whose header is believed
}

// key is the rate-limit key of r: never empty.
//
// Without a header, or when the TCP peer is not a trusted proxy (anyone
// can send any header), it is the peer's address. Otherwise it is the
// right-most address of the header's list (X-Forwarded-For, X-Real-IP, or
// the for= parameters of Forwarded) that is not itself a trusted proxy:
// every address to its right was added by a proxy we trust, every address
// to its left was written by the client and proves nothing. An unreadable
// entry stops the walk at the last trusted hop; a missing or empty header
// gives the peer. IPv6 addresses count by their /64, as a household has.
// newClientKeyer believes header from the trusted ranges, or from loopback
// only when none are given (a proxy on this machine).
func newClientKeyer(header string, trusted []netip.Prefix) *clientKeyer {
	k := &clientKeyer{header: http.CanonicalHeaderKey(header), trusted: trusted}
	if len(k.trusted) == 0 {
		k.trusted = loopbackOnly
	}
	return k
}

func (k *clientKeyer) key(r *http.Request) string {
	peer, ok := remoteAddr(r.RemoteAddr)
	if !ok {
		return "peer:" + r.RemoteAddr
	}
	client := peer
	if k.header != "" && inPrefixes(peer, k.trusted) {
		vals := r.Header.Values(k.header)
		var hops []string
		for _, v := range vals {
			hops = append(hops, strings.Split(v, ",")...)
		}
	walk:
		for i := len(hops) - 1; i >= 0; i-- {
			a, ok := hopAddr(hops[i], k.header == "Forwarded")
			switch {
			case !ok:
				break walk
			case inPrefixes(a, k.trusted):
				client = a
			default:
				client = a
				break walk
			}
		}
	}
	return httprate.CanonicalizeIP(client.String())
}

// remoteAddr reads http.Request.RemoteAddr ("ip:port", or an address alone).
func remoteAddr(s string) (netip.Addr, bool) {
	if ap, err := netip.ParseAddrPort(s); err == nil {
		return ap.Addr().Unmap(), true
	}
	if a, err := netip.ParseAddr(s); err == nil {
		return a.Unmap(), true
	}
	return netip.Addr{}, false
}

// hopAddr reads one entry of an address list: "203.0.113.7", "2001:db8::1",
// "[2001:db8::1]:443", "203.0.113.7:80", or with forwarded, a Forwarded
// element's for= parameter ("for=192.0.2.60;proto=https", quoted or not).
func hopAddr(s string, forwarded bool) (netip.Addr, bool) {
	s = strings.TrimSpace(s)
	if forwarded {
		found := false
		for _, p := range strings.Split(s, ";") {
			name, val, ok := strings.Cut(strings.TrimSpace(p), "=")
			if ok && strings.EqualFold(name, "for") {
				s, found = strings.Trim(val, `"`), true
				break
			}
		}
		if !found {
			return netip.Addr{}, false
		}
	}
	if a, ok := remoteAddr(s); ok {
		return a, true
	}
	if h, _, err := net.SplitHostPort(s); err == nil {
		return remoteAddr(strings.Trim(h, "[]"))
	}
	return remoteAddr(strings.Trim(s, "[]"))
}

func inPrefixes(a netip.Addr, ps []netip.Prefix) bool {
	for _, p := range ps {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// looksLikeProxy reports whether a is loopback or private: an address a
// reverse proxy, not a member of the public, usually has.
func looksLikeProxy(a netip.Addr) bool {
	return a.IsLoopback() || a.IsPrivate() || a.IsLinkLocalUnicast()
}

// limitKey is the signing rate limit's key for r: its client (k.key),
// after warning once about a proxy that is probably miscounted.
func (s *Server) limitKey(r *http.Request, k *clientKeyer) string {
	s.warnProxy(r, k)
	return k.key(r)
}

// warnProxy logs, once, a rate limit that probably counts a proxy rather
// than its clients: no client-address header while signatures arrive from
// a loopback or private address (every client behind the proxy would share
// one limit), or a header arriving from a peer that is not trusted (and is
// therefore ignored). Only a request shows this, so it is logged on the
// first signature that does.
func (s *Server) warnProxy(r *http.Request, k *clientKeyer) {
	if s.proxyWarned.Load() {
		return
	}
	peer, ok := remoteAddr(r.RemoteAddr)
	if !ok {
		return
	}
	switch {
	case k.header == "" && looksLikeProxy(peer):
		if !s.proxyWarned.Swap(true) {
			s.log.Warn("signatures arrive from a loopback or private address, as through a reverse proxy, but no client-address header is set: every client behind the proxy shares one rate limit. Set --client-ip-header (and --trusted-proxies unless the proxy is on this machine)")
		}
	case k.header != "" && !inPrefixes(peer, k.trusted) && r.Header.Get(k.header) != "":
		if !s.proxyWarned.Swap(true) {
			s.log.Warn("a signature came with the client-address header from a peer that is not a trusted proxy, so the header was ignored and the peer counted; if that peer is your proxy, add its range to --trusted-proxies",
				"header", k.header)
		}
	}
}
