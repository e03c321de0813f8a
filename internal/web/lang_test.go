package web

import (
	"context"
	"encoding/xml"
	"io"
	"maps"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"github.com/placard/placard/internal/campaign"
	"github.com/placard/placard/internal/i18n"
	"github.com/placard/placard/internal/signing"
	"github.com/placard/placard/internal/store"
)

// i18nEnv is a signing server over testdata/i18n: one organisation in
// English (default), Arabic and Hebrew, with one petition.
func i18nEnv(t *testing.T, st store.Store) *signEnv {
	t.Helper()
	site, probs := campaign.Load("testdata/i18n")
	if site == nil {
		t.Fatalf("loading testdata/i18n: %v", probs)
	}
	c := &clock{t: time.Date(2026, 2, 20, 12, 0, 0, 0, time.UTC)}
	committer := store.NewCommitter(st, store.CommitterOptions{})
	t.Cleanup(func() { committer.Close() })
	s, err := New(Config{BaseURL: "https://act.example.org", SiteName: "Act", Store: st, Recorder: committer, RateLimit: -1, Now: c.now}, site)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return &signEnv{s: s, st: st, clock: c}
}

const parkPage = "/trio/open-the-park"

// TestLanguagePages: each language has its own address with the right
// lang and dir, hreflang alternates with x-default, og:locale alternates,
// and a switcher whose every link leads to the page in that language.
func TestLanguagePages(t *testing.T) {
	e := i18nEnv(t, openSQLite(t))
	for _, tc := range []struct {
		path, lang, dir, h1, locale string
	}{
		{parkPage, "en", "ltr", "Open the park", "en_GB"},
		{parkPage + "/ar", "ar", "rtl", "افتحوا الحديقة", "ar_AR"},
		{parkPage + "/he", "he", "rtl", "פתחו את הפארק", "he_IL"},
		{"/trio", "en", "ltr", "Trio Network", "en_GB"},
		{"/trio/ar", "ar", "rtl", "شبكة الثلاثي", "ar_AR"},
		{"/trio/he", "he", "rtl", "רשת השלישייה", "he_IL"},
	} {
		res := get(t, e.s, "GET", tc.path, nil)
		wantStatus(t, res, 200)
		d := doc(t, res)
		html := d.Find("html")
		if got := html.AttrOr("lang", ""); got != tc.lang {
			t.Errorf("%s: lang = %q, want %q", tc.path, got, tc.lang)
		}
		if got := html.AttrOr("dir", ""); got != tc.dir {
			t.Errorf("%s: dir = %q, want %q", tc.path, got, tc.dir)
		}
		if got := strings.TrimSpace(d.Find("h1").First().Text()); got != tc.h1 {
			t.Errorf("%s: h1 = %q, want %q", tc.path, got, tc.h1)
		}
		if got := d.Find(`meta[property="og:locale"]`).AttrOr("content", ""); got != tc.locale {
			t.Errorf("%s: og:locale = %q, want %q", tc.path, got, tc.locale)
		}
		alts := map[string]string{}
		d.Find(`link[rel=alternate][hreflang]`).Each(func(_ int, s *goquery.Selection) {
			alts[s.AttrOr("hreflang", "")] = s.AttrOr("href", "")
		})
		base := "https://act.example.org" + strings.TrimSuffix(strings.TrimSuffix(tc.path, "/ar"), "/he")
		want := map[string]string{"en": base, "ar": base + "/ar", "he": base + "/he", "x-default": base}
		for k, v := range want {
			if alts[k] != v {
				t.Errorf("%s: hreflang %s = %q, want %q", tc.path, k, alts[k], v)
			}
		}
		var others []string
		d.Find(`meta[property="og:locale:alternate"]`).Each(func(_ int, s *goquery.Selection) { others = append(others, s.AttrOr("content", "")) })
		if len(others) != 2 || strings.Contains(strings.Join(others, " "), tc.locale) {
			t.Errorf("%s: og:locale:alternate = %v, want the two other languages", tc.path, others)
		}
		links := d.Find(".lang-switch a")
		if links.Length() != 3 {
			t.Fatalf("%s: switcher has %d links, want 3", tc.path, links.Length())
		}
		links.Each(func(_ int, a *goquery.Selection) {
			lang := a.AttrOr("hreflang", "")
			current := a.AttrOr("aria-current", "") == "page"
			if current != (lang == tc.lang) {
				t.Errorf("%s: switcher link %s current = %v", tc.path, lang, current)
			}
			if a.AttrOr("lang", "") != lang {
				t.Errorf("%s: switcher link %s has lang %q, want its own language", tc.path, lang, a.AttrOr("lang", ""))
			}
			r := get(t, e.s, "GET", a.AttrOr("href", ""), nil)
			wantStatus(t, r, 200)
			if got := doc(t, r).Find("html").AttrOr("lang", ""); got != lang {
				t.Errorf("%s: switcher link %s leads to a page in %q", tc.path, lang, got)
			}
		})
	}
	// Interface strings and numbers in the page's language.
	d := doc(t, get(t, e.s, "GET", parkPage+"/ar", nil))
	if got := strings.TrimSpace(d.Find("form.sign-form button[type=submit]").Text()); got != "وقّع العريضة" {
		t.Errorf("Arabic submit button = %q, want وقّع العريضة", got)
	}
	if got := strings.TrimSpace(d.Find(".tally-count").Text()); got != "لم يوقّع أحد بعد: كن أول الموقّعين" {
		t.Errorf("Arabic tally = %q", got)
	}
	if got := d.Find("input[name=lang]").AttrOr("value", ""); got != "ar" {
		t.Errorf("Arabic form's hidden lang = %q, want ar", got)
	}
	if got := d.Find("form.sign-form").AttrOr("action", ""); got != parkPage+"/sign?lang=ar" {
		t.Errorf("Arabic form posts to %q, want %s", got, parkPage+"/sign?lang=ar")
	}
}

