package web

import (
	"context"
	"errors"
	"go/ast"
	"go/parser"
	"go/token"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"github.com/placard/placard/internal/campaign/campaigntest"
	"github.com/placard/placard/internal/i18n"
	"github.com/placard/placard/internal/signing"
)

// errorWords is one pair of words an httpError of the package is made
// with, found in its source.
type errorWords struct {
	where            string // file:line
	heading, message string
}

// packageErrors finds every httpError the package's non-test files
// define, as composite literals (&httpError{heading: …, message: …}) and
// as badRequest(heading, message) calls, with each string constant
// resolved. A field given as an expression (a variable) is reported as
// such, so nothing escapes the checks.
func packageErrors(t *testing.T) []errorWords {
	t.Helper()
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	var parsed []*ast.File
	consts := map[string]string{}
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		af, err := parser.ParseFile(fset, f, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		parsed = append(parsed, af)
		for _, d := range af.Decls {
			gd, ok := d.(*ast.GenDecl)
			if !ok || gd.Tok != token.CONST {
				continue
			}
			for _, sp := range gd.Specs {
				vs := sp.(*ast.ValueSpec)
				for i, n := range vs.Names {
					if i < len(vs.Values) {
						if bl, ok := vs.Values[i].(*ast.BasicLit); ok && bl.Kind == token.STRING {
							consts[n.Name], _ = strconv.Unquote(bl.Value)
						}
					}
				}
			}
		}
	}
	// str is the string an expression stands for, or a marker saying it
	// is not a constant string.
	str := func(e ast.Expr) string {
		switch x := e.(type) {
		case *ast.BasicLit:
			if x.Kind == token.STRING {
				s, _ := strconv.Unquote(x.Value)
				return s
			}
		case *ast.Ident:
			if s, ok := consts[x.Name]; ok {
				return s
			}
		}
		return notConst
	}
	var out []errorWords
	for _, af := range parsed {
		ast.Inspect(af, func(n ast.Node) bool {
			switch x := n.(type) {
			case *ast.CompositeLit:
				if id, ok := x.Type.(*ast.Ident); !ok || id.Name != "httpError" {
					return true
				}
				w := errorWords{where: fset.Position(x.Pos()).String()}
				for _, el := range x.Elts {
					kv, ok := el.(*ast.KeyValueExpr)
					if !ok {
						continue
					}
					switch kv.Key.(*ast.Ident).Name {
					case "heading":
						w.heading = str(kv.Value)
					case "message":
						w.message = str(kv.Value)
					}
				}
				if w.heading == "" && w.message == "" || strings.HasPrefix(w.where, "errors.go") && w.heading == notConst {
					return true // the copy made by inLang, badRequest's own body
				}
				out = append(out, w)
			case *ast.CallExpr:
				if id, ok := x.Fun.(*ast.Ident); ok && id.Name == "badRequest" && len(x.Args) == 2 {
					out = append(out, errorWords{where: fset.Position(x.Pos()).String(), heading: str(x.Args[0]), message: str(x.Args[1])})
				}
			}
			return true
		})
	}
	if len(out) < 30 {
		t.Fatalf("found %d httpErrors in the package's source, want every one (30 or more)", len(out))
	}
	return out
}

const notConst = "<not a constant string>"

var catalogueKey = regexp.MustCompile(`^[a-z][a-z0-9_]*(\.[a-z0-9_]+)+$`)

// TestHTTPErrorsAreKeys: every httpError the package makes names its
// heading and message by catalogue key, never by English words, so none
// can reach an Arabic or Hebrew reader untranslated.
func TestHTTPErrorsAreKeys(t *testing.T) {
	for _, w := range packageErrors(t) {
		for _, s := range []string{w.heading, w.message} {
			if s == "" && s == w.message {
				continue
			}
			if !catalogueKey.MatchString(s) || !i18n.Known(s) {
				t.Errorf("%s: httpError words %q, want a key of the catalogue (internal/i18n/catalogue_errors.go)", w.where, s)
			}
		}
	}
}

// englishWord is a run of two or more Latin letters; allowedLatin are the
// technical names a translation keeps as they are.
var (
	englishWord  = regexp.MustCompile(`[A-Za-z]{2,}`)
	allowedLatin = []string{"oEmbed", "JSON", "format", "json", "embed_origins", "embed", "origins", "org", "yaml", "mastodon", "social"}
)

