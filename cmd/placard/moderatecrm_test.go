package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/placard/placard/internal/campaign"
	"github.com/placard/placard/internal/outbox"
	"github.com/placard/placard/internal/signing"
	"github.com/placard/placard/internal/store"
	"github.com/placard/placard/internal/webhook"
)

// TestModerateTellsTheCRM: placard signatures approve|reject tells the
// organisation's webhooks and Action Network what the console does, in
// the decision's own transaction: approving a sign-on sends
// signature.created (status approved) and, with the signer's permission,
// the Action Network record; rejecting one still waiting sends nothing;
// rejecting a signature the CRM had heard of sends signature.updated
// with its new status. Deciding again what was decided, or a signature
// waiting for its signer's confirmation, changes and sends nothing.
// Everything is delivered to a receiver on loopback as serve would.
// Events carry the campaign's browser_url from --base-url (serve's).
// Failed before: the commands queued nothing, and approved an
// unconfirmed signature; then (crmorder) the CLI's events had no
// browser_url, the CLI knowing no base URL.
func TestModerateTellsTheCRM(t *testing.T) {
	for _, e := range engines() {
		t.Run(e.name, func(t *testing.T) {
			var mu sync.Mutex
			var got []string
			recv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				body, _ := io.ReadAll(r.Body)
				line := r.URL.Path
				if r.URL.Path == "/osdi" {
					var rec webhook.OSDIRecord
					json.Unmarshal(body, &rec)
					line += " " + rec.Person.EmailAddresses[0].Address + " " + rec.Person.EmailAddresses[0].Status
				} else {
					var ev webhook.Event
					json.Unmarshal(body, &ev)
					line += " " + ev.Type + " " + ev.Data.Signature.Person.EmailAddresses[0].Address + " " + fmt.Sprint(ev.Data.Signature.CustomFields["status"]) + " " + ev.Data.Campaign.URL
				}
				mu.Lock()
				got = append(got, line)
				mu.Unlock()
				w.WriteHeader(http.StatusCreated)
			}))
			defer recv.Close()
			dir := t.TempDir()
			if err := os.CopyFS(dir, os.DirFS(signingCampaigns)); err != nil {
				t.Fatal(err)
			}
			orgYAML := filepath.Join(dir, "bay-runners", "org.yaml")
			b, err := os.ReadFile(orgYAML)
			if err != nil {
				t.Fatal(err)
			}
			b = append(b, "contact_permission: Keep me posted.\nwebhooks:\n  - url: "+recv.URL+"/hook\n"+
				"    secret_env: PLACARD_ORG_BAY_RUNNERS__HOOK\n    events: [signature.created, signature.updated]\n"+
				"osdi:\n  url: "+recv.URL+"/osdi\n  api_key_env: PLACARD_ORG_BAY_RUNNERS__AN_KEY\n"...)
			if err := os.WriteFile(orgYAML, b, 0o644); err != nil {
				t.Fatal(err)
			}

			db := e.db(t)
			st := openForTest(t, db)
			contact := func(s *signing.Signature) { s.ContactText, s.ContactAt = "Keep me posted.", s.CreatedAt }
			harbour := sig(letterRef, "Grace Hopper", "grace@example.org", signing.KindOrganisation, contact, func(s *signing.Signature) { s.Organisation = "Harbour Swim Club" })
			spam := sig(letterRef, "Spam", "spam@example.org", signing.KindOrganisation, contact, func(s *signing.Signature) { s.Organisation = "Spam Inc" })
			ada := sig(petitionRef, "Ada Lovelace", "ada@example.org", signing.KindIndividual)
			waits := sig(petitionRef, "Una", "una@example.org", signing.KindIndividual, func(s *signing.Signature) { s.Status = signing.StatusUnconfirmed })
			seed(t, st, harbour, spam, ada, waits)
			id := func(s *signing.Signature) string { return fmt.Sprint(s.ID) }
			moderate := func(args ...string) (string, string, int) {
				return runCLI(t, append(append([]string{"signatures"}, args...), "--db", db, "--campaigns", dir, "--base-url", "https://act.example.org/")...)
			}

			if out, errs, code := moderate("approve", id(harbour)); code != 0 || out != "Approved signature "+id(harbour)+".\nQueued 2 messages for your webhooks and Action Network (placard serve delivers them).\n" {
				t.Errorf("approve: exit %d, stdout %q, stderr %q", code, out, errs)
			}
			if out, errs, code := moderate("reject", id(spam)); code != 0 || out != "Rejected signature "+id(spam)+".\n" {
				t.Errorf("reject a waiting sign-on: exit %d, stdout %q, stderr %q; want no messages", code, out, errs)
			}
			if out, errs, code := moderate("reject", id(ada)); code != 0 || !strings.Contains(out, "Queued 1 message") {
				t.Errorf("reject an approved signature: exit %d, stdout %q, stderr %q; want one message", code, out, errs)
			}
			if out, errs, code := moderate("approve", id(harbour)); code != 0 || out != "Signature "+id(harbour)+" was already approved.\n" {
				t.Errorf("approve again: exit %d, stdout %q, stderr %q", code, out, errs)
			}
			out, errs, code := moderate("approve", id(waits))
			if code != 1 || out != "" || !strings.Contains(errs, "signature "+id(waits)+" is still waiting for its signer to confirm their address") {
				t.Errorf("approve an unconfirmed signature: exit %d, stdout %q, stderr %q; want exit 1 saying it waits for its signer", code, out, errs)
			}
			status := map[string]string{}
			for _, ref := range []string{letterRef, petitionRef} {
				st.Signatures(context.Background(), strings.Split(ref, "/")[0], strings.Split(ref, "/")[1], "", func(s *signing.Signature) error {
					status[s.Email] = string(s.Status)
					return nil
				})
			}
			want := map[string]string{"grace@example.org": "approved", "spam@example.org": "rejected", "ada@example.org": "rejected", "una@example.org": "unconfirmed"}
			for k, v := range want {
				if status[k] != v {
					t.Errorf("%s is %s, want %s", k, status[k], v)
				}
			}

			site, ps := campaign.LoadWith(dir, campaign.LoadOptions{})
			if ps.HasErrors() {
				t.Fatal(ps)
			}
			p := webhook.Policy{AllowLoopback: true}
			d := &webhook.Deliverer{Client: webhook.NewClient(p), Policy: p, Now: time.Now, Org: site.Org,
				Getenv:  func(string) string { return "secret" },
				Consent: webhook.ConsentFrom(st.(store.Mail).Supporter)}
			w := outbox.NewWorker(st.(store.Outbox), map[string]outbox.Deliverer{signing.MessageWebhook: d, signing.MessageOSDI: d}, outbox.Options{})
			if _, err := w.Once(context.Background()); err != nil {
				t.Fatal(err)
			}
			mu.Lock()
			slices.Sort(got)
			mu.Unlock()
			wantGot := []string{
				"/hook signature.created grace@example.org approved https://act.example.org/" + letterRef,
				"/hook signature.updated ada@example.org rejected https://act.example.org/" + petitionRef,
				"/osdi grace@example.org subscribed",
			}
			if !slices.Equal(got, wantGot) {
				t.Errorf("the CRM received %q, want %q", got, wantGot)
			}
		})
	}
}

