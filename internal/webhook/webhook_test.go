package webhook_test

import (
	"context"
	"crypto/x509"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/placard/placard/internal/campaign"
	"github.com/placard/placard/internal/campaign/campaigntest"
	"github.com/placard/placard/internal/outbox"
	"github.com/placard/placard/internal/signing"
	"github.com/placard/placard/internal/webhook"
)

var at = time.Date(2026, 3, 1, 9, 30, 15, 0, time.UTC)

// site loads an organisation with the given webhooks/osdi YAML.
// site loads organisation north with extra in its org.yaml; allow is the
// operator's --secret-env list.
func site(t *testing.T, extra string, allow ...string) *campaign.Site {
	t.Helper()
	files := campaigntest.Files{
		"north/org.yaml": "name: Northgate\n" + extra,
		"north/rent.yaml": "title: Fair rent\nsummary: Sign.\ndate: 2026-01-01\nactions:\n  - kind: petition\n" +
			"    target: The council\n    text: Cap the rent.\n",
	}
	if len(allow) == 0 {
		return campaigntest.Site(t, files)
	}
	s, ps := campaign.LoadFSWith(files.FS(), ".", campaign.LoadOptions{SecretEnv: allow})
	if ps.HasErrors() {
		t.Fatal(ps)
	}
	return s
}

func sig() *signing.Signature {
	return &signing.Signature{
		ID: 42, Org: "north", Campaign: "rent", Action: "petition", Kind: signing.KindIndividual, Status: signing.StatusApproved,
		Name: "Ana María Ruiz", Email: "ana@example.org", Postcode: "E1 6AN", Country: "GB", Phone: "+44 20 7946 0000",
		Comment: "Now.", Public: true, ConsentText: "I agree.", ConsentAt: at, ContactText: "Keep me posted.", ContactAt: at,
		Lang: "en", CreatedAt: at,
	}
}

func TestNoEndpointsNoMessagesNoAllocations(t *testing.T) {
	s := site(t, "")
	o, c := s.Org("north"), s.Campaign("north", "rent")
	sg := sig()
	oc := webhook.Occasion{Event: campaign.EventSignatureCreated, Final: true, At: at}
	if got := webhook.Messages(o, c, sg, oc); got != nil {
		t.Fatalf("Messages without endpoints: got %d, want none", len(got))
	}
	if n := testing.AllocsPerRun(100, func() { webhook.Messages(o, c, sg, oc) }); n != 0 {
		t.Errorf("Messages without endpoints: %v allocations, want 0", n)
	}
}

