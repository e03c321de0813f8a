package console

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/placard/placard/internal/accounts"
	"github.com/placard/placard/internal/signing"
	"github.com/placard/placard/internal/store"
)

// TestInvitationSignIn (JavaScript off): opening an invitation shows a
// button and changes nothing; pressing it signs in with a fresh session
// cookie and asks for a passkey; the dashboard follows; the invitation
// does not work twice.
func TestInvitationSignIn(t *testing.T) {
	e := newEnv(t, nil)
	tok := e.invite("riverside", "sam@example.org", accounts.RoleEditor)
	b := e.browser()
	res := b.get(Prefix + "/invite?t=" + tok)
	wantStatus(t, res, 200)
	d := doc(t, res)
	form := d.Find(`form[action="/admin/invite"]`)
	if form.Length() != 1 || form.Find(`input[name=token]`).AttrOr("value", "") != tok || form.Find("button").Length() != 1 {
		t.Fatalf("invitation page: want one form posting the token to /admin/invite with a button")
	}
	if len(b.cookies) != 0 {
		t.Fatalf("opening the invitation set cookies %v: it must change nothing", b.cookies)
	}
	wantRedirect(t, b.post(Prefix+"/invite", url.Values{"token": {tok}}), Prefix+"/passkey")
	if _, ok := b.cookies["__Host-placard-session"]; !ok {
		t.Fatalf("after accepting: cookies %v, want __Host-placard-session", b.cookies)
	}
	res = b.get(Prefix + "/passkey")
	wantStatus(t, res, 200)
	if d := doc(t, res); d.Find(`[data-passkey=register]`).Length() != 1 || d.Find(`a[href="/admin"]`).Length() != 1 {
		t.Errorf("passkey page: want the register button and a link onwards")
	}
	wantRedirect(t, b.get(Prefix), Prefix+"/riverside")
	res = b.get(Prefix + "/riverside")
	wantStatus(t, res, 200)
	if got := doc(t, res).Find("h1").Text(); got != "Riverside Coalition" {
		t.Errorf("dashboard heading %q, want the organisation's name", got)
	}
	// Used once: again, in another browser, is refused.
	res = e.browser().post(Prefix+"/invite", url.Values{"token": {tok}})
	wantStatus(t, res, http.StatusGone)
	log, _ := e.acc.Audit(context.Background(), "riverside", 10)
	if len(log) == 0 || log[0].Action != accounts.ActSignIn || log[0].Actor != "sam@example.org" {
		t.Errorf("audit: got %+v, want a sign-in by sam@", log)
	}
}

// TestCookieFlags: the session cookie is __Host-, Secure, HttpOnly,
// SameSite=Lax, Path=/ and has no Domain; on a plain-http loopback base it
// drops Secure and so the prefix.
func TestCookieFlags(t *testing.T) {
	e := newEnv(t, nil)
	tok := e.invite("riverside", "sam@example.org", accounts.RoleEditor)
	res := e.browser().post(Prefix+"/invite", url.Values{"token": {tok}})
	var ck *http.Cookie
	for _, c := range res.Cookies() {
		if c.Name == "__Host-placard-session" {
			ck = c
		}
	}
	if ck == nil {
		t.Fatalf("no __Host-placard-session cookie in %v", res.Header["Set-Cookie"])
	}
	if !ck.Secure || !ck.HttpOnly || ck.SameSite != http.SameSiteLaxMode || ck.Path != "/" || ck.Domain != "" || ck.MaxAge != 0 || !accounts.WellFormed(ck.Value) {
		t.Errorf("cookie %+v: want Secure, HttpOnly, SameSite=Lax, Path=/, no Domain, a session cookie with a 43-character secret", ck)
	}
	local := newEnv(t, func(c *Config) { c.BaseURL = "http://127.0.0.1:8080" })
	tok = local.invite("riverside", "sam@example.org", accounts.RoleEditor)
	res = local.browser().do(http.MethodPost, Prefix+"/invite", url.Values{"token": {tok}}, "Origin", "", "Sec-Fetch-Site", "")
	cks := res.Cookies()
	if len(cks) != 1 || cks[0].Name != "placard-session" || cks[0].Secure || !cks[0].HttpOnly || cks[0].SameSite != http.SameSiteLaxMode {
		t.Errorf("loopback cookie: got %v, want placard-session, HttpOnly, Lax, not Secure", res.Header["Set-Cookie"])
	}
}