// TestModerateRefusesBrokenCampaigns: a decision whose webhooks cannot
// be read is not made, since what it tells is queued with it or never;
// nor is one with no campaigns folder at all, unless --no-webhooks says
// no one is to be told. Failed before (crmorder): with no folder the
// decision was made with a note on stderr, and the CRM never heard of it.
func TestModerateRefusesBrokenCampaigns(t *testing.T) {
	db := sqliteDB(t)
	st := openForTest(t, db)
	grace := sig(letterRef, "Grace Hopper", "grace@example.org", signing.KindOrganisation, func(s *signing.Signature) { s.Organisation = "Harbour Swim Club" })
	seed(t, st, grace)
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "bay-runners"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "bay-runners", "org.yaml"), []byte("name: [unclosed\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	out, errs, code := runCLI(t, "signatures", "approve", fmt.Sprint(grace.ID), "--db", db, "--campaigns", dir)
	if code != 1 || out != "" || !strings.Contains(errs, "has problems (placard check lists them)") || !strings.Contains(errs, "nothing was decided") {
		t.Errorf("approve with broken campaigns: exit %d, stdout %q, stderr %q", code, out, errs)
	}
	out, errs, code = runCLI(t, "signatures", "approve", fmt.Sprint(grace.ID), "--db", db, "--campaigns", filepath.Join(dir, "nowhere"))
	if code != 1 || out != "" || !strings.Contains(errs, "nothing was decided") || !strings.Contains(errs, "--no-webhooks") {
		t.Errorf("approve with no campaigns folder: exit %d, stdout %q, stderr %q; want nothing decided, and the way to decide anyway", code, out, errs)
	}
	pending := 0
	if err := st.Signatures(context.Background(), grace.Org, grace.Campaign, signing.StatusPending, func(*signing.Signature) error { pending++; return nil }); err != nil || pending != 1 {
		t.Errorf("pending after the refused approvals: %d (%v), want grace still waiting", pending, err)
	}
	out, errs, code = runCLI(t, "signatures", "approve", fmt.Sprint(grace.ID), "--db", db, "--campaigns", filepath.Join(dir, "nowhere"), "--no-webhooks")
	if code != 0 || out != fmt.Sprintf("Approved signature %d.\n", grace.ID) || !strings.Contains(errs, "no webhook or Action Network hears of these decisions") {
		t.Errorf("approve --no-webhooks: exit %d, stdout %q, stderr %q", code, out, errs)
	}
}