func TestMessages(t *testing.T) {
	s := site(t, `webhooks:
  - url: https://crm.example.org/created
    secret_env: PLACARD_ORG_NORTH__A_SECRET
    events: [signature.created]
  - url: https://crm.example.org/all
    secret_env: PLACARD_ORG_NORTH__B_SECRET
    events: [signature.created, signature.confirmed, signature.erased]
  - url: https://crm.example.org/confirmed
    secret_env: PLACARD_ORG_NORTH__C_SECRET
    events: [signature.confirmed]
osdi:
  url: https://actionnetwork.org/api/v2/petitions/abc/signatures
  api_key_env: PLACARD_ORG_NORTH__AN_KEY
`)
	o, c := s.Org("north"), s.Campaign("north", "rent")
	msgs := webhook.Messages(o, c, sig(), webhook.Occasion{Event: campaign.EventSignatureCreated, Final: true, At: at, BaseURL: "https://sign.example.org/"})
	var targets []string
	for _, m := range msgs {
		targets = append(targets, m.Kind+" "+m.Target)
		if m.Email != "ana@example.org" || m.Org != "north" || m.Campaign != "rent" || len(m.ID) != 26 {
			t.Errorf("message %+v: want the signer's address, org, campaign and a 26-letter id", m)
		}
	}
	want := "webhook https://crm.example.org/created|webhook https://crm.example.org/all|osdi https://actionnetwork.org/api/v2/petitions/abc/signatures"
	if got := strings.Join(targets, "|"); got != want {
		t.Fatalf("messages:\n got %s\nwant %s", got, want)
	}
	var ev map[string]any
	if err := json.Unmarshal(msgs[0].Payload, &ev); err != nil {
		t.Fatal(err)
	}
	data := ev["data"].(map[string]any)
	person := data["signature"].(map[string]any)["person"].(map[string]any)
	for path, got := range map[string]any{
		"type":              ev["type"],
		"timestamp":         ev["timestamp"],
		"campaign.title":    data["campaign"].(map[string]any)["title"],
		"campaign.url":      data["campaign"].(map[string]any)["browser_url"],
		"action.kind":       data["action"].(map[string]any)["kind"],
		"given_name":        person["given_name"],
		"family_name":       person["family_name"],
		"email":             person["email_addresses"].([]any)[0].(map[string]any)["address"],
		"postal_code":       person["postal_addresses"].([]any)[0].(map[string]any)["postal_code"],
		"created_date":      data["signature"].(map[string]any)["created_date"],
		"contact_permision": data["signature"].(map[string]any)["custom_fields"].(map[string]any)["contact_permission"],
		"identifier":        data["signature"].(map[string]any)["identifiers"].([]any)[0],
	} {
		wants := map[string]any{
			"type": "signature.created", "timestamp": "2026-03-01T09:30:15Z", "campaign.title": "Fair rent",
			"campaign.url": "https://sign.example.org/north/rent", "action.kind": "petition", "given_name": "Ana",
			"family_name": "María Ruiz", "email": "ana@example.org", "postal_code": "E1 6AN",
			"created_date": "2026-03-01T09:30:15Z", "contact_permision": true, "identifier": "placard:north/rent/zi4xxkpvonru6dsysj2d",
		}
		if got != wants[path] {
			t.Errorf("payload %s: got %v, want %v", path, got, wants[path])
		}
	}
	// Not final (waiting for confirmation): no OSDI record yet.
	if msgs := webhook.Messages(o, c, sig(), webhook.Occasion{Event: campaign.EventSignatureCreated, At: at}); len(msgs) != 2 {
		t.Errorf("not final: got %d messages, want the 2 webhooks only", len(msgs))
	}
	// No permission to contact: no OSDI record (Action Network would put
	// the person on a mailing list).
	noContact := sig()
	noContact.ContactAt, noContact.ContactText = time.Time{}, ""
	if msgs := webhook.Messages(o, c, noContact, webhook.Occasion{Event: campaign.EventSignatureConfirmed, Final: true, At: at}); len(msgs) != 2 {
		t.Errorf("confirmed without permission to contact: got %d messages, want the 2 webhooks wanting confirmed", len(msgs))
	}
	if msgs := webhook.Erased(o, "ana@example.org", at); len(msgs) != 1 || msgs[0].Target != "https://crm.example.org/all" ||
		!strings.Contains(string(msgs[0].Payload), `"type":"signature.erased"`) || !strings.Contains(string(msgs[0].Payload), "ana@example.org") || msgs[0].Email != "" {
		// Filed under no address: a later erasure of the same address
		// must not delete the notice that tells the CRM to forget it.
		t.Errorf("Erased: got %+v, want one signature.erased to /all, filed under no address", msgs)
	}
}

// receiver is a webhook receiver over TLS on loopback that verifies every
// delivery as a real one would.
type receiver struct {
	srv  *httptest.Server
	key  []byte
	mu   sync.Mutex
	ok   []string // ids accepted
	body [][]byte // bodies accepted
	bad  int      // deliveries refused
	code int      // answer to valid deliveries (200 when 0)
}

func newReceiver(t *testing.T, secret string) *receiver {
	r := &receiver{key: webhook.SecretKey(secret)}
	r.srv = httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		body, _ := io.ReadAll(req.Body)
		r.mu.Lock()
		defer r.mu.Unlock()
		if err := webhook.Verify(r.key, req.Header, body, time.Now(), 5*time.Minute); err != nil {
			r.bad++
			http.Error(w, err.Error(), http.StatusUnauthorized)
			return
		}
		r.ok = append(r.ok, req.Header.Get(webhook.HeaderID))
		r.body = append(r.body, body)
		if r.code != 0 {
			w.WriteHeader(r.code)
		}
	}))
	t.Cleanup(r.srv.Close)
	return r
}

