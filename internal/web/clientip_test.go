package web

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"testing"
)

func TestClientKey(t *testing.T) {
	proxies := []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8"), netip.MustParsePrefix("2001:db8:1::/48")}
	cases := []struct {
		name, header, peer string
		trusted            []netip.Prefix
		values             []string
		want               string
	}{
		{"no header: the peer", "", "203.0.113.9:5000", nil, nil, "203.0.113.9"},
		{"no header configured, one sent: the peer", "", "203.0.113.9:5000", nil, []string{"198.51.100.1"}, "203.0.113.9"},
		{"trusted proxy, one address", "X-Real-IP", "10.1.2.3:5000", proxies, []string{"198.51.100.1"}, "198.51.100.1"},
		{"untrusted peer: header ignored", "X-Real-IP", "203.0.113.9:5000", proxies, []string{"198.51.100.1"}, "203.0.113.9"},
		{"untrusted peer pretending to be a proxy", "X-Forwarded-For", "203.0.113.9:5000", proxies, []string{"10.0.0.1"}, "203.0.113.9"},
		{"trusted proxy, header missing: the peer", "X-Forwarded-For", "10.1.2.3:5000", proxies, nil, "10.1.2.3"},
		{"trusted proxy, header empty: the peer", "X-Forwarded-For", "10.1.2.3:5000", proxies, []string{""}, "10.1.2.3"},
		{"several addresses: right-most untrusted", "X-Forwarded-For", "10.1.2.3:5000", proxies, []string{"1.1.1.1, 198.51.100.7, 10.9.9.9"}, "198.51.100.7"},
		{"client-written left part ignored", "X-Forwarded-For", "10.1.2.3:5000", proxies, []string{"evil, 198.51.100.7"}, "198.51.100.7"},
		{"several header lines", "X-Forwarded-For", "10.1.2.3:5000", proxies, []string{"1.1.1.1", "198.51.100.8, 10.0.0.2"}, "198.51.100.8"},
		{"garbage right of proxies: last trusted hop", "X-Forwarded-For", "10.1.2.3:5000", proxies, []string{"198.51.100.7, not-an-ip, 10.0.0.2"}, "10.0.0.2"},
		{"garbage only: the peer", "X-Real-IP", "10.1.2.3:5000", proxies, []string{"unknown"}, "10.1.2.3"},
		{"every hop trusted: the left-most", "X-Forwarded-For", "10.1.2.3:5000", proxies, []string{"10.0.0.5, 10.0.0.6"}, "10.0.0.5"},
		{"address with port", "X-Forwarded-For", "10.1.2.3:5000", proxies, []string{"198.51.100.7:4711"}, "198.51.100.7"},
		{"IPv6 counts by /64", "X-Forwarded-For", "10.1.2.3:5000", proxies, []string{"2001:db8:2:3:4:5:6:7"}, "2001:db8:2:3::"},
		{"bracketed IPv6 with port", "X-Forwarded-For", "[2001:db8:1::9]:443", proxies, []string{"[2001:db8:2:3::1]:80"}, "2001:db8:2:3::"},
		{"IPv4-mapped peer", "X-Real-IP", "[::ffff:10.1.2.3]:5000", proxies, []string{"198.51.100.1"}, "198.51.100.1"},
		{"Forwarded", "Forwarded", "10.1.2.3:5000", proxies, []string{`for=198.51.100.1;proto=https, for="[2001:db8:1::1]:4711"`}, "198.51.100.1"},
		{"Forwarded without for", "Forwarded", "10.1.2.3:5000", proxies, []string{`proto=https`}, "10.1.2.3"},
		{"loopback only by default", "X-Real-IP", "127.0.0.1:5000", loopbackOnly, []string{"198.51.100.1"}, "198.51.100.1"},
		{"loopback only: a remote peer's header ignored", "X-Real-IP", "10.1.2.3:5000", loopbackOnly, []string{"198.51.100.1"}, "10.1.2.3"},
		{"peer not an address: never empty", "X-Real-IP", "@", proxies, nil, "peer:@"},
		{"no header, IPv6 peer: its /64", "", "[2001:db8:7:8:9::1]:5000", nil, nil, "2001:db8:7:8::"},
		{"no header, IPv4-mapped peer: the IPv4 address", "", "[::ffff:203.0.113.9]:5000", nil, nil, "203.0.113.9"},
		{"no header, peer without a port", "", "203.0.113.9", nil, nil, "203.0.113.9"},
		{"IPv4-mapped client in the header: the IPv4 address", "X-Real-IP", "10.1.2.3:5000", proxies, []string{"::ffff:198.51.100.1"}, "198.51.100.1"},
		{"spaces around entries", "X-Forwarded-For", "10.1.2.3:5000", proxies, []string{" 198.51.100.9 ,10.0.0.2 "}, "198.51.100.9"},
		{"empty entry stops the walk at the last trusted hop", "X-Forwarded-For", "10.1.2.3:5000", proxies, []string{"198.51.100.9,,10.0.0.2"}, "10.0.0.2"},
		{"Forwarded, several parameters before for", "Forwarded", "10.1.2.3:5000", proxies, []string{`proto=https;by=10.0.0.1;FOR=198.51.100.4`}, "198.51.100.4"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			k := &clientKeyer{header: http.CanonicalHeaderKey(c.header), trusted: c.trusted}
			r, _ := http.NewRequest("POST", "/x/y/sign", nil)
			r.RemoteAddr = c.peer
			for _, v := range c.values {
				name := c.header
				if name == "" {
					name = "X-Real-IP"
				}
				r.Header.Add(name, v)
			}
			if got := k.key(r); got != c.want {
				t.Errorf("key = %q, want %q", got, c.want)
			}
		})
	}
}

