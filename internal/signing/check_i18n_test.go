package signing

import (
	"strings"
	"testing"

	"github.com/placard/placard/internal/campaign"
	"github.com/placard/placard/internal/i18n"
)

// TestMixedScriptTranslated: the mixed-alphabet refusal is a catalogue
// message, so a page in any language shows it in that language rather than
// the generic "enter a valid address".
func TestMixedScriptTranslated(t *testing.T) {
	_, msg := NormaliseEmail("\u0430na@example.org")
	const english = "Your email address mixes letters from different alphabets — type it again using one alphabet, like name@example.org"
	if msg.Key != "check.email.scripts" || msg.String() != english {
		t.Fatalf("got %v (%q), want the mixed-script message", msg, msg.String())
	}
	for _, lang := range []string{"ar", "he", "es", "fr", "de"} {
		l := i18n.New(lang, nil)
		if got := l.Say(msg); got != l.T("check.email.scripts") || got == english || got == l.T("check.email.at") {
			t.Errorf("%s: got %q, want check.email.scripts", lang, got)
		}
	}
	if got := i18n.New("en", nil).Say(msg); got != english {
		t.Errorf("en: got %q, want the message itself", got)
	}
}

// TestProblemsWorded: every problem Check can report, for every field, is
// a catalogue message in every language (an unknown key would show as
// itself).
func TestProblemsWorded(t *testing.T) {
	set := map[string]func(*Submission, string){
		"name": func(s *Submission, v string) { s.Name = v }, "email": func(s *Submission, v string) { s.Email = v },
		"postcode": func(s *Submission, v string) { s.Postcode = v }, "country": func(s *Submission, v string) { s.Country = v },
		"phone": func(s *Submission, v string) { s.Phone = v }, "comment": func(s *Submission, v string) { s.Comment = v },
		"organisation": func(s *Submission, v string) { s.Organisation = v }, "role": func(s *Submission, v string) { s.Role = v },
	}
	req := campaign.Fields{Name: campaign.FieldRequired, Postcode: campaign.FieldRequired, Country: campaign.FieldRequired,
		Phone: campaign.FieldRequired, Comment: campaign.FieldRequired, Organisation: campaign.FieldRequired, Role: campaign.FieldRequired}
	seen := map[string]bool{}
	for field, setter := range set {
		for _, v := range []string{"", "\xff", "a\x01b", "a\u200bb", strings.Repeat("a", 3000), strings.Repeat("a", 300000), "-", "ana", "a b@c.d", "a@b@c.d", "@b.cd", "a@b", "a<b@c.d", "\u0430na@example.org", "a@\u0430\u0440\u0440\u04cf\u0435.com", "12ab", "123"} {
			sub := good()
			setter(&sub, v)
			_, errs := Check(sub, req, consent, now)
			if m, ok := errs[field]; ok {
				seen[m.Key] = true
			}
		}
	}
	_, errs := Check(Submission{}, req, consent, now)
	seen[errs["consent"].Key] = true
	for key := range seen {
		for _, lang := range i18n.Supported {
			if !i18n.Known(key) || i18n.New(lang, nil).Say(i18n.Msg(key, i18n.Int("max", 1))) == key {
				t.Errorf("%s: %s is not in the catalogue", lang, key)
			}
		}
	}
	if len(seen) < 40 {
		t.Errorf("only %d problems seen, want every field's: %v", len(seen), seen)
	}
}
