package campaign

import (
	"net/url"
	"strings"
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
// send and compare (lower-case scheme and host, default port dropped, no
// trailing slash), or explains in plain words, for an organiser, why it is
// not an origin.
func EmbedOrigin(raw string) (origin, problem string) {
	s := strings.TrimSpace(raw)
	if s == "" {
		return "", "is empty — write a site's address such as https://partner.example"
	}
	if !strings.Contains(s, "://") {
		return "", "must start with https:// — write https://" + strings.TrimSuffix(s, "/")
	}
	u, err := url.Parse(s)
	if err != nil || u.Host == "" || u.Hostname() == "" || u.Opaque != "" {
		return "", "is not a site address — write the scheme and host only, such as https://partner.example"
	}
	scheme := strings.ToLower(u.Scheme)
	if scheme != "https" && scheme != "http" {
		return "", "must start with https:// (or http:// for a test site) — got " + u.Scheme + "://"
	}
	if u.User != nil {
		return "", "must not contain a user name or password — write the scheme and host only, such as https://partner.example"
	}
	if (u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.Fragment != "" || strings.HasSuffix(s, "?") || strings.HasSuffix(s, "#") {
		return "", "must be the site's scheme and host only, with no path, query or # part — write " + scheme + "://" + u.Host
	}
	if strings.Contains(u.Hostname(), "*") {
		return "", "must name one site exactly — wildcards such as * are not allowed; list each site on its own line"
	}
	host := strings.ToLower(u.Host)
	if p := u.Port(); (scheme == "https" && p == "443") || (scheme == "http" && p == "80") {
		host = strings.ToLower(u.Hostname())
		if strings.Contains(host, ":") {
			host = "[" + host + "]"
		}
	} else if p != "" {
		for _, r := range p {
			if r < '0' || r > '9' {
				return "", "has a port that is not a number — write it like https://partner.example:8443"
			}
		}
	}
	return scheme + "://" + host, ""
}
