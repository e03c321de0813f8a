package signing

import (
	"errors"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"golang.org/x/net/idna"
	"golang.org/x/text/unicode/norm"

	"github.com/placard/placard/internal/campaign"
	"github.com/placard/placard/internal/i18n"
)

// Submission is what a signing form sent, as raw strings straight from the
// request: nothing in it has been trimmed, normalised or trusted yet. The web
// layer fills it from the form values of the same names; Consent, Contact
// and Public hold the checkbox values ("yes" when ticked, empty otherwise).
type Submission struct {
	Action string
	Name   string
	// GivenName and FamilyName are the two name fields of a form that
	// asks for them apart (name_fields: split); Name is then ignored.
	GivenName    string
	FamilyName   string
	Email        string
	Postcode     string
	Country      string
	Phone        string
	Comment      string
	Organisation string
	Role         string
	Consent      string
	// Contact is the optional box giving permission to be contacted later.
	Contact string
	Public  string
}

// The most characters (runes, after normalisation) each field may hold.
// Longer input is refused with a message rather than cut short.
const (
	MaxName     = 200
	MaxEmail    = 254
	MaxPostcode = 20
	MaxPhone    = 30
	MaxComment  = 2000
)

// FieldErrors maps a form field's name ("name", "email", "postcode",
// "country", "phone", "comment", "organisation", "role", "consent") to the
// problem with it: a catalogue key check.FIELD.PROBLEM (such as
// check.comment.toolong) with its arguments, which internal/i18n words in
// the reader's language as a message saying what is wrong and how to fix it,
// to be shown next to that field. An empty map means no problems.
type FieldErrors map[string]i18n.Message

// problem is the message of field's problem what (missing, toolong, …).
func problem(field, what string, args ...i18n.Arg) i18n.Message {
	return i18n.Msg("check."+field+"."+what, args...)
}

// FieldOrder is the order fields appear in on a signing form, and so the
// order their problems are listed in a summary.
var FieldOrder = []string{"name", "given_name", "family_name", "email", "postcode", "country", "phone", "comment", "organisation", "role", "consent"}

// Fields returns the names of the fields with problems, in form order, so
// an error summary reads top to bottom like the form.
func (e FieldErrors) Fields() []string {
	var out []string
	for _, f := range FieldOrder {
		if _, ok := e[f]; ok {
			out = append(out, f)
		}
	}
	return out
}

// WithDefaults returns rules with the defaults filled in: name is required
// unless the organisers said otherwise, and email always is.
func WithDefaults(rules campaign.Fields) campaign.Fields {
	if rules.Name == campaign.FieldOff {
		rules.Name = campaign.FieldRequired
	}
	// Email is always required: it is the signer's identity (one signature
	// per address; erase finds them by it). The checker refuses optional,
	// and a blank address here would make every later blank one a repeat.
	rules.Email = campaign.FieldRequired
	return rules
}

// Field is one field a signing form asks for, as Check reads it: how the
// form is drawn (labels, input types) is the web layer's business.
type Field struct {
	// Name is the form field's name, such as "email".
	Name string
	// MaxLength is the most characters accepted.
	MaxLength int
	// Required is true for required fields, false for optional ones.
	Required bool
}

// FormFields returns the fields a form with rules asks for, in form order
// (the consent box and the public opt-in are not included: every form has
// them). Defaults apply as in WithDefaults.
func FormFields(rules campaign.Fields) []Field {
	rules = WithDefaults(rules)
	all := []struct {
		rule campaign.FieldRule
		name string
		max  int
	}{
		{rules.Name, "name", MaxName},
		{rules.Email, "email", MaxEmail},
		{rules.Postcode, "postcode", MaxPostcode},
		{rules.Country, "country", 2},
		{rules.Phone, "phone", MaxPhone},
		{rules.Comment, "comment", MaxComment},
		{rules.Organisation, "organisation", MaxName},
		{rules.Role, "role", MaxName},
	}
	var out []Field
	for _, f := range all {
		if f.rule == campaign.FieldOff {
			continue
		}
		req := f.rule == campaign.FieldRequired
		if f.name == "name" && rules.SplitNames {
			out = append(out, Field{Name: "given_name", MaxLength: MaxName, Required: req},
				Field{Name: "family_name", MaxLength: MaxName, Required: req})
			continue
		}
		out = append(out, Field{Name: f.name, MaxLength: f.max, Required: req})
	}
	return out
}

