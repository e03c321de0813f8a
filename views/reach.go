package views

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// View models of reach: personal share links, the next step after an
// action, and the private page of a personal link.

// NextStep is the call to action offered once one is done: the next one on
// the page, or, after the last, a related campaign.
type NextStep struct {
	// Title is the next call to action's heading, or the related campaign's title.
	Title string
	// URL is where it is: "#id" on the same page, a campaign page's
	// address, or an outside address for a related link.
	URL string
	// Icon is the next action's emoji or symbol, or empty.
	Icon string
}

// PersonalLinkView is a new signer's own share link on the thank-you page.
type PersonalLinkView struct {
	// URL is the personal link: the campaign's address with ?ref=TOKEN.
	URL string
	// Share offers the personal link on every network, each link tagged
	// with its source.
	Share ShareView
	// PrivateURL is the address of the link's private page ("your link
	// brought N signatures"), shown only the first time the page is seen;
	// empty afterwards.
	PrivateURL string
	// KeyShown is true when the private address was shown before (the page
	// was reloaded): the page says it is not kept and cannot be shown again.
	KeyShown bool
}

// ImpactPageProps is the private page of a personal link: how many
// signatures it brought. Only its holder knows the address.
type ImpactPageProps struct {
	Page          Page
	CampaignTitle string
	CampaignURL   string
	// Count is how many signatures the link brought; Heading says it as a
	// headline in the page's language ("Your link brought 12 signatures").
	Count   int
	Heading string
	// LinkURL is the personal link itself, to share again.
	LinkURL string
}

// DonateAsk is the thank-you page's invitation to give, when the
// organisation takes donations: suggested amounts, each a link to its
// donation page, and a link for any other amount.
type DonateAsk struct {
	// Title and Text ask, in the page's language.
	Title, Text string
	// Amounts are the suggested amounts ("€10"), each linking to the
	// donation page with that amount preset where the page supports it.
	Amounts []Link
	// URL is the donation page itself; Label its link's text ("Another
	// amount" beside amounts, "Give to NAME" alone).
	URL, Label string
}

// textPart is a piece of a share message: plain text, or a hashtag or an
// address to be isolated from the text around it (Isolate), so a hashtag
// keeps its # in front and an address its order inside Arabic or Hebrew.
type textPart struct {
	Text    string
	Isolate bool
	// LTR marks an address, always read left to right.
	LTR bool
}

// isolatedParts cuts s into textParts at its hashtags (#word) and
// addresses (http:// or https:// up to the next space).
func isolatedParts(s string) []textPart {
	var out []textPart
	for s != "" {
		i := strings.IndexAny(s, "#h")
		for i >= 0 && !startsPart(s[i:]) {
			j := strings.IndexAny(s[i+1:], "#h")
			if j < 0 {
				i = -1
				break
			}
			i += 1 + j
		}
		if i < 0 {
			out = append(out, textPart{Text: s})
			break
		}
		if i > 0 {
			out = append(out, textPart{Text: s[:i]})
		}
		end := strings.IndexFunc(s[i:], unicode.IsSpace)
		if end < 0 {
			end = len(s) - i
		}
		word := strings.TrimRightFunc(s[i:i+end], func(r rune) bool { return strings.ContainsRune(".,;:!?)»”", r) })
		out = append(out, textPart{Text: word, Isolate: true, LTR: word[0] == 'h'})
		s = s[i+len(word):]
	}
	return out
}

// startsPart reports whether s starts with a hashtag or an address.
func startsPart(s string) bool {
	if strings.HasPrefix(s, "http://") || strings.HasPrefix(s, "https://") {
		return true
	}
	if len(s) < 2 || s[0] != '#' {
		return false
	}
	r, _ := utf8.DecodeRuneInString(s[1:])
	return unicode.IsLetter(r) || unicode.IsDigit(r) || r == '_'
}
