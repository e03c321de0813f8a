package web

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"runtime/debug"
	"strings"
	"time"

	"github.com/go-chi/chi/v5/middleware"
	"github.com/go-chi/httprate"

	"github.com/placard/placard/internal/site"
)

// Header values, shared by every response; the security headers' values
// are site's (site.BaseHeaders), which a static copy repeats. Each is a one-element
// slice assigned straight into the header map so setting them allocates nothing.
var (
	hvVaryLang    = []string{"Accept-Encoding, Accept-Language"}
	hvNoCache     = []string{"no-cache"}
	hvImmutable   = []string{"public, max-age=31536000, immutable"}
	hvHTML        = []string{"text/html; charset=utf-8"}
	hvDayCache    = []string{"public, max-age=86400"}
	hvDefaultCSP  = []string{site.DefaultCSP}
	hvNosniff     = []string{site.Nosniff}
	hvReferrer    = []string{site.ReferrerPolicy}
	hvPermissions = []string{site.PermissionsPolicy}
	hvCOOP        = []string{site.OpenerPolicy}
	hvFrameDeny   = []string{site.FrameOptions}
	hvHSTS        = []string{site.TransportSecurity}
	hvDev         = []string{"1"}
)

// securityHeaders sets the security headers on every response, before
// anything else can write: pages, static files, redirects, 404s and 500s.
// Handlers may replace Content-Security-Policy with a page's own (stricter
// or theme-hashed) policy. Placard never sets cookies.
func (s *Server) securityHeaders(next http.Handler) http.Handler {
	https := strings.HasPrefix(s.base, "https://")
	dev := s.cfg.Dev
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h["Content-Security-Policy"] = hvDefaultCSP
		h["X-Content-Type-Options"] = hvNosniff
		h["Referrer-Policy"] = hvReferrer
		h["Permissions-Policy"] = hvPermissions
		h["Cross-Origin-Opener-Policy"] = hvCOOP
		h["X-Frame-Options"] = hvFrameDeny
		if https {
			h["Strict-Transport-Security"] = hvHSTS
		}
		if dev {
			h["X-Placard-Dev"] = hvDev
		}
		next.ServeHTTP(w, r)
	})
}

// recoverer turns a panic outside a handler (in middleware or the router)
// into a logged 500 with the error page, never a bare or empty response.
// Panics inside handlers are caught by the handle adapter.
func (s *Server) recoverer(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				s.log.Error("request failed", "err", fmt.Sprintf("panic: %v", v), "stack", string(debug.Stack()),
					"method", r.Method, "path", r.URL.Path)
				s.writeInternalError(w, s.snap.Load())
			}
		}()
		next.ServeHTTP(w, r)
	})
}

// observe gives each request an ID (chi RequestID) and logs it with its
// status, size and duration: at debug level normally, at info level with
// Config.Dev. The client's address is never logged: it is personal data,
// and Placard keeps none (the signing rate limit reads it in memory only).
//
// Nothing on the public read path uses the ID except the log, so when the
// logger would drop the record the request skips both and pays nothing for
// them: the cached-page path stays at the router's ceiling.
func (s *Server) observe(next http.Handler) http.Handler {
	level := slog.LevelDebug
	if s.cfg.Dev {
		level = slog.LevelInfo
	}
	logged := middleware.RequestID(s.requestLog(next, level))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if s.log.Enabled(r.Context(), level) {
			logged.ServeHTTP(w, r)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// requestLog logs each request at level once it is answered.
func (s *Server) requestLog(next http.Handler, level slog.Level) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		ww := middleware.NewWrapResponseWriter(w, r.ProtoMajor)
		next.ServeHTTP(ww, r)
		status := ww.Status()
		if status == 0 {
			status = http.StatusOK
		}
		s.log.LogAttrs(r.Context(), level, "request",
			slog.String("method", r.Method),
			slog.String("path", r.URL.Path),
			slog.Int("status", status),
			slog.Int("bytes", ww.BytesWritten()),
			slog.Duration("duration", time.Since(start)),
			slog.String("request_id", middleware.GetReqID(r.Context())),
		)
	})
}

// redirectSlashes sends /org/ to /org (keeping the query), so every page has
// one address. Leading slashes are collapsed so //evil.example/ can never
// become a redirect to another site. A trailing slash written %2F is
// trimmed too: the path ends in "/" either way, and left in place it made
// the redirect point at the very address asked for, a loop browsers end
// with "too many redirects" (TestTrailingSlashRedirect).
func redirectSlashes(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p := r.URL.Path
		if len(p) > 1 && p[len(p)-1] == '/' {
			target := "/" + strings.TrimLeft(trimTrailingSlashes(r.URL.EscapedPath()), "/")
			if r.URL.RawQuery != "" {
				target += "?" + r.URL.RawQuery
			}
			code := http.StatusMovedPermanently
			if r.Method != http.MethodGet && r.Method != http.MethodHead {
				code = http.StatusPermanentRedirect
			}
			http.Redirect(w, r, target, code)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// trimTrailingSlashes is escaped path p without the slashes it ends with,
// written plainly or as %2F.
func trimTrailingSlashes(p string) string {
	for {
		switch {
		case strings.HasSuffix(p, "/"):
			p = p[:len(p)-1]
		case len(p) >= 3 && strings.EqualFold(p[len(p)-3:], "%2f"):
			p = p[:len(p)-3]
		default:
			return p
		}
	}
}

// ServeHTTP serves one request from the current snapshot.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.handler.ServeHTTP(w, r)
}

// handlerFunc is a handler that reports failure by returning an error
// instead of writing an error response itself.
type handlerFunc func(w http.ResponseWriter, r *http.Request) error

// handle adapts h to net/http: an error (or a panic) becomes a status and
// an error page. Handlers write only after all work is done (cached bytes,
// or a page rendered into a buffer), so nothing is written before an error.
func (s *Server) handle(h handlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				s.serveError(w, r, fmt.Errorf("panic: %v\n%s", v, debug.Stack()))
			}
		}()
		if err := h(w, r); err != nil {
			s.serveError(w, r, err)
		}
	}
}

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
	if k.header == "" || !inPrefixes(peer, k.trusted) {
		return peerKey(r.RemoteAddr, peer)
	}
	// The list's entries, right to left: the header's lines from the last,
	// each line's comma-separated entries from its end. text is the
	// client's key when its entry already spells it (hopAddr), so a
	// signature through a proxy pays for neither a split list nor a
	// formatted address.
	client, text := peer, ""
	forwarded := k.header == "Forwarded"
	vals := r.Header.Values(k.header)
