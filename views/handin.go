package views

import (
	"html/template"
	"iter"

	"github.com/placard/placard/internal/i18n"
)

// HandinProps is the printable A4 hand-in document of a petition or letter
// (built by internal/handin): what is delivered to the decision-maker.
type HandinProps struct {
	// L is the campaign's language, for the fixed wording.
	L *i18n.Localizer
	// Lang and Dir are the document's language and direction.
	Lang, Dir string
	// DocTitle is the browser's title for the document.
	DocTitle string
	// Title is the campaign's title; Org the organisation delivering it.
	Title, Org string
	// Target is who the petition or letter is addressed to ("" for none).
	Target string
	// Salutation and Closing frame a letter's body ("" for a petition).
	Salutation, Closing string
	// TextHTML is the petition's text or the letter's body, sanitised.
	TextHTML template.HTML
	// Count is the number of counted signatures, formatted.
	Count string
	// Date is the day the document was made, formatted.
	Date string
	// Names is true when the organisation hands in names (delivery: names).
	Names bool
	// Named is how many signers the document names (0: no table).
	Named int
	// Signers yields the signers named, in the order they signed, reading
	// them as the document is written, so it never holds the list (which
	// is as long as the campaign is popular); SignersErr (when not nil)
	// says afterwards whether reading them failed, and then the document
	// is incomplete.
	Signers    iter.Seq[HandinSigner]
	SignersErr func() error
	// Unnamed is how many counted signers are not named, formatted; "" for none.
	Unnamed string
	// CSS is the document's only style sheet, written inline exactly as
	// "<style>" + CSS + "</style>"; its sha256 goes in the page's
	// Content-Security-Policy. It holds the A4 page rules, with the title
	// and page numbers repeated on every printed page.
	CSS string
}

// HandinSigner is one named signer.
type HandinSigner struct {
	// Name is as the signer typed it; for an organisation's signature on a
	// letter, the person, their role and the organisation.
	Name string
	// Place is the signer's postcode and country, as given ("" for none).
	Place string
}
