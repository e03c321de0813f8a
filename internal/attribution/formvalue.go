package attribution

import (
	"bytes"
	"strings"
)

// The signing form carries the attribution of the page it was served from
// in a hidden field. Its value is always FormValueLen characters, the form
// token's length, so a cached page's compressed pieces and lengths never
// change when a response splices a value in: "source.ref" padded with dots.
const (
	// FormField is the hidden field's name (the name pages have always used).
	FormField = "via"
	// FormValueLen is the length of every form value, blank or not.
	FormValueLen = 32
	// FormPlaceholder marks where a rendered page's form value goes; the
	// page cache replaces it per response.
	FormPlaceholder = "PlacardAttributionSlot0000000000"
)

var blankFormValue = bytes.Repeat([]byte{'.'}, FormValueLen)

// BlankFormValue is the form value of a page reached without attribution.
// The slice is shared: callers must not change it.
func BlankFormValue() []byte { return blankFormValue }

// FormValue is the form value for source and ref (both already checked,
// as FromQuery and ParseFormValue return them); nil when both are empty.
func FormValue(source, ref string) []byte {
	if source == "" && ref == "" {
		return nil
	}
	v := append([]byte(source+"."+ref), blankFormValue...)
	return v[:FormValueLen]
}

// ParseFormValue reads a posted form value; anything malformed reads as
// none.
func ParseFormValue(v string) (source, ref string) {
	v = strings.TrimRight(v, ".")
	source, ref, _ = strings.Cut(v, ".")
	if !KnownSource(source) {
		source = ""
	}
	if !ValidToken(ref) {
		ref = ""
	}
	return source, ref
}
