package imagesizes

import (
	"bytes"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"image"
	"image/color"
	"image/gif"
	"image/jpeg"
	"image/png"
	"os"
	"slices"
	"testing"
)

// picture is a w×h test picture with some detail in it, so encoders have
// something to compress.
func picture(w, h int, alpha bool) image.Image {
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			a := uint8(255)
			if alpha && x < w/2 {
				a = 0
			}
			img.SetNRGBA(x, y, color.NRGBA{uint8(x * 7), uint8(y * 3), uint8((x + y) * 5), a})
		}
	}
	return img
}

func encodeJPEG(t *testing.T, img image.Image) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: 90}); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func encodePNG(t *testing.T, img image.Image) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestPlanNeverUpscales(t *testing.T) {
	for _, tc := range []struct {
		w, h int
		want []Size
	}{
		{1200, 630, []Size{{480, 252}, {800, 420}}},
		{2000, 1000, []Size{{480, 240}, {800, 400}, {1200, 600}}},
		{801, 400, []Size{{480, 240}, {800, 400}}},
		{800, 400, []Size{{480, 240}}},
		{480, 300, nil},
		{300, 300, nil},
		{4000, 1, []Size{{480, 1}, {800, 1}, {1200, 1}}},
	} {
		sizes, format, err := Plan(encodePNG(t, image.NewGray(image.Rect(0, 0, tc.w, tc.h))))
		if err != nil || format != "png" || !slices.Equal(sizes, tc.want) {
			t.Errorf("Plan(%d×%d) = %v, %q, %v; want %v", tc.w, tc.h, sizes, format, err, tc.want)
		}
	}
}

func TestMakeJPEG(t *testing.T) {
	data := encodeJPEG(t, picture(1200, 630, false))
	sizes, files, err := Make(data)
	if err != nil {
		t.Fatal(err)
	}
	if len(files) != 2 || len(sizes) != 2 {
		t.Fatalf("got %d files for %v, want 2", len(files), sizes)
	}
	for i, f := range files {
		cfg, format, err := image.DecodeConfig(bytes.NewReader(f))
		if err != nil || format != "jpeg" || cfg.Width != sizes[i].Width || cfg.Height != sizes[i].Height {
			t.Errorf("copy %d: %d×%d %q %v, want a %v JPEG", i, cfg.Width, cfg.Height, format, err, sizes[i])
		}
		if len(f) >= len(data) {
			t.Errorf("copy %d is %d bytes, not smaller than the original's %d", i, len(f), len(data))
		}
	}
	// The same input makes the same bytes: copies are cached and exported
	// by content, so they must not change from one make to the next.
	_, again, err := Make(data)
	if err != nil {
		t.Fatal(err)
	}
	for i := range files {
		if !bytes.Equal(files[i], again[i]) {
			t.Errorf("copy %d differs between two makes", i)
		}
	}
}

func TestMakePNGKeepsTransparency(t *testing.T) {
	sizes, files, err := Make(encodePNG(t, picture(1000, 500, true)))
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(sizes, []Size{{480, 240}, {800, 400}}) {
		t.Fatalf("sizes %v", sizes)
	}
	img, format, err := image.Decode(bytes.NewReader(files[0]))
	if err != nil || format != "png" {
		t.Fatalf("%q %v", format, err)
	}
	if _, _, _, a := img.At(10, 10).RGBA(); a != 0 {
		t.Errorf("a transparent corner came out with alpha %d", a)
	}
	if _, _, _, a := img.At(470, 10).RGBA(); a != 0xffff {
		t.Errorf("an opaque corner came out with alpha %d", a)
	}
}

func TestMakeSmallPicture(t *testing.T) {
	sizes, files, err := Make(encodeJPEG(t, picture(400, 300, false)))
	if err != nil || sizes != nil || files != nil {
		t.Errorf("a picture narrower than every width: %v %d files %v; want nothing", sizes, len(files), err)
	}
}

