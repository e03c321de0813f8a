package web

import (
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/placard/placard/internal/formtoken"
	"github.com/placard/placard/internal/pagecache"
)

// getHTTP fetches target from srv over HTTP with If-None-Match inm (none
// when "").
func getHTTP(t *testing.T, srv *httptest.Server, target, inm string) *http.Response {
	t.Helper()
	req, err := http.NewRequest("GET", srv.URL+target, nil)
	if err != nil {
		t.Fatal(err)
	}
	if inm != "" {
		req.Header.Set("If-None-Match", inm)
	}
	res, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// TestRevalidationGivesAFreshToken: a browser that revalidates a signing
// page it holds gets 304 only while the form token in its copy is young
// (within pagecache.TokenWindow of being issued). Revalidating the next
// day, it is sent the page again with a token issued now, and the form
// signs. Before, it got 304 and kept a token nearly a day old, so a
// signer who took a while was asked to press Sign again.
func TestRevalidationGivesAFreshToken(t *testing.T) {
	e := newSignEnv(t, openSQLite(t), nil)
	srv := httptest.NewServer(e.s)
	defer srv.Close()

	res := getHTTP(t, srv, libraryPage, "")
	if res.StatusCode != 200 {
		t.Fatalf("GET: %d", res.StatusCode)
	}
	etag := res.Header.Get("Etag")
	first := doc(t, res).Find("form#petition-form input[name=token]").AttrOr("value", "")

	e.clock.add(pagecache.TokenWindow / 2)
	res = getHTTP(t, srv, libraryPage, etag)
	res.Body.Close()
	if res.StatusCode != 304 {
		t.Errorf("revalidating within the token's window: %d, want 304", res.StatusCode)
	}

	e.clock.add(formtoken.MaxAge - time.Hour)
	res = getHTTP(t, srv, libraryPage, etag)
	if res.StatusCode != 200 {
		res.Body.Close()
		t.Fatalf("revalidating %s later: %d, want 200 with a fresh token (a 304 keeps the old one)", formtoken.MaxAge-time.Hour+pagecache.TokenWindow/2, res.StatusCode)
	}
	form := doc(t, res).Find("form#petition-form")
	tok := form.Find("input[name=token]").AttrOr("value", "")
	if tok == first {
		t.Fatal("the page sent again carries the old token")
	}
	if p, issued := e.s.tokens.Check("riverside/save-the-library", tok, e.clock.now()); p != formtoken.Fresh || !issued.Equal(e.clock.now()) {
		t.Fatalf("the new token: %v issued %v, want one issued now (%v)", p, issued, e.clock.now())
	}
	v := formOf(form)
	v.Set("name", "Ada Lovelace")
	v.Set("email", "ada@example.org")
	v.Set("consent", "yes")
	e.clock.add(2 * time.Hour) // they took their time
	res = postHTTP(t, srv, libraryPage+"/sign", v)
	res.Body.Close()
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("signing with the renewed page's form: %d, want 303", res.StatusCode)
	}
	if c := e.count(t, "riverside", "save-the-library"); c.Signatures != 1 {
		t.Errorf("stored %d, want 1", c.Signatures)
	}
}

// TestRevalidationAfterTheWindowKeepsItsRotation: a page with share
// renderings sent again after the token's window is the rendering the
// browser held (its ETag names it), so the wording the reader saw stays.
func TestRevalidationAfterTheWindowKeepsItsRotation(t *testing.T) {
	c := &clock{t: clockStart}
	s, err := New(Config{BaseURL: "https://act.example.org", SiteName: "Act", Store: openSQLite(t), Now: c.now}, rotatingSite(t))
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(s)
	defer srv.Close()
	for range 4 {
		res := getHTTP(t, srv, libraryPage, "")
		res.Body.Close()
		etag := res.Header.Get("Etag")
		v, ok := pagecache.VariantIn([]string{etag}, 4)
		if !ok {
			t.Fatalf("ETag %s names no rendering", etag)
		}
		c.add(pagecache.TokenWindow)
		res = getHTTP(t, srv, libraryPage, etag)
		res.Body.Close()
		again := res.Header.Get("Etag")
		if w, ok := pagecache.VariantIn([]string{again}, 4); res.StatusCode != 200 || !ok || w != v {
			t.Errorf("revalidating rendering %d after the window: %d with ETag %s, want 200 and rendering %d", v, res.StatusCode, again, v)
		}
	}
}
