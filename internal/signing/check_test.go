package signing

import (
	"reflect"
	"strings"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"github.com/placard/placard/internal/campaign"
)

var now = time.Date(2026, 2, 10, 9, 30, 0, 0, time.UTC)

const consent = "Riverside Coalition may email me about this campaign. I can unsubscribe at any time."

// all asks for every field, the optional ones optional.
var all = campaign.Fields{
	Name: campaign.FieldRequired, Email: campaign.FieldRequired, Postcode: campaign.FieldOptional,
	Country: campaign.FieldOptional, Phone: campaign.FieldOptional, Comment: campaign.FieldOptional,
	Organisation: campaign.FieldOptional, Role: campaign.FieldOptional,
}

// good is a submission every rule accepts.
func good() Submission {
	return Submission{Action: "petition", Name: "Ana Ruiz", Email: "ana@example.org", Consent: "yes"}
}

func TestCheckAccepts(t *testing.T) {
	sub := good()
	sub.Name = "  Ana Ruiz  "
	sub.Email = "  Ana.Ruiz@Example.ORG "
	sub.Postcode = " E1 6AN "
	sub.Country = "gb"
	sub.Phone = "+44 20  7946 0000"
	sub.Comment = "Line one\r\nLine two"
	sub.Public = "yes"
	sig, errs := Check(sub, all, consent, now)
	if len(errs) > 0 {
		t.Fatalf("Check: got errors %v, want none", errs)
	}
	want := Signature{Action: "petition", Kind: KindIndividual, Status: StatusApproved,
		Name: "Ana Ruiz", Email: "ana.ruiz@example.org", Postcode: "E1 6AN", Country: "GB",
		Phone: "+44 20 7946 0000", Comment: "Line one\nLine two", Public: true,
		ConsentText: consent, ConsentAt: now, CreatedAt: now}
	if !reflect.DeepEqual(*sig, want) {
		t.Errorf("Check:\n got %+v\nwant %+v", *sig, want)
	}
}

func TestCheckPublicOnlyWhenTicked(t *testing.T) {
	for _, v := range []string{"", "no", "off", "0"} {
		sub := good()
		sub.Public = v
		if sig, _ := Check(sub, all, consent, now); sig == nil || sig.Public {
			t.Errorf("public=%q: got %+v, want a signature that is not public", v, sig)
		}
	}
}

func TestCheckKind(t *testing.T) {
	sub := good()
	sub.Organisation = "Riverside Readers"
	sub.Role = "Chair"
	sig, errs := Check(sub, all, consent, now)
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	if sig.Kind != KindOrganisation || sig.Status != StatusPending || sig.Organisation != "Riverside Readers" || sig.Role != "Chair" {
		t.Errorf("organisation sign-on: got kind %s status %s org %q, want organisation, pending", sig.Kind, sig.Status, sig.Organisation)
	}
	// A form that does not ask for an organisation (a petition) ignores one sent anyway.
	sig, errs = Check(sub, campaign.Fields{}, consent, now)
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	if sig.Kind != KindIndividual || sig.Status != StatusApproved || sig.Organisation != "" || sig.Role != "" {
		t.Errorf("petition: got kind %s status %s org %q role %q, want an approved individual with no organisation", sig.Kind, sig.Status, sig.Organisation, sig.Role)
	}
}

func TestCheckDefaults(t *testing.T) {
	// Name and email are required when the rules say nothing.
	_, errs := Check(Submission{Consent: "yes"}, campaign.Fields{}, consent, now)
	if errs["name"].String() != "Enter your name" || !strings.HasPrefix(errs["email"].String(), "Enter your email address") {
		t.Errorf("empty form with default rules: got %v, want name and email required", errs)
	}
	// Fields not asked for are not stored.
	sub := good()
	sub.Phone, sub.Comment, sub.Postcode, sub.Country = "+1 555 0100", "hi", "E1", "GB"
	sig, errs := Check(sub, campaign.Fields{}, consent, now)
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	if sig.Phone != "" || sig.Comment != "" || sig.Postcode != "" || sig.Country != "" {
		t.Errorf("fields not asked for: got %+v, want them dropped", sig)
	}
	// Email is always required, even where a rule says optional (the
	// checker refuses that): a blank address would make every later blank
	// one a repeat, silently not stored.
	sub = good()
	sub.Email = ""
	if sig, errs := Check(sub, campaign.Fields{Email: campaign.FieldOptional}, consent, now); sig != nil || errs["email"].String() == "" {
		t.Errorf("email left empty under an optional rule: got %v %v, want refused", sig, errs)
	}
}