func deliverer(t *testing.T, s *campaign.Site, p webhook.Policy, env map[string]string) *webhook.Deliverer {
	return &webhook.Deliverer{Client: webhook.NewClient(p), Policy: p, Org: s.Org,
		Getenv: func(k string) string { return env[k] }, Now: time.Now}
}

func TestDeliverSignsAndReceiverVerifies(t *testing.T) {
	r := newReceiver(t, "whsec_c2VjcmV0LWtleS1mb3ItdGVzdHM=")
	s := site(t, "webhooks:\n  - url: "+r.srv.URL+"/hook\n    secret_env: PLACARD_ORG_NORTH__HOOK_SECRET\n    events: [signature.created]\n")
	p := webhook.Policy{AllowLoopback: true, RootCAs: poolOf(r.srv)}
	d := deliverer(t, s, p, map[string]string{"PLACARD_ORG_NORTH__HOOK_SECRET": "whsec_c2VjcmV0LWtleS1mb3ItdGVzdHM="})
	msgs := webhook.Messages(s.Org("north"), s.Campaign("north", "rent"), sig(), webhook.Occasion{Event: "signature.created", Final: true, At: at})
	if len(msgs) != 1 {
		t.Fatalf("got %d messages, want 1", len(msgs))
	}
	for range 2 {
		if err := d.Deliver(context.Background(), msgs[0]); err != nil {
			t.Fatalf("Deliver: %v", err)
		}
	}
	if len(r.ok) != 2 || r.ok[0] != msgs[0].ID || r.ok[1] != msgs[0].ID || r.bad != 0 {
		t.Errorf("receiver: accepted %v, refused %d; want the same id twice, none refused", r.ok, r.bad)
	}
	// A body changed on the way fails verification.
	tampered := msgs[0]
	tampered.Payload = []byte(strings.Replace(string(tampered.Payload), "Ana", "Eve", 1))
	h := http.Header{}
	h.Set(webhook.HeaderID, tampered.ID)
	h.Set(webhook.HeaderTimestamp, "1772357415")
	h.Set(webhook.HeaderSignature, webhook.Sign(r.key, tampered.ID, 1772357415, msgs[0].Payload))
	if err := webhook.Verify(r.key, h, tampered.Payload, time.Unix(1772357415, 0), time.Minute); err == nil {
		t.Error("Verify accepted a tampered body")
	}
	// The wrong secret on the sender's side: refused for good (401).
	d2 := deliverer(t, s, p, map[string]string{"PLACARD_ORG_NORTH__HOOK_SECRET": "not the secret"})
	if err := d2.Deliver(context.Background(), msgs[0]); err == nil || !outbox.IsPermanent(err) {
		t.Errorf("Deliver with the wrong secret: got %v, want a permanent refusal", err)
	}
	if r.bad != 1 {
		t.Errorf("receiver refused %d, want 1", r.bad)
	}
	// The variable unset: retried later, and the error names the variable.
	d3 := deliverer(t, s, p, nil)
	if err := d3.Deliver(context.Background(), msgs[0]); err == nil || outbox.IsPermanent(err) || !strings.Contains(err.Error(), "PLACARD_ORG_NORTH__HOOK_SECRET") {
		t.Errorf("Deliver with the secret unset: got %v, want a retryable error naming PLACARD_ORG_NORTH__HOOK_SECRET", err)
	}
	// A 503 is retried; errors never carry the payload.
	r.code = http.StatusServiceUnavailable
	err := d.Deliver(context.Background(), msgs[0])
	if err == nil || outbox.IsPermanent(err) || strings.Contains(err.Error(), "ana@") {
		t.Errorf("Deliver to a 503: got %v, want a retryable error without personal data", err)
	}
}

