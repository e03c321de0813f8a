package i18n

import (
	"slices"
	"strings"
	"testing"
	"time"
)

// TestArabicPlurals checks the six Arabic forms on the signature count for
// the numbers the issue names: 0 zero, 1 one, 2 two, 3 few, 11 many, 100 other.
func TestArabicPlurals(t *testing.T) {
	ar := New("ar", nil)
	for _, tc := range []struct {
		n    int
		form string
		want string
	}{
		{0, "zero", "لم يوقّع أحد بعد: كن أول الموقّعين"},
		{1, "one", "وقّع شخص واحد"},
		{2, "two", "وقّع شخصان"},
		{3, "few", "وقّع 3 أشخاص"},
		{11, "many", "وقّع 11 شخصًا"},
		{100, "other", "وقّع 100 شخص"},
		{1000, "other", "وقّع 1,000 شخص"},
		{105, "few", "وقّع 105 أشخاص"},
	} {
		if got := formName(PluralForm("ar", tc.n)); got != tc.form {
			t.Errorf("PluralForm(ar, %d) = %s, want %s", tc.n, got, tc.form)
		}
		if got := ar.N("tally.count", tc.n); got != tc.want {
			t.Errorf("ar N(tally.count, %d) = %q, want %q", tc.n, got, tc.want)
		}
	}
}

func TestPluralsOtherLanguages(t *testing.T) {
	for _, tc := range []struct {
		lang string
		n    int
		want string
	}{
		{"en", 0, "No one has signed yet: be the first"},
		{"en", 1, "1 person has signed"},
		{"en", 5000, "5,000 people have signed"},
		{"he", 1, "אדם אחד חתם"},
		{"he", 2, "שני אנשים חתמו"},
		{"he", 7, "7 אנשים חתמו"},
		{"fr", 0, "Personne n’a encore signé : soyez la première personne"},
		{"fr", 1, "1 personne a signé"},
		{"fr", 12000, "12\u202f000 personnes ont signé"},
		{"es", 5000, "5000 personas han firmado"},
		{"es", 12000, "12.000 personas han firmado"},
		{"de", 2500, "2.500 Personen haben unterschrieben"},
		{"xx", 3, "3 people have signed"}, // unknown language: English
	} {
		if got := New(tc.lang, nil).N("tally.count", tc.n); got != tc.want {
			t.Errorf("%s N(tally.count, %d) = %q, want %q", tc.lang, tc.n, got, tc.want)
		}
	}
}

// TestCatalogueComplete fails when a language misses a message English
// has, or has one English lacks (a typo in a key).
func TestCatalogueComplete(t *testing.T) {
	en := catalogue[Default]
	for _, lang := range Supported[1:] {
		msgs := catalogue[lang]
		if msgs == nil {
			t.Errorf("no catalogue for %s", lang)
			continue
		}
		for k := range en {
			if _, ok := msgs[k]; ok {
				continue
			}
			// A plural message may use the language's own forms.
			if base, _, ok := cutForm(k); ok {
				if _, ok := msgs[base+".other"]; ok {
					continue
				}
			}
			t.Errorf("%s misses %q", lang, k)
		}
		for k := range msgs {
			if _, ok := en[k]; ok {
				continue
			}
			if base, _, ok := cutForm(k); ok && Known(base) {
				continue
			}
			t.Errorf("%s has %q, which English has not", lang, k)
		}
	}
	for _, lang := range Supported {
		for k, v := range catalogue[lang] {
			if strings.Count(v, "{") != strings.Count(v, "}") {
				t.Errorf("%s %s: unbalanced braces in %q", lang, k, v)
			}
		}
	}
}

func cutForm(k string) (base, form string, ok bool) {
	i := strings.LastIndexByte(k, '.')
	if i < 0 {
		return "", "", false
	}
	f := k[i+1:]
	if slices.Contains([]string{"none", "zero", "one", "two", "few", "many", "other"}, f) {
		return k[:i], f, true
	}
	return "", "", false
}

