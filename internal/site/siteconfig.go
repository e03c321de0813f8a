package site

import (
	"strings"

	"github.com/placard/placard/internal/campaign"
	"github.com/placard/placard/views"
)

// The site as a whole (site.yaml): its name is already in Options.SiteName
// (Compile); what else pages that belong to no organisation show of it.

// siteConfig is the compiled site's site.yaml, or nil.
func (b *builder) siteConfig() *campaign.SiteConfig {
	if b.snap.Site == nil {
		return nil
	}
	return b.snap.Site.Config
}

// siteFrame gives a page of the whole site (the index, page not found)
// the default organisation's logo beside the site's name, when site.yaml
// names one.
func (b *builder) siteFrame(p *views.Page) {
	if b.snap.siteLogo != nil {
		p.Brand.Logo = b.snap.siteLogo // made once by Compile
	}
}

// siteDescription is site.yaml's description, or "".
func (b *builder) siteDescription() string {
	if c := b.siteConfig(); c != nil {
		return strings.TrimSpace(c.Description)
	}
	return ""
}
