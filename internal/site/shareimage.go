package site

import (
	"bytes"
	"image"
	"image/color"
	_ "image/gif" // registers GIF for DecodeConfig of organisers' images
	_ "image/jpeg"
	"image/png"
	"strings"

	"github.com/placard/placard/internal/campaign"
	"github.com/placard/placard/internal/imagesizes"
	"github.com/placard/placard/views"
)

// OpenGraph's recommended share picture size.
const ogWidth, ogHeight = 1200, 630

// isRaster reports whether networks can show the asset as a share picture:
// they take PNG, JPEG and GIF, not SVG.
func isRaster(a *campaign.Asset) bool {
	if a == nil {
		return false
	}
	switch strings.TrimSpace(strings.Split(a.ContentType, ";")[0]) {
	case "image/png", "image/jpeg", "image/gif":
		return true
	}
	return false
}

// rasterSize returns the asset's pixel size, reading the image header when
// the loader did not record it.
func rasterSize(a *campaign.Asset) (int, int) {
	if a.Width > 0 && a.Height > 0 {
		return a.Width, a.Height
	}
	cfg, _, err := image.DecodeConfig(bytes.NewReader(a.Data))
	if err != nil {
		return 0, 0
	}
	return imagesizes.Displayed(a.Data, cfg.Width, cfg.Height)
}

// shareImage picks the og:image of a page without a share card (previews):
// the campaign's picture when it is a raster image, else the organisation's
// logo when it is, else a plain picture in the organisation's colour. Public
// campaign and organisation pages use their generated card instead
// (cards.go).
func (b *builder) shareImage(org *campaign.Org, img *campaign.Image) *views.ShareImage {
	for _, cand := range []*campaign.Image{img, orgLogo(org)} {
		if si := b.rasterImage(org, cand); si != nil {
			return si
		}
	}
	if org == nil {
		return b.snap.siteImage
	}
	return b.plainImage(org.Slug, brandColour(org), org.Name)
}

// rasterImage describes img as a share picture when it is a PNG, JPEG or
// GIF of known size, or returns nil.
func (b *builder) rasterImage(org *campaign.Org, img *campaign.Image) *views.ShareImage {
	a := imageAsset(org, img)
	if !isRaster(a) {
		return nil
	}
	w, h := rasterSize(a)
	if w == 0 {
		return nil
	}
	return &views.ShareImage{
		URL:    b.opt.Base + b.assetURL(org, a),
		Width:  w,
		Height: h,
		Alt:    img.Alt,
		Type:   strings.TrimSpace(strings.Split(a.ContentType, ";")[0]),
	}
}

func orgLogo(org *campaign.Org) *campaign.Image {
	if org == nil {
		return nil
	}
	return org.Logo
}

// plainImage serves a 1200×630 PNG in colour hex (a solid field with a
// darker band along the bottom) and describes it with alt.
func (b *builder) plainImage(name, hex, alt string) *views.ShareImage {
	c, ok := parseHex(hex)
	if !ok {
		c, _ = parseHex(defaultBrand)
	}
	dark := color.RGBA{c.R / 2, c.G / 2, c.B / 2, 255}
	// A two-colour palette keeps the PNG tiny and the encode fast.
	img := image.NewPaletted(image.Rect(0, 0, ogWidth, ogHeight), color.Palette{c, dark})
	for y := ogHeight - 40; y < ogHeight; y++ {
		row := img.Pix[y*img.Stride : y*img.Stride+ogWidth]
		for i := range row {
			row[i] = 1
		}
	}
	var buf bytes.Buffer
	enc := png.Encoder{CompressionLevel: png.BestCompression}
	if err := enc.Encode(&buf, img); err != nil {
		return nil
	}
	u := b.addStatic("og/"+name+".png", buf.Bytes(), "image/png")
	return &views.ShareImage{URL: b.opt.Base + u, Width: ogWidth, Height: ogHeight, Alt: alt, Type: "image/png"}
}

// squarePNG is a size×size PNG filled with colour hex.
func squarePNG(hex string, size int) []byte {
	c, ok := parseHex(hex)
	if !ok {
		c, _ = parseHex(defaultBrand)
	}
	img := image.NewPaletted(image.Rect(0, 0, size, size), color.Palette{c})
	var buf bytes.Buffer
	_ = png.Encode(&buf, img)
	return buf.Bytes()
}

// imageAsset finds the file an Image names: the loader's Asset, or the
// organisation's asset with the same path.
func imageAsset(org *campaign.Org, img *campaign.Image) *campaign.Asset {
	if img == nil {
		return nil
	}
	if img.Asset != nil {
		return img.Asset
	}
	if org != nil && img.Src != "" {
		return org.Assets[strings.TrimPrefix(img.Src, "./")]
	}
	return nil
}
