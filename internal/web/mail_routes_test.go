package web

import (
	"testing"
)

// TestMailRoutesLeaveCampaignsAlone: the email pages' addresses
// (/{org}/mail/…, /{org}/{campaign}/confirm) take nothing from a campaign
// that happens to be called "mail", or from its other pages.
func TestMailRoutesLeaveCampaignsAlone(t *testing.T) {
	f := confirmFiles(t)
	f["riverside/mail.yaml"] = "title: Mail the council\nsummary: Write to them.\ndate: 2026-01-05\nactions:\n  - kind: petition\n    target: Council\n    text: Listen.\n"
	e := newMailEnv(t, openSQLite(t), f)
	for _, p := range []string{"/riverside/mail", "/riverside/mail/thanks?outcome=signed", "/riverside/mail/poster", "/riverside/mail/confirm?lang=en"} {
		wantStatus(t, get(t, e.s, "GET", p, nil), 200)
	}
	wantStatus(t, get(t, e.s, "GET", "/riverside/mail/data", nil), 200)
}
