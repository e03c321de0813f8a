package main

import (
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/placard/placard/internal/mail/mailtest"
)

// TestConfirmationOfACampaignAnotherInstanceLoadedFirst: several
// instances on one PostgreSQL database read their campaign files each at
// its own reload (SIGHUP host by host, --watch a moment apart). A campaign
// just added is served by A while B still serves the files read before;
// a confirmation queued on A and claimed by B's worker was given up at
// once as "no longer published" — marked dead, never sent — and the
// valid signature waited unconfirmed until it was erased. B now tries it
// again (mail.ErrNotLoaded), and sends it once its own files have the
// campaign. A's relay answers 451 to everything, so only B can send it.
func TestConfirmationOfACampaignAnotherInstanceLoadedFirst(t *testing.T) {
	db := postgresDB(t)
	good, busy := mailtest.Start(t), mailtest.Start(t)
	busy.Refuse(451)
	newer, older := mailCampaigns(t), mailCampaigns(t)
	const ref = "shared-shore/keep-the-library-open-late"
	added := filepath.Join(older, ref+".yaml")
	letter, err := os.ReadFile(added)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(added); err != nil {
		t.Fatal(err)
	}
	vars := map[string]string{"PLACARD_OUTBOX_FIRST_RETRY": "100ms"}
	mailFlags := func(relay *mailtest.Server) []string {
		return []string{"--smtp", "smtp://" + relay.Addr + "?tls=off", "--mail-from", "Shared Shore <hello@shared-shore.example>", "--mail-rate", "0"}
	}
	_, bLogs := startSigningServeEnv(t, vars, older, db, append(mailFlags(good), "--watch")...)
	aBase, _ := startSigningServeEnv(t, vars, newer, db, mailFlags(busy)...)

	f := loadForm(t, aBase, ref)
	res, body := postForm(t, aBase, f.action, f.with(map[string]string{"name": "Ada", "email": "ada@example.org", "consent": "yes"}))
	if res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), "/"+ref+"/confirm") {
		t.Fatalf("signing on A: %d to %q\n%s", res.StatusCode, res.Header.Get("Location"), body)
	}
	// B's worker has had the confirmation (A's and B's claim it in turn).
	eventually(t, "B's worker tried the confirmation", func() bool {
		l := bLogs.String()
		return strings.Contains(l, "no longer published") || strings.Contains(l, "not in this server's campaign files")
	})
	// B's files catch up; it reloads and sends the confirmation.
	if err := os.WriteFile(added, letter, 0o644); err != nil {
		t.Fatal(err)
	}
	waitFor(t, func() string {
		return "the confirmation never reached the signer once B served the campaign; B's log:\n" + bLogs.String()
	}, func() bool {
		return slices.ContainsFunc(good.Mails(), func(m mailtest.Mail) bool { return slices.Contains(m.To, "ada@example.org") })
	})
}

// TestWebhookAnotherInstanceLoadedFirst: the same for a CRM. A webhook
// just added to org.yaml is read by A first; its signature.created,
// claimed by B's worker while B still had the org.yaml without it, was
// marked dead as "no longer in the organisation's org.yaml" and the CRM
// never heard of the signature. B now tries it again and delivers it
// once its files name the webhook. A has no secret for the webhook, so
// its own attempts fail and only B can deliver it.
func TestWebhookAnotherInstanceLoadedFirst(t *testing.T) {
	r := newHookReceiver(t)
	db := postgresDB(t)
	newer, older := webhookCampaigns(t, r.srv.URL), webhookCampaigns(t, r.srv.URL)
	org := filepath.Join("bay-runners", "org.yaml")
	withHook, err := os.ReadFile(filepath.Join(newer, org))
	if err != nil {
		t.Fatal(err)
	}
	without, err := os.ReadFile(filepath.Join(signingCampaigns, org))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(older, org), without, 0o644); err != nil {
		t.Fatal(err)
	}
	_, bLogs := startSigningServeEnv(t, map[string]string{"PLACARD_OUTBOX_FIRST_RETRY": "100ms", "PLACARD_ORG_BAY_RUNNERS__HOOK_SECRET": hookSecret}, older, db, "--dev")
	aBase, _ := startSigningServeEnv(t, map[string]string{"PLACARD_OUTBOX_FIRST_RETRY": "100ms"}, newer, db, "--dev")

	f := loadForm(t, aBase, petitionRef)
	wantSigned(t, aBase, f, f.with(map[string]string{"name": "Hana Webhook", "email": "hana@example.org", "consent": "yes"}), petitionRef, "signed")
	eventually(t, "B's worker tried the webhook", func() bool {
		l := bLogs.String()
		return strings.Contains(l, "no longer in the organisation's org.yaml") || strings.Contains(l, "not in this server's org.yaml")
	})
	if err := os.WriteFile(filepath.Join(older, org), withHook, 0o644); err != nil {
		t.Fatal(err)
	}
	waitFor(t, func() string {
		return "the CRM never heard of the signature once B's org.yaml named the webhook; B's log:\n" + bLogs.String()
	}, func() bool { return len(r.ids("hana@example.org")) > 0 })
}
