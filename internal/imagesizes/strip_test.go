package imagesizes

import (
	"bytes"
	"encoding/binary"
	"hash/crc32"
	"image"
	"image/png"
	"strings"
	"testing"

	"golang.org/x/image/webp"
)

// secret is what a phone or an editor writes into a picture that must not
// be served: where, by which camera, with which words.
const secret = "GPS-52.3124N-SERIAL-4471"

// segment is a JPEG segment with marker m.
func segment(m byte, body string) []byte {
	b := []byte{0xFF, m, 0, 0}
	binary.BigEndian.PutUint16(b[2:], uint16(len(body)+2))
	return append(b, body...)
}

// samePixels fails t unless a and b decode to the same pixels.
func samePixels(t *testing.T, what string, a, b []byte) {
	t.Helper()
	ia, _, err := image.Decode(bytes.NewReader(a))
	if err != nil {
		t.Fatalf("%s: the original does not decode: %v", what, err)
	}
	ib, _, err := image.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("%s: the stripped picture does not decode: %v", what, err)
	}
	if ia.Bounds() != ib.Bounds() {
		t.Fatalf("%s: %v became %v", what, ia.Bounds(), ib.Bounds())
	}
	for y := ia.Bounds().Min.Y; y < ia.Bounds().Max.Y; y += 7 {
		for x := ia.Bounds().Min.X; x < ia.Bounds().Max.X; x += 7 {
			if ia.At(x, y) != ib.At(x, y) {
				t.Fatalf("%s: the pixel at %d,%d changed", what, x, y)
			}
		}
	}
}

// TestStripJPEG: a phone's JPEG carries its GPS position and camera serial
// in EXIF (with a thumbnail), an editor's XMP and IPTC, comments, and
// sometimes a second picture or a motion-photo video after its end. The
// loader served all of it as the organiser saved it, to every reader and
// in every static copy. Strip keeps only the picture and its orientation.
func TestStripJPEG(t *testing.T) {
	plain := encodeJPEG(t, picture(640, 800, false))
	turned := withOrientation(plain, 6, binary.BigEndian)
	// Put the secret into the EXIF segment (after its directory) and
	// everywhere else metadata goes.
	exifLen := int(binary.BigEndian.Uint16(turned[4:]))
	exif := append([]byte{}, turned[2:4+exifLen]...)
	exif = append(exif, secret...)
	binary.BigEndian.PutUint16(exif[2:], uint16(exifLen+len(secret)))
	var phone bytes.Buffer
	phone.Write(plain[:2])
	phone.Write(segment(0xE0, "JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"))
	phone.Write(exif)
	phone.Write(segment(0xE1, "http://ns.adobe.com/xap/1.0/\x00<x:xmpmeta>"+secret+"</x:xmpmeta>"))
	phone.Write(segment(0xED, "Photoshop 3.0\x00"+secret))
	phone.Write(segment(0xE2, "MPF\x00"+secret))
	phone.Write(segment(0xE2, "ICC_PROFILE\x00\x01\x01colour"))
	phone.Write(segment(0xFE, secret))
	phone.Write(plain[2:])
	phone.WriteString("MotionPhoto_Data" + secret)

	got := Strip(phone.Bytes())
	if bytes.Contains(got, []byte(secret)) {
		t.Errorf("the stripped JPEG still holds %q", secret)
	}
	if !bytes.HasSuffix(got, []byte{0xFF, 0xD9}) {
		t.Error("the stripped JPEG does not end at its end-of-image marker")
	}
	if !bytes.Contains(got, []byte("ICC_PROFILE\x00\x01\x01colour")) || !bytes.Contains(got, []byte("JFIF\x00")) {
		t.Error("the stripped JPEG lost its colour profile or JFIF segment")
	}
	if bytes.Index(got, []byte("JFIF")) > bytes.Index(got, []byte("Exif")) {
		t.Error("the orientation's EXIF segment comes before JFIF's")
	}
	if o := orientation(got); o != 6 {
		t.Errorf("the stripped JPEG's orientation is %d, want 6 (browsers turn it by it)", o)
	}
	samePixels(t, "JPEG", phone.Bytes(), got)
	if s, _, err := Make(got); err != nil || len(s) != 1 || s[0] != (Size{480, 384}) {
		t.Errorf("Make of the stripped JPEG: %v %v, want one 480×384 copy", s, err)
	}
	// Nothing to strip: the same bytes, not a copy.
	if out := Strip(plain); &out[0] != &plain[0] {
		t.Error("a JPEG without metadata was copied")
	}
	// A cut-short JPEG keeps what it has, less its metadata.
	cut := phone.Bytes()[:phone.Len()/2]
	if out := Strip(cut); bytes.Contains(out, []byte(secret)) || !bytes.HasSuffix(out, cut[len(cut)-100:]) {
		t.Error("a cut-short JPEG was not stripped and kept whole")
	}
}

