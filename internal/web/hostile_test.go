package web

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"github.com/placard/placard/internal/campaign/campaigntest"
	"github.com/placard/placard/internal/store"
)

// The public side under attack: each test here sends what a hostile
// visitor or a hostile campaign file would, over real HTTP to a server
// with a real SQLite file, and checks the answer is a clear 4xx or the
// right page, never a 500, a leak or a lost signature.

// hostileEnv is a signEnv on signFiles plus extra files, served over HTTP.
type hostileEnv struct {
	*signEnv
	srv *httptest.Server
}

func newHostileEnv(t *testing.T, extra campaigntest.Files, mod func(*Config)) *hostileEnv {
	t.Helper()
	files := signFiles(t)
	for k, v := range extra {
		files[k] = v
	}
	st := openSQLite(t)
	c := &clock{t: clockStart}
	committer := store.NewCommitter(st, store.CommitterOptions{})
	t.Cleanup(func() { committer.Close() })
	cfg := Config{BaseURL: "https://act.example.org", SiteName: "Act", Store: st, Recorder: committer,
		RateLimit: -1, Now: c.now}
	if mod != nil {
		mod(&cfg)
	}
	s, err := New(cfg, campaigntest.Site(t, files))
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	srv := httptest.NewServer(s)
	t.Cleanup(srv.Close)
	return &hostileEnv{signEnv: &signEnv{s: s, st: st, clock: c}, srv: srv}
}