// TestClientKeyAllocations: the key of an IPv4 peer with no client header
// believed is the text of RemoteAddr before the port, allocated nowhere
// (every signing POST asks for it twice).
func TestClientKeyAllocations(t *testing.T) {
	if raceEnabled {
		t.Log("allocations differ under the race detector: counted by the run without -race (.ci/run: signing budgets)")
		return
	}
	k := &clientKeyer{trusted: loopbackOnly}
	r, _ := http.NewRequest("POST", "/x/y/sign", nil)
	r.RemoteAddr = "203.0.113.9:5000"
	if n := testing.AllocsPerRun(100, func() { _ = k.key(r) }); n != 0 {
		t.Errorf("key of an IPv4 peer: %.0f allocations, want 0", n)
	}
	// Through a proxy, an IPv4 client's key is its entry in the header:
	// no list split, no error from a parse, no formatted address.
	for header, v := range map[string]string{"X-Real-IP": "198.51.100.1", "X-Forwarded-For": "192.0.2.1, 198.51.100.1, 127.0.0.1"} {
		k := newClientKeyer(header, nil)
		r, _ := http.NewRequest("POST", "/x/y/sign", nil)
		r.RemoteAddr = "127.0.0.1:5000"
		r.Header.Set(header, v)
		if got := k.key(r); got != "198.51.100.1" {
			t.Fatalf("%s: %q: key %q", header, v, got)
		}
		if n := testing.AllocsPerRun(100, func() { _ = k.key(r) }); n != 0 {
			t.Errorf("key of an IPv4 client in %s: %.0f allocations, want 0", header, n)
		}
	}
}

// TestProxyWarning: signatures from a private address with no client
// header configured log one warning, however many arrive, and never the
// address.
func TestProxyWarning(t *testing.T) {
	var logs bytes.Buffer
	e := newSignEnv(t, openSQLite(t), func(c *Config) { c.RateLimit = 100; c.Logger = newTestLogger(&logs) })
	for range 3 {
		r := httptest.NewRequest("POST", libraryPage+"/sign", strings.NewReader("name=x"))
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		r.RemoteAddr = "10.20.30.40:5555"
		e.s.ServeHTTP(httptest.NewRecorder(), r)
	}
	if n := strings.Count(logs.String(), "--client-ip-header"); n != 1 {
		t.Errorf("got %d proxy warnings, want 1:\n%s", n, logs.String())
	}
	if strings.Contains(logs.String(), "10.20.30.40") {
		t.Errorf("the warning logs the client's address:\n%s", logs.String())
	}
}

// TestNoProxyWarningWithoutRateLimit: with the rate limit off
// (--rate-limit 0, a negative Config.RateLimit) no limit is shared by anyone, so the
// warning that every client behind a proxy shares one is not logged, as
// before issue 11's re-partition (the warning came from the limiter).
func TestNoProxyWarningWithoutRateLimit(t *testing.T) {
	var logs bytes.Buffer
	e := newSignEnv(t, openSQLite(t), func(c *Config) { c.RateLimit = -1; c.Logger = newTestLogger(&logs) })
	r := httptest.NewRequest("POST", libraryPage+"/sign", strings.NewReader("name=x"))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	r.RemoteAddr = "10.20.30.40:5555"
	e.s.ServeHTTP(httptest.NewRecorder(), r)
	if strings.Contains(logs.String(), "rate limit") {
		t.Errorf("a proxy warning about the rate limit with the limit off:\n%s", logs.String())
	}
}
