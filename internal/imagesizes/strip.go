package imagesizes

import (
	"bytes"
	"encoding/binary"
)

// Strip returns data, a JPEG, PNG or WebP picture, without the metadata
// cameras and editors write into it, or data itself when there is none
// (or it is another kind of file). Signing a political letter can put a
// person at risk, and so can a protest photo: a phone writes where it was
// taken (GPS), when, and the camera's make and serial number into every
// picture, and an EXIF thumbnail may still show what a crop cut away.
// Everything an organisation's folder serves goes through the loader,
// which strips every picture, so no served or exported file carries it.
//
// It keeps what changes how a picture looks: a JPEG's JFIF and Adobe
// segments and ICC colour profile, and its EXIF orientation, rewritten
// as the only tag of a new EXIF segment (browsers turn the picture by
// it, and the page's size says so: Displayed); a PNG's colour chunks; a
// WebP's colour profile. It drops a JPEG's other application segments
// (EXIF, XMP, IPTC, MPF and maker data) and comments, and whatever
// follows its end (a phone's appended second picture or motion-photo
// video); a PNG's text, time and eXIf chunks and what follows IEND; a
// WebP's EXIF and XMP chunks. A PNG or WebP keeps no orientation: Make
// does not turn them and Displayed does not swap them, so the page and
// the picture agree.
//
// It decodes nothing and reads no further than the picture's own
// structure says; a picture whose structure it cannot follow keeps the
// rest of its bytes as they are.
func Strip(data []byte) []byte {
	switch {
	case len(data) >= 4 && data[0] == 0xFF && data[1] == 0xD8:
		return stripJPEG(data)
	case len(data) >= 8 && string(data[:8]) == "\x89PNG\r\n\x1a\n":
		return stripPNG(data)
	case len(data) >= 12 && string(data[:4]) == "RIFF" && string(data[8:12]) == "WEBP":
		return stripWebP(data)
	}
	return data
}

// stripJPEG is Strip for a JPEG: it walks the markers, through the
// compressed data of each scan, up to the end of the picture.
func stripJPEG(data []byte) []byte {
	o := orientation(data)
	var out bytes.Buffer
	out.Grow(len(data))
	out.Write(data[:2])
	// The new EXIF segment goes after JFIF's, which must come first.
	pending := o >= 2 && o <= 8
	changed := false
	p := 2
	for p < len(data) {
		if data[p] != 0xFF {
			// Stray bytes where a marker belongs: libjpeg and Go's
			// decoder skip to the next 0xFF and read on, so a segment
			// after them is still the picture's (and may be EXIF).
			// They go; with no marker after them, they are kept.
			q := bytes.IndexByte(data[p:], 0xFF)
			if q < 0 {
				out.Write(data[p:])
				p = len(data)
				break
			}
			changed = true
			p += q
			continue
		}
		if p+1 >= len(data) {
			out.Write(data[p:])
			p = len(data)
			break
		}
		marker := data[p+1]
		switch {
		case marker == 0xFF: // fill byte
			out.WriteByte(0xFF)
			p++
			continue
		case marker == 0xD9: // end of image: whatever follows goes
			out.Write(data[p : p+2])
			changed = changed || p+2 < len(data)
			p = len(data)
			continue
		case marker == 0x01 || marker >= 0xD0 && marker <= 0xD8:
			out.Write(data[p : p+2])
			p += 2
			continue
		}
		if p+4 > len(data) {
			out.Write(data[p:])
			p = len(data)
			break
		}
		n := int(binary.BigEndian.Uint16(data[p+2:]))
		end := p + 2 + n
		if n < 2 || end > len(data) {
			out.Write(data[p:])
			p = len(data)
			break
		}
		seg := data[p+4 : end]
		if dropSegment(marker, seg) {
			changed = true
			p = end
			continue
		}
		if pending && marker != 0xE0 {
			out.Write(orientationSegment(o))
			pending = false
		}
		out.Write(data[p:end])
		p = end
		if marker == 0xDA { // start of scan: copy its compressed data
			q := p
			for q+1 < len(data) && !(data[q] == 0xFF && data[q+1] != 0 && (data[q+1] < 0xD0 || data[q+1] > 0xD7)) {
				q++
			}
			if q+1 >= len(data) {
				q = len(data)
			}
			out.Write(data[p:q])
			p = q
		}
	}
	if !changed && o < 2 {
		return data
	}
	return out.Bytes()
}

