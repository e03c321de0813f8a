// Package qrcode draws QR codes as crisp SVG and PNG files, for posters
// and leaflets that send people from the street to a campaign page.
//
// Encoding is done by rsc.io/qr at error-correction level M (about 15% of
// the symbol may be damaged or dirty and still read). This package only
// draws: every dark module becomes part of one SVG path (runs of modules
// in a row merged into one rectangle, shape-rendering crispEdges so no
// anti-aliased seams appear between modules), or one pixel block in a
// two-colour PNG. Both leave the quiet zone of four light modules on every
// side that scanners need to find the symbol.
package qrcode

import (
	"bytes"
	"fmt"
	"html"
	"image"
	"image/color"
	"image/png"
	"strconv"

	"rsc.io/qr"
)

// QuietZone is the light margin, in modules, on every side of the symbol:
// the four the QR specification requires.
const QuietZone = 4

// Code is an encoded QR symbol. It is immutable and safe for concurrent use.
type Code struct {
	c *qr.Code
}

// Encode encodes text (usually an absolute URL) at error-correction level
// M. It fails only when text is too long for the largest QR version
// (about 2,300 bytes at level M).
func Encode(text string) (*Code, error) {
	c, err := qr.Encode(text, qr.M)
	if err != nil {
		return nil, fmt.Errorf("encoding %d bytes as a QR code: %w", len(text), err)
	}
	return &Code{c: c}, nil
}

// Size is the number of modules on a side, without the quiet zone.
func (c *Code) Size() int { return c.c.Size }

// Dark reports whether the module at column x, row y (0-based, not
// counting the quiet zone) is dark. Outside the symbol it is false.
func (c *Code) Dark(x, y int) bool { return c.c.Black(x, y) }

// SVG draws the code as a standalone SVG document. Each module is
// modulePx pixels in the document's width and height (it scales freely;
// the size only matters to programs that rasterise it at its natural size);
// title, when not empty, names the picture for screen readers. Dark modules
// are black on a white square, the contrast every scanner expects.
func (c *Code) SVG(modulePx int, title string) []byte {
	if modulePx < 1 {
		modulePx = 1
	}
	n := c.c.Size + 2*QuietZone
	side := strconv.Itoa(n)
	px := strconv.Itoa(n * modulePx)
	var b bytes.Buffer
	// stroke="none" is the SVG default, but ImageMagick's renderer (which
	// zbarimg and many print tools use) outlines shapes unless told not to,
	// which merges neighbouring modules into an unreadable blob.
	b.WriteString(`<svg xmlns="http://www.w3.org/2000/svg" version="1.1" viewBox="0 0 ` + side + ` ` + side +
		`" width="` + px + `" height="` + px + `" shape-rendering="crispEdges" stroke="none"`)
	if title != "" {
		b.WriteString(` role="img" aria-label="` + html.EscapeString(title) + `"><title>` + html.EscapeString(title) + `</title>`)
	} else {
		b.WriteString(`>`)
	}
	b.WriteString(`<rect width="` + side + `" height="` + side + `" fill="#fff"/><path fill="#000" d="`)
	for y := 0; y < c.c.Size; y++ {
		for x := 0; x < c.c.Size; {
			if !c.c.Black(x, y) {
				x++
				continue
			}
			run := 1
			for c.c.Black(x+run, y) {
				run++
			}
			// One rectangle per run of dark modules: move, across, down,
			// back, close.
			fmt.Fprintf(&b, "M%d %dh%dv1h-%dz", x+QuietZone, y+QuietZone, run, run)
			x += run
		}
	}
	b.WriteString(`"/></svg>`)
	b.WriteByte('\n')
	return b.Bytes()
}

// PNG draws the code as a black and white PNG with modulePx pixels per
// module, quiet zone included.
func (c *Code) PNG(modulePx int) ([]byte, error) {
	if modulePx < 1 {
		modulePx = 1
	}
	n := (c.c.Size + 2*QuietZone) * modulePx
	img := image.NewPaletted(image.Rect(0, 0, n, n), color.Palette{color.Gray{0xff}, color.Gray{0}})
	for y := 0; y < c.c.Size; y++ {
		for x := 0; x < c.c.Size; x++ {
			if !c.c.Black(x, y) {
				continue
			}
			x0, y0 := (x+QuietZone)*modulePx, (y+QuietZone)*modulePx
			for yy := y0; yy < y0+modulePx; yy++ {
				row := img.Pix[yy*img.Stride+x0 : yy*img.Stride+x0+modulePx]
				for i := range row {
					row[i] = 1
				}
			}
		}
	}
	var buf bytes.Buffer
	enc := png.Encoder{CompressionLevel: png.DefaultCompression}
	if err := enc.Encode(&buf, img); err != nil {
		return nil, fmt.Errorf("encoding the QR code as PNG: %w", err)
	}
	return buf.Bytes(), nil
}
