package web

import (
	"strings"
	"testing"
	"time"
)

// TestConfirmShowsWhatItConfirms: attack on double opt-in. Anyone may
// sign with anyone's address: the owner gets "please confirm your
// signature on …", and the link's page said only the campaign's title
// beside the Confirm button. A supporter of the cause presses it — and
// confirms, under their own address, the name, the public listing and
// whatever else a stranger typed. The page now shows what was sent with
// the address, as the data page would, before the button. Failed before:
// the page showed neither the name nor that it is listed.
func TestConfirmShowsWhatItConfirms(t *testing.T) {
	e := newMailEnv(t, openSQLite(t), confirmFiles(t))
	v := e.formValues(t, libraryPage, "petition-form")
	v.Set("name", "Ada Lovelace (I support closing it)")
	v.Set("public", "yes")
	e.clock.add(5 * time.Second)
	wantStatus(t, e.post(t, libraryPage+"/sign", v, nil), 303)
	m := e.deliver(t, 1)[0]
	link := local(linkIn(t, m.Text, "https://act.example.org"+libraryPage+"/confirm?t="))
	res := get(t, e.s, "GET", link, nil)
	wantStatus(t, res, 200)
	page := text(doc(t, res).Find("main"))
	for _, want := range []string{"Ada Lovelace (I support closing it)", "Your name on public lists", "Shown"} {
		if !strings.Contains(page, want) {
			t.Errorf("the confirmation page does not show %q before its button:\n%s", want, page)
		}
	}
}