// TestSessionFixation: a session id the browser brings is never adopted:
// signing in issues a new one, and a planted or earlier id signs nobody in.
func TestSessionFixation(t *testing.T) {
	e := newEnv(t, nil)
	b := e.browser()
	planted, _ := accounts.NewSecret()
	b.cookies["__Host-placard-session"] = planted
	tok := e.invite("riverside", "sam@example.org", accounts.RoleEditor)
	wantRedirect(t, b.post(Prefix+"/invite", url.Values{"token": {tok}}), Prefix+"/passkey")
	first := b.cookies["__Host-placard-session"]
	if first == planted || first == "" {
		t.Fatalf("after sign-in the cookie is %q, the planted %q: the session id must be new", first, planted)
	}
	attacker := e.browser()
	attacker.cookies["__Host-placard-session"] = planted
	wantRedirect(t, attacker.get(Prefix+"/riverside"), Prefix+"/signin")
	// Signing in again in the same browser replaces the session; the
	// earlier id stops working.
	tok = e.invite("riverside", "sam@example.org", accounts.RoleEditor)
	wantRedirect(t, b.post(Prefix+"/invite", url.Values{"token": {tok}}), Prefix+"/passkey")
	if b.cookies["__Host-placard-session"] == first {
		t.Fatal("a second sign-in kept the first session id")
	}
	old := e.browser()
	old.cookies["__Host-placard-session"] = first
	wantRedirect(t, old.get(Prefix+"/riverside"), Prefix+"/signin")
}

// TestCrossOriginRefused: every state-changing console request from
// another origin is refused with 403 and changes nothing, as signing's are.
func TestCrossOriginRefused(t *testing.T) {
	e := newEnv(t, nil)
	b := e.signIn("riverside", "sam@example.org", accounts.RoleEditor)
	id := e.pendingOrg(t, "Northside Tenants")
	for _, hdr := range [][]string{
		{"Sec-Fetch-Site", "cross-site", "Origin", "https://evil.example"},
		{"Sec-Fetch-Site", "", "Origin", "https://evil.example"},
		{"Sec-Fetch-Site", "same-site", "Origin", "https://sub.act.example.org"},
	} {
		res := b.do(http.MethodPost, Prefix+"/riverside/moderation", url.Values{"approve": {fmt.Sprint(id)}}, hdr...)
		wantStatus(t, res, http.StatusForbidden)
		tok := e.invite("riverside", "kim@example.org", accounts.RoleEditor)
		wantStatus(t, e.browser().do(http.MethodPost, Prefix+"/invite", url.Values{"token": {tok}}, hdr...), http.StatusForbidden)
		wantStatus(t, b.do(http.MethodPost, Prefix+"/signout", nil, hdr...), http.StatusForbidden)
	}
	if s := e.status(t, id); s != signing.StatusPending {
		t.Errorf("after cross-origin approvals the signature is %s, want pending", s)
	}
	wantStatus(t, b.get(Prefix+"/riverside"), 200) // still signed in
}

// TestSignInRateLimit: a client gets DefaultSignInLimit sign-in attempts
// a minute, then 429; other clients are not affected.
func TestSignInRateLimit(t *testing.T) {
	e := newEnv(t, func(c *Config) {
		c.ClientKey = func(r *http.Request) string { return r.Header.Get("X-Test-Client") }
	})
	b := e.browser()
	bad, _ := accounts.NewSecret()
	for i := range DefaultSignInLimit {
		if res := b.post(Prefix+"/invite", url.Values{"token": {bad}}); res.StatusCode != http.StatusGone {
			t.Fatalf("attempt %d: got %d, want 410", i+1, res.StatusCode)
		}
	}
	wantStatus(t, b.post(Prefix+"/invite", url.Values{"token": {bad}}), http.StatusTooManyRequests)
	wantStatus(t, b.post(Prefix+"/signin/passkey/begin", nil), http.StatusTooManyRequests)
	tok := e.invite("riverside", "sam@example.org", accounts.RoleEditor)
	res := e.browser().do(http.MethodPost, Prefix+"/invite", url.Values{"token": {tok}}, "X-Test-Client", "other")
	wantRedirect(t, res, Prefix+"/passkey")
}

