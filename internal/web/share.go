package web

import (
	"errors"
	"net/netip"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/net/idna"

	"github.com/placard/placard/internal/attribution"
	"github.com/placard/placard/internal/campaign"
	"github.com/placard/placard/views"
)

// linkPlaceholder is where organisers put the campaign's address in a share message.
const linkPlaceholder = "{link}"

// withLink puts link where the message says {link}, or after it when it does not.
func withLink(msg, link string) string {
	msg = strings.TrimSpace(msg)
	if strings.Contains(msg, linkPlaceholder) {
		return strings.ReplaceAll(msg, linkPlaceholder, link)
	}
	if msg == "" {
		return link
	}
	return msg + " " + link
}

// withoutLink removes {link} for share screens that take the address
// separately (Telegram), tidying the spaces around it.
func withoutLink(msg string) string {
	msg = strings.ReplaceAll(msg, linkPlaceholder, "")
	return strings.Join(strings.Fields(msg), " ")
}

// shareLabels are the link texts, by network.
var shareLabels = map[campaign.Network]string{
	campaign.NetworkX:        "Post on X",
	campaign.NetworkBluesky:  "Post on Bluesky",
	campaign.NetworkMastodon: "Share on Mastodon",
	campaign.NetworkFacebook: "Share on Facebook",
	campaign.NetworkLinkedIn: "Share on LinkedIn",
	campaign.NetworkWhatsApp: "Send on WhatsApp",
	campaign.NetworkTelegram: "Send on Telegram",
	campaign.NetworkEmail:    "Send by email",
}

// shareLinks builds the share address for every network except Mastodon
// (which needs the reader's own server and goes through a form), in page
// order. msg returns the message a network uses (before {link} is filled);
// link is the campaign's canonical address (or a personal link), which each
// network's link carries with ?src=NETWORK added.
func shareLinks(msg func(campaign.Network) string, link, emailSubject string) []views.ShareLink {
	var out []views.ShareLink
	plain := link
	for _, n := range campaign.Networks {
		// Each network shares the address tagged with its own source, so
		// arrivals and signatures can be counted per network (internal/attribution).
		link := attribution.WithSource(plain, string(n), "")
		text := withLink(msg(n), link)
		l := views.ShareLink{Network: string(n), Label: shareLabels[n]}
		switch n {
		case campaign.NetworkX:
			l.URL = "https://x.com/intent/post?text=" + queryEscape(text)
		case campaign.NetworkBluesky:
			l.URL = "https://bsky.app/intent/compose?text=" + queryEscape(text)
		case campaign.NetworkMastodon:
			continue
		case campaign.NetworkFacebook:
			l.URL = "https://www.facebook.com/sharer/sharer.php?u=" + queryEscape(link)
			l.Text = text
		case campaign.NetworkLinkedIn:
			l.URL = "https://www.linkedin.com/sharing/share-offsite/?url=" + queryEscape(link)
			l.Text = text
		case campaign.NetworkWhatsApp:
			l.URL = "https://wa.me/?text=" + queryEscape(text)
		case campaign.NetworkTelegram:
			l.URL = "https://t.me/share/url?url=" + queryEscape(link)
			if t := withoutLink(msg(n)); t != "" {
				l.URL += "&text=" + queryEscape(t)
			}
		case campaign.NetworkEmail:
			l.URL = mailtoURL("", emailSubject, text)
		}
		out = append(out, l)
	}
	return out
}

// errBadInstance is the reader-facing reason a Mastodon server address was refused.
var errBadInstance = errors.New("that doesn't look like a Mastodon server address")

// errMixedScripts refuses a server name with a label mixing alphabets.
var errMixedScripts = errors.New("that server name mixes alphabets")

// maxShareText bounds the text carried to a Mastodon share screen; Mastodon
// itself allows 500 characters, so anything far beyond is not ours.
const maxShareText = 1000

// mastodonHost checks what a reader typed as their Mastodon server and
// returns its host name in ASCII. It accepts "mastodon.social",
// "https://mastodon.social/", and "@name@mastodon.social"; it refuses IP
// addresses, ports, paths, single-label names and anything that is not a
// valid host name, so the redirect can only ever go to https://HOST/share.
func mastodonHost(in string) (string, error) {
	s := strings.TrimSpace(in)
	if s == "" || len(s) > 300 || !utf8.ValidString(s) {
		return "", errBadInstance
	}
	lower := strings.ToLower(s)
	for _, p := range []string{"https://", "http://"} {
		if strings.HasPrefix(lower, p) {
			s = s[len(p):]
			break
		}
	}
	s = strings.TrimSuffix(s, "/")
	// A full handle such as @sam@mastodon.social names the server last.
	if strings.HasPrefix(s, "@") || strings.Count(s, "@") == 1 {
		if i := strings.LastIndexByte(s, '@'); i >= 0 {
			s = s[i+1:]
		}
	}
	s = strings.TrimSuffix(s, ".")
	if s == "" || strings.ContainsAny(s, "/\\?#:@ %[]") {
		return "", errBadInstance
	}
	host, err := idna.Lookup.ToASCII(s)
	if err != nil || len(host) > 253 {
		return "", errBadInstance
	}
	host = strings.ToLower(host)
	if _, err := netip.ParseAddr(host); err == nil {
		return "", errBadInstance
	}
	labels := strings.Split(host, ".")
	if len(labels) < 2 {
		return "", errBadInstance
	}
	for _, l := range labels {
		if l == "" || len(l) > 63 || l[0] == '-' || l[len(l)-1] == '-' {
			return "", errBadInstance
		}
		for i := 0; i < len(l); i++ {
			c := l[i]
			if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-') {
				return "", errBadInstance
			}
		}
	}
	tld := labels[len(labels)-1]
	if strings.Trim(tld, "0123456789") == "" || tld == "localhost" || tld == "local" || tld == "internal" {
		return "", errBadInstance
	}
	for _, l := range labels {
		if !strings.HasPrefix(l, "xn--") {
			continue
		}
		u, err := idna.Punycode.ToUnicode(l)
		if err != nil {
			return "", errBadInstance
		}
		if mixedScripts(u) {
			return "", errMixedScripts
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
