package main

import (
	"path/filepath"
	"strings"
	"testing"
)

// TestOrganisersRoleNotForSiteAdmins: `placard organisers role` changes a
// role in an organisation; given an empty organisation it must not reach
// a site admin (whose organisation is empty) and turn them into a
// "viewer of nothing", who could then see no page at all (the console's
// home sent them round in a loop). Before, `role "" admin@… --role viewer`
// did exactly that and said "is now viewer of".
func TestOrganisersRoleNotForSiteAdmins(t *testing.T) {
	dir := copyTestdata(t)
	db := filepath.Join(t.TempDir(), "placard.db")
	common := []string{"--db", db, "--campaigns", dir}
	if code, _, errs := runOrganisers(t, nil, append([]string{"invite", "--site-admin", "op@example.org", "--base-url", "https://example.org"}, common...)...); code != 0 {
		t.Fatalf("invite --site-admin: exit %d, %q", code, errs)
	}
	code, _, errs := runOrganisers(t, nil, "role", "", "op@example.org", "--role", "viewer", "--db", db)
	if code != 2 || !strings.Contains(errs, "--site-admin") {
		t.Errorf(`role "" op@example.org --role viewer: exit %d, %q; want a usage error pointing to --site-admin`, code, errs)
	}
	_, out, _ := runOrganisers(t, nil, "list", "--db", db)
	if !strings.Contains(out, "op@example.org\tsite-admin") {
		t.Errorf("the site admin after the refused change: %q", out)
	}
}
