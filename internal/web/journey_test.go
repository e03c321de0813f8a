package web

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"github.com/placard/placard/internal/campaign"
	"github.com/placard/placard/internal/campaign/campaigntest"
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

// TestShareNetworksOrder: org.yaml's share_networks puts its networks
// first, in its order, as the share block's two full buttons; the others
// follow as compact links in their usual order. A name Placard does not
// share to, or one listed twice, is a problem at its position (issue 13 B3).
func TestShareNetworksOrder(t *testing.T) {
	files := testFiles(t)
	files["riverside/org.yaml"] = strings.Replace(files["riverside/org.yaml"], "donate: https://riverside.example/give\n",
		"donate: https://riverside.example/give\nshare_networks: [whatsapp, Email]\n", 1)
	s, err := New(Config{BaseURL: "https://act.example.org", SiteName: "Act"}, campaigntest.Site(t, files))
	if err != nil {
		t.Fatal(err)
	}
	d := doc(t, get(t, s, "GET", "/riverside", nil))
	var order []string
	d.Find(".page-share .share-links li").Each(func(_ int, li *goquery.Selection) {
		net := strings.TrimPrefix(strings.Fields(li.Find("a").AttrOr("class", ""))[len(strings.Fields(li.Find("a").AttrOr("class", "")))-1], "share-")
		if li.HasClass("share-top") {
			net = strings.ToUpper(net)
		}
		order = append(order, net)
	})
	if got, want := strings.Join(order, " "), "WHATSAPP EMAIL x bluesky facebook linkedin telegram"; got != want {
		t.Errorf("share links (primary in capitals): got %q, want %q", got, want)
	}

	files["riverside/org.yaml"] = strings.Replace(files["riverside/org.yaml"], "[whatsapp, Email]", "[signal, whatsapp, whatsapp]", 1)
	_, probs := campaign.LoadFS(files.FS(), ".")
	var msgs []string
	for _, p := range probs {
		if strings.Contains(p.Message, "share_networks") {
			msgs = append(msgs, fmt.Sprintf("%d:%d: %s", p.Line, p.Col, p.Message))
		}
	}
	want := []string{
		"'signal' is not a network Placard shares to — use x, bluesky, mastodon, facebook, linkedin, whatsapp, telegram, email",
		"'whatsapp' is listed twice — keep one",
	}
	if len(msgs) != 2 || !strings.Contains(msgs[0], want[0]) || !strings.Contains(msgs[1], want[1]) {
		t.Errorf("problems: got %q, want %q", msgs, want)
	}
}

// TestNotFoundInReadersLanguage: a mistyped address suggests the page in
// the reader's language first: the language the address names, else the
// first of their browser's languages the page exists in (issue 13 B7).
func TestNotFoundInReadersLanguage(t *testing.T) {
	e := i18nEnv(t, openSQLite(t))
	for _, tc := range []struct{ path, accept, want string }{
		{"/trio/open-the-prk", "", parkPage},
		{"/trio/open-the-prk", "ar-EG,ar;q=0.9,en;q=0.5", parkPage + "/ar"},
		{"/trio/open-the-prk/he", "", parkPage + "/he"},
		{"/trio/open-the-prk", "fr-FR,fr;q=0.9", parkPage},
	} {
		h := http.Header{}
		if tc.accept != "" {
			h.Set("Accept-Language", tc.accept)
		}
		res := get(t, e.s, "GET", tc.path, h)
		wantStatus(t, res, 404)
		first := doc(t, res).Find("main li a[href]").First().AttrOr("href", "")
		if first != tc.want {
			t.Errorf("404 for %s (Accept-Language %q): first suggestion %q, want %q", tc.path, tc.accept, first, tc.want)
		}
	}
}
