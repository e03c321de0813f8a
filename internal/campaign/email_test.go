package campaign_test

import (
	"strings"
	"testing"

	"github.com/placard/placard/internal/campaign"
	"github.com/placard/placard/internal/campaign/campaigntest"
)

const emailOrg = "name: Riverside\nlanguages: [en, ar]\n"
const emailCampaign = "title: {en: Save it, ar: أنقذوها}\nsummary: {en: Now, ar: الآن}\ndate: 2026-02-10\nactions:\n  - kind: petition\n    target: {en: The council, ar: المجلس}\n    text: {en: Keep it open, ar: أبقوها مفتوحة}\n"

// TestEmailSettings: email: in org.yaml applies to every campaign, a
// campaign's own wins, and every language's copy carries the same.
func TestEmailSettings(t *testing.T) {
	s := campaigntest.Site(t, campaigntest.Files{
		"riverside/org.yaml": emailOrg + "email: {confirm: true, unconfirmed_days: 3}\n",
		"riverside/a.yaml":   emailCampaign,
		"riverside/b.yaml":   emailCampaign + "email: {confirm: false}\n",
		"riverside/c.yaml":   emailCampaign + "email: {unconfirmed_days: 10}\n",
	})
	for _, tc := range []struct {
		slug    string
		confirm bool
		days    int
	}{{"a", true, 3}, {"b", false, 3}, {"c", true, 10}} {
		c := s.Campaign("riverside", tc.slug)
		for _, cc := range []*campaign.Campaign{c, c.In("ar")} {
			if cc.Confirm != tc.confirm || cc.UnconfirmedDays != tc.days {
				t.Errorf("%s (%s): confirm %v, %d days; want %v, %d", tc.slug, cc.Org.Language, cc.Confirm, cc.UnconfirmedDays, tc.confirm, tc.days)
			}
		}
	}
	plain := campaigntest.Site(t, campaigntest.Files{"riverside/org.yaml": emailOrg, "riverside/a.yaml": emailCampaign})
	if c := plain.Campaign("riverside", "a"); c.Confirm || c.UnconfirmedDays != campaign.DefaultUnconfirmedDays {
		t.Errorf("without email: confirm %v, %d days", c.Confirm, c.UnconfirmedDays)
	}
}

// TestEmailSettingsChecked: wrong values are reported at their line.
func TestEmailSettingsChecked(t *testing.T) {
	for _, tc := range []struct{ org, want string }{
		{"email: {confirm: maybe}\n", "org.yaml:3:18: 'confirm' must be true or false"},
		{"email: {unconfirmed_days: 0}\n", "org.yaml:3:27: 'unconfirmed_days' must be a whole number of days from 1 to 90"},
		{"email: {unconfirmed_days: 400}\n", "'unconfirmed_days' must be a whole number of days from 1 to 90"},
		{"email: {confirm: true, unconfirmd_days: 3}\n", "unconfirmed_days"},
	} {
		files := campaigntest.Files{"riverside/org.yaml": emailOrg + tc.org, "riverside/a.yaml": emailCampaign}
		_, problems := campaign.LoadFS(files.FS(), ".")
		if !strings.Contains(problems.Error(), tc.want) {
			t.Errorf("%q: problems %q, want %q", tc.org, problems.Error(), tc.want)
		}
	}
}
