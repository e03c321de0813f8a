package web

import (
	"strings"
	"testing"
	"time"
)

// TestContactWriteRefusesInvisibleTricks: attack on the display name of
// a supporter's message to a decision-maker. The name becomes the From
// name of an email sent from the organisation's own address, and the
// subject its Subject; the write form refused only control characters,
// so a right-to-left override (U+202E) could make "Ada ‮gro.licnuoc@rotide"
// read as an address it is not, and isolates, zero-width characters and
// the line separator passed too — the very characters signing refuses in
// a name. Now the form refuses them as signing does (joiners stay: some
// scripts need them), and nothing is queued. Failed before: 303 and a
// confirmation email queued for each.
func TestContactWriteRefusesInvisibleTricks(t *testing.T) {
	e := newWriteEnv(t, openSQLite(t), 5)
	for _, c := range []struct{ field, value string }{
		{"name", "Ada \u202egro.licnuoc@rotide"},
		{"name", "Ada\u2066 Lovelace\u2069"},
		{"name", "Ada\u200b Lovelace"},
		{"name", "Ada\u2028Lovelace"},
		{"name", "\ufeffAda Lovelace"},
		{"subject", "Keep it \u202enepo"},
		{"subject", "Keep it\u2029open"},
		{"message", "Please keep it \u202enepo.\n\nThank you."},
	} {
		v := writeValues(t, e, "moss", "Ada Lovelace", "ada@example.org")
		v.Set(c.field, c.value)
		e.clock.add(time.Minute)
		res := e.post(t, writePage+"/write", v, nil)
		if res.StatusCode != 400 {
			t.Errorf("%s %q: status %d, want 400 (refused on the form)", c.field, c.value, res.StatusCode)
		}
	}
	if n := len(outboxMails(t, e.st)); n != 0 {
		t.Errorf("outbox holds %d messages after refused forms", n)
	}
	// A name in a script that needs a joiner is still taken.
	v := writeValues(t, e, "moss", "می\u200cخواهم", "ada@example.org")
	e.clock.add(time.Minute)
	if res := e.post(t, writePage+"/write", v, nil); res.StatusCode != 303 {
		t.Errorf("a Persian name with a zero-width non-joiner: status %d, want 303", res.StatusCode)
	}
	if n := len(outboxMails(t, e.st)); n != 1 || !strings.Contains(outboxMails(t, e.st)[0].To, "ada@") {
		t.Errorf("outbox holds %d messages, want the one confirmation", n)
	}
}
