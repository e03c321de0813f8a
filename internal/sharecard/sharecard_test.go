package sharecard

import (
	"bytes"
	"flag"
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/go-text/typesetting/di"
)

var update = flag.Bool("update", false, "rewrite the golden PNGs in testdata/")

// Cards for the golden images: one per script, with text long enough to
// wrap and, for English, to be cut with an ellipsis.
var goldenCards = map[string]Card{
	"en": {
		Title:   "Keep the Riverside library open: write to the council before 3 March",
		Summary: "The council votes on 3 March whether to close our last public library. Sign the letter, call your councillor and bring a friend to the meeting — it takes ten minutes, and every name counts when the vote is close.",
		OrgName: "Riverside Coalition",
		Primary: color.RGBA{0x0b, 0x5d, 0x3b, 0xff},
		Accent:  color.RGBA{0xf2, 0xb7, 0x05, 0xff},
		Lang:    "en",
	},
	"ar": {
		Title:   "وقّعوا على العريضة لإنقاذ حديقة المدينة قبل ٣٠ نوفمبر",
		Summary: "الحديقة مفتوحة للجميع منذ خمسين عامًا. وقّعوا الرسالة المفتوحة إلى المجلس البلدي (City Council) وشاركوها مع أصدقائكم.",
		OrgName: "تحالف الحدائق العامة",
		Primary: color.RGBA{0x5b, 0x21, 0x6e, 0xff},
		Lang:    "ar",
		RTL:     true,
	},
	"he": {
		Title:   "חתמו על העצומה להצלת הפארק העירוני",
		Summary: "המועצה מצביעה ב־30 בנובמבר. חתמו על המכתב הפתוח ושתפו אותו עם חברים — כל חתימה נספרת.",
		OrgName: "קואליציית הפארקים",
		Primary: color.RGBA{0x1f, 0x3a, 0x5f, 0xff},
		Accent:  color.RGBA{0x4f, 0xb3, 0xbf, 0xff},
		Lang:    "he",
		RTL:     true,
	},
}

func newRenderer(t testing.TB) *Renderer {
	t.Helper()
	r, err := NewRenderer()
	if err != nil {
		t.Fatalf("NewRenderer: %v", err)
	}
	return r
}

// TestGolden compares each card with its golden PNG, allowing small
// per-pixel differences (anti-aliasing may differ by a step between CPU
// architectures' floating point). Run with -update to accept new pictures,
// and look at them before committing.
func TestGolden(t *testing.T) {
	r := newRenderer(t)
	for name, c := range goldenCards {
		for _, f := range []Format{Landscape, Square} {
			t.Run(name+"-"+f.String(), func(t *testing.T) {
				got := r.Render(c, f)
				w, h := f.Size()
				if b := got.Bounds(); b.Dx() != w || b.Dy() != h {
					t.Fatalf("size %dx%d, want %dx%d", b.Dx(), b.Dy(), w, h)
				}
				path := filepath.Join("testdata", name+"-"+f.String()+".png")
				if *update {
					writePNG(t, path, got)
					return
				}
				want := readPNG(t, path)
				if diff := compare(got, want, 24); diff > 0.002 {
					failed := filepath.Join(t.TempDir(), name+"-"+f.String()+".png")
					writePNG(t, failed, got)
					t.Errorf("%.2f%% of pixels differ from %s by more than the tolerance, want at most 0.2%% (got written to %s; run go test ./internal/sharecard -update to accept)", diff*100, path, failed)
				}
			})
		}
	}
}

// TestGoldenCatchesChange proves the tolerance is small enough to matter:
// a one-word change to the English title fails the comparison.
func TestGoldenCatchesChange(t *testing.T) {
	r := newRenderer(t)
	c := goldenCards["en"]
	c.Title = strings.Replace(c.Title, "open", "shut", 1)
	want := readPNG(t, filepath.Join("testdata", "en-landscape.png"))
	if diff := compare(r.Render(c, Landscape), want, 24); diff <= 0.002 {
		t.Errorf("a changed title differs from the golden in %.3f%% of pixels, within the tolerance; want the test to catch it", diff*100)
	}
}

