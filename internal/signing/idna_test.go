package signing

import (
	"slices"
	"strings"
	"testing"
	"unicode"
)

// TestEmailIDNAOneSigner: a domain typed in its ASCII form (A-labels,
// xn--…), in Unicode, in capitals, decomposed, or with the full stops
// IDNA reads as dots is one mailbox, stored in one form: the Unicode
// domain people read. Before, "a@xn--bcher-kva.example" and
// "a@bücher.example" were kept as two signers.
func TestEmailIDNAOneSigner(t *testing.T) {
	const want = "a@bücher.example"
	same := []string{
		"a@bücher.example",
		"a@xn--bcher-kva.example",
		"A@XN--BCHER-KVA.EXAMPLE",
		"a@xn--Bcher-KVA.example",
		"A@BÜCHER.EXAMPLE",
		"a@bu\u0308cher.example",       // decomposed ü
		"a@bücher\u3002example",        // ideographic full stop
		"a@bücher\uff0eexample",        // fullwidth full stop
		"a@bücher\uff61example",        // halfwidth ideographic full stop
		"a@xn--bcher-kva\u3002example", // an A-label and an ideographic full stop
		"ａ@ｂüｃｈｅｒ．ｅｘａｍｐｌｅ",             // fullwidth letters
		" a@xn--bcher-kva.example ",
	}
	for _, v := range same {
		got, msg := NormaliseEmail(v)
		if !msg.IsZero() || got != want {
			t.Errorf("NormaliseEmail(%+q) = %q, %q; want %q", v, got, msg, want)
		}
		sub := good()
		sub.Email = v
		if sig, errs := Check(sub, all, consent, now); len(errs) > 0 || sig.Email != want {
			t.Errorf("Check email %+q: got %+v %v, want %q", v, sig, errs, want)
		}
	}
	// More than one label, and labels of other scripts.
	for v, want := range map[string]string{
		"ana@xn--bcher-kva.xn--bcher-kva.example": "ana@bücher.bücher.example",
		"ana@mail.XN--BCHER-KVA.example":          "ana@mail.bücher.example",
		"анна@xn--80akhbyknj4f.xn--p1ai":          "анна@испытание.рф",
		"анна@ИСПЫТАНИЕ.РФ":                       "анна@испытание.рф",
		"x@xn--fa-hia.de":                         "x@faß.de", // non-transitional: ß stays
		"x@faß.de":                                "x@faß.de",
		"山田@例え\u3002jp":                           "山田@例え.jp",
		"ana@example.org":                         "ana@example.org",
		"ana@ab--cd.example":                      "ana@ab--cd.example", // ASCII as before
	} {
		if got, msg := NormaliseEmail(v); !msg.IsZero() || got != want {
			t.Errorf("NormaliseEmail(%+q) = %q, %q; want %q", v, got, msg, want)
		}
	}
}

// TestEmailLocalPartNFCNFD: a local part typed composed (é) or
// decomposed (e + U+0301), in either case, is one signer: NFKC composes.
func TestEmailLocalPartNFCNFD(t *testing.T) {
	const want = "josé@example.org"
	for _, v := range []string{"jos\u00e9@example.org", "jose\u0301@example.org", "JOSE\u0301@example.org", "JOS\u00c9@EXAMPLE.ORG"} {
		if got, msg := NormaliseEmail(v); !msg.IsZero() || got != want {
			t.Errorf("NormaliseEmail(%+q) = %q, %q; want %q", v, got, msg, want)
		}
	}
	// A Hangul syllable typed as its jamo is the syllable.
	if a, _ := NormaliseEmail("\u1112\u1161\u11ab@example.org"); a != "\ud55c@example.org" {
		t.Errorf("jamo: got %+q, want %+q", a, "\ud55c@example.org")
	}
}