// pngChunk is a PNG chunk of type typ.
func pngChunk(typ, body string) []byte {
	b := binary.BigEndian.AppendUint32(nil, uint32(len(body)))
	b = append(b, typ+body...)
	return binary.BigEndian.AppendUint32(b, crc32.ChecksumIEEE([]byte(typ+body)))
}

// TestStripPNG: a PNG's text chunks carry an editor's XMP (with GPS), its
// author and software, tIME when it was changed, eXIf a camera's EXIF.
func TestStripPNG(t *testing.T) {
	plain := encodePNG(t, picture(600, 300, true))
	// After IHDR (8 + 25 bytes), then after IEND.
	var b bytes.Buffer
	b.Write(plain[:33])
	b.Write(pngChunk("tEXt", "Comment\x00"+secret))
	b.Write(pngChunk("iTXt", "XML:com.adobe.xmp\x00\x00\x00\x00\x00"+secret))
	b.Write(pngChunk("zTXt", "Author\x00\x00x"))
	b.Write(pngChunk("tIME", "\x07\xea\x0c\x06\x04\x00\x00"))
	b.Write(pngChunk("eXIf", "MM\x00*"+secret))
	b.Write(pngChunk("gAMA", "\x00\x00\xb1\x8f"))
	b.Write(plain[33:])
	b.WriteString(secret)
	got := Strip(b.Bytes())
	for _, s := range []string{secret, "tIME", "zTXt"} {
		if bytes.Contains(got, []byte(s)) {
			t.Errorf("the stripped PNG still holds %q", s)
		}
	}
	if !bytes.Contains(got, []byte("gAMA")) {
		t.Error("the stripped PNG lost its gamma")
	}
	if _, err := png.Decode(bytes.NewReader(got)); err != nil {
		t.Fatal(err)
	}
	samePixels(t, "PNG", plain, got)
	if out := Strip(plain); &out[0] != &plain[0] {
		t.Error("a PNG without metadata was copied")
	}
}

// TestStripWebP: an extended WebP carries EXIF and XMP chunks, flagged in
// its VP8X header.
func TestStripWebP(t *testing.T) {
	const vp8l = "VP8L\r\x00\x00\x00/\x00\x00\x00\x10\a\x10\x11\x11\x88\x88\xfe\a\x00"
	chunk := func(typ, body string) string {
		s := typ + string(binary.LittleEndian.AppendUint32(nil, uint32(len(body)))) + body
		if len(body)%2 == 1 {
			s += "\x00"
		}
		return s
	}
	body := "WEBP" + chunk("VP8X", "\x0c\x00\x00\x00"+"\x00\x00\x00"+"\x00\x00\x00") + vp8l +
		chunk("EXIF", "II*\x00"+secret+"x") + chunk("XMP ", "<x:xmpmeta>"+secret+"</x:xmpmeta>")
	data := []byte("RIFF" + string(binary.LittleEndian.AppendUint32(nil, uint32(len(body)))) + body)
	if _, err := webp.Decode(bytes.NewReader(data)); err != nil {
		t.Fatalf("the test's WebP does not decode: %v", err)
	}
	got := Strip(data)
	if bytes.Contains(got, []byte(secret)) {
		t.Errorf("the stripped WebP still holds %q", secret)
	}
	if got[12+8]&0x0c != 0 {
		t.Errorf("the stripped WebP's VP8X still flags EXIF or XMP: %#x", got[20])
	}
	if n := binary.LittleEndian.Uint32(got[4:]); int(n)+8 != len(got) {
		t.Errorf("the RIFF size says %d, the file holds %d", n+8, len(got))
	}
	if _, err := webp.Decode(bytes.NewReader(got)); err != nil {
		t.Errorf("the stripped WebP does not decode: %v", err)
	}
}

