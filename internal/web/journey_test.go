package web

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
)

// TestPrivatePageInEveryLanguage: a signer on the Arabic or Hebrew page is
// shown the address of their private page once; that address must open,
// in their language (issue 13 B1: /{org}/{campaign}/ar/impact was a 404).
func TestPrivatePageInEveryLanguage(t *testing.T) {
	e := i18nEnv(t, openSQLite(t))
	for _, lang := range []string{"ar", "he"} {
		e.clock.add(time.Minute)
		v := e.formValues(t, parkPage+"/"+lang, "petition-form")
		v.Set("email", lang+"@example.org")
		e.clock.add(time.Minute)
		res := e.post(t, parkPage+"/sign", v, nil)
		wantStatus(t, res, 303)
		d := doc(t, get(t, e.s, "GET", res.Header.Get("Location"), nil))
		private := d.Find("#private-link").AttrOr("value", "")
		want := "https://act.example.org" + parkPage + "/" + lang + "/impact?key="
		if !strings.HasPrefix(private, want) {
			t.Fatalf("%s: private link %q, want %s…", lang, private, want)
		}
		res = get(t, e.s, "GET", strings.TrimPrefix(private, "https://act.example.org"), nil)
		wantStatus(t, res, 200)
		wantHeader(t, res, "X-Robots-Tag", "noindex")
		p := doc(t, res)
		if got := p.Find("html").AttrOr("lang", ""); got != lang {
			t.Errorf("%s private page: lang %q, want %s", lang, got, lang)
		}
		if back := p.Find(".back a").AttrOr("href", ""); back != parkPage+"/"+lang {
			t.Errorf("%s private page links back to %q, want %s/%s", lang, back, parkPage, lang)
		}
		// A malformed key on the language's address is the private page's
		// own 404, in that language too.
		res = get(t, e.s, "GET", parkPage+"/"+lang+"/impact?key=short", nil)
		wantStatus(t, res, 404)
		if got := doc(t, res).Find("html").AttrOr("lang", ""); got != lang {
			t.Errorf("%s private page 404: lang %q, want %s", lang, got, lang)
		}
	}
}

// TestThanksPlaceAndDonation: a new signer's thank-you page says their
// place and the goal ("You are number 2: help us reach 5,000."), asks for
// a gift with the campaign's suggested amounts, each linking to the
// donation page, and leads back to the campaign (issue 13 B4).
func TestThanksPlaceAndDonation(t *testing.T) {
	e := newSignEnv(t, openSQLite(t), nil)
	for i, email := range []string{"ann@example.org", "bo@example.org"} {
		res := e.signVia(t, libraryPage, email)
		wantStatus(t, res, 303)
		e.poll(t) // the figures follow the store (tallywatch)
		d := doc(t, get(t, e.s, "GET", res.Header.Get("Location"), nil))
		want := "You are number " + strconv.Itoa(i+1) + ": help us reach 5,000."
		if got := strings.TrimSpace(d.Find(".thanks .place").Text()); got != want {
			t.Errorf("place: got %q, want %q", got, want)
		}
		var amounts []string
		d.Find(".donate-ask .amounts a").Each(func(_ int, a *goquery.Selection) {
			amounts = append(amounts, a.Text()+" "+a.AttrOr("href", ""))
		})
		if len(amounts) != 2 || !strings.Contains(amounts[0], "10") || !strings.Contains(amounts[1], "25") ||
			!strings.Contains(amounts[0], "https://riverside.example/give") {
			t.Errorf("donation amounts: got %q, want 10 and 25 linking to the donation page", amounts)
		}
		if back := d.Find(".thanks .back a").AttrOr("href", ""); back != libraryPage {
			t.Errorf("back link: got %q, want %s", back, libraryPage)
		}
	}
}
