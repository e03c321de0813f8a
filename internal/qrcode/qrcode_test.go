package qrcode

import (
	"bytes"
	"encoding/xml"
	"image/png"
	"strings"
	"testing"

	"github.com/placard/placard/internal/qrcode/qrtest"
)

const campaignURL = "https://act.example.org/riverside/save-the-library?src=qr"

// TestSVGScans decodes the SVG with zbarimg (Debian's zbar-tools) and
// checks it reads back the exact URL.
func TestSVGScans(t *testing.T) {
	c, err := Encode(campaignURL)
	if err != nil {
		t.Fatal(err)
	}
	if got := qrtest.Decode(t, c.SVG(8, "QR code"), "svg"); got != campaignURL {
		t.Errorf("zbarimg read %q, want %q", got, campaignURL)
	}
}

// TestPNGScans does the same for the PNG.
func TestPNGScans(t *testing.T) {
	c, err := Encode(campaignURL)
	if err != nil {
		t.Fatal(err)
	}
	data, err := c.PNG(6)
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := png.DecodeConfig(bytes.NewReader(data))
	if want := (c.Size() + 2*QuietZone) * 6; err != nil || cfg.Width != want || cfg.Height != want {
		t.Fatalf("PNG %v %dx%d, want %dx%d", err, cfg.Width, cfg.Height, want, want)
	}
	if got := qrtest.Decode(t, data, "png"); got != campaignURL {
		t.Errorf("zbarimg read %q, want %q", got, campaignURL)
	}
}

// TestSVGShape checks the document: well-formed XML, crisp edges, a view
// box with the quiet zone, an accessible title, and nothing outside the
// symbol drawn dark.
func TestSVGShape(t *testing.T) {
	c, err := Encode(campaignURL)
	if err != nil {
		t.Fatal(err)
	}
	svg := c.SVG(4, `Scan <me> & "go"`)
	var doc struct {
		XMLName   xml.Name `xml:"svg"`
		ViewBox   string   `xml:"viewBox,attr"`
		Width     string   `xml:"width,attr"`
		Rendering string   `xml:"shape-rendering,attr"`
		Title     string   `xml:"title"`
		Path      struct {
			D string `xml:"d,attr"`
		} `xml:"path"`
	}
	if err := xml.Unmarshal(svg, &doc); err != nil {
		t.Fatalf("the SVG is not well-formed XML: %v\n%s", err, svg)
	}
	n := c.Size() + 2*QuietZone
	if want := "0 0 " + itoa(n) + " " + itoa(n); doc.ViewBox != want {
		t.Errorf("viewBox %q, want %q", doc.ViewBox, want)
	}
	if doc.Width != itoa(4*n) {
		t.Errorf("width %q, want %d", doc.Width, 4*n)
	}
	if doc.Rendering != "crispEdges" {
		t.Errorf("shape-rendering %q, want crispEdges", doc.Rendering)
	}
	if doc.Title != `Scan <me> & "go"` {
		t.Errorf("title %q", doc.Title)
	}
	// Every rectangle starts inside the symbol, past the quiet zone.
	for _, sub := range strings.Split(strings.TrimSuffix(doc.Path.D, "z"), "z") {
		var x, y, w, w2 int
		if _, err := fmtSscanf(sub, &x, &y, &w, &w2); err != nil {
			t.Fatalf("path piece %q: %v", sub, err)
		}
		if x < QuietZone || y < QuietZone || x+w > QuietZone+c.Size() || y >= QuietZone+c.Size() || w != w2 {
			t.Errorf("rectangle %q reaches into the quiet zone", sub)
		}
	}
}

func TestTooLong(t *testing.T) {
	if _, err := Encode(strings.Repeat("x", 5000)); err == nil {
		t.Error("5000 bytes encoded; want an error")
	}
}

// BenchmarkQR measures encoding a campaign address and writing both files
// at the size the web layer serves (16 px modules).
func BenchmarkQR(b *testing.B) {
	for _, f := range []string{"svg", "png"} {
		b.Run(f, func(b *testing.B) {
			for b.Loop() {
				c, err := Encode(campaignURL)
				if err != nil {
					b.Fatal(err)
				}
				if f == "svg" {
					_ = c.SVG(16, "QR code")
				} else if _, err := c.PNG(16); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
