package web

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"
)

// TestContactMailCanBeUnsubscribed: attack on the confirmation email of
// a supporter's message to a decision-maker. Anyone may type anyone's
// address on the write form, and each form sends that address an email
// from the organisation ("Confirm your message to …"), again and again,
// limited only per client. The organisation's suppression list would
// stop them, but those emails carried no unsubscribe link and no
// List-Unsubscribe header, so the stranger they reached could not stop
// them, and the supporter's own copy could not be unsubscribed either.
// Now both carry the organisation's one-click unsubscribe, which holds
// back every later one. Failed before: no List-Unsubscribe header.
func TestContactMailCanBeUnsubscribed(t *testing.T) {
	st := openSQLite(t)
	f := callFiles(t)
	f["riverside/write-the-council.yaml"] = writeCouncilYAML
	e := newMailEnv(t, st, f)
	write := func() {
		t.Helper()
		v := writeValues(t, e.signEnv, "moss", "Someone", "stranger@example.net")
		e.clock.add(time.Minute)
		wantStatus(t, e.post(t, writePage+"/write", v, nil), 303)
	}
	write()
	m := e.deliver(t, 1)[0]
	unsub := m.Header.Get("List-Unsubscribe")
	if m.Header.Get("List-Unsubscribe-Post") != "List-Unsubscribe=One-Click" || !strings.HasPrefix(unsub, "<https://act.example.org/riverside/mail/unsubscribe?t=") {
		t.Fatalf("the confirmation to a stranger carries List-Unsubscribe %q; want the organisation's one-click address", unsub)
	}
	if !strings.Contains(m.Text, strings.Trim(unsub, "<>")) {
		t.Errorf("the confirmation shows no unsubscribe link:\n%s", m.Text)
	}
	req, _ := http.NewRequest("POST", local(strings.Trim(unsub, "<>")), strings.NewReader("List-Unsubscribe=One-Click"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	wantStatus(t, serve(e.s, req), 200)
	write()
	if n, _ := e.worker.Once(context.Background()); n != 1 {
		t.Fatalf("claimed %d messages, want the second confirmation", n)
	}
	if got := len(e.smtp.Mails()); got != 1 {
		t.Errorf("%d emails to the stranger after they unsubscribed; want still 1", got)
	}
}

// TestUnsubscribeWithoutPetitions: the email pages took their frame from
// one of the organisation's petitions or letters and answered 404 when it
// had none, so an organisation whose only actions write to decision-makers
// sent emails whose unsubscribe link (and one-click POST) found nothing,
// and the supporter's data page could not be asked for. They now take the
// frame of a contact action when there is no petition. Failed before:
// 404 for the one-click POST.
func TestUnsubscribeWithoutPetitions(t *testing.T) {
	st := openSQLite(t)
	f := callFiles(t)
	for k := range f {
		if strings.HasPrefix(k, "riverside/") && !strings.HasPrefix(k, "riverside/targets/") && strings.HasSuffix(k, ".yaml") && k != "riverside/org.yaml" {
			delete(f, k)
		}
	}
	delete(f, "riverside/targets/postcodes.csv") // the lookup of the call action removed
	delete(f, "plain/a-note.yaml")               // related to the removed campaigns
	f["riverside/write-the-council.yaml"] = writeCouncilYAML
	e := newMailEnv(t, st, f)
	v := writeValues(t, e.signEnv, "moss", "Someone", "stranger@example.net")
	e.clock.add(time.Minute)
	wantStatus(t, e.post(t, writePage+"/write", v, nil), 303)
	m := e.deliver(t, 1)[0]
	unsub := local(strings.Trim(m.Header.Get("List-Unsubscribe"), "<>"))
	if !strings.HasPrefix(unsub, "/riverside/mail/unsubscribe?t=") {
		t.Fatalf("List-Unsubscribe %q", m.Header.Get("List-Unsubscribe"))
	}
	d := doc(t, get(t, e.s, "GET", unsub, nil))
	if d.Find("form.mail-form button").Length() != 1 {
		t.Errorf("the unsubscribe page has no button:\n%s", text(d.Find("main")))
	}
	req, _ := http.NewRequest("POST", unsub, strings.NewReader("List-Unsubscribe=One-Click"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	wantStatus(t, serve(e.s, req), 200)
	wantStatus(t, get(t, e.s, "GET", "/riverside/mail/data", nil), 200)
	v = writeValues(t, e.signEnv, "lind", "Someone", "stranger@example.net")
	e.clock.add(time.Minute)
	wantStatus(t, e.post(t, writePage+"/write", v, nil), 303)
	if n, _ := e.worker.Once(context.Background()); n != 1 {
		t.Fatalf("claimed %d messages, want the second confirmation", n)
	}
	if got := len(e.smtp.Mails()); got != 1 {
		t.Errorf("%d emails after unsubscribing; want still 1", got)
	}
}
