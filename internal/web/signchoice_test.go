package web

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"github.com/placard/placard/internal/campaign/campaigntest"
)

// twoAsksYAML is a campaign with two petitions: a form naming an id it
// lacks cannot be told apart as either.
const twoAsksYAML = `title: Two asks
summary: Sign one or both.
date: 2026-02-01
actions:
  - kind: petition
    id: first
    title: Ask the council
    target: Council
    text: One.
  - kind: petition
    id: second
    title: Ask the mayor
    target: Mayor
    text: Two.
    fields:
      comment: optional
`

const twoAsksPage = "/riverside/two-asks"

// withTwoAsks loads files f with twoAsksYAML added into e's server.
func withTwoAsks(t *testing.T, e *signEnv, f campaigntest.Files) {
	t.Helper()
	f["riverside/two-asks.yaml"] = twoAsksYAML
	if err := e.s.SetSite(campaigntest.Site(t, f)); err != nil {
		t.Fatal(err)
	}
}

// postHTTP sends v to target on srv over HTTP as a browser's form would.
func postHTTP(t *testing.T, srv *httptest.Server, target string, v url.Values) *http.Response {
	t.Helper()
	req, err := http.NewRequest("POST", srv.URL+target, strings.NewReader(v.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	c := *srv.Client()
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	res, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// formOf is the values form sel would send: its hidden fields, its text
// inputs and textareas, and its ticked boxes.
func formOf(sel *goquery.Selection) url.Values {
	v := url.Values{}
	sel.Find("input").Each(func(_ int, in *goquery.Selection) {
		name := in.AttrOr("name", "")
		switch in.AttrOr("type", "text") {
		case "checkbox":
			if _, ok := in.Attr("checked"); ok {
				v.Set(name, in.AttrOr("value", "on"))
			}
		default:
			v.Set(name, in.AttrOr("value", ""))
		}
	})
	sel.Find("textarea").Each(func(_ int, ta *goquery.Selection) {
		v.Set(ta.AttrOr("name", ""), ta.Text())
	})
	return v
}

// TestSignUnknownActionKeepsDetails: on a campaign with two petitions, a
// form naming an action the page no longer has (renamed or removed while
// the signer had it open) is not a 404 that loses what they typed: the
// page comes back (422) with both petitions' forms, each holding their
// details, and a plain message asking which to sign. Nothing is stored
// under a guessed action, and whatever the id was (huge, markup, another
// campaign's) it is never written back. Sending one of the forms again
// signs it.
func TestSignUnknownActionKeepsDetails(t *testing.T) {
	e := newSignEnv(t, openSQLite(t), nil)
	f := signFiles(t)
	f["riverside/two-drafts.yaml"] = strings.Replace(twoAsksYAML, "date:", "status: draft\ndate:", 1)
	f["riverside/two-closed.yaml"] = strings.Replace(twoAsksYAML, "date:", "status: closed\ndate:", 1)
	withTwoAsks(t, e, f)
	srv := httptest.NewServer(e.s)
	defer srv.Close()

	sent := e.formValues(t, twoAsksPage, "first-form")
	sent.Set("public", "yes")
	for _, id := range []string{"first-before-rename", strings.Repeat("z", 20000), `<b id="x">`, "letter", "", "FIRST"} {
		v := url.Values{}
		for k, vs := range sent {
			v[k] = vs
		}
		v.Set("action", id)
		e.clock.add(5 * time.Second)
		res := postHTTP(t, srv, twoAsksPage+"/sign?lang=en", v)
		if res.StatusCode != http.StatusUnprocessableEntity {
			t.Fatalf("action %.20q: got %d, want 422 with the forms", id, res.StatusCode)
		}
		if cc := res.Header.Get("Cache-Control"); cc != "no-store" {
			t.Errorf("action %.20q: Cache-Control %q, want no-store (the page holds what they typed)", id, cc)
		}
		page := body(t, res)
		d, err := goquery.NewDocumentFromReader(strings.NewReader(page))
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(page, "zzzzzzzz") || strings.Contains(page, `id="x"`) || strings.Contains(page, "before-rename") {
			t.Errorf("action %.20q: the page writes the id sent back", id)
		}
		if got := d.Find("h1").Text(); !strings.Contains(got, "Choose what to sign") {
			t.Errorf("action %.20q: heading %q, want it to ask which to sign", id, got)
		}
		if !strings.Contains(d.Find(".sign-page").Text(), "What you typed is kept") {
			t.Errorf("action %.20q: no plain message saying their details are kept", id)
		}
		for _, f := range []struct{ id, title string }{{"first-form", "Ask the council"}, {"second-form", "Ask the mayor"}} {
			form := d.Find("form#" + f.id)
			if form.Length() != 1 {
				t.Fatalf("action %.20q: %d forms #%s, want 1", id, form.Length(), f.id)
			}
			if !strings.Contains(form.Parent().Find("h2").First().Text(), f.title) {
				t.Errorf("action %.20q: form #%s is not under its petition's title %q", id, f.id, f.title)
			}
			got := formOf(form)
			for _, k := range []string{"name", "email", "consent", "public"} {
				if got.Get(k) != sent.Get(k) {
					t.Errorf("action %.20q: form #%s %s = %q, want %q kept", id, f.id, k, got.Get(k), sent.Get(k))
				}
			}
			if got.Get("token") == "" || got.Get("homepage") != "" {
				t.Errorf("action %.20q: form #%s token %q honeypot %q; want a token and an empty honeypot", id, f.id, got.Get("token"), got.Get("homepage"))
			}
		}
		if c := e.count(t, "riverside", "two-asks"); c.Signatures != 0 {
			t.Fatalf("action %.20q: %d signatures stored under a guessed action", id, c.Signatures)
		}
	}

	// A draft's address is no page (nothing says a draft is there); a
	// closed campaign's says signing has ended. Neither stores anything.
	for path, want := range map[string]int{"/riverside/two-drafts": http.StatusNotFound, "/riverside/two-closed": http.StatusGone} {
		v := url.Values{}
		for k, vs := range sent {
			v[k] = vs
		}
		v.Set("action", "nope")
		res := postHTTP(t, srv, path+"/sign?lang=en", v)
		res.Body.Close()
		if res.StatusCode != want {
			t.Errorf("%s: got %d, want %d", path, res.StatusCode, want)
		}
	}
	if c := e.count(t, "riverside", "two-drafts"); c.Signatures != 0 {
		t.Errorf("a draft stored %d", c.Signatures)
	}
	if c := e.count(t, "riverside", "two-closed"); c.Signatures != 0 {
		t.Errorf("a closed campaign stored %d", c.Signatures)
	}

	// The signer picks the second petition and sends its form: it counts.
	res := postHTTP(t, srv, twoAsksPage+"/sign?lang=en", func() url.Values {
		v := sent
		v.Set("action", "renamed")
		e.clock.add(5 * time.Second)
		r := postHTTP(t, srv, twoAsksPage+"/sign?lang=en", v)
		return formOf(doc(t, r).Find("form#second-form"))
	}())
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("sending the kept form again: got %d, want 303", res.StatusCode)
	}
	if c := e.count(t, "riverside", "two-asks"); c.Signatures != 1 {
		t.Errorf("after sending the kept form: %d stored, want 1", c.Signatures)
	}
}

// TestSignUnknownActionInEmbed: the same form sent from an embed comes
// back inside the frame (422, framed for the partners), holding the
// signer's details with the plain message, and stores nothing.
func TestSignUnknownActionInEmbed(t *testing.T) {
	e := newEmbedEnv(t, nil)
	withTwoAsks(t, e, embedFiles(t))
	srv := httptest.NewServer(e.s)
	defer srv.Close()

	v := e.formValues(t, twoAsksPage+"/embed", "first-form")
	v.Set("action", "gone")
	e.clock.add(5 * time.Second)
	res := postHTTP(t, srv, twoAsksPage+"/embed/sign?lang=en", v)
	if res.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("embed: got %d, want 422", res.StatusCode)
	}
	wantFramedBy(t, res, partner, localPartner)
	d := doc(t, res)
	if !strings.Contains(d.Find("main").Text(), "What you typed is kept") {
		t.Errorf("embed: no plain message saying their details are kept")
	}
	form := d.Find("form.sign-form")
	if form.Length() != 1 || !strings.HasPrefix(form.AttrOr("action", ""), twoAsksPage+"/embed/sign") {
		t.Fatalf("embed: %d forms, action %q; want the embed's own form", form.Length(), form.AttrOr("action", ""))
	}
	if got := formOf(form); got.Get("email") != v.Get("email") || got.Get("name") != v.Get("name") {
		t.Errorf("embed: the form holds %q %q, want the signer's details", got.Get("name"), got.Get("email"))
	}
	if c := e.count(t, "riverside", "two-asks"); c.Signatures != 0 {
		t.Errorf("embed: %d stored under a guessed action", c.Signatures)
	}
}
