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

// siteAssetsDir is the folder, beside the organisations' folders, that
// holds the site's own files, such as its logo.
const siteAssetsDir = "assets"

// siteAssets reports whether the folder name in the campaigns folder is
// the site's own assets folder rather than an organisation's: it is called
// assets and has no org.yaml.
func (l *loader) siteAssets(name string) bool {
	if name != siteAssetsDir {
		return false
	}
	_, err := fs.Stat(l.fsys, path.Join(l.root, name, "org.yaml"))
	return err != nil
}

// siteLogo checks site.yaml's logo: a picture with alt text, in the
// campaigns folder's assets folder, read like an organisation's logo.
func (l *loader) siteLogo() {
	cfg := l.site
	if cfg.Logo == nil {
		return
	}
	site := &orgFolder{org: &Org{Assets: map[string]*Asset{}}, dir: l.root, listing: map[string][]fs.DirEntry{}}
	c := &checker{l: l, of: site, file: cfg.File}
	if src := path.Clean(strings.TrimSpace(cfg.Logo.Src)); cfg.Logo.Src != "" && !strings.HasPrefix(src, siteAssetsDir+"/") && !strings.Contains(src, "://") {
		c.errorf(c.at(&cfg.Logo.Src), "the site's 'logo' must be a picture in the %s folder beside site.yaml, such as %s/logo.svg — got %s", siteAssetsDir, siteAssetsDir, quoteValue(cfg.Logo.Src))
		return
	}
	c.image(cfg.Logo, "logo")
}

// resolveSiteConfig checks site.yaml's logo, and its default_organisation
// against the organisations loaded.
func (l *loader) resolveSiteConfig() {
	l.siteLogo()
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
