package main

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/placard/placard/internal/mail/mailtest"
)

// runOrganisers runs `placard organisers ARGS…` and returns its exit
// code, stdout and stderr.
func runOrganisers(t *testing.T, vars map[string]string, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	err := run(context.Background(), append([]string{"organisers"}, args...), env(vars), &out, &errb)
	code := 0
	var e *exitError
	if errors.As(err, &e) {
		code = e.code
	} else if err != nil {
		code = 1
	}
	return code, out.String(), errb.String()
}

// TestOrganisersCommands: invite prints a one-time link on stdout (and
// what it did on stderr), list shows organisers, remove takes them away;
// mistakes are usage errors with a did-you-mean.
func TestOrganisersCommands(t *testing.T) {
	db := filepath.Join(t.TempDir(), "data", "placard.db")
	camps := filepath.Join("testdata", "campaigns")
	common := []string{"--db", db, "--campaigns", camps}
	code, out, errs := runOrganisers(t, nil, append([]string{"invite", "harbour-choir", "Sam@Example.org", "--base-url", "https://act.example.org"}, common...)...)
	if code != 0 || !regexp.MustCompile(`^https://act\.example\.org/admin/invite\?t=[A-Za-z0-9_-]{43}\n$`).MatchString(out) || !strings.Contains(errs, "Invited sam@example.org as editor of harbour-choir") {
		t.Fatalf("invite: exit %d, stdout %q, stderr %q", code, out, errs)
	}
	code, out, _ = runOrganisers(t, map[string]string{"PLACARD_ADMIN_URL": "https://admin.example.org"}, append([]string{"invite", "--site-admin", "root@example.org"}, common...)...)
	if code != 0 || !strings.HasPrefix(out, "https://admin.example.org/admin/invite?t=") {
		t.Fatalf("invite --site-admin: exit %d, stdout %q", code, out)
	}
	code, _, _ = runOrganisers(t, nil, append([]string{"invite", "quiet-league", "ann@example.org", "--role", "viewer"}, common...)...)
	if code != 0 {
		t.Fatalf("invite --role viewer: exit %d", code)
	}
	code, out, errs = runOrganisers(t, nil, "list", "--db", db)
	want := "(every organisation)\troot@example.org\tsite-admin\nharbour-choir\tsam@example.org\teditor\nquiet-league\tann@example.org\tviewer\n"
	if code != 0 || out != want || !strings.Contains(errs, "3 organisers") {
		t.Errorf("list: exit %d\n%s\nwant\n%s(stderr %q)", code, out, want, errs)
	}
	if code, out, _ = runOrganisers(t, nil, "list", "--db", db, "--org", "quiet-league"); code != 0 || out != "quiet-league\tann@example.org\tviewer\n" {
		t.Errorf("list --org: exit %d, %q", code, out)
	}
	if code, _, errs = runOrganisers(t, nil, "remove", "quiet-league", "ann@example.org", "--db", db); code != 0 || !strings.Contains(errs, "Removed ann@example.org") {
		t.Errorf("remove: exit %d, %q", code, errs)
	}
	if code, _, errs = runOrganisers(t, nil, "remove", "quiet-league", "ann@example.org", "--db", db); code != 1 || !strings.Contains(errs, "is not an organiser of quiet-league") {
		t.Errorf("remove twice: exit %d, %q, want 1", code, errs)
	}
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"invite", "harbour-choirs", "x@example.org"}, `did you mean "harbour-choir"`},
		{[]string{"invite", "harbour-choir", "not-an-address"}, "is not an email address"},
		{[]string{"invite", "harbour-choir", "x@example.org", "--role", "editr"}, `did you mean "editor"`},
		{[]string{"invite", "harbour-choir", "x@example.org", "--role", "site-admin"}, "--site-admin"},
		{[]string{"invite", "harbour-choir"}, "give the organisation and the address"},
		{[]string{"invite", "../etc", "x@example.org"}, "is not an organisation"},
		{[]string{"invite", "harbour-choir", "x@example.org", "--base-url", "act.example.org"}, "must be a full address"},
		{[]string{"invitee"}, `did you mean "invite"`},
	} {
		code, _, errs := runOrganisers(t, nil, append(c.args, common...)...)
		if code != 2 || !strings.Contains(errs, c.want) {
			t.Errorf("organisers %v: exit %d, stderr %q, want 2 and %q", c.args, code, errs, c.want)
		}
	}
}

