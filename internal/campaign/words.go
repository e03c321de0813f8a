package campaign

// The words of messages: how values and lists are quoted, and how a
// mistyped name finds the one that was meant.

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/placard/placard/internal/spell"
)

// enumMessage explains that key must be one of options, suggesting the
// closest option to got.
func enumMessage(key, got string, options []string) string {
	msg := fmt.Sprintf("%s must be %s, not %s", quoteKey(key), orList(options), quoteValue(got))
	if s := didYouMean(got, options); s != "" {
		msg += " — did you mean " + quoteValue(s) + "?"
	}
	return msg
}

// orList writes "a, b or c".
func orList(s []string) string {
	switch len(s) {
	case 0:
		return ""
	case 1:
		return s[0]
	}
	return strings.Join(s[:len(s)-1], ", ") + " or " + s[len(s)-1]
}

// andList writes "a, b and c".
func andList(s []string) string {
	if len(s) < 2 {
		return orList(s)
	}
	return strings.Join(s[:len(s)-1], ", ") + " and " + s[len(s)-1]
}

// quoteKey writes a setting's name as 'goal'; list-item names ("each of
// 'amounts'") are already phrased and pass through.
func quoteKey(key string) string {
	if strings.HasPrefix(key, "each of ") {
		return key
	}
	return "'" + key + "'"
}

// quoteValue shows an organiser's value in a message: quoted, on one line,
// and shortened when long.
func quoteValue(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexAny(s, "\r\n"); i >= 0 {
		s = s[:i] + " …"
	}
	if r := []rune(s); len(r) > 40 {
		s = string(r[:37]) + "…"
	}
	return "'" + s + "'"
}

func intExample(key string) string {
	if strings.Contains(key, "amounts") {
		return "25"
	}
	return "5000"
}

// intHint adds advice for the usual ways a number is mistyped.
func intHint(s string) string {
	plain := strings.NewReplacer(",", "", "_", "", " ", "", ".", "").Replace(s)
	if _, err := strconv.Atoi(plain); err == nil && plain != s {
		if strings.Contains(s, ".") && !strings.Contains(s, ",") && len(s)-strings.Index(s, ".") <= 3 {
			return " (leave out the decimals)"
		}
		return " (write it without separators: " + plain + ")"
	}
	return ""
}

// synonyms are names organisers reach for that Placard spells differently,
// each with the settings it may mean (the first one a struct has wins).
var synonyms = map[string][]string{
	"twitter": {"x"}, "type": {"kind"}, "url": {"link", "website", "src"}, "href": {"link", "src"},
	"color": {"colours"}, "colors": {"colours"}, "tags": {"hashtags"}, "content": {"body", "text"},
	"telephone": {"phone"}, "tel": {"phone"}, "phone_number": {"phone"}, "email_address": {"email"},
	"mail": {"email"}, "image": {"logo"}, "picture": {"image", "logo"}, "photo": {"image", "logo"},
	"alt_text": {"alt"}, "description": {"summary", "about"}, "bio": {"about"}, "signatories": {"organisations"},
	"signers": {"individuals"}, "people": {"individuals"}, "slug": {"id"}, "anchor": {"id"},
	"lang": {"language"}, "locale": {"language"}, "ends": {"close_at"}, "end_date": {"close_at"},
	"deadline": {"close_at"}, "published": {"date"}, "headline": {"title"}, "heading": {"title"},
	"name": {"title"}, "title": {"name"}, "state": {"status"}, "steps": {"actions"},
	"calls_to_action": {"actions"}, "links": {"items"}, "documents": {"items"}, "contacts": {"targets"},
	// choices: kinds named for what they ask (as in "Listen. Amplify.
	// Engage. Support."), statuses and formats by other names
	"amplify": {"share"}, "spread": {"share"}, "support": {"donate"}, "give": {"donate"},
	"donation": {"donate"}, "fundraise": {"donate"}, "call": {"contact"}, "email": {"contact"},
	"phone": {"contact"}, "write": {"contact"}, "open_letter": {"letter"}, "sign": {"petition"},
	"press": {"statement"}, "press_release": {"statement"}, "release": {"statement"},
	"hear": {"listen"}, "watch": {"listen"}, "read": {"resources"}, "media": {"listen"},
	"join": {"engage"}, "directory": {"engage"}, "members": {"engage"}, "reports": {"resources"},
	"downloads": {"resources"}, "report": {"resources"}, "live": {"published"}, "public": {"published"},
	"open": {"published"}, "won": {"victory"}, "win": {"victory"}, "ended": {"closed"},
	"hidden": {"draft"}, "private": {"draft"}, "numbered": {"steps"}, "section": {"sections"},
	"radio": {"audio"}, "sound": {"audio"}, "film": {"video"}, "movie": {"video"}, "text": {"article"},
	"news": {"article"}, "episode": {"podcast"},
}

// didYouMean returns the setting a mistaken name most likely meant: a close
// spelling, else a known synonym, or "".
func didYouMean(name string, known []string) string {
	if s := suggest(name, known); s != "" {
		return s
	}
	for _, s := range synonyms[strings.NewReplacer("-", "_", " ", "_").Replace(strings.ToLower(strings.TrimSpace(name)))] {
		if slices.Contains(known, s) {
			return s
		}
	}
	return ""
}

// suggest returns the option closest to got when it is close enough to be a
// likely typo, or "". Case, hyphens and spaces are ignored, and swapping two
// letters counts as one edit.
func suggest(got string, options []string) string {
	norm := func(s string) string {
		return strings.NewReplacer("-", "_", " ", "_").Replace(strings.ToLower(strings.TrimSpace(s)))
	}
	g := norm(got)
	best, bestD := "", 1<<30
	for _, o := range options {
		if d := spell.Distance(g, norm(o)); d < bestD {
			best, bestD = o, d
		}
	}
	limit := 1
	switch n := utf8.RuneCountInString(g); {
	case n >= 9:
		limit = 3
	case n >= 5:
		limit = 2
	}
	if bestD <= limit {
		return best
	}
	return ""
}

// sizeText writes a byte count as organisers read it: 31.2 MB, 240 KB.
func sizeText(n int64) string {
	switch {
	case n >= 1<<20:
		return strconv.FormatFloat(float64(n)/(1<<20), 'f', 1, 64) + " MB"
	case n >= 1<<10:
		return strconv.FormatInt(n>>10, 10) + " KB"
	}
	return strconv.FormatInt(n, 10) + " bytes"
}
