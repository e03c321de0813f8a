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
	if msg != msgMixedScript {
		t.Fatalf("got %q, want the mixed-script message", msg)
	}
	for _, lang := range []string{"ar", "he", "es", "fr", "de"} {
		l := i18n.New(lang, nil)
		if got := l.Check("email", msg); got != l.T("check.email.scripts") || got == msg || got == l.T("check.email.invalid") {
			t.Errorf("%s: got %q, want check.email.scripts", lang, got)
		}
	}
	if got := i18n.New("en", nil).Check("email", msg); got != msg {
		t.Errorf("en: got %q, want the message itself", got)
	}
}
