package console

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/placard/placard/internal/accounts"
	"github.com/placard/placard/internal/campaign"
	"github.com/placard/placard/internal/outbox"
	"github.com/placard/placard/internal/signing"
	"github.com/placard/placard/internal/store"
	"github.com/placard/placard/internal/store/sqlite"
	"github.com/placard/placard/internal/webhook"
)

// crmReceiver is the organisation's CRM and Action Network on loopback:
// it answers 200 to webhooks (checking their signature as a real
// receiver does) and 201 to Action Network records, and keeps each
// delivery as "path type/status" (webhooks) or "path email-status"
// (records).
type crmReceiver struct {
	srv *httptest.Server
	mu  sync.Mutex
	got []string
}

const crmSecret = "whsec_c2VjcmV0LWtleS1mb3ItdGVzdHM="

func newCRMReceiver(t *testing.T) *crmReceiver {
	t.Helper()
	c := &crmReceiver{}
	c.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		var line string
		if r.URL.Path == "/osdi" {
			var rec webhook.OSDIRecord
			json.Unmarshal(body, &rec)
			st := ""
			if len(rec.Person.EmailAddresses) > 0 {
				st = rec.Person.EmailAddresses[0].Address + " " + rec.Person.EmailAddresses[0].Status
			}
			line = "/osdi " + st
		} else {
			if err := webhook.Verify(webhook.SecretKey(crmSecret), r.Header, body, time.Now(), 5*time.Minute); err != nil {
				http.Error(w, err.Error(), http.StatusUnauthorized)
				return
			}
			var ev webhook.Event
			json.Unmarshal(body, &ev)
			line = r.URL.Path + " " + ev.Type + " " + ev.Data.Signature.Person.EmailAddresses[0].Address + " " + fmt.Sprint(ev.Data.Signature.CustomFields["status"])
		}
		c.mu.Lock()
		c.got = append(c.got, line)
		c.mu.Unlock()
		w.WriteHeader(http.StatusCreated)
	}))
	t.Cleanup(c.srv.Close)
	return c
}

func (c *crmReceiver) received() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := slices.Clone(c.got)
	slices.Sort(out)
	return out
}

// crmFiles is testFiles with riverside's webhook and Action Network
// pointing at recv.
func crmFiles(recv *crmReceiver) map[string]string {
	f := testFiles()
	f["riverside/org.yaml"] += "contact_permission: Keep me informed.\nwebhooks:\n  - url: " + recv.srv.URL + "/hook\n" +
		"    secret_env: PLACARD_ORG_RIVERSIDE__HOOK\n    events: [signature.created, signature.confirmed, signature.updated, signature.erased]\n" +
		"osdi:\n  url: " + recv.srv.URL + "/osdi\n  api_key_env: PLACARD_ORG_RIVERSIDE__AN_KEY\n"
	return f
}

// deliverAll runs the outbox once as serve does, webhooks and Action
// Network records to loopback, permission read again at delivery.
func (e *env) deliverAll(t *testing.T) {
	t.Helper()
	p := webhook.Policy{AllowLoopback: true}
	d := &webhook.Deliverer{Client: webhook.NewClient(p), Policy: p, Now: time.Now,
		Getenv: func(k string) string {
			return map[string]string{"PLACARD_ORG_RIVERSIDE__HOOK": crmSecret, "PLACARD_ORG_RIVERSIDE__AN_KEY": "an-key"}[k]
		},
		Org:     func(slug string) *campaign.Org { return e.srv.CurrentSite().Org(slug) },
		Consent: webhook.ConsentFrom(e.st.(store.Mail).Supporter)}
	w := outbox.NewWorker(e.st.(store.Outbox), map[string]outbox.Deliverer{signing.MessageWebhook: d, signing.MessageOSDI: d}, outbox.Options{})
	if _, err := w.Once(context.Background()); err != nil {
		t.Fatal(err)
	}
	if es, _ := e.st.(store.Outbox).List(context.Background(), ""); len(es) != 0 {
		t.Fatalf("%d messages still in the outbox after delivery: %+v", len(es), es)
	}
}

