package campaign_test

import (
	"strings"
	"testing"

	"github.com/placard/placard/internal/campaign"
	"github.com/placard/placard/internal/campaign/campaigntest"
)

// signFields returns the field rules of the first petition of c.
func signFields(t *testing.T, c *campaign.Campaign) campaign.Fields {
	t.Helper()
	for _, a := range c.Actions {
		if a.Petition != nil {
			return a.Petition.Fields
		}
	}
	t.Fatalf("%s has no petition", c.Slug)
	return campaign.Fields{}
}

// TestNameFields: name_fields: split in org.yaml makes every petition ask
// for given and family names apart, a campaign's own setting wins, every
// language's copy carries the same, and the default is one field.
func TestNameFields(t *testing.T) {
	s := campaigntest.Site(t, campaigntest.Files{
		"riverside/org.yaml": emailOrg + "name_fields: split\n",
		"riverside/a.yaml":   emailCampaign,
		"riverside/b.yaml":   emailCampaign + "name_fields: one\n",
	})
	for _, tc := range []struct {
		slug  string
		split bool
	}{{"a", true}, {"b", false}} {
		c := s.Campaign("riverside", tc.slug)
		for _, cc := range []*campaign.Campaign{c, c.In("ar")} {
			if got := signFields(t, cc).SplitNames; got != tc.split {
				t.Errorf("%s (%s): SplitNames %v, want %v", tc.slug, cc.Org.Language, got, tc.split)
			}
		}
	}
	plain := campaigntest.Site(t, campaigntest.Files{
		"riverside/org.yaml": emailOrg,
		"riverside/a.yaml":   emailCampaign,
		"riverside/b.yaml":   emailCampaign + "name_fields: split\n",
	})
	if signFields(t, plain.Campaign("riverside", "a")).SplitNames {
		t.Error("without name_fields: SplitNames true, want false")
	}
	if !signFields(t, plain.Campaign("riverside", "b")).SplitNames {
		t.Error("campaign name_fields: split: SplitNames false, want true")
	}
}

// TestNameFieldsChecked: a wrong value is reported at its line and column
// with the fix.
func TestNameFieldsChecked(t *testing.T) {
	for _, tc := range []struct{ org, camp, want string }{
		{"name_fields: two\n", "", "org.yaml:3:14: 'name_fields' must be one or split, not 'two'"},
		{"name_fields: \"\"\n", "", "org.yaml:3:14: 'name_fields' is empty — write one"},
		{"", "name_fields: splt\n", "a.yaml:8:14: 'name_fields' must be one or split, not 'splt' — did you mean 'split'?"},
		{"name_feilds: split\n", "", "name_fields"},
	} {
		files := campaigntest.Files{"riverside/org.yaml": emailOrg + tc.org, "riverside/a.yaml": emailCampaign + tc.camp}
		_, problems := campaign.LoadFS(files.FS(), ".")
		if problems == nil || !strings.Contains(problems.Error(), tc.want) {
			t.Errorf("%q %q: problems %v, want %q", tc.org, tc.camp, problems, tc.want)
		}
	}
}