func TestCheckRules(t *testing.T) {
	long := func(n int) string { return strings.Repeat("a", n) }
	tests := []struct {
		name  string
		edit  func(*Submission)
		field string
		want  string // the message, or a prefix of it ending in "…"
	}{
		{"name missing", func(s *Submission) { s.Name = "   " }, "name", "Enter your name"},
		{"name too long", func(s *Submission) { s.Name = long(201) }, "name", "Your name must be 200 characters or fewer"},
		{"name absurdly long", func(s *Submission) { s.Name = long(1 << 20) }, "name", "Your name must be 200 characters or fewer"},
		{"name control character", func(s *Submission) { s.Name = "Ana\x00Ruiz" }, "name", "Your name contains invisible or special characters…"},
		{"name newline", func(s *Submission) { s.Name = "Ana\nRuiz" }, "name", "Your name contains invisible or special characters…"},
		{"name bad UTF-8", func(s *Submission) { s.Name = "Ana \xff" }, "name", "Your name contains characters we cannot read…"},
		{"name bidi override", func(s *Submission) { s.Name = "Ana \u202eziuR" }, "name", "Your name contains invisible or special characters…"},
		{"name byte-order mark", func(s *Submission) { s.Name = "\ufeffAna" }, "name", "Your name contains invisible or special characters…"},
		{"name only punctuation", func(s *Submission) { s.Name = "..." }, "name", "Enter your name using letters"},
		{"name only invisible", func(s *Submission) { s.Name = "\u200b\u200b" }, "name", "Your name contains invisible or special characters…"},
		{"name only joiners", func(s *Submission) { s.Name = "\u200c\u200d" }, "name", "Enter your name using letters"},
		{"organisation only punctuation", func(s *Submission) { s.Organisation = "-" }, "organisation", "Enter the organisation's name using letters or digits"},
		{"email missing", func(s *Submission) { s.Email = "" }, "email", "Enter your email address, like name@example.org"},
		{"email no at", func(s *Submission) { s.Email = "ana.example.org" }, "email", "Enter your email address with an @ in it, like name@example.org"},
		{"email two ats", func(s *Submission) { s.Email = "ana@x@example.org" }, "email", "Your email address can have only one @…"},
		{"email space", func(s *Submission) { s.Email = "ana ruiz@example.org" }, "email", "Your email address cannot contain spaces…"},
		{"email no local part", func(s *Submission) { s.Email = "@example.org" }, "email", "Enter the part of your email address before the @…"},
		{"email no dot in domain", func(s *Submission) { s.Email = "ana@localhost" }, "email", "Enter the part of your email address after the @…"},
		{"email empty label", func(s *Submission) { s.Email = "ana@example..org" }, "email", "Enter the part of your email address after the @…"},
		{"email markup", func(s *Submission) { s.Email = "<ana>@example.org" }, "email", "Your email address contains a character…"},
		{"email too long", func(s *Submission) { s.Email = long(60) + "@" + long(190) + ".org" }, "email", "Your email address must be 254 characters or fewer"},
		{"postcode too long", func(s *Submission) { s.Postcode = long(21) }, "postcode", "Your postcode must be 20 characters or fewer"},
		{"country not a code", func(s *Submission) { s.Country = "UK" }, "country", "Choose your country from the list"},
		{"country a name", func(s *Submission) { s.Country = "France" }, "country", "Choose your country from the list"},
		{"phone letters", func(s *Submission) { s.Phone = "call me" }, "phone", "Enter your phone number using only digits…"},
		{"phone plus inside", func(s *Submission) { s.Phone = "44+20 7946" }, "phone", "Enter your phone number using only digits…"},
		{"phone too long", func(s *Submission) { s.Phone = strings.Repeat("1", 31) }, "phone", "Your phone number must be 30 characters or fewer"},
		{"phone too short", func(s *Submission) { s.Phone = "123" }, "phone", "Your phone number is too short…"},
		{"comment too long", func(s *Submission) { s.Comment = long(2001) }, "comment", "Your comment must be 2,000 characters or fewer"},
		{"comment tab", func(s *Submission) { s.Comment = "a\tb" }, "comment", "Your comment contains invisible or special characters…"},
		{"comment escape", func(s *Submission) { s.Comment = "a\x1b[31mb" }, "comment", "Your comment contains invisible or special characters…"},
		{"organisation too long", func(s *Submission) { s.Organisation = long(201) }, "organisation", "The organisation's name must be 200 characters or fewer"},
		{"role line separator", func(s *Submission) { s.Role = "Chair\u2028" + "x" }, "role", "Your role contains invisible or special characters…"},
		{"consent not ticked", func(s *Submission) { s.Consent = "" }, "consent", "Tick the consent box to agree to how your details will be used…"},
		{"consent no", func(s *Submission) { s.Consent = "no" }, "consent", "Tick the consent box…"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sub := good()
			tt.edit(&sub)
			sig, errs := Check(sub, all, consent, now)
			if sig != nil {
				t.Errorf("got a signature %+v, want none", sig)
			}
			if len(errs) != 1 {
				t.Errorf("got errors %v, want exactly one, for %s", errs, tt.field)
			}
			got := errs[tt.field].String()
			if want, prefix := strings.CutSuffix(tt.want, "…"); prefix && !strings.HasPrefix(got, want) || !prefix && got != want {
				t.Errorf("%s: got %q, want %q", tt.field, got, tt.want)
			}
		})
	}
}

