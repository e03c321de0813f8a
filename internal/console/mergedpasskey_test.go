package console

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"testing"

	"github.com/placard/placard/internal/accounts"
	"github.com/placard/placard/internal/store"
)

// TestMergedAccountPasskeySignsIn: an organisation held two accounts for
// one organiser — the editor under the A-label spelling an earlier
// version kept, with a passkey, and a viewer under the Unicode spelling.
// The address rewrite merges them; the passkey, made with the editor
// account's user handle, still signs in, to the one account, which keeps
// the weaker role of the two (viewer: store.MergeRole, least privilege),
// and the editor's open session carries on. Failed
// before: the rewrite left both accounts, the editor's unreachable by
// address.
func TestMergedAccountPasskeySignsIn(t *testing.T) {
	const annA, annU = "ann@xn--bcher-kva.example", "ann@bücher.example"
	ctx := context.Background()
	e := newEnv(t, nil)
	b := e.signIn("riverside", annA, accounts.RoleEditor)
	gone, err := e.acc.FindOrganiser(ctx, "riverside", annA)
	if err != nil {
		t.Fatal(err)
	}
	key := newSoftKey(t, true)
	if res := b.postJSON(Prefix+"/passkey/finish", key.register(t, b.post(Prefix+"/passkey/begin", url.Values{}))); res.StatusCode != http.StatusOK {
		t.Fatalf("adding a passkey: %d %s", res.StatusCode, body(t, res))
	}
	kept := accounts.Organiser{Org: "riverside", Email: annU, Role: accounts.RoleViewer}
	if err := e.acc.AddOrganiser(ctx, &kept); err != nil {
		t.Fatal(err)
	}
	if _, err := e.st.(store.EmailForms).RenormaliseEmails(ctx); err != nil {
		t.Fatal(err)
	}
	list, err := e.acc.Organisers(ctx, "riverside")
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, o := range list {
		if o.Email == annA || o.Email == annU {
			n++
			if o.ID != kept.ID || o.Role != accounts.RoleViewer {
				t.Errorf("after the rewrite: %+v; want the one account %d, viewer", o, kept.ID)
			}
		}
	}
	if n != 1 {
		t.Errorf("after the rewrite: %d accounts for the one organiser, want 1", n)
	}
	in := e.browser()
	res := in.postJSON(Prefix+"/signin/passkey/finish", key.assert(t, in.post(Prefix+"/signin/passkey/begin", url.Values{}), fmt.Sprint(gone.ID)))
	if res.StatusCode != http.StatusOK {
		t.Fatalf("signing in with the moved passkey: %d %s", res.StatusCode, body(t, res))
	}
	wantCode(t, in.get(Prefix+"/riverside"), http.StatusOK)
	wantCode(t, b.get(Prefix+"/riverside"), http.StatusOK)
	// The handle must still be the one the passkey was made with: the
	// kept account's id does not sign in with it.
	other := e.browser()
	if res := other.postJSON(Prefix+"/signin/passkey/finish", key.assert(t, other.post(Prefix+"/signin/passkey/begin", url.Values{}), fmt.Sprint(kept.ID))); res.StatusCode == http.StatusOK {
		t.Error("the moved passkey signed in presenting another account's handle")
	}
}
