package web

import (
	"context"
	"net/url"
	"testing"
	"time"

	"github.com/placard/placard/internal/mail"
)

// TestErasureKeepsTheUnsubscribe: attack on the suppression list. A
// stranger signs with someone's address; its owner unsubscribes, then
// erases what the stranger made. The erasure took the unsubscription
// with it, so the next time the stranger typed the address its owner was
// mailed again. The suppression now stays through erasure, as its keyed
// hash alone, and the send path still finds it. Failed before: a second
// thank-you reached the erased, unsubscribed address.
func TestErasureKeepsTheUnsubscribe(t *testing.T) {
	e := newMailEnv(t, openSQLite(t), signFiles(t))
	sign := func() {
		t.Helper()
		v := e.formValues(t, libraryPage, "petition-form")
		v.Set("comment", "")
		e.clock.add(5 * time.Second)
		wantStatus(t, e.post(t, libraryPage+"/sign", v, nil), 303)
	}
	sign()
	e.deliver(t, 1)
	now := e.clock.now()
	unsub := e.s.cfg.MailTokens.Seal(mail.Claims{Purpose: mail.PurposeUnsubscribe, Org: "riverside", Email: "ada@example.org", Lang: "en", Expires: now.Add(time.Hour).Unix()})
	wantStatus(t, e.post(t, "/riverside/mail/unsubscribe", url.Values{"t": {unsub}}, nil), 200)
	data := e.s.cfg.MailTokens.Seal(mail.Claims{Purpose: mail.PurposeData, Org: "riverside", Email: "ada@example.org", Lang: "en", Expires: now.Add(time.Hour).Unix()})
	wantStatus(t, e.post(t, "/riverside/mail/data/erase", url.Values{"t": {data}}, nil), 200)
	if c := e.count(t, "riverside", "save-the-library"); c.Signatures != 0 {
		t.Fatalf("not erased: %+v", c)
	}
	// The stranger types the address again.
	sign()
	if _, err := e.worker.Once(context.Background()); err != nil {
		t.Fatal(err)
	}
	if got := len(e.smtp.Mails()); got != 1 {
		t.Errorf("%d emails; want still the first alone: the erased address had unsubscribed", got)
	}
}
