package campaign_test

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"maps"
	"strings"
	"sync"
	"testing"

	"github.com/placard/placard/internal/campaign"
	"github.com/placard/placard/internal/campaign/campaigntest"
	"github.com/placard/placard/internal/imagesizes"
)

// webp1x1 is a lossless WebP of one pixel.
const webp1x1 = "RIFF\x1a\x00\x00\x00WEBPVP8L\r\x00\x00\x00/\x00\x00\x00\x10\a\x10\x11\x11\x88\x88\xfe\a\x00"

// TestCutShortPictureIsAProblem: a JPEG or PNG whose header reads but whose
// picture data is cut short (an upload or copy that did not finish) passed
// the check, then `placard build` failed with "making
// /static/…-800w….jpg: imagesizes: decoding the picture: invalid JPEG
// format: short Huffman data", and serve answered 500 for the copies
// phones fetch. The loader now tells the organiser at the setting, in
// plain words, with the fix. It is a warning, and the picture is served
// as it is with no copies (Asset.NoCopies): browsers often show such a
// file, and one a site already serves must not stop the site loading
// after an upgrade (it was an error, which did).
func TestCutShortPictureIsAProblem(t *testing.T) {
	img := image.NewRGBA(image.Rect(0, 0, 1200, 630))
	for i := range img.Pix {
		img.Pix[i] = byte(i * 7)
	}
	img.Set(0, 0, color.RGBA{1, 2, 3, 255})
	var j, p bytes.Buffer
	if err := jpeg.Encode(&j, img, nil); err != nil {
		t.Fatal(err)
	}
	if err := png.Encode(&p, img); err != nil {
		t.Fatal(err)
	}
	campaignFile := func(src string) string {
		return "title: Hello\nsummary: Say hello.\ndate: 2026-01-01\nimage:\n  src: " + src + "\n  alt: A picture\nactions:\n  - kind: share\n"
	}
	for _, c := range []struct {
		name string
		data []byte
		want string // "" for no problem
	}{
		{"whole.jpg", j.Bytes(), ""},
		{"whole.png", p.Bytes(), ""},
		{"cut.jpg", j.Bytes()[:j.Len()/3], "export it again as JPEG"},
		{"cut.png", p.Bytes()[:p.Len()/2], "export it again as PNG"},
		{"whole.webp", []byte(webp1x1), ""},
		{"cut.webp", []byte(webp1x1[:len(webp1x1)-4]), "export it again as WebP"},
	} {
		files := campaigntest.Files{
			"civic/org.yaml":         "name: Civic\n",
			"civic/hello.yaml":       campaignFile("assets/" + c.name),
			"civic/assets/" + c.name: string(c.data),
		}
		site, probs := campaign.LoadFS(files.FS(), ".")
		if probs.HasErrors() {
			t.Errorf("%s: %v, want no error", c.name, probs)
			continue
		}
		a := site.Orgs[0].Campaigns[0].Image.Asset
		if a == nil || len(a.Data) != len(c.data) {
			t.Errorf("%s: the picture was not loaded whole: %+v", c.name, a)
			continue
		}
		if a.NoCopies != (c.want != "") {
			t.Errorf("%s: NoCopies %v, want %v", c.name, a.NoCopies, c.want != "")
		}
		var warns campaign.Problems
		for _, w := range probs.Warnings() { // a 1 × 1 WebP is also warned of as too small to share
			if strings.Contains(w.String(), " is damaged") {
				warns = append(warns, w)
			}
		}
		if c.want == "" {
			if len(warns) != 0 {
				t.Errorf("%s: %v, want no problem", c.name, probs)
			}
			continue
		}
		if len(warns) != 1 {
			t.Errorf("%s: problems %v, want one warning", c.name, probs)
			continue
		}
		s := warns[0].String()
		for _, w := range []string{"civic/hello.yaml:5:8: warning: ", "assets/" + c.name + " is damaged", c.want} {
			if !strings.Contains(s, w) {
				t.Errorf("%s: %q, want it to hold %q", c.name, s, w)
			}
		}
	}
}

// TestWebPIsChecked: a .webp file was taken without a look (the loader
// read the header of PNG, JPEG and GIF only), so a text file, a JPEG or
// a truncated file named .webp passed the check and every page showed a
// broken picture; nor did a WebP's img get its width and height. Now a
// WebP's header is read like the others'.
func TestWebPIsChecked(t *testing.T) {
	var j bytes.Buffer
	if err := jpeg.Encode(&j, image.NewGray(image.Rect(0, 0, 20, 10)), nil); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		data, want string
	}{
		{"this is not a picture", "civic/hello.yaml:5:8: assets/p.webp is not a picture Placard can read — open it in an image editor and export it again as WebP"},
		{j.String(), "civic/hello.yaml:5:8: warning: assets/p.webp is really a JPEG picture, not WebP — rename it to assets/p.jpg"},
		{webp1x1, ""},
	} {
		files := campaigntest.Files{
			"civic/org.yaml":      "name: Civic\n",
			"civic/hello.yaml":    "title: Hello\nsummary: Say hello.\ndate: 2026-01-01\nimage:\n  src: assets/p.webp\n  alt: A picture\nactions:\n  - kind: share\n",
			"civic/assets/p.webp": c.data,
		}
		s, probs := campaign.LoadFS(files.FS(), ".")
		if c.want == "" {
			if probs.HasErrors() {
				t.Errorf("a whole WebP: %v, want no error", probs)
				continue
			}
			a := s.Orgs[0].Assets["assets/p.webp"]
			if a == nil || a.Width != 1 || a.Height != 1 || a.ContentType != "image/webp" {
				t.Errorf("a whole WebP: asset %+v, want 1×1 image/webp", a)
			}
			continue
		}
		found := false
		for _, p := range probs {
			found = found || strings.HasPrefix(p.String(), c.want)
		}
		if !found {
			t.Errorf("%.20q: problems %v, want one starting %q", c.data, probs, c.want)
		}
	}
}

