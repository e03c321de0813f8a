package site

import (
	"image/color"
	"strconv"
	"strings"

	"github.com/placard/placard/internal/campaign"
)

// An organisation's colours: the one inline style rule a page carries
// (its hash goes in the page's policy) and the colours of its share card.

// defaultBrand colours site-level share pictures and pages of organisations
// that chose no colour.
const defaultBrand = "#1f3a5f"

// parseHex reads #rrggbb or #rgb.
func parseHex(s string) (color.RGBA, bool) {
	s = strings.TrimPrefix(strings.TrimSpace(s), "#")
	if len(s) == 3 {
		s = string([]byte{s[0], s[0], s[1], s[1], s[2], s[2]})
	}
	if len(s) != 6 {
		return color.RGBA{}, false
	}
	v, err := strconv.ParseUint(s, 16, 32)
	if err != nil {
		return color.RGBA{}, false
	}
	return color.RGBA{uint8(v >> 16), uint8(v >> 8), uint8(v), 255}, true
}

// brandColour is the organisation's primary colour, or the default.
func brandColour(org *campaign.Org) string {
	if org != nil {
		if _, ok := parseHex(org.Colours.Primary); ok {
			return org.Colours.Primary
		}
	}
	return defaultBrand
}

// themeCSS is the inline rule that sets an organisation's colours, or "" to
// keep the stylesheet's defaults. Colours are re-written from their parsed
// value, so nothing but a colour can reach the style element.
func themeCSS(org *campaign.Org) string {
	if org == nil {
		return ""
	}
	p, ok := parseHex(org.Colours.Primary)
	if !ok {
		return ""
	}
	a, ok := parseHex(org.Colours.Accent)
	if !ok {
		a = p
	}
	return ":root{--brand:" + hexColour(p) + ";--accent:" + hexColour(a) + "}"
}

func hexColour(c color.RGBA) string {
	const digits = "0123456789abcdef"
	return string([]byte{'#', digits[c.R>>4], digits[c.R&15], digits[c.G>>4], digits[c.G&15], digits[c.B>>4], digits[c.B&15]})
}
