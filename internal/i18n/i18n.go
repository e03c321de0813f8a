// Package i18n holds everything Placard needs to speak a reader's language:
// the message catalogue of interface strings (buttons, labels, validation
// messages, thank-you texts, share labels) for English, Arabic, Hebrew,
// Spanish, French and German; CLDR plural rules; Accept-Language
// negotiation; right-to-left detection; messages held as codes (Message)
// until worded; and the one home of formatting for readers: numbers,
// dates, money, durations, file sizes and kinds, and lists (format.go).
//
// It knows nothing of HTTP or campaigns. A Localizer is an immutable value
// for one language (plus an organisation's own overrides) and is safe to
// share between goroutines.
package i18n

import (
	"strings"
	"sync"
	"sync/atomic"
	"unicode"

	"golang.org/x/text/feature/plural"
	"golang.org/x/text/language"
)

// Default is the language used when nothing else is known, and the
// language every message exists in.
const Default = "en"

// Supported lists the languages the catalogue translates every interface
// string into, default first. Campaign text may be in any language; pages
// in a language outside this list show interface strings in English.
var Supported = []string{"en", "ar", "he", "es", "fr", "de"}

// Localizer speaks one language. Get one with New.
type Localizer struct {
	lang      string
	tag       language.Tag
	base      string // the catalogue's language: "ar" for "ar-EG"
	overrides map[string]string
	variant   *variant // the regional variant (en-US), nil for none
}

// New returns the Localizer for the language code lang (such as "ar" or
// "fr-CA"); an unknown or malformed code falls back to English.
// overrides, when not nil, replaces catalogue messages by key: an
// organisation's own wording (org.yaml's strings:). It is not copied and
// must not change afterwards.
func New(lang string, overrides map[string]string) *Localizer {
	tag, err := language.Parse(strings.TrimSpace(lang))
	if err != nil || lang == "" {
		tag = language.English
	}
	b, _ := tag.Base()
	l := &Localizer{lang: tag.String(), tag: tag, base: b.String(), overrides: overrides}
	if _, ok := catalogue[l.base]; !ok {
		l.base = Default
	} else {
		l.variant = variantOf(tag)
	}
	return l
}

// Lang is the localizer's BCP 47 code, for <html lang>.
func (l *Localizer) Lang() string { return l.lang }

// Dir is "rtl" when the language is written right to left, else "ltr".
func (l *Localizer) Dir() string {
	if IsRTL(l.lang) {
		return "rtl"
	}
	return "ltr"
}

// T returns the message key in the localizer's language, with each
// {name} placeholder replaced by the value that follows name in args
// (T("thanks.body", "title", "Save the library")). An organisation's
// override wins; a message missing from the language falls back to
// English; an unknown key comes back as itself, so a mistake shows on the
// page instead of vanishing.
func (l *Localizer) T(key string, args ...string) string {
	msg, ok := l.overrides[key]
	if !ok && l.overrides != nil {
		if r, has := retiredFor[key]; has {
			msg, ok = l.overrides[r]
		}
	}
	if !ok {
		msg, ok = l.variantMessage(key)
	}
	if !ok {
		msg, ok = catalogue[l.base][key]
		if ok {
			msg = l.respelt(msg)
		}
	}
	if !ok {
		msg, ok = catalogue[Default][key]
		if ok && l.base == Default {
			msg = l.respelt(msg)
		}
	}
	if !ok {
		return key
	}
	return fill(msg, isolateArgs(l.Dir() == "rtl", args))
}

// isolateArgs wraps each placeholder value whose direction differs from
// the message's (a Latin organisation name in an Arabic sentence, a Hebrew
// title in an English one) in Unicode first-strong isolate marks, the
// plain-text form of <bdi>, so the name cannot reorder the sentence around
// it. Values already in the message's direction, and values without letters
// (numbers), are left untouched.
func isolateArgs(rtl bool, args []string) []string {
	var out []string
	for i := 1; i < len(args); i += 2 {
		r, l := hasRTL(args[i]), hasLTR(args[i])
		if (r || l) && (r != rtl || r && l) {
			if out == nil {
				out = append([]string(nil), args...)
			}
			out[i] = "\u2068" + args[i] + "\u2069"
		}
	}
	if out == nil {
		return args
	}
	return out
}

