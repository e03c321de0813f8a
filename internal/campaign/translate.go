package campaign

import (
	"cmp"
	"fmt"
	"reflect"
	"regexp"
	"slices"
	"strings"

	"go.yaml.in/yaml/v4"
	"golang.org/x/text/language"

	"github.com/placard/placard/internal/i18n"
)

// Translations. Any public text in org.yaml or a campaign file may be
// written as plain text or as a mapping of language code to text:
//
//	title:
//	  en: Save the library
//	  ar: أنقذوا المكتبة
//
// The decoder keeps the default language's text in the field itself (so
// every reader of the domain types sees plain strings, as before) and
// remembers the other languages' texts by the field's address. After
// validation, Load builds one resolved copy of each organisation and
// campaign per extra language (Org.In, Campaign.In): the same types, every
// translated field holding that language's text, every other value shared
// with the default copy. A missing translation falls back to the default
// language's text and is reported at the mapping: an error for a setting
// that must be filled in, a warning for an optional one.

// translations records, per decoded text value, its text in each language
// other than the default, with where it was written.
type translations map[posKey]map[string]translated

// translated is one text in one language, with its position and whether it
// was written as a literal block (after '|'), for problems inside it.
type translated struct {
	text    string
	at      where
	literal bool
}

// langCodePattern is the shape of a key in a translation mapping: a
// language code, optionally with region or script (en, ar, pt-BR, sr-Latn).
var langCodePattern = regexp.MustCompile(LanguageCodePattern)

// nonText lists settings that hold addresses, codes or names the site
// matches on, whatever the type: they must read the same in every language.
var nonText = map[string]bool{
	"link": true, "website": true, "email": true, "phone": true, "src": true, "file": true,
	"donate": true, "privacy_policy": true, "language": true, "languages": true,
	"amount_param": true, "currency": true, "format": true, "campaign": true,
	"id": true, "icon": true, "region": true, "kind": true, "status": true, "layout": true,
	"retention": true,
	"short":     true,
	"lookup":    true,
	"send":      true,
}

// nonTextGroups are groups whose every setting is an address or a code.
var nonTextGroups = map[reflect.Type]bool{
	reflect.TypeFor[Social](): true, reflect.TypeFor[Colours](): true, reflect.TypeFor[Fields](): true,
	reflect.TypeFor[SiteConfig]():   true, // site.yaml belongs to no organisation's languages
	reflect.TypeFor[TargetFilter](): true,
}

// requiredText lists the text settings check insists on, by group: a
// missing translation of one of these is an error, of any other a warning.
var requiredText = map[reflect.Type][]string{
	reflect.TypeFor[Org]():         {"name"},
	reflect.TypeFor[Campaign]():    {"title", "summary"},
	imageType:                      {"alt"},
	reflect.TypeFor[Person]():      {"name"},
	reflect.TypeFor[Member]():      {"name"},
	reflect.TypeFor[Related]():     {"title"},
	reflect.TypeFor[Statement]():   {"body"},
	reflect.TypeFor[Letter]():      {"to", "body"},
	reflect.TypeFor[Petition]():    {"target", "text"},
	reflect.TypeFor[MediaItem]():   {"title"},
	reflect.TypeFor[Resource]():    {"title"},
	reflect.TypeFor[Signatory]():   {"name"},
	reflect.TypeFor[Target]():      {"name"},
	reflect.TypeFor[Destination](): {"name"},
}

var markdownType = reflect.TypeFor[Markdown]()

// textSetting reports whether the setting key of a group of type group may
// be translated, and whether it is required.
func textSetting(group reflect.Type, key string) (text, required bool) {
	if nonText[key] || nonTextGroups[group] {
		return false, false
	}
	return true, slices.Contains(requiredText[group], key)
}

// fieldContext is set by decodeStruct and decodeAction before each setting
// is decoded, so decode knows whether a mapping may be a translation.
type fieldContext struct {
	text, required bool
}

// isTranslation reports whether n, found where text belongs, is a mapping
// of language codes to text rather than a mistake.
func isTranslation(n *yaml.Node) bool {
	if n.Kind != yaml.MappingNode || len(n.Content) == 0 {
		return false
	}
	for i := 0; i < len(n.Content); i += 2 {
		k := n.Content[i]
		if k.Kind != yaml.ScalarNode || !langCodePattern.MatchString(k.Value) {
			return false
		}
		if _, err := language.Parse(k.Value); err != nil {
			return false
		}
	}
	return true
}

