package web

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/placard/placard/internal/formtoken"
)

// TestSignFromSiteOrigin: a static copy's form (no token) posted from a
// configured site origin stores nothing by itself: the form comes back on
// the live site with a token (not back-dated), and pressing Sign there
// signs. Before this change the token-less POST signed at once, so any
// script sending that Origin header skipped the token check.
func TestSignFromSiteOrigin(t *testing.T) {
	const site = "https://static.example"
	cross := func(origin string) http.Header {
		return http.Header{"Sec-Fetch-Site": {"cross-site"}, "Origin": {origin}}
	}
	e := newSignEnv(t, openSQLite(t), func(c *Config) { c.SiteOrigins = []string{site} })
	v := e.formValues(t, libraryPage, "petition-form")
	v.Del("token")
	e.clock.add(5 * time.Second)

	res := e.post(t, libraryPage+"/sign", v, cross("https://evil.example"))
	wantStatus(t, res, 403)

	res = e.post(t, libraryPage+"/sign", v, nil) // same origin: a token is needed
	if res.StatusCode == 303 {
		t.Errorf("same-origin POST without a token: got 303, want the form shown again")
	}

	res = e.post(t, libraryPage+"/sign", v, cross(site))
	wantStatus(t, res, 422)
	d := doc(t, res)
	if h := d.Find("h1").Text(); !strings.Contains(h, "confirm") {
		t.Errorf("token-less POST from the site origin: heading %q, want one asking to confirm", h)
	}
	if got := d.Find("#petition-form-email").AttrOr("value", ""); got != v.Get("email") {
		t.Errorf("the confirmation form lost the email: %q", got)
	}
	if c := e.count(t, "riverside", "save-the-library"); c.Signatures != 0 {
		t.Errorf("signatures after a token-less POST from the site origin: got %d, want 0", c.Signatures)
	}
	tok := d.Find("input[name=token]").AttrOr("value", "")
	if _, issued := e.s.tokens.Check("riverside/save-the-library", tok, e.clock.now()); !issued.Equal(e.clock.now()) {
		t.Errorf("confirmation token issued %v, want now (%v), never back-dated", issued, e.clock.now())
	}
	// Pressing Sign on the live site's form: at once it is too quick (the
	// form keeps its token), three seconds on it signs.
	v.Set("token", tok)
	wantStatus(t, e.post(t, libraryPage+"/sign", v, nil), 422)
	e.clock.add(formtoken.MinAge)
	res = e.post(t, libraryPage+"/sign", v, nil)
	wantThanks(t, res, libraryPage+"/thanks?outcome=signed")
	if c := e.count(t, "riverside", "save-the-library"); c.Signatures != 1 {
		t.Errorf("signatures after confirming: got %d, want 1", c.Signatures)
	}
	v.Del("token")

	// The honeypot still applies to the token-less path: answered as a
	// real form is (asked to confirm, then thanked), nothing kept.
	v.Set("email", "bot@example.org")
	v.Set("homepage", "https://spam.example")
	res = e.post(t, libraryPage+"/sign", v, cross(site))
	wantStatus(t, res, 422)
	v.Set("token", doc(t, res).Find("input[name=token]").AttrOr("value", ""))
	e.clock.add(formtoken.MinAge)
	wantStatus(t, e.post(t, libraryPage+"/sign", v, nil), 303)
	if c := e.count(t, "riverside", "save-the-library"); c.Signatures != 1 {
		t.Errorf("signatures after a honeypot POST: got %d, want 1", c.Signatures)
	}
	v.Del("token")

	// Without the option the same POST is refused.
	plain := newSignEnv(t, openSQLite(t), nil)
	v.Del("homepage")
	res = plain.post(t, libraryPage+"/sign", v, cross(site))
	wantStatus(t, res, 403)
}

func TestSiteOriginsChecked(t *testing.T) {
	for _, o := range []string{"static.example", "https://static.example/path", "ftp://x"} {
		_, err := New(Config{BaseURL: "https://act.example.org", SiteOrigins: []string{o}}, signSite(t))
		if err == nil || !strings.Contains(err.Error(), "site origin") {
			t.Errorf("New with site origin %q: got error %v, want one naming the site origin", o, err)
		}
		_, err = New(Config{BaseURL: "https://act.example.org", FormOrigin: o}, signSite(t))
		if err == nil || !strings.Contains(err.Error(), "API origin") {
			t.Errorf("New with form origin %q: got error %v, want one naming the API origin", o, err)
		}
	}
}

// TestExport: every exported address is answered 200 with the headers
// serve sends, and the index and a hashed stylesheet are among them.
func TestExport(t *testing.T) {
	s, err := New(Config{BaseURL: "https://act.example.org"}, signSite(t))
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]http.Header{}
	if err := s.Export(func(p string, h http.Header, body []byte) error {
		if len(body) == 0 {
			t.Errorf("%s: empty body", p)
		}
		got[p] = h
		return nil
	}); err != nil {
		t.Fatalf("Export: %v", err)
	}
	css := ""
	for p := range got {
		if strings.HasPrefix(p, "/static/style.") {
			css = p
		}
	}
	for _, p := range []string{"/", "/riverside", libraryPage, "/robots.txt", "/favicon.ico", css} {
		h, ok := got[p]
		if !ok || p == "" {
			t.Errorf("Export did not hand over %q", p)
			continue
		}
		if h.Get("X-Content-Type-Options") != "nosniff" || h.Get("Content-Security-Policy") == "" {
			t.Errorf("%s: headers %v lack serve's security headers", p, h)
		}
	}
	if cc := got[css].Get("Cache-Control"); !strings.Contains(cc, "immutable") {
		t.Errorf("%s: Cache-Control %q, want immutable", css, cc)
	}
}