// hasRTL reports whether s has a letter of a right-to-left script.
func hasRTL(s string) bool {
	for _, r := range s {
		if unicode.In(r, unicode.Arabic, unicode.Hebrew, unicode.Syriac, unicode.Thaana, unicode.Nko) {
			return true
		}
	}
	return false
}

// hasLTR reports whether s has a letter of a left-to-right script.
func hasLTR(s string) bool {
	for _, r := range s {
		if unicode.IsLetter(r) && !unicode.In(r, unicode.Arabic, unicode.Hebrew, unicode.Syriac, unicode.Thaana, unicode.Nko) {
			return true
		}
	}
	return false
}

// N returns the plural message key for the count n: the catalogue holds it
// as key.zero, key.one, key.two, key.few, key.many and key.other, and the
// language's CLDR rule picks one (Arabic uses all six). {n} in the message
// is n formatted for the language; args fill other placeholders as for T.
func (l *Localizer) N(key string, n int, args ...string) string {
	form := formName(PluralForm(l.lang, n))
	args = append(isolateArgs(l.Dir() == "rtl", args), "n", l.Number(n))
	if n == 0 {
		if m, ok := l.overrides[key+".none"]; ok {
			return fill(m, args)
		}
		if m, ok := l.variantMessage(key + ".none"); ok {
			return fill(m, args)
		}
		if m, ok := catalogue[l.base][key+".none"]; ok {
			return fill(l.respelt(m), args)
		}
	}
	for _, k := range []string{key + "." + form, key + ".other"} {
		if m, ok := l.overrides[k]; ok {
			return fill(m, args)
		}
		if m, ok := l.variantMessage(k); ok {
			return fill(m, args)
		}
		if m, ok := catalogue[l.base][k]; ok {
			return fill(l.respelt(m), args)
		}
	}
	// English has only none, one and other.
	inEnglish := func(m string) string {
		if l.base == Default {
			return l.respelt(m)
		}
		return m
	}
	if m, ok := catalogue[Default][key+".none"]; ok && n == 0 {
		return fill(inEnglish(m), args)
	}
	if n == 1 {
		return fill(inEnglish(catalogue[Default][key+".one"]), args)
	}
	return fill(inEnglish(catalogue[Default][key+".other"]), args)
}

// fill replaces {name} with its value from args (name, value, name, value…):
// the first pair of a name counts, a {name} with no pair stays as it is,
// and a value is not itself filled. It gives what a strings.Replacer of
// the pairs gives without building one per call (36 of the 504 MB a
// start at 1,000 campaigns allocated).
func fill(msg string, args []string) string {
	if len(args) < 2 || strings.IndexByte(msg, '{') < 0 {
		return msg
	}
	for i := 0; i+1 < len(args); i += 2 {
		if strings.ContainsAny(args[i], "{}") {
			return replacerFill(msg, args) // never in the catalogue's names
		}
	}
	var b strings.Builder
	b.Grow(len(msg) + 16)
	rest := msg
	for {
		open := strings.IndexByte(rest, '{')
		if open < 0 {
			break
		}
		end := strings.IndexByte(rest[open+1:], '}')
		if end < 0 {
			break
		}
		name := rest[open+1 : open+1+end]
		value, ok := "", false
		for i := 0; i+1 < len(args); i += 2 {
			if args[i] == name {
				value, ok = args[i+1], true
				break
			}
		}
		if !ok { // keep the brace; a name may begin after it
			b.WriteString(rest[:open+1])
			rest = rest[open+1:]
			continue
		}
		b.WriteString(rest[:open])
		b.WriteString(value)
		rest = rest[open+1+end+1:]
	}
	if b.Len() == 0 && len(rest) == len(msg) {
		return msg
	}
	b.WriteString(rest)
	return b.String()
}

// replacerFill is fill by a strings.Replacer of the pairs.
func replacerFill(msg string, args []string) string {
	pairs := make([]string, 0, len(args))
	for i := 0; i+1 < len(args); i += 2 {
		pairs = append(pairs, "{"+args[i]+"}", args[i+1])
	}
	return strings.NewReplacer(pairs...).Replace(msg)
}