func TestCheckRequired(t *testing.T) {
	req := campaign.Fields{Name: "required", Email: "required", Postcode: "required", Country: "required",
		Phone: "required", Comment: "required", Organisation: "required", Role: "required"}
	_, errs := Check(Submission{}, req, consent, now)
	// A form asks for name or for given_name and family_name, never both.
	want := strings.Replace(strings.Join(FieldOrder, " "), " given_name family_name", "", 1)
	if got := strings.Join(errs.Fields(), " "); got != want {
		t.Errorf("every field required, none given: got errors for %q, want %q", got, want)
	}
	for f, m := range errs {
		if msg := m.String(); msg == "" || msg == m.Key || strings.Contains(msg, "campaign.") || strings.Contains(msg, "string") {
			t.Errorf("%s: message %q is not plain language", f, msg)
		}
	}
	if errs["country"].String() != "Choose your country" || !strings.HasPrefix(errs["phone"].String(), "Enter your phone number") {
		t.Errorf("missing country and phone: got %q and %q", errs["country"].String(), errs["phone"].String())
	}
}

func TestCheckNormalises(t *testing.T) {
	sub := good()
	sub.Name = "Jose\u0301 Marti\u0301"   // decomposed accents
	sub.Organisation = "مكتبة\u200cالنهر" // a zero-width non-joiner, which some scripts need
	sub.Comment = `<script>alert("hi")</script> & more`
	sig, errs := Check(sub, all, consent, now)
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	if sig.Name != "José Martí" || !norm.NFC.IsNormalString(sig.Name) {
		t.Errorf("name: got %q, want it NFC-normalised to %q", sig.Name, "José Martí")
	}
	if sig.Organisation != sub.Organisation || sig.Kind != KindOrganisation {
		t.Errorf("organisation: got %q (%s), want %q kept as an organisation sign-on", sig.Organisation, sig.Kind, sub.Organisation)
	}
	if sig.Comment != sub.Comment {
		t.Errorf("comment: got %q, want markup kept verbatim %q", sig.Comment, sub.Comment)
	}
	// Length counts characters, not bytes.
	sub = good()
	sub.Name = strings.Repeat("é", MaxName)
	if _, errs := Check(sub, all, consent, now); len(errs) > 0 {
		t.Errorf("200 accented letters: got %v, want accepted", errs)
	}
}