// TestModerationTellsTheCRM: an organisation's sign-on counts only once
// the organisers approve it, and only then does the organisation's CRM
// hear of it — signature.created, as a signature that counts at once
// sends, and Action Network's record when the signer gave permission —
// queued in the decision's own transaction. A rejected sign-on never
// counted, so the CRM never hears of it. Failed before: approving and
// rejecting in the console queued nothing, so the CRM never learnt that
// a pending sign-on it had been sent now counted.
func TestModerationTellsTheCRM(t *testing.T) {
	recv := newCRMReceiver(t)
	woken := 0
	e := newEnvFiles(t, crmFiles(recv), func(c *Config) {
		c.SiteURL = testBase
		c.WakeOutbox = func() { woken++ }
	})
	b := e.signIn("riverside", "sam@example.org", accounts.RoleEditor)
	// Both with permission to be contacted, so Action Network would take
	// both.
	approve := e.pendingOrgContact(t, "Northside Tenants")
	reject := e.pendingOrgContact(t, "Spam Inc")

	wantStatus(t, b.post(Prefix+"/riverside/moderation", url.Values{"reject": {fmt.Sprint(reject)}}), http.StatusSeeOther)
	if woken != 0 {
		t.Errorf("a rejection woke the outbox %d times; it queues nothing", woken)
	}
	wantStatus(t, b.post(Prefix+"/riverside/moderation", url.Values{"approve": {fmt.Sprint(approve)}}), http.StatusSeeOther)
	if woken != 1 {
		t.Errorf("an approval woke the outbox %d times, want once", woken)
	}
	e.deliverAll(t)
	want := []string{
		"/hook signature.created northsidetenants@example.org approved",
		"/osdi northsidetenants@example.org subscribed",
	}
	if got := recv.received(); !slices.Equal(got, want) {
		t.Errorf("the CRM received %q, want %q", got, want)
	}
}

// pendingOrgContact is pendingOrg whose signer ticked the box allowing
// the organisation to contact them.
func (e *env) pendingOrgContact(t *testing.T, name string) int64 {
	t.Helper()
	sig := &signing.Signature{
		Org: "riverside", Campaign: "open-letter", Action: "letter",
		Kind: signing.KindOrganisation, Status: signing.StatusPending,
		Name: "Pat Lee", Email: strings.ToLower(strings.ReplaceAll(name, " ", "")) + "@example.org",
		Organisation: name, Role: "Chair", Public: true,
		ConsentText: "Riverside may email me about this campaign.", ConsentAt: e.clock.now(),
		ContactText: "Keep me informed.", ContactAt: e.clock.now(), Lang: "en", CreatedAt: e.clock.now(),
	}
	res, err := e.st.AddSignatures(context.Background(), []*signing.Signature{sig})
	if err != nil || res[0] != nil {
		t.Fatalf("AddSignatures: %v %v", err, res)
	}
	return sig.ID
}

// TestConsoleEraseTellsTheCRM: an organiser's erasure in the console
// tells the organisation's webhooks to forget the person, as placard
// signatures erase and the supporter's own erasure do; erasing again,
// with nothing left, tells nothing more. Failed before: the console's
// erasure queued no signature.erased, so the CRM kept the person.
func TestConsoleEraseTellsTheCRM(t *testing.T) {
	recv := newCRMReceiver(t)
	e := newEnvFiles(t, crmFiles(recv), nil)
	b := e.signIn("riverside", "sam@example.org", accounts.RoleEditor)
	e.pendingOrgContact(t, "Northside Tenants")
	for range 2 {
		wantStatus(t, b.post(Prefix+"/riverside/erase", url.Values{"email": {" NorthsideTenants@example.org"}, "confirm": {"yes"}}), http.StatusSeeOther)
	}
	e.deliverAll(t)
	want := []string{"/hook signature.erased northsidetenants@example.org <nil>"}
	if got := recv.received(); !slices.Equal(got, want) {
		t.Errorf("the CRM received %q, want %q", got, want)
	}
}

