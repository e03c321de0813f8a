package console

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/placard/placard/internal/accounts"
	"github.com/placard/placard/internal/store/sqlite"
)

// removedMidSignIn is the real SQLite store, with a hook run once as a
// passkey sign-in records the passkey's use (before: UpdateCredential;
// after: CredentialUsed): the moment another request removes that
// passkey, as it may on another instance.
type removedMidSignIn struct {
	*sqlite.DB
	before, after func()
}

func (s *removedMidSignIn) UpdateCredential(ctx context.Context, id, data []byte, signCount uint32) error {
	if f := s.before; f != nil {
		s.before = nil
		f()
	}
	return s.DB.UpdateCredential(ctx, id, data, signCount)
}

func (s *removedMidSignIn) CredentialUsed(ctx context.Context, id []byte, at time.Time) error {
	err := s.DB.CredentialUsed(ctx, id, at)
	if f := s.after; f != nil {
		s.after = nil
		f()
	}
	return err
}

// TestPasskeyRemovedDuringSignIn: the organiser removes a lost phone's
// passkey while the thief's sign-in with it is under way. Whenever the
// removal lands, the thief ends up signed out, and the sign-in is a
// plain refusal, never a 500. Before, a removal landing after the
// sign-in had recorded the passkey's use but before it stored the
// session left that session signing in for up to 12 hours (removal had
// already deleted the passkey's sessions, and none checks the passkey
// again); one landing a moment earlier answered a 500.
func TestPasskeyRemovedDuringSignIn(t *testing.T) {
	for _, when := range []string{"before", "after"} {
		t.Run(when, func(t *testing.T) {
			var st *removedMidSignIn
			e := newEnv(t, func(c *Config) {
				st = &removedMidSignIn{DB: c.Store.(*sqlite.DB)}
				c.Store = st
			})
			owner := e.signIn("riverside", "sam@example.org", accounts.RoleEditor)
			o, _ := e.acc.FindOrganiser(context.Background(), "riverside", "sam@example.org")
			phone := owner.addKey(t)
			remove := func() {
				res := owner.post(Prefix+"/passkey/remove", url.Values{"id": {b64.EncodeToString(phone.id)}})
				if res.StatusCode != http.StatusSeeOther {
					t.Fatalf("removing the phone's passkey: %d", res.StatusCode)
				}
			}
			if when == "before" {
				st.before = remove
			} else {
				st.after = remove
			}
			thief := e.browser()
			res := thief.postJSON(Prefix+"/signin/passkey/finish", phone.assert(t, thief.post(Prefix+"/signin/passkey/begin", url.Values{}), fmt.Sprint(o.ID)))
			if res.StatusCode >= 500 {
				t.Errorf("the sign-in whose passkey was removed meanwhile answered %d, want a refusal", res.StatusCode)
			}
			if thief.signedIn() {
				t.Error("the thief is signed in with a passkey removed during the sign-in")
			}
			if !owner.signedIn() {
				t.Error("the owner's own session ended")
			}
		})
	}
}

// TestPasskeySignInsFinishOutOfOrder: two sign-ins with one counting
// passkey are in flight (two tabs, or two instances behind a load
// balancer); the later one (counter 8) finishes while the earlier one
// (counter 7) is between its check and its write. Before, the earlier
// one then overwrote the stored record, signed in, and left the counter
// at 7, so a copy of the key at 8 would have passed the clone check.
// Now the write is a compare-and-set: the sign-in behind is refused and
// logged as a copy would be, and the counter stays at 8.
func TestPasskeySignInsFinishOutOfOrder(t *testing.T) {
	ctx := context.Background()
	var st *removedMidSignIn
	e := newEnv(t, func(c *Config) {
		st = &removedMidSignIn{DB: c.Store.(*sqlite.DB)}
		c.Store = st
	})
	owner := e.signIn("riverside", "sam@example.org", accounts.RoleEditor)
	o, _ := e.acc.FindOrganiser(ctx, "riverside", "sam@example.org")
	handle := fmt.Sprint(o.ID)
	key := newSoftKey(t, true)
	key.count = 1
	wantStatus(t, owner.postJSON(Prefix+"/passkey/finish", key.register(t, owner.post(Prefix+"/passkey/begin", url.Values{}))), http.StatusOK)

	first, second := e.browser(), e.browser()
	key.count = 7
	firstAssertion := key.assert(t, first.post(Prefix+"/signin/passkey/begin", url.Values{}), handle)
	st.before = func() {
		key.count = 8
		wantStatus(t, second.postJSON(Prefix+"/signin/passkey/finish", key.assert(t, second.post(Prefix+"/signin/passkey/begin", url.Values{}), handle)), http.StatusOK)
	}
	res := first.postJSON(Prefix+"/signin/passkey/finish", firstAssertion)
	if res.StatusCode == http.StatusOK || res.StatusCode >= 500 {
		t.Errorf("the sign-in behind (counter 7 after 8 was stored) answered %d, want a refusal", res.StatusCode)
	}
	if first.signedIn() {
		t.Error("the sign-in behind signed in")
	}
	if !second.signedIn() {
		t.Error("the sign-in ahead is not signed in")
	}
	stored, err := e.acc.Credential(ctx, key.id)
	if err != nil {
		t.Fatal(err)
	}
	var rec struct {
		Authenticator struct {
			SignCount uint32 `json:"signCount"`
		} `json:"authenticator"`
	}
	if err := json.Unmarshal(stored.Data, &rec); err != nil || rec.Authenticator.SignCount != 8 {
		t.Errorf("stored counter %d (%v), want 8", rec.Authenticator.SignCount, err)
	}
	log, _ := e.acc.Audit(ctx, "riverside", 20)
	n := 0
	for _, l := range log {
		if l.Action == ActPasskeyCopied {
			n++
		}
	}
	if n != 1 {
		t.Errorf("%d refused sign-ins in the log, want 1", n)
	}
	// A copy at 8 is refused; the key counting on signs in.
	for _, c := range []struct {
		count uint32
		ok    bool
	}{{8, false}, {9, true}} {
		key.count = c.count
		b := e.browser()
		got := b.postJSON(Prefix+"/signin/passkey/finish", key.assert(t, b.post(Prefix+"/signin/passkey/begin", url.Values{}), handle)).StatusCode == http.StatusOK
		if got != c.ok {
			t.Errorf("a sign-in at counter %d: signed in %v, want %v", c.count, got, c.ok)
		}
	}
}