// TestNegotiate is the table of Accept-Language headers against the
// languages a page exists in.
func TestNegotiate(t *testing.T) {
	avail := []string{"en", "ar", "he"}
	for _, tc := range []struct {
		header   string
		want     string
		suggests bool
	}{
		{"", "en", false},
		{"ar", "ar", true},
		{"ar-EG,ar;q=0.9,en;q=0.8", "ar", true},
		{"he-IL", "he", true},
		{"iw", "he", true}, // the old code for Hebrew
		{"fr-FR,fr;q=0.9", "en", false},
		{"fr;q=0.9,he;q=0.8", "he", true},
		{"en-US,en;q=0.9,ar;q=0.5", "en", true},
		{"de, ar;q=0.1", "ar", true},
		{"*", "en", false},
		{"not a header;;;", "en", false},
	} {
		got, ok := Negotiate(tc.header, avail)
		if got != tc.want || ok != tc.suggests {
			t.Errorf("Negotiate(%q) = %s, %v; want %s, %v", tc.header, got, ok, tc.want, tc.suggests)
		}
	}
	// A matcher answers the same from its cache as when it first worked it out.
	m := NewMatcher(avail)
	for i := 0; i < 2; i++ {
		if got, ok := m.Negotiate("he-IL"); got != "he" || !ok {
			t.Errorf("Matcher.Negotiate(he-IL) call %d = %s, %v; want he, true", i, got, ok)
		}
	}
	// The index, not the tag: an available "pt-BR" comes back as written.
	if got, _ := Negotiate("pt", []string{"en", "pt-BR"}); got != "pt-BR" {
		t.Errorf("Negotiate(pt, [en pt-BR]) = %s, want pt-BR", got)
	}
	if got, ok := Negotiate("ar", nil); got != "" || ok {
		t.Errorf("Negotiate with nothing available = %q, %v; want \"\", false", got, ok)
	}
}

func TestRTL(t *testing.T) {
	for lang, want := range map[string]bool{
		"ar": true, "he": true, "fa": true, "ur": true, "yi": true, "ar-EG": true,
		"en": false, "fr": false, "az-Latn": false, "ku-Arab": true, "": false, "??": false,
	} {
		if got := IsRTL(lang); got != want {
			t.Errorf("IsRTL(%q) = %v, want %v", lang, got, want)
		}
	}
	if got := New("he", nil).Dir(); got != "rtl" {
		t.Errorf("he Dir = %s, want rtl", got)
	}
	if got := New("de", nil).Dir(); got != "ltr" {
		t.Errorf("de Dir = %s, want ltr", got)
	}
}

func TestDate(t *testing.T) {
	d := time.Date(2026, 2, 10, 0, 0, 0, 0, time.UTC)
	for lang, want := range map[string]string{
		"en": "10 February 2026", "ar": "10 فبراير 2026", "he": "10 בפברואר 2026",
		"es": "10 de febrero de 2026", "fr": "10 février 2026", "de": "10. Februar 2026",
		"ar-MA": "10 فبراير 2026", "zz": "10 February 2026",
	} {
		if got := New(lang, nil).Date(d); got != want {
			t.Errorf("%s Date = %q, want %q", lang, got, want)
		}
	}
	if got := New("ar", nil).Date(time.Time{}); got != "" {
		t.Errorf("zero date = %q, want empty", got)
	}
}

func TestNumber(t *testing.T) {
	for _, tc := range []struct {
		lang string
		n    int
		want string
	}{
		{"en", 0, "0"}, {"en", 999, "999"}, {"en", 1000, "1,000"}, {"en", -1234567, "-1,234,567"},
		{"ar", 5000, "5,000"}, {"he", 5000, "5,000"}, {"de", 1000000, "1.000.000"},
		{"fr", 5000, "5\u202f000"}, {"es", 5000, "5000"}, {"es", 50000, "50.000"},
	} {
		if got := New(tc.lang, nil).Number(tc.n); got != tc.want {
			t.Errorf("%s Number(%d) = %q, want %q", tc.lang, tc.n, got, tc.want)
		}
	}
}

