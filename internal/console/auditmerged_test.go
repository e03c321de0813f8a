package console

import (
	"strings"
	"testing"
	"time"

	"github.com/placard/placard/internal/accounts"
	"github.com/placard/placard/internal/i18n"
)

// TestAuditRoleMergedWorded: the entry a merge of two spellings' accounts
// writes when it keeps the weaker role (accounts.ActRoleMerged) is worded
// in each language — what happened and which roles — never shown as its
// recorded form ("role-merged", "viewer, not editor").
func TestAuditRoleMergedWorded(t *testing.T) {
	e := accounts.AuditEntry{Org: "riverside", Actor: "ann@bücher.example", Action: accounts.ActRoleMerged,
		Detail: accounts.MergedRoleDetail(accounts.RoleViewer, accounts.RoleEditor), At: time.Date(2026, 12, 5, 18, 0, 0, 0, time.UTC)}
	for _, lang := range []string{"en", "fr", "de", "es", "ar", "he"} {
		l := i18n.New(lang, nil)
		rows := auditRows(l, []accounts.AuditEntry{e})
		if len(rows) != 1 {
			t.Fatalf("%s: %d rows", lang, len(rows))
		}
		r := rows[0]
		if r.Action != l.T("console.audit.act.role-merged") || strings.Contains(r.Action, "role-merged") {
			t.Errorf("%s: action %q, want it worded", lang, r.Action)
		}
		if !strings.Contains(r.Detail, l.T("console.audit.role.viewer")) || !strings.Contains(r.Detail, l.T("console.audit.role.editor")) ||
			strings.Contains(r.Detail, "viewer, not editor") {
			t.Errorf("%s: detail %q, want both roles worded", lang, r.Detail)
		}
		if r.Actor != e.Actor {
			t.Errorf("%s: actor %q, want the account's address", lang, r.Actor)
		}
	}
	// A detail of another form shows as recorded.
	odd := e
	odd.Detail = "owner, not editor"
	if r := auditRows(i18n.New("en", nil), []accounts.AuditEntry{odd})[0]; r.Detail != odd.Detail {
		t.Errorf("an unknown role: detail %q, want it as recorded", r.Detail)
	}
}