func TestCountries(t *testing.T) {
	cs := Countries()
	if len(cs) != 249 {
		t.Errorf("Countries: got %d, want the 249 ISO 3166-1 codes", len(cs))
	}
	seen := map[string]bool{}
	for i, c := range cs {
		if len(c.Code) != 2 || c.Code != strings.ToUpper(c.Code) || seen[c.Code] {
			t.Errorf("code %q: want two upper-case letters, once", c.Code)
		}
		seen[c.Code] = true
		if c.Name == "" || c.Name == c.Code {
			t.Errorf("%s: got name %q, want an English name", c.Code, c.Name)
		}
		if i > 0 && cs[i-1].Name[0] < 0x80 && c.Name[0] < 0x80 && strings.ToLower(cs[i-1].Name[:1]) > strings.ToLower(c.Name[:1]) {
			t.Errorf("not sorted by name: %q before %q", cs[i-1].Name, c.Name)
		}
	}
	if got := cs[0].Name + ", " + cs[1].Name + " … " + cs[len(cs)-1].Name; got != "Afghanistan, Åland Islands … Zimbabwe" {
		t.Errorf("order: got %q, want Afghanistan, Åland Islands … Zimbabwe (sorted as English readers expect)", got)
	}
	for code, name := range map[string]string{"GB": "United Kingdom", "FR": "France", "PS": "Palestinian Territories"} {
		if !IsCountry(code) {
			t.Errorf("IsCountry(%q): got false", code)
		}
		for _, c := range cs {
			if c.Code == code && c.Name != name {
				t.Errorf("%s: got %q, want %q", code, c.Name, name)
			}
		}
	}
	for _, code := range []string{"UK", "EU", "gb", "", "XX"} {
		if IsCountry(code) {
			t.Errorf("IsCountry(%q): got true, want false", code)
		}
	}
}

func TestFormFields(t *testing.T) {
	var names []string
	for _, f := range FormFields(campaign.Fields{Postcode: "optional", Comment: "optional"}) {
		names = append(names, f.Name)
		if f.MaxLength == 0 {
			t.Errorf("%s: incomplete spec %+v", f.Name, f)
		}
		if want := f.Name == "name" || f.Name == "email"; f.Required != want {
			t.Errorf("%s: required %v, want %v", f.Name, f.Required, want)
		}
	}
	if got := strings.Join(names, " "); got != "name email postcode comment" {
		t.Errorf("fields: got %q, want name email postcode comment", got)
	}
}