// TestOverrides: an organisation's own wording wins, per key, and plural
// overrides follow the same forms.
func TestOverrides(t *testing.T) {
	l := New("ar", map[string]string{"sign.submit.petition": "أضف صوتك", "tally.count.many": "{n} صوتًا"})
	if got := l.T("sign.submit.petition"); got != "أضف صوتك" {
		t.Errorf("override = %q, want أضف صوتك", got)
	}
	if got := l.T("sign.back"); got != "العودة إلى الحملة" {
		t.Errorf("not overridden = %q, want the catalogue's", got)
	}
	if got := l.N("tally.count", 11); got != "11 صوتًا" {
		t.Errorf("plural override = %q, want 11 صوتًا", got)
	}
	if got := l.N("tally.count", 3); got != "وقّع 3 أشخاص" {
		t.Errorf("plural not overridden = %q", got)
	}
	if got := New("en", nil).T("thanks.signed.body", "title", "Save it"); !strings.Contains(got, "“Save it”") {
		t.Errorf("placeholder not filled: %q", got)
	}
	if got := New("en", nil).T("no.such.key"); got != "no.such.key" {
		t.Errorf("unknown key = %q, want the key", got)
	}
}

// TestCheckMessages: internal/signing's problems are catalogue keys with
// arguments, worded in each language; numbers take the language's grouping.
func TestCheckMessages(t *testing.T) {
	if got := New("ar", nil).Say(Msg("check.name.missing")); got != "اكتب اسمك" {
		t.Errorf("ar name = %q", got)
	}
	if got := New("he", nil).Say(Msg("check.email.at")); got != "כתבו כתובת דוא״ל תקינה, למשל name@example.org" {
		t.Errorf("he email = %q", got)
	}
	long := Msg("check.comment.toolong", Int("max", 2000))
	en := "Your comment must be 2,000 characters or fewer"
	if got := New("en", nil).Say(long); got != en {
		t.Errorf("en kept = %q", got)
	}
	if got := long.String(); got != en {
		t.Errorf("String = %q, want the English %q", got, en)
	}
	if got := New("fr", nil).Say(long); got != "2\u202f000 caractères au maximum" {
		t.Errorf("fr too long = %q", got)
	}
	if got := New("ar", nil).Say(Msg("check.name.invisible")); got != "يحتوي هذا على أحرف خفية أو خاصة لا يمكننا قبولها — احذفها أو اكتبه من جديد بدلًا من لصقه" {
		t.Errorf("ar invisible = %q", got)
	}
	if got := New("fr", nil).Say(Message{}); got != "" {
		t.Errorf("no message = %q, want empty", got)
	}
	// An organisation's own wording of a problem wins, in English too.
	if got := New("en", map[string]string{"check.name.missing": "Who are you?"}).Say(Msg("check.name.missing")); got != "Who are you?" {
		t.Errorf("override = %q", got)
	}
}

func TestNames(t *testing.T) {
	if Name("ar") != "العربية" || Name("he") != "עברית" || Name("en-GB") != "English" || Name("qq") != "qq" {
		t.Errorf("Name: got %q %q %q %q", Name("ar"), Name("he"), Name("en-GB"), Name("qq"))
	}
	if OGLocale("ar") != "ar_AR" || OGLocale("he") != "he_IL" || OGLocale("fr-CA") != "fr_CA" {
		t.Errorf("OGLocale: got %s %s %s", OGLocale("ar"), OGLocale("he"), OGLocale("fr-CA"))
	}
	// The pages' own table: the locale most readers use, not the likely one.
	if OGLocale("sw") != "sw_KE" || OGLocale("yi") != "yi_US" || OGLocale("pt") != "pt_PT" {
		t.Errorf("OGLocale: got %s %s %s", OGLocale("sw"), OGLocale("yi"), OGLocale("pt"))
	}
}

