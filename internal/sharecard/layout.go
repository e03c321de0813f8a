package sharecard

import (
	"image"
	"image/color"
	"image/draw"
	"slices"
	"unicode"

	"github.com/go-text/typesetting/di"
	"github.com/go-text/typesetting/font"
	ot "github.com/go-text/typesetting/font/opentype"
	"github.com/go-text/typesetting/language"
	"github.com/go-text/typesetting/shaping"
	"golang.org/x/image/math/fixed"
	"golang.org/x/image/vector"
)

// spec is the geometry of one format, in pixels. Sizes are font sizes
// (the em square); leads are line heights as a multiple of the size.
type spec struct {
	margin      float32 // left and right
	top         float32 // above the organisation name
	bottom      float32 // between the last text line and the band
	band        float32 // height of the accent band along the bottom
	bar         float32 // width of the accent bar beside the organisation name
	orgSize     float32
	orgGap      float32 // below the organisation name
	titles      []titleStep
	titleLead   float32
	titleGap    float32 // between title and summary
	summarySize float32
	summaryLead float32
	summaryMax  int // most summary lines shown
}

// titleStep is one size to try for the title: the largest size whose
// lines fit is used, and the last step truncates.
type titleStep struct {
	size  float32
	lines int
}

var specs = [...]spec{
	Landscape: {
		margin: 80, top: 64, bottom: 56, band: 16, bar: 8,
		orgSize: 30, orgGap: 28,
		titles:    []titleStep{{72, 2}, {60, 3}, {52, 3}},
		titleLead: 1.18, titleGap: 22,
		summarySize: 32, summaryLead: 1.4, summaryMax: 3,
	},
	Square: {
		margin: 88, top: 96, bottom: 96, band: 24, bar: 10,
		orgSize: 38, orgGap: 40,
		titles:    []titleStep{{88, 3}, {74, 4}, {62, 5}},
		titleLead: 1.16, titleGap: 32,
		summarySize: 40, summaryLead: 1.4, summaryMax: 5,
	},
}

// arabicLead is how much taller lines with Arabic are: its letters reach
// further above and below the baseline than Latin or Hebrew ones.
const arabicLead = 1.12

// capHeight is Noto Sans's capital height as a fraction of the em; lines
// are placed so capitals sit centred in their line box.
const capHeight = 0.714

var white = color.RGBA{0xff, 0xff, 0xff, 0xff}

// fontmap picks, for each rune, the face of its script (Latin, Arabic or
// Hebrew) or, for punctuation, digits and combining marks, the face of the
// script around it (the segmenter tells it with SetScript). When the
// preferred face lacks the glyph, the first face that has it is used, so a
// mark such as U+0651 ARABIC SHADDA never becomes a missing-glyph box.
type fontmap struct {
	faces  [3]*font.Face // Latin, Arabic, Hebrew
	script language.Script
}

func (m *fontmap) SetScript(s language.Script) { m.script = s }

func (m *fontmap) ResolveFace(r rune) *font.Face {
	s := language.LookupScript(r)
	if !s.Strong() {
		s = m.script
	}
	pref := 0
	switch s {
	case language.Arabic:
		pref = 1
	case language.Hebrew:
		pref = 2
	}
	if _, ok := m.faces[pref].NominalGlyph(r); ok {
		return m.faces[pref]
	}
	for _, f := range m.faces {
		if _, ok := f.NominalGlyph(r); ok {
			return f
		}
	}
	return m.faces[pref]
}

// worker holds what one Render needs that is not safe to share: faces
// (which cache glyph data), the shaper, segmenter, line wrapper and
// rasteriser.
type worker struct {
	regular, bold fontmap
	shaper        shaping.HarfbuzzShaper
	seg           shaping.Segmenter
	wrapper       shaping.LineWrapper
	raster        vector.Rasterizer
}

func newWorker(fonts [numFaces]*font.Font) *worker {
	w := &worker{}
	for i := range 3 {
		w.regular.faces[i] = font.NewFace(fonts[latinRegular+faceID(i)])
		w.bold.faces[i] = font.NewFace(fonts[latinBold+faceID(i)])
	}
	return w
}

