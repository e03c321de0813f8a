// Package imagesizes makes smaller copies of organisers' pictures, so a
// phone is sent a picture about as wide as its screen rather than the
// 1200-pixel original.
//
// Plan says, from the picture's header alone, which widths to offer; Make
// decodes the picture once and encodes every planned width. JPEG stays
// JPEG and PNG stays PNG. Pictures are never made wider than they are.
//
// Organisers' files are not trusted: Plan and Make read the header's size
// before decoding and refuse a picture of more than MaxPixels (or whose
// copies would need more than MaxScaleBuffer to make), so a small
// file that claims to be enormous (a decompression bomb) costs nothing, and
// at most MaxConcurrent pictures are decoded at once, which bounds memory.
// The output depends only on the input bytes and the width: the same file
// always gives the same bytes, on every machine.
package imagesizes

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"image"
	"image/jpeg"
	"image/png"
	"math"
	"sync"
	"sync/atomic"
	"testing"

	"golang.org/x/image/draw"
)

// Widths are the widths, in pixels, that pictures are offered in, smallest
// first: a phone (480 at one device pixel per CSS pixel, or a 240 px column
// at two), a phone at two or three device pixels, and the full-width
// picture of a desktop page.
var Widths = []int{480, 800, 1200}

// MaxPixels is the largest picture, in pixels, that Make decodes: 25
// megapixels, a 6000×4000 camera picture (100 MB decoded at worst).
// Larger pictures are offered only as they are.
const MaxPixels = 25_000_000

// MaxScaleBuffer bounds the memory of making one copy. The resizer
// (golang.org/x/image/draw's Kernel.Scale) keeps a buffer of
// scaleBytesPerPixel bytes for every pixel of a picture as wide as the copy
// and as tall as the original, so a tall, narrow picture within MaxPixels
// (1201×20000 pixels: a 60 KB file) needed 768 MB for its 1200 px copy
// and 1.7 GB in all. 256 MiB keeps every copy of a 4000×6000 portrait
// camera picture (its 1200 px copy needs 230 MB); a taller picture is
// offered in the widths that fit, and one whose smallest copy does not fit
// only as it is.
const MaxScaleBuffer = 256 << 20

// scaleBytesPerPixel is the resizer's buffer per pixel: four float64.
const scaleBytesPerPixel = 32

// MaxConcurrent is how many pictures Make decodes at once; more callers wait.
const MaxConcurrent = 2

// JPEGQuality is the quality of the JPEG copies wider than PhoneWidth.
const JPEGQuality = 78

// PhoneWidth is the copy phones fetch whatever their pixel density (the
// web layer's sizes ask for it), shown up to 1.5 times enlarged on dense
// screens; PhoneQuality, its JPEG quality, is lower than JPEGQuality so
// that a page with four pictures stays within 60 KB on a phone. At that
// size and density the artefacts are hardly visible.
const (
	PhoneWidth   = 480
	PhoneQuality = 65
)

// Version names the resizing and encoding; a change to either (widths,
// filter, quality) must change it, so cached copies are made again.
const Version = "imagesizes/2"

// Size is one width a picture is offered in, and the height that keeps its
// proportions.
type Size struct {
	Width, Height int
}

// Errors Plan and Make return for pictures they will not resize.
var (
	// ErrFormat is a picture other than JPEG or PNG (GIF may be animated,
	// SVG is drawn at any size, and WebP has no encoder here).
	ErrFormat = errors.New("imagesizes: only JPEG and PNG pictures are resized")
	// ErrTooLarge is a picture whose header claims more than MaxPixels, or
	// one so tall that even its smallest copy needs more than
	// MaxScaleBuffer.
	ErrTooLarge = errors.New("imagesizes: picture too large to resize")
)

