package campaign_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/placard/placard/internal/campaign"
)

// examplesDir is the shipped campaigns folder, relative to this package.
const examplesDir = "../../campaigns"

// loadExamples loads the shipped examples, stopping the test when they do not
// load at all. TestShippedCampaignsValid lists the problems themselves.
func loadExamples(t *testing.T) *campaign.Site {
	t.Helper()
	site, problems := campaign.Load(examplesDir)
	if site == nil {
		t.Fatalf("campaign.Load(%q) found %d problem(s) and returned no site, want the examples to load (TestShippedCampaignsValid lists them)", examplesDir, len(problems))
	}
	return site
}

// TestShippedCampaignsValid checks that the examples in campaigns/ load with no
// errors or warnings, and that together they show off everything Placard can
// express: every kind of call to action, both layouts, and the three seed
// shapes (a press statement with related campaigns, a four-step guide, an open
// letter signed by ten organisations).
func TestShippedCampaignsValid(t *testing.T) {
	// The examples are what new organisers copy, so they must be spotless:
	// every problem fails the test, warnings included, and all are listed.
	site, problems := campaign.Load(examplesDir)
	if len(problems) > 0 {
		lines := make([]string, len(problems))
		for i, p := range problems {
			lines[i] = "  " + p.String()
		}
		t.Errorf("the shipped campaigns have %d problem(s), want none:\n%s", len(problems), strings.Join(lines, "\n"))
	}
	if site == nil {
		t.Fatalf("campaign.Load(%q) returned no site", examplesDir)
	}

	if got := len(site.Orgs); got != 4 {
		t.Errorf("got %d example organisations, want 4", got)
	}
	// At least one example speaks English, Arabic and Hebrew (issue 5).
	shore := mustCampaign(t, site, "shared-shore", "keep-the-library-open-late")
	if got := strings.Join(shore.Org.Langs(), " "); got != "en ar he" {
		t.Errorf("shared-shore languages = %q, want en ar he", got)
	}
	for lang, want := range map[string]string{"ar": "أبقوا مكتبة الشاطئ مفتوحة في المساء", "he": "השאירו את ספריית החוף פתוחה בערבים"} {
		if got := shore.In(lang).Title; got != want {
			t.Errorf("shared-shore title in %s = %q, want %q", lang, got, want)
		}
	}

	kinds := map[campaign.Kind]bool{}
	layouts := map[campaign.Layout]bool{}
	for _, o := range site.Orgs {
		if len(o.Campaigns) == 0 {
			t.Errorf("organisation %s has no campaigns, want at least one", o.Slug)
		}
		for _, c := range o.Campaigns {
			layout := c.Layout
			if layout == "" {
				layout = campaign.LayoutSections
			}
			layouts[layout] = true
			for i, a := range c.Actions {
				kinds[a.Kind] = true
				if !payloadSet(a) {
					t.Errorf("%s action %d (%s): the %s details were not loaded", c.File, i+1, a.Kind, a.Kind)
				}
			}
		}
	}
	for _, k := range campaign.Kinds {
		if !kinds[k] {
			t.Errorf("no example uses the %q call to action, want every kind used at least once", k)
		}
	}
	for _, l := range []campaign.Layout{campaign.LayoutSections, campaign.LayoutSteps} {
		if !layouts[l] {
			t.Errorf("no example uses the %q layout, want both layouts used", l)
		}
	}
}