// Ticked reports whether a checkbox value means "ticked": the one rule by
// which Check reads the boxes and a form shown again draws them.
func Ticked(v string) bool {
	switch strings.ToLower(strings.TrimSpace(v)) {
	case "yes", "on", "true", "1":
		return true
	}
	return false
}

// Check validates and normalises a submission against the organisers' field
// rules. It returns the Signature to store, or nil and the problems (never
// both). Fields the rules do not ask for are ignored and not stored.
//
// Every kept value is trimmed, valid UTF-8, NFC-normalised (names, the
// organisation, the role and the email NFKC, refusing invisible format
// characters), free of control characters (a comment may hold line breaks,
// stored as \n) and within its length limit; the email is in the form of
// NormaliseEmail; the country is an upper-case ISO
// 3166-1 alpha-2 code. Markup characters are kept verbatim: escaping is the
// job of whatever shows them.
//
// A signer who gives an organisation (only letters ask for one) signs for it:
// KindOrganisation, StatusPending until the organisers approve. Everyone else
// is KindIndividual, StatusApproved. The consent box must be ticked;
// consentText, the exact sentence the signer was shown, is stored with now.
// Check sets Action from the submission; the caller sets Org, Campaign and
// Lang and must check that Action names a petition or letter of the campaign.
func Check(sub Submission, rules campaign.Fields, consentText string, now time.Time) (*Signature, FieldErrors) {
	return CheckForm(sub, rules, consentText, "", now)
}

// CheckForm is Check for a form that may also offer the optional box
// asking permission to contact the signer later, worded contactText ("" when
// the form has no such box). The permission is a separate choice from the
// consent: never required, and recorded — contactText and now — only when
// the box was offered and ticked.
func CheckForm(sub Submission, rules campaign.Fields, consentText, contactText string, now time.Time) (*Signature, FieldErrors) {
	rules = WithDefaults(rules)
	// Kept on the stack: only a form with problems copies it out.
	errs := FieldErrors{}
	sig := &Signature{
		Action:      strings.TrimSpace(sub.Action),
		Kind:        KindIndividual,
		Status:      StatusApproved,
		Public:      Ticked(sub.Public),
		ConsentText: consentText,
		ConsentAt:   now,
		CreatedAt:   now,
	}

	if rules.SplitNames {
		sig.GivenName = nameField(errs, "given_name", sub.GivenName, rules.Name)
		sig.FamilyName = nameField(errs, "family_name", sub.FamilyName, rules.Name)
		sig.Name = JoinName(sig.GivenName, sig.FamilyName)
		if utf8.RuneCountInString(sig.Name) > MaxName && errs["given_name"].IsZero() && errs["family_name"].IsZero() {
			errs["family_name"] = problem("family_name", "together", i18n.Int("max", MaxName))
		}
	} else {
		sig.Name = nameField(errs, "name", sub.Name, rules.Name)
	}
	sig.Email = emailField(errs, sub.Email, rules.Email)
	sig.Postcode = textField(errs, "postcode", sub.Postcode, rules.Postcode, MaxPostcode, false, cleanText)
	sig.Country = countryField(errs, sub.Country, rules.Country)
	sig.Phone = phoneField(errs, sub.Phone, rules.Phone)
	sig.Comment = textField(errs, "comment", sub.Comment, rules.Comment, MaxComment, true, cleanText)
	sig.Organisation = textField(errs, "organisation", sub.Organisation, rules.Organisation, MaxName, false, cleanIdentity)
	if sig.Organisation != "" && !hasLetterOrDigit(sig.Organisation) {
		errs["organisation"] = problem("organisation", "letters")
	}
	sig.Role = textField(errs, "role", sub.Role, rules.Role, MaxName, false, cleanIdentity)
	if !Ticked(sub.Consent) {
		errs["consent"] = i18n.Msg("check.consent")
	}

	if len(errs) > 0 {
		out := make(FieldErrors, len(errs))
		for k, v := range errs {
			out[k] = v
		}
		return nil, out
	}
	if sig.Organisation != "" {
		sig.Kind = KindOrganisation
		sig.Status = StatusPending
	}
	if contactText != "" && Ticked(sub.Contact) {
		sig.ContactText, sig.ContactAt = contactText, now
	}
	return sig, nil
}