// TestHTTPErrorsInEveryLanguage renders every httpError of the package in
// Arabic and Hebrew: the page's heading and message hold no English word,
// and its frame (html lang and dir) is of the same language. In English,
// the words are the catalogue's (no key shows).
func TestHTTPErrorsInEveryLanguage(t *testing.T) {
	s := newTestServer(t)
	for _, w := range packageErrors(t) {
		for _, lang := range []string{"ar", "he", "en"} {
			// 404 shows the not-found page; the words are checked on
			// the plain error page.
			he := &httpError{status: http.StatusBadRequest, heading: w.heading, message: w.message, loc: i18n.New(lang, nil)}
			rec := httptest.NewRecorder()
			s.serveError(rec, httptest.NewRequest("POST", "/x", nil), he)
			d, err := goquery.NewDocumentFromReader(rec.Body)
			if err != nil {
				t.Fatal(err)
			}
			h1 := strings.TrimSpace(d.Find(".notice h1").Text())
			msg := strings.TrimSpace(d.Find(".notice p").Not(".status-code, .actions-row").Text())
			html := d.Find("html")
			wantDir := "ltr"
			if lang != "en" {
				wantDir = "rtl"
			}
			if html.AttrOr("lang", "") != lang || html.AttrOr("dir", "") != wantDir {
				t.Errorf("%s in %s: <html lang=%q dir=%q>, want %s %s", w.where, lang, html.AttrOr("lang", ""), html.AttrOr("dir", ""), lang, wantDir)
			}
			if h1 == "" || (w.message != "" && msg == "") {
				t.Errorf("%s in %s: heading %q, message %q: missing", w.where, lang, h1, msg)
			}
			if lang == "en" {
				if catalogueKey.MatchString(h1) || catalogueKey.MatchString(msg) {
					t.Errorf("%s in English shows a key: %q / %q", w.where, h1, msg)
				}
				continue
			}
			for _, word := range englishWord.FindAllString(h1+" "+msg, -1) {
				if !slices.Contains(allowedLatin, word) {
					t.Errorf("%s in %s: English %q in %q / %q", w.where, lang, word, h1, msg)
					break
				}
			}
		}
	}
}

// TestSignRefusalsInTheSignersLanguage: a signing form refused before it
// could be read (too large, sent from another site) answers in the
// reader's language when the campaign has it, with its frame right to
// left; one refused after it was read answers in the language it names.
func TestSignRefusalsInTheSignersLanguage(t *testing.T) {
	e := i18nEnv(t, openSQLite(t))
	ar, he := i18n.New("ar", nil), i18n.New("he", nil)
	check := func(res *http.Response, status int, loc *i18n.Localizer, heading string) {
		t.Helper()
		wantStatus(t, res, status)
		d := doc(t, res)
		html := d.Find("html")
		if html.AttrOr("lang", "") != loc.Lang() || html.AttrOr("dir", "") != "rtl" {
			t.Errorf("%d page: <html lang=%q dir=%q>, want %s rtl", status, html.AttrOr("lang", ""), html.AttrOr("dir", ""), loc.Lang())
		}
		if got, want := strings.TrimSpace(d.Find("h1").Text()), loc.T(heading); got != want {
			t.Errorf("%d page heading %q, want %q", status, got, want)
		}
		if strings.Contains(d.Find("main").Text(), "nothing was recorded") || strings.Contains(d.Find("main").Text(), "another site") {
			t.Errorf("%d page in %s holds English: %q", status, loc.Lang(), d.Find("main").Text())
		}
	}
	e.clock.add(time.Minute)
	v := e.formValues(t, parkPage+"/ar", "petition-form")
	e.clock.add(time.Minute)

	// Too large: the form cannot be read, so the reader's language.
	big := url.Values{}
	for k, vs := range v {
		big[k] = slices.Clone(vs)
	}
	big.Set("comment", strings.Repeat("x", 40<<10))
	check(e.post(t, parkPage+"/sign", big, http.Header{"Accept-Language": {"ar,en;q=0.5"}}),
		http.StatusRequestEntityTooLarge, ar, "error.sign.toolarge.heading")

	// From another site, in Hebrew.
	check(e.post(t, parkPage+"/sign", v, http.Header{"Sec-Fetch-Site": nil, "Origin": {"https://evil.example"}, "Accept-Language": {"he"}}),
		http.StatusForbidden, he, "error.sign.crossorigin.heading")

	// Text that is not text, with the reader's language in Arabic.
	odd := url.Values{}
	for k, vs := range v {
		odd[k] = slices.Clone(vs)
	}
	odd.Set("name", "Ada\x00")
	check(e.post(t, parkPage+"/sign", odd, http.Header{"Accept-Language": {"ar"}}),
		http.StatusBadRequest, ar, "error.sign.badform.heading")

	// Read, and not recorded: the form names Arabic, the browser English.
	e.s.cfg.Recorder = refusingRecorder{}
	check(e.post(t, parkPage+"/sign", v, http.Header{"Accept-Language": {"en"}}),
		http.StatusServiceUnavailable, ar, "error.sign.notstored.heading")
}

