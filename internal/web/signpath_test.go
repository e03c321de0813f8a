package web

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/placard/placard/internal/campaign/campaigntest"
)

// TestSignPathAnswersAsRouter: a signing POST answered by the signing
// path (signpath.go) gets the answer the router gives it — status and
// every header, the security headers included — whether it is recorded,
// re-shown or refused by the cross-origin check or the rate limit, and
// both share one rate limit.
func TestSignPathAnswersAsRouter(t *testing.T) {
	e := newSignEnv(t, openSQLite(t), func(c *Config) { c.RateLimit = 4 })
	sp, ok := e.s.handler.(*signPathHandler)
	if !ok {
		t.Fatalf("the server's handler is a %T, want the signing path in front", e.s.handler)
	}
	if _, on := sp.paths().paths[libraryPage+"/sign"]; !on {
		t.Fatalf("%s/sign is not on the signing path", libraryPage)
	}
	if _, on := sp.paths().paths[libraryPage+"/embed/sign"]; on {
		t.Errorf("the embed's form is on the signing path; it takes the router (framedAsEmbed)")
	}
	v := e.formValues(t, libraryPage, "petition-form")
	e.clock.add(time.Second)
	w := e.formValues(t, libraryPage, "petition-form") // a token of its own: each is used once
	w.Set("email", "grace@example.org")
	e.clock.add(5 * time.Second)
	send := func(h http.Handler, v url.Values, mod func(*http.Request)) *http.Response {
		req := httptest.NewRequest("POST", libraryPage+"/sign", strings.NewReader(v.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Sec-Fetch-Site", "same-origin")
		req.RemoteAddr = "198.51.100.7:4000"
		if mod != nil {
			mod(req)
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		return rec.Result()
	}
	same := func(name string, a, b *http.Response) {
		t.Helper()
		if a.StatusCode != b.StatusCode {
			t.Errorf("%s: signing path %d, router %d", name, a.StatusCode, b.StatusCode)
		}
		keys := func(h http.Header) []string {
			var ks []string
			for k := range h {
				ks = append(ks, k)
			}
			slices.Sort(ks)
			return ks
		}
		if ka, kb := keys(a.Header), keys(b.Header); !slices.Equal(ka, kb) {
			t.Errorf("%s: signing path's headers %q, router's %q", name, ka, kb)
		}
		for k, va := range a.Header {
			vb := b.Header[k]
			if k == "Location" && len(va) == 1 && len(vb) == 1 {
				// The claim names each signer's own link.
				va, vb = []string{strings.Split(va[0], "&claim=")[0]}, []string{strings.Split(vb[0], "&claim=")[0]}
			}
			if !slices.Equal(va, vb) {
				t.Errorf("%s: %s: signing path %q, router %q", name, k, va, vb)
			}
		}
	}
	same("recorded", send(sp, v, nil), send(sp.next, w, nil))
	bad := url.Values{}
	for k, vs := range v {
		bad[k] = vs
	}
	bad.Set("email", "not an address")
	same("re-shown", send(sp, bad, nil), send(sp.next, bad, nil))
	other := func(r *http.Request) { r.Header.Set("Sec-Fetch-Site", "cross-site") }
	same("another site's", send(sp, v, other), send(sp.next, v, other))
	// Four allowed a minute (two signed, two re-shown): one limit for
	// both ways in, so the fifth is refused whichever way it comes.
	same("over the limit", send(sp, bad, nil), send(sp.next, bad, nil))
	if res := send(sp, bad, nil); res.StatusCode != http.StatusTooManyRequests {
		t.Errorf("the sixth POST in a minute: %d, want 429", res.StatusCode)
	}
}

// TestSignPathFollowsReload: a campaign a reload adds is on the signing
// path at once and one it removes is not, and the set kept names its
// snapshot only weakly (a strong pointer would keep the replaced site in
// memory until the next POST).
func TestSignPathFollowsReload(t *testing.T) {
	e := newSignEnv(t, openSQLite(t), nil)
	sp := e.s.handler.(*signPathHandler)
	letter := "/riverside/open-letter/sign"
	if _, on := sp.paths().paths[letter]; !on {
		t.Fatalf("%s is not on the signing path", letter)
	}
	files := signFiles(t)
	delete(files, "riverside/open-letter.yaml")
	if err := e.s.SetSite(campaigntest.Site(t, files)); err != nil {
		t.Fatal(err)
	}
	if _, on := sp.paths().paths[letter]; on {
		t.Errorf("a removed campaign's form is still on the signing path")
	}
	if _, on := sp.paths().paths[libraryPage+"/sign"]; !on {
		t.Errorf("a kept campaign's form left the signing path")
	}
	if got := reflect.TypeOf(signPaths{}).Field(0).Type.String(); got != "weak.Pointer[github.com/placard/placard/internal/site.Snapshot]" {
		t.Errorf("the signing-path set names its snapshot by %s, want a weak pointer", got)
	}
}