// text cleans s for drawing (see cleanText), keeping only characters one
// of the embedded fonts has, spaces, and the zero-width joiner and
// non-joiner that steer Arabic joining.
func (w *worker) text(s string) []rune {
	out := cleanText(s, func(r rune) bool {
		if unicode.Is(unicode.Join_Control, r) {
			return true
		}
		for _, f := range w.regular.faces {
			if _, ok := f.NominalGlyph(r); ok {
				return true
			}
		}
		return false
	})
	// No card shows more than a few hundred characters of any text, so
	// shaping the rest would only cost time: text this long is cut with
	// an ellipsis either way.
	if len(out) > maxRunes {
		out = out[:maxRunes]
	}
	return out
}

// maxRunes is more characters than any text on any card can show (five
// lines of a square card's summary hold about 250).
const maxRunes = 1000

// para is a laid-out paragraph, ready to draw.
type para struct {
	lines []shaping.Line
	size  float32
	lead  float32 // line height in pixels
	ink   int     // which text colour: inkWhite or inkSummary
}

// Text is drawn in one of two inks, each into its own coverage mask; the
// masks are then composed into a paletted image (see compose).
const (
	inkWhite   = iota // organisation name and title
	inkSummary        // summary: white softened towards the background
	numInks
)

func (p *para) height() float32 { return float32(len(p.lines)) * p.lead }

func (w *worker) render(c Card, f Format) *image.Paletted {
	width, height := f.Size()
	sp := specs[f]
	primary := c.Primary
	if primary.A == 0 {
		primary = DefaultPrimary
	}
	primary.A = 0xff
	accent := c.Accent
	if accent.A == 0 || (accent.R == primary.R && accent.G == primary.G && accent.B == primary.B) {
		accent = mix(primary, white, 0.55)
	}
	accent.A = 0xff
	dir := di.DirectionLTR
	if c.RTL {
		dir = di.DirectionRTL
	}
	lang := language.NewLanguage(c.Lang)
	if c.Lang == "" {
		lang = language.NewLanguage("en")
	}

	bounds := image.Rect(0, 0, width, height)
	var masks [numInks]*image.Alpha
	for i := range masks {
		masks[i] = image.NewAlpha(bounds)
	}
	W, H := float32(width), float32(height)
	bandTop := H - sp.band
	// Accent shapes: the band along the bottom, and the bar beside the
	// organisation name. Text never reaches them.
	accents := []image.Rectangle{image.Rect(0, int(bandTop), width, height)}

	left, right := sp.margin, W-sp.margin
	y := sp.top
	if org := w.text(c.OrgName); len(org) > 0 {
		lh := sp.orgSize * 1.4
		gap := sp.bar * 2.5
		lines, _ := w.lay(org, sp.orgSize, true, dir, lang, right-left-sp.bar-gap, 1)
		barX := left
		if c.RTL {
			barX = right - sp.bar
		}
		accents = append(accents, pixelRect(barX, y, barX+sp.bar, y+lh))
		tl, tr := left+sp.bar+gap, right
		if c.RTL {
			tl, tr = left, right-sp.bar-gap
		}
		if len(lines) > 0 {
			w.drawLine(masks[inkWhite], lines[0], tl, tr, y+(lh+capHeight*sp.orgSize)/2, sp.orgSize, c.RTL)
		}
		y += lh + sp.orgGap
	}

	// Lay out the title at the largest size that fits, then give the
	// summary the lines left above the band.
	bottom := bandTop - sp.bottom
	title := w.text(c.Title)
	lead := float32(1)
	if hasArabic(title) {
		lead = arabicLead
	}
	var tp para
	for i, step := range sp.titles {
		last := i == len(sp.titles)-1
		maxLines := step.lines
		if !last {
			maxLines = 0 // measure: how many lines does it take?
		}
		lines, _ := w.lay(title, step.size, true, dir, lang, right-left, maxLines)
		if last || len(lines) <= step.lines {
			tp = para{lines: lines, size: step.size, lead: step.size * sp.titleLead * lead, ink: inkWhite}
			break
		}
	}
	var sum para
	if s := w.text(c.Summary); len(s) > 0 {
		slead := float32(1)
		if hasArabic(s) {
			slead = arabicLead
		}
		sum.size, sum.lead, sum.ink = sp.summarySize, sp.summarySize*sp.summaryLead*slead, inkSummary
		gap := float32(0)
		if len(tp.lines) > 0 {
			gap = sp.titleGap
		}
		n := min(sp.summaryMax, int((bottom-y-tp.height()-gap)/sum.lead))
		if n > 0 {
			sum.lines, _ = w.lay(s, sum.size, false, dir, lang, right-left, n)
		}
	}

	// Centre the title and summary in the space below the organisation
	// name, a little above the middle, where the eye expects a headline.
	block := tp.height() + sum.height()
	if len(tp.lines) > 0 && len(sum.lines) > 0 {
		block += sp.titleGap
	}
	if free := bottom - y - block; free > 0 {
		y += free * 0.4
	}
	for _, p := range []*para{&tp, &sum} {
		for _, line := range p.lines {
			w.drawLine(masks[p.ink], line, left, right, y+(p.lead+capHeight*p.size)/2, p.size, c.RTL)
			y += p.lead
		}
		if p == &tp && len(tp.lines) > 0 {
			y += sp.titleGap
		}
	}
	inks := [numInks]color.RGBA{inkWhite: white, inkSummary: mix(white, primary, 0.14)}
	return compose(bounds, primary, accent, inks, masks, accents)
}