// Displayed returns the size a browser shows a picture of w×h stored
// pixels at: a JPEG whose EXIF orientation is 5 to 8 (a phone held
// upright) is turned a quarter, so it shows h×w. Browsers apply the EXIF
// orientation (CSS image-orientation: from-image is the default), so a
// page's width and height attributes must be these.
func Displayed(data []byte, w, h int) (int, int) {
	if quarterTurn(orientation(data)) {
		return h, w
	}
	return w, h
}

// quarterTurn reports whether EXIF orientation o swaps width and height.
func quarterTurn(o int) bool { return o >= 5 && o <= 8 }

// Plan returns the widths of Widths narrower than data's picture as shown
// (Displayed), with their heights, and the format ("jpeg" or "png"),
// reading only the picture's header. It returns no sizes, and an error
// saying why, for a picture it will not resize; a picture no wider than
// the smallest width gets no sizes and no error.
func Plan(data []byte) ([]Size, string, error) {
	cfg, format, err := image.DecodeConfig(bytes.NewReader(data))
	if err != nil {
		return nil, "", fmt.Errorf("imagesizes: reading the picture's header: %w", err)
	}
	if format != "jpeg" && format != "png" {
		return nil, format, ErrFormat
	}
	if cfg.Width <= 0 || cfg.Height <= 0 || int64(cfg.Width)*int64(cfg.Height) > MaxPixels {
		return nil, format, ErrTooLarge
	}
	turned := format == "jpeg" && quarterTurn(orientation(data))
	dw, dh := cfg.Width, cfg.Height
	if turned {
		dw, dh = dh, dw
	}
	var out []Size
	for _, w := range Widths {
		if w >= dw {
			break
		}
		h := max(int(math.Round(float64(dh)*float64(w)/float64(dw))), 1)
		// The copy is scaled in the stored orientation, then turned: the
		// resizer's buffer is as wide as the stored copy and as tall as
		// the stored picture.
		scaledW := w
		if turned {
			scaledW = h
		}
		if int64(scaledW)*int64(cfg.Height)*scaleBytesPerPixel > MaxScaleBuffer {
			if len(out) == 0 {
				return nil, format, ErrTooLarge
			}
			break
		}
		out = append(out, Size{Width: w, Height: h})
	}
	return out, format, nil
}

// sem bounds the pictures decoded at once.
var sem = make(chan struct{}, MaxConcurrent)

// Make decodes data once and returns a copy at each size Plan gave, in the
// same order, each encoded in the picture's own format.
func Make(data []byte) ([]Size, [][]byte, error) {
	sizes, format, err := Plan(data)
	if err != nil || len(sizes) == 0 {
		return nil, nil, err
	}
	sem <- struct{}{}
	defer func() { <-sem }()
	src, err := decode(data)
	if err != nil {
		return nil, nil, fmt.Errorf("imagesizes: decoding the picture: %w", err)
	}
	o := 1
	if format == "jpeg" {
		o = orientation(data)
	}
	out := make([][]byte, len(sizes))
	// Largest first, each drawn from the original: drawing from the
	// previous copy would be faster but blur the small ones twice.
	for i := len(sizes) - 1; i >= 0; i-- {
		s := sizes[i]
		// Scaled as stored, then turned as the EXIF orientation says:
		// the copy carries no EXIF, so it must be upright itself.
		sw, sh := s.Width, s.Height
		if quarterTurn(o) {
			sw, sh = sh, sw
		}
		var dst draw.Image
		if format == "png" && !opaque(src) {
			dst = image.NewNRGBA(image.Rect(0, 0, sw, sh))
		} else {
			dst = image.NewRGBA(image.Rect(0, 0, sw, sh))
		}
		draw.CatmullRom.Scale(dst, dst.Bounds(), src, src.Bounds(), draw.Src, nil)
		dst = upright(dst, o)
		var buf bytes.Buffer
		if format == "jpeg" {
			q := JPEGQuality
			if s.Width <= PhoneWidth {
				q = PhoneQuality
			}
			err = jpeg.Encode(&buf, dst, &jpeg.Options{Quality: q})
		} else {
			enc := png.Encoder{CompressionLevel: png.BestCompression}
			err = enc.Encode(&buf, dst)
		}
		if err != nil {
			return nil, nil, fmt.Errorf("imagesizes: encoding the %d px copy: %w", s.Width, err)
		}
		out[i] = buf.Bytes()
	}
	return sizes, out, nil
}

