package console

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
	"github.com/a-h/templ"
	"golang.org/x/net/html"

	"github.com/placard/placard/internal/accounts"
	"github.com/placard/placard/internal/i18n"
)

// latinWord is a word of three or more Latin letters: what an English
// leftover looks like on a page in another language.
var latinWord = regexp.MustCompile(`\p{Latin}{3,}`)

// organisersWords are the words the organisers wrote (their files, the
// test's signatures and addresses) and names that stay as they are in
// every language: those may appear on any page.
func organisersWords() map[string]bool {
	words := map[string]bool{}
	add := func(s string) {
		for _, w := range latinWord.FindAllString(s, -1) {
			words[strings.ToLower(w)] = true
		}
	}
	for _, src := range testFiles() {
		add(src)
	}
	// The test's pending organisation and its signer, the organisers'
	// addresses, the product's name and the download formats' names.
	add("Northside Tenants Pat Lee Chair northsidetenants sam example org Placard CSV JSON UTC JavaScript")
	// The file editor's example slug, the picture formats and the
	// assets folder's name.
	add("save the library yaml JPEG PNG WebP assets")
	return words
}

// englishWords are the words of the English catalogue that lang's never
// uses: on a page in a language written in Latin letters, these are what
// an English leftover looks like.
func englishWords(lang string) map[string]bool {
	en, l := i18n.New("en", nil), i18n.New(lang, nil)
	theirs := map[string]bool{}
	for _, k := range i18n.Keys() {
		for _, w := range latinWord.FindAllString(l.T(k), -1) {
			theirs[strings.ToLower(w)] = true
		}
	}
	words := map[string]bool{}
	for _, k := range i18n.Keys() {
		for _, w := range latinWord.FindAllString(en.T(k), -1) {
			if !theirs[strings.ToLower(w)] {
				words[strings.ToLower(w)] = true
			}
		}
	}
	return words
}

