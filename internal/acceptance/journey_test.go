package acceptance

import (
	"io"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode"

	"github.com/PuerkitoBio/goquery"

	"github.com/placard/placard/internal/i18n"
	"github.com/placard/placard/internal/web"
)

// This file walks the pages a supporter reaches after signing (the
// thank-you page with their personal link, their private page, the poster,
// a form sent back for correction) in every language of the examples, and
// checks that a page in another language holds no English interface text.

// testClock is the server's clock in these tests: signing forms' tokens are
// accepted only from 3 s after they were issued, and the tests move the
// clock on instead of waiting.
type testClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *testClock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *testClock) add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// startJourneySite is startSite with a clock the test moves on.
func startJourneySite(t *testing.T) (*site, *testClock) {
	t.Helper()
	clock := &testClock{t: time.Now()}
	s := startSiteWith(t, func(c *web.Config) { c.Now = clock.now })
	return s, clock
}

// englishPhrase is one English catalogue string, or a piece of one between
// its placeholders, that must not appear on a page in another language.
type englishPhrase struct {
	Key, Text string
}

var placeholderRE = regexp.MustCompile(`\{[a-z_]+\}`)

// englishPhrases is what a page in lang must not contain: every English
// catalogue string, cut at its placeholders, whose piece
//   - differs from the same key's string in lang (a string that is the
//     same in both, such as "{n} min" or a network's name, says nothing),
//   - has at least two words of Latin letters and 10 characters: single
//     words ("Email", "Video", "Audio") and short pairs are also names,
//     brands and organisers' own words, which a page in any language may
//     hold, while a phrase of two words or more from the catalogue is
//     interface text a reader of lang cannot read.
func englishPhrases(lang string) []englishPhrase {
	en, other := i18n.New("en", nil), i18n.New(lang, nil)
	var out []englishPhrase
	for _, key := range i18n.Keys() {
		e := en.T(key)
		if e == other.T(key) {
			continue
		}
		for _, piece := range placeholderRE.Split(e, -1) {
			piece = strings.TrimFunc(piece, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsPunct(r) })
			if len([]rune(piece)) < 10 || latinWords(piece) < 2 {
				continue
			}
			out = append(out, englishPhrase{Key: key, Text: piece})
		}
	}
	return out
}

// latinWords counts the words of s written in Latin letters.
func latinWords(s string) int {
	n := 0
	for _, w := range strings.Fields(s) {
		if strings.IndexFunc(w, func(r rune) bool { return unicode.Is(unicode.Latin, r) }) >= 0 {
			n++
		}
	}
	return n
}

// readable is what a reader of the page sees or hears: its text (without
// scripts and styles) and the attributes read aloud or shown (aria-label,
// alt, title, placeholder, a button's value), one per line.
func readable(d *goquery.Document) string {
	d.Find("script, style, template").Remove()
	var b strings.Builder
	d.Find("*").Each(func(_ int, s *goquery.Selection) {
		for _, a := range []string{"aria-label", "alt", "title", "placeholder"} {
			if v, ok := s.Attr(a); ok {
				b.WriteString(v + "\n")
			}
		}
		if goquery.NodeName(s) == "input" && (s.AttrOr("type", "") == "submit" || s.AttrOr("type", "") == "button") {
			b.WriteString(s.AttrOr("value", "") + "\n")
		}
	})
	b.WriteString(d.Find("title").Text() + "\n")
	b.WriteString(d.Find("body").Text())
	// Pages split words across lines and isolate them (U+2068/U+2069):
	// compare words, not layout.
	text := strings.Map(func(r rune) rune {
		if r == '\u2068' || r == '\u2069' || r == '\u200f' || r == '\u200e' {
			return -1
		}
		return r
	}, b.String())
	return strings.Join(strings.Fields(text), " ")
}

// visited is a page the walk reached, with its language and body.
type visited struct {
	Name, Path, Lang string
	Status           int
	Body             []byte
}

// walker fetches pages without following redirects, so each answer is seen.
type walker struct {
	t     *testing.T
	s     *site
	clock *testClock
	seen  []visited
	n     int
}

var noRedirects = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

func (w *walker) get(name, path string) visited {
	w.t.Helper()
	res, err := noRedirects.Get(w.s.URL + path)
	if err != nil {
		w.t.Fatalf("GET %s: %v", path, err)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		w.t.Fatalf("GET %s: %v", path, err)
	}
	v := visited{Name: name, Path: path, Status: res.StatusCode, Body: body}
	if d, err := goquery.NewDocumentFromReader(strings.NewReader(string(body))); err == nil {
		v.Lang = d.Find("html").AttrOr("lang", "")
	}
	w.seen = append(w.seen, v)
	return v
}