// nameField checks a name field (name, given_name or family_name): a
// free-text identity with something to read in it.
func nameField(errs FieldErrors, field, v string, rule campaign.FieldRule) string {
	v = textField(errs, field, v, rule, MaxName, false, cleanIdentity)
	if v != "" && !hasLetterOrDigit(v) {
		errs[field] = problem(field, "letters")
	}
	return v
}

// JoinName is the name a signer who gave their given and family names
// apart is shown and listed by: "Given Family", or whichever of the two
// they gave.
func JoinName(given, family string) string {
	switch {
	case given == "":
		return family
	case family == "":
		return given
	}
	return given + " " + family
}

// cleaning is how strictly clean treats a value.
type cleaning int

const (
	// cleanText: NFC, and only control characters, separators, the BOM and
	// bidi embedding controls are refused (a comment may hold a soft hyphen
	// pasted from a word processor).
	cleanText cleaning = iota
	// cleanIdentity (names): NFKC, so fullwidth and other compatibility
	// forms read as the letters they look like; the direction marks RTL
	// keyboards insert are dropped (dropDirectionMark), isolates must be
	// balanced (isIsolate), and every other invisible format character
	// (Unicode Cf: zero-width space, soft hyphen, word joiner, embeddings
	// and overrides …) is refused except the zero-width joiner and
	// non-joiner, which Persian, Indic scripts and emoji need.
	cleanIdentity
	// cleanAddress (emails): NFKC, and every format character is refused,
	// joiners too: no address needs one.
	cleanAddress
)

// clean trims, checks and normalises one value of field, as strictly as
// how says. It returns the value and no message, or "" and field's problem
// (toolong, unreadable or invisible). multiline allows line breaks (CRLF
// and CR become LF).
func clean(v string, max int, multiline bool, field string, how cleaning) (string, i18n.Message) {
	// Refuse absurd input before normalising it, so a huge value costs little.
	if len(v) > 4*max+64 {
		return "", problem(field, "toolong", i18n.Int("max", max))
	}
	if !utf8.ValidString(v) {
		return "", problem(field, "unreadable")
	}
	if multiline {
		v = strings.ReplaceAll(v, "\r\n", "\n")
		v = strings.ReplaceAll(v, "\r", "\n")
	}
	form := norm.NFC
	if how != cleanText {
		form = norm.NFKC
	}
	if how == cleanIdentity {
		v = strings.Map(dropDirectionMark, v)
	}
	v = strings.TrimSpace(form.String(v))
	isolates := 0 // isolates open (names only: closed ones are kept)
	for _, r := range v {
		if r == '\n' && multiline {
			continue
		}
		if how == cleanIdentity && isIsolate(r) {
			if r == '\u2069' {
				isolates--
			} else {
				isolates++
			}
			if isolates < 0 {
				return "", problem(field, "invisible")
			}
			continue
		}
		if forbidden(r) || how != cleanText && r >= 0x80 && invisibleFormat(r, how) {
			return "", problem(field, "invisible")
		}
	}
	if isolates != 0 {
		return "", problem(field, "invisible")
	}
	if utf8.RuneCountInString(v) > max {
		return "", problem(field, "toolong", i18n.Int("max", max))
	}
	return v, i18n.Message{}
}

// dropDirectionMark drops the invisible direction marks (LRM U+200E, RLM
// U+200F, ALM U+061C) that Arabic and Hebrew keyboards put into what
// people type: they change nothing a name says, and a name is shown
// isolated (bdi) from its neighbours, so refusing them only lost the
// signatures of people writing right to left. For strings.Map.
func dropDirectionMark(r rune) rune {
	if r == '\u200e' || r == '\u200f' || r == '\u061c' {
		return -1
	}
	return r
}

// isIsolate reports whether r is a bidi isolate control (LRI, RLI, FSI or
// PDI). A name may hold isolates that are each closed, in order: they
// change nothing outside themselves; one left open (or a PDI closing
// nothing) would reorder the names after it on a public list.
func isIsolate(r rune) bool { return r >= '\u2066' && r <= '\u2069' }

