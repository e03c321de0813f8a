package site

import (
	"bytes"
	"image"
	"image/jpeg"
	"strings"
	"testing"
	"time"

	"github.com/placard/placard/internal/campaign/campaigntest"
	"github.com/placard/placard/internal/markdown"
)

// TestExportWritesOddFileNames: a static copy writes an organisation's
// file only when a page names it (staticRefs), and the scan for names
// stopped at a space or a bracket: "photo (1).jpg" and its copies, and
// "annual report.pdf", were left out of `placard build`'s copy, whose
// pages linked to them, though the check passed. Each must be written.
func TestExportWritesOddFileNames(t *testing.T) {
	var j bytes.Buffer
	if err := jpeg.Encode(&j, image.NewGray(image.Rect(0, 0, 1200, 630)), nil); err != nil {
		t.Fatal(err)
	}
	loaded := campaigntest.Site(t, campaigntest.Files{
		"civic/org.yaml": "name: Civic\n",
		"civic/hello.yaml": "title: Hello\nsummary: Say hello.\ndate: 2026-01-01\n" +
			"image: {src: \"assets/photo (1).jpg\", alt: A picture}\n" +
			"actions:\n  - kind: resources\n    items:\n" +
			"      - {title: Report, file: \"assets/annual report.pdf\"}\n" +
			"      - {title: Figures, file: \"assets/50% #2?.pdf\"}\n",
		"civic/assets/photo (1).jpg":     j.String(),
		"civic/assets/annual report.pdf": "%PDF-1.4\n",
		"civic/assets/50% #2?.pdf":       "%PDF-1.4\n1",
	})
	files := &LazyFiles{}
	snap, err := Compile(Options{Base: "https://static.example", SiteName: "Placard", Mode: ModeStatic, Now: time.Now, Files: files}, markdown.New(), loaded, nil)
	if err != nil {
		t.Fatal(err)
	}
	written := map[string]bool{}
	if err := Export(snap, files, func(p string, _ map[string]string, _ []byte) error {
		written[p] = true
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	want := map[string]bool{}
	for p := range snap.Static {
		if strings.HasPrefix(p, "/static/civic/") {
			want[p] = true
		}
	}
	for p := range snap.Lazy {
		if strings.HasPrefix(p, "/static/civic/") {
			want[p] = true
		}
	}
	if len(want) != 5 {
		t.Errorf("the snapshot holds %d of civic's files (%v), want the picture, its two copies and two reports", len(want), want)
	}
	for p := range want {
		if !written[p] {
			t.Errorf("%q is not in the static copy", p)
		}
	}
}

// TestDamagedPictureServedWhole: a picture whose header reads but whose
// data is cut short is loaded with a warning and no copies
// (campaign.Asset.NoCopies). Its page must offer no srcset of copies that
// would fail to be made, and a static copy must be written without error,
// the picture itself in it.
func TestDamagedPictureServedWhole(t *testing.T) {
	img := image.NewRGBA(image.Rect(0, 0, 1200, 630))
	for i := range img.Pix {
		img.Pix[i] = byte(i * 7)
	}
	var j bytes.Buffer
	if err := jpeg.Encode(&j, img, nil); err != nil {
		t.Fatal(err)
	}
	loaded := campaigntest.Site(t, campaigntest.Files{
		"civic/org.yaml": "name: Civic\n",
		"civic/hello.yaml": "title: Hello\nsummary: Say hello.\ndate: 2026-01-01\n" +
			"image: {src: assets/cut.jpg, alt: A picture}\nactions:\n  - kind: share\n",
		"civic/assets/cut.jpg": j.String()[:j.Len()/3],
	})
	if a := loaded.Orgs[0].Campaigns[0].Image.Asset; a == nil || !a.NoCopies {
		t.Fatalf("the cut-short picture loaded as %+v, want NoCopies", a)
	}
	files := &LazyFiles{}
	snap, err := Compile(Options{Base: "https://static.example", SiteName: "Placard", Mode: ModeStatic, Now: time.Now, Files: files}, markdown.New(), loaded, nil)
	if err != nil {
		t.Fatal(err)
	}
	for p := range snap.Lazy {
		if strings.HasPrefix(p, "/static/civic/assets/cut-") {
			t.Errorf("a copy %s is offered of a picture that does not decode", p)
		}
	}
	written := map[string]bool{}
	if err := Export(snap, files, func(p string, _ map[string]string, _ []byte) error {
		written[p] = true
		return nil
	}); err != nil {
		t.Fatalf("the static copy failed: %v", err)
	}
	whole := false
	for p := range written {
		if strings.HasPrefix(p, "/static/civic/assets/cut.") {
			whole = true
		}
	}
	if !whole {
		t.Errorf("the picture itself was not written: %v", written)
	}
}