// TestEmailIDNARefused: an A-label that does not decode, or decodes to
// something NormaliseEmail refuses typed (mixed alphabets, invisible
// characters), is refused with the same plain message, never stored.
func TestEmailIDNARefused(t *testing.T) {
	for _, tt := range []struct{ email, key string }{
		{"a@xn--zz.example", "check.email.domain"},                                     // does not decode
		{"a@xn--a.example", "check.email.invisible"},                                   // decodes to a control character
		{"a@xn--.example", "check.email.domain"},                                       // decodes to nothing
		{"a@xn--abc-.example", "check.email.domain"},                                   // ends with a hyphen
		{"a@xn--pple-43d.com", "check.email.scripts"},                                  // Cyrillic а among Latin letters
		{"a@xn--1ug.example", "check.email.invisible"},                                 // a zero-width joiner
		{"a@xn--ana-6m0a.example", "check.email.invisible"},                            // a zero-width space inside
		{"a@xn--ana-hfa.example", "check.email.invisible"},                             // a soft hyphen inside
		{"a@XN--ZZ.example", "check.email.domain"},                                     // capitals too
		{"a@bücher.example\u3002", "check.email.enddot"},                               // a sentence's full stop
		{"a@bücher_x.example", "check.email.domain"},                                   // IDNA refuses _ in a Unicode domain
		{"a@b\u00fccher" + strings.Repeat("x", 60) + ".example", "check.email.domain"}, // A-label over 63
		{"a@b\u00fccher!.example", "check.email.domain"},                               // a symbol IDNA refuses
	} {
		sub := good()
		sub.Email = tt.email
		sig, errs := Check(sub, all, consent, now)
		got, msg := NormaliseEmail(tt.email)
		if sig != nil || errs["email"].Key != tt.key || got != "" || msg.Key != tt.key {
			t.Errorf("email %+q: NormaliseEmail %q, %q; Check %+v, %q; want refused with %s", tt.email, got, msg.Key, sig, errs["email"].Key, tt.key)
		}
	}
}

// TestEmailNormalIdempotent: the stored form is its own normal form, so a
// stored address looked up again (an erasure, a data page) finds itself.
func TestEmailNormalIdempotent(t *testing.T) {
	for _, v := range []string{"a@xn--bcher-kva.example", "A@BÜCHER。EXAMPLE", "анна@xn--80akhbyknj4f.xn--p1ai",
		"jose\u0301@example.org", "x@xn--fa-hia.de", "ＡＮＡ＠ＥＸＡＭＰＬＥ．ＯＲＧ", "δοκιμή@παράδειγμα.δοκιμή", "u@xn--ls8h.la"} {
		a, msg := NormaliseEmail(v)
		if !msg.IsZero() {
			t.Errorf("NormaliseEmail(%+q): %s", v, msg.Key)
			continue
		}
		if b, msg := NormaliseEmail(a); b != a || !msg.IsZero() {
			t.Errorf("NormaliseEmail(%+q) = %+q, but again %+q %s", v, a, b, msg.Key)
		}
		// And its ASCII form, as mail is sent to, normalises back to it.
		if b, _ := NormaliseEmail(ASCIIEmail(a)); b != a {
			t.Errorf("ASCIIEmail(%+q) = %+q normalises to %+q", a, ASCIIEmail(a), b)
		}
	}
}

// TestASCIIEmail: mail goes to the A-label form; EmailSpellings lists
// both forms an earlier version may have stored.
func TestASCIIEmail(t *testing.T) {
	for in, want := range map[string]string{
		"a@bücher.example":  "a@xn--bcher-kva.example",
		"анна@испытание.рф": "анна@xn--80akhbyknj4f.xn--p1ai",
		"a@example.org":     "a@example.org",
		"no-at":             "no-at",
	} {
		if got := ASCIIEmail(in); got != want {
			t.Errorf("ASCIIEmail(%q) = %q, want %q", in, got, want)
		}
	}
	if got := EmailSpellings("a@bücher.example"); len(got) != 2 || got[0] != "a@bücher.example" || got[1] != "a@xn--bcher-kva.example" {
		t.Errorf("EmailSpellings = %q", got)
	}
	if got := EmailSpellings("a@example.org"); len(got) != 1 {
		t.Errorf("EmailSpellings(ascii) = %q", got)
	}
}

// FuzzNormaliseEmail: whatever NormaliseEmail accepts is its own normal
// form, and its ASCII form (what mail is sent to) normalises back to it,
// so a stored address, a link's and a sent one name one signer; nothing
// panics.
func FuzzNormaliseEmail(f *testing.F) {
	for _, s := range []string{"a@xn--bcher-kva.example", "A@BÜCHER。EXAMPLE", "a@xn--zz.example", "a@xn--1ug.example",
		"анна@xn--80akhbyknj4f.xn--p1ai", "x@faß.de", "a@b.c", "a@xn--.example", "a@\u3002.example", "a@bücher.example\uff0e"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, v string) {
		a, msg := NormaliseEmail(v)
		if !msg.IsZero() || a == "" {
			return
		}
		if b, msg := NormaliseEmail(a); b != a || !msg.IsZero() {
			t.Fatalf("NormaliseEmail(%+q) = %+q, but of that %+q %s", v, a, b, msg.Key)
		}
		if b, msg := NormaliseEmail(ASCIIEmail(a)); b != a || !msg.IsZero() {
			t.Fatalf("NormaliseEmail(%+q) = %+q, whose ASCII form %+q normalises to %+q %s", v, a, ASCIIEmail(a), b, msg.Key)
		}
		if CurrentForm(a) != a {
			t.Fatalf("CurrentForm(%+q) = %+q", a, CurrentForm(a))
		}
	})
}