// TestShippedCampaignsSeedShapes checks the particular shape each example
// organisation is modelled on, so an edit cannot quietly lose it.
func TestShippedCampaignsSeedShapes(t *testing.T) {
	site := loadExamples(t)

	t.Run("press statement with three related campaigns", func(t *testing.T) {
		c := mustCampaign(t, site, "northgate-tenants", "a-pause-is-not-enough")
		st := firstAction(t, c, campaign.KindStatement)
		if st.Statement.Dateline == "" || st.Statement.Availability == "" {
			t.Errorf("statement dateline %q, availability %q: want both set", st.Statement.Dateline, st.Statement.Availability)
		}
		if c.Org.MediaContact == nil || c.Org.About == "" {
			t.Errorf("organisation media contact %v, about %q: want both set", c.Org.MediaContact, c.Org.About)
		}
		if len(c.Hashtags) == 0 {
			t.Errorf("got no hashtags, want at least one")
		}
		if c.Image == nil || c.Image.Alt == "" {
			t.Errorf("got image %+v, want an image with alt text", c.Image)
		}
		firstAction(t, c, campaign.KindListen)
		res := firstAction(t, c, campaign.KindResources)
		if len(res.Resources.Items) == 0 || res.Resources.Items[0].Asset == nil || res.Resources.Items[0].Asset.ContentType != "application/pdf" {
			t.Errorf("first resource %+v: want the PDF report from the organisation's folder", res.Resources.Items)
		}
		if got := len(c.Related); got != 3 {
			t.Fatalf("got %d related campaigns, want 3", got)
		}
		want := map[campaign.Kind]bool{campaign.KindResources: false, campaign.KindPetition: false, campaign.KindContact: false}
		for _, r := range c.Related {
			if r.Target == nil {
				t.Errorf("related campaign %q was not resolved", r.Campaign)
				continue
			}
			for _, a := range r.Target.Actions {
				if _, ok := want[a.Kind]; ok {
					want[a.Kind] = true
				}
			}
		}
		for k, found := range want {
			if !found {
				t.Errorf("no related campaign has a %s call to action, want one", k)
			}
		}
		contact := firstAction(t, mustCampaign(t, site, "northgate-tenants", "investigate-kestrel-street"), campaign.KindContact)
		regions := map[string]bool{}
		for _, tg := range contact.Contact.Targets {
			regions[tg.Region] = true
		}
		if len(regions) < 2 || contact.Contact.Script == "" || contact.Contact.Subject == "" || contact.Contact.Message == "" {
			t.Errorf("contact has %d regions, script %t, subject %t, message %t: want 2+ regions and all three texts",
				len(regions), contact.Contact.Script != "", contact.Contact.Subject != "", contact.Contact.Message != "")
		}
	})

	t.Run("four-step guide", func(t *testing.T) {
		c := mustCampaign(t, site, "orrin-delta-network", "stand-with-delta-responders")
		if c.Layout != campaign.LayoutSteps {
			t.Errorf("got layout %q, want %q", c.Layout, campaign.LayoutSteps)
		}
		var got []campaign.Kind
		for _, a := range c.Actions {
			got = append(got, a.Kind)
			if a.Icon == "" {
				t.Errorf("step %q has no icon, want an emoji", a.Title)
			}
		}
		want := []campaign.Kind{campaign.KindListen, campaign.KindShare, campaign.KindEngage, campaign.KindDonate}
		if !slices.Equal(got, want) {
			t.Errorf("got steps %v, want %v", got, want)
		}
		if len(c.Org.Members) == 0 {
			t.Errorf("organisation has no members, want a directory for the engage step")
		}
		share := firstAction(t, c, campaign.KindShare)
		for _, n := range []campaign.Network{campaign.NetworkX, campaign.NetworkBluesky, campaign.NetworkMastodon, campaign.NetworkWhatsApp, campaign.NetworkEmail} {
			if share.Share.Messages.For(n) == share.Share.Messages.Default.First() {
				t.Errorf("share has no message of its own for %s, want one", n)
			}
		}
		donate := firstAction(t, c, campaign.KindDonate)
		if len(donate.Donate.Destinations) < 2 || len(donate.Donate.Amounts) == 0 || donate.Donate.Currency == "" {
			t.Errorf("donate has %d destinations, amounts %v, currency %q: want the org and members, amounts and a currency",
				len(donate.Donate.Destinations), donate.Donate.Amounts, donate.Donate.Currency)
		}
	})

	t.Run("open letter signed by ten organisations", func(t *testing.T) {
		c := mustCampaign(t, site, "common-table", "letter-to-president-quist")
		letter := firstAction(t, c, campaign.KindLetter)
		if got := len(letter.Letter.Organisations); got != 10 {
			t.Errorf("got %d organisations signing the letter, want 10", got)
		}
		logos := 0
		for _, s := range letter.Letter.Organisations {
			if s.Link == "" {
				t.Errorf("signatory %q has no link, want one", s.Name)
			}
			if s.Logo != nil {
				logos++
			}
		}
		if logos == 0 || logos == len(letter.Letter.Organisations) {
			t.Errorf("got %d of %d signatories with logos, want some but not all", logos, len(letter.Letter.Organisations))
		}
		if len(letter.Letter.Individuals) == 0 {
			t.Errorf("got no individual signatories, want a few with roles")
		}
		if !strings.HasPrefix(letter.Letter.Salutation, "Dear President") {
			t.Errorf("got salutation %q, want it to start with \"Dear President\"", letter.Letter.Salutation)
		}
		firstAction(t, c, campaign.KindShare)
	})
}

// TestShippedCampaignsImages checks every campaign picture is large enough for
// a share preview (1200×630) and small enough to load quickly on a phone.
func TestShippedCampaignsImages(t *testing.T) {
	site := loadExamples(t)
	for _, o := range site.Orgs {
		for _, c := range o.Campaigns {
			if c.Image == nil {
				t.Errorf("%s has no image, want one for its share preview", c.File)
				continue
			}
			a := c.Image.Asset
			if a == nil {
				t.Errorf("%s: image %s was not loaded", c.File, c.Image.Src)
				continue
			}
			if a.Width < 1200 || a.Height < 630 {
				t.Errorf("%s: image %s is %d×%d, want at least 1200×630", c.File, a.Path, a.Width, a.Height)
			}
			if len(a.Data) > 120<<10 {
				t.Errorf("%s: image %s is %d KB, want at most 120 KB", c.File, a.Path, len(a.Data)>>10)
			}
		}
	}
}

// mustCampaign returns the campaign org/slug or stops the test.
func mustCampaign(t *testing.T, site *campaign.Site, org, slug string) *campaign.Campaign {
	t.Helper()
	c := site.Campaign(org, slug)
	if c == nil {
		t.Fatalf("got no campaign %s/%s, want the example", org, slug)
	}
	return c
}

// firstAction returns c's first call to action of kind k, with its details
// loaded, or stops the test.
func firstAction(t *testing.T, c *campaign.Campaign, k campaign.Kind) campaign.Action {
	t.Helper()
	for _, a := range c.Actions {
		if a.Kind == k {
			if !payloadSet(a) {
				t.Fatalf("%s: the %s details were not loaded", c.File, k)
			}
			return a
		}
	}
	t.Fatalf("%s has no %s call to action, want one", c.File, k)
	return campaign.Action{}
}

// payloadSet reports whether the kind-specific details matching a.Kind were loaded.
func payloadSet(a campaign.Action) bool {
	switch a.Kind {
	case campaign.KindStatement:
		return a.Statement != nil
	case campaign.KindLetter:
		return a.Letter != nil
	case campaign.KindPetition:
		return a.Petition != nil
	case campaign.KindContact:
		return a.Contact != nil
	case campaign.KindShare:
		return a.Share != nil
	case campaign.KindListen:
		return a.Listen != nil
	case campaign.KindEngage:
		return a.Engage != nil
	case campaign.KindDonate:
		return a.Donate != nil
	case campaign.KindResources:
		return a.Resources != nil
	}
	return false
}