// Form is a CLDR plural category.
type Form = plural.Form

// PluralForm returns the CLDR cardinal plural category of the whole number
// n in the language lang, using golang.org/x/text's CLDR tables: in Arabic
// 0 is zero, 1 one, 2 two, 3–10 few, 11–99 many and 100 other.
func PluralForm(lang string, n int) Form {
	tag, err := language.Parse(lang)
	if err != nil {
		tag = language.English
	}
	if n < 0 {
		n = -n
	}
	return plural.Cardinal.MatchPlural(tag, n, 0, 0, 0, 0)
}

// formName is the catalogue suffix of a plural form.
func formName(f Form) string {
	switch f {
	case plural.Zero:
		return "zero"
	case plural.One:
		return "one"
	case plural.Two:
		return "two"
	case plural.Few:
		return "few"
	case plural.Many:
		return "many"
	}
	return "other"
}

// rtlScripts are the scripts written right to left.
var rtlScripts = map[string]bool{
	"Arab": true, "Hebr": true, "Thaa": true, "Syrc": true, "Nkoo": true,
	"Adlm": true, "Rohg": true, "Mand": true, "Samr": true, "Yezi": true,
}

// IsRTL reports whether the language lang is written right to left, judged
// by its script (the likely script when the code names none), so ar, he,
// fa, ur, yi and ps are, while az-Latn or ku-Latn are not.
func IsRTL(lang string) bool {
	if rtl, ok := rtlKnown.Load(lang); ok {
		return rtl.(bool)
	}
	rtl := false
	if tag, err := language.Parse(strings.TrimSpace(lang)); err == nil {
		s, _ := tag.Script()
		rtl = rtlScripts[s.String()]
	}
	if rtlKnownN.Add(1) <= maxRTLKnown {
		rtlKnown.Store(lang, rtl)
	}
	return rtl
}

// rtlKnown holds IsRTL's answers by code, at most maxRTLKnown of them (a
// site's languages, a few): every page asks for its languages'
// directions, and parsing the code each time was 3% of the memory a
// site's build allocates (issue 12).
var (
	rtlKnown  sync.Map
	rtlKnownN atomic.Int32
)

const maxRTLKnown = 256

// Negotiate picks, from the languages a page exists in (available, the
// default first), the one that best fits a reader's Accept-Language header.
// It returns that language as written in available, and whether the match
// is confident enough to suggest it (an empty or unmatched header gives the
// default and false). It builds a matcher each call: servers answering
// many requests keep one Matcher per set of languages instead.
func Negotiate(acceptLanguage string, available []string) (string, bool) {
	return NewMatcher(available).Negotiate(acceptLanguage)
}

// Matcher negotiates among one fixed set of languages. Building the
// underlying x/text matcher is the expensive part, so a server builds one
// per page's set of languages and reuses it for every request; it is safe
// for concurrent use.
type Matcher struct {
	langs []string
	m     language.Matcher
	// cache remembers the answer for each Accept-Language header seen:
	// browsers send a handful of distinct headers, so after warm-up
	// negotiation is one map lookup. It stops growing at maxCached entries,
	// so a client inventing headers cannot grow it without bound.
	cache  sync.Map // header → negotiated
	cached atomic.Int64
}

// negotiated is one cached answer of Matcher.Negotiate.
type negotiated struct {
	lang string
	ok   bool
}

// maxCached bounds a Matcher's cache of headers.
const maxCached = 4096

// NewMatcher prepares negotiation among available, the default first.
func NewMatcher(available []string) *Matcher {
	tags := make([]language.Tag, len(available))
	for i, a := range available {
		t, err := language.Parse(a)
		if err != nil {
			t = language.Und
		}
		tags[i] = t
	}
	m := &Matcher{langs: available}
	if len(tags) > 0 {
		m.m = language.NewMatcher(tags)
	}
	return m
}

// Langs is the set of languages, default first.
func (m *Matcher) Langs() []string { return m.langs }

