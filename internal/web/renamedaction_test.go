package web

import (
	"strings"

	"github.com/placard/placard/internal/campaign/campaigntest"
	"testing"
	"time"
)

// TestSignRenamedActionID: an organiser changed a letter's id while people
// had its form open; their POST names the old id. The campaign has one
// signable action, so it takes the signature rather than a 404 losing what
// they typed. An id the page still has but cannot sign stays refused, and
// on a campaign with two an unknown id stores nothing.
func TestSignRenamedActionID(t *testing.T) {
	const page = "/riverside/open-letter"
	e := newSignEnv(t, openSQLite(t), nil)
	v := e.formValues(t, page, "letter-form")
	if v.Get("action") != "letter" {
		t.Fatalf("the letter's form names action %q, want letter", v.Get("action"))
	}
	v.Set("action", "letter-before-rename")
	e.clock.add(5 * time.Second)
	res := e.post(t, page+"/sign", v, nil)
	wantStatus(t, res, 303)
	if loc := res.Header.Get("Location"); !strings.HasPrefix(loc, page+"/thanks?outcome=signed") {
		t.Errorf("Location = %q, want the thank-you page", loc)
	}
	if c := e.count(t, "riverside", "open-letter"); c.Signatures != 1 {
		t.Errorf("store count: got %d, want 1", c.Signatures)
	}

	// Not a form for another action of the page that takes no signatures.
	v = e.formValues(t, page, "letter-form")
	v.Set("action", "donate")
	v.Set("email", "bo@example.org")
	e.clock.add(5 * time.Second)
	res = e.post(t, page+"/sign", v, nil)
	wantStatus(t, res, 400)

	// With two signable actions there is no telling which was meant: nothing
	// is stored, and the forms come back holding what was typed
	// (TestSignUnknownActionKeepsDetails).
	f := signFiles(t)
	f["riverside/two-asks.yaml"] = `title: Two asks
summary: Sign one or both.
date: 2026-02-01
actions:
  - kind: petition
    id: first
    target: Council
    text: One.
  - kind: petition
    id: second
    target: Mayor
    text: Two.
`
	if err := e.s.SetSite(campaigntest.Site(t, f)); err != nil {
		t.Fatal(err)
	}
	v = e.formValues(t, "/riverside/two-asks", "first-form")
	v.Set("action", "nope")
	v.Set("email", "cy@example.org")
	e.clock.add(5 * time.Second)
	wantStatus(t, e.post(t, "/riverside/two-asks/sign", v, nil), 422)
	if c := e.count(t, "riverside", "two-asks"); c.Signatures != 0 {
		t.Errorf("an unknown action of a campaign with two stored %d signatures", c.Signatures)
	}
}