func poolOf(s *httptest.Server) *x509.CertPool {
	return s.Client().Transport.(*http.Transport).TLSClientConfig.RootCAs
}

func TestRefusesPrivateAddresses(t *testing.T) {
	var hits int
	srv := httptest.NewTLSServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { hits++ }))
	defer srv.Close()
	s := site(t, "webhooks:\n  - url: "+srv.URL+"/hook\n    secret_env: PLACARD_ORG_NORTH__S\n    events: [signature.created]\n")
	// The default policy: loopback refused at connection time, for good.
	d := deliverer(t, s, webhook.Policy{RootCAs: poolOf(srv)}, map[string]string{"PLACARD_ORG_NORTH__S": "x"})
	m := webhook.Messages(s.Org("north"), nil, sig(), webhook.Occasion{Event: "signature.created"})[0]
	if err := d.Deliver(context.Background(), m); !errors.Is(err, webhook.ErrRefusedAddress) || !outbox.IsPermanent(err) {
		t.Errorf("Deliver to loopback: got %v, want a permanent refusal", err)
	}
	// A name that resolves to loopback is refused the same way: the check
	// is on the address connected to, not the name.
	m.Target = strings.Replace(srv.URL, "127.0.0.1", "localhost", 1) + "/hook"
	if err := d.Deliver(context.Background(), m); err == nil {
		t.Errorf("Deliver to localhost: got nil, want a refusal")
	}
	if hits != 0 {
		t.Errorf("the server was reached %d times", hits)
	}
	for _, c := range []struct {
		ip   string
		want bool
	}{
		{"93.184.216.34", true}, {"2606:4700::1111", true},
		{"10.1.2.3", false}, {"172.16.0.1", false}, {"192.168.1.1", false}, {"127.0.0.1", false}, {"::1", false},
		{"169.254.169.254", false}, {"fe80::1", false}, {"fd00::1", false}, {"0.0.0.0", false}, {"::", false},
		{"224.0.0.1", false}, {"ff02::1", false}, {"100.64.0.1", false}, {"::ffff:10.0.0.1", false},
		{"64:ff9b::a00:1", false}, {"255.255.255.255", false},
		{"::127.0.0.1", false}, {"::10.0.0.1", false}, {"fec0::1", false}, {"2002:a00:1::1", false}, {"2001:0:a00:1::1", false}, {"100::1", false},
	} {
		if got := (webhook.Policy{}).Allowed(netip.MustParseAddr(c.ip)); got != c.want {
			t.Errorf("Allowed(%s) = %v, want %v", c.ip, got, c.want)
		}
	}
	if !(webhook.Policy{AllowPrivate: true}).Allowed(netip.MustParseAddr("10.1.2.3")) {
		t.Error("AllowPrivate refused 10.1.2.3")
	}
	for _, u := range []string{"http://crm.example.org/x", "ftp://x.example/", "https://u:p@x.example/"} {
		if _, err := (webhook.Policy{AllowLoopback: true}).CheckURL(u); err == nil {
			t.Errorf("CheckURL(%s): got nil, want a refusal", u)
		}
	}
	if _, err := (webhook.Policy{}).CheckURL("http://127.0.0.1:9/x"); err == nil {
		t.Error("CheckURL(http loopback) without AllowLoopback: got nil")
	}
}

func TestRedirectNotFollowed(t *testing.T) {
	var reached bool
	target := httptest.NewTLSServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { reached = true }))
	defer target.Close()
	srv := httptest.NewTLSServer(http.RedirectHandler(target.URL, http.StatusTemporaryRedirect))
	defer srv.Close()
	s := site(t, "webhooks:\n  - url: "+srv.URL+"/hook\n    secret_env: PLACARD_ORG_NORTH__S\n    events: [signature.created]\n")
	d := deliverer(t, s, webhook.Policy{AllowLoopback: true, RootCAs: poolOf(srv)}, map[string]string{"PLACARD_ORG_NORTH__S": "x"})
	m := webhook.Messages(s.Org("north"), nil, sig(), webhook.Occasion{Event: "signature.created"})[0]
	if err := d.Deliver(context.Background(), m); err == nil || !outbox.IsPermanent(err) {
		t.Errorf("Deliver to a redirect: got %v, want a permanent error", err)
	}
	if reached {
		t.Error("the redirect was followed")
	}
}

