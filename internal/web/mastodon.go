package web

import (
	"errors"
	"net/http"
	"net/netip"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/net/idna"

	"github.com/placard/placard/internal/i18n"
	"github.com/placard/placard/internal/site"
	"github.com/placard/placard/views"
)

// The Mastodon share: a redirect to the reader's own server, after a
// check of the server's name and the message.

// Messages for a refused Mastodon share.
const (
	badInstanceHeading = "That is not a Mastodon server address"
	badInstanceMessage = "Type the address of the Mastodon server where you have your account, such as mastodon.social, then try sharing again."
	mixedHeading       = "That server name mixes alphabets"
	mixedMessage       = "Part of that name is written in letters of different alphabets, as names made to look like another site's are. Check the address of your Mastodon server, type it again with your keyboard, and try sharing again."
	badTextHeading     = "That share message cannot be sent"
	badTextMessage     = "The message is too long or contains characters that are not text. Go back to the campaign page and use its share button again."
)

// mastodonShare sends the reader to their own Mastodon server's share screen
// with the message prefilled. Mastodon has no central share address, so the
// campaign page asks for the reader's server in a small GET form. Only a
// valid public host name is accepted (not one whose labels mix alphabets,
// as look-alikes do), and the link always goes to https://HOST/share,
// never anywhere else.
//
// The server and the message are the query's, so anyone can write a link
// here that would send a reader, from the organisation's own domain, to a
// server and words of their choosing. Only a navigation from this site's
// own page (Sec-Fetch-Site: same-origin: the share form) is redirected at
// once; any other request gets a page, in the page's language, naming the
// server and showing the message, with a plain link to continue.
func (s *Server) mastodonShare(w http.ResponseWriter, r *http.Request) error {
	snap := s.snap.Load()
	pagePath := strings.TrimSuffix(r.URL.Path, "/share/mastodon")
	text, ok := snap.Mastodon[pagePath]
	if !ok {
		return errNotFound
	}
	q := r.URL.Query()
	host, err := mastodonHost(q.Get("instance"))
	if errors.Is(err, errMixedScripts) {
		return badRequest(mixedHeading, mixedMessage)
	}
	if err != nil {
		return badRequest(badInstanceHeading, badInstanceMessage)
	}
	if t := strings.TrimSpace(q.Get("text")); t != "" {
		if !utf8.ValidString(t) || utf8.RuneCountInString(t) > maxShareText || strings.ContainsRune(t, 0) {
			return badRequest(badTextHeading, badTextMessage)
		}
		text = t
	}
	target := "https://" + host + "/share?text=" + site.QueryEscape(text)
	if r.Header.Get("Sec-Fetch-Site") != "same-origin" {
		return s.mastodonConfirm(w, r, snap, pagePath, host, text, target)
	}
	h := w.Header()
	h.Set("Location", target)
	h["Cache-Control"] = hvNoStore
	w.WriteHeader(http.StatusSeeOther)
	return nil
}

// mastodonConfirm is the page asking the reader to continue to host.
func (s *Server) mastodonConfirm(w http.ResponseWriter, r *http.Request, snap *site.Snapshot, pagePath, host, text, target string) error {
	loc := snap.MastodonLoc[pagePath]
	if loc == nil {
		loc = i18n.New(i18n.Default, nil)
	}
	shown := host
	if u, err := idna.ToUnicode(host); err == nil && u != host {
		shown = u + " (" + host + ")"
	}
	title := loc.T("share.mastodon.confirm.title")
	frame := s.errorFrame(snap, title)
	frame.L = loc
	frame.Lang, frame.Dir, frame.OGLocale = site.LangInfo(loc.Lang())
	return s.writePage(w, r, http.StatusOK, views.MastodonConfirmPage(views.MastodonConfirmProps{
		Page: frame, Host: shown, Text: text, URL: target, BackURL: pagePath,
	}), "")
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
