package site

import (
	"bytes"
	"encoding/binary"
	"image"
	"image/color"
	"image/jpeg"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/placard/placard/internal/campaign/campaigntest"
	"github.com/placard/placard/internal/markdown"
)

// phoneJPEG is a w×h JPEG as a phone writes it: an EXIF APP1 segment
// (written by hand) with the orientation o, the camera's make and serial
// number, and a GPS directory giving where it was taken.
func phoneJPEG(t *testing.T, w, h int, o uint16) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			img.SetRGBA(x, y, color.RGBA{uint8(x), uint8(y), uint8(x + y), 255})
		}
	}
	var j bytes.Buffer
	if err := jpeg.Encode(&j, img, &jpeg.Options{Quality: 80}); err != nil {
		t.Fatal(err)
	}
	le := binary.LittleEndian
	var tiff bytes.Buffer
	put := func(v ...any) {
		for _, x := range v {
			_ = binary.Write(&tiff, le, x)
		}
	}
	// IFD0 at 8: Make, Orientation, BodySerialNumber (kept in IFD0 here
	// for brevity), GPS pointer; then the GPS IFD; then the strings.
	const ifd0, n0 = 8, 4
	gpsAt := uint32(ifd0 + 2 + 12*n0 + 4)
	const ng = 2
	strAt := gpsAt + 2 + 12*ng + 4
	mk, serial, lat := "PhoneCo\x00", "SERIAL-4471-0042\x00", []uint32{52, 1, 31, 1, 1234, 100}
	tiff.WriteString("II")
	put(uint16(42), uint32(ifd0))
	put(uint16(n0))
	put(uint16(0x010F), uint16(2), uint32(len(mk)), strAt)
	put(uint16(0x0112), uint16(3), uint32(1), o, uint16(0))
	put(uint16(0xA431), uint16(2), uint32(len(serial)), strAt+uint32(len(mk)))
	put(uint16(0x8825), uint16(4), uint32(1), gpsAt)
	put(uint32(0))
	put(uint16(ng))
	put(uint16(1), uint16(2), uint32(2), uint32('N')) // GPSLatitudeRef "N"
	put(uint16(2), uint16(5), uint32(3), strAt+uint32(len(mk)+len(serial)))
	put(uint32(0))
	tiff.WriteString(mk + serial)
	put(lat)
	seg := append([]byte("Exif\x00\x00"), tiff.Bytes()...)
	var out bytes.Buffer
	out.Write(j.Bytes()[:2])
	out.Write([]byte{0xFF, 0xE1})
	_ = binary.Write(&out, binary.BigEndian, uint16(len(seg)+2))
	out.Write(seg)
	out.Write(j.Bytes()[2:])
	return out.Bytes()
}

// exportPhoto loads an organisation whose campaign shows data as its
// picture, exports a static copy and returns its files by address.
func exportPhoto(t *testing.T, data []byte) map[string][]byte {
	t.Helper()
	loaded := campaigntest.Site(t, campaigntest.Files{
		"civic/org.yaml": "name: Civic\n",
		"civic/hello.yaml": "title: Hello\nsummary: Say hello.\ndate: 2026-01-01\n" +
			"image: {src: assets/photo.jpg, alt: A picture}\nactions:\n  - kind: share\n",
		"civic/assets/photo.jpg": string(data),
	})
	files := &LazyFiles{}
	snap, err := Compile(Options{Base: "https://static.example", SiteName: "Placard", Mode: ModeStatic, Now: time.Now, Files: files}, markdown.New(), loaded, nil)
	if err != nil {
		t.Fatal(err)
	}
	written := map[string][]byte{}
	if err := Export(snap, files, func(p string, _ map[string]string, body []byte) error {
		written[p] = body
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	return written
}

// TestTurnedPhotoIsLaidOutUpright: a portrait phone photo is stored
// landscape with EXIF orientation 6, and browsers show it turned
// (image-orientation: from-image). Its img had the stored width and height
// (1600 × 900), so the page reserved a landscape box and the photo showed
// squashed, and it had no smaller copies. Now the page gives the size as
// shown and offers copies made upright.
func TestTurnedPhotoIsLaidOutUpright(t *testing.T) {
	written := exportPhoto(t, phoneJPEG(t, 1600, 900, 6))
	page := string(written["/civic/hello"])
	tag := regexp.MustCompile(`<img[^>]*assets/photo[^>]*>`).FindString(page)
	if tag == "" {
		t.Fatal("no img of the photo on the campaign page")
	}
	if !strings.Contains(tag, `width="900"`) || !strings.Contains(tag, `height="1600"`) {
		t.Errorf("the photo's img is %s, want width 900 and height 1600 (as shown)", tag)
	}
	if !strings.Contains(tag, "480w") || !strings.Contains(tag, "800w") {
		t.Errorf("the photo's img offers no copies: %s", tag)
	}
	n := 0
	for p, body := range written {
		if !strings.HasPrefix(p, "/static/civic/assets/photo-") {
			continue
		}
		n++
		cfg, err := jpeg.DecodeConfig(bytes.NewReader(body))
		if err != nil || cfg.Height <= cfg.Width {
			t.Errorf("copy %s is %d×%d (%v), want it upright (portrait)", p, cfg.Width, cfg.Height, err)
		}
	}
	if n != 2 {
		t.Errorf("%d copies written, want 2 (480 and 800)", n)
	}
}

// TestServedPhotoCarriesNoCameraData: a phone photo's EXIF says where it
// was taken (GPS) and by which camera (make and serial number). The
// loader served the original with all of it, to every reader and in
// every static copy: a protester's photo on a campaign page gave away
// where they stood. The copies (Go's encoder writes no EXIF) did not
// carry it, the original did. Now nothing served or exported does, and
// the orientation, which browsers need, stays.
func TestServedPhotoCarriesNoCameraData(t *testing.T) {
	data := phoneJPEG(t, 1600, 900, 6)
	for _, s := range []string{"PhoneCo", "SERIAL-4471-0042"} {
		if !bytes.Contains(data, []byte(s)) {
			t.Fatalf("the test's photo does not hold %q", s)
		}
	}
	written := exportPhoto(t, data)
	n := 0
	for p, body := range written {
		if !strings.HasPrefix(p, "/static/civic/assets/photo") {
			continue
		}
		n++
		for _, s := range []string{"PhoneCo", "SERIAL-4471-0042"} {
			if bytes.Contains(body, []byte(s)) {
				t.Errorf("%s holds the camera's %q", p, s)
			}
		}
		if _, err := jpeg.DecodeConfig(bytes.NewReader(body)); err != nil {
			t.Errorf("%s does not read as a JPEG: %v", p, err)
		}
	}
	if n != 3 {
		t.Errorf("%d of the photo's files written, want 3 (the original and two copies)", n)
	}
}