// Negotiate is the package's Negotiate with this matcher's languages. The
// matcher's index is used, never its returned tag, which may carry
// extensions or a region the page does not have.
func (m *Matcher) Negotiate(acceptLanguage string) (string, bool) {
	if len(m.langs) == 0 {
		return "", false
	}
	if v, ok := m.cache.Load(acceptLanguage); ok {
		n := v.(negotiated)
		return n.lang, n.ok
	}
	lang, ok := m.negotiate(acceptLanguage)
	if m.cached.Load() < maxCached && len(acceptLanguage) <= 256 {
		if _, loaded := m.cache.LoadOrStore(acceptLanguage, negotiated{lang, ok}); !loaded {
			m.cached.Add(1)
		}
	}
	return lang, ok
}

func (m *Matcher) negotiate(acceptLanguage string) (string, bool) {
	prefs, _, err := language.ParseAcceptLanguage(acceptLanguage)
	if err != nil || len(prefs) == 0 {
		return m.langs[0], false
	}
	_, index, conf := m.m.Match(prefs...)
	if conf == language.No {
		return m.langs[0], false
	}
	return m.langs[index], true
}

// Name is the language's own name for itself ("العربية", "עברית",
// "Français"), for language switchers; the code itself when unknown.
func Name(lang string) string {
	tag, err := language.Parse(lang)
	if err != nil {
		return lang
	}
	b, _ := tag.Base()
	if n, ok := nativeNames[b.String()]; ok {
		return n
	}
	return lang
}

var nativeNames = map[string]string{
	"en": "English", "ar": "العربية", "he": "עברית", "es": "Español", "fr": "Français", "de": "Deutsch",
	"it": "Italiano", "pt": "Português", "nl": "Nederlands", "fa": "فارسی", "ur": "اردو", "tr": "Türkçe",
	"ru": "Русский", "uk": "Українська", "pl": "Polski", "yi": "ייִדיש", "sw": "Kiswahili", "zh": "中文",
}

// OGLocale is the language as OpenGraph's og:locale writes it (ll_CC):
// the region as written (en_US for en-US), else the one most readers of
// the language use (en_GB, ar_AR, he_IL, sw_KE), else the likely one.
func OGLocale(lang string) string {
	tag, err := language.Parse(lang)
	if err != nil {
		return "en_GB"
	}
	b, _ := tag.Base()
	if r, conf := tag.Region(); conf == language.Exact {
		return b.String() + "_" + r.String()
	}
	if l, ok := ogLocales[b.String()]; ok {
		return l
	}
	r, _ := tag.Region()
	return b.String() + "_" + r.String()
}

// ogLocales maps a language to the og:locale most readers of it use; a code
// with a region (en-US) is used as written.
var ogLocales = map[string]string{
	"en": "en_GB", "fr": "fr_FR", "de": "de_DE", "es": "es_ES", "it": "it_IT",
	"pt": "pt_PT", "nl": "nl_NL", "ar": "ar_AR", "he": "he_IL", "fa": "fa_IR",
	"ur": "ur_PK", "pl": "pl_PL", "uk": "uk_UA", "ru": "ru_RU", "tr": "tr_TR",
	"sv": "sv_SE", "da": "da_DK", "nb": "nb_NO", "fi": "fi_FI", "el": "el_GR",
	"ja": "ja_JP", "ko": "ko_KR", "zh": "zh_CN", "hi": "hi_IN", "sw": "sw_KE",
	"yi": "yi_US", "ga": "ga_IE", "cy": "cy_GB", "ca": "ca_ES", "cs": "cs_CZ",
	"ro": "ro_RO", "hu": "hu_HU", "id": "id_ID", "vi": "vi_VN", "th": "th_TH",
}

// Keys lists every message key of the English catalogue, for tests and
// for checking organisations' overrides.
func Keys() []string {
	keys := make([]string, 0, len(catalogue[Default]))
	for k := range catalogue[Default] {
		keys = append(keys, k)
	}
	return keys
}

