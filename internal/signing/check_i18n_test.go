package signing

import (
	"testing"

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
