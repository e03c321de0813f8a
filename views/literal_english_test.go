package views

import (
	"go/scanner"
	"go/token"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"unicode"

	"github.com/a-h/templ"
	"github.com/a-h/templ/parser/v2"
	"github.com/a-h/templ/parser/v2/visitor"

	"github.com/placard/placard/internal/i18n"
)

// prose is a Go string literal that reads as English words: a capital
// letter then small ones ("Read more", "Website", "Error "), or two or more
// plain words ("our site"). Class lists and names are not prose.
var prose = regexp.MustCompile(`^[A-Z][a-z’']*(\s|[.:!?]|$)|^[a-z’']{2,}( [a-z’']+)+\s*$`)

// notProse are string literals of the templates that look like words but
// are never read by a reader: class lists and HTML keywords.
var notProse = map[string]bool{
	"Victory": true, // statusKey compares the web layer's English status text; never shown
}

// TestNoLiteralEnglishInTemplates: every word a reader sees or hears comes
// from the catalogue, so an ar or he page holds no English the organiser
// did not write. The templates' text, the attributes read aloud or shown
// (aria-label, title, alt, placeholder) and the Go strings they fall back
// on hold no English words. Issue 13 B2: the 404 page, the embed's footer
// and the default action titles were English on every page. The
// organisers' console (views/admin) is held to the same rule.
func TestNoLiteralEnglishInTemplates(t *testing.T) {
	files, err := filepath.Glob("*.templ")
	if err != nil || len(files) == 0 {
		t.Fatalf("no templates: %v", err)
	}
	console, err := filepath.Glob(filepath.Join("admin", "*.templ"))
	if err != nil || len(console) == 0 {
		t.Fatalf("no console templates: %v", err)
	}
	files = append(files, console...)
	for _, f := range files {
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		tf, err := parser.ParseString(string(src))
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		at := func(r parser.Range) string { return f + ":" + strconv.Itoa(int(r.From.Line)+1) }
		v := visitor.New()
		v.Text = func(n *parser.Text) error {
			if strings.IndexFunc(n.Value, func(r rune) bool { return unicode.Is(unicode.Latin, r) }) >= 0 {
				t.Errorf("%s: literal text %q: use tr(ctx, key)", at(n.Range), n.Value)
			}
			return nil
		}
		v.ConstantAttribute = func(n *parser.ConstantAttribute) error {
			switch n.Key.String() {
			case "aria-label", "title", "alt", "placeholder":
				if val := n.Value; strings.Contains(val, " ") || prose.MatchString(val) {
					t.Errorf("%s: %s=%q: use tr(ctx, key)", at(n.Range), n.Key.String(), val)
				}
			}
			return nil
		}
		goStrings := func(r parser.Range, code string) {
			var s scanner.Scanner
			fs := token.NewFileSet()
			s.Init(fs.AddFile(f, -1, len(code)), []byte(code), nil, 0)
			for {
				_, tok, lit := s.Scan()
				if tok == token.EOF {
					return
				}
				if tok != token.STRING {
					continue
				}
				str, err := strconv.Unquote(lit)
				if err != nil || notProse[str] || !prose.MatchString(str) {
					continue
				}
				t.Errorf("%s: English string %q: use tr(ctx, key)", at(r), str)
			}
		}
		v.TemplateFileGoExpression = func(n *parser.TemplateFileGoExpression) error {
			goStrings(n.Expression.Range, n.Expression.Value)
			return nil
		}
		v.StringExpression = func(n *parser.StringExpression) error {
			goStrings(n.Expression.Range, n.Expression.Value)
			return nil
		}
		if err := tf.Visit(v); err != nil {
			t.Fatal(err)
		}
	}
}

// TestArabicPagesHoldNoTemplateEnglish renders, in Arabic, the pages whose
// English used to be written into the templates: the 404 page with the
// address asked for, an error page without a heading, the embed's footer
// and a campaign whose actions have no titles. None of the old English
// remains, and the Arabic stands in its place.
func TestArabicPagesHoldNoTemplateEnglish(t *testing.T) {
	ar := func(p *Page) { p.Lang, p.Dir, p.L = "ar", "rtl", i18n.New("ar", nil) }
	nf := notFoundFixture()
	ar(&nf.Page)
	ep := errorFixture()
	ep.Heading, ep.Message = "", ""
	ar(&ep.Page)
	em := embedFixture()
	ar(&em.Page)
	em.Action.Title = "وقّعوا العريضة" // the organiser's words, not the template's
	ef := *em.Action.Form
	ef.SubmitLabel = ""
	em.Action.Form = &ef
	cp := sectionsFixture()
	ar(&cp.Page)
	for i := range cp.Actions {
		cp.Actions[i].Title = ""
		if pv := cp.Actions[i].Petition; pv != nil && pv.Form != nil {
			f := *pv.Form
			f.SubmitLabel = ""
			pv.Form = &f
		}
	}
	english := []string{
		"Error 404", "Nothing is published at", "The address may be mistyped", "Something went wrong",
		"Read the full campaign", "our site", "Privacy policy", "To:",
		"Our statement", "Read the letter", "Sign the petition", "Contact the decision-makers",
		"Spread the word", "Get involved", "Read more", "Take action",
	}
	for _, c := range []struct {
		name string
		page templ.Component
		want []string
	}{
		{"not-found", NotFoundPage(nf), []string{"خطأ 404", "لا شيء منشور على هذا العنوان"}},
		{"error", ErrorPage(ep), []string{"حدث خطأ ما"}},
		{"embed", EmbedPage(em), []string{"اقرأ الحملة كاملة"}},
		{"campaign", CampaignPage(cp), nil},
	} {
		doc, _ := parse(t, c.page)
		body := text(doc.Find("body"))
		for _, e := range english {
			if strings.Contains(body, e) {
				t.Errorf("%s in Arabic holds the English %q", c.name, e)
			}
		}
		for _, w := range c.want {
			if !strings.Contains(body, w) {
				t.Errorf("%s in Arabic lacks %q", c.name, w)
			}
		}
	}
}