// compare returns the fraction of pixels where any channel of a and b
// differs by more than tol (1 when the sizes differ).
func compare(a, b image.Image, tol int) float64 {
	if a.Bounds() != b.Bounds() {
		return 1
	}
	bad := 0
	r := a.Bounds()
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			c1 := color.NRGBAModel.Convert(a.At(x, y)).(color.NRGBA)
			c2 := color.NRGBAModel.Convert(b.At(x, y)).(color.NRGBA)
			if absDiff(c1.R, c2.R) > tol || absDiff(c1.G, c2.G) > tol || absDiff(c1.B, c2.B) > tol || absDiff(c1.A, c2.A) > tol {
				bad++
			}
		}
	}
	return float64(bad) / float64(r.Dx()*r.Dy())
}

func absDiff(a, b uint8) int {
	if a > b {
		return int(a - b)
	}
	return int(b - a)
}

func writePNG(t *testing.T, path string, img image.Image) {
	t.Helper()
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

func readPNG(t *testing.T, path string) image.Image {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("reading golden %s: %v (run go test ./internal/sharecard -update to create it)", path, err)
	}
	img, err := png.Decode(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("decoding golden %s: %v", path, err)
	}
	return img
}

// inkColumns returns the leftmost and rightmost columns, within rows
// [y0, y1), with any ink: pixels not of the background (palette index 0).
func inkColumns(img *image.Paletted, y0, y1 int) (left, right int) {
	left, right = img.Bounds().Dx(), -1
	for y := y0; y < y1; y++ {
		for x := 0; x < img.Bounds().Dx(); x++ {
			if img.ColorIndexAt(x, y) != 0 {
				left, right = min(left, x), max(right, x)
			}
		}
	}
	return left, right
}

// TestDirection checks that left-to-right text starts at the left margin
// and right-to-left text ends at the right margin, for the title rows.
func TestDirection(t *testing.T) {
	r := newRenderer(t)
	bg := color.RGBA{0x1f, 0x3a, 0x5f, 0xff}
	for _, tc := range []struct {
		name string
		card Card
	}{
		{"ltr", Card{Title: "Short", Primary: bg}},
		{"rtl-hebrew", Card{Title: "קצר", Primary: bg, RTL: true, Lang: "he"}},
		{"rtl-arabic", Card{Title: "قصير", Primary: bg, RTL: true, Lang: "ar"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			img := r.Render(tc.card, Landscape)
			sp := specs[Landscape]
			left, right := inkColumns(img, 0, 560)
			if right < 0 {
				t.Fatal("nothing drawn")
			}
			m := int(sp.margin)
			if tc.card.RTL {
				if right < 1200-m-12 || right > 1200-m+4 || left < 600 {
					t.Errorf("ink spans x=%d..%d, want it to end at the right margin (x≈%d) and stay in the right half", left, right, 1200-m)
				}
			} else if left < m-4 || left > m+12 || right > 600 {
				t.Errorf("ink spans x=%d..%d, want it to start at the left margin (x≈%d) and stay in the left half", left, right, m)
			}
		})
	}
}