// coverageLevels is how many steps of anti-aliasing each ink has in the
// palette, counting full coverage: 31 steps are indistinguishable from 255
// at a card's text sizes, and keep the palette at 64 colours.
const coverageLevels = 31

// compose paints the card as a paletted image: the background, each ink at
// coverageLevels steps of coverage over it, and the accent shapes. A
// paletted PNG is a fraction of the size of a true-colour one and skips
// the PNG encoder's per-row filtering, the slowest part of encoding.
// Where both inks cover a pixel (they never do in practice) the first wins.
func compose(bounds image.Rectangle, bg, accent color.RGBA, inks [numInks]color.RGBA, masks [numInks]*image.Alpha, accents []image.Rectangle) *image.Paletted {
	pal := make(color.Palette, 0, 2+numInks*coverageLevels)
	pal = append(pal, bg, accent)
	for _, ink := range inks {
		for q := 1; q <= coverageLevels; q++ {
			pal = append(pal, mix(bg, ink, float32(q)/coverageLevels))
		}
	}
	img := image.NewPaletted(bounds, pal)
	// level maps a coverage byte to its palette step, 0 meaning none.
	var level [256]uint8
	for a := range level {
		level[a] = uint8((a*coverageLevels + 127) / 255)
	}
	for i := range img.Pix {
		px := uint8(0)
		for k := range masks {
			if q := level[masks[k].Pix[i]]; q > 0 {
				px = uint8(2 + k*coverageLevels + int(q) - 1)
				break
			}
		}
		img.Pix[i] = px
	}
	for _, r := range accents {
		draw.Draw(img, r, image.NewUniform(accent), image.Point{}, draw.Src)
	}
	return img
}

// lay shapes text at size pixels and wraps it to maxWidth. With maxLines
// above zero, text beyond that many lines is cut and the last line ends
// with an ellipsis. The lines returned are the caller's to keep.
func (w *worker) lay(text []rune, size float32, bold bool, dir di.Direction, lang language.Language, maxWidth float32, maxLines int) ([]shaping.Line, int) {
	if len(text) == 0 {
		return nil, 0 // the segmenter gives empty text no face to shape with
	}
	fm := &w.regular
	if bold {
		fm = &w.bold
	}
	px := fixed.Int26_6(size * 64)
	in := shaping.Input{Text: text, RunEnd: len(text), Direction: dir, Size: px, Language: lang}
	inputs := w.seg.Split(in, fm)
	outs := make([]shaping.Output, len(inputs))
	for i, run := range inputs {
		outs[i] = w.shaper.Shape(run)
	}
	cfg := shaping.WrapConfig{Direction: dir, BreakPolicy: shaping.WhenNecessary}
	if maxLines > 0 {
		cfg.TruncateAfterLines = maxLines
		ell := []rune{'…'}
		cfg.Truncator = w.shaper.Shape(shaping.Input{
			Text: ell, RunEnd: 1, Direction: dir, Size: px, Language: lang,
			Face: fm.faces[0], Script: language.Common,
		})
	}
	lines, truncated := w.wrapper.WrapParagraphF(cfg, fixed.Int26_6(maxWidth*64), text, shaping.NewSliceIterator(outs))
	// The wrapper reuses its buffers on the next call; copy the lines out.
	out := make([]shaping.Line, len(lines))
	for i, l := range lines {
		out[i] = slices.Clone(l)
	}
	return out, truncated
}

