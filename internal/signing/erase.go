package signing

import (
	"slices"
	"strings"

	"golang.org/x/text/unicode/norm"
)

// EraseForms are the stored forms an erasure of s looks for: the form
// signing keys a signature by (NormaliseEmail, so fullwidth letters, a
// domain typed in A-labels and the like find the same signer), its
// A-label spelling (EmailSpellings: what an earlier version stored for a
// domain typed that way, wherever a row of it may be left), and, when it
// differs, the plainer form signing used before NFKC (trimmed, NFC,
// lower-cased), so a row stored then is found by typing it as it was
// given. An address signing refuses (say with a zero-width space) is
// looked up in that plainer form only: such a row can only be one stored
// before the refusal. When IDNA accepts its domain, though (refused for
// its alphabets: "a@κοκο.com"), both spellings of that domain are looked
// for, Unicode and A-labels: one mailbox, stored in either by some
// version, and told to CRMs in A-labels.
func EraseForms(s string) []string {
	legacy := strings.ToLower(strings.TrimSpace(norm.NFC.String(s)))
	addr, msg := NormaliseEmail(s)
	if !msg.IsZero() || addr == "" {
		forms := []string{legacy}
		// Only when legacy is itself one of the two spellings: IDNA maps
		// away what signing refuses (a zero-width space), and that is not
		// a spelling of this address.
		if i := strings.LastIndexByte(legacy, '@'); i >= 0 {
			if d, ok := unicodeDomain(legacy[i+1:]); ok {
				u := legacy[:i+1] + d
				a := ASCIIEmail(u)
				switch legacy {
				case u:
					if a != u {
						forms = append(forms, a)
					}
				case a:
					forms = append(forms, u)
				}
			}
		}
		return forms
	}
	forms := EmailSpellings(addr)
	if !slices.Contains(forms, legacy) {
		forms = append(forms, legacy)
	}
	return forms
}