// decodeTranslation reads a mapping of language to text into v (the
// default language's text) and d.trans (the others), reporting languages
// the organisation did not declare and declared languages it misses.
func (d *decoder) decodeTranslation(n *yaml.Node, v reflect.Value, key string) {
	texts := map[string]translated{}
	d.pairs(n, func(lang string, k, val *yaml.Node) {
		s, ok := d.scalar(val, key, "text")
		if !ok {
			return
		}
		if !slices.Contains(d.langs, lang) {
			d.errorf(k, "%s has text in %s, which is not one of the organisation's languages (%s) — add %s to languages: in org.yaml, or remove this line",
				quoteKey(key), lang, strings.Join(d.langs, ", "), lang)
			return
		}
		texts[lang] = translated{text: s, at: where{d.file, val.Line, val.Column}, literal: val.Style&yaml.LiteralStyle != 0}
	})
	def := d.langs[0]
	if t, ok := texts[def]; ok {
		// The default text is the field's own: problems inside it point at it.
		v.SetString(t.text)
		key := posKey{v.Addr().Pointer(), v.Type()}
		d.pos[key] = t.at
		if t.literal {
			d.literal[key] = true
		}
	} else {
		d.errorf(n, "%s has no text in %s, the organisation's default language — add  %s: …  under %s", quoteKey(key), def, def, quoteKey(key))
	}
	others := map[string]translated{}
	for _, lang := range d.langs[1:] {
		t, ok := texts[lang]
		if ok {
			others[lang] = t
			continue
		}
		msg := fmt.Sprintf("%s has no %s translation — add  %s: …  under %s; until then the %s page shows the %s text", quoteKey(key), langLabel(lang), lang, quoteKey(key), lang, def)
		if d.field.required {
			d.errorf(n, "%s", msg)
		} else {
			*d.probs = append(*d.probs, Problem{File: d.file, Line: n.Line, Col: n.Column, Message: msg, Warning: true})
		}
	}
	if len(others) > 0 {
		d.trans[posKey{v.Addr().Pointer(), v.Type()}] = others
	}
}

// langLabel names a language for messages: "Arabic (ar)".
func langLabel(code string) string {
	tag, err := language.Parse(code)
	if err != nil {
		return code
	}
	b, _ := tag.Base()
	if name, ok := englishNames[b.String()]; ok {
		return name + " (" + code + ")"
	}
	return "'" + code + "'"
}

var englishNames = map[string]string{
	"en": "English", "ar": "Arabic", "he": "Hebrew", "es": "Spanish", "fr": "French", "de": "German",
	"it": "Italian", "pt": "Portuguese", "nl": "Dutch", "fa": "Persian", "ur": "Urdu", "tr": "Turkish",
	"ru": "Russian", "uk": "Ukrainian", "pl": "Polish", "yi": "Yiddish", "sw": "Swahili", "zh": "Chinese",
}

// declaredLangs reads language: and languages: from org.yaml's root before
// it is decoded, so every text of the organisation's files can be decoded
// knowing the languages: the default first, then the others in file order.
// Malformed values are left for the decoder and checker to report.
func declaredLangs(root *yaml.Node) []string {
	def := ""
	var list []string
	if root != nil && root.Kind == yaml.MappingNode {
		for i := 0; i+1 < len(root.Content); i += 2 {
			k, v := root.Content[i], root.Content[i+1]
			switch {
			case k.Value == "language" && v.Kind == yaml.ScalarNode:
				def = strings.TrimSpace(v.Value)
			case k.Value == "languages" && v.Kind == yaml.SequenceNode:
				for _, c := range v.Content {
					code := strings.TrimSpace(c.Value)
					if c.Kind == yaml.ScalarNode && langCodePattern.MatchString(code) && !slices.Contains(list, code) {
						list = append(list, code)
					}
				}
			}
		}
	}
	if def == "" && len(list) > 0 {
		def = list[0]
	}
	if def == "" {
		def = i18n.Default
	}
	out := []string{def}
	for _, l := range list {
		if l != def {
			out = append(out, l)
		}
	}
	return out
}