// forbidden reports whether r may not appear in any kept value: control
// characters, the line and paragraph separators, the byte-order mark, the
// replacement character (a sign of text already damaged) and the bidi
// embedding, override and isolate controls, which could make a public name
// display as something else.
func forbidden(r rune) bool {
	switch {
	case unicode.IsControl(r), r == '\u2028', r == '\u2029', r == '\ufeff', r == utf8.RuneError,
		r >= '\u202a' && r <= '\u202e', r >= '\u2066' && r <= '\u2069':
		return true
	}
	return false
}

// invisibleFormat reports whether r is a format character (Unicode Cf)
// that how refuses: all of them for an address, all but the joiners for a
// name.
func invisibleFormat(r rune, how cleaning) bool {
	if !unicode.Is(unicode.Cf, r) {
		return false
	}
	return how == cleanAddress || r != '\u200c' && r != '\u200d'
}

// hasLetterOrDigit reports whether s has something visible to read: a
// name made only of punctuation or invisible characters is not a name.
func hasLetterOrDigit(s string) bool {
	return strings.ContainsFunc(s, func(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) })
}

// textField checks a free-text field, cleaned as how says. A field the
// rules do not ask for is ignored.
func textField(errs FieldErrors, name, v string, rule campaign.FieldRule, max int, multiline bool, how cleaning) string {
	if rule == campaign.FieldOff {
		return ""
	}
	v, msg := clean(v, max, multiline, name, how)
	switch {
	case !msg.IsZero():
		errs[name] = msg
	case v == "" && rule == campaign.FieldRequired:
		errs[name] = problem(name, "missing")
	}
	return v
}

// emailField checks and normalises the email address (NormaliseEmail).
func emailField(errs FieldErrors, v string, rule campaign.FieldRule) string {
	if rule == campaign.FieldOff {
		return ""
	}
	v, msg := NormaliseEmail(v)
	switch {
	case !msg.IsZero():
		errs["email"] = msg
	case v == "" && rule == campaign.FieldRequired:
		errs["email"] = problem("email", "missing")
	}
	return v
}

// NormaliseEmail is the one form an email address is stored and looked up
// in: NFKC-normalised (fullwidth and other compatibility forms become the
// characters they look like), trimmed and lower-cased, with the domain in
// the Unicode form people read (U-labels): a domain typed in its ASCII
// form (A-labels, "xn--bcher-kva.example") or with characters IDNA maps
// (UTS #46: an ideographic full stop 。 between labels, capitals in any
// script) is written as the one Unicode domain it names, "bücher.example".
// Mail is sent to the ASCII form (ASCIIEmail), which every server takes.
// It returns that form and no message, or "" and the problem (a
// check.email.* message): no @, spaces, invisible format characters
// (zero-width, soft hyphen, direction marks), letters from look-alike
// alphabets mixed in one part, a domain label of another alphabet that
// reads as a Latin name (latinLookalike), an xn-- label that does not decode to a
// domain IDNA allows, and so on — an A-label is judged by what it decodes
// to, so it cannot carry what typing the Unicode would be refused for.
// An empty address returns "" and no message (the caller decides whether
// it is required).
//
// Signing keys a signer by this form, and erasing finds their signatures by
// it, so every way of typing one address that looks the same to a person
// is one signer. NormaliseEmail of its own result returns it unchanged.
func NormaliseEmail(v string) (string, i18n.Message) {
	v, msg := clean(v, MaxEmail, false, "email", cleanAddress)
	if !msg.IsZero() || v == "" {
		return "", msg
	}
	// Lower-casing can undo NFKC for a few letters (İ), so normalise again.
	v = norm.NFKC.String(strings.ToLower(v))
	local, domain, ok := strings.Cut(v, "@")
	idnaOK := true
	if ok {
		// Most domains are plain ASCII, which this leaves as they are
		// without allocating: signing runs it once per signature.
		var d string
		if d, idnaOK = unicodeDomain(domain); d != domain {
			domain, v = d, local+"@"+d
		}
	}
	var what string
	switch {
	case !ok:
		what = "at"
	case strings.ContainsFunc(v, unicode.IsSpace):
		what = "spaces"
	case strings.Contains(domain, "@"):
		what = "oneat"
	case local == "" || len(local) > 64:
		what = "local"
	case strings.HasSuffix(domain, ".") && validDomain(strings.TrimSuffix(domain, ".")):
		// A sentence's full stop typed after the address.
		what = "enddot"
	case !validDomain(domain):
		what = "domain"
	case strings.ContainsFunc(domain, func(r rune) bool { return forbidden(r) || r >= 0x80 && invisibleFormat(r, cleanAddress) }):
		// Only an A-label can bring these here: clean refused them typed.
		what = "invisible"
	case strings.ContainsAny(v, `<>()[]\,;:"`):
		what = "character"
	case mixedScript(local) || mixedScriptDomain(domain):
		// Letters from look-alike alphabets (a Cyrillic а among Latin
		// letters) would make one address look like another. A domain is
		// judged label by label: "пример.com" is one Cyrillic name under a
		// Latin top-level domain, as registries sell them; "pаypal.com"
		// mixes inside a label and is refused.
		what = "scripts"
	case lookalikeDomain(domain):
		// A label of one other alphabet whose every letter looks like a
		// Latin one ("аррӏе.com" reads as "apple.com").
		what = "lookalike"
	case !idnaOK || utf8.RuneCountInString(v) > MaxEmail:
		// An xn-- label that does not decode, or a Unicode domain IDNA
		// does not allow (a symbol, a label too long in ASCII).
		what = "domain"
	default:
		return v, i18n.Message{}
	}
	return "", problem("email", what)
}