// TestServeConsole (JavaScript off, over real HTTP): an organiser invited
// with the command signs in through serve's /admin and sees their
// organisation; --admin-addr moves the console to its own listener and off
// the public one.
func TestServeConsole(t *testing.T) {
	dir := copyTestdata(t)
	db := filepath.Join(t.TempDir(), "placard.db")
	base, _ := runServe(t, nil, "--campaigns", dir, "--db", db)
	_, link, _ := runOrganisers(t, nil, "invite", "harbour-choir", "sam@example.org", "--db", db, "--campaigns", dir, "--base-url", base)
	link = strings.TrimSpace(link)
	if !strings.HasPrefix(link, base+"/admin/invite?t=") {
		t.Fatalf("link %q, want one on %s", link, base)
	}
	res, _ := fetch(t, link)
	if res.StatusCode != 200 {
		t.Fatalf("GET the invitation: %d", res.StatusCode)
	}
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	tok := strings.TrimPrefix(link, base+"/admin/invite?t=")
	req, _ := http.NewRequest("POST", base+"/admin/invite", strings.NewReader(url.Values{"token": {tok}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", base)
	res, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	// On http://127.0.0.1 the cookie is not Secure, so it drops __Host-;
	// passkeys need a host name, so the console goes to the dashboard.
	var cookie *http.Cookie
	for _, c := range res.Cookies() {
		if c.Name == "placard-session" {
			cookie = c
		}
	}
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/admin" || cookie == nil || !cookie.HttpOnly {
		t.Fatalf("accepting: %d to %q, cookies %v", res.StatusCode, res.Header.Get("Location"), res.Header["Set-Cookie"])
	}
	req, _ = http.NewRequest("GET", base+"/admin/harbour-choir", nil)
	req.AddCookie(cookie)
	if res, err = client.Do(req); err != nil || res.StatusCode != 200 {
		t.Fatalf("dashboard: %v %v", res.StatusCode, err)
	}
	res.Body.Close()
	req, _ = http.NewRequest("GET", base+"/admin/quiet-league", nil)
	req.AddCookie(cookie)
	if res, err = client.Do(req); err != nil || res.StatusCode != 404 {
		t.Fatalf("another organisation's dashboard: %v %v, want 404", res.StatusCode, err)
	}
	res.Body.Close()

	// Its own listener: the public site has no /admin.
	_, logs := runServe(t, nil, "--campaigns", dir, "--db", filepath.Join(t.TempDir(), "p.db"), "--admin-addr", "127.0.0.1:0")
	m := regexp.MustCompile(`msg="console listening" addr=(\S+)`).FindStringSubmatch(logs.String())
	if m == nil {
		t.Fatalf("no console listening line in\n%s", logs)
	}
	res, _ = fetch(t, "http://"+m[1]+"/admin/signin")
	if res.StatusCode != 200 {
		t.Errorf("the console's own listener: %d", res.StatusCode)
	}
	pub := regexp.MustCompile(`msg=listening addr=\S+ url=(\S+)`).FindStringSubmatch(logs.String())
	res, _ = fetch(t, pub[1]+"/admin/signin")
	if res.StatusCode != 404 {
		t.Errorf("the public listener with --admin-addr: /admin/signin %d, want 404", res.StatusCode)
	}
}

// TestServeAdminUsage: console flags that cannot work are usage errors.
func TestServeAdminUsage(t *testing.T) {
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--admin-url", "https://admin.example.org"}, "give --admin-addr too"},
		{[]string{"--admin-addr", "nowhere"}, "must be host:port"},
		{[]string{"--addr", "127.0.0.1:9999", "--admin-addr", "127.0.0.1:9999"}, "same as --addr"},
		{[]string{"--admin-addr", "127.0.0.1:0", "--admin-url", "admin.example.org"}, "must be a full address"},
	} {
		var errb bytes.Buffer
		err := run(context.Background(), append([]string{"serve", "--campaigns", filepath.Join("testdata", "campaigns")}, c.args...), env(nil), &bytes.Buffer{}, &errb)
		var e *exitError
		if !errors.As(err, &e) || e.code != 2 || !strings.Contains(errb.String(), c.want) {
			t.Errorf("serve %v: %v, stderr %q, want exit 2 and %q", c.args, err, errb.String(), c.want)
		}
	}
}

// TestServeConsoleEmailLink: with --smtp, an organiser asks for a sign-in
// link by email (an unknown address gets the same answer and no mail); the
// link arrives through the outbox at a real SMTP server on loopback, its
// page changes nothing, and its button signs in once.
func TestServeConsoleEmailLink(t *testing.T) {
	smtp := mailtest.Start(t)
	dir := copyTestdata(t)
	db := filepath.Join(t.TempDir(), "placard.db")
	base, _ := runServe(t, nil, "--campaigns", dir, "--db", db, "--smtp", "smtp://"+smtp.Addr+"?tls=off", "--mail-from", "Placard <console@example.org>", "--mail-rate", "0")
	if code, _, errs := runOrganisers(t, nil, "invite", "harbour-choir", "sam@example.org", "--db", db, "--campaigns", dir, "--base-url", base); code != 0 {
		t.Fatalf("invite: %d %s", code, errs)
	}
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	post := func(path string, form url.Values) *http.Response {
		t.Helper()
		req, _ := http.NewRequest("POST", base+path, strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Origin", base)
		res, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		return res
	}
	for _, addr := range []string{"nobody@example.org", "Sam@Example.org"} {
		if res := post("/admin/signin/link", url.Values{"email": {addr}}); res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/admin/signin?sent=1" {
			t.Fatalf("asking for a link for %s: %d to %q", addr, res.StatusCode, res.Header.Get("Location"))
		}
	}
	mails := smtp.Wait(t, 1)
	if len(mails) != 1 || len(mails[0].To) != 1 || mails[0].To[0] != "sam@example.org" {
		t.Fatalf("mails: %+v, want one to sam@", mails)
	}
	m := regexp.MustCompile(regexp.QuoteMeta(base) + `/admin/signin/link\?t=([A-Za-z0-9_-]{43})`).FindStringSubmatch(mails[0].Text)
	if m == nil {
		t.Fatalf("no sign-in link in %q", mails[0].Text)
	}
	if res, _ := fetch(t, base+"/admin/signin/link?t="+m[1]); res.StatusCode != 200 {
		t.Fatalf("opening the link: %d", res.StatusCode)
	}
	res := post("/admin/signin/link/use", url.Values{"token": {m[1]}})
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/admin" || len(res.Cookies()) == 0 {
		t.Fatalf("using the link: %d to %q", res.StatusCode, res.Header.Get("Location"))
	}
	if res := post("/admin/signin/link/use", url.Values{"token": {m[1]}}); res.StatusCode != http.StatusGone {
		t.Errorf("using the link again: %d, want 410", res.StatusCode)
	}
}