walk:
	for i := len(vals) - 1; i >= 0; i-- {
		for v, more := vals[i], true; more; {
			hop := v
			if j := strings.LastIndexByte(v, ','); j >= 0 {
				hop, v = v[j+1:], v[:j]
			} else {
				more = false
			}
			a, spelt, ok := hopAddr(hop, forwarded)
			if !ok {
				break walk
			}
			client, text = a, spelt
			if !inPrefixes(a, k.trusted) {
				break walk
			}
		}
	}
	switch {
	case text != "":
		return text
	case client == peer:
		return peerKey(r.RemoteAddr, peer)
	}
	return httprate.CanonicalizeIP(client.String())
}

// peerKey is the key of a client known by its TCP peer, peer read from
// remote (http.Request.RemoteAddr). For an IPv4 peer as net/http writes it,
// "a.b.c.d:port", that is the text before the port, which is already the
// form Addr.String gives (netip refuses any other spelling of an IPv4
// address): every signing POST asks for its key twice (the rate limit and
// the used-token set), and this pays for neither a formatted string nor
// its allocation.
func peerKey(remote string, peer netip.Addr) string {
	if i := strings.IndexByte(remote, ':'); i > 0 && peer.Is4() && strings.LastIndexByte(remote, ':') == i && remote[0] != '[' {
		return remote[:i]
	}
	return httprate.CanonicalizeIP(peer.String())
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
// spelt is the entry itself when it is an IPv4 address alone, which netip
// accepts only as Addr.String spells it: the key, with nothing formatted;
// else "".
func hopAddr(s string, forwarded bool) (a netip.Addr, spelt string, ok bool) {
	s = strings.TrimSpace(s)
	if forwarded {
		found := false
		for rest := s; rest != "" && !found; {
			var p string
			p, rest, _ = strings.Cut(rest, ";")
			name, val, ok := strings.Cut(strings.TrimSpace(p), "=")
			if ok && strings.EqualFold(name, "for") {
				s, found = strings.Trim(val, `"`), true
			}
		}
		if !found {
			return netip.Addr{}, "", false
		}
	}
	// An address alone first: the usual entry, and no error to allocate.
	if a, err := netip.ParseAddr(s); err == nil {
		if a.Is4() {
			return a, s, true
		}
		return a.Unmap(), "", true
	}
	if a, ok := remoteAddr(s); ok {
		return a, "", true
	}
	if h, _, err := net.SplitHostPort(s); err == nil {
		a, ok := remoteAddr(strings.Trim(h, "[]"))
		return a, "", ok
	}
	a, ok = remoteAddr(strings.Trim(s, "[]"))
	return a, "", ok
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

// clientCtx is the context key under which withClient keeps a signing
// request's client key.
type clientCtx struct{}

// withClient finds a signing POST's client (Server.keyer) once, warning
// (when a rate limit is set) about a proxy that is probably miscounted, and keeps it in the request's
// context for the rate limit and the used-token set.
func (s *Server) withClient(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost {
			next.ServeHTTP(w, r)
			return
		}
		if s.cfg.RateLimit > 0 {
			// The warning is about a shared rate limit; with none
			// (--rate-limit 0) there is nothing to warn of.
			s.warnProxy(r, s.keyer)
		}
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), clientCtx{}, s.keyer.key(r))))
	})
}

// warningProxy is withClient without the context: the signing route's
// guards find the client themselves (signRoute).
func (s *Server) warningProxy(next http.Handler) http.Handler {
	if s.cfg.RateLimit <= 0 {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost {
			s.warnProxy(r, s.keyer)
		}
		next.ServeHTTP(w, r)
	})
}

// warnProxy logs, once per process, per-client limits that probably count
// a proxy rather than its clients: no client-address header while requests
// arrive from a loopback or private address (every client behind the proxy
// would share one signing rate limit and one budget of 404 suggestions and
// private pages), or a header arriving from a peer that is not trusted
// (and is therefore ignored). Only a request shows this, so it is logged
// on the first signature, or first budgeted request (notfound.go), that
// does.
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
			s.log.Warn("requests arrive from a loopback or private address, as through a reverse proxy, but no client-address header is set: every client behind the proxy shares " + s.sharedLimits() + ". Set --client-ip-header (and --trusted-proxies unless the proxy is on this machine)")
		}
	case k.header != "" && !inPrefixes(peer, k.trusted) && r.Header.Get(k.header) != "":
		if !s.proxyWarned.Swap(true) {
			s.log.Warn("a request came with the client-address header from a peer that is not a trusted proxy, so the header was ignored and the peer counted; if that peer is your proxy, add its range to --trusted-proxies",
				"header", k.header)
		}
	}
}