// labelDot is the one full stop besides "." that UTS #46 reads as the dot
// between a domain's labels once NFKC has run: the ideographic 。 (NFKC
// already made the fullwidth ． a dot, and the halfwidth ｡ this one).
const labelDot = "\u3002"

// idnaProfile is how a domain's labels are read: UTS #46 lookup mapping,
// non-transitional (ß stays ß, as browsers and registries have it), with
// the bidi and joiner rules, but without the check of hyphens in the
// third and fourth places, which some ASCII labels have and validDomain
// judges as before.
var idnaProfile = idna.New(idna.MapForLookup(), idna.BidiRule(), idna.Transitional(false),
	idna.CheckHyphens(false), idna.CheckJoiners(true))

// unicodeDomain returns domain (lower-cased, NFKC) in the Unicode form
// NormaliseEmail stores, and whether IDNA accepts it. An ASCII domain
// without an xn-- label is returned as it is, true: IDNA would change
// nothing but refuse a few names (an underscore) that addresses stored
// before it was applied may have. A domain IDNA refuses is returned with
// its xn-- labels decoded as far as they decode, so NormaliseEmail can
// name what is wrong with it (invisible characters, mixed alphabets),
// and false. A dot after the last label stays, for the enddot message.
func unicodeDomain(domain string) (string, bool) {
	if strings.Contains(domain, labelDot) {
		domain = strings.ReplaceAll(domain, labelDot, ".")
	}
	if !needsIDNA(domain) {
		return domain, true
	}
	d, end := strings.CutSuffix(domain, ".")
	u, err := idnaProfile.ToUnicode(d)
	if err == nil {
		// The A-label form must be a DNS name too: labels of at most 63
		// bytes, 253 in all.
		var a string
		if a, err = idnaProfile.ToASCII(u); err == nil && (len(a) > 253 || !validDomain(a)) {
			err = errors.New("too long")
		}
	}
	if err != nil {
		u, _ = idna.Punycode.ToUnicode(d)
		u = strings.ToLower(u)
	}
	if end {
		u += "."
	}
	return u, err == nil
}

// needsIDNA reports whether domain has a label IDNA reads: one with a
// letter beyond ASCII, or an A-label (xn--, any case).
func needsIDNA(domain string) bool {
	for i := 0; i < len(domain); i++ {
		if domain[i] >= 0x80 {
			return true
		}
	}
	return strings.HasPrefix(domain, "xn--") || strings.Contains(domain, ".xn--")
}

