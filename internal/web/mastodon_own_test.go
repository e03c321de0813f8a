package web

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/placard/placard/internal/campaign/campaigntest"
	"github.com/placard/placard/internal/site"
)

// TestMastodonShareShowsOnlyOwnText: the share page on the organisation's
// domain never shows or forwards a link-maker's words. A link naming a
// real campaign with any other text still works, with the campaign's own
// message; the texts the site's own forms carry (each rotation's, and a
// signer's personal link's) pass unchanged.
func TestMastodonShareShowsOnlyOwnText(t *testing.T) {
	f := testFiles(t)
	old := "      default: The Riverside library needs us before 3 March\n"
	if !strings.Contains(f["riverside/save-the-library.yaml"], old) {
		t.Fatal("the library's share action has no default message to add to")
	}
	f["riverside/save-the-library.yaml"] = strings.Replace(f["riverside/save-the-library.yaml"], old,
		old+"      mastodon: [\"Toot one {link}\", \"Toot two {link}\"]\n", 1)
	s, err := New(Config{BaseURL: "https://act.example.org", SiteName: "Act", Store: openSQLite(t)}, campaigntest.Site(t, f))
	if err != nil {
		t.Fatal(err)
	}
	base := libraryPage + "/share/mastodon?instance=social.example"
	// The texts the page's own forms carry, one per rotation.
	texts := map[string]bool{}
	for range 4 {
		d := doc(t, get(t, s, "GET", libraryPage, nil))
		texts[d.Find(`form.mastodon-form input[name="text"]`).AttrOr("value", "")] = true
	}
	if len(texts) != 2 {
		t.Fatalf("the page's Mastodon forms carry %v, want two rotations", texts)
	}
	ownURL := get(t, s, "GET", base, sameOrigin).Header.Get("Location")
	own, err := url.QueryUnescape(strings.TrimPrefix(ownURL, "https://social.example/share?text="))
	if err != nil || !texts[own] || !strings.HasPrefix(own, "Toot one") {
		t.Fatalf("the default share goes to %q, want one of the page's own texts %v", ownURL, texts)
	}
	evil := "Send your bank details to <b>evil.example</b>"
	for _, h := range []http.Header{nil, {"Sec-Fetch-Site": {"cross-site"}}} {
		res := get(t, s, "GET", base+"&text="+url.QueryEscape(evil), h)
		wantStatus(t, res, 200)
		d := doc(t, res)
		main := strings.Join(strings.Fields(d.Find("main").Text()), " ")
		if strings.Contains(main, "bank details") || !strings.Contains(main, "Toot one") {
			t.Errorf("the confirmation page shows %q, want the campaign's own message %q and not the link's", main, own)
		}
		if got := d.Find(`main a.btn`).AttrOr("href", ""); got != ownURL {
			t.Errorf("the confirmation page's link goes to %q, want %q", got, ownURL)
		}
	}
	res := get(t, s, "GET", base+"&text="+url.QueryEscape(evil), sameOrigin)
	if loc := res.Header.Get("Location"); loc != ownURL {
		t.Errorf("Location %q, want %q", loc, ownURL)
	}
	// Every rotation's own text passes, as the page's form sends it.
	for text := range texts {
		res := get(t, s, "GET", base+"&text="+url.QueryEscape(text), sameOrigin)
		if loc, want := res.Header.Get("Location"), "https://social.example/share?text="+site.QueryEscape(text); loc != want {
			t.Errorf("Location %q, want %q", loc, want)
		}
	}
}

// TestMastodonPersonalText: the Mastodon form on a signer's thank-you page
// carries their personal link, and the share page keeps it; the same
// words around a malformed token, or other words around a real one, give
// the campaign's own message.
func TestMastodonPersonalText(t *testing.T) {
	e := newSignEnv(t, openSQLite(t), nil)
	res := e.signVia(t, libraryPage, "ann@example.org")
	wantStatus(t, res, 303)
	d := doc(t, get(t, e.s, "GET", res.Header.Get("Location"), nil))
	text := d.Find(`.personal-link form.mastodon-form input[name="text"]`).AttrOr("value", "")
	if !strings.Contains(text, "?ref=") {
		t.Fatalf("the personal Mastodon form's text %q carries no personal link", text)
	}
	base := libraryPage + "/share/mastodon?instance=social.example&text="
	res = get(t, e.s, "GET", base+url.QueryEscape(text), sameOrigin)
	if loc, want := res.Header.Get("Location"), "https://social.example/share?text="+site.QueryEscape(text); loc != want {
		t.Errorf("Location %q, want %q", loc, want)
	}

	def := get(t, e.s, "GET", libraryPage+"/share/mastodon?instance=social.example", sameOrigin).Header.Get("Location")
	i := strings.Index(text, "?ref=") + len("?ref=")
	for _, bad := range []string{
		text[:i] + "0" + text[i+1:],    // not a token's alphabet
		"Wire money now " + text[i-5:], // other words around a real token
		text + " and more",
	} {
		res := get(t, e.s, "GET", base+url.QueryEscape(bad), sameOrigin)
		if loc := res.Header.Get("Location"); loc != def {
			t.Errorf("text %q: Location %q, want the campaign's own %q", bad, loc, def)
		}
	}
}