func TestRemovedEndpointIsDead(t *testing.T) {
	s := site(t, "")
	d := deliverer(t, s, webhook.Policy{}, nil)
	err := d.Deliver(context.Background(), signing.Message{ID: "x", Kind: signing.MessageWebhook, Org: "north", Target: "https://gone.example.org/"})
	if !outbox.IsPermanent(err) {
		t.Errorf("Deliver to an endpoint no longer configured: got %v, want permanent", err)
	}
}

// TestOSDIRecord posts to a local server that checks every field Action
// Network's record signature helper documents, and its API key header.
func TestOSDIRecord(t *testing.T) {
	var got map[string]any
	var token, ctype string
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		token, ctype = r.Header.Get("OSDI-API-Token"), r.Header.Get("Content-Type")
		if r.Method != http.MethodPost {
			http.Error(w, "POST only", http.StatusMethodNotAllowed)
			return
		}
		if err := json.NewDecoder(r.Body).Decode(&got); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		w.Write([]byte(`{}`))
	}))
	defer srv.Close()
	s := site(t, "osdi:\n  url: "+srv.URL+"/api/v2/petitions/abc/signatures\n  api_key_env: PLACARD_ORG_NORTH__AN_KEY\n")
	d := deliverer(t, s, webhook.Policy{AllowLoopback: true, RootCAs: poolOf(srv)}, map[string]string{"PLACARD_ORG_NORTH__AN_KEY": "an-key-123"})
	msgs := webhook.Messages(s.Org("north"), s.Campaign("north", "rent"), sig(), webhook.Occasion{Event: "signature.confirmed", Final: true, At: at, BaseURL: "https://sign.example.org"})
	if len(msgs) != 1 || msgs[0].Kind != signing.MessageOSDI {
		t.Fatalf("messages: got %+v, want one OSDI record", msgs)
	}
	if err := d.Deliver(context.Background(), msgs[0]); err != nil {
		t.Fatalf("Deliver: %v", err)
	}
	if token != "an-key-123" || ctype != "application/json" {
		t.Errorf("headers: OSDI-API-Token %q, Content-Type %q", token, ctype)
	}
	person := got["person"].(map[string]any)
	email := person["email_addresses"].([]any)[0].(map[string]any)
	postal := person["postal_addresses"].([]any)[0].(map[string]any)
	for name, c := range map[string][2]any{
		"identifiers[0]":                         {got["identifiers"].([]any)[0], "placard:north/rent/zi4xxkpvonru6dsysj2d"},
		"comments":                               {got["comments"], "Now."},
		"person.given_name":                      {person["given_name"], "Ana"},
		"person.family_name":                     {person["family_name"], "María Ruiz"},
		"person.email_addresses[0].address":      {email["address"], "ana@example.org"},
		"person.email_addresses[0].status":       {email["status"], "subscribed"},
		"person.postal_addresses[0].postal_code": {postal["postal_code"], "E1 6AN"},
		"person.postal_addresses[0].country":     {postal["country"], "GB"},
		"person.phone_numbers[0].number":         {person["phone_numbers"].([]any)[0].(map[string]any)["number"], "+44 20 7946 0000"},
		"action_network:referrer_data.website":   {got["action_network:referrer_data"].(map[string]any)["website"], "https://sign.example.org/north/rent"},
	} {
		if c[0] != c[1] {
			t.Errorf("%s: got %v, want %v", name, c[0], c[1])
		}
	}
}