// Check decodes data when Make would resize it, and returns the decoder's
// error: a picture whose header reads but whose pixels are cut short or
// damaged passes Plan, then fails Make, so its copies could not be made
// on the first request or in a static export. The loader calls it so the
// organiser is told at the file's setting instead. A picture Make leaves
// as it is (too small, too large, GIF) is not decoded.
//
// Its answer is remembered by the picture's SHA-256 (checked): a reload
// reads an organisation again whenever one of its files changed, and
// decoding every large picture of it again, unchanged, cost the decode
// time and up to 100 MB each time.
func Check(data []byte) error {
	sizes, _, err := Plan(data)
	if err != nil || len(sizes) == 0 {
		return nil
	}
	sum := sha256.Sum256(data)
	if err, ok := checked.get(sum); ok {
		return err
	}
	sem <- struct{}{}
	defer func() { <-sem }()
	if _, err = decode(data); err != nil {
		err = fmt.Errorf("imagesizes: decoding the picture: %w", err)
	}
	checked.put(sum, err)
	return err
}

// checkedSize is how many pictures' Check answers are remembered: far
// more than an installation's pictures, at 48 bytes or so each (an
// answer is nil unless the picture is damaged).
const checkedSize = 4096

// checked remembers Check's answers by content. It is the package's own
// state, like sem: the answer depends only on the bytes, so every loader
// of the process may share it, and it is bounded.
var checked = &answers{m: map[[sha256.Size]byte]error{}}

// answers is a bounded map of Check's answers, forgetting the oldest
// first.
type answers struct {
	mu    sync.Mutex
	m     map[[sha256.Size]byte]error
	order [][sha256.Size]byte // keys of m, oldest first
}

func (a *answers) get(sum [sha256.Size]byte) (error, bool) {
	a.mu.Lock()
	defer a.mu.Unlock()
	err, ok := a.m[sum]
	return err, ok
}

func (a *answers) put(sum [sha256.Size]byte, err error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if _, ok := a.m[sum]; ok {
		return
	}
	if len(a.order) >= checkedSize {
		delete(a.m, a.order[0])
		a.order = a.order[1:]
	}
	a.m[sum] = err
	a.order = append(a.order, sum)
}

// decodeHook, when set, is called with each picture Make or Check decodes
// (SetDecodeHook).
var decodeHook atomic.Pointer[func(data []byte)]

// decode decodes data, telling the test's hook.
func decode(data []byte) (image.Image, error) {
	if h := decodeHook.Load(); h != nil {
		(*h)(data)
	}
	img, _, err := image.Decode(bytes.NewReader(data))
	return img, err
}

// SetDecodeHook has f called with every picture Make or Check decodes, so
// tests can count decodes; nil calls nothing. It returns the function
// that puts back the hook before. Outside a test binary it panics.
func SetDecodeHook(f func(data []byte)) (restore func()) {
	if !testing.Testing() {
		panic("imagesizes.SetDecodeHook is for tests only")
	}
	var p *func([]byte)
	if f != nil {
		p = &f
	}
	old := decodeHook.Swap(p)
	return func() { decodeHook.Store(old) }
}

