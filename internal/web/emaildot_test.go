package web

import (
	"strings"
	"testing"
	"time"
)

// TestSignEmailEndingInFullStop: an address typed with a full stop at its
// end (the end of a sentence) is answered with what to do about it, in
// the page's language, and the rest of what was typed kept.
func TestSignEmailEndingInFullStop(t *testing.T) {
	e := newSignEnv(t, openSQLite(t), nil)
	v := e.formValues(t, libraryPage, "petition-form")
	v.Set("email", "ada@example.org.")
	e.clock.add(5 * time.Second)
	res := e.post(t, libraryPage+"/sign", v, nil)
	wantStatus(t, res, 422)
	d := doc(t, res)
	if got := d.Text(); !strings.Contains(got, "Remove the full stop at the end of your email address") {
		t.Errorf("the page does not say to remove the full stop: %q", d.Find("form").Text())
	}
	if got := d.Find("input[name=name]").AttrOr("value", ""); got != "Ada Lovelace" {
		t.Errorf("name kept = %q", got)
	}
	if c := e.count(t, "riverside", "save-the-library"); c.Signatures != 0 {
		t.Errorf("stored %d signatures", c.Signatures)
	}
}
