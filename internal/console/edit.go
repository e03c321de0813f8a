package console

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"mime"
	"net/http"
	"path"
	"strconv"
	"strings"

	"github.com/a-h/templ"
	"github.com/go-chi/chi/v5"

	"github.com/placard/placard/internal/accounts"
	"github.com/placard/placard/internal/editing"
	"github.com/placard/placard/internal/editpages"
	"github.com/placard/placard/internal/i18n"
	"github.com/placard/placard/internal/signing"
	"github.com/placard/placard/internal/site"
	"github.com/placard/placard/internal/store"
	"github.com/placard/placard/views/admin"
)

// The file editor (internal/editpages) in the console: its pages under
// /{org}/files, behind the console's session, organisation scope and
// cross-origin checks, in the console's layout, auditing into its log.
// It is there only when Config.Editing is set.

// Audited actions of the editor beyond save, publish and close.
const (
	ActCreate accounts.Action = "create"
	ActUpload accounts.Action = "upload"
	ActHandin accounts.Action = "handin"
)

// editActions maps the editor's audit actions to the console's.
var editActions = map[string]accounts.Action{
	editpages.AuditSave:    accounts.ActSave,
	editpages.AuditPublish: accounts.ActPublish,
	editpages.AuditClose:   accounts.ActClose,
	editpages.AuditCreate:  ActCreate,
	editpages.AuditUpload:  ActUpload,
	editpages.AuditHandin:  ActHandin,
}

// editRoutes mounts the editor on the router of one organisation.
func (c *Console) editRoutes(r chi.Router) {
	if c.cfg.Editing == nil {
		return
	}
	urls := map[string]string{}
	for name, body := range editpages.Files() {
		sum := sha256.Sum256(body)
		ext := path.Ext(name)
		hashed := strings.TrimSuffix(name, ext) + "." + hex.EncodeToString(sum[:6]) + ext
		c.static[hashed] = staticFile{body: body, ctype: mime.TypeByExtension(ext)}
		urls[name] = Prefix + "/static/" + hashed
	}
	pages := editpages.New(editpages.Config{
		Workspace: c.cfg.Editing,
		Base:      Prefix,
		Site:      c.cfg.Site,
		Options: func() site.Options {
			opt := site.Options{Base: c.base, SiteName: c.cfg.SiteName}
			if c.cfg.PreviewFileKey != nil {
				opt.FileKey = c.cfg.PreviewFileKey()
			}
			return opt
		},
		// A page at a time (the hand-in reads them twice, writing names
		// to the organiser's browser between pages): no read stays open
		// while a slow client downloads.
		Signatures: func(ctx context.Context, org, camp string, fn func(*signing.Signature) error) error {
			if pg, ok := c.cfg.Store.(store.Paging); ok {
				return store.Each(ctx, pg, store.PageQuery{Org: org, Campaigns: []string{camp}, Status: signing.StatusApproved}, fn)
			}
			return c.cfg.Store.Signatures(ctx, org, camp, signing.StatusApproved, fn)
		},
		Who: func(r *http.Request, org string) (editing.Author, bool, bool) {
			o, ok := OrganiserFrom(r.Context())
			if !ok || !o.CanSee(org) || c.cfg.Site().Org(org) == nil {
				return editing.Author{}, false, false
			}
			return commitAuthor(o), true, o.CanChange(org)
		},
		Localizer: localizer,
		Frame: func(r *http.Request, title, notice string, body templ.Component) templ.Component {
			p := c.page(r, title)
			p.Notice = notice
			return templ.ComponentFunc(func(ctx context.Context, w io.Writer) error {
				return admin.Layout(p).Render(templ.WithChildren(ctx, body), w)
			})
		},
		Audit: func(r *http.Request, org, action, detail string) error {
			return c.audit(r, org, editActions[action], detail)
		},
		StaticURL: func(name string) string { return urls[name] },
		Logger:    c.log,
		Now:       c.cfg.Now,
	})
	pages.Mount(r)
}

// commitAuthor is who the editor's commits name as their author: the
// organiser's number, never their address, which git history would keep
// long after the organiser is removed or erased. The audit log says who
// made each change while they are an organiser.
func commitAuthor(o accounts.Organiser) editing.Author {
	n := strconv.FormatInt(o.ID, 10)
	return editing.Author{Name: "Organiser " + n, Email: "organiser-" + n + "@placard.invalid"}
}

// editNav is the editor's link in an organisation's navigation.
func (c *Console) editNav(org string, l *i18n.Localizer) []admin.NavItem {
	if c.cfg.Editing == nil {
		return nil
	}
	return []admin.NavItem{{Label: l.T("edit.nav"), URL: Prefix + "/" + org + "/files"}}
}