// upright returns img turned and mirrored as EXIF orientation o asks
// viewers to show it (1 or an unknown value: as it is). img is an
// *image.RGBA or *image.NRGBA whose bounds start at 0,0, as Make makes.
func upright(img draw.Image, o int) draw.Image {
	if o < 2 || o > 8 {
		return img
	}
	w, h := img.Bounds().Dx(), img.Bounds().Dy()
	var src []uint8
	var srcStride int
	var out draw.Image
	var pix []uint8
	var stride int
	ow, oh := w, h
	if quarterTurn(o) {
		ow, oh = h, w
	}
	switch m := img.(type) {
	case *image.RGBA:
		src, srcStride = m.Pix, m.Stride
		n := image.NewRGBA(image.Rect(0, 0, ow, oh))
		out, pix, stride = n, n.Pix, n.Stride
	case *image.NRGBA:
		src, srcStride = m.Pix, m.Stride
		n := image.NewNRGBA(image.Rect(0, 0, ow, oh))
		out, pix, stride = n, n.Pix, n.Stride
	default:
		return img
	}
	for y := range oh {
		for x := range ow {
			// The stored pixel shown at x,y (the EXIF specification's
			// eight orientations).
			var sx, sy int
			switch o {
			case 2:
				sx, sy = w-1-x, y
			case 3:
				sx, sy = w-1-x, h-1-y
			case 4:
				sx, sy = x, h-1-y
			case 5:
				sx, sy = y, x
			case 6:
				sx, sy = y, h-1-x
			case 7:
				sx, sy = w-1-y, h-1-x
			case 8:
				sx, sy = w-1-y, x
			}
			copy(pix[y*stride+4*x:y*stride+4*x+4], src[sy*srcStride+4*sx:sy*srcStride+4*sx+4])
		}
	}
	return out
}

// opaque reports whether every pixel of img is fully opaque, for images
// that can say so cheaply (all the types image/png decodes to).
func opaque(img image.Image) bool {
	if o, ok := img.(interface{ Opaque() bool }); ok {
		return o.Opaque()
	}
	return false
}

// orientation returns the EXIF orientation (1–8) of a JPEG, or 0 when it
// has none. It reads only the markers before the picture data.
func orientation(data []byte) int {
	if len(data) < 4 || data[0] != 0xFF || data[1] != 0xD8 {
		return 0
	}
	p := 2
	for p+4 <= len(data) {
		if data[p] != 0xFF {
			// Stray bytes: skipped to the next marker, as decoders
			// and Strip do.
			q := bytes.IndexByte(data[p:], 0xFF)
			if q < 0 {
				return 0
			}
			p += q
			continue
		}
		marker := data[p+1]
		if marker == 0xD8 || marker == 0x01 || (marker >= 0xD0 && marker <= 0xD7) {
			p += 2
			continue
		}
		if marker == 0xDA || marker == 0xD9 { // start of scan, end of image
			return 0
		}
		n := int(binary.BigEndian.Uint16(data[p+2:]))
		if n < 2 || p+2+n > len(data) {
			return 0
		}
		seg := data[p+4 : p+2+n]
		if marker == 0xE1 && len(seg) >= 6 && string(seg[:6]) == "Exif\x00\x00" {
			return exifOrientation(seg[6:])
		}
		p += 2 + n
	}
	return 0
}

// exifOrientation reads tag 0x0112 from the first directory of a TIFF
// structure.
func exifOrientation(t []byte) int {
	if len(t) < 8 {
		return 0
	}
	var bo binary.ByteOrder
	switch string(t[:2]) {
	case "II":
		bo = binary.LittleEndian
	case "MM":
		bo = binary.BigEndian
	default:
		return 0
	}
	off := int(bo.Uint32(t[4:]))
	if off < 8 || off > len(t)-2 { // not off+2: it wraps round on 32-bit builds
		return 0
	}
	n := int(bo.Uint16(t[off:]))
	for i := range n {
		e := off + 2 + 12*i
		if e+12 > len(t) {
			return 0
		}
		if bo.Uint16(t[e:]) == 0x0112 {
			return int(bo.Uint16(t[e+8:]))
		}
	}
	return 0
}
