package web

import (
	"net/http"
	"strings"
	"testing"
	"time"
)

// TestSignFromSiteOrigin: a static copy's form (no token) signs when it
// posts from a configured site origin, and only then.
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
	wantStatus(t, res, 303)
	wantThanks(t, res, libraryPage+"/thanks?outcome=signed")
	if c := e.count(t, "riverside", "save-the-library"); c.Signatures != 1 {
		t.Errorf("signatures after a POST from the site origin: got %d, want 1", c.Signatures)
	}

	// The honeypot still applies to the token-less path.
	v.Set("email", "bot@example.org")
	v.Set("homepage", "https://spam.example")
	res = e.post(t, libraryPage+"/sign", v, cross(site))
	wantStatus(t, res, 303)
	if c := e.count(t, "riverside", "save-the-library"); c.Signatures != 1 {
		t.Errorf("signatures after a honeypot POST: got %d, want 1", c.Signatures)
	}

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
