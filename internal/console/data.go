package console

import (
	"net/http"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/go-chi/chi/v5"

	"github.com/placard/placard/internal/accounts"
	"github.com/placard/placard/internal/campaign"
	"github.com/placard/placard/internal/export"
	"github.com/placard/placard/internal/signing"
	"github.com/placard/placard/internal/store"
	"github.com/placard/placard/internal/webhook"
	"github.com/placard/placard/views/admin"
)

// dataPage offers each signing campaign's exports and the erase form.
// Exports hold supporters' details, so viewers see neither.
func (c *Console) dataPage(w http.ResponseWriter, r *http.Request) error {
	org := c.org(r)
	p := c.page(r, localizer(r).T("console.nav.data"))
	o, _ := OrganiserFrom(r.Context())
	d := admin.Data{EraseAction: Prefix + "/" + org.Slug + "/erase", ReadOnly: !o.CanChange(org.Slug)}
	for _, camp := range org.Campaigns {
		if signs(camp) {
			e := admin.ExportRow{Title: camp.Title}
			for _, f := range export.Formats {
				e.Links = append(e.Links, admin.NavItem{Label: strings.ToUpper(f), URL: Prefix + "/" + org.Slug + "/" + camp.Slug + "/export?format=" + f})
			}
			d.Exports = append(d.Exports, e)
		}
		// A contact campaign's calls and emails (outreach.go).
		if _, ok := c.cfg.Store.(store.Outreach); ok && contacts(camp) {
			e := admin.ExportRow{Title: p.L.T("console.outreach.export", "title", camp.Title)}
			for _, f := range export.Formats {
				e.Links = append(e.Links, admin.NavItem{Label: strings.ToUpper(f), URL: Prefix + "/" + org.Slug + "/" + camp.Slug + "/outreach?format=" + f})
			}
			d.Exports = append(d.Exports, e)
		}
	}
	removed, err := c.removed(r, org.Slug)
	if err != nil {
		return err
	}
	for _, rc := range removed {
		e := admin.ExportRow{Title: p.L.T("console.removed.row", "name", rc.Campaign, "n", p.L.Number(rc.Signatures),
			"date", p.L.Date(rc.RemovedAt), "kept", rc.Name)}
		for _, f := range export.Formats {
			e.Links = append(e.Links, admin.NavItem{Label: strings.ToUpper(f), URL: Prefix + "/" + org.Slug + "/" + rc.Name + "/export?format=" + f})
		}
		d.Removed = append(d.Removed, e)
	}
	if q := r.URL.Query(); q.Get("erased") != "" {
		n, _ := strconv.Atoi(q.Get("erased"))
		p.Notice = p.L.T("console.erase.done", "n", p.L.Number(n))
	}
	c.render(w, r, http.StatusOK, admin.DataPage(p, d))
	return nil
}

// export downloads every signature of one campaign in a format
// `placard signatures export` has, streamed a page at a time. The audit entry is written first: a
// download that is not recorded does not start.
func (c *Console) export(w http.ResponseWriter, r *http.Request) error {
	if err := c.mayChange(r); err != nil {
		return err
	}
	org := c.org(r)
	name := chi.URLParam(r, "campaign")
	if camp := org.Campaign(name); camp == nil || !signs(camp) {
		// Or a removed campaign's signatures, by the name they are
		// kept under (removed): they are this organisation's too.
		removed, err := c.removed(r, org.Slug)
		if err != nil {
			return err
		}
		if !slices.ContainsFunc(removed, func(rc store.RemovedCampaign) bool { return rc.Name == name }) {
			return errNotFound
		}
	}
	format := r.URL.Query().Get("format")
	if format == "" {
		format = "csv"
	}
	if !slices.Contains(export.Formats, format) {
		return badRequest("console.err.format")
	}
	if err := c.audit(r, org.Slug, accounts.ActExport, name+" as "+format); err != nil {
		return err
	}
	h := w.Header()
	h.Set("Content-Type", export.ContentType[format])
	h.Set("Content-Disposition", `attachment; filename="`+org.Slug+"-"+name+"."+format+`"`)
	// A page of store.MaxPage at a time (store.Each): memory holds one
	// page however large the campaign, and no read stays open while a
	// slow client downloads, which would keep an erasure meanwhile from
	// emptying SQLite's write-ahead log and hold a read connection.
	_, err := export.Write(w, format, func(fn func(*signing.Signature) error) error {
		return store.Each(r.Context(), c.pages, store.PageQuery{Org: org.Slug, Campaigns: []string{name}}, fn)
	})
	if err != nil {
		// Headers are gone; the truncated download is the signal, and
		// the log says why.
		c.log.Error("console export failed part-way", "err", err, "org", org.Slug, "campaign", name)
	}
	return nil
}

