package site

import (
	"net/url"
	"strings"
)

// Addresses pages link out to: tel: and mailto: links, share intents
// (their query escaping), and an X profile's handle.

// withQuery adds key=value to link's query, keeping what is there; it
// returns link unchanged when it cannot be parsed.
func withQuery(link, key, value string) string {
	u, err := url.Parse(link)
	if err != nil {
		return link
	}
	q := u.Query()
	q.Set(key, value)
	u.RawQuery = q.Encode()
	return u.String()
}

// telURL turns a written phone number into a tel: link, keeping a leading +
// and the digits.
func telURL(phone string) string {
	var b strings.Builder
	for i, r := range strings.TrimSpace(phone) {
		switch {
		case r == '+' && i == 0:
			b.WriteRune(r)
		case r >= '0' && r <= '9':
			b.WriteRune(r)
		}
	}
	if b.Len() < 3 {
		return ""
	}
	return "tel:" + b.String()
}

// QueryEscape percent-encodes s for a query value with spaces as %20, which
// every mail client and share screen reads the same way (some show a + literally).
func QueryEscape(s string) string {
	return strings.ReplaceAll(url.QueryEscape(s), "+", "%20")
}

// mailtoAddr escapes the characters that would end a mailto: address.
// Made once: a replacer of single bytes allocates a 256-entry table when
// first used, and a build writes a mailto: link for every letter and
// share section (29 of 500 MB a start at 1,000 campaigns allocated).
var mailtoAddr = strings.NewReplacer("?", "%3F", "#", "%23", "%", "%25", " ", "%20")

// MailtoURL builds a mailto: link with an optional subject and body.
func MailtoURL(addr, subject, body string) string {
	addr = strings.TrimSpace(addr)
	var b strings.Builder
	b.WriteString("mailto:")
	// Addresses are validated by the loader; escape the few characters that
	// would end the address part.
	b.WriteString(mailtoAddr.Replace(addr))
	sep := byte('?')
	if subject != "" {
		b.WriteByte(sep)
		b.WriteString("subject=")
		b.WriteString(QueryEscape(subject))
		sep = '&'
	}
	if body != "" {
		b.WriteByte(sep)
		b.WriteString("body=")
		// RFC 6068: line breaks in a mailto body are written as CRLF.
		body = strings.ReplaceAll(strings.ReplaceAll(body, "\r\n", "\n"), "\n", "\r\n")
		b.WriteString(QueryEscape(body))
	}
	return b.String()
}

// twitterHandle turns an X profile address into @handle for twitter:site.
func twitterHandle(profile string) string {
	u, err := url.Parse(strings.TrimSpace(profile))
	if err != nil || u.Host == "" {
		return ""
	}
	h := strings.TrimPrefix(u.Host, "www.")
	if h != "x.com" && h != "twitter.com" {
		return ""
	}
	name, _, _ := strings.Cut(strings.Trim(u.Path, "/"), "/")
	if name == "" {
		return ""
	}
	return "@" + strings.TrimPrefix(name, "@")
}
