package web

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/placard/placard/internal/campaign/campaigntest"
	"github.com/placard/placard/internal/signing"
	"github.com/placard/placard/internal/store"
)

// contactText is the organisation's own wording for the optional box.
const contactText = "Keep me informed about Riverside's work for the library."

// newContactEnv is newSignEnv on a site whose organisation asks permission
// to contact signers later (contact_permission in org.yaml).
func newContactEnv(t *testing.T, st store.Store) *signEnv {
	t.Helper()
	c := &clock{t: time.Date(2026, 2, 20, 12, 0, 0, 0, time.UTC)}
	committer := store.NewCommitter(st, store.CommitterOptions{})
	t.Cleanup(func() { committer.Close() })
	f := signFiles(t)
	f["riverside/org.yaml"] += "contact_permission: " + contactText + "\n"
	s, err := New(Config{BaseURL: "https://act.example.org", SiteName: "Act", Store: st, Recorder: committer,
		RateLimit: -1, Now: c.now}, campaigntest.Site(t, f))
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return &signEnv{s: s, st: st, clock: c}
}

// stored returns the signatures of the library petition.
func stored(t *testing.T, st store.Store) map[string]signing.Signature {
	t.Helper()
	out := map[string]signing.Signature{}
	err := st.Signatures(context.Background(), "riverside", "save-the-library", "", func(s *signing.Signature) error {
		out[s.Email] = *s
		return nil
	})
	if err != nil {
		t.Fatalf("Signatures: %v", err)
	}
	return out
}

// TestSignContactPermission: permission to be contacted later is its own
// box, beside the required consent: shown only when the organisation words
// it, optional and unticked, and recorded with its exact text and time only
// when ticked. A re-shown form draws both boxes as the server read them (a
// "Yes" counts, so it is drawn ticked).
func TestSignContactPermission(t *testing.T) {
	forEachEngine(t, func(t *testing.T, st store.Store) {
		// Without the setting there is no such box, and a posted value is ignored.
		plain := newSignEnv(t, openSQLite(t), nil)
		if n := doc(t, get(t, plain.s, "GET", libraryPage, nil)).Find("input[name=contact]").Length(); n != 0 {
			t.Errorf("a form without contact_permission has %d contact boxes, want none", n)
		}
		v := plain.formValues(t, libraryPage, "petition-form")
		v.Set("contact", "yes")
		plain.clock.add(5 * time.Second)
		wantStatus(t, plain.post(t, libraryPage+"/sign", v, nil), 303)
		if s := stored(t, plain.st)["ada@example.org"]; s.ContactText != "" || !s.ContactAt.IsZero() {
			t.Errorf("no box offered, yet permission was stored: %q at %v", s.ContactText, s.ContactAt)
		}

		e := newContactEnv(t, st)
		d := doc(t, get(t, e.s, "GET", libraryPage, nil))
		box := d.Find("#petition-form input[name=contact]")
		if box.Length() != 1 || box.AttrOr("type", "") != "checkbox" {
			t.Fatalf("form with contact_permission: got %d contact inputs, want one checkbox", box.Length())
		}
		if _, on := box.Attr("checked"); on {
			t.Errorf("the contact box is ticked by default")
		}
		if _, req := box.Attr("required"); req {
			t.Errorf("the contact box is required; it must be optional")
		}
		label := d.Find("label[for=" + box.AttrOr("id", "") + "]").Text()
		if !strings.Contains(label, contactText) || !strings.Contains(label, "optional") {
			t.Errorf("contact box label: got %q, want the organisation's text marked optional", label)
		}

		// Consent alone: no permission recorded.
		v = e.formValues(t, libraryPage, "petition-form")
		e.clock.add(5 * time.Second)
		wantStatus(t, e.post(t, libraryPage+"/sign", v, nil), 303)

		// A re-show keeps both boxes as sent ("Yes" counts as ticked).
		v = e.formValues(t, libraryPage, "petition-form")
		v.Set("email", "grace@example.org")
		v.Set("consent", "Yes")
		v.Set("contact", "Yes")
		v.Set("name", "")
		e.clock.add(5 * time.Second)
		res := e.post(t, libraryPage+"/sign", v, nil)
		wantStatus(t, res, 422)
		rd := doc(t, res)
		for _, name := range []string{"consent", "contact"} {
			if _, on := rd.Find("#petition-form input[name=" + name + "]").Attr("checked"); !on {
				t.Errorf("re-shown form: the %s box sent as \"Yes\" is drawn unticked", name)
			}
		}
		if rd.Find("#petition-form-consent-error").Length() != 0 {
			t.Errorf("re-shown form: a consent sent as \"Yes\" is reported missing")
		}
		v.Set("name", "Grace Hopper")
		e.clock.add(5 * time.Second)
		signedAt := e.clock.now()
		wantStatus(t, e.post(t, libraryPage+"/sign", v, nil), 303)

		got := stored(t, st)
		if s := got["ada@example.org"]; s.ContactText != "" || !s.ContactAt.IsZero() {
			t.Errorf("unticked box: got permission %q at %v, want none", s.ContactText, s.ContactAt)
		}
		g := got["grace@example.org"]
		if g.ContactText != contactText || !g.ContactAt.Equal(signedAt) || g.ConsentText == "" || !g.ConsentAt.Equal(signedAt) {
			t.Errorf("ticked box: got consent %q at %v, permission %q at %v; want both, at %v",
				g.ConsentText, g.ConsentAt, g.ContactText, g.ContactAt, signedAt)
		}
	})
}
