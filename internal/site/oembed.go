package site

import (
	"net/url"
	"sort"

	"github.com/placard/placard/internal/campaign"
	"github.com/placard/placard/views"
)

// oEmbed (https://oembed.com, version 1.0): GET /oembed?url=CAMPAIGN turns
// a campaign's address into the snippet that embeds it, so a content system
// given the link can show the campaign itself. Only JSON is offered.

// campaignDiscovery is what a campaign page announces in its head: its
// organisation's feed and, when the campaign may be embedded, its oEmbed
// description. Previews announce nothing.
func (b *builder) campaignDiscovery(c *campaign.Campaign) []views.Discovery {
	if b.mode == ModePreview {
		return nil
	}
	d := []views.Discovery{b.feedLink(c.Org)}
	if len(c.Org.EmbedOrigins) > 0 {
		page := b.opt.Base + CampaignPath(c)
		d = append(d, views.Discovery{
			Type:  "application/json+oembed",
			Title: c.Title,
			URL:   b.opt.Base + "/oembed?url=" + url.QueryEscape(page) + "&format=json",
		})
	}
	return d
}

// ExportPaths lists what a static copy holds besides the pages: each
// feed, the sitemap and the embeds of campaigns that take no signatures
// (all of them in a copy, which has no store). The oEmbed answer depends on
// its query, so a static host cannot serve it.
func (sy *OtherSites) ExportPaths() []string {
	if sy == nil {
		return nil
	}
	var out []string
	for p := range sy.Feeds {
		out = append(out, p)
	}
	for p := range sy.Pages {
		out = append(out, p)
	}
	if sy.Sitemap != nil {
		out = append(out, "/sitemap.xml")
	}
	sort.Strings(out)
	return out
}