// TestErasure: an erasure tells each organisation whose erased
// signatures include one that is not unconfirmed — signature.erased to
// its webhooks that want it, and Action Network's unsubscribe when one
// that counts carried permission to be contacted — once however many
// spellings are erased, filed under no address; an address that only
// waited for its signer's confirmation tells no one.
func TestErasure(t *testing.T) {
	hook := func(org, events string) string {
		return "webhooks:\n  - url: https://crm.example.org/x\n    secret_env: PLACARD_ORG_" + org + "__S\n    events: [" + events + "]\n"
	}
	osdi := "osdi:\n  url: https://actionnetwork.org/api/v2/petitions/x/signatures\n  api_key_env: PLACARD_ORG_A__AN\n"
	s := campaigntest.Site(t, campaigntest.Files{
		"a/org.yaml": "name: A\ncontact_permission: Keep me informed.\n" + hook("A", "signature.erased") + osdi,
		"b/org.yaml": "name: B\n" + hook("B", "signature.erased"),
		"c/org.yaml": "name: C\n" + hook("C", "signature.created"),
	})
	sig := func(org string, st signing.Status, contact bool) signing.Signature {
		g := signing.Signature{Org: org, Campaign: "x", Email: "ana@example.org", Status: st}
		if contact {
			g.ContactAt = at
		}
		return g
	}
	tell := webhook.Erasure(s.Org, "ana@example.org", at)
	msgs, err := tell([]signing.Signature{
		sig("a", signing.StatusUnconfirmed, true), sig("a", signing.StatusApproved, true),
		sig("b", signing.StatusUnconfirmed, false), sig("c", signing.StatusApproved, true), sig("gone", signing.StatusApproved, false),
	})
	var got []string
	for _, m := range msgs {
		got = append(got, m.Org+" "+m.Kind+" "+m.Email)
		if !strings.Contains(string(m.Payload), "ana@example.org") {
			t.Errorf("%s: %s, want the address", m.Kind, m.Payload)
		}
	}
	if want := []string{"a webhook ", "a osdi "}; err != nil || !slices.Equal(got, want) {
		t.Errorf("first erasure: %q, %v; want %q", got, err, want)
	}
	// The next spelling's erasure: a is told already, b now had one that
	// may have reached it; a pending one carries no unsubscribe.
	msgs, _ = tell([]signing.Signature{sig("a", signing.StatusApproved, false), sig("b", signing.StatusPending, true)})
	got = got[:0]
	for _, m := range msgs {
		got = append(got, m.Org+" "+m.Kind)
	}
	if want := []string{"b webhook"}; !slices.Equal(got, want) {
		t.Errorf("second erasure: %q; want %q", got, want)
	}
}

// TestOwnSettingsNeverSent: an org.yaml (editable in the console by the
// organisation's organisers) naming one of Placard's own settings, or any
// variable of the server's that is neither the organisation's own
// (PLACARD_ORG_NORTH__…) nor on the operator's list, as the OSDI key or a
// webhook's secret gets nothing sent and the variable is never read, so
// the SMTP password, the database's address or a cloud key never reaches
// an address the file chose. The loader refuses such a file too; this
// holds for one loaded before.
func TestOwnSettingsNeverSent(t *testing.T) {
	for _, pair := range [][2]string{
		{"PLACARD_SMTP", "PLACARD_SECRET"},
		{"AWS_SECRET_ACCESS_KEY", "DATABASE_URL"},
		{"PLACARD_ORG_SOUTH__PLACARD_ORG_NORTH_HOOK_SECRET", "PLACARD_ORG_SOUTH__AN_KEY"},
	} {
		hits := 0
		srv := httptest.NewTLSServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { hits++ }))
		defer srv.Close()
		org := &campaign.Org{Slug: "north",
			Webhooks: []campaign.Webhook{{URL: srv.URL + "/hook", SecretEnv: pair[0], Events: []string{"signature.created"}}},
			OSDI:     &campaign.OSDI{URL: srv.URL + "/osdi", APIKeyEnv: pair[1]}}
		p := webhook.Policy{AllowLoopback: true, RootCAs: poolOf(srv)}
		var read []string
		d := &webhook.Deliverer{Client: webhook.NewClient(p), Policy: p, Org: func(string) *campaign.Org { return org },
			SecretEnv: []string{"CRM_SHARED"},
			Getenv:    func(k string) string { read = append(read, k); return "value-of-" + k }, Now: time.Now}
		for _, m := range []signing.Message{
			{ID: "a", Kind: signing.MessageOSDI, Org: "north", Target: srv.URL + "/osdi", Payload: []byte("{}")},
			{ID: "b", Kind: signing.MessageWebhook, Org: "north", Target: srv.URL + "/hook", Payload: []byte("{}")},
		} {
			if err := d.Deliver(context.Background(), m); !outbox.IsPermanent(err) {
				t.Errorf("Deliver %s naming %v: got %v, want permanent", m.Kind, pair, err)
			}
		}
		if hits != 0 || len(read) != 0 {
			t.Errorf("naming %v: the receiver was called %d times and %v read, want none", pair, hits, read)
		}
	}
}

