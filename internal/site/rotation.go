package site

import (
	"fmt"

	"github.com/placard/placard/internal/attribution"
	"github.com/placard/placard/internal/campaign"
	"github.com/placard/placard/internal/pagecache"
	"github.com/placard/placard/views"
)

// Share messages on pages: which message each network is offered, the
// share block's tagged links, and the renderings of a page whose share
// action lists several messages (rotations).

// CampaignMessages is what a campaign's share links say: the share
// action's messages (variant v of each), else the summary, each with the
// hashtags added at its end (campaign.WithHashtags: every network posts
// them, and check counts them in each network's limit); the email subject;
// and the hashtags. sh may be nil (a page without a share action).
func CampaignMessages(c *campaign.Campaign, sh *campaign.Share, v int) (msg func(campaign.Network) string, subject string, tags []string) {
	var msgs campaign.ShareMessages
	tags, subject = c.Hashtags, c.Title
	if sh != nil {
		msgs = sh.Messages
		if len(sh.Hashtags) > 0 {
			tags = sh.Hashtags
		}
		if sh.EmailSubject != "" {
			subject = sh.EmailSubject
		}
	}
	return func(n campaign.Network) string {
		m := msgs.Variant(n, v)
		if m == "" {
			m = c.Summary
		}
		return campaign.WithHashtags(m, tags)
	}, subject, tags
}

// FirstShare returns the campaign's first share action, or nil.
func FirstShare(c *campaign.Campaign) *campaign.Share {
	for _, a := range c.Actions {
		if a.Share != nil {
			return a.Share
		}
	}
	return nil
}

// ShareViewFor builds a share block for link: tagged network links, the
// Mastodon form, the copy field (tagged "copy") and the native share
// button (tagged "share").
func ShareViewFor(pagePath, link string, msg func(campaign.Network) string, subject string, tags []string) views.ShareView {
	return shareViewWith(pagePath, link, msg, networkSource, subject, tags)
}

// networkSource tags a share link with its network alone.
func networkSource(n campaign.Network) string { return string(n) }

// wordingSources tags each network's link with the wording rotation v
// shows (x-2) when that network rotates several messages (wording.go in
// internal/attribution), else with the network alone.
func wordingSources(sh *campaign.Share, v int) func(campaign.Network) string {
	if sh == nil {
		return networkSource
	}
	return func(n campaign.Network) string {
		return attribution.WordingSource(string(n), sh.Messages.Wording(n, v))
	}
}

// shareViewWith is ShareViewFor with each network's source tag from src.
func shareViewWith(pagePath, link string, msg, src func(campaign.Network) string, subject string, tags []string) views.ShareView {
	copyURL := attribution.WithSource(link, attribution.SourceCopy, "")
	return views.ShareView{
		URL:     copyURL,
		Message: copyMessage(withLink(msg(""), copyURL), hashtags(tags)),
		Links:   shareLinks(msg, src, link, subject),
		Mastodon: views.MastodonShare{
			Action: pagePath + "/share/mastodon",
			Text:   withLink(msg(campaign.NetworkMastodon), attribution.WithSource(link, src(campaign.NetworkMastodon), "")),
		},
		Hashtags:   hashtags(tags),
		NativeURL:  attribution.WithSource(link, attribution.SourceShare, ""),
		NativeText: withoutLink(msg("")),
	}
}

// rotations is how many share-message renderings campaign c needs: the
// longest list of messages of any of its share actions (1 for none).
func rotations(c *campaign.Campaign) int {
	n := 1
	for _, a := range c.Actions {
		if a.Share != nil {
			n = max(n, a.Share.Messages.Variants())
		}
	}
	return n
}

// rotationProps are the props of c's page for share rotations 1, 2, …
// (rotation 0 is the page itself), or nil when its messages do not rotate.
// Region variants keep rotation 0.
func (b *builder) rotationProps(c *campaign.Campaign) []views.CampaignPageProps {
	n := rotations(c)
	if n == 1 || b.mode == ModePreview {
		return nil
	}
	out := make([]views.CampaignPageProps, 0, n-1)
	for v := 1; v < n; v++ {
		cp, _ := b.with(b.mode, v).campaignProps(c, "")
		out = append(out, cp)
	}
	return out
}

// addRotations renders the other share-message renderings of a campaign
// page served from the plain cache (see snapshot.rotations).
func (b *builder) addRotations(c *campaign.Campaign, path string) error {
	props := b.rotationProps(c)
	if props == nil {
		return nil
	}
	// Each rendering's ETags name it (pagecache.SetVariant), so a reader
	// revalidating on any instance, or after a restart, keeps its wording.
	main := b.snap.Pages[path]
	main.SetVariant(0)
	rot := []*pagecache.Response{main}
	for i, cp := range props {
		page, err := b.renderPage(path, views.CampaignPage(cp), cp.Page, postsForm(cp.Actions))
		if err != nil {
			return fmt.Errorf("rendering %s with share messages %d: %w", path, i+2, err)
		}
		page.SetVariant(i + 1)
		rot = append(rot, page)
	}
	b.snap.Rotations[path] = rot
	return nil
}
