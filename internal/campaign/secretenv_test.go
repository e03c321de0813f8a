package campaign_test

import (
	"strings"
	"testing"
	"testing/fstest"

	"github.com/placard/placard/internal/campaign"
)

// TestSecretEnvAllowed: an org.yaml may name its own PLACARD_ORG_<SLUG>__…
// variables and the operator's allow-list, never any other variable of the
// server's (the OSDI key is sent as it is to the address beside it).
func TestSecretEnvAllowed(t *testing.T) {
	allow := []string{"CRM_SHARED_SECRET"}
	for _, c := range []struct {
		slug, name string
		want       bool
	}{
		{"northgate", "PLACARD_ORG_NORTHGATE__AN_KEY", true},
		{"north-gate", "PLACARD_ORG_NORTH_GATE__AN_KEY", true},
		{"northgate", "PLACARD_ORG_NORTHGATE__", false},
		{"northgate", "PLACARD_ORG_SOUTH__AN_KEY", false},
		{"northgate", "AWS_SECRET_ACCESS_KEY", false},
		{"northgate", "DATABASE_URL", false},
		{"northgate", "PLACARD_SMTP", false},
		{"northgate", "CRM_SHARED_SECRET", true},
		{"", "PLACARD_ORG__X", false},
		{"northgate", "placard_org_northgate_x", false},
		// The slug ends at the first double underscore, so no name is
		// two organisations' own: north cannot name north-gate's key
		// (nor, once north-gate has left the site, a variable of its
		// still set), and a single underscore names no one's.
		{"north", "PLACARD_ORG_NORTH_GATE__AN_KEY", false},
		{"north", "PLACARD_ORG_NORTH__GATE_AN_KEY", true},
		{"north-gate", "PLACARD_ORG_NORTH__GATE_AN_KEY", false},
		{"northgate", "PLACARD_ORG_NORTHGATE_AN_KEY", false},
	} {
		if got := campaign.SecretEnvAllowed(c.slug, c.name, allow); got != c.want {
			t.Errorf("SecretEnvAllowed(%q, %q) = %v, want %v", c.slug, c.name, got, c.want)
		}
	}
	if campaign.SecretEnvAllowed("x", "PLACARD_SMTP", []string{"PLACARD_SMTP"}) {
		t.Error("a listed PLACARD_ setting was allowed")
	}
}

// TestParseSecretEnv: the operator's list, comma or space separated;
// Placard's own settings and organisations' variables are refused.
func TestParseSecretEnv(t *testing.T) {
	got, err := campaign.ParseSecretEnv(" CRM_SECRET, AN_KEY  CRM_SECRET ")
	if err != nil || strings.Join(got, " ") != "CRM_SECRET AN_KEY" {
		t.Errorf("got %q, %v", got, err)
	}
	for _, bad := range []string{"PLACARD_SMTP", "PLACARD_ORG_X__KEY", "lower", "A-B"} {
		if _, err := campaign.ParseSecretEnv(bad); err == nil {
			t.Errorf("%s: accepted", bad)
		}
	}
}

// TestLoadWithSecretEnv: a name on the operator's list loads; an OSDI key
// two organisations name is still refused, listed or not.
func TestLoadWithSecretEnv(t *testing.T) {
	fsys := fstest.MapFS{
		"crm/org.yaml": {Data: []byte("name: CRM\nwebhooks:\n  - url: https://crm.example.org/h\n    secret_env: CRM_SHARED_SECRET\n    events: [signature.created]\n")},
	}
	if _, ps := campaign.LoadFS(fsys, "."); !ps.HasErrors() || !strings.Contains(ps.Error(), "--secret-env CRM_SHARED_SECRET") {
		t.Errorf("without the list: %v", ps)
	}
	if _, ps := campaign.LoadFSWith(fsys, ".", campaign.LoadOptions{SecretEnv: []string{"CRM_SHARED_SECRET"}}); ps.HasErrors() {
		t.Errorf("with the list: %v", ps)
	}
	osdi := "osdi:\n  url: https://an.example.org/s\n  api_key_env: AN_KEY\n"
	fsys["a/org.yaml"] = &fstest.MapFile{Data: []byte("name: A\n" + osdi)}
	fsys["b/org.yaml"] = &fstest.MapFile{Data: []byte("name: B\n" + osdi)}
	_, ps := campaign.LoadFSWith(fsys, ".", campaign.LoadOptions{SecretEnv: []string{"CRM_SHARED_SECRET", "AN_KEY"}})
	if n := strings.Count(ps.Error(), "more than one organisation names"); n != 2 {
		t.Errorf("a shared listed OSDI key: %d refusals in %v", n, ps)
	}
}
