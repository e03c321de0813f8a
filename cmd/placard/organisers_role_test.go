package main

import (
	"net/http"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
)

// TestOrganisersRoleAndRemoveAtOnce (over real HTTP, JavaScript off): an
// organiser signed in through serve's console is made a viewer with
// `placard organisers role`, and from their very next request, in the
// session they already have, they may read but not change; `placard
// organisers remove` then ends the session at once. Before, there was no
// way to lower a role: inviting the address again with --role viewer
// kept them an editor and said nothing of it.
func TestOrganisersRoleAndRemoveAtOnce(t *testing.T) {
	dir := copyTestdata(t)
	db := filepath.Join(t.TempDir(), "placard.db")
	base, _ := runServe(t, nil, "--campaigns", dir, "--db", db)
	common := []string{"--db", db, "--campaigns", dir}
	_, link, _ := runOrganisers(t, nil, append([]string{"invite", "harbour-choir", "sam@example.org", "--base-url", base}, common...)...)
	link = strings.TrimSpace(link)
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	post := func(path string, form url.Values, ck *http.Cookie) *http.Response {
		t.Helper()
		req, _ := http.NewRequest("POST", base+path, strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Origin", base)
		if ck != nil {
			req.AddCookie(ck)
		}
		res, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		return res
	}
	get := func(path string, ck *http.Cookie) *http.Response {
		t.Helper()
		req, _ := http.NewRequest("GET", base+path, nil)
		req.AddCookie(ck)
		res, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		return res
	}
	res := post("/admin/invite", url.Values{"token": {strings.TrimPrefix(link, base+"/admin/invite?t=")}}, nil)
	var ck *http.Cookie
	for _, c := range res.Cookies() {
		if c.Name == "placard-session" {
			ck = c
		}
	}
	if ck == nil {
		t.Fatalf("accepting the invitation: %d, no session cookie", res.StatusCode)
	}
	if res := get("/admin/harbour-choir/audit", ck); res.StatusCode != 200 {
		t.Fatalf("an editor's audit log: %d", res.StatusCode)
	}

	// Inviting again as a viewer changes nothing, and says how to.
	code, _, errs := runOrganisers(t, nil, append([]string{"invite", "harbour-choir", "sam@example.org", "--role", "viewer", "--base-url", base}, common...)...)
	if code != 0 || !strings.Contains(errs, "already editor of harbour-choir") || !strings.Contains(errs, "placard organisers role harbour-choir sam@example.org --role viewer") {
		t.Errorf("inviting an editor again as a viewer: exit %d, %q", code, errs)
	}

	code, _, errs = runOrganisers(t, nil, "role", "harbour-choir", "sam@example.org", "--role", "viewer", "--db", db)
	if code != 0 || !strings.Contains(errs, "sam@example.org is now viewer of harbour-choir") {
		t.Fatalf("role: exit %d, %q", code, errs)
	}
	if res := get("/admin/harbour-choir", ck); res.StatusCode != 200 {
		t.Errorf("a viewer's dashboard in the same session: %d, want 200", res.StatusCode)
	}
	if res := get("/admin/harbour-choir/audit", ck); res.StatusCode != http.StatusForbidden {
		t.Errorf("the audit log in the same session after becoming a viewer: %d, want 403", res.StatusCode)
	}
	if res := post("/admin/harbour-choir/erase", url.Values{"email": {"x@example.org"}}, ck); res.StatusCode != http.StatusForbidden {
		t.Errorf("an erasure in the same session after becoming a viewer: %d, want 403", res.StatusCode)
	}
	code, out, _ := runOrganisers(t, nil, "list", "--db", db)
	if code != 0 || !strings.Contains(out, "harbour-choir\tsam@example.org\tviewer") {
		t.Errorf("list after the change: %q", out)
	}
	for _, c := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"role", "harbour-choir", "sam@example.org"}, 2, "say which role"},
		{[]string{"role", "harbour-choir", "sam@example.org", "--role", "site-admin"}, 2, "--site-admin"},
		{[]string{"role", "harbour-choir", "sam@example.org", "--role", "viewr"}, 2, `did you mean "viewer"`},
		{[]string{"role", "harbour-choir", "nobody@example.org", "--role", "editor"}, 1, "is not an organiser of harbour-choir"},
		{[]string{"role", "harbour-choir", "sam@example.org", "--role", "viewer"}, 0, "already viewer"},
		{[]string{"rol"}, 2, `did you mean "role"`},
	} {
		code, _, errs := runOrganisers(t, nil, append(c.args, "--db", db)...)
		if code != c.code || !strings.Contains(errs, c.want) {
			t.Errorf("organisers %v: exit %d, %q; want %d and %q", c.args, code, errs, c.code, c.want)
		}
	}

	code, _, errs = runOrganisers(t, nil, "remove", "harbour-choir", "sam@example.org", "--db", db)
	if code != 0 {
		t.Fatalf("remove: exit %d, %q", code, errs)
	}
	if res := get("/admin/harbour-choir", ck); res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/admin/signin" {
		t.Errorf("the removed organiser's session: %d to %q, want 303 to the sign-in page", res.StatusCode, res.Header.Get("Location"))
	}
}
