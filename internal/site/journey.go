package site

import (
	"github.com/placard/placard/internal/campaign"
	"github.com/placard/placard/internal/i18n"
	"github.com/placard/placard/views"
)

// The pages after signing: the new signer's place, and the donation ask
// on the thank-you page.

// Place words a new signer's place among count signers, in lc's language,
// with the goal the organiser set while it is still ahead ("You are number
// 13: help us reach 5,000."). A count below one (figures not yet fetched)
// reads as one: the signer who sees the page has signed.
func (lc *SigningCampaign) Place(count int) string {
	count = max(count, 1)
	goal := 0
	for _, sa := range lc.Signables {
		goal = max(goal, sa.goal)
	}
	l := lc.Loc
	if l == nil {
		l = i18n.English()
	}
	if goal > count {
		return l.T("journey.place.goal", "n", l.Number(count), "goal", l.Number(goal))
	}
	return l.T("journey.place", "n", l.Number(count))
}

// Signatures is the count of signatures lc's page was last rendered with:
// the tally watcher's, which follows the store within a fraction of a
// second; 0 before the first.
func (lc *SigningCampaign) Signatures() int {
	if lp := lc.Pages.Load(); lp != nil && lp.Regions.t != nil {
		return lp.Regions.t.Signatures
	}
	return 0
}

// donateAsk is the thank-you page's invitation to give: the campaign's
// first donate call to action's first destination and amounts, else the
// organisation's donate: page; nil when there is neither.
func donateAsk(l *i18n.Localizer, c *campaign.Campaign) *views.DonateAsk {
	var d *campaign.Donate
	for _, a := range c.Actions {
		if a.Donate != nil {
			d = a.Donate
			break
		}
	}
	if d == nil && c.Org.Donate == "" {
		return nil
	}
	dv := donateView(c.Org, d, l.Money)
	if len(dv.Destinations) == 0 || dv.Destinations[0].URL == "" {
		return nil
	}
	dst := dv.Destinations[0]
	ask := &views.DonateAsk{
		Title:   l.T("journey.donate.title"),
		Text:    l.T("journey.donate.body", "org", dst.Name),
		Amounts: dst.Amounts,
		URL:     dst.URL,
		Label:   l.T("journey.donate.go", "org", dst.Name),
	}
	if len(ask.Amounts) > 0 {
		ask.Label = l.T("journey.donate.other")
	}
	return ask
}