// ASCIIEmail is addr (in NormaliseEmail's form) as mail is addressed to
// it: the domain in A-labels ("a@xn--bcher-kva.example"), which every
// mail server and DNS takes, where the Unicode form needs a server that
// speaks SMTPUTF8. The local part is left as it is. An address whose
// domain IDNA refuses is returned unchanged.
func ASCIIEmail(addr string) string {
	i := strings.LastIndexByte(addr, '@')
	if i < 0 || !needsIDNA(addr[i+1:]) {
		return addr
	}
	a, err := idnaProfile.ToASCII(addr[i+1:])
	if err != nil {
		return addr
	}
	return addr[:i+1] + a
}

// EmailSpellings are the forms addr (in NormaliseEmail's form) may have
// been stored in by an earlier version: itself and, when its domain has
// Unicode labels, its A-label spelling, which NormaliseEmail kept as
// typed before it decoded A-labels. Lookups that cannot be rewritten —
// a suppression list keeps only a keyed hash of the address it was given
// — check each.
func EmailSpellings(addr string) []string {
	if a := ASCIIEmail(addr); a != addr {
		return []string{addr, a}
	}
	return []string{addr}
}

// mixedScriptDomain reports whether a label of domain mixes scripts
// (mixedScript). Each label is judged alone, as registries and browsers
// judge them (UTS #39 applies to a label, and a registry's rules for
// "пример" do not reach the ".com" it sits under): judging the whole
// domain at once refused every Cyrillic, Greek, Arabic or Hebrew name
// under .com, .org or .net. An ASCII domain costs one pass and no
// allocation, as before.
func mixedScriptDomain(domain string) bool {
	if !mixedScript(domain) {
		// Not even the whole domain mixes, so no label does.
		return false
	}
	for l := range strings.SplitSeq(domain, ".") {
		if mixedScript(l) {
			return true
		}
	}
	return false
}

// lookalikeDomain reports whether a label of domain is a whole-script
// look-alike of a Latin name under its top-level domain (latinLookalike).
// Only a domain that mixes scripts across its labels can have one (a
// domain all in one alphabet is under a top-level domain in that
// alphabet), so an ASCII domain costs one pass and no allocation.
func lookalikeDomain(domain string) bool {
	if !mixedScript(domain) {
		return false
	}
	tld := domain[strings.LastIndexByte(domain, '.')+1:]
	for l := range strings.SplitSeq(domain, ".") {
		if latinLookalike(l, tld) {
			return true
		}
	}
	return false
}

//go:generate go run genlookalikes.go

// lookalikeLetter is one letter of lookalikeLetters (lookalikes_table.go,
// generated from UTS #39's confusables data): a letter of an alphabet other
// than Latin that looks like one or more Latin letters, and its script's
// number in lookalikeScripts plus one.
type lookalikeLetter struct {
	r      rune
	script uint8
}

// lookalikeScript is the number (lookalikeScripts' index plus one) of r's
// script if r is a letter that looks like a Latin one, else 0.
func lookalikeScript(r rune) uint8 {
	i, ok := slices.BinarySearchFunc(lookalikeLetters[:], r, func(l lookalikeLetter, r rune) int { return int(l.r - r) })
	if !ok {
		return 0
	}
	return lookalikeLetters[i].script
}

// latinLookalike reports whether label is a "whole-script confusable"
// under top-level domain tld: letters of one alphabet other than Latin
// only, every one of which looks like a Latin letter (UTS #39's
// confusables, and Chromium's few additions), so that "аррӏе" reads as
// "apple", "ոսօ" as "nuo", "ᎪᏴᏟ" as "ABC". Judging labels apart let such
// a label through, where the whole domain's check had refused it beside a
// Latin top-level domain; browsers show such a domain in its xn-- form for
// the same reason. Only under a top-level domain written in that alphabet
// (".рф", ".бг", ".ελ", ".հայ") is it an ordinary word: an ASCII
// country code (".ru", ".gr") excuses nothing, since the domain still
// reads as a Latin one ("аррӏе.com.ru" as "apple.com.ru").
func latinLookalike(label, tld string) bool {
	var script uint8
	for _, r := range label {
		if !unicode.IsLetter(r) || noScript(r) {
			// A letter of no script (ー, ʼ, ː) reads as no Latin letter
			// but stands in the label as mixedScript lets it: counted,
			// it excused "аррӏеー" of reading as "apple".
			continue
		}
		s := lookalikeScript(r)
		if s == 0 || script != 0 && s != script {
			return false
		}
		script = s
	}
	if script == 0 {
		return false
	}
	table := lookalikeScripts[script-1]
	if table == unicode.Arabic || table == unicode.Nko {
		// Written right to left with joined letters: a label all in
		// them reads as no Latin name (a lone ا is no "l").
		return false
	}
	if slices.Contains(lookalikeHomes[table], tld) {
		return false
	}
	return !strings.ContainsFunc(tld, func(r rune) bool { return unicode.Is(table, r) })
}