// decodeStrings reads org.yaml's strings: a mapping of language to a
// mapping of interface message key to the organisation's own wording.
func (d *decoder) decodeStrings(n *yaml.Node, v reflect.Value) {
	if n.Kind != yaml.MappingNode {
		d.errorf(n, "'strings' must be a group of languages, each with the wording to change, such as  en: {sign.submit.petition: Add my name}")
		return
	}
	out := map[string]map[string]string{}
	d.pairs(n, func(lang string, k, val *yaml.Node) {
		if !slices.Contains(d.langs, lang) {
			d.errorf(k, "'strings' has wording for %s, which is not one of the organisation's languages (%s) — add %s to languages:, or remove it", quoteValue(lang), strings.Join(d.langs, ", "), lang)
			return
		}
		if val.Kind != yaml.MappingNode {
			d.errorf(val, "'strings' %s must be a group of lines like  sign.submit.petition: Add my name", lang)
			return
		}
		msgs := map[string]string{}
		d.pairs(val, func(key string, kk, vv *yaml.Node) {
			if !i18n.Known(key) && !knownForm(key) {
				if s := didYouMean(key, i18n.Keys()); s != "" {
					d.errorf(kk, "'strings' has no wording called %s — did you mean %s?", quoteValue(key), quoteValue(s))
				} else if near := nearestKeys(key, i18n.Keys(), 3); len(near) > 0 {
					d.errorf(kk, "'strings' has no wording called %s — the nearest are %s (docs/config.md lists every name)", quoteValue(key), quoteList(near))
				} else {
					d.errorf(kk, "'strings' has no wording called %s — docs/config.md lists every name", quoteValue(key))
				}
				return
			}
			if s, ok := d.scalar(vv, key, "text"); ok {
				msgs[key] = s
				d.checkPlaceholders(vv, key, s)
			}
		})
		out[lang] = msgs
	})
	v.Set(reflect.ValueOf(out))
}

// checkPlaceholders compares the {names} in an organisation's wording for
// key with those Placard fills in: an unknown one is an error (it would show
// as written), a missing one a warning (the page loses that detail).
func (d *decoder) checkPlaceholders(n *yaml.Node, key, msg string) {
	want := i18n.Placeholders(key)
	got := i18n.PlaceholdersIn(msg)
	for _, g := range got {
		if !slices.Contains(want, g) {
			if len(want) == 0 {
				d.errorf(n, "'strings' %s has {%s}, but Placard fills nothing in here — remove the braces", key, g)
			} else {
				d.errorf(n, "'strings' %s has {%s}, which Placard does not fill in — it fills in {%s}", key, g, strings.Join(want, "}, {"))
			}
		}
	}
	for _, w := range want {
		// A count's wording may say the number in words ("one person").
		if w != "n" && !slices.Contains(got, w) {
			*d.probs = append(*d.probs, Problem{File: d.file, Line: n.Line, Col: n.Column, Warning: true,
				Message: fmt.Sprintf("'strings' %s leaves out {%s}, which Placard fills in — keep it unless you mean to", key, w)})
		}
	}
}

// knownForm reports whether key is one plural form of a catalogue message,
// such as tally.count.few.
func knownForm(key string) bool {
	i := strings.LastIndexByte(key, '.')
	if i < 0 {
		return false
	}
	switch key[i+1:] {
	case "none", "zero", "one", "two", "few", "many", "other":
		return i18n.Known(key[:i])
	}
	return false
}

// Langs lists the languages the organisation writes in, the default first.
// There is always at least one.
func (o *Org) Langs() []string {
	if len(o.Languages) == 0 {
		return []string{cmp.Or(o.Language, i18n.Default)}
	}
	return o.Languages
}

// In returns the organisation with its text in lang, one of Langs: the
// organisation itself for the default language (or a language it does not
// have). Its Language is lang and its Campaigns are the campaigns in lang.
func (o *Org) In(lang string) *Org {
	if o == nil {
		return nil
	}
	if t, ok := o.translations[lang]; ok {
		return t
	}
	return o
}