// TestTruncation checks that a title too long for the card is cut to the
// last step's lines and ends with the ellipsis glyph, and that short text
// is not cut.
func TestTruncation(t *testing.T) {
	r := newRenderer(t)
	w := r.pool.Get().(*worker)
	defer r.pool.Put(w)
	long := w.text(string(bytes.Repeat([]byte("A very long campaign title that goes on and on. "), 20)))
	last := specs[Landscape].titles[len(specs[Landscape].titles)-1]
	for _, dir := range []bool{false, true} {
		lines, truncated := w.lay(long, last.size, true, dirOf(dir), "en", 1040, last.lines)
		if len(lines) != last.lines {
			t.Errorf("rtl=%v: %d lines, want %d", dir, len(lines), last.lines)
		}
		if truncated == 0 {
			t.Errorf("rtl=%v: nothing reported truncated, want the rest of the text cut", dir)
		}
		end := lines[len(lines)-1]
		ell, _ := w.bold.faces[0].NominalGlyph('…')
		found := false
		for _, run := range end {
			for _, g := range run.Glyphs {
				if g.GlyphID == ell {
					found = true
				}
			}
		}
		if !found {
			t.Errorf("rtl=%v: the last line has no ellipsis glyph", dir)
		}
	}
	lines, truncated := w.lay(w.text("Short title"), last.size, true, dirOf(false), "en", 1040, last.lines)
	if len(lines) != 1 || truncated != 0 {
		t.Errorf("short title: %d lines, %d runes cut; want 1 line, none cut", len(lines), truncated)
	}
}

// TestArabicShaping checks that Arabic letters are shaped into their
// joined forms: the shaped word uses different glyphs from the same
// letters shaped one by one, and the shadda mark is drawn from the Arabic
// face rather than as a missing glyph.
func TestArabicShaping(t *testing.T) {
	r := newRenderer(t)
	w := r.pool.Get().(*worker)
	defer r.pool.Put(w)
	word, _ := w.lay([]rune("وقّعوا"), 40, false, dirOf(true), "ar", 1000, 1)
	var joined []uint32
	for _, run := range word[0] {
		if run.Face != w.regular.faces[1] {
			t.Errorf("a run was shaped with a face other than Noto Sans Arabic")
		}
		for _, g := range run.Glyphs {
			if g.GlyphID == 0 {
				t.Errorf("missing glyph (.notdef) in the shaped word")
			}
			joined = append(joined, uint32(g.GlyphID))
		}
	}
	isolated := map[uint32]bool{}
	for _, ch := range "وقعوا" {
		gid, _ := w.regular.faces[1].NominalGlyph(ch)
		isolated[uint32(gid)] = true
	}
	contextual := 0
	for _, g := range joined {
		if !isolated[g] {
			contextual++
		}
	}
	if contextual == 0 {
		t.Errorf("every glyph is an isolated form; want joined (contextual) forms")
	}
}

func dirOf(rtl bool) di.Direction {
	if rtl {
		return di.DirectionRTL
	}
	return di.DirectionLTR
}

func TestKey(t *testing.T) {
	base := goldenCards["en"]
	k := base.Key(Landscape)
	if len(k) != 64 {
		t.Fatalf("key %q, want 64 hex digits", k)
	}
	if base.Key(Landscape) != k {
		t.Error("the same card gave two keys")
	}
	if base.Key(Square) == k {
		t.Error("the square format has the landscape key")
	}
	for name, change := range map[string]func(*Card){
		"title":   func(c *Card) { c.Title += "!" },
		"summary": func(c *Card) { c.Summary = "" },
		"org":     func(c *Card) { c.OrgName = "Other" },
		"primary": func(c *Card) { c.Primary.R++ },
		"accent":  func(c *Card) { c.Accent.B++ },
		"lang":    func(c *Card) { c.Lang = "fr" },
		"rtl":     func(c *Card) { c.RTL = true },
	} {
		c := base
		change(&c)
		if c.Key(Landscape) == k {
			t.Errorf("changing the %s kept the key", name)
		}
	}
}

