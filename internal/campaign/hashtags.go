package campaign

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// WithHashtags returns a share message with the hashtags added at its end,
// each written with its # and separated by spaces, as every network posts
// them: "Sign now {link} #HousingNow". A tag the message already holds
// (#tag as a whole word, in any case) is not added twice, so an organiser
// who wrote a hashtag inside the sentence keeps it where it is. The same
// text is what pages post and what check counts against each network's
// limit, so the two can never disagree.
func WithHashtags(msg string, tags []string) string {
	msg = strings.TrimSpace(msg)
	var b strings.Builder
	b.WriteString(msg)
	for _, t := range tags {
		t = strings.TrimSpace(t)
		if t == "" || holdsHashtag(msg, t) {
			continue
		}
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		b.WriteByte('#')
		b.WriteString(t)
	}
	return b.String()
}

// holdsHashtag reports whether msg already has #tag as a whole hashtag:
// #tag not followed by another letter, digit or _.
func holdsHashtag(msg, tag string) bool {
	lower, want := strings.ToLower(msg), "#"+strings.ToLower(tag)
	for i := 0; ; {
		j := strings.Index(lower[i:], want)
		if j < 0 {
			return false
		}
		end := i + j + len(want)
		r, _ := utf8.DecodeRuneInString(lower[end:])
		if end == len(lower) || !(unicode.IsLetter(r) || unicode.IsDigit(r) || r == '_' || unicode.Is(unicode.Mn, r)) {
			return true
		}
		i = end
	}
}
