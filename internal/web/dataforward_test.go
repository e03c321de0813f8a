package web

import (
	"net/url"
	"strings"
	"testing"
	"time"
)

// TestForwardedThanksOpensNoData: attack on the data-page link of every
// thank-you email. The thank-you invites sharing ("Will you share your
// own link?"), and people forward it whole — to friends, colleagues, a
// group chat. Its footer link opened, for a day, the signer's data page:
// their name, address, postcode, phone, comment and every other campaign
// of the organisation they signed (a political profile), with the button
// that erases it all. The thank-you's link now only asks for a data-page
// link to be sent to the address that signed (one press; the same
// per-address limit as the form), so whoever holds a forwarded copy can
// do no more than mail the signer. Failed before: the page showed the
// signer's name and address.
func TestForwardedThanksOpensNoData(t *testing.T) {
	e := signedForData(t, openSQLite(t))
	thanks := e.smtp.Mails()[0]
	link := local(linkIn(t, thanks.Text, "https://act.example.org/riverside/mail/data?t="))
	res := get(t, e.s, "GET", link, nil)
	wantStatus(t, res, 200)
	d := doc(t, res)
	page := text(d.Find("main"))
	for _, secret := range []string{"ada@example.org", "Ada Lovelace", "Keep me informed"} {
		if strings.Contains(page, secret) {
			t.Errorf("the thank-you's link opens a page showing %q to whoever holds the email:\n%s", secret, page)
		}
	}
	if d.Find("form.data-action").Length() != 0 {
		t.Error("the thank-you's link opens the data page's buttons")
	}
	// The signer presses the button and gets the data page by email.
	form := d.Find("form.mail-form")
	tok := form.Find("input[name=t]").AttrOr("value", "")
	if tok == "" {
		t.Fatalf("the page has no button to ask for the link:\n%s", page)
	}
	e.clock.add(time.Second)
	wantStatus(t, e.post(t, form.AttrOr("action", ""), url.Values{"t": {tok}}, nil), 200)
	got := e.deliver(t, 2)[1]
	if got.To[0] != "ada@example.org" || !strings.Contains(got.Subject, "Your data at") {
		t.Fatalf("second email %q to %v; want the data link to the signer", got.Subject, got.To)
	}
	data := doc(t, get(t, e.s, "GET", local(linkIn(t, got.Text, "https://act.example.org/riverside/mail/data?t=")), nil))
	if !strings.Contains(text(data.Find("main")), "Ada Lovelace") {
		t.Errorf("the emailed data link does not open the data page:\n%s", text(data.Find("main")))
	}
}
