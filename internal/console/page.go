package console

import (
	"errors"
	"net/http"
	"strings"

	"github.com/go-chi/chi/v5"

	"github.com/placard/placard/internal/accounts"
	"github.com/placard/placard/internal/campaign"
	"github.com/placard/placard/internal/i18n"
	"github.com/placard/placard/internal/store"
	"github.com/placard/placard/views/admin"
)

// localizer speaks the language the browser prefers among Placard's.
func localizer(r *http.Request) *i18n.Localizer {
	lang, _ := i18n.Negotiate(r.Header.Get("Accept-Language"), i18n.Supported)
	return i18n.New(lang, nil)
}

// page is the view model every page shares: the organiser's language, who
// is signed in, and, under /{org}, the organisation's navigation with the
// current section marked.
func (c *Console) page(r *http.Request, title string) admin.Page {
	p := admin.Page{L: localizer(r), Title: title, SiteName: c.cfg.SiteName, StyleURL: c.styleURL, SignOutURL: Prefix + "/signout"}
	o, ok := OrganiserFrom(r.Context())
	if !ok {
		return p
	}
	p.Who = o.Email
	if c.wa != nil {
		p.PasskeysURL = Prefix + "/passkey"
	}
	if _, ok := c.cfg.Store.(store.Sessions); ok {
		p.SessionsURL = Prefix + "/sessions"
	}
	if o.Role == accounts.RoleSiteAdmin {
		p.ActivityURL = Prefix + "/activity"
	}
	org := c.org(r)
	if org == nil {
		return p
	}
	p.Org, p.OrgName = org.Slug, org.Name
	base := Prefix + "/" + org.Slug
	items := []admin.NavItem{
		{Label: p.L.T("console.nav.dashboard"), URL: base},
		{Label: p.L.T("console.nav.moderation"), URL: base + "/moderation"},
		{Label: p.L.T("console.nav.data"), URL: base + "/data"},
	}
	if o.CanChange(org.Slug) {
		items = append(items, admin.NavItem{Label: p.L.T("console.nav.audit"), URL: base + "/audit"})
	}
	items = append(items, c.extraNav(org.Slug, p.L)...)
	for i := range items {
		items[i].Current = r.URL.Path == items[i].URL || (i > 0 && strings.HasPrefix(r.URL.Path, items[i].URL+"/"))
	}
	p.Nav = items
	return p
}

// extraNav is where further sections (editing files, publishing) add
// their navigation link.
func (c *Console) extraNav(org string, l *i18n.Localizer) []admin.NavItem { return c.editNav(org, l) }

// org is the organisation of the request's {org}, or nil.
func (c *Console) org(r *http.Request) *campaign.Org {
	slug := chi.URLParam(r, "org")
	if slug == "" {
		return nil
	}
	return c.cfg.Site().Org(slug)
}

// mayChange returns errForbidden unless the organiser may change the
// request's organisation (a viewer may not).
func (c *Console) mayChange(r *http.Request) error {
	o, _ := OrganiserFrom(r.Context())
	if !o.CanChange(chi.URLParam(r, "org")) {
		return errForbidden
	}
	return nil
}

// readForm parses a small urlencoded form (at most 64 KiB).
func readForm(w http.ResponseWriter, r *http.Request) error {
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	if err := r.ParseForm(); err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return errTooBig
		}
		return badRequest("console.err.form")
	}
	return nil
}
