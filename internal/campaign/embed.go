package campaign

import (
	"net/netip"
	"strconv"
	"strings"
	"unicode"

	"golang.org/x/net/idna"
)

// embedOrigins checks org.yaml's embed_origins: each a web origin (http or
// https, a host, an optional port, and nothing after it), listed once. A
// browser compares these byte for byte with the framing page's origin, so
// anything more (a path, a query, a trailing slash) would never match and
// is refused here rather than failing silently on the partner's site.
func (c *checker) embedOrigins(o *Org) {
	seen := map[string]bool{}
	for i := range o.EmbedOrigins {
		raw := o.EmbedOrigins[i]
		w := c.at(&o.EmbedOrigins[i])
		norm, msg := EmbedOrigin(raw)
		switch {
		case msg != "":
			c.errorf(w, "embed_origins: %s %s", quoteValue(raw), msg)
		case seen[norm]:
			c.errorf(w, "embed_origins: %s is listed twice — keep one line for it", quoteValue(raw))
		default:
			seen[norm] = true
			o.EmbedOrigins[i] = norm
		}
	}
}

// EmbedOrigin normalises one entry of embed_origins to the form browsers
// send and compare (lower-case scheme and host, an international name in its
// ASCII form, default port dropped, no trailing slash), or explains in plain
// words, for an organiser, why it is not an origin.
//
// The result is written into a Content-Security-Policy header
// (frame-ancestors) as it is, so it is rebuilt from checked parts only:
// https (or http for this computer: localhost and loopback addresses, for
// tests), a valid host name or IP address, and a port from 1 to 65535.
// Anything that could change the policy's structure — a space, ';', ',',
// a quote, a wildcard — is refused, never passed through.
func EmbedOrigin(raw string) (origin, problem string) {
	s := strings.Trim(raw, " \t\r\n")
	if s == "" {
		return "", "is empty — write a site's address such as https://partner.example"
	}
	for _, r := range s {
		switch {
		case unicode.IsSpace(r):
			return "", "must not contain a space — write one site's address on each line, such as https://partner.example"
		case r == ';':
			return "", "must not contain ';' (it would change the site's security rules) — write the scheme and host only, such as https://partner.example"
		case r == ',':
			return "", "must not contain ',' — list each site on its own line"
		case r == '\'' || r == '"' || r == '`':
			return "", "must not contain quote marks — write the address without them, such as https://partner.example"
		case unicode.IsControl(r):
			return "", "must not contain control characters — write the address again by hand"
		}
	}
	i := strings.Index(s, "://")
	if i < 0 {
		return "", "must start with https:// — write https://" + strings.TrimSuffix(s, "/")
	}
	scheme, rest := strings.ToLower(s[:i]), strings.TrimSuffix(s[i+3:], "/")
	if scheme != "https" && scheme != "http" {
		return "", "must start with https:// (or http:// for a test site on this computer) — got " + s[:i] + "://"
	}
	if j := strings.IndexAny(rest, "/?#"); j >= 0 || strings.HasSuffix(s, "?") || strings.HasSuffix(s, "#") {
		if j < 0 {
			j = len(rest)
		}
		return "", "must be the site's scheme and host only, with no path, query or # part — write " + scheme + "://" + rest[:j]
	}
	if strings.Contains(rest, "@") {
		return "", "must not contain a user name or password — write the scheme and host only, such as https://partner.example"
	}
	if strings.Contains(rest, "*") {
		return "", "must name one site exactly — wildcards such as * are not allowed; list each site on its own line"
	}
	host, port := rest, ""
	if strings.HasPrefix(rest, "[") {
		j := strings.Index(rest, "]")
		if j < 0 {
			return "", "is not a site address — write the scheme and host only, such as https://partner.example"
		}
		host, port = rest[:j+1], rest[j+1:]
	} else if j := strings.Index(rest, ":"); j >= 0 {
		host, port = rest[:j], rest[j:]
	}
	if host == "" {
		return "", "is not a site address — write the scheme and host only, such as https://partner.example"
	}
	if port != "" {
		n, err := strconv.Atoi(port[1:])
		if !strings.HasPrefix(port, ":") || strings.Trim(port[1:], "0123456789") != "" || err != nil || n < 1 || n > 65535 {
			return "", "has a port that is not a number from 1 to 65535 — write it like https://partner.example:8443"
		}
		port = ":" + strconv.Itoa(n)
		if scheme == "https" && n == 443 || scheme == "http" && n == 80 {
			port = ""
		}
	}
	host, loopback, ok := originHost(host)
	if !ok {
		return "", "is not a valid site name — write the scheme and host only, such as https://partner.example"
	}
	if scheme == "http" && !loopback {
		return "", "must start with https:// — http:// is only for a test site on this computer (localhost or 127.0.0.1): write https://" + host + port
	}
	return scheme + "://" + host + port, ""
}

// originHost checks and normalises the host of an origin: a bracketed IPv6
// address, an IPv4 address or a host name (international names in their
// ASCII form). loopback reports localhost and loopback addresses.
func originHost(h string) (host string, loopback, ok bool) {
	if strings.HasPrefix(h, "[") {
		a, err := netip.ParseAddr(strings.TrimSuffix(strings.TrimPrefix(h, "["), "]"))
		if err != nil || !strings.HasSuffix(h, "]") || !a.Is6() || a.Zone() != "" || a.Is4In6() {
			return "", false, false
		}
		return "[" + a.String() + "]", a.IsLoopback(), true
	}
	if a, err := netip.ParseAddr(h); err == nil {
		if !a.Is4() {
			return "", false, false
		}
		return a.String(), a.IsLoopback(), true
	}
	for _, r := range h {
		if !(unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r) || unicode.Is(unicode.Mc, r) || r == '-' || r == '.') {
			return "", false, false
		}
	}
	ascii, err := idna.Lookup.ToASCII(h)
	if err != nil || len(ascii) > 253 {
		return "", false, false
	}
	ascii = strings.ToLower(ascii)
	labels := strings.Split(ascii, ".")
	for _, l := range labels {
		if l == "" || len(l) > 63 || l[0] == '-' || l[len(l)-1] == '-' {
			return "", false, false
		}
		for i := 0; i < len(l); i++ {
			if c := l[i]; !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-') {
				return "", false, false
			}
		}
	}
	if strings.Trim(labels[len(labels)-1], "0123456789") == "" {
		return "", false, false // 1.2.3 or 010.1.1.1: browsers read these as addresses
	}
	return ascii, ascii == "localhost", true
}
