package web

import (
	"fmt"
	"net/url"
	"strings"
	"time"

	"golang.org/x/text/language"

	"github.com/placard/placard/internal/i18n"
)

// isoDate is YYYY-MM-DD for <time datetime> and JSON-LD.
func isoDate(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format("2006-01-02")
}

// plural writes a count with its noun: "1 campaign", "3 campaigns".
func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return i18n.English().Number(n) + " " + many
}

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

// langInfo returns the BCP 47 tag for <html lang>, "ltr" or "rtl", and the
// og:locale for an organisation's language code (default en).
func langInfo(code string) (lang, dir, locale string) {
	code = strings.TrimSpace(code)
	if code == "" {
		code = "en"
	}
	tag, err := language.Parse(code)
	if err != nil {
		tag = language.English
	}
	lang = tag.String()
	dir = "ltr"
	if i18n.IsRTL(lang) {
		dir = "rtl"
	}
	return lang, dir, i18n.OGLocale(lang)
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

// queryEscape percent-encodes s for a query value with spaces as %20, which
// every mail client and share screen reads the same way (some show a + literally).
func queryEscape(s string) string {
	return strings.ReplaceAll(url.QueryEscape(s), "+", "%20")
}

// mailtoURL builds a mailto: link with an optional subject and body.
func mailtoURL(addr, subject, body string) string {
	addr = strings.TrimSpace(addr)
	var b strings.Builder
	b.WriteString("mailto:")
	// Addresses are validated by the loader; escape the few characters that
	// would end the address part.
	b.WriteString(strings.NewReplacer("?", "%3F", "#", "%23", "%", "%25", " ", "%20").Replace(addr))
	sep := byte('?')
	if subject != "" {
		b.WriteByte(sep)
		b.WriteString("subject=")
		b.WriteString(queryEscape(subject))
		sep = '&'
	}
	if body != "" {
		b.WriteByte(sep)
		b.WriteString("body=")
		// RFC 6068: line breaks in a mailto body are written as CRLF.
		body = strings.ReplaceAll(strings.ReplaceAll(body, "\r\n", "\n"), "\n", "\r\n")
		b.WriteString(queryEscape(body))
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

// capitalise upper-cases the first letter: "podcast" → "Podcast".
func capitalise(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// must panics on a programming error found while building fixed data.
func must[T any](v T, err error) T {
	if err != nil {
		panic(fmt.Sprintf("web: %v", err))
	}
	return v
}