// TestLinkExpiry: an invitation stops working after accounts.InviteTTL and
// an emailed link after accounts.LinkTTL; both are single use.
func TestLinkExpiry(t *testing.T) {
	e := newEnv(t, nil)
	tok := e.invite("riverside", "sam@example.org", accounts.RoleEditor)
	e.clock.add(accounts.InviteTTL)
	wantStatus(t, e.browser().post(Prefix+"/invite", url.Values{"token": {tok}}), http.StatusGone)

	e.invite("riverside", "kim@example.org", accounts.RoleEditor)
	b := e.browser()
	wantRedirect(t, b.post(Prefix+"/signin/link", url.Values{"email": {" KIM@example.org "}}), Prefix+"/signin?sent=1")
	link := e.linkFor(t, "kim@example.org")
	e.clock.add(accounts.LinkTTL - time.Second)
	// Still good a second before expiry, once.
	wantRedirect(t, b.post(Prefix+"/signin/link/use", url.Values{"token": {link}}), Prefix)
	wantStatus(t, e.browser().post(Prefix+"/signin/link/use", url.Values{"token": {link}}), http.StatusGone)

	wantRedirect(t, e.browser().post(Prefix+"/signin/link", url.Values{"email": {"kim@example.org"}}), Prefix+"/signin?sent=1")
	late := e.linkFor(t, "kim@example.org")
	e.clock.add(accounts.LinkTTL)
	wantStatus(t, e.browser().post(Prefix+"/signin/link/use", url.Values{"token": {late}}), http.StatusGone)
}

// TestEmailLinkAnswersTheSame: asking for a link answers the same for an
// unknown address, a malformed one and an organiser's, and only the
// organiser gets mail.
func TestEmailLinkAnswersTheSame(t *testing.T) {
	e := newEnv(t, nil)
	e.invite("riverside", "sam@example.org", accounts.RoleEditor)
	var bodies []string
	for _, addr := range []string{"sam@example.org", "nobody@example.org", "not an address"} {
		res := e.browser().post(Prefix+"/signin/link", url.Values{"email": {addr}})
		wantRedirect(t, res, Prefix+"/signin?sent=1")
		b, _ := io.ReadAll(res.Body)
		bodies = append(bodies, string(b))
	}
	if bodies[0] != bodies[1] || bodies[1] != bodies[2] {
		t.Errorf("the answers differ: %q", bodies)
	}
	e.c.sending.Wait()
	if m := e.mail.all(); len(m) != 1 || m[0].to != "sam@example.org" || !strings.Contains(m[0].body, testBase+Prefix+"/signin/link?t=") {
		t.Errorf("mail sent: %+v, want one link to sam@", m)
	}
	// Without email configured the form is not offered.
	off := newEnv(t, func(c *Config) { c.Mail = nil })
	res := off.browser().get(Prefix + "/signin")
	if doc(t, res).Find(`form[action="/admin/signin/link"]`).Length() != 0 {
		t.Error("the email form shows although no mail is configured")
	}
	wantStatus(t, off.browser().post(Prefix+"/signin/link", url.Values{"email": {"sam@example.org"}}), http.StatusNotFound)
}

// linkFor returns the token of the last link mailed to addr.
func (e *env) linkFor(t *testing.T, addr string) string {
	t.Helper()
	e.c.sending.Wait() // links are made after the form's answer
	m := e.mail.all()
	for i := len(m) - 1; i >= 0; i-- {
		if m[i].to != addr {
			continue
		}
		i := strings.Index(m[i].body, "?t=")
		return strings.Fields(m[len(m)-1].body[i+3:])[0]
	}
	t.Fatalf("no mail to %s in %+v", addr, m)
	return ""
}

// TestIdleTimeout: a session unused for accounts.IdleTimeout ends (and is
// deleted); one used regularly stays.
func TestIdleTimeout(t *testing.T) {
	e := newEnv(t, nil)
	b := e.signIn("riverside", "sam@example.org", accounts.RoleEditor)
	for range 4 {
		e.clock.add(accounts.IdleTimeout / 2)
		wantStatus(t, b.get(Prefix+"/riverside"), 200)
	}
	hash := accounts.HashSecret(b.cookies["__Host-placard-session"])
	e.clock.add(accounts.IdleTimeout)
	wantRedirect(t, b.get(Prefix+"/riverside"), Prefix+"/signin")
	if _, err := e.acc.Session(context.Background(), hash); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("idle session in the store: %v, want deleted", err)
	}
}

// TestMaxLifetime: a session used all the time still ends
// accounts.MaxLifetime after sign-in (and is deleted), so a stolen or
// forgotten cookie kept busy does not sign anyone in for ever; signing in
// again starts a new one.
func TestMaxLifetime(t *testing.T) {
	e := newEnv(t, nil)
	b := e.signIn("riverside", "sam@example.org", accounts.RoleEditor)
	hash := accounts.HashSecret(b.cookies["__Host-placard-session"])
	step := accounts.IdleTimeout / 2
	for used := time.Duration(0); used+step < accounts.MaxLifetime; used += step {
		e.clock.add(step)
		wantStatus(t, b.get(Prefix+"/riverside"), 200)
	}
	e.clock.add(step)
	wantRedirect(t, b.get(Prefix+"/riverside"), Prefix+"/signin")
	if _, err := e.acc.Session(context.Background(), hash); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("session past its lifetime in the store: %v, want deleted", err)
	}
	b = e.signIn("riverside", "sam@example.org", accounts.RoleEditor)
	wantStatus(t, b.get(Prefix+"/riverside"), 200)
}