// dropSegment reports whether a JPEG segment with this marker and content
// is metadata Strip drops: every application segment but JFIF (APP0),
// an ICC profile (APP2) and Adobe's colour transform (APP14), and
// comments. The EXIF segment goes too; its orientation is written anew.
func dropSegment(marker byte, seg []byte) bool {
	switch {
	case marker == 0xFE:
		return true
	case marker == 0xE0, marker == 0xEE:
		return false
	case marker == 0xE2:
		return !bytes.HasPrefix(seg, []byte("ICC_PROFILE\x00"))
	case marker >= 0xE1 && marker <= 0xEF:
		return true
	}
	return false
}

// orientationSegment is a JPEG APP1 EXIF segment holding only the
// orientation o.
func orientationSegment(o int) []byte {
	seg := []byte{0xFF, 0xE1, 0, 0}
	seg = append(seg, "Exif\x00\x00II*\x00\x08\x00\x00\x00"...)
	seg = binary.LittleEndian.AppendUint16(seg, 1)      // one entry
	seg = binary.LittleEndian.AppendUint16(seg, 0x0112) // Orientation
	seg = binary.LittleEndian.AppendUint16(seg, 3)      // SHORT
	seg = binary.LittleEndian.AppendUint32(seg, 1)
	seg = binary.LittleEndian.AppendUint16(seg, uint16(o))
	seg = append(seg, 0, 0, 0, 0, 0, 0) // padding, then no next directory
	binary.BigEndian.PutUint16(seg[2:], uint16(len(seg)-2))
	return seg
}

// pngDropped are the PNG chunks Strip drops: text (which editors fill with
// XMP, authors and software), the time of the last change, and EXIF.
var pngDropped = map[string]bool{"tEXt": true, "zTXt": true, "iTXt": true, "tIME": true, "eXIf": true}

// stripPNG is Strip for a PNG: it copies every chunk but pngDropped, up
// to IEND.
func stripPNG(data []byte) []byte {
	var out bytes.Buffer
	out.Write(data[:8])
	changed := false
	p := 8
	for p < len(data) {
		if p+12 > len(data) {
			out.Write(data[p:])
			p = len(data)
			break
		}
		n := int64(binary.BigEndian.Uint32(data[p:]))
		end := int64(p) + 12 + n
		if end > int64(len(data)) {
			out.Write(data[p:])
			p = len(data)
			break
		}
		typ := string(data[p+4 : p+8])
		if pngDropped[typ] {
			changed = true
		} else {
			out.Write(data[p:end])
		}
		p = int(end)
		if typ == "IEND" {
			changed = changed || p < len(data)
			break
		}
	}
	if !changed {
		return data
	}
	return out.Bytes()
}

// stripWebP is Strip for a WebP: it drops the EXIF and XMP chunks of an
// extended WebP and clears their flags in its VP8X header.
func stripWebP(data []byte) []byte {
	var out bytes.Buffer
	out.Write(data[:12])
	changed := false
	vp8x := -1
	p := 12
	for p < len(data) {
		if p+8 > len(data) {
			out.Write(data[p:])
			break
		}
		n := int64(binary.LittleEndian.Uint32(data[p+4:]))
		end := int64(p) + 8 + n + n&1
		if end > int64(len(data)) {
			out.Write(data[p:])
			break
		}
		typ := string(data[p : p+4])
		switch typ {
		case "EXIF", "XMP ":
			changed = true
		case "VP8X":
			vp8x = out.Len()
			fallthrough
		default:
			out.Write(data[p:end])
		}
		p = int(end)
	}
	if !changed {
		return data
	}
	b := out.Bytes()
	if vp8x >= 0 && vp8x+9 <= len(b) {
		b[vp8x+8] &^= 0x08 | 0x04 // EXIF and XMP present
	}
	binary.LittleEndian.PutUint32(b[4:], uint32(len(b)-8))
	return b
}
