package webhook_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/placard/placard/internal/signing"
	"github.com/placard/placard/internal/webhook"
)

// TestActionNetworkBodies: what Action Network receives, byte for byte,
// on loopback: a signature through the petition's record signature
// helper, its referrer data under Action Network's own field name
// (action_network:referrer_data), and a withdrawal's unsubscribe through
// the person signup helper beside it, the person alone. Failed before:
// the referrer data went as OSDI's plain referrer_data, which Action
// Network does not read, and the unsubscribe went to the record
// signature helper, which takes no status but subscribed — the person
// stayed subscribed.
func TestActionNetworkBodies(t *testing.T) {
	type post struct{ method, path, token, body string }
	var mu sync.Mutex
	var got []post
	an := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		mu.Lock()
		got = append(got, post{r.Method, r.URL.Path, r.Header.Get("OSDI-API-Token"), string(b)})
		mu.Unlock()
		w.Write([]byte(`{}`))
	}))
	defer an.Close()
	s := site(t, "osdi:\n  url: "+an.URL+"/api/v2/petitions/abc/signatures\n  api_key_env: PLACARD_ORG_NORTH__AN_KEY\n")
	d := deliverer(t, s, webhook.Policy{AllowLoopback: true, RootCAs: poolOf(an)}, map[string]string{"PLACARD_ORG_NORTH__AN_KEY": "an-key-123"})
	sg := sig()
	msgs := webhook.Messages(s.Org("north"), s.Campaign("north", "rent"), sg, webhook.Occasion{Event: "signature.created", Final: true, At: at, BaseURL: "https://sign.example.org"})
	withdrawn := *sg
	withdrawn.ContactAt, withdrawn.ContactText = time.Time{}, ""
	msgs = append(msgs, webhook.Changes(s.Org("north"), []signing.Change{{Before: *sg, After: withdrawn}}, at, "")...)
	for _, m := range msgs {
		if m.Kind != signing.MessageOSDI {
			continue
		}
		if err := d.Deliver(context.Background(), m); err != nil {
			t.Fatalf("Deliver: %v", err)
		}
	}
	want := []post{
		{"POST", "/api/v2/petitions/abc/signatures", "an-key-123",
			`{"identifiers":["placard:north/rent/zi4xxkpvonru6dsysj2d"],"comments":"Now.","person":{"given_name":"Ana","family_name":"María Ruiz",` +
				`"email_addresses":[{"address":"ana@example.org","status":"subscribed"}],"postal_addresses":[{"postal_code":"E1 6AN","country":"GB"}],` +
				`"phone_numbers":[{"number":"+44 20 7946 0000"}]},"action_network:referrer_data":{"source":"placard","website":"https://sign.example.org/north/rent"}}`},
		{"POST", "/api/v2/people/", "an-key-123",
			`{"person":{"email_addresses":[{"address":"ana@example.org","status":"unsubscribed"}]}}`},
	}
	mu.Lock()
	defer mu.Unlock()
	if len(got) != len(want) {
		t.Fatalf("Action Network received %d posts, want %d:\n%+v", len(got), len(want), got)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("post %d:\n got %+v\nwant %+v", i, got[i], want[i])
		}
	}
}

// TestUnsubscribeToAnotherOSDISystem: an osdi url that is not a
// petition's signatures endpoint (another system with the same API) has
// no person signup helper Placard can name: the unsubscribe goes to that
// url, as the records do.
func TestUnsubscribeToAnotherOSDISystem(t *testing.T) {
	var mu sync.Mutex
	var paths []string
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		paths = append(paths, r.URL.Path)
		mu.Unlock()
		w.Write([]byte(`{}`))
	}))
	defer srv.Close()
	s := site(t, "osdi:\n  url: "+srv.URL+"/osdi/signatures\n  api_key_env: PLACARD_ORG_NORTH__AN_KEY\n")
	d := deliverer(t, s, webhook.Policy{AllowLoopback: true, RootCAs: poolOf(srv)}, map[string]string{"PLACARD_ORG_NORTH__AN_KEY": "k"})
	for _, m := range webhook.Unsubscribed(s.Org("north"), sig()) {
		if err := d.Deliver(context.Background(), m); err != nil {
			t.Fatalf("Deliver: %v", err)
		}
	}
	mu.Lock()
	defer mu.Unlock()
	if len(paths) != 1 || paths[0] != "/osdi/signatures" {
		t.Errorf("the unsubscribe went to %v, want /osdi/signatures", paths)
	}
}

// TestOldShapeUnsubscribeReshaped: an unsubscribe queued by a Placard
// from before unsubscribes went through the person signup helper carries
// the old body — the signature's identifier beside the person, as the
// record signature helper took it. Still queued after an upgrade, it goes
// to the person signup helper as the person alone, byte for byte what an
// unsubscribe queued now carries (TestActionNetworkBodies), however many
// spellings it names. Failed before: the old body went to …/people/ as
// stored, identifiers and all, a field the person signup helper does not
// define.
func TestOldShapeUnsubscribeReshaped(t *testing.T) {
	var mu sync.Mutex
	var got []string
	an := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		mu.Lock()
		got = append(got, r.URL.Path+" "+string(b))
		mu.Unlock()
		w.Write([]byte(`{}`))
	}))
	defer an.Close()
	s := site(t, "osdi:\n  url: "+an.URL+"/api/v2/petitions/abc/signatures\n  api_key_env: PLACARD_ORG_NORTH__AN_KEY\n")
	d := deliverer(t, s, webhook.Policy{AllowLoopback: true, RootCAs: poolOf(an)}, map[string]string{"PLACARD_ORG_NORTH__AN_KEY": "an-key-123"})
	target := an.URL + "/api/v2/petitions/abc/signatures"
	old := []string{
		// What Unsubscribed queued before the person signup helper.
		`{"identifiers":["placard:north/rent/zi4xxkpvonru6dsysj2d"],"person":{"email_addresses":[{"address":"ana@example.org","status":"unsubscribed"}]}}`,
		// Written by hand or by an older version still: extra fields.
		`{"identifiers":["placard:north/rent/zi4xxkpvonru6dsysj2d"],"comments":"","person":{"given_name":"","email_addresses":[{"address":"ana@example.org","status":"unsubscribed"}]},"referrer_data":{"source":"placard"}}`,
	}
	for i, p := range old {
		m := signing.Message{ID: signing.NewMessageID(), Kind: signing.MessageOSDI, Target: target,
			Email: "ana@example.org", Org: "north", Campaign: "rent", Payload: []byte(p)}
		if err := d.Deliver(context.Background(), m); err != nil {
			t.Fatalf("Deliver %d: %v", i, err)
		}
	}
	want := "/api/v2/people/ " + `{"person":{"email_addresses":[{"address":"ana@example.org","status":"unsubscribed"}]}}`
	mu.Lock()
	defer mu.Unlock()
	if len(got) != len(old) {
		t.Fatalf("Action Network received %d posts, want %d: %q", len(got), len(old), got)
	}
	for i := range got {
		if got[i] != want {
			t.Errorf("old-shape unsubscribe %d reached Action Network as\n %s\nwant\n %s", i, got[i], want)
		}
	}
}