// bombPNG is a PNG whose header claims w×h pixels but which holds almost
// no data, as a decompression bomb does.
func bombPNG(w, h uint32) []byte {
	var b bytes.Buffer
	b.WriteString("\x89PNG\r\n\x1a\n")
	chunk := func(typ string, data []byte) {
		_ = binary.Write(&b, binary.BigEndian, uint32(len(data)))
		b.WriteString(typ)
		b.Write(data)
		crc := crc32.NewIEEE()
		crc.Write([]byte(typ))
		crc.Write(data)
		_ = binary.Write(&b, binary.BigEndian, crc.Sum32())
	}
	ihdr := make([]byte, 13)
	binary.BigEndian.PutUint32(ihdr[0:], w)
	binary.BigEndian.PutUint32(ihdr[4:], h)
	ihdr[8], ihdr[9] = 8, 6 // 8-bit RGBA
	chunk("IHDR", ihdr)
	chunk("IDAT", []byte{0x78, 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01})
	chunk("IEND", nil)
	return b.Bytes()
}

func TestRefusesDecompressionBomb(t *testing.T) {
	for _, dims := range [][2]uint32{{100000, 100000}, {30000, 1000}, {50000, 50000}} {
		data := bombPNG(dims[0], dims[1])
		if _, _, err := Plan(data); !errors.Is(err, ErrTooLarge) {
			t.Errorf("Plan(%v bomb) = %v, want ErrTooLarge", dims, err)
		}
		// Make must refuse before decoding: a decode would allocate
		// gigabytes, so this bound also proves nothing was decoded.
		allocs := testing.AllocsPerRun(3, func() {
			if _, _, err := Make(data); !errors.Is(err, ErrTooLarge) {
				t.Errorf("Make(%v bomb) = %v, want ErrTooLarge", dims, err)
			}
		})
		if allocs > 50 {
			t.Errorf("refusing a bomb took %v allocations", allocs)
		}
	}
}

func TestRefusesOtherFormatsAndBrokenFiles(t *testing.T) {
	var g bytes.Buffer
	pal := image.NewPaletted(image.Rect(0, 0, 1000, 10), []color.Color{color.Black, color.White})
	if err := gif.Encode(&g, pal, nil); err != nil {
		t.Fatal(err)
	}
	if _, _, err := Make(g.Bytes()); !errors.Is(err, ErrFormat) {
		t.Errorf("GIF: %v, want ErrFormat", err)
	}
	svg := []byte(`<svg xmlns="http://www.w3.org/2000/svg" width="2000" height="1000"/>`)
	if _, _, err := Make(svg); err == nil {
		t.Error("SVG: no error")
	}
	full := encodeJPEG(t, picture(1200, 630, false))
	for _, data := range [][]byte{nil, []byte("not a picture"), full[:len(full)/3], encodePNG(t, picture(900, 10, false))[:60]} {
		if _, _, err := Make(data); err == nil {
			t.Errorf("%d bytes of a broken file: no error", len(data))
		}
	}
}

// withOrientation returns a JPEG with an EXIF APP1 segment giving orientation o.
func withOrientation(jpg []byte, o uint16, order binary.ByteOrder) []byte {
	var tiff bytes.Buffer
	if order == binary.LittleEndian {
		tiff.WriteString("II")
	} else {
		tiff.WriteString("MM")
	}
	_ = binary.Write(&tiff, order, uint16(42))
	_ = binary.Write(&tiff, order, uint32(8))
	_ = binary.Write(&tiff, order, uint16(2)) // two entries
	// An unrelated tag first (ImageDescription), then Orientation.
	_ = binary.Write(&tiff, order, []uint16{0x010E, 2})
	_ = binary.Write(&tiff, order, []uint32{1, 0})
	_ = binary.Write(&tiff, order, []uint16{0x0112, 3})
	_ = binary.Write(&tiff, order, uint32(1))
	_ = binary.Write(&tiff, order, []uint16{o, 0})
	_ = binary.Write(&tiff, order, uint32(0))
	seg := append([]byte("Exif\x00\x00"), tiff.Bytes()...)
	var out bytes.Buffer
	out.Write(jpg[:2])
	out.Write([]byte{0xFF, 0xE1})
	_ = binary.Write(&out, binary.BigEndian, uint16(len(seg)+2))
	out.Write(seg)
	out.Write(jpg[2:])
	return out.Bytes()
}