// TestAllowListedSecretSent: a name on the operator's list (--secret-env)
// is read and used.
func TestAllowListedSecretSent(t *testing.T) {
	r := newReceiver(t, "shared-secret")
	s := site(t, "webhooks:\n  - url: "+r.srv.URL+"/hook\n    secret_env: CRM_SHARED\n    events: [signature.created]\n", "CRM_SHARED")
	p := webhook.Policy{AllowLoopback: true, RootCAs: poolOf(r.srv)}
	d := deliverer(t, s, p, map[string]string{"CRM_SHARED": "shared-secret"})
	d.SecretEnv = []string{"CRM_SHARED"}
	msgs := webhook.Messages(s.Org("north"), s.Campaign("north", "rent"), sig(), webhook.Occasion{Event: "signature.created", Final: true, At: at})
	if len(msgs) != 1 {
		t.Fatalf("got %d messages, want 1", len(msgs))
	}
	if err := d.Deliver(context.Background(), msgs[0]); err != nil || len(r.ok) != 1 {
		t.Errorf("Deliver: %v, accepted %v", err, r.ok)
	}
	d.SecretEnv = nil
	if err := d.Deliver(context.Background(), msgs[0]); !outbox.IsPermanent(err) {
		t.Errorf("Deliver once no longer listed: %v, want permanent", err)
	}
}

// TestErasedEverySpelling: the signature.erased notice for an address
// whose domain has Unicode labels names its A-label spelling too. Until
// migration 024 an address typed that way was stored, and told to the
// organisation's systems, as typed ("ann@xn--bcher-kva.example"); the
// erasure now finds that signer by the Unicode form, and a notice naming
// only it left the CRM's record of the A-label spelling in place.
func TestErasedEverySpelling(t *testing.T) {
	org := &campaign.Org{Slug: "north", Webhooks: []campaign.Webhook{{URL: "https://crm.example.org/x", Events: []string{"signature.erased"}}}}
	for _, typed := range []string{"ann@bücher.example", "ann@xn--bcher-kva.example"} {
		msgs := webhook.Erased(org, typed, at)
		if len(msgs) != 1 {
			t.Fatalf("Erased(%q): %d messages, want 1", typed, len(msgs))
		}
		body := msgs[0].Payload
		if !json.Valid(body) {
			t.Fatalf("Erased(%q): payload %s is not JSON", typed, body)
		}
		for _, want := range []string{"ann@bücher.example", "ann@xn--bcher-kva.example"} {
			if !strings.Contains(string(body), `"`+want+`"`) {
				t.Errorf("Erased(%q) payload %s does not name %q", typed, body, want)
			}
		}
		if n := strings.Count(string(body), `"primary":true`); n != 1 {
			t.Errorf("Erased(%q) payload %s: %d primary addresses, want 1", typed, body, n)
		}
	}
	// A plain address is named once, as before.
	if body := string(webhook.Erased(org, "ana@example.org", at)[0].Payload); strings.Count(body, "@") != 1 {
		t.Errorf("Erased(ana@example.org) payload %s, want the address once", body)
	}
}