// FuzzCheck feeds Check arbitrary values: it never panics, and whatever it
// accepts is valid, NFC-normalised UTF-8 without control characters (a
// comment may hold \n), within its limits, with exactly the consent given.
func FuzzCheck(f *testing.F) {
	f.Add("Ana Ruiz", "ana@example.org", "E1 6AN", "GB", "+44 20 7946 0000", "Hello\r\nthere", "", "", "yes", "yes")
	f.Add("<b>Ana</b>", "ANA@EXAMPLE.ORG", "", "", "", "", "Readers & Co", "Chair", "yes", "")
	f.Add("Ana\x00", "a@b.c", "\xff", "zz", "++1", "\x1b", "", "", "", "on")
	f.Fuzz(func(t *testing.T, name, email, postcode, country, phone, comment, org, role, consentBox, public string) {
		sub := Submission{Action: "letter", Name: name, Email: email, Postcode: postcode, Country: country,
			Phone: phone, Comment: comment, Organisation: org, Role: role, Consent: consentBox, Public: public}
		sig, errs := Check(sub, all, consent, now)
		if (sig == nil) == (len(errs) == 0) {
			t.Fatalf("got signature %v and errors %v, want exactly one", sig, errs)
		}
		if sig == nil {
			for f, m := range errs {
				if msg := m.String(); msg == "" || !utf8.ValidString(msg) {
					t.Errorf("%s: empty or invalid message %q", f, msg)
				}
			}
			return
		}
		for field, v := range map[string]string{"name": sig.Name, "email": sig.Email, "postcode": sig.Postcode,
			"country": sig.Country, "phone": sig.Phone, "comment": sig.Comment, "organisation": sig.Organisation, "role": sig.Role} {
			if !utf8.ValidString(v) || !norm.NFC.IsNormalString(v) {
				t.Errorf("%s: accepted %q, not NFC UTF-8", field, v)
			}
			for _, r := range v {
				if (unicode.IsControl(r) || forbidden(r)) && !(field == "comment" && r == '\n') {
					t.Errorf("%s: accepted control character %U in %q", field, r, v)
				}
			}
			if v != strings.TrimSpace(v) {
				t.Errorf("%s: accepted %q untrimmed", field, v)
			}
		}
		if utf8.RuneCountInString(sig.Name) > MaxName || utf8.RuneCountInString(sig.Comment) > MaxComment || len(sig.Email) > MaxEmail*4 {
			t.Errorf("accepted a value over its limit: %+v", sig)
		}
		if sig.Name == "" || sig.Email == "" || strings.Count(sig.Email, "@") != 1 || sig.Email != strings.ToLower(sig.Email) {
			t.Errorf("accepted name %q email %q", sig.Name, sig.Email)
		}
		if !hasLetterOrDigit(sig.Name) {
			t.Errorf("accepted name %q with nothing to read", sig.Name)
		}
		if sig.ConsentText != consent || !sig.ConsentAt.Equal(now) {
			t.Errorf("consent: got %q at %v", sig.ConsentText, sig.ConsentAt)
		}
		if (sig.Organisation != "") != (sig.Kind == KindOrganisation) {
			t.Errorf("organisation %q but kind %s", sig.Organisation, sig.Kind)
		}
	})
}

// BenchmarkCheck measures checking one full submission, which runs once
// per signature on the signing path.
func BenchmarkCheck(b *testing.B) {
	sub := good()
	sub.Postcode, sub.Country, sub.Phone, sub.Comment = "E1 6AN", "GB", "+44 20 7946 0000", "Keep the library open for our children."
	b.ReportAllocs()
	for b.Loop() {
		if _, errs := Check(sub, all, consent, now); len(errs) > 0 {
			b.Fatal(errs)
		}
	}
}

