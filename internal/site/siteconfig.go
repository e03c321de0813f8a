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

// siteFiles stands for the site as the owner of its own files (site.yaml's
// logo), which are served under /static/_site/, apart from every
// organisation's (an organisation's folder name cannot start with _).
var siteFiles = &campaign.Org{Slug: "_site"}

// siteLogo is the logo of pages that belong to no organisation: site.yaml's
// own logo, else the default organisation's, else none.
func (b *builder) siteLogo() *views.Img {
	cfg := b.siteConfig()
	if cfg != nil && cfg.Logo != nil && cfg.Logo.Asset != nil {
		return b.picture(siteFiles, cfg.Logo, logoSizes(2.5))
	}
	if def := cfg.DefaultOrg(); def != nil {
		return b.picture(def, def.Logo, logoSizes(2.5))
	}
	return nil
}

// siteDescription is site.yaml's description, or "".
func (b *builder) siteDescription() string {
	if c := b.siteConfig(); c != nil {
		return strings.TrimSpace(c.Description)
	}
	return ""
}