// TestHugePictureIsWarned: a picture whose header claims 60,000 × 60,000
// pixels (a few bytes of JPEG header can) passed the check without a word
// and was served as it is to every reader's phone; Placard makes no copy
// of a picture over imagesizes.MaxPixels. Now it is a warning saying how
// to fix it; a picture within the limit is not.
func TestHugePictureIsWarned(t *testing.T) {
	for _, c := range []struct {
		w, h int
		want bool
	}{{60000, 60000, true}, {6000, 4200, true}, {300, 200, false}} {
		// A PNG header with no picture data: only the header is read.
		var p bytes.Buffer
		p.WriteString("\x89PNG\r\n\x1a\n\x00\x00\x00\x0dIHDR")
		ihdr := []byte{byte(c.w >> 24), byte(c.w >> 16), byte(c.w >> 8), byte(c.w), byte(c.h >> 24), byte(c.h >> 16), byte(c.h >> 8), byte(c.h), 8, 2, 0, 0, 0}
		p.Write(ihdr)
		crc := crc32.NewIEEE()
		crc.Write([]byte("IHDR"))
		crc.Write(ihdr)
		p.Write(binary.BigEndian.AppendUint32(nil, crc.Sum32()))
		files := campaigntest.Files{
			"civic/org.yaml":       "name: Civic\n",
			"civic/hello.yaml":     "title: Hello\nsummary: Say hello.\ndate: 2026-01-01\nimage:\n  src: assets/big.png\n  alt: A picture\nactions:\n  - kind: share\n",
			"civic/assets/big.png": p.String(),
		}
		_, probs := campaign.LoadFS(files.FS(), ".")
		want := fmt.Sprintf("civic/hello.yaml:5:8: warning: assets/big.png is %d × %d pixels, more than phones can show", c.w, c.h)
		found := false
		for _, p := range probs {
			found = found || strings.HasPrefix(p.String(), want) && strings.Contains(p.String(), "make it at most 2000 pixels wide")
		}
		if found != c.want || probs.HasErrors() {
			t.Errorf("%d×%d: problems %v; want the warning: %v, and no error", c.w, c.h, probs, c.want)
		}
	}
}

// TestReloadDecodesOnlyChangedPictures: the loader decodes every picture
// imagesizes would resize, to report a damaged one (imagesizes.Check),
// and a reload reads an organisation again when any of its files
// changed: an organisation with many large photos paid every decode, and
// its memory, again for a changed sentence. Check's answers are now
// remembered by content, so a second load decodes none of the unchanged
// pictures and a changed one once.
func TestReloadDecodesOnlyChangedPictures(t *testing.T) {
	// Pictures no other test loads (the answers are the process's), each
	// wider than the smallest copy, so Check decodes it.
	picture := func(seed byte) string {
		img := image.NewRGBA(image.Rect(0, 0, 700, 400))
		for i := range img.Pix {
			img.Pix[i] = byte(i*13) ^ seed
		}
		img.Set(3, 5, color.RGBA{seed, 'r', 'l', 255})
		var b bytes.Buffer
		if err := png.Encode(&b, img); err != nil {
			t.Fatal(err)
		}
		return b.String()
	}
	files := campaigntest.Files{
		"civic/org.yaml": "name: Civic\n",
		"civic/hello.yaml": "title: Hello\nsummary: Say hello.\ndate: 2026-01-01\nimage: {src: assets/a.png, alt: A}\n" +
			"actions:\n  - kind: resources\n    items:\n" +
			"      - {title: B, file: assets/b.png}\n      - {title: C, file: assets/c.png}\n",
		"civic/assets/a.png": picture(201),
		"civic/assets/b.png": picture(202),
		"civic/assets/c.png": picture(203),
	}
	ours := map[string]string{}
	for _, name := range []string{"a", "b", "c"} {
		ours[files["civic/assets/"+name+".png"]] = name
	}
	var mu sync.Mutex
	decoded := map[string]int{}
	defer imagesizes.SetDecodeHook(func(data []byte) {
		mu.Lock()
		defer mu.Unlock()
		if name, ok := ours[string(data)]; ok {
			decoded[name]++
		}
	})()
	load := func() map[string]int {
		t.Helper()
		mu.Lock()
		clear(decoded)
		mu.Unlock()
		if _, probs := campaign.LoadFS(files.FS(), "."); probs.HasErrors() {
			t.Fatal(probs)
		}
		mu.Lock()
		defer mu.Unlock()
		return maps.Clone(decoded)
	}
	if got := load(); !maps.Equal(got, map[string]int{"a": 1, "b": 1, "c": 1}) {
		t.Fatalf("the first load decoded %v, want each picture once", got)
	}
	files["civic/hello.yaml"] = strings.Replace(files["civic/hello.yaml"], "Say hello.", "Say hello again.", 1)
	if got := load(); len(got) != 0 {
		t.Errorf("a load after a changed sentence decoded %v, want no picture again", got)
	}
	files["civic/assets/b.png"] = picture(204)
	ours[files["civic/assets/b.png"]] = "b2"
	if got := load(); !maps.Equal(got, map[string]int{"b2": 1}) {
		t.Errorf("a load after one changed picture decoded %v, want that picture once", got)
	}
}