// TestEmailOneSigner: every way of typing one address that looks the same
// to a person keys the same signer (fullwidth letters, compatibility forms,
// case), and invisible or mixed-script tricks are refused, so a duplicate
// cannot dodge the one-signature-per-email rule.
func TestEmailOneSigner(t *testing.T) {
	same := []string{
		"ana@example.org",
		" ANA@Example.org ",
		"ａｎａ@ｅｘａｍｐｌｅ.ｏｒｇ",      // fullwidth letters
		"ＡＮＡ＠ＥＸＡＭＰＬＥ．ＯＲＧ",      // fullwidth capitals, @ and full stop
		"\uff41na@example.org", // one fullwidth letter
	}
	for _, v := range same {
		got, msg := NormaliseEmail(v)
		if !msg.IsZero() || got != "ana@example.org" {
			t.Errorf("NormaliseEmail(%q) = %q, %q; want ana@example.org", v, got, msg)
		}
		sub := good()
		sub.Email = v
		if sig, errs := Check(sub, all, consent, now); len(errs) > 0 || sig.Email != "ana@example.org" {
			t.Errorf("Check email %q: got %+v %v, want ana@example.org", v, sig, errs)
		}
	}
	const invisible = "Your email address contains invisible or special characters…"
	const mixed = "Your email address mixes letters from different alphabets…"
	refused := []struct{ email, want string }{
		{"a\u200bna@example.org", invisible},       // zero-width space
		{"an\u00ada@example.org", invisible},       // soft hyphen
		{"ana\u200d@example.org", invisible},       // zero-width joiner
		{"ana\u200c@example.org", invisible},       // zero-width non-joiner
		{"\u2060ana@example.org", invisible},       // word joiner
		{"ana\u200e@example.org", invisible},       // left-to-right mark
		{"ana@exam\u00adple.org", invisible},       // soft hyphen in the domain
		{"ana\u061c@example.org", invisible},       // Arabic letter mark
		{"\u0430na@example.org", mixed},            // Cyrillic а with Latin
		{"an\u03b1@example.org", mixed},            // Greek α with Latin
		{"ana@ex\u0430mple.org", mixed},            // a look-alike in a domain label
		{"\u0430\u043d\u0430x@example.org", mixed}, // Cyrillic with one Latin x
	}
	for _, tt := range refused {
		sub := good()
		sub.Email = tt.email
		sig, errs := Check(sub, all, consent, now)
		got := errs["email"].String()
		if want, _ := strings.CutSuffix(tt.want, "…"); sig != nil || !strings.HasPrefix(got, want) {
			t.Errorf("email %+q: got %+v, %q; want refused with %q", tt.email, sig, got, tt.want)
		}
		if _, msg := NormaliseEmail(tt.email); msg.String() != got {
			t.Errorf("NormaliseEmail(%+q): message %q, want Check's %q", tt.email, msg, got)
		}
	}
	// A local part wholly in one other script, or in scripts written
	// together (Japanese), is an address like any other.
	for _, v := range []string{"анна@example.org", "αννα@example.gr", "山田たろう@example.jp", "δοκιμή@παράδειγμα.δοκιμή", "user1@example.org", "أحمد@example.org"} {
		if got, msg := NormaliseEmail(v); !msg.IsZero() || got != strings.ToLower(norm.NFKC.String(v)) {
			t.Errorf("NormaliseEmail(%q) = %q, %q; want accepted", v, got, msg)
		}
	}
}

// TestNameNFKC: names are NFKC-normalised (fullwidth letters read as
// letters) and refuse invisible format characters, except the joiners
// some scripts need.
func TestNameNFKC(t *testing.T) {
	sub := good()
	sub.Name = "Ａｎａ Ｒｕｉｚ"
	sig, errs := Check(sub, all, consent, now)
	if len(errs) > 0 || sig.Name != "Ana Ruiz" {
		t.Errorf("fullwidth name: got %+v %v, want Ana Ruiz", sig, errs)
	}
	for _, v := range []string{"A\u00adna", "An\u200ba", "Ana\u2060"} {
		sub.Name = v
		if _, errs := Check(sub, all, consent, now); !strings.HasPrefix(errs["name"].String(), "Your name contains invisible or special characters") {
			t.Errorf("name %+q: got %v, want refused as invisible", v, errs)
		}
	}
	sub.Name = "علی\u200cرضا" // Persian needs the zero-width non-joiner
	if sig, errs := Check(sub, all, consent, now); len(errs) > 0 || sig.Name != sub.Name {
		t.Errorf("name with ZWNJ: got %+v %v, want kept", sig, errs)
	}
}