// FuzzStrip: Strip never panics, and never makes a file longer than the
// original by more than the orientation segment it writes.
func FuzzStrip(f *testing.F) {
	f.Add([]byte("\xff\xd8\xff\xe1\x00\x10Exif\x00\x00II*\x00\x08\x00\x00\x00\xff\xd9"))
	f.Add([]byte("\x89PNG\r\n\x1a\n\x00\x00\x00\x00IEND"))
	f.Add([]byte("RIFF\x04\x00\x00\x00WEBPEXIF\xff\xff\xff\xff"))
	f.Fuzz(func(t *testing.T, data []byte) {
		out := Strip(data)
		if len(out) > len(data)+len(orientationSegment(6)) && !strings.HasPrefix(string(data), "RIFF") {
			t.Errorf("Strip grew %d bytes to %d", len(data), len(out))
		}
	})
}

// TestStripJPEGPastExtraneousBytes: libjpeg (browsers) and Go's decoder
// skip stray bytes where a marker belongs and show the picture, but
// Strip kept everything from the first stray byte on as it was — a phone
// photo with a few bytes of padding after its JFIF segment was served
// with its GPS and serial in the EXIF that followed. Strip now skips to
// the next marker, as the decoders do. Failed before: the stripped JPEG
// still held the secret.
func TestStripJPEGPastExtraneousBytes(t *testing.T) {
	plain := encodeJPEG(t, picture(64, 48, false))
	var phone bytes.Buffer
	phone.Write(plain[:2])
	phone.Write(segment(0xE0, "JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"))
	phone.WriteString("\x00\x00pad")
	phone.Write(segment(0xE1, "Exif\x00\x00"+secret))
	phone.Write(segment(0xFE, secret))
	phone.Write(plain[2:])
	if _, _, err := image.Decode(bytes.NewReader(phone.Bytes())); err != nil {
		t.Fatalf("the padded JPEG does not decode (%v): the test's picture is not one browsers show", err)
	}
	got := Strip(phone.Bytes())
	if bytes.Contains(got, []byte(secret)) {
		t.Errorf("the stripped JPEG still holds %q after a few stray bytes", secret)
	}
	samePixels(t, "padded JPEG", phone.Bytes(), got)
}

// TestOrientationFarOffset: an EXIF directory offset near 2³¹ made
// off+2 wrap round on 32-bit builds (GOARCH=386, arm), so the bound
// check passed and reading the directory panicked — in the loader, on an
// organiser's (or a hostile contributor's) picture. Failed before under
// GOARCH=386: panic: slice bounds out of range.
func TestOrientationFarOffset(t *testing.T) {
	for _, off := range []uint32{0x7FFFFFFF, 0x7FFFFFFE, 0xFFFFFFFF, 0x80000000} {
		tiff := binary.LittleEndian.AppendUint32([]byte("II*\x00"), off)
		tiff = append(tiff, make([]byte, 16)...)
		jpg := append([]byte{0xFF, 0xD8}, segment(0xE1, "Exif\x00\x00"+string(tiff))...)
		jpg = append(jpg, 0xFF, 0xD9)
		if o := orientation(jpg); o != 0 {
			t.Errorf("offset %#x: orientation %d, want 0", off, o)
		}
		_ = Strip(jpg)
	}
}