// TestConsoleEraseOfAnUnconfirmedAddressTellsNoOne: attack on what the
// CRM hears. Anyone can type anyone's address into a form; a signature
// nobody confirmed never leaves Placard (docs/security.md). When its
// owner asks the organisers to erase it, the console's erasure must not
// be what hands that address to the CRM, which never had it, in a
// signature.erased. Failed before: the erasure of an address whose only
// signature was unconfirmed queued signature.erased with the address.
func TestConsoleEraseOfAnUnconfirmedAddressTellsNoOne(t *testing.T) {
	recv := newCRMReceiver(t)
	e := newEnvFiles(t, crmFiles(recv), nil)
	b := e.signIn("riverside", "sam@example.org", accounts.RoleEditor)
	sig := &signing.Signature{
		Org: "riverside", Campaign: "open-letter", Action: "letter",
		Kind: signing.KindIndividual, Status: signing.StatusUnconfirmed,
		Name: "Someone", Email: "victim@example.org", Public: true,
		ConsentText: "Riverside may email me about this campaign.", ConsentAt: e.clock.now(),
		Lang: "en", CreatedAt: e.clock.now(),
	}
	if res, err := e.st.AddSignatures(context.Background(), []*signing.Signature{sig}); err != nil || res[0] != nil {
		t.Fatalf("AddSignatures: %v %v", err, res)
	}
	wantStatus(t, b.post(Prefix+"/riverside/erase", url.Values{"email": {"victim@example.org"}, "confirm": {"yes"}}), http.StatusSeeOther)
	if sigs, err := e.st.(store.Mail).Supporter(context.Background(), "riverside", "victim@example.org"); err != nil || len(sigs) != 0 {
		t.Fatalf("after the erasure: %v %v, want nothing left", sigs, err)
	}
	e.deliverAll(t)
	if got := recv.received(); len(got) != 0 {
		t.Errorf("the CRM received %q for an address it never had, want nothing", got)
	}
}

// enqueueFails is the real store whose Enqueue — a transaction of its
// own, after the erasure's — always fails, as a crash or a lost
// connection between the two would leave things.
type enqueueFails struct{ *sqlite.DB }

func (enqueueFails) Enqueue(context.Context, []signing.Message) error {
	return errors.New("the process died before the notice was queued")
}

// TestConsoleEraseNoticeCommitsWithTheErasure: the erasure and its
// signature.erased notice commit together. Failed before: the console
// queued the notice in a transaction of its own after the erasure had
// committed, so a failure between the two (here: that second
// transaction failing) left the signatures erased and no notice, and the
// CRM kept the person Placard erased.
func TestConsoleEraseNoticeCommitsWithTheErasure(t *testing.T) {
	recv := newCRMReceiver(t)
	var st store.Store
	e := newEnvFiles(t, crmFiles(recv), func(c *Config) {
		st = enqueueFails{c.Store.(*sqlite.DB)}
		c.Store = st
	})
	b := e.signIn("riverside", "sam@example.org", accounts.RoleEditor)
	sig := &signing.Signature{
		Org: "riverside", Campaign: "open-letter", Action: "letter",
		Kind: signing.KindIndividual, Status: signing.StatusApproved,
		Name: "Ann Lee", Email: "ann@example.org",
		ConsentText: "Riverside may email me about this campaign.", ConsentAt: e.clock.now(),
		ContactText: "Keep me informed.", ContactAt: e.clock.now(), Lang: "en", CreatedAt: e.clock.now(),
	}
	if res, err := e.st.AddSignatures(context.Background(), []*signing.Signature{sig}); err != nil || res[0] != nil {
		t.Fatalf("AddSignatures: %v %v", err, res)
	}
	wantStatus(t, b.post(Prefix+"/riverside/erase", url.Values{"email": {"ann@example.org"}, "confirm": {"yes"}}), http.StatusSeeOther)
	if sigs, err := e.st.(store.Mail).Supporter(context.Background(), "riverside", "ann@example.org"); err != nil || len(sigs) != 0 {
		t.Fatalf("after the erasure: %v %v, want nothing left", sigs, err)
	}
	e.deliverAll(t)
	want := []string{"/hook signature.erased ann@example.org <nil>", "/osdi ann@example.org unsubscribed"}
	if got := recv.received(); !slices.Equal(got, want) {
		t.Errorf("the CRM received %q, want %q: an erased person's notice and Action Network unsubscribe, queued with the erasure", got, want)
	}
}
