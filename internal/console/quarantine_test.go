package console

import (
	"context"
	"database/sql"
	"net/http"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/placard/placard/internal/accounts"
	"github.com/placard/placard/internal/signing"
	"github.com/placard/placard/internal/store"
	"github.com/placard/placard/internal/store/sqlite"
)

// outboxEnv is the console on a SQLite store that is its outbox too, so
// a test can set a bundle aside in the store the dashboard reads; raw is
// a connection of the test's own to the same file, to damage a bundle
// with a real UPDATE.
func outboxEnv(t *testing.T) (st *sqlite.DB, raw *sql.DB, e *env) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "placard.db")
	st, err := sqlite.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	e = newEnv(t, func(c *Config) { c.Store, c.Outbox = st, st })
	e.st, e.acc = st, st
	raw, err = sql.Open("sqlite", "file:"+path+"?_pragma=busy_timeout(5000)")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { raw.Close() })
	return st, raw, e
}

// signWithHook stores an approved signature of email on org's open
// letter, its webhook message bundled in the outbox.
func signWithHook(t *testing.T, st *sqlite.DB, org, email string) {
	t.Helper()
	sig := &signing.Signature{Org: org, Campaign: "open-letter", Action: "sign", Kind: signing.KindIndividual,
		Status: signing.StatusApproved, Name: "Signer", Email: email, Lang: "en", CreatedAt: time.Now(),
		Outbox: []signing.Message{{ID: signing.NewMessageID(), Kind: signing.MessageWebhook, Target: "https://crm.example/hook",
			Email: email, Org: org, Campaign: "open-letter", Payload: []byte("{}")}}}
	if _, err := st.AddSignatures(context.Background(), []*signing.Signature{sig}); err != nil {
		t.Fatal(err)
	}
}

// TestDashboardQuarantine: a damaged bundle of signed messages does not
// break the dashboard; its outbox line counts the bundles set aside to a
// site admin, to no organisation's editor (the count is the server's,
// of every organisation), and says nothing of them when there are none.
func TestDashboardQuarantine(t *testing.T) {
	st, raw, e := outboxEnv(t)
	b := e.signIn("riverside", "sam@example.org", accounts.RoleEditor)
	if got := doc(t, b.get(Prefix+"/riverside")).Find(".outbox").Text(); strings.Contains(got, "set aside") {
		t.Errorf("outbox line %q speaks of bundles set aside when there are none", got)
	}
	signWithHook(t, st, "riverside", "ada@example.org")
	signWithHook(t, st, "riverside", "bo@example.org")
	// Damage ada's bundle with a real UPDATE: a newer placard's version.
	var seq int64
	var packed []byte
	if err := raw.QueryRow(`SELECT seq, messages FROM outbox_bundles WHERE instr(messages, ?) > 0`, []byte("ada@")).Scan(&seq, &packed); err != nil {
		t.Fatal(err)
	}
	packed[0] = 9
	if _, err := raw.Exec(`UPDATE outbox_bundles SET messages = ? WHERE seq = ?`, packed, seq); err != nil {
		t.Fatal(err)
	}
	// The editor sees their organisation's figures only: the count set
	// aside is the server's, of every organisation.
	got := doc(t, b.get(Prefix+"/riverside")).Find(".outbox").Text()
	if !strings.Contains(got, "1 waiting") || strings.Contains(got, "could not be read") {
		t.Errorf("editor's outbox line %q, want bo's message waiting and nothing of the server's set-aside batches", got)
	}
	admin := e.signIn("", "root@example.org", accounts.RoleSiteAdmin)
	got = doc(t, admin.get(Prefix+"/riverside")).Find(".outbox").Text()
	if !strings.Contains(got, "could not be read") || !strings.Contains(got, ": 1.") {
		t.Errorf("site admin's outbox line %q, want 1 batch set aside", got)
	}
}

var _ store.Quarantine = (*sqlite.DB)(nil)

// TestEraseNeedsAnAddress: an organiser's erasure of what is not an email
// address (a name, a fragment typed by mistake) is refused, as the
// command line refuses it. The store drops from the set-aside bundles
// every one whose bytes hold what is erased, on every organisation: an
// editor of riverside erasing "harbour" removed harbour's damaged bundle,
// a message no one could then retry.
func TestEraseNeedsAnAddress(t *testing.T) {
	st, raw, e := outboxEnv(t)
	b := e.signIn("riverside", "sam@example.org", accounts.RoleEditor)
	signWithHook(t, st, "harbour", "bo@example.org")
	if _, err := raw.Exec(`UPDATE outbox_bundles SET messages = X'09' || substr(messages, 2)`); err != nil {
		t.Fatal(err)
	}
	for _, bad := range []string{"harbour", "bo", "example.org", "@", "bo@", "@example.org"} {
		res := b.post(Prefix+"/riverside/erase", url.Values{"email": {bad}, "confirm": {"yes"}})
		if res.StatusCode != http.StatusBadRequest {
			t.Errorf("erasing %q: status %d, want %d", bad, res.StatusCode, http.StatusBadRequest)
		}
	}
	var n int
	if err := raw.QueryRow(`SELECT (SELECT count(*) FROM outbox_bundles) + (SELECT count(*) FROM outbox_quarantine)`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != 1 {
		t.Errorf("after riverside's erasures of words: %d of harbour's damaged bundle left, want it kept", n)
	}
}