// quadrants is a w×h picture whose top-left quarter is red, top-right
// green, bottom-left blue and bottom-right white.
func quadrants(w, h int) image.Image {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			c := [4]color.RGBA{{255, 0, 0, 255}, {0, 255, 0, 255}, {0, 0, 255, 255}, {255, 255, 255, 255}}[2*(2*y/h)+2*x/w]
			img.SetRGBA(x, y, c)
		}
	}
	return img
}

// quadrant names the colour at the middle of a quarter of img: "red",
// "green", "blue" or "white".
func quadrant(img image.Image, right, bottom bool) string {
	b := img.Bounds()
	x, y := b.Dx()/4, b.Dy()/4
	if right {
		x += b.Dx() / 2
	}
	if bottom {
		y += b.Dy() / 2
	}
	r, g, bl, _ := img.At(b.Min.X+x, b.Min.Y+y).RGBA()
	switch {
	case r > 0x8000 && g > 0x8000 && bl > 0x8000:
		return "white"
	case r > 0x8000:
		return "red"
	case g > 0x8000:
		return "green"
	case bl > 0x8000:
		return "blue"
	}
	return "?"
}

// TestTurnedJPEGCopiesAreUpright: a phone photo's EXIF orientation asks
// viewers to turn it, and browsers do (image-orientation: from-image), so
// its copies, which carry no EXIF, must be turned when made, and be as
// wide as the picture is shown. Before, Make refused every turned JPEG
// (ErrRotated) and the page gave the stored width and height: a portrait
// phone photo (orientation 6) was laid out landscape and squashed.
func TestTurnedJPEGCopiesAreUpright(t *testing.T) {
	plain := encodeJPEG(t, quadrants(1600, 900))
	// Where the stored top-left (red) and top-right (green) quarters are
	// shown, for each orientation: top-left, top-right, bottom-left,
	// bottom-right.
	want := map[uint16][2]string{
		1: {"TL", "TR"}, 2: {"TR", "TL"}, 3: {"BR", "BL"}, 4: {"BL", "BR"},
		5: {"TL", "BL"}, 6: {"TR", "BR"}, 7: {"BR", "TR"}, 8: {"BL", "TL"},
	}
	for _, order := range []binary.ByteOrder{binary.LittleEndian, binary.BigEndian} {
		for o := uint16(1); o <= 8; o++ {
			data := withOrientation(plain, o, order)
			if got := orientation(data); got != int(o) {
				t.Errorf("%v %d: orientation %d", order, o, got)
			}
			dw, dh := Displayed(data, 1600, 900)
			wantSizes := []Size{{480, 270}, {800, 450}, {1200, 675}}
			if o >= 5 {
				if dw != 900 || dh != 1600 {
					t.Errorf("%v %d: Displayed = %d×%d, want 900×1600", order, o, dw, dh)
				}
				wantSizes = []Size{{480, 853}, {800, 1422}}
			} else if dw != 1600 || dh != 900 {
				t.Errorf("%v %d: Displayed = %d×%d, want 1600×900", order, o, dw, dh)
			}
			sizes, files, err := Make(data)
			if err != nil || !slices.Equal(sizes, wantSizes) {
				t.Errorf("%v %d: Make = %v, %v; want %v", order, o, sizes, err, wantSizes)
				continue
			}
			for i, f := range files {
				img, err := jpeg.Decode(bytes.NewReader(f))
				if err != nil {
					t.Fatal(err)
				}
				if b := img.Bounds(); b.Dx() != sizes[i].Width || b.Dy() != sizes[i].Height {
					t.Errorf("%v %d: copy %d is %v, want %v", order, o, i, b.Size(), sizes[i])
				}
				at := map[string]string{
					"TL": quadrant(img, false, false), "TR": quadrant(img, true, false),
					"BL": quadrant(img, false, true), "BR": quadrant(img, true, true),
				}
				if at[want[o][0]] != "red" || at[want[o][1]] != "green" {
					t.Errorf("%v %d: copy %d shows %v; want red at %s and green at %s", order, o, i, at, want[o][0], want[o][1])
				}
			}
		}
	}
	if got := orientation(plain); got != 0 {
		t.Errorf("a JPEG without EXIF: orientation %d", got)
	}
}

