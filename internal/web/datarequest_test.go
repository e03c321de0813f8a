package web

import (
	"net/url"
	"strings"
	"testing"
	"time"
)

// TestDataRequestMailsAnAddressOnceAWhile: attack on the data-page
// request form — it mails a link to any address that signed, and the
// data-page link is the one email an unsubscribed address still gets,
// so anyone could fill a signer's inbox with "Your data at …" emails
// (and the organisation's sending reputation with complaints), limited
// only per client, and by nothing at all across many clients. Now one
// address is sent at most one link every ten minutes (per instance); the
// page answers the same. Failed before: four requests sent four links.
func TestDataRequestMailsAnAddressOnceAWhile(t *testing.T) {
	e := signedForData(t, openSQLite(t)) // the thank-you is mail 1
	ask := func() string {
		res := e.post(t, "/riverside/mail/data", url.Values{"email": {"ada@example.org"}, "lang": {"en"}}, nil)
		wantStatus(t, res, 200)
		return text(doc(t, res).Find("main"))
	}
	first := ask()
	for range 3 {
		if again := ask(); again != first {
			t.Fatalf("a repeated request answered differently:\n%s\n%s", first, again)
		}
	}
	mails := e.deliver(t, 2)
	if n := len(e.smtp.Mails()); n != 2 {
		t.Fatalf("%d emails after four requests for one address; want the thank-you and one data link", n)
	}
	if !strings.Contains(mails[1].Subject, "Your data at") {
		t.Errorf("second email %q, want the data link", mails[1].Subject)
	}
	// Still held back a minute later; sent again once the wait is over.
	e.clock.add(time.Minute)
	ask()
	e.clock.add(dataLinkEvery)
	ask()
	e.deliver(t, 3)
}