// TestModerateRefusesAnOrganisationNotInTheFolder: a decision on a
// signature whose organisation the campaigns folder does not hold is not
// made, since no org.yaml says whom to tell and what it tells is queued
// with it or never (a folder of another installation, or a copy without
// the organisation, is the mistake this catches); --no-webhooks decides
// all the same. Failed before (rev26b): the approval was made and told
// no one, with nothing said.
func TestModerateRefusesAnOrganisationNotInTheFolder(t *testing.T) {
	db := sqliteDB(t)
	st := openForTest(t, db)
	grace := sig(letterRef, "Grace Hopper", "grace@example.org", signing.KindOrganisation, func(s *signing.Signature) { s.Organisation = "Harbour Swim Club" })
	seed(t, st, grace)
	dir := t.TempDir()
	if err := os.CopyFS(dir, os.DirFS(signingCampaigns)); err != nil {
		t.Fatal(err)
	}
	// The folder holds another organisation, not grace's.
	if err := os.Rename(filepath.Join(dir, "bay-runners"), filepath.Join(dir, "harbour-friends")); err != nil {
		t.Fatal(err)
	}
	out, errs, code := runCLI(t, "signatures", "approve", fmt.Sprint(grace.ID), "--db", db, "--campaigns", dir)
	if code != 1 || out != "" || !strings.Contains(errs, "bay-runners") || !strings.Contains(errs, "nothing was decided") || !strings.Contains(errs, "--no-webhooks") {
		t.Errorf("approve for an organisation not in the folder: exit %d, stdout %q, stderr %q; want nothing decided, saying why and how to decide anyway", code, out, errs)
	}
	pending := 0
	if err := st.Signatures(context.Background(), grace.Org, grace.Campaign, signing.StatusPending, func(*signing.Signature) error { pending++; return nil }); err != nil || pending != 1 {
		t.Errorf("pending after the refused approval: %d (%v), want grace still waiting", pending, err)
	}
	if out, errs, code = runCLI(t, "signatures", "approve", fmt.Sprint(grace.ID), "--db", db, "--campaigns", dir, "--no-webhooks"); code != 0 || out != fmt.Sprintf("Approved signature %d.\n", grace.ID) {
		t.Errorf("approve --no-webhooks: exit %d, stdout %q, stderr %q", code, out, errs)
	}
}
