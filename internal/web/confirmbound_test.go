package web

import (
	"context"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/placard/placard/internal/mail"
	"github.com/placard/placard/internal/store"
)

// TestConfirmLinkConfirmsItsOwnSignature: attack on double opt-in. A
// confirmation link named the organisation, campaign and address only, so
// within its days an old link confirmed whatever signature was waiting
// under that address: one a stranger made after the first expired,
// with a name and comment its owner never saw. The link now names its
// signature (the moment it was made, to the microsecond); an old link
// says it no longer works, shows nothing of the new signature, and
// confirms nothing. Links made before this change, which name no
// signature, still confirm the one waiting. Failed before: the old link
// counted the stranger's signature.
func TestConfirmLinkConfirmsItsOwnSignature(t *testing.T) {
	forEachEngine(t, func(t *testing.T, st store.Store) {
		e := newMailEnv(t, st, confirmFiles(t))
		// A clock with nanoseconds, as a real one has: the store keeps
		// microseconds, and the link must name the stored moment.
		e.clock.add(987654321 * time.Nanosecond)
		sign := func(name string) string {
			t.Helper()
			v := e.formValues(t, libraryPage, "petition-form")
			v.Set("name", name)
			v.Set("comment", "")
			e.clock.add(5 * time.Second)
			wantStatus(t, e.post(t, libraryPage+"/sign", v, nil), 303)
			ms := e.deliver(t, len(e.smtp.Mails())+1)
			link := local(linkIn(t, ms[len(ms)-1].Text, "https://act.example.org"+libraryPage+"/confirm?t="))
			q, _ := url.ParseQuery(link[strings.Index(link, "?")+1:])
			return q.Get("t")
		}
		old := sign("Ada Lovelace")
		// Ada never confirms; her signature expires, and a stranger signs
		// with her address the next day.
		e.clock.add(24 * time.Hour)
		if n, err := st.(store.Mail).EraseUnconfirmed(context.Background(), "", "", e.clock.now()); err != nil || n != 1 {
			t.Fatalf("EraseUnconfirmed: %d, %v", n, err)
		}
		fresh := sign("Stranger Danger")

		res := get(t, e.s, "GET", libraryPage+"/confirm?t="+url.QueryEscape(old), nil)
		if res.StatusCode != 400 {
			t.Errorf("opening the old link: %d, want 400 (the link does not work any more)", res.StatusCode)
		}
		if b := body(t, res); strings.Contains(b, "Stranger Danger") || !strings.Contains(b, "does not work any more") {
			t.Errorf("the old link shows the stranger's signature, or does not say it no longer works:\n%s", b)
		}
		wantStatus(t, e.post(t, libraryPage+"/confirm", url.Values{"t": {old}}, nil), 400)
		if c := e.count(t, "riverside", "save-the-library"); c.Signatures != 0 {
			t.Fatalf("the old link confirmed the stranger's signature: %+v", c)
		}
		wantStatus(t, e.post(t, libraryPage+"/confirm", url.Values{"t": {fresh}}, nil), 303)
		if c := e.count(t, "riverside", "save-the-library"); c.Signatures != 1 {
			t.Fatalf("its own link did not confirm it: %+v", c)
		}
	})
}

// TestConfirmLinkFromBefore: a link sealed before links named their
// signature confirms the one waiting, as it did.
func TestConfirmLinkFromBefore(t *testing.T) {
	e := newMailEnv(t, openSQLite(t), confirmFiles(t))
	v := e.formValues(t, libraryPage, "petition-form")
	e.clock.add(5 * time.Second)
	wantStatus(t, e.post(t, libraryPage+"/sign", v, nil), 303)
	tok := e.s.cfg.MailTokens.Seal(mail.Claims{Purpose: mail.PurposeConfirm, Org: "riverside", Campaign: "save-the-library", Email: "ada@example.org", Lang: "en", Expires: e.clock.now().Add(time.Hour).Unix()})
	wantStatus(t, e.post(t, libraryPage+"/confirm", url.Values{"t": {tok}}, nil), 303)
	if c := e.count(t, "riverside", "save-the-library"); c.Signatures != 1 {
		t.Fatalf("an older link did not confirm: %+v", c)
	}
}
