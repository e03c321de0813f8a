package site

import (
	"strings"

	"github.com/placard/placard/internal/attribution"
	"github.com/placard/placard/internal/campaign"
	"github.com/placard/placard/views"
)

// linkPlaceholder is where organisers put the campaign's address in a share message.
const linkPlaceholder = "{link}"

// withLink puts link where the message says {link}, or after it when it does not.
func withLink(msg, link string) string {
	msg = strings.TrimSpace(msg)
	if strings.Contains(msg, linkPlaceholder) {
		return strings.ReplaceAll(msg, linkPlaceholder, link)
	}
	if msg == "" {
		return link
	}
	return msg + " " + link
}

// withoutLink removes {link} for share screens that take the address
// separately (Telegram), tidying the spaces around it.
func withoutLink(msg string) string {
	msg = strings.ReplaceAll(msg, linkPlaceholder, "")
	return strings.Join(strings.Fields(msg), " ")
}

// shareLabels are the link texts, by network.
var shareLabels = map[campaign.Network]string{
	campaign.NetworkX:        "Post on X",
	campaign.NetworkBluesky:  "Post on Bluesky",
	campaign.NetworkMastodon: "Share on Mastodon",
	campaign.NetworkFacebook: "Share on Facebook",
	campaign.NetworkLinkedIn: "Share on LinkedIn",
	campaign.NetworkWhatsApp: "Send on WhatsApp",
	campaign.NetworkTelegram: "Send on Telegram",
	campaign.NetworkEmail:    "Send by email",
}

// shareLinks builds the share address for every network except Mastodon
// (which needs the reader's own server and goes through a form), in page
// order. msg returns the message a network uses (before {link} is filled);
// link is the campaign's canonical address (or a personal link), which each
// network's link carries with ?src=SOURCE added, SOURCE being src(n).
func shareLinks(msg func(campaign.Network) string, src func(campaign.Network) string, link, emailSubject string) []views.ShareLink {
	var out []views.ShareLink
	plain := link
	for _, n := range campaign.Networks {
		// Each network shares the address tagged with its own source, so
		// arrivals and signatures can be counted per network (internal/attribution).
		link := attribution.WithSource(plain, src(n), "")
		text := withLink(msg(n), link)
		l := views.ShareLink{Network: string(n), Label: shareLabels[n]}
		switch n {
		case campaign.NetworkX:
			l.URL = "https://x.com/intent/post?text=" + QueryEscape(text)
		case campaign.NetworkBluesky:
			l.URL = "https://bsky.app/intent/compose?text=" + QueryEscape(text)
		case campaign.NetworkMastodon:
			continue
		case campaign.NetworkFacebook:
			l.URL = "https://www.facebook.com/sharer/sharer.php?u=" + QueryEscape(link)
			l.Text = text
		case campaign.NetworkLinkedIn:
			l.URL = "https://www.linkedin.com/sharing/share-offsite/?url=" + QueryEscape(link)
			l.Text = text
		case campaign.NetworkWhatsApp:
			l.URL = "https://wa.me/?text=" + QueryEscape(text)
		case campaign.NetworkTelegram:
			l.URL = "https://t.me/share/url?url=" + QueryEscape(link)
			if t := withoutLink(msg(n)); t != "" {
				l.URL += "&text=" + QueryEscape(t)
			}
		case campaign.NetworkEmail:
			l.URL = MailtoURL("", emailSubject, text)
		}
		out = append(out, l)
	}
	return out
}
