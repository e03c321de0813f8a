package web

import (
	"context"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/placard/placard/internal/mail"
	"github.com/placard/placard/internal/mail/mailtest"
	"github.com/placard/placard/internal/signing"
	"github.com/placard/placard/internal/store"
)

// Two spellings of one mailbox: its domain in A-labels, as a mail client
// or a copied link may show it, and in Unicode, in capitals. (The
// signing package's tests try every other spelling: ideographic full
// stops, decomposed letters, fullwidth forms.)
const (
	idnaA = "ada@xn--bcher-kva.example"
	idnaU = "Ada@BÜCHER.example"
	// idnaStored is the one form both are stored in.
	idnaStored = "ada@bücher.example"
)

// signAs signs page's form formID as email and wants the 303.
func (e *signEnv) signAs(t *testing.T, page, formID, email string) {
	t.Helper()
	v := e.formValues(t, page, formID)
	v.Set("email", email)
	v.Set("comment", "")
	e.clock.add(5 * time.Second)
	wantStatus(t, e.post(t, page+"/sign", v, nil), 303)
}

// TestSignIDNASpellingsCountOnce: attack on one-signature-per-address —
// the same mailbox typed with its domain in A-labels and in Unicode was
// two signers, counted twice. Failed before: the count was 2. Run on
// SQLite and PostgreSQL.
func TestSignIDNASpellingsCountOnce(t *testing.T) {
	for name, open := range map[string]func(*testing.T) store.Store{"sqlite": openSQLite, "postgres": openPostgres} {
		t.Run(name, func(t *testing.T) {
			e := newSignEnv(t, open(t), nil)
			e.signAs(t, libraryPage, "petition-form", idnaA)
			e.signAs(t, libraryPage, "petition-form", idnaU)
			if c := e.count(t, "riverside", "save-the-library"); c.Signatures != 1 {
				t.Errorf("count after signing as %q and %q: %+v, want 1", idnaA, idnaU, c)
			}
			sigs, err := e.st.(store.Mail).Supporter(context.Background(), "riverside", idnaStored)
			if err != nil || len(sigs) != 1 || sigs[0].Email != idnaStored {
				t.Errorf("Supporter(%q): %+v, %v; want the one signature, stored as %q", idnaStored, sigs, err, idnaStored)
			}
		})
	}
}

// TestDataEraseEitherSpelling: a supporter who signed two campaigns, once
// typing the domain in A-labels and once in Unicode, asks for their data
// page typing either spelling, and erasing there removes both
// signatures. Failed before: the page held only the signature of the
// spelling typed, and the other survived the erasure.
func TestDataEraseEitherSpelling(t *testing.T) {
	for _, typed := range []string{idnaA, idnaU} {
		t.Run(typed, func(t *testing.T) {
			e := newMailEnv(t, openSQLite(t), signFiles(t))
			e.signAs(t, libraryPage, "petition-form", idnaA)
			e.signAs(t, "/riverside/open-letter", "letter-form", idnaU)
			e.deliver(t, 2) // the two thank-yous
			res := e.post(t, "/riverside/mail/data", url.Values{"email": {typed}, "lang": {"en"}}, nil)
			wantStatus(t, res, 200)
			m := e.deliver(t, 3)[2]
			if !strings.Contains(m.Subject, "Your data at") {
				t.Fatalf("email %q, want the data page's link", m.Subject)
			}
			link := local(linkIn(t, m.Text, "https://act.example.org/riverside/mail/data?t="))
			d := doc(t, get(t, e.s, "GET", link, nil))
			page := text(d.Find("main"))
			for _, want := range []string{"Save the library", "An open letter to the council"} {
				if !strings.Contains(page, want) {
					t.Errorf("data page asked for as %q lacks %q:\n%s", typed, want, page)
				}
			}
			tok := d.Find("form.data-action input[name=t]").First().AttrOr("value", "")
			wantStatus(t, e.post(t, "/riverside/mail/data/erase", url.Values{"t": {tok}}, nil), 200)
			for _, slug := range []string{"save-the-library", "open-letter"} {
				if c := e.count(t, "riverside", slug); c.Signatures != 0 {
					t.Errorf("%s after erasing: %+v, want 0", slug, c)
				}
			}
			for _, e2 := range []string{idnaStored, idnaA} {
				if sigs, _ := e.st.(store.Mail).Supporter(context.Background(), "riverside", e2); len(sigs) != 0 {
					t.Errorf("after erasing, %q still has %d signatures", e2, len(sigs))
				}
			}
		})
	}
}

