package acceptance

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// rtlPetition is the example petition written in English, Arabic and Hebrew.
const rtlPetition = "/shared-shore/keep-the-library-open-late"

// layout is what TestRTLMirrored measures on a page: edges in CSS pixels.
type layout struct {
	Dir, Lang, TextAlign      string
	LabelLeft, LabelRight     float64 // the label's text
	InputLeft, InputRight     float64
	BoxLeft, BoxRight         float64 // the consent checkbox
	ConsentLeft, ConsentRight float64 // its label
	H1TextLeft, H1TextRight   float64 // the heading's text, not its box
	H1Left, H1Right           float64 // the heading's box
	MainLeft, MainRight       float64 // main's content box
	BrandLeft, SwitchLeft     float64
}

const measure = `(() => {
	const r = e => e.getBoundingClientRect();
	const text = e => { const g = document.createRange(); g.selectNodeContents(e); return g.getBoundingClientRect(); };
	const label = document.querySelector('label[for=petition-form-name]');
	const input = document.getElementById('petition-form-name');
	const box = document.getElementById('petition-form-consent');
	const consent = document.querySelector('label[for=petition-form-consent]');
	const h1 = document.querySelector('h1');
	const range = document.createRange();
	range.selectNodeContents(h1);
	const main = document.querySelector('main');
	const ms = getComputedStyle(main);
	const mr = r(main);
	return JSON.stringify({
		dir: getComputedStyle(document.body).direction,
		lang: document.documentElement.lang,
		textAlign: getComputedStyle(label).textAlign,
		labelLeft: text(label).left, labelRight: text(label).right,
		inputLeft: r(input).left, inputRight: r(input).right,
		boxLeft: r(box).left, boxRight: r(box).right,
		consentLeft: r(consent).left, consentRight: r(consent).right,
		h1TextLeft: range.getBoundingClientRect().left, h1TextRight: range.getBoundingClientRect().right,
		h1Left: r(h1).left, h1Right: r(h1).right,
		mainLeft: mr.left + parseFloat(ms.paddingLeft), mainRight: mr.right - parseFloat(ms.paddingRight),
		brandLeft: r(document.querySelector('.brand')).left,
		switchLeft: r(document.querySelector('.lang-switch')).left,
	});
})()`

// TestRTLMirrored loads the Arabic and Hebrew pages of the example petition
// in headless Chromium, measures the layout and finds it mirrored against
// the English page: the text field's label starts at the right, flush with
// its input's right edge; the consent checkbox sits to the right of its
// label; the heading's text hugs the right of the content; the brand is
// at the right of the header and the language switcher at its left. Each
// page has zero axe-core violations.
func TestRTLMirrored(t *testing.T) {
	b := startBrowser(t)
	s := startSite(t)
	get := func(t *testing.T, path string) layout {
		t.Helper()
		ctx, cancel := context.WithTimeout(b.Context(), 60*time.Second)
		defer cancel()
		p := page{Name: path, Path: path, Status: 200}
		b.load(ctx, t, s.URL+path, p, 1280, 900, false, true)
		b.axe(ctx, t, p)
		raw, err := chromedp.Run(ctx, chromedp.Evaluate[string](measure))
		if err != nil {
			t.Fatalf("%s: measuring: %v", path, err)
		}
		var l layout
		if err := json.Unmarshal([]byte(raw), &l); err != nil {
			t.Fatalf("%s: %v in %s", path, err, raw)
		}
		return l
	}
	near := func(a, b float64) bool { return a-b < 1.5 && b-a < 1.5 }

	en := get(t, rtlPetition)
	if en.Dir != "ltr" || !near(en.LabelLeft, en.InputLeft) || !(en.BoxLeft < en.ConsentLeft) ||
		!near(en.H1TextLeft, en.H1Left) || !(en.BrandLeft < en.SwitchLeft) {
		t.Errorf("English page is not laid out left to right: %+v", en)
	}
	for _, lang := range []string{"ar", "he"} {
		t.Run(lang, func(t *testing.T) {
			l := get(t, rtlPetition+"/"+lang)
			if l.Dir != "rtl" || l.Lang != lang {
				t.Fatalf("direction %q, lang %q; want rtl, %s", l.Dir, l.Lang, lang)
			}
			if l.TextAlign != "start" && l.TextAlign != "right" {
				t.Errorf("label text-align = %q, want start (right in rtl)", l.TextAlign)
			}
			if !near(l.LabelRight, l.InputRight) {
				t.Errorf("label's right edge %.1f, input's %.1f: want the label flush with the input's right edge", l.LabelRight, l.InputRight)
			}
			if !(l.LabelLeft > l.InputLeft+1) {
				t.Errorf("label's left edge %.1f, input's %.1f: want the (shorter) label to end before the input's left edge", l.LabelLeft, l.InputLeft)
			}
			if !(l.BoxLeft > l.ConsentRight-1) {
				t.Errorf("consent checkbox at %.1f–%.1f, its label at %.1f–%.1f: want the checkbox to the right of its label", l.BoxLeft, l.BoxRight, l.ConsentLeft, l.ConsentRight)
			}
			if !near(l.H1TextRight, l.H1Right) {
				t.Errorf("heading text ends at %.1f, its box at %.1f: want the heading's text at the right", l.H1TextRight, l.H1Right)
			}
			if !(l.BrandLeft > l.SwitchLeft) {
				t.Errorf("brand at %.1f, language switcher at %.1f: want the brand at the right", l.BrandLeft, l.SwitchLeft)
			}
			// Mirrored: the English page's left inset of the column becomes a right inset.
			if !near(en.H1Left-en.MainLeft, l.MainRight-l.H1Right) || !near(en.MainRight-en.H1Right, l.H1Left-l.MainLeft) {
				t.Errorf("column insets (left, right) %.1f, %.1f in English and %.1f, %.1f in %s: want mirrored",
					en.H1Left-en.MainLeft, en.MainRight-en.H1Right, l.H1Left-l.MainLeft, l.MainRight-l.H1Right, lang)
			}
		})
	}
}