// refusingRecorder fails every signature, as a full disk would.
type refusingRecorder struct{}

func (refusingRecorder) Sign(context.Context, *signing.Signature) error {
	return errors.New("disk full")
}

// TestRefusalKeepsTheOrganisationsWording: a refusal worded by a page's
// localizer uses the organisation's own wording (org.yaml strings:) of
// the key, as the page did.
func TestRefusalKeepsTheOrganisationsWording(t *testing.T) {
	s := newTestServer(t)
	loc := i18n.New("fr", map[string]string{"error.sign.toolarge.heading": "Formulaire trop long pour nous"})
	rec := httptest.NewRecorder()
	s.serveError(rec, httptest.NewRequest("POST", "/x/y/sign", nil), inLang(errTooLarge, loc))
	d, err := goquery.NewDocumentFromReader(rec.Body)
	if err != nil {
		t.Fatal(err)
	}
	if h1 := strings.TrimSpace(d.Find("h1").Text()); rec.Code != 413 || h1 != "Formulaire trop long pour nous" || d.Find("html").AttrOr("lang", "") != "fr" {
		t.Errorf("got %d %q lang %q, want 413 in the organisation's French", rec.Code, h1, d.Find("html").AttrOr("lang", ""))
	}
	if !errors.Is(inLang(errTooLarge, loc), errTooLarge) || errTooLarge.loc != nil {
		t.Errorf("inLang changed the shared refusal or lost its identity")
	}
}

// TestContactRefusalsInThePagesLanguage: a call counted from another site
// (refused by the guard, before the handler) and a method the contact
// page does not take (refused by the handler) answer in the language of
// the contact page they were for, whatever the browser asks.
func TestContactRefusalsInThePagesLanguage(t *testing.T) {
	c := &clock{t: clockStart}
	s, err := New(Config{BaseURL: "https://act.example.org", SiteName: "Act", Store: openSQLite(t), RateLimit: -1, Now: c.now},
		campaigntest.Site(t, shoreCallFiles()))
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		method, path string
		header       http.Header
		status       int
		loc          *i18n.Localizer
		heading      string
	}{
		{"POST", "/shore/call/ar/contact/call/called", http.Header{"Sec-Fetch-Site": {"cross-site"}, "Content-Type": {"application/x-www-form-urlencoded"}},
			http.StatusForbidden, i18n.New("ar", nil), "error.sign.crossorigin.heading"},
		{"PUT", "/shore/call/he/contact/call", http.Header{"Sec-Fetch-Site": {"same-origin"}}, http.StatusMethodNotAllowed, i18n.New("he", nil), "error.contact.method.heading"},
	} {
		tc.header.Set("Accept-Language", "en")
		res := get(t, s, tc.method, tc.path, tc.header)
		wantStatus(t, res, tc.status)
		d := doc(t, res)
		html := d.Find("html")
		if got := strings.TrimSpace(d.Find("h1").Text()); got != tc.loc.T(tc.heading) || html.AttrOr("lang", "") != tc.loc.Lang() || html.AttrOr("dir", "") != "rtl" {
			t.Errorf("%s %s: <html lang=%q dir=%q>, h1 %q; want %s rtl, %q", tc.method, tc.path,
				html.AttrOr("lang", ""), html.AttrOr("dir", ""), got, tc.loc.Lang(), tc.loc.T(tc.heading))
		}
	}
}