// In returns the campaign with its text in lang, one of its organisation's
// Langs; the campaign itself for the default language or an unknown one.
// Every language of a campaign is the same campaign: same slug, actions,
// ids, goals and tally.
func (c *Campaign) In(lang string) *Campaign {
	if c == nil {
		return nil
	}
	if t, ok := c.translations[lang]; ok {
		return t
	}
	return c
}

// translate builds the copies of of's organisation and campaigns in each
// extra language. Every value of a copy gets the position of the value it
// was copied from, or of its translation, so the checks can run on the
// copies and point at the right line (checkTranslations).
func (l *loader) translate(of *orgFolder) {
	o := of.org
	langs := o.Langs()
	if len(langs) < 2 {
		return
	}
	// One map per organisation and per campaign, shared by every language's
	// copy, so In works from any of them.
	o.translations = map[string]*Org{langs[0]: o}
	for _, c := range o.Campaigns {
		c.translations = map[string]*Campaign{langs[0]: c}
	}
	for _, lang := range langs[1:] {
		cl := cloner{l: l, lang: lang}
		t := &Org{}
		cl.clone(reflect.ValueOf(t).Elem(), reflect.ValueOf(o).Elem())
		t.Language = lang
		t.translations = o.translations
		t.Campaigns = make([]*Campaign, len(o.Campaigns))
		t.campaigns = make(map[string]*Campaign, len(o.Campaigns))
		for i, c := range o.Campaigns {
			tc := &Campaign{}
			cl.clone(reflect.ValueOf(tc).Elem(), reflect.ValueOf(c).Elem())
			tc.Org = t
			tc.translations = c.translations
			t.Campaigns[i] = tc
			t.campaigns[tc.Slug] = tc
			c.translations[lang] = tc
		}
		o.translations[lang] = t
	}
}

// checkTranslations runs the checks of every organisation's files again on
// each language's copy, so a translation too long for a share message,
// empty where text is required, or with broken Markdown is reported at its
// own line. Problems the default language already reported (everything not
// translated is shared) are dropped.
func (l *loader) checkTranslations() {
	seen := map[Problem]bool{}
	for _, p := range l.probs {
		seen[p] = true
	}
	for _, of := range l.orgs {
		if of.kept {
			continue
		}
		o := of.org
		for _, lang := range o.Langs()[1:] {
			t := o.In(lang)
			if t == o {
				continue
			}
			before := len(l.probs)
			l.check(&orgFolder{org: t, dir: of.dir, listing: of.listing})
			kept := l.probs[:before]
			for _, p := range l.probs[before:] {
				if !seen[p] {
					seen[p] = true
					kept = append(kept, p)
				}
			}
			l.probs = kept
			l.indexed = min(l.indexed, len(l.probs))
		}
	}
}

var (
	assetPtrType    = reflect.TypeFor[*Asset]()
	orgPtrType      = reflect.TypeFor[*Org]()
	campaignPtrType = reflect.TypeFor[*Campaign]()
)

// cloner copies decoded values into one language's copy.
type cloner struct {
	l    *loader
	lang string
}

// clone copies src into dst, deeply for the organiser's own values, with
// each translated text in the cloner's language, and gives dst src's
// position. Files (*Asset), organisations and campaigns pointed to, and
// maps are shared, not copied.
func (cl cloner) clone(dst, src reflect.Value) {
	if src.CanAddr() {
		key := posKey{src.Addr().Pointer(), src.Type()}
		dkey := posKey{dst.Addr().Pointer(), dst.Type()}
		if w, ok := cl.l.pos[key]; ok {
			cl.l.pos[dkey] = w
		}
		if cl.l.literal[key] {
			cl.l.literal[dkey] = true
		}
		if src.Kind() == reflect.String {
			if t, ok := cl.l.trans[key][cl.lang]; ok {
				dst.SetString(t.text)
				cl.l.pos[dkey] = t.at
				cl.l.literal[dkey] = t.literal
				return
			}
		}
	}
	switch src.Kind() {
	case reflect.Struct:
		dst.Set(src) // unexported parts (time.Time's) come along
		for i := range src.NumField() {
			if dst.Field(i).CanSet() {
				cl.clone(dst.Field(i), src.Field(i))
			}
		}
	case reflect.Pointer:
		switch src.Type() {
		case assetPtrType, orgPtrType, campaignPtrType:
			dst.Set(src)
			return
		}
		if src.IsNil() {
			dst.Set(src)
			return
		}
		p := reflect.New(src.Type().Elem())
		cl.clone(p.Elem(), src.Elem())
		dst.Set(p)
	case reflect.Slice:
		if src.IsNil() {
			dst.Set(src)
			return
		}
		s := reflect.MakeSlice(src.Type(), src.Len(), src.Len())
		for i := range src.Len() {
			cl.clone(s.Index(i), src.Index(i))
		}
		dst.Set(s)
	default:
		dst.Set(src)
	}
}