// retired lists the names validation messages were worded under before
// each field had keys of its own (one message for every field's "too
// long", and so on), with the keys that took over from each. An
// organisation's wording for a retired name, written in org.yaml's
// strings: when it was current, still words those keys (unless they have
// wording of their own), so such a file loads and reads as it did.
var retired = map[string][]string{
	"check.toolong":       checkFields(".toolong"),
	"check.unreadable":    checkFields(".unreadable"),
	"check.invisible":     checkFields(".invisible"),
	"check.email.invalid": {"check.email.at", "check.email.spaces", "check.email.oneat", "check.email.local", "check.email.domain", "check.email.character"},
}

// retiredFor maps each key that took over from a retired name to that name.
var retiredFor = func() map[string]string {
	m := map[string]string{}
	for old, keys := range retired {
		for _, k := range keys {
			m[k] = old
		}
	}
	return m
}()

// checkFields is check.FIELD+suffix for every signing field with free text.
func checkFields(suffix string) []string {
	var out []string
	for _, f := range []string{"name", "email", "postcode", "phone", "comment", "organisation", "role"} {
		out = append(out, "check."+f+suffix)
	}
	return out
}

// Known reports whether key is a message of the catalogue (a plural
// message counts by its base key, such as tally.count), or a retired name
// an organisation may still word.
func Known(key string) bool {
	if _, ok := catalogue[Default][key]; ok {
		return true
	}
	if _, ok := retired[key]; ok {
		return true
	}
	_, ok := catalogue[Default][key+".other"]
	return ok
}

// Message is something to tell a reader, held as a catalogue key and the
// values of its placeholders rather than as a sentence, so the code that
// finds a problem (internal/signing's validation) speaks no language:
// Localizer.Say words it in the reader's, and String in English for logs
// and the command line. The zero Message is no message.
type Message struct {
	// Key is the catalogue key, such as check.comment.toolong.
	Key string
	// Args are the placeholders' values.
	Args []Arg
}

// Arg is the value of one placeholder of a Message: a whole number,
// written with the reader's grouping (Int), or text (Text).
type Arg struct {
	name string
	text string
	n    int
	num  bool
}

// Int is the placeholder name holding the whole number n ("2,000" in
// English, "2 000" in French).
func Int(name string, n int) Arg { return Arg{name: name, n: n, num: true} }

// Text is the placeholder name holding the text s, used as it is.
func Text(name, s string) Arg { return Arg{name: name, text: s} }

// Msg is the Message key with args.
func Msg(key string, args ...Arg) Message { return Message{Key: key, Args: args} }

// IsZero reports whether m is no message.
func (m Message) IsZero() bool { return m.Key == "" }

// Say words m in the localizer's language (with the organisation's own
// wording, when it has one for m's key), as T does.
func (l *Localizer) Say(m Message) string {
	if m.Key == "" {
		return ""
	}
	var args []string
	for _, a := range m.Args {
		v := a.text
		if a.num {
			v = l.Number(a.n)
		}
		args = append(args, a.name, v)
	}
	return l.T(m.Key, args...)
}

// String is m in English, from the catalogue: for logs, the command line
// and tests.
func (m Message) String() string { return english.Say(m) }

// Placeholders lists the {names} the catalogue's English message key (or,
// for a plural form such as tally.count.few, its .other form) contains,
// in order: the values Placard fills in, which an organisation's own
// wording should keep.
func Placeholders(key string) []string {
	if r, ok := retired[key]; ok {
		key = r[0]
	}
	msg, ok := catalogue[Default][key]
	if !ok {
		if i := strings.LastIndexByte(key, '.'); i > 0 {
			msg = catalogue[Default][key[:i]+".other"]
		}
	}
	return placeholdersIn(msg)
}

// placeholdersIn lists the {names} in msg.
func placeholdersIn(msg string) []string {
	var out []string
	for {
		i := strings.IndexByte(msg, '{')
		if i < 0 {
			return out
		}
		j := strings.IndexByte(msg[i:], '}')
		if j < 0 {
			return out
		}
		out = append(out, msg[i+1:i+j])
		msg = msg[i+j+1:]
	}
}

// PlaceholdersIn lists the {names} an organisation's wording contains.
func PlaceholdersIn(msg string) []string { return placeholdersIn(msg) }