// sign fills every form that posts a signature on the page at path as a
// new supporter would (required fields only, unless all is set) and sends
// it, returning the answer's Location, or the re-shown page's path for a
// form sent back (422).
func (w *walker) sign(name, path string, blank bool) []string {
	w.t.Helper()
	page := w.get(name, path)
	d, err := goquery.NewDocumentFromReader(strings.NewReader(string(page.Body)))
	if err != nil {
		w.t.Fatal(err)
	}
	var next []string
	d.Find("form[method=post]").Each(func(_ int, f *goquery.Selection) {
		action := f.AttrOr("action", "")
		if path, _, _ := strings.Cut(action, "?"); !strings.HasSuffix(path, "/sign") { // …/sign?lang=ar
			return
		}
		w.n++
		v := url.Values{}
		f.Find("input, select, textarea").Each(func(_ int, in *goquery.Selection) {
			field := in.AttrOr("name", "")
			_, required := in.Attr("required")
			switch {
			case field == "":
			case in.AttrOr("type", "") == "hidden":
				v.Set(field, in.AttrOr("value", ""))
			case !required || blank && field != "email":
			case in.AttrOr("type", "") == "checkbox":
				v.Set(field, in.AttrOr("value", "on"))
			case in.AttrOr("type", "") == "email":
				v.Set(field, "journey"+strconv.Itoa(w.n)+"@example.org")
			case goquery.NodeName(in) == "select":
				in.Find("option").EachWithBreak(func(_ int, o *goquery.Selection) bool {
					if val := o.AttrOr("value", ""); val != "" {
						v.Set(field, val)
						return false
					}
					return true
				})
			default:
				v.Set(field, "Journey Tester")
			}
		})
		w.clock.add(10 * time.Second) // the form's token is accepted from 3 s on
		req, err := http.NewRequest("POST", w.s.URL+action, strings.NewReader(v.Encode()))
		if err != nil {
			w.t.Fatal(err)
		}
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Origin", w.s.URL)
		res, err := noRedirects.Do(req)
		if err != nil {
			w.t.Fatalf("POST %s: %v", action, err)
		}
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		switch res.StatusCode {
		case http.StatusSeeOther:
			next = append(next, res.Header.Get("Location"))
		case http.StatusUnprocessableEntity:
			sent := visited{Name: name + "_reshown", Path: action, Status: res.StatusCode, Body: body}
			if d, err := goquery.NewDocumentFromReader(strings.NewReader(string(body))); err == nil {
				sent.Lang = d.Find("html").AttrOr("lang", "")
			}
			w.seen = append(w.seen, sent)
		default:
			w.t.Errorf("POST %s from %s: status %d, want 303 or 422", action, path, res.StatusCode)
		}
	})
	return next
}

// afterSigning walks, from the campaign page at path, what a signer
// reaches: the form sent back with a mistake, the thank-you page with
// their personal link (and again, as on a reload), their private page and
// its 404, and the poster.
func (w *walker) afterSigning(name, path string) {
	w.t.Helper()
	w.sign(name+"_mistake", path, true)
	for i, thanks := range w.sign(name, path, false) {
		tn := name + "_thanks" + strconv.Itoa(i)
		v := w.get(tn, thanks)
		if v.Status != http.StatusOK {
			w.t.Errorf("%s: status %d, want 200", thanks, v.Status)
			continue
		}
		d, _ := goquery.NewDocumentFromReader(strings.NewReader(string(v.Body)))
		w.get(tn+"_again", thanks)
		if private := d.Find("#private-link").AttrOr("value", ""); private != "" {
			u, err := url.Parse(private)
			if err != nil {
				w.t.Fatalf("private link %q: %v", private, err)
			}
			w.get(tn+"_private", u.RequestURI())
			w.get(tn+"_private_404", u.Path+"?key=not-a-key")
		}
	}
	w.get(name+"_poster", path+"/poster")
}

// walkJourney walks every page of the examples and, for each campaign
// that takes signatures, in each language, the pages after signing.
func walkJourney(t *testing.T) []visited {
	s, clock := startJourneySite(t)
	w := &walker{t: t, s: s, clock: clock}
	for _, p := range s.Pages {
		w.get(p.Name, p.Path)
	}
	for _, p := range s.Pages {
		if slices.Contains(s.Signing, strings.TrimSuffix(strings.TrimSuffix(p.Path, "/ar"), "/he")) && !strings.Contains(p.Path, "?") {
			w.afterSigning(p.Name, p.Path)
		}
	}
	return w.seen
}

// TestNoEnglishOnOtherLanguagePages: every page of the examples, and every
// page after signing, in a language other than English holds none of the
// catalogue's English phrases (see englishPhrases for which count). Issue
// 13 B2: the after-signing journey was half English on ar/he pages.
func TestNoEnglishOnOtherLanguagePages(t *testing.T) {
	pages := walkJourney(t)
	phrases := map[string][]englishPhrase{}
	checked := map[string]int{}
	for _, v := range pages {
		base, _, _ := strings.Cut(v.Lang, "-")
		if base == "" || base == "en" {
			continue
		}
		if phrases[base] == nil {
			phrases[base] = englishPhrases(base)
		}
		d, err := goquery.NewDocumentFromReader(strings.NewReader(string(v.Body)))
		if err != nil {
			t.Fatalf("%s: %v", v.Path, err)
		}
		text := readable(d)
		checked[base]++
		for _, ph := range phrases[base] {
			if strings.Contains(text, ph.Text) {
				t.Errorf("%s (%s, lang %s): English %q (catalogue key %s)", v.Name, v.Path, v.Lang, ph.Text, ph.Key)
			}
		}
	}
	for _, lang := range []string{"ar", "he"} {
		if checked[lang] < 8 {
			t.Errorf("checked %d pages in %s, want the examples' pages and the pages after signing (8 or more)", checked[lang], lang)
		}
	}
	t.Logf("pages checked by language: %v", checked)
}
