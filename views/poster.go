package views

import (
	"context"
	"html"
	"io"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/a-h/templ"
)

// The poster's text is sized when the page is built, from its length: each
// text gets a class fit-0 (largest) … fit-N, and poster.css gives each class
// a size in points (print) and the same share of the sheet's width on
// screen. posterFit picks the largest size at which an estimate of the
// text's lines stays within the height the text may take on an A4 sheet
// and its longest unbreakable run fits one line. The estimate is generous
// (wide bold faces such as DejaVu Sans Bold), and whatever it misses the QR
// code absorbs: it shrinks in print to leave the text its room.

// posterLineWidth is the sheet's text width in print, in points: A4 less the
// page margins and the sheet's padding (170 mm).
const posterLineWidth = 482

// fitSpec describes one poster text: its sizes in points, largest first
// (poster.css has one fit-i class per size), its average and widest
// character widths in em, its line height, and the most height it may take.
type fitSpec struct {
	sizes       []float64
	em, lineEm  float64
	maxHeightPt float64
}

var (
	posterTitleFit   = fitSpec{sizes: []float64{40, 34, 28, 24, 20, 17, 14}, em: .62, lineEm: 1.2, maxHeightPt: 175}
	posterSummaryFit = fitSpec{sizes: []float64{16, 14, 13, 12}, em: .56, lineEm: 1.35, maxHeightPt: 100}
	posterActionFit  = fitSpec{sizes: []float64{26, 22, 18, 15}, em: .64, lineEm: 1.2, maxHeightPt: 64}
	posterURLFit     = fitSpec{sizes: []float64{24, 20, 17, 14, 12, 10, 8}, em: .68, lineEm: 1.25, maxHeightPt: 64}
)

// posterFit is the fit-i class of a text of n characters whose longest
// unbreakable run is longest characters.
func posterFit(spec fitSpec, n, longest int) string {
	i := 0
	for ; i < len(spec.sizes)-1; i++ {
		size := spec.sizes[i]
		perLine := posterLineWidth / (spec.em * size)
		// Lines break between words, not at the last character that fits:
		// count a line as 85% full.
		lines := math.Ceil(float64(n) / (perLine * .85))
		if float64(longest) <= perLine && lines*spec.lineEm*size <= spec.maxHeightPt {
			break
		}
	}
	return "fit-" + strconv.Itoa(i)
}

// textFit is the fit-i class of prose, which breaks between words.
func textFit(spec fitSpec, s string) string {
	longest := 0
	for _, w := range strings.Fields(s) {
		longest = max(longest, utf8.RuneCountInString(w))
	}
	return posterFit(spec, utf8.RuneCountInString(s), longest)
}

// urlFit is the fit-i class of an address, which breaks only after the
// characters urlParts breaks it at.
func urlFit(s string) string {
	longest := 0
	for _, p := range urlParts(s) {
		longest = max(longest, utf8.RuneCountInString(p))
	}
	return posterFit(posterURLFit, utf8.RuneCountInString(s), longest)
}

// urlUnbreakable reports whether some part of the address is too long for
// a line even at the smallest size: only then may it break inside a word
// (poster.css), as a cut-off address is worse than a split one.
func urlUnbreakable(s string) bool {
	spec := posterURLFit
	limit := posterLineWidth / (spec.em * spec.sizes[len(spec.sizes)-1])
	for _, p := range urlParts(s) {
		if float64(utf8.RuneCountInString(p)) > limit {
			return true
		}
	}
	return false
}

// urlParts splits an address after each "/", "-" and ".": the poster puts
// a <wbr> between the parts, so a long address wraps at those boundaries
// and never inside a word.
func urlParts(s string) []string {
	var parts []string
	for len(s) > 0 {
		i := strings.IndexAny(s, "/-.")
		if i < 0 {
			parts = append(parts, s)
			break
		}
		parts = append(parts, s[:i+1])
		s = s[i+1:]
	}
	return parts
}

// posterURLClass is the address's class list.
func posterURLClass(s string) string {
	c := "poster-url-text " + urlFit(s)
	if urlUnbreakable(s) {
		c += " poster-url-unbreakable"
	}
	return c
}

// urlWithBreaks writes an address with a <wbr> after each of its "/", "-"
// and "." (urlParts) and no other space, so it wraps only there.
func urlWithBreaks(s string) templ.Component {
	return templ.ComponentFunc(func(_ context.Context, w io.Writer) error {
		for i, part := range urlParts(s) {
			if i > 0 {
				if _, err := io.WriteString(w, "<wbr>"); err != nil {
					return err
				}
			}
			if _, err := io.WriteString(w, html.EscapeString(part)); err != nil {
				return err
			}
		}
		return nil
	})
}