// TestIsolates: a name whose direction differs from the sentence's is
// wrapped in first-strong isolate marks (the plain-text <bdi>); one in the
// sentence's own direction is not.
func TestIsolates(t *testing.T) {
	for _, tc := range []struct{ lang, org, want string }{
		{"ar", "Trio Network", "يمكن أن يحتفظ \u2068Trio Network\u2069 ببياناتي لاحتساب توقيعي وتسليمه، ويمكنني أن أطلب محوها في أي وقت."},
		{"ar", "شبكة الثلاثي", "يمكن أن يحتفظ شبكة الثلاثي ببياناتي لاحتساب توقيعي وتسليمه، ويمكنني أن أطلب محوها في أي وقت."},
		{"en", "רשת השלישייה", "\u2068רשת השלישייה\u2069 may keep my details to count and deliver my signature. I can ask them to erase my details at any time."},
		{"en", "Trio Network", "Trio Network may keep my details to count and deliver my signature. I can ask them to erase my details at any time."},
	} {
		if got := New(tc.lang, nil).T("sign.consent.default", "org", tc.org); got != tc.want {
			t.Errorf("%s with %q:\ngot  %q\nwant %q", tc.lang, tc.org, got, tc.want)
		}
	}
}

// BenchmarkNegotiate is the per-request cost of picking a suggestion on a
// multilingual page's plain address, with the matcher built once (its
// cache answers after the first call).
func BenchmarkNegotiate(b *testing.B) {
	m := NewMatcher([]string{"en", "ar", "he"})
	for b.Loop() {
		if got, _ := m.Negotiate("he-IL,he;q=0.9,en-US;q=0.8,en;q=0.7"); got != "he" {
			b.Fatalf("got %s", got)
		}
	}
}

// BenchmarkNegotiateFresh builds the matcher on every call, for comparison.
func BenchmarkNegotiateFresh(b *testing.B) {
	for b.Loop() {
		if got, _ := Negotiate("he-IL,he;q=0.9,en-US;q=0.8,en;q=0.7", []string{"en", "ar", "he"}); got != "he" {
			b.Fatalf("got %s", got)
		}
	}
}

// TestProblemsTranslated: every validation problem of internal/signing is
// worded in each language, not shown there in English.
func TestProblemsTranslated(t *testing.T) {
	for _, lang := range Supported[1:] {
		for k, en := range catalogue[Default] {
			if strings.HasPrefix(k, "check.") && catalogue[lang][k] == en {
				t.Errorf("%s %s is the English %q", lang, k, en)
			}
		}
	}
}

// TestRetiredCheckOverrides: an organisation's wording for one of the
// shared validation names of before (check.toolong, check.unreadable,
// check.invisible, check.email.invalid) still words every field's message
// it used to, unless the field's own key is overridden too.
func TestRetiredCheckOverrides(t *testing.T) {
	l := New("ar", map[string]string{
		"check.toolong":       "at most {max}",
		"check.unreadable":    "unreadable",
		"check.invisible":     "invisible",
		"check.email.invalid": "not an email",
		"check.role.toolong":  "role: at most {max}",
	})
	for _, tc := range []struct {
		m    Message
		want string
	}{
		{Msg("check.name.toolong", Int("max", 200)), "at most 200"},
		{Msg("check.comment.toolong", Int("max", 2000)), "at most 2,000"},
		{Msg("check.role.toolong", Int("max", 200)), "role: at most 200"},
		{Msg("check.postcode.unreadable"), "unreadable"},
		{Msg("check.phone.invisible"), "invisible"},
		{Msg("check.email.at"), "not an email"},
		{Msg("check.email.domain"), "not an email"},
	} {
		if got := l.Say(tc.m); got != tc.want {
			t.Errorf("%s: got %q, want %q", tc.m.Key, got, tc.want)
		}
	}
	for _, k := range []string{"check.toolong", "check.unreadable", "check.invisible", "check.email.invalid"} {
		if !Known(k) {
			t.Errorf("Known(%q) is false: an org.yaml overriding it would be refused", k)
		}
	}
	for old, keys := range retired {
		for _, k := range keys {
			if _, ok := catalogue[Default][k]; !ok {
				t.Errorf("%s is retired for %s, which is not in the catalogue", old, k)
			}
		}
	}
	if got := Placeholders("check.toolong"); len(got) != 1 || got[0] != "max" {
		t.Errorf("Placeholders(check.toolong) = %q, want [max]", got)
	}
}