// TestEmailScriptsPerLabel: a domain whose labels are each in one script
// — a Cyrillic, Greek, Arabic or Hebrew name under .com — is a real
// address and accepted; before, the check ran over the whole domain and
// refused each as "mixes letters from different alphabets". A label that
// itself mixes look-alike letters is still refused, typed or as an
// A-label.
func TestEmailScriptsPerLabel(t *testing.T) {
	for v, want := range map[string]string{
		"имя@пример.com":             "имя@пример.com",
		"user@مثال.com":              "user@مثال.com",
		"أحمد@مثال.com":              "أحمد@مثال.com",
		"a@παράδειγμα.com":           "a@παράδειγμα.com",
		"דני@דוגמה.org":              "דני@דוגמה.org",
		"a@xn--e1afmkfd.com":         "a@пример.com",
		"a@mail.пример.com":          "a@mail.пример.com",
		"a@пример.example.org":       "a@пример.example.org",
		"a@bücher.пример.com":        "a@bücher.пример.com",
		"a@例え.com":                   "a@例え.com",
		"a@xn--mgbh0fb.xn--kgbechtv": "a@مثال.إختبار",
		"a@аррӏе.рф":                 "a@аррӏе.рф", // look-alikes are ordinary words under a Cyrillic TLD
		"a@сор.рф":                   "a@сор.рф",
		"a@почта.com":                "a@почта.com", // ч and т look like no Latin letter
		"a@κοκο.ελ":                  "a@κοκο.ελ",   // look-alikes are ordinary words under a Greek TLD
		"a@κοκο.gr":                  "a@κοκο.gr",   // and under Greece's own country code
		"a@сор.ru":                   "a@сор.ru",
		"a@καφε.com":                 "a@καφε.com", // φ looks like no Latin letter
		// ー (U+30FC), the long-vowel mark of Japanese words, is of no
		// script of its own (Common): it counts with the Katakana it
		// follows. Refused before as mixing alphabets.
		"メール@例え.jp":        "メール@例え.jp",
		"a@ユーザー.jp":        "a@ユーザー.jp",
		"ユーザー1@example.jp": "ユーザー1@example.jp",
		"コーヒー@サーバー.com":    "コーヒー@サーバー.com",
		"ｺｰﾋｰ@example.jp":  "コーヒー@example.jp", // half-width, as NFKC reads it
		"محمـد@مثال.com":   "محمـد@مثال.com",  // a tatweel (Common) in an Arabic name
	} {
		got, msg := NormaliseEmail(v)
		if !msg.IsZero() || got != want {
			t.Errorf("NormaliseEmail(%+q) = %q, %q; want %q", v, got, msg.Key, want)
			continue
		}
		sub := good()
		sub.Email = v
		if sig, errs := Check(sub, all, consent, now); len(errs) > 0 || sig.Email != want {
			t.Errorf("Check email %+q: got %+v %v, want %q", v, sig, errs, want)
		}
		if b, msg := NormaliseEmail(ASCIIEmail(got)); b != got || !msg.IsZero() {
			t.Errorf("ASCIIEmail(%+q) = %+q normalises to %+q %s", got, ASCIIEmail(got), b, msg.Key)
		}
	}
	for _, v := range []string{
		"a@p\u0430ypal.com",       // a Cyrillic а inside a Latin label
		"a@mail.p\u0430ypal.com",  // in any label
		"a@xn--pypal-4ve.com",     // the same as an A-label
		"a@приmer.com",            // Cyrillic and Latin in one label
		"a@παρaδειγμα.com",        // a Latin a among Greek letters
		"a@مثالx.com",             // Arabic and Latin in one label
		"p\u0430ypal@example.com", // the local part is still judged whole
		"a@p\u0430yー.com",         // a letter of no script excuses no mix
		// The long-vowel mark and the tatweel are written in their own
		// scripts only (their Script_Extensions): among letters of no
		// kana, or of no Arabic, they mix alphabets. Accepted before.
		"a@\u0430\u0440\u0440\u04cf\u0435\u30fc.com",       // аррӏеー, which reads as "apple"
		"a@\u30fc\u0430\u0440\u0440\u04cf\u0435.com",       // ーаррӏе
		"ada\u0640lovelace@example.org",                    // reads as ada_lovelace
		"\u043f\u043e\u0447\u0442\u0430\u30fc@example.org", // почтаー
	} {
		if got, msg := NormaliseEmail(v); got != "" || msg.Key != "check.email.scripts" {
			t.Errorf("NormaliseEmail(%+q) = %q, %q; want refused with check.email.scripts", v, got, msg.Key)
		}
		// Typed as A-labels, the same.
		if a := ASCIIEmail(v); a != v {
			if got, msg := NormaliseEmail(a); got != "" || msg.Key != "check.email.scripts" {
				t.Errorf("NormaliseEmail(%+q) = %q, %q; want refused with check.email.scripts", a, got, msg.Key)
			}
		}
	}
}

