package web

import (
	"context"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/placard/placard/internal/campaign/campaigntest"
	"github.com/placard/placard/internal/store"
)

// TestMailConfirmRenamedCampaign: a signer's confirmation email names the
// campaign's address at the time they signed. When the campaign is then
// renamed (org.yaml's redirects), serve moves their waiting signature to
// the new name (store.Renames) — and the link in the email must still
// confirm it, or the signature waits unconfirmed until it is erased. It
// does too before the move (the rename loaded, the rows not moved yet),
// and an email still in the outbox at the rename is sent, not dropped.
func TestMailConfirmRenamedCampaign(t *testing.T) {
	for _, tc := range []struct {
		name          string
		moved, queued bool
	}{{"moved", true, false}, {"not-moved-yet", false, false}, {"queued", true, true}} {
		t.Run(tc.name, func(t *testing.T) { confirmRenamed(t, tc.moved, tc.queued) })
	}
}

// renameLibrary is files with riverside's save-the-library renamed
// keep-the-library, as an organiser does: its file moved, every mention
// of it changed, and a redirect from the old name in org.yaml.
func renameLibrary(files campaigntest.Files) campaigntest.Files {
	renamed := campaigntest.Files{}
	for k, v := range files {
		renamed[k] = v
	}
	renamed["riverside/keep-the-library.yaml"] = renamed["riverside/save-the-library.yaml"]
	delete(renamed, "riverside/save-the-library.yaml")
	for k, v := range renamed {
		renamed[k] = strings.ReplaceAll(v, "riverside/save-the-library", "riverside/keep-the-library")
	}
	renamed["riverside/org.yaml"] += "redirects: {save-the-library: keep-the-library}\n"
	return renamed
}

func confirmRenamed(t *testing.T, moved, queued bool) {
	forEachEngine(t, func(t *testing.T, st store.Store) {
		files := confirmFiles(t)
		e := newMailEnv(t, st, files)
		v := e.formValues(t, libraryPage, "petition-form")
		e.clock.add(5 * time.Second)
		wantStatus(t, e.post(t, libraryPage+"/sign", v, nil), 303)
		link := ""
		if !queued {
			m := e.deliver(t, 1)[0]
			link = local(linkIn(t, m.Text, "https://act.example.org"+libraryPage+"/confirm?t="))
		}

		// The campaign is renamed, and its rows follow it as serve does.
		if err := e.s.SetSite(campaigntest.Site(t, renameLibrary(files))); err != nil {
			t.Fatal(err)
		}
		if moved {
			if _, err := st.(store.Renames).MoveCampaign(context.Background(), "riverside", "save-the-library", "keep-the-library"); err != nil {
				t.Fatal(err)
			}
		}
		if queued {
			m := e.deliver(t, 1)[0]
			link = local(linkIn(t, m.Text, "https://act.example.org/riverside/keep-the-library/confirm?t="))
		}

		// The link from the email: followed to a page with the Confirm button.
		res := get(t, e.s, "GET", link, nil)
		for i := 0; i < 3 && res.StatusCode/100 == 3; i++ {
			res = get(t, e.s, "GET", res.Header.Get("Location"), nil)
		}
		wantStatus(t, res, 200)
		d := doc(t, res)
		form := d.Find("form.mail-form")
		tok := form.Find("input[name=t]").AttrOr("value", "")
		if tok == "" {
			t.Fatal("the confirmation page has no Confirm form")
		}
		res = e.post(t, form.AttrOr("action", ""), url.Values{"t": {tok}}, nil)
		wantStatus(t, res, 303)
		if loc := res.Header.Get("Location"); !strings.HasPrefix(loc, "/riverside/keep-the-library/thanks?outcome=signed") {
			t.Errorf("after confirming: Location %q, want the new name's thank-you page", loc)
		}
		if !moved {
			if c := e.count(t, "riverside", "save-the-library"); c.Signatures != 1 {
				t.Fatalf("not counted under the old name, not moved yet, after confirming: %+v", c)
			}
			if _, err := st.(store.Renames).MoveCampaign(context.Background(), "riverside", "save-the-library", "keep-the-library"); err != nil {
				t.Fatal(err)
			}
		}
		if c := e.count(t, "riverside", "keep-the-library"); c.Signatures != 1 {
			t.Fatalf("not counted under the new name after confirming: %+v", c)
		}
	})
}
