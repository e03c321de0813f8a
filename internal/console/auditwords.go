package console

import (
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/placard/placard/internal/accounts"
	"github.com/placard/placard/internal/i18n"
)

// The audit log records each entry's details in one fixed form ("2
// signatures", "open-letter as csv", "invitation"), which the command line
// and older entries share; the audit page words the forms it knows in the
// organiser's language. A detail of another form (a file's path, a section
// added later) shows as recorded.

var (
	exportDetail   = regexp.MustCompile(`^(\S+) as (csv|json)$`)
	outreachDetail = regexp.MustCompile(`^(\S+) calls and emails as (csv|json)$`)
	erasedDetail   = regexp.MustCompile(`^(\d{1,9}) signatures$`)
	decidedDetail  = regexp.MustCompile(`^(\d{1,9}) on (\S+)$`)
	sessionsDetail = regexp.MustCompile(`^(\d{1,9}) sessions ended$`)
	mergedDetail   = regexp.MustCompile(`^(\S+), not (\S+)$`) // accounts.MergedRoleDetail
)

// knownRole reports whether r is a role the catalogue words.
func knownRole(r string) bool {
	switch accounts.Role(r) {
	case accounts.RoleEditor, accounts.RoleViewer, accounts.RoleSiteAdmin:
		return true
	}
	return false
}

// signInHow are the ways of signing in startSession records, by their
// catalogue names.
var signInHow = map[string]string{"passkey": "passkey", "invitation": "invitation", "email link": "email-link"}

// auditDetail is an audit entry's detail in l's language.
func auditDetail(l *i18n.Localizer, act accounts.Action, detail string) string {
	format := strings.ToUpper // CSV and JSON are written so in every language
	switch act {
	case accounts.ActSignIn:
		if k, ok := signInHow[detail]; ok {
			return l.T("console.audit.how." + k)
		}
	case ActPasskeyRemoved, ActSignedOutElsewhere:
		if m := sessionsDetail.FindStringSubmatch(detail); m != nil {
			n, _ := strconv.Atoi(m[1])
			return l.N("console.audit.sessions.ended", n)
		}
	case accounts.ActInvite, accounts.ActRemove, accounts.ActRole:
		switch accounts.Role(detail) {
		case accounts.RoleEditor, accounts.RoleViewer, accounts.RoleSiteAdmin:
			return l.T("console.audit.role." + detail)
		}
	case accounts.ActRoleMerged:
		if m := mergedDetail.FindStringSubmatch(detail); m != nil && knownRole(m[1]) && knownRole(m[2]) {
			return l.T("console.audit.role.merged", "kept", l.T("console.audit.role."+m[1]), "other", l.T("console.audit.role."+m[2]))
		}
	case accounts.ActExport:
		if m := outreachDetail.FindStringSubmatch(detail); m != nil {
			return l.T("console.audit.export.outreach", "campaign", m[1], "format", format(m[2]))
		}
		if m := exportDetail.FindStringSubmatch(detail); m != nil {
			return l.T("console.audit.export", "campaign", m[1], "format", format(m[2]))
		}
	case accounts.ActErase:
		if m := erasedDetail.FindStringSubmatch(detail); m != nil {
			n, _ := strconv.Atoi(m[1])
			return l.N("console.audit.erased", n)
		}
	case accounts.ActApprove, accounts.ActReject:
		if m := decidedDetail.FindStringSubmatch(detail); m != nil {
			n, _ := strconv.Atoi(m[1])
			return l.N("console.audit.decided", n, "campaign", m[2])
		}
	}
	return detail
}

// auditTime is when an entry was made, as l writes a date, and the time
// of day in UTC.
func auditTime(l *i18n.Localizer, t time.Time) string {
	t = t.UTC()
	return l.T("console.audit.at", "date", l.Date(t), "time", t.Format("15:04"))
}