// checkLanguages validates languages: and strings:, and that no campaign
// is named like one of the languages (its address would clash with the
// organisation page in that language, /org/ar).
func (c *checker) checkLanguages(o *Org) {
	seen := map[string]bool{}
	for i := range o.Languages {
		code := &o.Languages[i]
		if _, err := language.Parse(*code); err != nil || !langCodePattern.MatchString(*code) {
			c.errorf(c.at(code), "each of 'languages' must be a language code in lower case, such as en, fr, es, ar or he — %s is not one", quoteValue(*code))
			continue
		}
		if seen[*code] {
			c.errorf(c.at(code), "'languages' lists %s twice — keep one", *code)
		}
		seen[*code] = true
	}
	for i := range o.Redirects {
		r := &o.Redirects[i]
		if len(o.Languages) > 0 && slices.Contains(o.Langs(), r.From) {
			c.errorf(c.at(&r.From), "redirects: %s cannot be an old campaign name: /%s/%s is the organisation's page in that language — remove the line", quoteValue(r.From), o.Slug, r.From)
		}
	}
	for _, camp := range o.Campaigns {
		if len(o.Languages) > 0 && (slices.Contains(o.Languages, camp.Slug) || camp.Slug == o.Language) {
			c.errorf(c.at(camp), "a campaign cannot be called %s: /%s/%s is the organisation's page in that language — rename the file", quoteValue(camp.Slug), o.Slug, camp.Slug)
		}
	}
}

// normaliseLangs puts the default language first in Languages and sets
// Language to it.
func normaliseLangs(o *Org) {
	if len(o.Languages) == 0 {
		return
	}
	if o.Language == "" {
		o.Language = o.Languages[0]
	}
	out := []string{o.Language}
	for _, l := range o.Languages {
		if !slices.Contains(out, l) {
			out = append(out, l)
		}
	}
	o.Languages = out
}

// Translatable reports whether the setting key of the group of settings
// of Go type group is text that may be written once per language. The
// editor schema uses it so editors accept text: {en: …, ar: …} exactly
// where the loader does.
func Translatable(group reflect.Type, key string) bool {
	text, _ := textSetting(group, key)
	return text
}

// LanguageCodePattern is the shape of a language code in a translation
// mapping, for the editor schema.
const LanguageCodePattern = `^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$`

// nearestKeys returns up to n catalogue keys sharing the longest leading
// part with key, counted in dot-separated words (thanks.heading finds
// thanks.signed, thanks.pending …), in catalogue order; none when not even
// the first word is shared.
func nearestKeys(key string, keys []string, n int) []string {
	words := strings.Split(key, ".")
	shared := func(k string) int {
		kw := strings.Split(k, ".")
		i := 0
		for i < len(words) && i < len(kw) && strings.EqualFold(words[i], kw[i]) {
			i++
		}
		return i
	}
	best := 0
	for _, k := range keys {
		best = max(best, shared(k))
	}
	if best == 0 {
		return nil
	}
	var out []string
	for _, k := range slices.Sorted(slices.Values(keys)) {
		if shared(k) == best {
			out = append(out, k)
			if len(out) == n {
				break
			}
		}
	}
	return out
}

// quoteList writes 'a', 'b' or 'c'.
func quoteList(items []string) string {
	q := make([]string, len(items))
	for i, s := range items {
		q[i] = quoteValue(s)
	}
	if len(q) == 1 {
		return q[0]
	}
	return strings.Join(q[:len(q)-1], ", ") + " or " + q[len(q)-1]
}