// do sends one request over HTTP and never follows a redirect.
func (e *hostileEnv) do(t *testing.T, method, path string, body string, header http.Header) *http.Response {
	t.Helper()
	req, err := http.NewRequestWithContext(context.Background(), method, e.srv.URL+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	for k, vs := range header {
		req.Header[http.CanonicalHeaderKey(k)] = vs
	}
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := client.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	t.Cleanup(func() { res.Body.Close() })
	return res
}

// signForm reads the signing form #formID of page over HTTP: its action
// and hidden fields, with a signer filled in.
func (e *hostileEnv) signForm(t *testing.T, page, formID, email string) (string, url.Values) {
	t.Helper()
	res := e.do(t, "GET", page, "", nil)
	wantStatus(t, res, 200)
	d, err := goquery.NewDocumentFromReader(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	form := d.Find("form#" + formID)
	if form.Length() != 1 {
		t.Fatalf("%s: got %d forms #%s, want 1", page, form.Length(), formID)
	}
	v := url.Values{}
	form.Find("input[type=hidden]").Each(func(_ int, s *goquery.Selection) {
		v.Set(s.AttrOr("name", ""), s.AttrOr("value", ""))
	})
	v.Set("name", "Ada Lovelace")
	v.Set("email", email)
	v.Set("consent", "yes")
	return form.AttrOr("action", ""), v
}

// postForm sends v as a same-site browser's form would.
func (e *hostileEnv) postForm(t *testing.T, action string, v url.Values) *http.Response {
	t.Helper()
	return e.do(t, "POST", action, v.Encode(), http.Header{
		"Content-Type":   {"application/x-www-form-urlencoded"},
		"Sec-Fetch-Site": {"same-origin"},
	})
}

// TestSignCampaignCalledEmbed: a campaign whose file is embed.yaml is a
// valid campaign (the checker accepts the name), so its form must sign.
// Attack: none needed — its form posts to /org/embed/sign, which the
// signing handler read as the embed form (/org/{campaign}/embed/sign) of a
// campaign at /org, found none and answered 404: every signature lost.
func TestSignCampaignCalledEmbed(t *testing.T) {
	const page = "/riverside/embed"
	files := signFiles(t)
	e := newHostileEnv(t, campaigntest.Files{
		"riverside/org.yaml": files["riverside/org.yaml"] + "embed_origins: [https://partner.example]\n",
		"riverside/embed.yaml": `title: Embed the rights
summary: A campaign that happens to be called embed.
date: 2026-01-05
actions:
  - kind: petition
    target: Council
    text: Listen.
`}, nil)
	action, v := e.signForm(t, page, "petition-form", "ada@example.org")
	if !strings.HasPrefix(action, page+"/sign") {
		t.Fatalf("form action %q, want %s/sign…", action, page)
	}
	e.clock.add(5 * time.Second)
	res := e.postForm(t, action, v)
	wantStatus(t, res, http.StatusSeeOther)
	wantThanks(t, res, page+"/thanks?outcome=signed")
	if c := e.count(t, "riverside", "embed"); c.Signatures != 1 {
		t.Fatalf("store count: got %d, want 1", c.Signatures)
	}

	// Its own embed signs too, and oEmbed finds it by either address.
	action, v = e.signForm(t, page+"/embed", "petition-form", "bo@example.org")
	if !strings.HasPrefix(action, page+"/embed/sign") {
		t.Fatalf("embed form action %q, want %s/embed/sign…", action, page)
	}
	e.clock.add(5 * time.Second)
	res = e.postForm(t, action, v)
	wantStatus(t, res, http.StatusSeeOther)
	if loc := res.Header.Get("Location"); !strings.HasPrefix(loc, page+"/embed/thanks?outcome=signed") {
		t.Errorf("embed signing: Location %q, want %s/embed/thanks…", loc, page)
	}
	if c := e.count(t, "riverside", "embed"); c.Signatures != 2 {
		t.Fatalf("store count after the embed: got %d, want 2", c.Signatures)
	}
	for _, u := range []string{"https://act.example.org" + page, "https://act.example.org" + page + "/embed"} {
		res := e.do(t, "GET", "/oembed?format=json&url="+url.QueryEscape(u), "", nil)
		wantStatus(t, res, http.StatusOK)
		if b := body(t, res); !strings.Contains(b, `"title":"Embed the rights"`) {
			t.Errorf("oEmbed of %s: %s", u, b)
		}
	}
}

// TestSignRenamedCampaign: a form sent to a renamed campaign's old address
// reaches the campaign. Attack (none needed): an organiser renames a
// campaign with org.yaml's redirects while supporters have its form open,
// or a static copy built before the rename, or a partner's embed, still
// posts to /org/old/sign; the page's old address redirected, but the form
// got 404 and the signer's details were lost. It now gets 308 to the new
// address, which keeps the method and the form; the old page's token, for
// the old address, is taken there as the campaign's own.
func TestSignRenamedCampaign(t *testing.T) {
	files := signFiles(t)
	e := newHostileEnv(t, campaigntest.Files{
		"riverside/org.yaml": files["riverside/org.yaml"] + "embed_origins: [https://partner.example]\nredirects: {old-library: save-the-library}\n",
	}, nil)
	for _, c := range []struct{ from, formPage, formID, to string }{
		{"/riverside/old-library/sign?lang=en", libraryPage, "petition-form", libraryPage + "/sign?lang=en"},
		{"/riverside/old-library/embed/sign?lang=en", libraryPage + "/embed", "petition-form", libraryPage + "/embed/sign?lang=en"},
	} {
		_, v := e.signForm(t, c.formPage, c.formID, "ada@example.org")
		e.clock.add(5 * time.Second)
		res := e.postForm(t, c.from, v)
		wantStatus(t, res, http.StatusPermanentRedirect)
		if loc := res.Header.Get("Location"); loc != c.to {
			t.Fatalf("POST %s: Location %q, want %q", c.from, loc, c.to)
		}
		// A browser sends the same form again to the new address.
		res = e.postForm(t, c.to, v)
		wantStatus(t, res, http.StatusSeeOther)
	}
	if c := e.count(t, "riverside", "save-the-library"); c.Signatures != 1 {
		t.Fatalf("store count: got %d, want 1 (one address, signed twice)", c.Signatures)
	}

	// A form from the page as it was before the rename carries a token for
	// the old address, which the campaign takes as its own: it signs at
	// once (before, it was shown again to press Sign a second time).
	_, v := e.signForm(t, libraryPage, "petition-form", "grace@example.org")
	v.Set("name", "Grace Hopper")
	v.Set("token", e.s.tokens.Issue("riverside/old-library", e.clock.now()))
	e.clock.add(5 * time.Second)
	res := e.postForm(t, "/riverside/old-library/sign?lang=en", v)
	wantStatus(t, res, http.StatusPermanentRedirect)
	wantStatus(t, e.postForm(t, res.Header.Get("Location"), v), http.StatusSeeOther)
	if c := e.count(t, "riverside", "save-the-library"); c.Signatures != 2 {
		t.Fatalf("store count: got %d, want 2", c.Signatures)
	}

	// Not any other campaign's token, nor the old name's once too old: the
	// form is shown again, details kept, with a token of its own.
	for _, tok := range []string{
		e.s.tokens.Issue("riverside/open-letter", e.clock.now().Add(-time.Minute)),
		e.s.tokens.Issue("riverside/old-library", e.clock.now().Add(-25*time.Hour)),
	} {
		_, v = e.signForm(t, libraryPage, "petition-form", "hedy@example.org")
		v.Set("name", "Hedy Lamarr")
		v.Set("token", tok)
		res = e.postForm(t, libraryPage+"/sign?lang=en", v)
		wantStatus(t, res, http.StatusUnprocessableEntity)
		d, err := goquery.NewDocumentFromReader(res.Body)
		if err != nil {
			t.Fatal(err)
		}
		if got := d.Find("#petition-form input[name=name]").AttrOr("value", ""); got != "Hedy Lamarr" {
			t.Errorf("form shown again: name %q, want the signer's, kept", got)
		}
	}
	if c := e.count(t, "riverside", "save-the-library"); c.Signatures != 2 {
		t.Fatalf("store count: got %d, want 2", c.Signatures)
	}
}

// TestContactRenamedCampaign: a renamed campaign's contact page, and its
// "I called" and write forms, keep working at the old address. Attack
// (none needed): after a rename with org.yaml's redirects, the contact
// page's old address (in shared links, with ?postcode=) answered 404, and
// a supporter's message typed into the page before the rename was lost
// when sent. The page now redirects (301) and a form 308s, keeping its
// method and fields.
func TestContactRenamedCampaign(t *testing.T) {
	files := callFiles(t)
	files["riverside/org.yaml"] += "redirects: {ring-the-council: call-the-council}\n"
	e := newHostileEnv(t, files, nil)
	const old = "/riverside/ring-the-council/contact/call"
	res := e.do(t, "GET", old+"?postcode=10099", "", nil)
	wantStatus(t, res, http.StatusMovedPermanently)
	if loc := res.Header.Get("Location"); loc != callPage+"?postcode=10099" {
		t.Errorf("GET %s: Location %q, want %s?postcode=10099", old, loc, callPage)
	}
	for _, step := range []string{"/called", "/write"} {
		res := e.postForm(t, old+step, url.Values{"target": {"moss"}, "outcome": {"staff"}})
		wantStatus(t, res, http.StatusPermanentRedirect)
		if loc := res.Header.Get("Location"); loc != callPage+step {
			t.Errorf("POST %s%s: Location %q, want %s%s", old, step, loc, callPage, step)
		}
	}
	// Not a contact action of the renamed campaign: still 404.
	wantStatus(t, e.do(t, "GET", "/riverside/ring-the-council/contact/nope", "", nil), http.StatusNotFound)
	wantStatus(t, e.do(t, "GET", "/riverside/no-such-campaign/contact/call", "", nil), http.StatusNotFound)
}

// TestRenamedCampaignFiles: every address under a renamed campaign's old
// one leads to the same address under its new one. Attack (none needed):
// after a rename, share previews already posted on social networks name
// the old …/card.png, printed posters' pages and QR codes the old …/poster
// and …/qr.svg, and supporters' bookmarks the old …/impact?key=: all
// answered 404, only the bare old address redirected.
func TestRenamedCampaignFiles(t *testing.T) {
	files := signFiles(t)
	e := newHostileEnv(t, campaigntest.Files{
		"riverside/org.yaml": files["riverside/org.yaml"] + "redirects: {old-library: save-the-library}\n",
	}, nil)
	const old = "/riverside/old-library"
	for _, p := range []string{"", "/card.png", "/card-square.png", "/qr.svg", "/qr.png", "/poster",
		"/impact?key=" + strings.Repeat("a", 26), "/thanks?outcome=signed"} {
		res := e.do(t, "GET", old+p, "", nil)
		wantStatus(t, res, http.StatusMovedPermanently)
		if loc := res.Header.Get("Location"); loc != libraryPage+p {
			t.Errorf("GET %s%s: Location %q, want %s%s", old, p, loc, libraryPage, p)
		}
	}
	for _, p := range []string{old + "/nope", old + "/fr", "/riverside/never-was/card.png"} {
		wantStatus(t, e.do(t, "GET", p, "", nil), http.StatusNotFound)
	}
}

// TestContactConfirmAfterRename: a supporter's confirmation link, emailed
// before the campaign was renamed, still sends their message. Attack
// (none needed): the link names the old address, which now redirects, but
// the message sealed in it named the old action page too, so the new page
// said the link had expired and the message was lost.
func TestContactConfirmAfterRename(t *testing.T) {
	f := callFiles(t)
	f["riverside/org.yaml"] += "redirects: {old-write: write-the-council}\n"
	f["riverside/write-the-council.yaml"] = writeCouncilYAML
	e := newHostileEnv(t, f, nil)
	c := e.s.seal(sealed{Path: "/riverside/old-write/contact/write", Target: "moss", Name: "Ada Lovelace",
		Email: "ada@example.org", Subject: "Keep it open", Message: "Please.", Expires: e.clock.now().Add(time.Hour).Unix()})
	old := "/riverside/old-write/contact/write/confirm?" + url.Values{"c": {c}}.Encode()
	res := e.do(t, "GET", old, "", nil)
	wantStatus(t, res, http.StatusMovedPermanently)
	res = e.do(t, "GET", res.Header.Get("Location"), "", nil)
	wantStatus(t, res, http.StatusOK)
	d, err := goquery.NewDocumentFromReader(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	v := url.Values{}
	d.Find("form input[type=hidden]").Each(func(_ int, s *goquery.Selection) { v.Set(s.AttrOr("name", ""), s.AttrOr("value", "")) })
	res = e.postForm(t, writePage+"/confirm", v)
	wantStatus(t, res, http.StatusSeeOther)
	if loc := res.Header.Get("Location"); loc != writePage+"?sent=moss" {
		t.Errorf("after confirming: Location %q, want %s?sent=moss", loc, writePage)
	}
	// A message sealed for another campaign's page is still refused.
	other := e.s.seal(sealed{Path: "/riverside/call-the-council/contact/call", Target: "moss", Name: "Bo",
		Email: "bo@example.org", Subject: "s", Message: "m", Expires: e.clock.now().Add(time.Hour).Unix()})
	wantStatus(t, e.do(t, "GET", writePage+"/confirm?"+url.Values{"c": {other}}.Encode(), "", nil), http.StatusBadRequest)
}