// lookalikeHomes are, per alphabet, the ASCII country codes of the
// countries that write it, as Chromium's address bar lists them for its own
// whole-script check: under ".ru" or ".gr" a Cyrillic or Greek name is an
// ordinary word of the country's own registry ("сор.ru", "κοκο.gr"), and
// refusing it would turn away the people who write that alphabet, while
// under ".com" the same letters can only be there to read as Latin. Like
// the browser, the top-level domain decides, so "аррӏе.com.ru" is let
// through under ".ru".
var lookalikeHomes = map[*unicode.RangeTable][]string{
	unicode.Armenian: {"am"},
	unicode.Cyrillic: {"bg", "by", "kg", "kz", "mk", "mn", "rs", "ru", "su", "tj", "ua", "uz"},
	unicode.Ethiopic: {"er", "et"},
	unicode.Georgian: {"ge"},
	unicode.Greek:    {"cy", "gr"},
	unicode.Hebrew:   {"il"},
}

// mixedScript reports whether s (a local part, or one label of a domain)
// mixes letters of scripts that are not written together, after UTS #39's
// "highly restrictive" level: one script, or Latin with the scripts of
// Chinese, Japanese or Korean writing. Letters of no script of their own
// (Unicode's Common and Inherited: the Katakana-Hiragana prolonged sound
// mark ー, the Arabic tatweel, modifier letters) belong to whichever
// script they stand in, as UTS #39 reads them, and count for none: taken
// for a script apart, they refused every Japanese word with a long vowel
// (メール, ユーザー, サーバー) in an address or domain.
func mixedScript(s string) bool {
	var seen uint32
	ascii := true
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			ascii = false
			break
		}
	}
	if ascii {
		return false
	}
	var marks uint32 // the scripts the marks below need
	for _, r := range s {
		if !unicode.IsLetter(r) || noScript(r) {
			switch r {
			case '\u30fc': // ー is written in Japanese kana only
				marks |= scriptKatakana
			case '\u0640': // the tatweel in Arabic (or Syriac) only
				marks |= scriptArabic
			}
			continue
		}
		seen |= scriptBit(r)
	}
	// A mark among no letter of its own script stands for it, as UTS #39
	// reads the mark's Script_Extensions: "adaـlovelace", a tatweel among
	// Latin letters, reads as "ada_lovelace" and mixes alphabets.
	if marks&scriptKatakana != 0 && seen&(scriptHiragana|scriptKatakana) == 0 {
		seen |= scriptKatakana
	}
	if marks&scriptArabic != 0 && seen&(scriptArabic|scriptSyriac) == 0 {
		seen |= scriptArabic
	}
	switch seen &^ (scriptLatin | scriptHan) {
	case 0, scriptHiragana, scriptKatakana, scriptHiragana | scriptKatakana, scriptHangul, scriptBopomofo:
		// Latin, Han and at most one of the CJK companions: written together.
		return false
	}
	// Any other script allowed only alone.
	return seen&(seen-1) != 0
}

// noScript reports whether letter r is of no script of its own (Unicode's
// Common or Inherited), so that it counts with the letters around it.
func noScript(r rune) bool {
	return unicode.Is(unicode.Common, r) || unicode.Is(unicode.Inherited, r)
}

// Script bits for mixedScript; every script not named is scriptOther plus
// its own bit from otherScripts.
const (
	scriptLatin uint32 = 1 << iota
	scriptHan
	scriptHiragana
	scriptKatakana
	scriptHangul
	scriptBopomofo
	scriptFirstOther
)