// TestAcceptLanguageSuggests: the plain address never redirects; a reader
// preferring Arabic gets the English page with a notice, in Arabic,
// linking to the Arabic page; caches are told the answer varies.
func TestAcceptLanguageSuggests(t *testing.T) {
	e := i18nEnv(t, openSQLite(t))
	for _, path := range []string{parkPage, "/trio"} {
		for _, tc := range []struct {
			header, wantLang string
		}{
			{"", ""}, {"en-GB,en;q=0.9", ""}, {"fr", ""},
			{"ar-EG,ar;q=0.9", "ar"}, {"he-IL,he;q=0.9,en;q=0.5", "he"},
		} {
			h := http.Header{}
			if tc.header != "" {
				h.Set("Accept-Language", tc.header)
			}
			res := get(t, e.s, "GET", path, h)
			wantStatus(t, res, 200)
			if v := res.Header.Get("Vary"); !strings.Contains(v, "Accept-Language") {
				t.Errorf("%s: Vary = %q, want Accept-Language in it", path, v)
			}
			d := doc(t, res)
			if got := d.Find("html").AttrOr("lang", ""); got != "en" {
				t.Errorf("%s (%s): page language %q, want en (no redirect, no switch)", path, tc.header, got)
			}
			n := d.Find(".lang-suggest")
			if tc.wantLang == "" {
				if n.Length() != 0 {
					t.Errorf("%s (%s): got a suggestion, want none", path, tc.header)
				}
				continue
			}
			if n.AttrOr("lang", "") != tc.wantLang || n.Find("a").AttrOr("href", "") != path+"/"+tc.wantLang {
				t.Errorf("%s (%s): suggestion lang=%q href=%q, want %s", path, tc.header, n.AttrOr("lang", ""), n.Find("a").AttrOr("href", ""), tc.wantLang)
			}
		}
	}
}