// drawLine adds one line's glyph outlines to mask, starting at left
// (or ending at right when rtl), with its baseline at y.
func (w *worker) drawLine(mask *image.Alpha, line shaping.Line, left, right, baseline, size float32, rtl bool) {
	var width float32
	for _, run := range line {
		width += fx(run.Advance)
	}
	x := left
	if rtl {
		x = right - width
	}
	// The box the line can reach: generous above and below for accents
	// and Arabic marks, and a little either side for overhanging glyphs.
	box := image.Rect(int(x-size), int(baseline-1.5*size), int(x+width+size)+1, int(baseline+0.9*size)+1).Intersect(mask.Bounds())
	if box.Empty() {
		return
	}
	ox, oy := float32(box.Min.X), float32(box.Min.Y)
	z := &w.raster
	z.Reset(box.Dx(), box.Dy())
	order := make([]int, len(line))
	for i := range order {
		order[i] = i
	}
	slices.SortFunc(order, func(a, b int) int { return int(line[a].VisualIndex) - int(line[b].VisualIndex) })
	pen := x
	for _, ri := range order {
		run := &line[ri]
		scale := fx(run.Size) / float32(run.Face.Upem())
		for _, g := range run.Glyphs {
			gx, gy := pen+fx(g.XOffset)-ox, baseline-fx(g.YOffset)-oy
			if outline, ok := run.Face.GlyphData(g.GlyphID).(font.GlyphOutline); ok {
				open := false
				for _, s := range outline.Segments {
					a := s.Args
					switch s.Op {
					case ot.SegmentOpMoveTo:
						if open {
							z.ClosePath()
						}
						z.MoveTo(gx+a[0].X*scale, gy-a[0].Y*scale)
						open = true
					case ot.SegmentOpLineTo:
						z.LineTo(gx+a[0].X*scale, gy-a[0].Y*scale)
					case ot.SegmentOpQuadTo:
						z.QuadTo(gx+a[0].X*scale, gy-a[0].Y*scale, gx+a[1].X*scale, gy-a[1].Y*scale)
					case ot.SegmentOpCubeTo:
						z.CubeTo(gx+a[0].X*scale, gy-a[0].Y*scale, gx+a[1].X*scale, gy-a[1].Y*scale, gx+a[2].X*scale, gy-a[2].Y*scale)
					}
				}
				if open {
					z.ClosePath()
				}
			}
			pen += fx(g.Advance)
		}
	}
	z.Draw(mask, box, image.Opaque, image.Point{})
}

func fx(v fixed.Int26_6) float32 { return float32(v) / 64 }

// pixelRect is the rectangle from (x0, y0) to (x1, y1), rounded to whole
// pixels.
func pixelRect(x0, y0, x1, y1 float32) image.Rectangle {
	return image.Rect(int(x0+0.5), int(y0+0.5), int(x1+0.5), int(y1+0.5))
}

// mix blends a towards b by t (0 is a, 1 is b), both opaque.
func mix(a, b color.RGBA, t float32) color.RGBA {
	m := func(x, y uint8) uint8 { return uint8(float32(x) + (float32(y)-float32(x))*t + 0.5) }
	return color.RGBA{m(a.R, b.R), m(a.G, b.G), m(a.B, b.B), 0xff}
}

func hasArabic(text []rune) bool {
	for _, r := range text {
		if language.LookupScript(r) == language.Arabic {
			return true
		}
	}
	return false
}