// The example campaigns' pictures all shrink, and their copies are
// smaller than the originals.
func TestExamplePictures(t *testing.T) {
	data, err := os.ReadFile("../../campaigns/shared-shore/assets/shore-library-evening.jpg")
	if err != nil {
		t.Skip(err)
	}
	sizes, files, err := Make(data)
	if err != nil || len(files) == 0 {
		t.Fatalf("%v %v", sizes, err)
	}
	for i, f := range files {
		t.Logf("%v: %d bytes (original %d)", sizes[i], len(f), len(data))
		if len(f) >= len(data) {
			t.Errorf("copy %v is not smaller", sizes[i])
		}
	}
}

func FuzzMake(f *testing.F) {
	f.Add(bombPNG(2000, 2000))
	f.Add([]byte("\xff\xd8\xff\xe1\x00\x10Exif\x00\x00II*\x00\x08\x00\x00\x00"))
	f.Fuzz(func(t *testing.T, data []byte) {
		_ = orientation(data)
		_, _, _ = Plan(data)
	})
}

// TestPlanBoundsResizeMemory: the resizer's buffer grows with the copy's
// width times the original's height, so a tall, narrow picture well within
// MaxPixels (1201×20000, a 60 KB PNG) made Make allocate 1.7 GB, on the
// first request any reader sent for its copy. Plan now offers only the
// copies whose buffer fits MaxScaleBuffer, and camera pictures of either
// orientation keep all three.
func TestPlanBoundsResizeMemory(t *testing.T) {
	for _, c := range []struct {
		w, h uint32
		want []int // planned widths; nil: ErrTooLarge
	}{
		{6000, 4000, []int{480, 800, 1200}},
		{4000, 6000, []int{480, 800, 1200}},
		{1500, 10000, []int{480, 800}},
		{1201, 20000, nil},
		{481, 51975, nil},
	} {
		sizes, _, err := Plan(bombPNG(c.w, c.h))
		var got []int
		for _, s := range sizes {
			got = append(got, s.Width)
			if buf := int64(s.Width) * int64(c.h) * scaleBytesPerPixel; buf > MaxScaleBuffer {
				t.Errorf("%d×%d: the %d px copy needs a %d MB buffer, over MaxScaleBuffer", c.w, c.h, s.Width, buf>>20)
			}
		}
		if c.want == nil {
			if !errors.Is(err, ErrTooLarge) {
				t.Errorf("%d×%d: Plan = %v, %v; want ErrTooLarge", c.w, c.h, got, err)
			}
			continue
		}
		if err != nil || !slices.Equal(got, c.want) {
			t.Errorf("%d×%d: Plan = %v, %v; want %v", c.w, c.h, got, err, c.want)
		}
	}
}

// TestCheckAnswersAreBounded: Check's remembered answers never pass
// checkedSize, the oldest going first.
func TestCheckAnswersAreBounded(t *testing.T) {
	a := &answers{m: map[[32]byte]error{}}
	key := func(i int) (k [32]byte) {
		binary.BigEndian.PutUint64(k[:], uint64(i))
		return k
	}
	for i := range checkedSize + 10 {
		a.put(key(i), nil)
	}
	if len(a.m) != checkedSize || len(a.order) != checkedSize {
		t.Errorf("%d answers kept (%d in order), want %d", len(a.m), len(a.order), checkedSize)
	}
	if _, ok := a.get(key(0)); ok {
		t.Error("the oldest answer is still kept")
	}
	if _, ok := a.get(key(checkedSize + 9)); !ok {
		t.Error("the newest answer is not kept")
	}
}