// TestEraseFormsRefusedIDN: an address signing now refuses for its
// alphabets (a whole-Greek look-alike label, accepted for a while and
// stored in the Unicode form, or stored as typed in A-labels before
// 024) is one mailbox in both spellings, and the CRMs were told its
// A-label form; an erasure typed either way must look for both. Failed
// before: a refused address was looked up only as typed, so erasing
// "a@xn--vxaaob.com" left the row stored as "a@κοκο.com".
func TestEraseFormsRefusedIDN(t *testing.T) {
	for typed, want := range map[string][]string{
		"a@xn--vxaaob.com":      {"a@xn--vxaaob.com", "a@κοκο.com"},
		"a@κοκο.com":            {"a@κοκο.com", "a@xn--vxaaob.com"},
		"A@ΚΟΚΟ.com":            {"a@κοκο.com", "a@xn--vxaaob.com"},
		"a@xn--e1ara49ctjc.com": {"a@xn--e1ara49ctjc.com", "a@ԍооԍӏе.com"},
		"a@b\u200bc.com":        {"a@b\u200bc.com"}, // refused for an invisible character: as typed only
	} {
		got := EraseForms(typed)
		for _, w := range want {
			if !slices.Contains(got, w) {
				t.Errorf("EraseForms(%+q) = %+q, missing %+q", typed, got, w)
			}
		}
		if len(got) != len(want) {
			t.Errorf("EraseForms(%+q) = %+q, want %+q", typed, got, want)
		}
	}
}

