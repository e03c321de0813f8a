package campaign

// Typography is how an organiser's Markdown treats straight quotes and
// double hyphens.
type Typography string

// The typography settings.
const (
	// TypographyVerbatim keeps every character as typed: ' stays ' and -- stays --.
	TypographyVerbatim Typography = "verbatim"
	// TypographySmart turns quotes and dashes into typographic ones (’ “ ” – —).
	TypographySmart Typography = "smart"
)

// Typographies lists the typography settings, for checks and the schema.
var Typographies = []string{string(TypographyVerbatim), string(TypographySmart)}

// Verbatim reports whether the organisation's own texts (its about, shown
// on its page) keep their quotes and dashes as typed: only when org.yaml
// says typography: verbatim.
func (o *Org) Verbatim() bool {
	return o != nil && o.Typography == TypographyVerbatim
}

// Verbatim reports whether the campaign's Markdown of an action of kind k
// (k is "" for the campaign's own body and outcome) keeps its quotes and
// dashes as typed. The campaign's typography decides, else the
// organisation's; without either, a letter's or a statement's text is
// verbatim (its words are signed or quoted as written: an apostrophe turned
// into ’ is a change to the signed text) and the rest is smart.
func (c *Campaign) Verbatim(k Kind) bool {
	t := c.Typography
	if t == "" && c.Org != nil {
		t = c.Org.Typography
	}
	switch t {
	case TypographyVerbatim:
		return true
	case TypographySmart:
		return false
	}
	return k == KindLetter || k == KindStatement
}