// TestConcurrentRender renders the same card from several goroutines and
// checks every copy is identical, so the pool never shares a worker.
func TestConcurrentRender(t *testing.T) {
	r := newRenderer(t)
	c := goldenCards["ar"]
	want := r.Render(c, Landscape)
	var wg sync.WaitGroup
	errs := make(chan string, 8)
	for range 4 {
		wg.Go(func() {
			if got := r.Render(c, Landscape); !bytes.Equal(got.Pix, want.Pix) {
				errs <- "a concurrent render differs from the first"
			}
		})
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
}

func TestPNG(t *testing.T) {
	r := newRenderer(t)
	data, err := r.PNG(Card{Title: "Hello", OrgName: "Org"}, Square)
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := png.DecodeConfig(bytes.NewReader(data))
	if err != nil || cfg.Width != 1080 || cfg.Height != 1080 {
		t.Errorf("got %v %dx%d, want a 1080×1080 PNG", err, cfg.Width, cfg.Height)
	}
}

func TestCleanText(t *testing.T) {
	noEmoji := func(r rune) bool { return r < 0x1F000 }
	for in, want := range map[string]string{
		"  a\n\tb  ":         "a b",
		"x\x00y\u200bz":      "xy\u200bz",
		"":                   "",
		"one  two\r\nend":    "one two end",
		"Save 🌳 the 🌳🌳 park": "Save the park",
		"🔊 Amplify":          "Amplify",
	} {
		if got := string(cleanText(in, noEmoji)); got != want {
			t.Errorf("cleanText(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestNoMissingGlyphs: characters no embedded font has (emoji) are left
// out rather than drawn as boxes, so a title with emoji draws exactly like
// the same title without them.
func TestNoMissingGlyphs(t *testing.T) {
	r := newRenderer(t)
	with := r.Render(Card{Title: "Plant 🌳 a tree 🌍", Summary: "Join us ✊🏽 on Saturday", OrgName: "Green 🌱 Streets"}, Landscape)
	without := r.Render(Card{Title: "Plant a tree", Summary: "Join us on Saturday", OrgName: "Green Streets"}, Landscape)
	if !bytes.Equal(with.Pix, without.Pix) {
		t.Error("a card with emoji differs from the same card without them; want them left out")
	}
}

// BenchmarkRender measures one landscape card, drawn and PNG-encoded:
// the cost of a cache miss. Record the figure in bench/README.md.
func BenchmarkRender(b *testing.B) {
	r := newRenderer(b)
	for name, c := range goldenCards {
		b.Run(name, func(b *testing.B) {
			for b.Loop() {
				if _, err := r.PNG(c, Landscape); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// FuzzRender draws cards from arbitrary text in both directions: an
// organiser can type anything into a title, and no text may crash the
// renderer or draw outside the card.
func FuzzRender(f *testing.F) {
	for _, c := range goldenCards {
		f.Add(c.Title, c.Summary, c.RTL)
	}
	f.Add("", "", false)
	f.Add("\u202eRTL override\u202c and \u200d joiners \u0651\u0651\u0651", "a\u0300\u0301\u0302\u0303 b", true)
	f.Add(strings.Repeat("W", 500), strings.Repeat("لا ", 300), true)
	r := newRenderer(f)
	f.Fuzz(func(t *testing.T, title, summary string, rtl bool) {
		img := r.Render(Card{Title: title, Summary: summary, OrgName: title, RTL: rtl}, Landscape)
		if w, h := Landscape.Size(); img.Bounds().Dx() != w || img.Bounds().Dy() != h {
			t.Fatalf("size %v, want %dx%d", img.Bounds(), w, h)
		}
	})
}

// TestVeryLongText: text far beyond what a card shows is cut before
// shaping, and the card still ends it with an ellipsis.
func TestVeryLongText(t *testing.T) {
	r := newRenderer(t)
	w := r.pool.Get().(*worker)
	defer r.pool.Put(w)
	text := w.text(strings.Repeat("word ", 7000))
	if len(text) != maxRunes {
		t.Fatalf("%d runes kept, want %d", len(text), maxRunes)
	}
	sp := specs[Square]
	lines, truncated := w.lay(text, sp.summarySize, false, dirOf(false), "en", 904, sp.summaryMax)
	if len(lines) != sp.summaryMax || truncated == 0 {
		t.Errorf("%d lines, %d runes cut; want %d lines ending in an ellipsis", len(lines), truncated, sp.summaryMax)
	}
}
