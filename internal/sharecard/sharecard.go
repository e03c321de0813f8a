// Package sharecard draws the pictures social networks show beside a shared
// link ("share cards"): a campaign's title, summary and organisation name on
// the organisation's brand colour, as a 1200×630 OpenGraph picture or a
// 1080×1080 square.
//
// Text is laid out with github.com/go-text/typesetting: segmented by bidi
// level, script and font, shaped with its HarfBuzz port (so Arabic letters
// join and Hebrew and Arabic read right to left), wrapped at UAX #14 line
// breaks and truncated with an ellipsis when it does not fit. Glyph outlines
// are filled with golang.org/x/image/vector. The Noto fonts are embedded
// (fonts/, with their OFL licence), so a card looks the same on every
// machine and golden-image tests can compare pixels. Together they cover
// Latin, Greek, Cyrillic, Arabic and Hebrew; characters none of them has
// (emoji, and scripts such as Chinese or Devanagari) are left out of the
// card rather than drawn as boxes.
//
// Rendering takes tens of milliseconds; callers cache the PNG under
// Card.Key and render again only when the inputs change.
package sharecard

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"strings"
	"sync"
	"unicode"

	"github.com/go-text/typesetting/font"
)

//go:embed fonts/*.ttf
var fontFiles embed.FS

// Format is a card's shape.
type Format int

const (
	// Landscape is 1200×630, the size OpenGraph and X's
	// summary_large_image recommend.
	Landscape Format = iota
	// Square is 1080×1080, for networks and messengers that crop to a square.
	Square
)

// Size is the format's width and height in pixels.
func (f Format) Size() (width, height int) {
	if f == Square {
		return 1080, 1080
	}
	return 1200, 630
}

// String names the format as it appears in file names: "landscape" or "square".
func (f Format) String() string {
	if f == Square {
		return "square"
	}
	return "landscape"
}

// DefaultPrimary is the background of a card whose Primary is unset.
var DefaultPrimary = color.RGBA{0x1f, 0x3a, 0x5f, 0xff}

// Card is everything a share card shows: plain, display-ready text and
// colours, with no knowledge of campaigns, so any page (a campaign, an
// organisation, a translation) can have one.
type Card struct {
	// Title is the large headline, such as the campaign's title. Up to
	// five lines are shown (three on a landscape card), in a smaller size
	// when a long title needs it; beyond that it ends with an ellipsis.
	Title string
	// Summary is the paragraph under the title; it gets the lines the title
	// leaves and ends with an ellipsis when it does not fit. May be empty.
	Summary string
	// OrgName is shown above the title, beside a bar in the accent colour.
	OrgName string
	// Primary is the background. White text must be readable on it (the
	// campaign loader already insists on 4.5:1 contrast). A zero value
	// (transparent black) means DefaultPrimary.
	Primary color.RGBA
	// Accent colours the bar beside the organisation name and the band
	// along the bottom. A zero value, or the same colour as Primary, means a
	// light tint of Primary.
	Accent color.RGBA
	// Lang is the BCP 47 code of the text's language, such as en, ar or he;
	// the shaper uses it to pick language-specific letter forms.
	Lang string
	// RTL lays the card out from the right: text is right-aligned and the
	// paragraph direction is right-to-left, so mixed Arabic or Hebrew and
	// Latin lines are ordered correctly.
	RTL bool
}

// renderVersion changes whenever the drawing changes, so cached cards keyed
// by Key are drawn again after an upgrade.
const renderVersion = "sharecard/1"

// Key is a hash of everything that decides the card's pixels in format f
// (the inputs and the renderer's version), as 64 hexadecimal digits. Two
// cards with the same Key look the same, so a cache may keep the PNG under
// it across reloads of unchanged text.
func (c Card) Key(f Format) string {
	h := sha256.New()
	fmt.Fprintf(h, "%s\x00%d\x00%q\x00%q\x00%q\x00%v\x00%v\x00%q\x00%t",
		renderVersion, f, c.Title, c.Summary, c.OrgName, c.Primary, c.Accent, c.Lang, c.RTL)
	return hex.EncodeToString(h.Sum(nil))
}

// Renderer draws cards. It is safe for concurrent use: the parsed fonts
// are shared (they are read-only) and each concurrent Render borrows its
// own faces, shaper and rasteriser from a pool.
type Renderer struct {
	fonts [numFaces]*font.Font
	pool  sync.Pool
}

// faceID names one embedded font file.
type faceID int

const (
	latinRegular faceID = iota
	arabicRegular
	hebrewRegular
	latinBold
	arabicBold
	hebrewBold
	numFaces
)

var fontNames = [numFaces]string{
	latinRegular:  "NotoSans-Regular.ttf",
	arabicRegular: "NotoSansArabic-Regular.ttf",
	hebrewRegular: "NotoSansHebrew-Regular.ttf",
	latinBold:     "NotoSans-Bold.ttf",
	arabicBold:    "NotoSansArabic-Bold.ttf",
	hebrewBold:    "NotoSansHebrew-Bold.ttf",
}

// NewRenderer parses the embedded fonts. It fails only if the embedded
// files are damaged, which the package's tests rule out.
func NewRenderer() (*Renderer, error) {
	r := &Renderer{}
	for i, name := range fontNames {
		data, err := fontFiles.ReadFile("fonts/" + name)
		if err != nil {
			return nil, fmt.Errorf("sharecard: reading font %s: %w", name, err)
		}
		face, err := font.ParseTTF(bytes.NewReader(data))
		if err != nil {
			return nil, fmt.Errorf("sharecard: parsing font %s: %w", name, err)
		}
		r.fonts[i] = face.Font
	}
	r.pool.New = func() any { return newWorker(r.fonts) }
	return r, nil
}

// Render draws c in format f, as a paletted image of 64 colours (the
// background, the accent and two text colours at 31 steps of
// anti-aliasing).
func (r *Renderer) Render(c Card, f Format) *image.Paletted {
	w := r.pool.Get().(*worker)
	defer r.pool.Put(w)
	return w.render(c, f)
}

// PNG draws c in format f and encodes it as a PNG.
func (r *Renderer) PNG(c Card, f Format) ([]byte, error) {
	img := r.Render(c, f)
	var buf bytes.Buffer
	// BestSpeed: a card is encoded once per content change and then served
	// from a cache; the default level takes longer for a file only a little
	// smaller.
	enc := png.Encoder{CompressionLevel: png.BestSpeed}
	if err := enc.Encode(&buf, img); err != nil {
		return nil, fmt.Errorf("sharecard: encoding the PNG: %w", err)
	}
	return buf.Bytes(), nil
}

// cleanText folds every run of white space (including line breaks) into
// one space and drops other control characters, since a card shows each
// text as one paragraph. It also drops characters drawable reports no font
// has, such as emoji: a missing-glyph box on a share card looks broken,
// while a title without its emoji still reads well.
func cleanText(s string, drawable func(rune) bool) []rune {
	out := make([]rune, 0, len(s))
	space := false
	for _, r := range strings.TrimSpace(s) {
		switch {
		case unicode.IsSpace(r):
			space = true
			continue
		case unicode.IsControl(r) || r == unicode.ReplacementChar || !drawable(r):
			continue
		}
		if space && len(out) > 0 {
			out = append(out, ' ')
		}
		space = false
		out = append(out, r)
	}
	return out
}