// TestSignOut deletes the session server-side: the old cookie value signs
// nobody in afterwards.
func TestSignOut(t *testing.T) {
	e := newEnv(t, nil)
	b := e.signIn("riverside", "sam@example.org", accounts.RoleEditor)
	old := b.cookies["__Host-placard-session"]
	wantRedirect(t, b.post(Prefix+"/signout", nil), Prefix+"/signin?out=1")
	if _, ok := b.cookies["__Host-placard-session"]; ok {
		t.Error("sign-out left the cookie")
	}
	replay := e.browser()
	replay.cookies["__Host-placard-session"] = old
	wantRedirect(t, replay.get(Prefix+"/riverside"), Prefix+"/signin")
	if _, err := e.acc.Session(context.Background(), accounts.HashSecret(old)); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("session after sign-out: %v, want deleted", err)
	}
}

// orgRoutes lists every console route under /{org}, from the router
// itself, so a page added later is covered without editing this test.
func orgRoutes(t *testing.T, c *Console) [][2]string {
	t.Helper()
	var out [][2]string
	err := chi.Walk(c.handler.(chi.Routes), func(method, route string, _ http.Handler, _ ...func(http.Handler) http.Handler) error {
		if strings.HasPrefix(route, "/{org}") {
			out = append(out, [2]string{method, route})
		}
		return nil
	})
	if err != nil || len(out) < 6 {
		t.Fatalf("walking the routes: %v, %d routes under /{org}", err, len(out))
	}
	return out
}

// fill puts org and a campaign of it into a route pattern.
func fill(route, org, camp string) string {
	p := strings.ReplaceAll(route, "{org}", org)
	p = strings.ReplaceAll(p, "{campaign}", camp)
	p = strings.TrimSuffix(p, "/")
	for strings.Contains(p, "{") { // any other parameter a later page adds
		i, j := strings.Index(p, "{"), strings.Index(p, "}")
		p = p[:i] + "x" + p[j+1:]
	}
	return strings.ReplaceAll(p, "/*", "/x")
}

// TestIsolation requests every console route of organisation B (and of an
// organisation that does not exist) with organisation A's session: every
// one answers 404 and changes nothing. Then a viewer's POSTs to their own
// organisation are refused.
func TestIsolation(t *testing.T) {
	e := newEnv(t, nil)
	a := e.signIn("riverside", "sam@example.org", accounts.RoleEditor)
	id := e.harbourSignature(t)
	for _, rt := range orgRoutes(t, e.c) {
		for _, org := range []string{"harbour", "nowhere"} {
			path := Prefix + fill(rt[1], org, "sing")
			form := url.Values{"approve": {fmt.Sprint(id)}, "email": {"ann@example.org"}, "confirm": {"yes"}, "id": {fmt.Sprint(id)}, "do": {"reject"}}
			res := a.do(rt[0], path, form)
			if res.StatusCode != http.StatusNotFound {
				t.Errorf("%s %s with riverside's session: got %d, want 404", rt[0], path, res.StatusCode)
			}
		}
	}
	if s := e.status(t, id); s != signing.StatusApproved {
		t.Errorf("harbour's signature is %s after riverside's requests, want approved", s)
	}
	n := 0
	e.st.Signatures(context.Background(), "harbour", "sing", "", func(*signing.Signature) error { n++; return nil })
	if n != 1 {
		t.Errorf("harbour has %d signatures after riverside's requests, want 1", n)
	}
	// A site admin sees both.
	admin := e.signIn("", "root@example.org", accounts.RoleSiteAdmin)
	wantStatus(t, admin.get(Prefix+"/harbour"), 200)
	wantStatus(t, admin.get(Prefix+"/riverside"), 200)
	wantStatus(t, admin.get(Prefix+"/nowhere"), 404)
}