// visibleText is the text a reader of the page sees or hears: the body's
// text outside the file editor's textarea and code and outside what is
// marked as English, and the attributes read aloud or shown.
func visibleText(d *goquery.Document) string {
	body := d.Find("body").Clone()
	body.Find("textarea, pre, code, script, style").Remove()
	// The file checker's problems are English, as placard check's are,
	// and marked lang="en" so.
	body.Find(`[lang="en"]`).Remove()
	var b strings.Builder
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.TextNode {
			b.WriteString(" " + n.Data)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	for _, n := range body.Nodes {
		walk(n)
	}
	d.Find("[aria-label], [title], [alt], [placeholder], [data-failed]").Each(func(_ int, s *goquery.Selection) {
		for _, a := range []string{"aria-label", "title", "alt", "placeholder", "data-failed"} {
			if v, ok := s.Attr(a); ok {
				b.WriteString(" " + v)
			}
		}
	})
	b.WriteString(" " + d.Find("title").Text())
	return b.String()
}

// TestConsoleHoldsNoEnglish: in each of Placard's other languages, every
// console page an organiser reaches — sign-in, passkey, dashboard (with
// its chart, sources and outreach), moderation, data, the erase
// confirmation, the audit log after exports, an erasure and approvals,
// the file editor's pages, and the error pages — holds no English word
// beyond what the organisers wrote. The audit log used to show its
// details ("2 signatures", "open-letter as csv", "1 on open-letter") and
// its times in English whatever the organiser's language.
func TestConsoleHoldsNoEnglish(t *testing.T) {
	allowed := organisersWords()
	for _, lang := range []string{"fr", "de", "es", "ar", "he"} {
		t.Run(lang, func(t *testing.T) {
			// Arabic and Hebrew pages hold no Latin word the organisers
			// did not write; French, German and Spanish ones no word only
			// English uses.
			english := func(w string) bool { return !allowed[strings.ToLower(w)] }
			if !i18n.IsRTL(lang) {
				en := englishWords(lang)
				english = func(w string) bool { return en[strings.ToLower(w)] && !allowed[strings.ToLower(w)] }
			}
			e, _ := editEnv(t)
			e.pendingOrg(t, "Northside Tenants")
			b := e.signIn("riverside", "sam@example.org", accounts.RoleEditor)
			b.lang = lang
			var pages []string
			look := func(name string, res *http.Response) {
				t.Helper()
				if res.StatusCode >= 500 {
					t.Fatalf("%s: status %d", name, res.StatusCode)
				}
				d := doc(t, res)
				if got := d.Find("html").AttrOr("lang", ""); got != lang {
					if strings.HasPrefix(res.Header.Get("Content-Type"), "text/html") && res.StatusCode != http.StatusSeeOther {
						t.Errorf("%s in %s: a page in %q", name, lang, got)
					}
					return // a download or a redirect
				}
				var left []string
				for _, w := range latinWord.FindAllString(visibleText(d), -1) {
					if english(w) && !slices.Contains(left, w) {
						left = append(left, w)
					}
				}
				if len(left) > 0 {
					t.Errorf("%s in %s holds English words %q", name, lang, left)
				}
				pages = append(pages, name)
			}
			// Things for the log to say: an export, an approval, an erasure.
			wantStatus(t, b.get(Prefix+"/riverside/open-letter/export?format=csv"), http.StatusOK)
			res := b.post(Prefix+"/riverside/moderation", url.Values{"do": {"approve"}, "id": {"1"}})
			if res.StatusCode != http.StatusSeeOther {
				t.Fatalf("approving: status %d", res.StatusCode)
			}
			look("erase confirmation", b.post(Prefix+"/riverside/erase", url.Values{"email": {"northsidetenants@example.org"}}))
			b.post(Prefix+"/riverside/erase", url.Values{"email": {"northsidetenants@example.org"}, "confirm": {"yes"}})
			look("passkey", b.get(Prefix+"/passkey"))
			look("passkey removed", b.get(Prefix+"/passkey?removed=1&ended=2"))
			legacy := e.legacySession(accounts.Organiser{ID: 1}, e.clock.now()) // a session from before 025
			legacy.lang = lang
			look("passkey, a session from before 025", legacy.get(Prefix+"/passkey"))
			look("sessions", b.get(Prefix+"/sessions"))
			look("sessions ended", b.get(Prefix+"/sessions?done=others&n=2"))
			admin := e.signIn("", "sam@example.org", accounts.RoleSiteAdmin)
			admin.lang = lang
			look("site activity", admin.get(Prefix+"/activity"))
			for _, rt := range orgRoutes(t, e.c) {
				if rt[0] != http.MethodGet {
					continue
				}
				p := Prefix + fill(rt[1], "riverside", "open-letter")
				look(p, b.get(p))
			}
			// The log words its details and times in the language.
			l := i18n.New(lang, nil)
			audit := visibleText(doc(t, b.get(Prefix+"/riverside/audit")))
			for _, want := range []string{
				l.N("console.audit.erased", 1), l.N("console.audit.decided", 1, "campaign", "open-letter"),
				l.T("console.audit.export", "campaign", "open-letter", "format", "CSV"),
				l.T("console.audit.how.invitation"), l.T("console.audit.role.editor"),
				l.Date(e.clock.now()),
			} {
				if !strings.Contains(audit, want) {
					t.Errorf("the audit log in %s lacks %q", lang, want)
				}
			}
			// The file editor: a file, a save with a mistake, a saved
			// file, the hand-in document.
			page := body(t, b.get(Prefix+"/riverside/files/won.yaml"))
			m := versionInput.FindStringSubmatch(page)
			if m == nil {
				t.Fatal("no version in the editor page")
			}
			won := testFiles()["riverside/won.yaml"]
			look("a mistake", b.post(Prefix+"/riverside/files/won.yaml", url.Values{"do": {"save"}, "version": {m[1]}, "text": {strings.Replace(won, "status: victory", "status: victoryy", 1)}}))
			look("checking", b.post(Prefix+"/riverside/files/won.yaml", url.Values{"do": {"check"}, "version": {m[1]}, "text": {won}}))
			look("the editor", b.get(Prefix+"/riverside/files/won.yaml"))
			look("the editor, saved", b.get(Prefix+"/riverside/files/won.yaml?saved=live"))
			look("the files, published", b.get(Prefix+"/riverside/files?done=published"))
			// The hand-in document is for the decision-maker: it is in the
			// campaign's language (English here), not the console's.
			if got := doc(t, b.get(Prefix+"/riverside/files/open-letter.yaml/handin")).Find("html").AttrOr("lang", ""); got != "en" {
				t.Errorf("the hand-in document for an English campaign is in %q", got)
			}
			look("data after erasing", b.get(Prefix+"/riverside/data?erased=1"))
			look("not found", b.get(Prefix+"/riverside/nothing-here/x"))
			look("another organisation", b.get(Prefix+"/harbour"))
			out := e.browser()
			out.lang = lang
			look("sign-in", out.get(Prefix+"/signin"))
			look("sign-in after removing this browser's passkey", out.get(Prefix+"/signin?removed=here&ended=3"))
			if len(pages) < 16 {
				t.Errorf("only %d pages looked at: %v", len(pages), pages)
			}
		})
	}
}

// TestRenderFailureInTheLanguage: when a page fails to render, the plain
// 500 answer is in the organiser's language too (it was English).
func TestRenderFailureInTheLanguage(t *testing.T) {
	e := newEnv(t, nil)
	broken := templ.ComponentFunc(func(context.Context, io.Writer) error { return errors.New("broken") })
	for _, lang := range []string{"ar", "fr"} {
		r := httptest.NewRequest(http.MethodGet, testBase+Prefix+"/x", nil)
		r.Header.Set("Accept-Language", lang)
		w := httptest.NewRecorder()
		e.c.render(w, r, http.StatusOK, broken)
		l := i18n.New(lang, nil)
		if w.Code != http.StatusInternalServerError || !strings.Contains(w.Body.String(), l.T("console.err.internal.text")) {
			t.Errorf("%s: %d %q, want 500 in the language", lang, w.Code, w.Body.String())
		}
	}
}