// TestSignInLanguages: signatures from each language record it, answer in
// it, and count towards the one tally every language shows.
func TestSignInLanguages(t *testing.T) {
	forEachEngine(t, func(t *testing.T, st store.Store) {
		e := i18nEnv(t, st)
		e.clock.add(time.Minute)
		v := e.formValues(t, parkPage+"/ar", "petition-form")
		e.clock.add(time.Minute)
		res := e.post(t, parkPage+"/sign", v, nil)
		wantStatus(t, res, 303)
		// (then the new signer's personal-link claim, reach.go)
		if loc := res.Header.Get("Location"); !strings.HasPrefix(loc, parkPage+"/ar/thanks?outcome=signed&claim=") {
			t.Fatalf("Location = %q, want the Arabic thanks page", loc)
		}
		th := doc(t, get(t, e.s, "GET", parkPage+"/ar/thanks?outcome=signed", nil))
		if th.Find("html").AttrOr("dir", "") != "rtl" || !strings.Contains(th.Find("h1").Text(), "شكرًا") {
			t.Errorf("Arabic thanks page: dir %q, h1 %q", th.Find("html").AttrOr("dir", ""), th.Find("h1").Text())
		}
		var switcher []string
		th.Find(".lang-switch a").Each(func(_ int, a *goquery.Selection) { switcher = append(switcher, a.AttrOr("href", "")) })
		if strings.Join(switcher, " ") != parkPage+"/thanks?outcome=signed "+parkPage+"/ar/thanks?outcome=signed "+parkPage+"/he/thanks?outcome=signed" {
			t.Errorf("thanks page switcher = %v, want the same answer in en, ar, he", switcher)
		}
		v = e.formValues(t, parkPage, "petition-form")
		v.Set("email", "grace@example.org")
		e.clock.add(time.Minute)
		wantStatus(t, e.post(t, parkPage+"/sign", v, nil), 303)
		// An Arabic form with a mistake answers in Arabic.
		bad := e.formValues(t, parkPage+"/ar", "petition-form")
		bad.Set("name", "")
		e.clock.add(time.Minute)
		res = e.post(t, parkPage+"/sign", bad, nil)
		wantStatus(t, res, 422)
		if d := doc(t, res); !strings.Contains(d.Find(".error-summary").Text(), "اكتب اسمك") || d.Find("html").AttrOr("lang", "") != "ar" {
			t.Errorf("Arabic re-shown form: lang %q, summary %q", d.Find("html").AttrOr("lang", ""), d.Find(".error-summary").Text())
		}

		if n := e.count(t, "trio", "open-the-park").Signatures; n != 2 {
			t.Fatalf("store count = %d, want 2 (one per language, one campaign)", n)
		}
		langs := map[string]bool{}
		err := st.Signatures(context.Background(), "trio", "open-the-park", signing.StatusApproved, func(s *signing.Signature) error {
			langs[s.Lang] = true
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if !langs["ar"] || !langs["en"] {
			t.Errorf("recorded languages = %v, want ar and en", langs)
		}
		// After close_at, a form sent from the Hebrew page is refused in Hebrew.
		late := e.formValues(t, parkPage+"/he", "petition-form")
		e.clock.add(120 * 24 * time.Hour)
		res = e.post(t, parkPage+"/sign", late, nil)
		wantStatus(t, res, 410)
		if d := doc(t, res); d.Find("html").AttrOr("lang", "") != "he" || !strings.Contains(d.Find("h1").Text(), "החתימה הסתיימה") {
			t.Errorf("closed campaign from the Hebrew page: lang %q, h1 %q", d.Find("html").AttrOr("lang", ""), d.Find("h1").Text())
		}
		e.clock.add(-120 * 24 * time.Hour)

		e.poll(t)
		for path, want := range map[string]string{
			parkPage: "2 people have signed", parkPage + "/ar": "وقّع شخصان", parkPage + "/he": "שני אנשים חתמו",
		} {
			if got := strings.TrimSpace(doc(t, get(t, e.s, "GET", path, nil)).Find(".tally-count").Text()); got != want {
				t.Errorf("%s tally = %q, want %q", path, got, want)
			}
		}
	})
}

// TestExportLanguages: a static copy holds every language's pages.
func TestExportLanguages(t *testing.T) {
	site, probs := campaign.Load("testdata/i18n")
	if site == nil {
		t.Fatal(probs)
	}
	s, err := New(Config{BaseURL: "https://act.example.org", SiteName: "Act"}, site)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	err = s.Export(func(p string, h http.Header, body []byte) error {
		got[p] = string(body)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{"/trio", "/trio/ar", "/trio/he", parkPage, parkPage + "/ar", parkPage + "/he"} {
		if !strings.Contains(got[p], "<html") {
			t.Errorf("export lacks %s", p)
		}
	}
	if !strings.Contains(got[parkPage+"/he"], `lang="he" dir="rtl"`) {
		t.Errorf("exported Hebrew page is not marked lang=he dir=rtl")
	}
}

// BenchmarkLanguagePage serves the example petition's plain address from a
// static server (no store): without Accept-Language, with a header naming
// the default language, with one that gets the Arabic suggestion variant,
// and the Arabic page itself. The difference is the negotiation's cost on
// the read path.
func BenchmarkLanguagePage(b *testing.B) {
	site, probs := campaign.Load("testdata/i18n")
	if site == nil {
		b.Fatal(probs)
	}
	s, err := New(Config{BaseURL: "https://act.example.org", SiteName: "Act"}, site)
	if err != nil {
		b.Fatal(err)
	}
	for _, tc := range []struct{ name, path, accept string }{
		{"plain", parkPage, ""},
		{"accept-en", parkPage, "en-GB,en;q=0.9"},
		{"accept-ar", parkPage, "ar-EG,ar;q=0.9,en;q=0.8"},
		{"arabic-page", parkPage + "/ar", ""},
	} {
		b.Run(tc.name, func(b *testing.B) {
			req := httptest.NewRequest("GET", tc.path, nil)
			req.Header.Set("Accept-Encoding", "gzip")
			if tc.accept != "" {
				req.Header.Set("Accept-Language", tc.accept)
			}
			benchServe(b, s, req)
		})
	}
}

// TestLanguageCards: each language of a campaign without its own picture
// shares its own card (drawn in that language, right to left for Arabic and
// Hebrew), with its QR codes and poster beside it.
func TestLanguageCards(t *testing.T) {
	e := i18nEnv(t, openSQLite(t))
	cards := map[string]string{}
	for _, p := range []string{parkPage, parkPage + "/ar", parkPage + "/he"} {
		d := doc(t, get(t, e.s, "GET", p, nil))
		img := d.Find(`meta[property="og:image"]`).AttrOr("content", "")
		want := "https://act.example.org" + p + "/card.png?v="
		if !strings.HasPrefix(img, want) {
			t.Errorf("%s: og:image = %q, want its own card %s…", p, img, want)
			continue
		}
		res := get(t, e.s, "GET", strings.TrimPrefix(img, "https://act.example.org"), nil)
		wantStatus(t, res, 200)
		body, _ := io.ReadAll(res.Body)
		if res.Header.Get("Content-Type") != "image/png" || len(body) == 0 {
			t.Errorf("%s card: got %q with %d bytes, want a PNG", p, res.Header.Get("Content-Type"), len(body))
		}
		cards[p] = string(body)
		for _, s := range []string{"/card-square.png", "/qr.svg", "/qr.png", "/poster"} {
			wantStatus(t, get(t, e.s, "GET", p+s, nil), 200)
		}
	}
	if len(cards) == 3 && (cards[parkPage] == cards[parkPage+"/ar"] || cards[parkPage+"/ar"] == cards[parkPage+"/he"]) {
		t.Errorf("the language cards are the same picture, want each drawn in its own language")
	}
}

// TestSitemapLanguages: every language of a page is its own <url> in the
// sitemap, naming all the languages and x-default as hreflang alternates.
func TestSitemapLanguages(t *testing.T) {
	e := i18nEnv(t, openSQLite(t))
	res := get(t, e.s, "GET", "/sitemap.xml", nil)
	wantStatus(t, res, 200)
	var set struct {
		URLs []struct {
			Loc   string `xml:"loc"`
			Links []struct {
				Hreflang string `xml:"hreflang,attr"`
				Href     string `xml:"href,attr"`
			} `xml:"http://www.w3.org/1999/xhtml link"`
		} `xml:"url"`
	}
	if err := xml.NewDecoder(res.Body).Decode(&set); err != nil {
		t.Fatalf("sitemap.xml: %v", err)
	}
	base := "https://act.example.org" + parkPage
	want := map[string]string{"en": base, "ar": base + "/ar", "he": base + "/he", "x-default": base}
	found := 0
	for _, u := range set.URLs {
		if u.Loc != base && u.Loc != base+"/ar" && u.Loc != base+"/he" {
			continue
		}
		found++
		got := map[string]string{}
		for _, l := range u.Links {
			got[l.Hreflang] = l.Href
		}
		if !maps.Equal(got, want) {
			t.Errorf("sitemap <url> %s: alternates %v, want %v", u.Loc, got, want)
		}
	}
	if found != 3 {
		t.Errorf("the sitemap lists %d language addresses of %s, want 3", found, parkPage)
	}
}

// TestMastodonConfirmLanguage: the page asking to continue to a Mastodon
// server speaks the language of the page it came from.
func TestMastodonConfirmLanguage(t *testing.T) {
	e := i18nEnv(t, openSQLite(t))
	for _, tc := range []struct{ path, lang, dir string }{
		{parkPage, "en", "ltr"},
		{parkPage + "/ar", "ar", "rtl"},
		{parkPage + "/he", "he", "rtl"},
	} {
		res := get(t, e.s, "GET", tc.path+"/share/mastodon?instance=social.example", nil)
		wantStatus(t, res, 200)
		d := doc(t, res)
		html := d.Find("html")
		if html.AttrOr("lang", "") != tc.lang || html.AttrOr("dir", "") != tc.dir {
			t.Errorf("%s: lang=%q dir=%q, want %s %s", tc.path, html.AttrOr("lang", ""), html.AttrOr("dir", ""), tc.lang, tc.dir)
		}
		want := i18n.New(tc.lang, nil).T("share.mastodon.confirm.title")
		if h1 := strings.TrimSpace(d.Find("h1").Text()); h1 != want {
			t.Errorf("%s: h1 %q, want %q", tc.path, h1, want)
		}
	}
}

// TestSignAgainHeadingInLanguage: a form whose token was refused comes back
// with a heading in the page's language. The headings were English on
// every page before they moved to the catalogue.
func TestSignAgainHeadingInLanguage(t *testing.T) {
	forEachEngine(t, func(t *testing.T, st store.Store) {
		e := i18nEnv(t, st)
		for _, c := range []struct{ lang, want string }{
			{"ar", "يُرجى إرسال النموذج مرة أخرى"},
			{"he", "נא לשלוח את הטופס שוב"},
		} {
			v := e.formValues(t, parkPage+"/"+c.lang, "petition-form")
			// Sent at once: the token is younger than formtoken.MinAge.
			res := e.post(t, parkPage+"/sign", v, nil)
			wantStatus(t, res, 422)
			d := doc(t, res)
			if h := d.Find("h1").Text(); !strings.Contains(h, c.want) || d.Find("html").AttrOr("lang", "") != c.lang {
				t.Errorf("%s form sent too soon: lang %q, h1 %q, want it to contain %q", c.lang, d.Find("html").AttrOr("lang", ""), h, c.want)
			}
		}
	})
}
