package web

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/placard/placard/internal/mail"
)

// arabicMessage is maxMessage characters of Arabic-looking text: letters
// drawn pseudo-randomly (less repetitive than a real letter, so it
// compresses worse) with a space every sixth character.
func arabicMessage() string {
	letters := []rune("ابتثجحخدذرزسشصضطظعغفقكلمنهوي")
	var b strings.Builder
	x := uint32(1)
	for i := range maxMessage {
		x = x*1664525 + 1013904223
		if i%6 == 5 {
			b.WriteRune(' ')
			continue
		}
		b.WriteRune(letters[(x>>16)%uint32(len(letters))])
	}
	return b.String()
}

// TestContactLinkFitsAURL: the confirmation link carries the supporter's
// message sealed, and a full-length message in Arabic or Hebrew (two bytes
// a letter) made a link of over 14,000 characters. RFC 9110 asks servers
// to take 8,000; nginx's default buffers refuse a longer request line
// (414), so behind the usual proxy the link could never be opened and the
// message was lost after the supporter had been told to check their
// inbox. The link now carries the message compressed and fits in 8,000
// characters for any message of the length allowed; one that still
// would not (an incompressible run of emoji) is refused on the form,
// before anything is sent, saying to write less.
func TestContactLinkFitsAURL(t *testing.T) {
	e := newWriteEnv(t, openSQLite(t), 5)
	v := writeValues(t, e, "moss", "أحمد", "ahmad@example.org")
	v.Set("message", arabicMessage())
	e.clock.add(time.Minute)
	wantStatus(t, e.post(t, writePage+"/write", v, nil), 303)
	var link string
	for _, m := range outboxMails(t, e.st) {
		if m.Template == mail.TemplateContactConfirm {
			link = m.Link
		}
	}
	if len(link) > maxLink {
		t.Fatalf("the confirmation link of a %d-character Arabic message is %d bytes long, over %d", maxMessage, len(link), maxLink)
	}
	// It opens, and confirming it queues the whole message for the target.
	d := doc(t, get(t, e.s, "GET", strings.TrimPrefix(link, "https://act.example.org"), nil))
	if got := d.Find("form input[name=c]").AttrOr("value", ""); got == "" {
		t.Fatal("the confirmation page holds no sealed message")
	}
	cv := map[string][]string{"c": {d.Find("form input[name=c]").AttrOr("value", "")}}
	e.clock.add(time.Minute)
	res := e.post(t, writePage+"/confirm", cv, nil)
	wantStatus(t, res, 303)
	var sent string
	for _, m := range outboxMails(t, e.st) {
		if m.Template == mail.TemplateContactTarget {
			sent = m.Body
		}
	}
	if sent != arabicMessage() {
		t.Errorf("the message queued for the target is %d characters, want the %d written", len([]rune(sent)), maxMessage)
	}

	// 5,000 emoji of the whole range do not compress: refused on the
	// form, nothing queued, the form token not spent.
	before := len(outboxMails(t, e.st))
	var b strings.Builder
	x := uint32(7)
	for range maxMessage {
		x = x*1664525 + 1013904223
		b.WriteRune(rune(0x1F300 + (x>>16)%0x300))
	}
	v = writeValues(t, e, "moss", "Bo", "bo@example.org")
	v.Set("message", b.String())
	e.clock.add(time.Minute)
	res = e.post(t, writePage+"/write", v, nil)
	wantStatus(t, res, 400)
	if !strings.Contains(body(t, res), "5,000") {
		t.Error("the refusal does not say how long a message may be")
	}
	if n := len(outboxMails(t, e.st)); n != before {
		t.Errorf("the outbox grew from %d to %d for a refused message", before, n)
	}
	v.Set("message", "Please keep the library open.")
	e.clock.add(time.Minute)
	wantStatus(t, e.post(t, writePage+"/write", v, nil), 303)

	// A link sealed before the upgrade (its JSON uncompressed) still opens.
	old, _ := json.Marshal(sealed{Path: writePage, Target: "moss", Name: "Cy", Email: "cy@example.org", Subject: "s", Message: "m",
		Expires: e.clock.now().Add(time.Hour).Unix()})
	if got, ok := e.s.unseal(e.s.sealer.Seal(old), e.clock.now()); !ok || got.Email != "cy@example.org" || got.Message != "m" {
		t.Errorf("a link sealed uncompressed: %+v, %v", got, ok)
	}
}

// TestContactNameNoAddress: the supporter's name becomes the From name of
// their message to the decision-maker, sent from the organisation's
// address. A name written as an address ("Town Clerk
// <clerk@council.example>") passed, and the office saw the message as
// from that address. It is refused on the form, asking for a name,
// before anything is sent.
func TestContactNameNoAddress(t *testing.T) {
	e := newWriteEnv(t, openSQLite(t), 5)
	for _, name := range []string{"Town Clerk <clerk@council.example>", "clerk@council.example", "Clerk \uff20 Council"} {
		v := writeValues(t, e, "moss", name, "ada@example.org")
		e.clock.add(time.Minute)
		res := e.post(t, writePage+"/write", v, nil)
		wantStatus(t, res, 400)
		if !strings.Contains(body(t, res), "Write your name.") {
			t.Errorf("name %q: the refusal does not ask for a name", name)
		}
	}
	if n := len(outboxMails(t, e.st)); n != 0 {
		t.Errorf("the outbox holds %d messages after names refused", n)
	}
	if loc := e.writeAndConfirm(t, "moss", "Ada O'Brien-Lovelace", "ada@example.org", false); loc != writePage+"?sent=moss" {
		t.Errorf("a plain name: Location %q", loc)
	}
}