// TestUnsubscribeEitherSpelling: attack on the suppression list — a
// supporter unsubscribes from the thank-you sent to one spelling of
// their address; the same mailbox typed the other way was mailed again.
// Failed before: the letter's thank-you reached the unsubscribed mailbox.
// And an unsubscription an earlier version recorded under the A-label
// spelling (its keyed hash cannot be rewritten) still stops mail to the
// address typed in Unicode.
func TestUnsubscribeEitherSpelling(t *testing.T) {
	t.Run("link", func(t *testing.T) {
		e := newMailEnv(t, openSQLite(t), signFiles(t))
		e.signAs(t, libraryPage, "petition-form", idnaA)
		thanks := e.deliver(t, 1)[0]
		if len(thanks.To) != 1 || thanks.To[0] != idnaA {
			t.Errorf("thank-you sent to %q, want the A-label form %q", thanks.To, idnaA)
		}
		unsub := unsubscribeVia(t, thanks)
		wantStatus(t, e.post(t, "/riverside/mail/unsubscribe", url.Values{"t": {unsub}}, nil), 200)
		e.signAs(t, "/riverside/open-letter", "letter-form", idnaU)
		if _, err := e.worker.Once(context.Background()); err != nil {
			t.Fatal(err)
		}
		if n := len(e.smtp.Mails()); n != 1 {
			t.Errorf("%d emails; want the first alone: the mailbox unsubscribed", n)
		}
	})
	t.Run("recorded before", func(t *testing.T) {
		st := openSQLite(t)
		e := newMailEnv(t, st, signFiles(t))
		key, err := st.Secret(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if err := st.(store.Mail).Suppress(context.Background(), "riverside", store.AddressHash(key, idnaA), e.clock.now()); err != nil {
			t.Fatal(err)
		}
		e.signAs(t, libraryPage, "petition-form", idnaU)
		if _, err := e.worker.Once(context.Background()); err != nil {
			t.Fatal(err)
		}
		if n := len(e.smtp.Mails()); n != 0 {
			t.Errorf("%d emails to a mailbox unsubscribed under its A-label spelling; want none", n)
		}
	})
}

// unsubscribeVia returns the token of m's List-Unsubscribe address.
func unsubscribeVia(t *testing.T, m mailtest.Mail) string {
	t.Helper()
	h := strings.Trim(m.Header.Get("List-Unsubscribe"), "<>")
	u, err := url.Parse(h)
	if err != nil || u.Query().Get("t") == "" {
		t.Fatalf("List-Unsubscribe %q has no token", h)
	}
	return u.Query().Get("t")
}

// TestDataEraseEverySpelling: the data page's erasure also forgets what an
// earlier version kept under the A-label spelling of the address — a
// message to a decision-maker still waiting, and the keyed hash that
// allows one message per target — as the console and the command erase
// every form. Failed before: the waiting message stayed in the outbox
// and the same spelling could not write to the target again.
func TestDataEraseEverySpelling(t *testing.T) {
	st := openSQLite(t)
	e := newMailEnv(t, st, signFiles(t))
	e.signAs(t, libraryPage, "petition-form", idnaU)
	e.deliver(t, 1)
	ctx := context.Background()
	letter := func() store.TargetMailing {
		return store.TargetMailing{Org: "riverside", Campaign: "save-the-library", Action: "write", Target: "moss", Sender: idnaA, PerHour: 10,
			At: e.clock.now().Add(time.Hour), Messages: []signing.Message{{ID: signing.NewMessageID(), Kind: signing.MessageEmail, Email: idnaA,
				Org: "riverside", Campaign: "save-the-library", Payload: []byte(`{"to":"moss@legislature.example","reply_to":"` + idnaA + `"}`)}}}
	}
	tm := st.(store.TargetMail)
	if _, err := tm.QueueTargetMail(ctx, letter()); err != nil {
		t.Fatal(err)
	}
	now := e.clock.now()
	data := e.s.cfg.MailTokens.Seal(mail.Claims{Purpose: mail.PurposeData, Org: "riverside", Email: idnaStored, Lang: "en", Expires: now.Add(time.Hour).Unix()})
	wantStatus(t, e.post(t, "/riverside/mail/data/erase", url.Values{"t": {data}}, nil), 200)
	es, err := st.(store.Outbox).List(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range es {
		if m.Email == idnaA || m.Email == idnaStored {
			t.Errorf("after erasing, the outbox still holds a message for %q", m.Email)
		}
	}
	if _, err := tm.QueueTargetMail(ctx, letter()); err != nil {
		t.Errorf("writing to the target again after erasing: %v, want the sender forgotten", err)
	}
}

// TestSignScriptsPerLabel: supporters whose domain is a Cyrillic, Arabic
// or Greek name under .com sign through the real form, are counted, and
// their thank-you goes to the A-label form. Failed before: each POST was
// answered 422 "mixes letters from different alphabets", since the
// script check ran over the whole domain.
func TestSignScriptsPerLabel(t *testing.T) {
	e := newMailEnv(t, openSQLite(t), signFiles(t))
	want := map[string]bool{}
	for _, addr := range []string{"имя@пример.com", "user@مثال.com", "a@παράδειγμα.com"} {
		e.signAs(t, libraryPage, "petition-form", addr)
		want[signing.ASCIIEmail(addr)] = true
	}
	if c := e.count(t, "riverside", "save-the-library"); c.Signatures != 3 {
		t.Errorf("count: %+v, want 3", c)
	}
	for _, m := range e.deliver(t, 3) {
		if len(m.To) != 1 || !want[m.To[0]] {
			t.Errorf("thank-you sent to %q, want one of the A-label forms %v", m.To, want)
		}
	}
	// A label that mixes look-alike letters is still refused, plainly.
	v := e.formValues(t, libraryPage, "petition-form")
	v.Set("email", "a@p\u0430ypal.com")
	e.clock.add(5 * time.Second)
	res := e.post(t, libraryPage+"/sign", v, nil)
	wantStatus(t, res, 422)
}