// The bits of the scripts of the marks mixedScript reads (otherScripts'
// order).
var (
	scriptArabic = scriptFirstOther << slices.Index(otherScripts, unicode.Arabic)
	scriptSyriac = scriptFirstOther << slices.Index(otherScripts, unicode.Syriac)
)

var namedScripts = []*unicode.RangeTable{unicode.Latin, unicode.Han, unicode.Hiragana, unicode.Katakana, unicode.Hangul, unicode.Bopomofo}

// otherScripts are the scripts checked after the named ones, each with its
// own bit (scripts past the 26th share the last bit, which still tells
// them from the named ones).
var otherScripts = []*unicode.RangeTable{unicode.Cyrillic, unicode.Greek, unicode.Armenian, unicode.Hebrew,
	unicode.Arabic, unicode.Devanagari, unicode.Bengali, unicode.Thai, unicode.Georgian, unicode.Cherokee,
	unicode.Ethiopic, unicode.Tamil, unicode.Telugu, unicode.Gujarati, unicode.Gurmukhi, unicode.Kannada,
	unicode.Malayalam, unicode.Sinhala, unicode.Khmer, unicode.Lao, unicode.Myanmar, unicode.Tibetan,
	unicode.Syriac, unicode.Thaana, unicode.Coptic}

// scriptBit is the bit of r's script.
func scriptBit(r rune) uint32 {
	if r < 0x80 {
		return scriptLatin
	}
	for i, t := range namedScripts {
		if unicode.Is(t, r) {
			return 1 << i
		}
	}
	for i, t := range otherScripts {
		if unicode.Is(t, r) {
			return scriptFirstOther << i
		}
	}
	return 1 << 31
}

// validDomain reports whether d looks like a mail domain: at least two
// non-empty labels separated by dots, none starting or ending with a hyphen.
func validDomain(d string) bool {
	if !strings.Contains(d, ".") {
		return false
	}
	for l := range strings.SplitSeq(d, ".") {
		if l == "" || len(l) > 63 || l[0] == '-' || l[len(l)-1] == '-' {
			return false
		}
	}
	return true
}

// countryField checks a country code against the ISO 3166-1 list.
func countryField(errs FieldErrors, v string, rule campaign.FieldRule) string {
	if rule == campaign.FieldOff {
		return ""
	}
	v, msg := clean(v, 8, false, "country", cleanText)
	if !msg.IsZero() {
		errs["country"] = problem("country", "list")
		return ""
	}
	v = strings.ToUpper(v)
	switch {
	case v == "":
		if rule == campaign.FieldRequired {
			errs["country"] = problem("country", "missing")
		}
	case !IsCountry(v):
		errs["country"] = problem("country", "list")
		v = ""
	}
	return v
}

// phoneField checks a phone number: digits, spaces and a leading +, with
// the hyphens, dots and brackets people often type; at least 6 digits.
func phoneField(errs FieldErrors, v string, rule campaign.FieldRule) string {
	if rule == campaign.FieldOff {
		return ""
	}
	v, msg := clean(v, MaxPhone, false, "phone", cleanText)
	if !msg.IsZero() {
		errs["phone"] = msg
		return ""
	}
	if v == "" {
		if rule == campaign.FieldRequired {
			errs["phone"] = problem("phone", "missing")
		}
		return ""
	}
	digits := 0
	for i, r := range v {
		switch {
		case r >= '0' && r <= '9':
			digits++
		case r == '+' && i == 0, r == ' ', r == '-', r == '.', r == '(', r == ')':
		default:
			errs["phone"] = problem("phone", "characters")
			return ""
		}
	}
	if digits < 6 {
		errs["phone"] = problem("phone", "short")
		return ""
	}
	return strings.Join(strings.Fields(v), " ")
}

// CurrentForm is addr — stored, or sealed in a link, by an earlier
// version — in the form NormaliseEmail gives today, so a row or link from
// before an upgrade finds the same signer as the address typed now. An
// address NormaliseEmail now refuses is returned as it is: only an
// earlier version could have kept it, and it is found as it was
// (EraseForms).
func CurrentForm(addr string) string {
	if n, msg := NormaliseEmail(addr); msg.IsZero() && n != "" {
		return n
	}
	return addr
}
