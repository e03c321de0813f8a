// Package mastodon checks what a reader types to share on their own
// Mastodon server: the server's host name (a public name, not one whose
// labels mix alphabets as look-alikes do). It knows
// nothing of HTTP; web's share redirect asks it.
package mastodon

import (
	"errors"
	"net/netip"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/net/idna"
)

// ErrBadServer is the reader-facing reason a Mastodon server address was refused.
var ErrBadServer = errors.New("that doesn't look like a Mastodon server address")

// ErrMixedScripts refuses a server name with a label mixing alphabets.
var ErrMixedScripts = errors.New("that server name mixes alphabets")

// Host checks what a reader typed as their Mastodon server and
// returns its host name in ASCII. It accepts "mastodon.social",
// "https://mastodon.social/", and "@name@mastodon.social"; it refuses IP
// addresses, ports, paths, single-label names and anything that is not a
// valid host name, so the redirect can only ever go to https://HOST/share.
func Host(in string) (string, error) {
	s := strings.TrimSpace(in)
	if s == "" || len(s) > 300 || !utf8.ValidString(s) {
		return "", ErrBadServer
	}
	lower := strings.ToLower(s)
	for _, p := range []string{"https://", "http://"} {
		if strings.HasPrefix(lower, p) {
			s = s[len(p):]
			break
		}
	}
	s = strings.TrimSuffix(s, "/")
	// A full handle such as @sam@mastodon.social names the server last;
	// its user is a user name (letters, digits, _ . -), never a URL's
	// userinfo ("user:password@", "other.host/@") hiding the real host.
	if strings.HasPrefix(s, "@") || strings.Count(s, "@") == 1 {
		if i := strings.LastIndexByte(s, '@'); i >= 0 {
			if !handleUser(strings.TrimPrefix(s[:i], "@")) {
				return "", ErrBadServer
			}
			s = s[i+1:]
		}
	}
	s = strings.TrimSuffix(s, ".")
	if s == "" || strings.ContainsAny(s, "/\\?#:@ %[]") {
		return "", ErrBadServer
	}
	host, err := idna.Lookup.ToASCII(s)
	if err != nil || len(host) > 253 {
		return "", ErrBadServer
	}
	host = strings.ToLower(host)
	if _, err := netip.ParseAddr(host); err == nil {
		return "", ErrBadServer
	}
	labels := strings.Split(host, ".")
	if len(labels) < 2 {
		return "", ErrBadServer
	}
	for _, l := range labels {
		if l == "" || len(l) > 63 || l[0] == '-' || l[len(l)-1] == '-' {
			return "", ErrBadServer
		}
		for i := 0; i < len(l); i++ {
			c := l[i]
			if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-') {
				return "", ErrBadServer
			}
		}
	}
	tld := labels[len(labels)-1]
	if strings.Trim(tld, "0123456789") == "" || tld == "localhost" || tld == "local" || tld == "internal" {
		return "", ErrBadServer
	}
	for _, l := range labels {
		if !strings.HasPrefix(l, "xn--") {
			continue
		}
		u, err := idna.Punycode.ToUnicode(l)
		if err != nil {
			return "", ErrBadServer
		}
		// A label holds letters, marks, digits and hyphens (IDNA2008's
		// PVALID, roughly): UTS 46 lets symbols through, and a division
		// slash in "evil∕x.example" reads as a path.
		for _, r := range u {
			if !unicode.IsLetter(r) && !unicode.IsMark(r) && !unicode.IsDigit(r) && r != '-' {
				return "", ErrBadServer
			}
		}
		if mixedScripts(u) {
			return "", ErrMixedScripts
		}
	}
	return host, nil
}

// lookalikeScripts are the scripts a host label's letters are sorted into;
// anything else (digits, hyphens, marks) is Common or Inherited and fits
// any script.
var lookalikeScripts = func() []*unicode.RangeTable {
	var out []*unicode.RangeTable
	for name, t := range unicode.Scripts {
		if name != "Common" && name != "Inherited" {
			out = append(out, t)
		}
	}
	return out
}()

// cjkMixes are the script mixes one language writes in, as Unicode's
// "highly restrictive" profile (UTS #39) allows them: Latin with Han and
// the Japanese kana, with Bopomofo, or with Hangul.
var cjkMixes = [][]*unicode.RangeTable{
	{unicode.Latin, unicode.Han, unicode.Hiragana, unicode.Katakana},
	{unicode.Latin, unicode.Han, unicode.Bopomofo},
	{unicode.Latin, unicode.Han, unicode.Hangul},
}

// mixedScripts reports whether label's letters come from more than one
// script, other than the CJK mixes: the mark of a look-alike name, such as
// "аpple" with a Cyrillic а.
func mixedScripts(label string) bool {
	var seen []*unicode.RangeTable
	for _, r := range label {
		if r < 0x80 {
			if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' {
				seen = addScript(seen, unicode.Latin)
			}
			continue
		}
		for _, t := range lookalikeScripts {
			if unicode.Is(t, r) {
				seen = addScript(seen, t)
				break
			}
		}
	}
	if len(seen) <= 1 {
		return false
	}
mixes:
	for _, mix := range cjkMixes {
		for _, t := range seen {
			if !slices.Contains(mix, t) {
				continue mixes
			}
		}
		return false
	}
	return true
}

func addScript(seen []*unicode.RangeTable, t *unicode.RangeTable) []*unicode.RangeTable {
	if slices.Contains(seen, t) {
		return seen
	}
	return append(seen, t)
}

// handleUser reports whether u is the user part of a handle such as
// @sam@mastodon.social: ASCII letters, digits, underscores, dots and
// hyphens, as Mastodon and its kin name accounts.
func handleUser(u string) bool {
	if u == "" || len(u) > 64 {
		return false
	}
	for i := 0; i < len(u); i++ {
		c := u[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '.' || c == '-') {
			return false
		}
	}
	return true
}