// TestEmailWholeScriptLookalikes: a label all of whose letters are of one
// alphabet other than Latin and look like Latin letters (UTS #39's
// confusables) reads as a Latin name — Armenian "ոսօ" as "nuo", Cherokee
// "ᎪᏴᏟ" as "ABC", Coptic "ⲟⲣⲥ" as "opc" — and is refused unless the
// top-level domain is written in that alphabet; an ASCII country code
// excuses nothing. Failed before: only a hand-kept list of Cyrillic and
// Greek letters was checked, so the Armenian, Cherokee, Coptic and Lisu
// labels were accepted, and "аррӏе.com.ru", "κοκο.gr" and "сор.bg" were
// excused by their ASCII country codes.
func TestEmailWholeScriptLookalikes(t *testing.T) {
	for _, v := range []string{
		"a@\u0578\u057d\u0585.com",                      // ոսօ: Armenian
		"a@\u0570\u0578\u0581.org",                      // հոց: Armenian "hng"
		"a@\u13aa\u13f4\u13df.com",                      // ᎪᏴᏟ: Cherokee
		"a@\uab7a\uab75\uab83.com",                      // Cherokee small letters, which IDNA maps to capitals
		"a@\u2c9f\u2ca3\u2ca5.com",                      // ⲟⲣⲥ: Coptic
		"a@\ua4d3\ua4ee\ua4d4\ua4ee.net",                // ꓓꓮꓔꓮ: Lisu "DATA"
		"a@\u0501\u051b\u051d.com",                      // ԁԛԝ: Cyrillic extension letters
		"a@\u0578\u057d\u0585.\u0440\u0444",             // ոսօ under a Cyrillic TLD: not an Armenian one
		"a@\u0430\u0440\u0440\u04cf\u0435.com",          // аррӏе: all Cyrillic, every letter a Latin look-alike
		"a@mail.\u0441\u0430\u0455\u0435.org",           // саѕе under .org
		"a@\u050d\u043e\u043e\u050d\u04cf\u0435.com",    // ԍооԍӏе: google in Cyrillic look-alikes (ԍ was missing from the list)
		"a@\u03ba\u03bf\u03ba\u03bf.com",                // κοκο: all Greek, every letter a Latin look-alike
		"a@\u03c4\u03bf\u03ba\u03c5\u03bf.org",          // τοκυο
		"a@\u0430\u0440\u0440\u04cf\u0435.\u4e2d\u56fd", // аррӏе under a Chinese TLD: not a Cyrillic one
		"a@\u03ba\u03bf\u03ba\u03bf.ru",                 // κοκο under a Cyrillic country's TLD
		"a@\u05e1\u05d5\u05e1.com",                      // סוס under .com: every letter a Latin look-alike
		"a@\u0430\u0440\u0440\u04cf\u0435.gr",           // аррӏе under a Greek country's TLD
		// A letter of no script of its own (Common: ʼ, ː) beside them:
		// mixedScript counts it for none since the Katakana rule, and it
		// excused the label of reading as Latin. Accepted before.
		"a@\u0430\u0440\u0440\u02bc\u04cf\u0435.com", // аррʼӏе
		"a@\u03ba\u03bf\u02d0\u03ba\u03bf.com",       // κοːκο
	} {
		if got, msg := NormaliseEmail(v); got != "" || msg.Key != "check.email.lookalike" {
			t.Errorf("NormaliseEmail(%+q) = %q, %q; want refused with check.email.lookalike", v, got, msg.Key)
		}
		if a := ASCIIEmail(v); a != v {
			if got, msg := NormaliseEmail(a); got != "" || msg.Key != "check.email.lookalike" {
				t.Errorf("NormaliseEmail(%+q) = %q, %q; want refused with check.email.lookalike", a, got, msg.Key)
			}
		}
	}
	for v, want := range map[string]string{
		"a@\u0578\u057d\u0585.\u0570\u0561\u0575":       "a@ոսօ.հայ",   // under the Armenian TLD .հայ
		"a@\u0562\u0561\u0580\u0565\u0582.com":          "a@բարեւ.com", // բ, ա … look like no Latin letter
		"a@\u13e3\u13b3\u13a9.com":                      "a@ᏣᎳᎩ.com",   // Ꮳ looks like no Latin letter
		"a@\u0430\u0440\u0440\u04cf\u0435.\u0440\u0444": "a@аррӏе.рф",
		"a@\u043f\u043e\u0447\u0442\u0430.ru":           "a@почта.ru",
		"a@\u03ba\u03bf\u03ba\u03bf.\u03b5\u03bb":       "a@κοκο.ελ",
		"a@\u0441\u043e\u0440.\u0431\u0433":             "a@сор.бг",
		// Under the ASCII country code of a country writing the alphabet,
		// as in Chromium's address bar: the country's own words.
		"a@\u0441\u043e\u0440.ru":                 "a@сор.ru",
		"a@mail.\u0441\u043e\u0440.bg":            "a@mail.сор.bg",
		"a@\u03ba\u03bf\u03ba\u03bf.gr":           "a@κοκο.gr",
		"a@\u0430\u0440\u0440\u04cf\u0435.com.ru": "a@аррӏе.com.ru",
		"a@\u05e1\u05d5\u05e1.co.il":              "a@סוס.co.il",
		// Right to left, letters joined: no Latin name.
		"a@\u0627\u0647.com": "a@اه.com",
	} {
		got, msg := NormaliseEmail(v)
		if !msg.IsZero() || got != want {
			t.Errorf("NormaliseEmail(%+q) = %q, %q; want %q", v, got, msg.Key, want)
		}
	}
}

// TestLookalikeTable: the generated table is sorted (lookalikeScript
// searches it) and names each letter's own script.
func TestLookalikeTable(t *testing.T) {
	for i, l := range lookalikeLetters {
		if i > 0 && lookalikeLetters[i-1].r >= l.r {
			t.Fatalf("lookalikeLetters not sorted at %U", l.r)
		}
		if l.script == 0 || int(l.script) > len(lookalikeScripts) || !unicode.Is(lookalikeScripts[l.script-1], l.r) {
			t.Errorf("%U: script %d is not its own", l.r, l.script)
		}
	}
	for _, r := range "аԍոᎪⲟꓐκ" {
		if lookalikeScript(r) == 0 {
			t.Errorf("%c (%U) missing from the table", r, r)
		}
	}
	for _, r := range "aчφբ" {
		if lookalikeScript(r) != 0 {
			t.Errorf("%c (%U) in the table", r, r)
		}
	}
}