// TestNameDirectionMarks: Arabic and Hebrew phone keyboards put the
// invisible direction marks (LRM U+200E, RLM U+200F, ALM U+061C) into
// what people type; they are stripped from names, organisations and
// roles, never a reason to refuse a signature. The embeddings and
// overrides (U+202A–U+202E), and isolates left open or closed without an
// opening, which could reorder how a name and its neighbours display on a
// public list, are still refused with the plain message.
func TestNameDirectionMarks(t *testing.T) {
	for in, want := range map[string]string{
		"\u200fليلى حداد\u200f":       "ليلى حداد",
		"דנה\u200e כהן":               "דנה כהן",
		"\u061cعلي \u200f":            "علي",
		"Ana\u200f":                   "Ana",
		"\u2067שרה\u2069 Levi":        "\u2067שרה\u2069 Levi", // a closed isolate changes nothing around it
		"علی\u200cرضا\u200f":          "علی\u200cرضا",         // ZWNJ is Persian spelling: kept
		"\u2068a\u2067b\u2069c\u2069": "\u2068a\u2067b\u2069c\u2069",
	} {
		sub := good()
		sub.Name = in
		sub.Organisation = in
		sub.Role = in
		sig, errs := Check(sub, all, consent, now)
		if len(errs) > 0 {
			t.Errorf("name %+q: refused %v, want %+q", in, errs, want)
			continue
		}
		if sig.Name != want || sig.Organisation != want || sig.Role != want {
			t.Errorf("name %+q: got %+q / %+q / %+q, want %+q", in, sig.Name, sig.Organisation, sig.Role, want)
		}
	}
	sub := good()
	sub.GivenName, sub.FamilyName = "\u200fليلى", "حداد\u200f"
	if sig, errs := Check(sub, split, consent, now); len(errs) > 0 || sig.Name != "ليلى حداد" {
		t.Errorf("split names with RLM: got %+v %v", sig, errs)
	}
	sub = good()
	sub.Name = "\u200f\u200e\u061c"
	if _, errs := Check(sub, all, consent, now); errs["name"].IsZero() {
		t.Errorf("a name of marks alone: accepted, want refused")
	}
	for _, v := range []string{
		"Ana \u202eziuR", "\u202bليلى", "Ana\u202a", "Ana\u202c", "\u202dAna",
		"\u2067שרה Levi", "Ana\u2069", "\u2069Ana\u2066", "\u2068a\u2069\u2069", "\u2066\u2067a\u2069",
	} {
		sub := good()
		sub.Name = v
		if _, errs := Check(sub, all, consent, now); !strings.HasPrefix(errs["name"].String(), "Your name contains invisible or special characters") {
			t.Errorf("name %+q: got %v, want refused with the plain message", v, errs)
		}
	}
}

// TestCheckFormContactPermission: the permission to be contacted is its
// own, optional choice: recorded with its sentence and time only when the
// form offered the box and it was ticked, and never required.
func TestCheckFormContactPermission(t *testing.T) {
	now := time.Date(2026, 5, 1, 10, 0, 0, 0, time.UTC)
	base := Submission{Name: "Ada", Email: "ada@example.org", Consent: "yes"}
	for _, c := range []struct {
		box, text, want string
	}{
		{"", "Keep me informed.", ""},
		{"yes", "Keep me informed.", "Keep me informed."},
		{" Yes ", "Keep me informed.", "Keep me informed."},
		{"no", "Keep me informed.", ""},
		{"yes", "", ""}, // no box offered: a posted value means nothing
	} {
		sub := base
		sub.Contact = c.box
		sig, errs := CheckForm(sub, campaign.Fields{}, "I agree.", c.text, now)
		if len(errs) > 0 {
			t.Fatalf("box %q: unexpected problems %v", c.box, errs)
		}
		wantAt := time.Time{}
		if c.want != "" {
			wantAt = now
		}
		if sig.ContactText != c.want || !sig.ContactAt.Equal(wantAt) || sig.ConsentText != "I agree." {
			t.Errorf("box %q, text %q: got permission %q at %v (consent %q), want %q at %v",
				c.box, c.text, sig.ContactText, sig.ContactAt, sig.ConsentText, c.want, wantAt)
		}
	}
	// Without consent the signature is refused whatever the other box says.
	sub := base
	sub.Consent, sub.Contact = "", "yes"
	if _, errs := CheckForm(sub, campaign.Fields{}, "I agree.", "Keep me informed.", now); errs["consent"].String() == "" {
		t.Errorf("contact ticked, consent not: got %v, want a consent problem", errs)
	}
}
