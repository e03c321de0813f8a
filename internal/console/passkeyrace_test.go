package console

import (
	"context"
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

func (s *removedMidSignIn) UpdateCredential(ctx context.Context, id, data []byte) error {
	if f := s.before; f != nil {
		s.before = nil
		f()
	}
	return s.DB.UpdateCredential(ctx, id, data)
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
