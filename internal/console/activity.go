package console

import (
	"net/http"

	"github.com/placard/placard/internal/accounts"
	"github.com/placard/placard/internal/i18n"
	"github.com/placard/placard/views/admin"
)

// The site activity page shows site admins the audit entries of no
// organisation: what site admins did for themselves (signing in and
// out, their passkeys and sessions) and the site admins invited or
// removed from the command line. What a site admin does in an
// organisation is in that organisation's log, which they also see.
// Anyone else gets the 404 of a page that is not there.

// activityPage lists the site-wide audit entries, newest first.
func (c *Console) activityPage(w http.ResponseWriter, r *http.Request) error {
	o, _ := OrganiserFrom(r.Context())
	if o.Role != accounts.RoleSiteAdmin {
		return errNotFound
	}
	entries, err := c.acc.Audit(r.Context(), "", auditLimit)
	if err != nil {
		return err
	}
	p := c.page(r, localizer(r).T("console.activity"))
	a := admin.Audit{Intro: p.L.T("console.activity.text"), Entries: auditRows(p.L, entries)}
	c.render(w, r, http.StatusOK, admin.AuditPage(p, a))
	return nil
}

// auditRows words audit entries for a page in l's language.
func auditRows(l *i18n.Localizer, entries []accounts.AuditEntry) []admin.AuditRow {
	rows := make([]admin.AuditRow, 0, len(entries))
	for _, e := range entries {
		actor := e.Actor
		if actor == "" {
			actor = l.T("console.audit.operator")
		}
		// Sections added later may record actions of their own names;
		// those show as recorded until the catalogue words them.
		action, detail := string(e.Action), auditDetail(l, e.Action, e.Detail)
		if k := "console.audit.act." + action; i18n.Known(k) {
			action = l.T(k)
		}
		rows = append(rows, admin.AuditRow{At: auditTime(l, e.At), Actor: actor, Action: action, Detail: detail})
	}
	return rows
}