// erase removes a supporter's signatures from this organisation's
// campaigns, by address: the first POST shows the address back with a
// confirm button, the second (confirm=yes) erases. The audit entry says how
// many, never whose. A site admin's erasure reaches every campaign of the
// installation, as `placard signatures erase` does: each organisation
// served whose signatures it removes gets an entry in its own log with its
// own count, then store.Erase takes what is left.
func (c *Console) erase(w http.ResponseWriter, r *http.Request) error {
	org := c.org(r)
	if err := readForm(w, r); err != nil {
		return err
	}
	raw := strings.TrimSpace(r.PostForm.Get("email"))
	if raw == "" || len(raw) > 254 || !utf8.ValidString(raw) || strings.ContainsFunc(raw, unicode.IsControl) || !addressShaped(raw) {
		return badRequest("console.err.email")
	}
	if r.PostForm.Get("confirm") != "yes" {
		p := c.page(r, localizer(r).T("console.erase.confirm"))
		c.render(w, r, http.StatusOK, admin.EraseConfirmPage(p, admin.EraseConfirm{Action: Prefix + "/" + org.Slug + "/erase", Email: raw}))
		return nil
	}
	o, _ := OrganiserFrom(r.Context())
	orgs := []string{org.Slug}
	if o.Role == accounts.RoleSiteAdmin {
		// Every organisation served, this one first, each erased and
		// audited on its own, so each log counts its own signatures.
		for _, other := range c.cfg.Site().Orgs {
			if other.Slug != org.Slug {
				orgs = append(orgs, other.Slug)
			}
		}
	}
	n := 0
	forms := signing.EraseForms(raw)
	// The organisation's systems are told to forget the person too, as
	// the CLI's and the supporter's own erasures tell them, in the
	// erasure's own transaction (store.TellErased): only an organisation
	// that held the address is, and only when its systems may have had
	// it (a signature not waiting for its signer's confirmation).
	site := c.cfg.Site()
	queued := 0
	tell := webhook.Erasure(func(slug string) *campaign.Org { return site.Org(slug) }, forms[0], c.now())
	counted := func(erased []signing.Signature) ([]signing.Message, error) {
		msgs, err := tell(erased)
		queued += len(msgs)
		return msgs, err
	}
	er, telling := c.acc.(store.Erasures)
	for _, slug := range orgs {
		k := 0
		for _, form := range forms {
			var m int
			var err error
			if telling {
				m, err = er.EraseInTold(r.Context(), slug, form, counted)
			} else {
				m, err = c.acc.EraseIn(r.Context(), slug, form)
			}
			if err != nil {
				return err
			}
			k += m
		}
		n += k
		if k > 0 || slug == org.Slug {
			if err := c.audit(r, slug, accounts.ActErase, strconv.Itoa(k)+" signatures"); err != nil {
				return err
			}
		}
	}
	if o.Role == accounts.RoleSiteAdmin {
		// Then whatever is left: campaigns no longer served, and the
		// address's organiser accounts, as placard signatures erase does.
		for _, form := range signing.EraseForms(raw) {
			k, err := c.cfg.Store.Erase(r.Context(), form)
			if err != nil {
				return err
			}
			n += k
		}
	}
	if queued > 0 && c.cfg.WakeOutbox != nil {
		c.cfg.WakeOutbox()
	}
	http.Redirect(w, r, Prefix+"/"+org.Slug+"/data?erased="+strconv.Itoa(n), http.StatusSeeOther)
	return nil
}

// auditLimit is how many entries the audit page shows.
const auditLimit = 500

// auditPage shows the organisation's audit log to its editors.
func (c *Console) auditPage(w http.ResponseWriter, r *http.Request) error {
	if err := c.mayChange(r); err != nil {
		return err
	}
	org := c.org(r)
	p := c.page(r, localizer(r).T("console.nav.audit"))
	entries, err := c.acc.Audit(r.Context(), org.Slug, auditLimit)
	if err != nil {
		return err
	}
	a := admin.Audit{Entries: auditRows(p.L, entries)}
	c.render(w, r, http.StatusOK, admin.AuditPage(p, a))
	return nil
}

// addressShaped reports whether s has an @ with something on each side,
// as every address has: the command line refuses anything else too. An
// erasure also drops each set-aside damaged bundle of the organisation
// that names what it erases as a whole field (store.Quarantine), and a
// word typed by mistake ("ann", "harbour") is no address to erase.
func addressShaped(s string) bool {
	i := strings.LastIndexByte(s, '@')
	return i > 0 && i < len(s)-1
}

// removed lists organisation org's removed campaigns that still hold
// signatures (store.Removals): kept apart from any new campaign of the
// same name, downloadable and erasable here until their retention.
func (c *Console) removed(r *http.Request, org string) ([]store.RemovedCampaign, error) {
	rm, ok := c.cfg.Store.(store.Removals)
	if !ok {
		return nil, nil
	}
	all, err := rm.RemovedCampaigns(r.Context(), org)
	if err != nil {
		return nil, err
	}
	var out []store.RemovedCampaign
	for _, rc := range all {
		if rc.Signatures > 0 && rc.Org == org {
			out = append(out, rc)
		}
	}
	return out, nil
}