// TestViewerChangesNothing: a viewer sees the dashboard and the queue's count but
// every POST, the exports and the audit log answer 403.
func TestViewerChangesNothing(t *testing.T) {
	e := newEnv(t, nil)
	v := e.signIn("riverside", "ann@example.org", accounts.RoleViewer)
	id := e.pendingOrg(t, "Northside Tenants")
	wantStatus(t, v.get(Prefix+"/riverside"), 200)
	res := v.get(Prefix + "/riverside/moderation")
	wantStatus(t, res, 200)
	if d := doc(t, res); d.Find("button[name=approve]").Length() != 0 || strings.Contains(d.Text(), "Northside Tenants") {
		t.Error("a viewer's queue: want a count, without buttons or names (TestViewerSeesCountsNotPeople)")
	}
	for _, rt := range orgRoutes(t, e.c) {
		if rt[0] == http.MethodGet {
			continue
		}
		path := Prefix + fill(rt[1], "riverside", "open-letter")
		res := v.do(rt[0], path, url.Values{"approve": {fmt.Sprint(id)}, "email": {"x@example.org"}, "confirm": {"yes"}})
		if res.StatusCode != http.StatusForbidden {
			t.Errorf("viewer %s %s: got %d, want 403", rt[0], path, res.StatusCode)
		}
	}
	wantStatus(t, v.get(Prefix+"/riverside/open-letter/export?format=csv"), http.StatusForbidden)
	wantStatus(t, v.get(Prefix+"/riverside/audit"), http.StatusForbidden)
	if s := e.status(t, id); s != signing.StatusPending {
		t.Errorf("after a viewer's POSTs the signature is %s, want pending", s)
	}
}

// pendingOrg adds an organisation's signature to riverside's letter,
// waiting for approval, and returns its id.
func (e *env) pendingOrg(t *testing.T, name string) int64 {
	t.Helper()
	sig := &signing.Signature{
		Org: "riverside", Campaign: "open-letter", Action: "letter",
		Kind: signing.KindOrganisation, Status: signing.StatusPending,
		Name: "Pat Lee", Email: strings.ToLower(strings.ReplaceAll(name, " ", "")) + "@example.org",
		Organisation: name, Role: "Chair", Public: true,
		ConsentText: "Riverside may email me about this campaign.", ConsentAt: e.clock.now(), Lang: "en", CreatedAt: e.clock.now(),
	}
	res, err := e.st.AddSignatures(context.Background(), []*signing.Signature{sig})
	if err != nil || res[0] != nil {
		t.Fatalf("AddSignatures: %v %v", err, res)
	}
	return sig.ID
}

// harbourSignature adds an approved signature to harbour's petition.
func (e *env) harbourSignature(t *testing.T) int64 {
	t.Helper()
	sig := &signing.Signature{
		Org: "harbour", Campaign: "sing", Action: "sign", Kind: signing.KindIndividual, Status: signing.StatusApproved,
		Name: "Ann Other", Email: "ann@example.org", ConsentText: "Harbour may email me.", ConsentAt: e.clock.now(), Lang: "en", CreatedAt: e.clock.now(),
	}
	if res, err := e.st.AddSignatures(context.Background(), []*signing.Signature{sig}); err != nil || res[0] != nil {
		t.Fatalf("AddSignatures: %v %v", err, res)
	}
	return sig.ID
}

// status reads a signature's status.
func (e *env) status(t *testing.T, id int64) signing.Status {
	t.Helper()
	var got signing.Status
	for _, c := range [][2]string{{"riverside", "open-letter"}, {"harbour", "sing"}} {
		e.st.Signatures(context.Background(), c[0], c[1], "", func(s *signing.Signature) error {
			if s.ID == id {
				got = s.Status
			}
			return nil
		})
	}
	return got
}

// TestLanguages: the console speaks the browser's language among
// Placard's six, right to left for Arabic and Hebrew, with nothing left
// in English on the sign-in page and the dashboard.
func TestLanguages(t *testing.T) {
	e := newEnv(t, nil)
	for _, lang := range []string{"ar", "he", "fr", "de", "es"} {
		b := e.signIn("riverside", lang+"@example.org", accounts.RoleEditor)
		b.lang = lang
		for _, path := range []string{Prefix + "/riverside", Prefix + "/riverside/moderation", Prefix + "/riverside/data", Prefix + "/riverside/audit"} {
			res := b.get(path)
			wantStatus(t, res, 200)
			d := doc(t, res)
			html := d.Find("html")
			wantDir := "ltr"
			if lang == "ar" || lang == "he" {
				wantDir = "rtl"
			}
			if html.AttrOr("lang", "") != lang || html.AttrOr("dir", "") != wantDir {
				t.Errorf("%s in %s: lang=%q dir=%q", path, lang, html.AttrOr("lang", ""), html.AttrOr("dir", ""))
			}
			for _, english := range []string{"Dashboard", "Sign out", "Signatures per day", "Download signatures", "Nothing is waiting"} {
				if strings.Contains(d.Text(), english) {
					t.Errorf("%s in %s still says %q", path, lang, english)
				}
			}
		}
	}
}
