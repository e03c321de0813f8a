package campaign

import (
	"io/fs"
	"path"
	"reflect"
	"strings"
)

// siteFile is the file of settings for the site as a whole, in the
// campaigns folder beside the organisations' folders.
const siteFile = "site.yaml"

// loadSiteConfig reads site.yaml when the campaigns folder has one; the
// organisation it names is resolved once every organisation is loaded
// (resolveSiteConfig).
func (l *loader) loadSiteConfig() {
	l.site = &SiteConfig{File: l.display(siteFile)}
	full := path.Join(l.root, siteFile)
	if _, err := fs.Stat(l.fsys, full); err != nil {
		return
	}
	d := l.decoder(l.site.File, full)
	if root := d.parse("site"); root != nil {
		l.pos[posKey{reflect.ValueOf(l.site).Pointer(), reflect.TypeFor[SiteConfig]()}] = where{d.file, root.Line, root.Column}
		d.decodeStruct(root, reflect.ValueOf(l.site).Elem(), "", "site")
	}
}

// resolveSiteConfig checks site.yaml's default_organisation against the
// organisations loaded.
func (l *loader) resolveSiteConfig() {
	cfg := l.site
	slug := strings.TrimSpace(cfg.DefaultOrganisation)
	if slug == "" {
		return
	}
	var slugs []string
	for _, of := range l.orgs {
		if of.org.Slug == slug {
			cfg.Default = of.org
			return
		}
		slugs = append(slugs, of.org.Slug)
	}
	c := &checker{l: l, file: cfg.File}
	msg := "'default_organisation' names " + quoteValue(slug) + ", which is not an organisation's folder here"
	if m := suggest(slug, slugs); m != "" {
		msg += " — did you mean " + quoteValue(m) + "?"
	} else if len(slugs) > 0 {
		msg += " — write the name of one of the folders: " + strings.Join(slugs, ", ")
	}
	c.errorf(c.at(&cfg.DefaultOrganisation), "%s", msg)
}
