package web

import (
	"bytes"
	"compress/flate"
	"context"
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/placard/placard/internal/campaign/campaigntest"
	"github.com/placard/placard/internal/mail"
	"github.com/placard/placard/internal/store"
)

// TestContactRefusalsSealNothing: sealing a letter (compressing it into
// the confirmation link) is a write's one costly step, and it came before
// the form token was checked, so a few clients posting maximal letters
// with made-up tokens could keep both cores compressing. Every cheap
// refusal now comes first: a made-up token, a spent one, an over-long
// letter, bad fields, an oversized body and a rate-limited client seal
// nothing (Server.seals); only a form that passes them all is sealed,
// once.
func TestContactRefusalsSealNothing(t *testing.T) {
	e := newWriteEnv(t, openSQLite(t), 5)
	long := arabicMessage()
	v := writeValues(t, e, "moss", "Ada", "ada@example.org")
	v.Set("message", long)
	e.clock.add(time.Minute)

	refused := func(what string, v url.Values, status int) {
		t.Helper()
		before := e.s.seals.Load()
		wantStatus(t, e.post(t, writePage+"/write", v, nil), status)
		if n := e.s.seals.Load() - before; n != 0 {
			t.Errorf("%s: sealed %d letters before refusing", what, n)
		}
	}
	bad := url.Values{}
	for k, vs := range v {
		bad[k] = vs
	}
	bad.Set("token", "made-up")
	refused("a made-up token", bad, 400)
	bad.Del("token")
	refused("no token", bad, 400)
	over := clone(v)
	over.Set("message", long+"ب")
	refused("a letter one character over", over, 400)
	noName := clone(v)
	noName.Set("name", "")
	refused("no name", noName, 400)
	huge := clone(v)
	huge.Set("message", strings.Repeat("a", maxWriteBody))
	refused("an oversized body", huge, 413)

	before := e.s.seals.Load()
	wantStatus(t, e.post(t, writePage+"/write", v, nil), 303)
	if n := e.s.seals.Load() - before; n != 1 {
		t.Fatalf("a good form sealed %d letters, want 1", n)
	}
	refused("the same token again", v, 400)

	// A client past the rate limit is refused before the handler.
	c := &clock{t: clockStart}
	s, err := New(Config{BaseURL: "https://act.example.org", SiteName: "Act", Store: openSQLite(t), RateLimit: 2, Now: c.now},
		campaigntest.Site(t, writeFiles(t, 5)))
	if err != nil {
		t.Fatal(err)
	}
	le := &signEnv{s: s, st: s.cfg.Store, clock: c}
	lv := writeValues(t, le, "moss", "Ada", "ada@example.org")
	lv.Set("token", "made-up")
	wantStatus(t, le.post(t, writePage+"/write", lv, nil), 400)
	for range 3 {
		before := s.seals.Load()
		wantStatus(t, le.post(t, writePage+"/write", v, nil), 429)
		if n := s.seals.Load() - before; n != 0 {
			t.Errorf("a rate-limited POST sealed %d letters", n)
		}
	}
}

func clone(v url.Values) url.Values {
	out := url.Values{}
	for k, vs := range v {
		out[k] = append([]string(nil), vs...)
	}
	return out
}

// TestContactCraftedLinkBounded: a confirmation link whose sealed value
// inflates far past any letter (a megabyte from a kilobyte of DEFLATE,
// sealed with the server's own key, as a leaked key would let anyone do)
// is refused as an expired link, a 400, never inflated whole.
func TestContactCraftedLinkBounded(t *testing.T) {
	e := newWriteEnv(t, openSQLite(t), 5)
	var b bytes.Buffer
	b.WriteByte(1) // formtoken's packed mark
	w, _ := flate.NewWriter(&b, flate.BestCompression)
	w.Write([]byte(`{"p":"` + writePage + `","t":"moss","m":"`))
	w.Write(bytes.Repeat([]byte{'a'}, 1<<20))
	w.Write([]byte(`","x":9999999999}`))
	w.Close()
	c := e.s.sealer.Seal(b.Bytes())
	wantStatus(t, get(t, e.s, "GET", writePage+"/confirm?"+url.Values{"c": {c}}.Encode(), nil), 400)
}

// TestContactQueueFullToldPlainly (real SQLite, real SMTP on loopback):
// the queue for one decision-maker had no bound. Now, with a day of
// letters waiting for Moss (per_hour 1: 25 letters), a supporter who
// writes gets their form back with their text and a plain word on when
// to try again (429, Retry-After), and no confirmation email is sent; a
// supporter who wrote before the queue filled and confirms now gets the
// confirmation page back with their letter and its button (429), nothing
// queued, and the same button queues the letter once the drip has moved
// on. Both letters are counted as held back for the organisers, Bo's
// once though he pressed Send twice.
func TestContactQueueFullToldPlainly(t *testing.T) {
	st := openSQLite(t)
	e := newMailEnv(t, st, writeFiles(t, 1))
	ctx := context.Background()
	v := writeValues(t, e.signEnv, "moss", "Ada", "ada@example.org")
	v.Set("message", "Ada's own words about the library.")
	e.clock.add(time.Minute)
	wantStatus(t, e.post(t, writePage+"/write", v, nil), 303)
	got := e.deliver(t, 1)
	link := linkIn(t, got[0].Text, "https://act.example.org"+writePage+"/confirm?c=")

	tm := st.(store.TargetMail)
	for i := range 25 {
		if _, err := tm.QueueTargetMail(ctx, store.TargetMailing{Org: "riverside", Campaign: "write-the-council", Action: "write",
			Target: "moss", Sender: fmt.Sprintf("s%02d@d%02d.example", i, i), PerHour: 1, At: e.clock.now()}); err != nil {
			t.Fatalf("filling the queue, letter %d: %v", i, err)
		}
	}

	// Bo writes: the form comes back, his words kept, no email sent.
	bv := writeValues(t, e.signEnv, "moss", "Bo", "bo@example.org")
	bv.Set("message", "Bo's letter, which he must not lose.")
	e.clock.add(time.Minute)
	res := e.post(t, writePage+"/write", bv, nil)
	wantStatus(t, res, 429)
	if ra := res.Header.Get("Retry-After"); ra != "3600" {
		t.Errorf("Retry-After = %q, want 3600", ra)
	}
	d := doc(t, res)
	if msg := d.Find("#target-moss .error-summary li").Text(); !strings.Contains(msg, "already has a full day of letters waiting") || !strings.Contains(msg, "send it again in an hour or two") {
		t.Errorf("the form says %q, want the full queue said plainly", msg)
	}
	if got := d.Find("#target-moss textarea[name=message]").Text(); got != "Bo's letter, which he must not lose." {
		t.Errorf("Bo's message kept as %q", got)
	}
	// Bo presses Send again: refused again, and still one letter held
	// back (the figure counted presses).
	e.clock.add(time.Minute)
	wantStatus(t, e.post(t, writePage+"/write", bv, nil), 429)
	for _, m := range outboxMails(t, st) {
		if m.To == "bo@example.org" {
			t.Error("a confirmation was queued for a letter the queue cannot take")
		}
	}

	// Ada confirms: her letter and its button come back, nothing queued.
	cd := doc(t, get(t, e.s, "GET", local(link), nil))
	cv := url.Values{}
	cd.Find("form input[type=hidden]").Each(func(_ int, s *goquery.Selection) { cv.Set(s.AttrOr("name", ""), s.AttrOr("value", "")) })
	e.clock.add(time.Minute)
	res = e.post(t, writePage+"/confirm", cv, nil)
	wantStatus(t, res, 429)
	d = doc(t, res)
	if msg := d.Find(".error-summary").Text(); !strings.Contains(msg, "could not join the queue") || !strings.Contains(msg, "press the button again") {
		t.Errorf("the confirmation page says %q, want the full queue said plainly", msg)
	}
	if !strings.Contains(d.Find(".email-copy").Text(), "Ada's own words about the library.") || d.Find("form input[name=c]").AttrOr("value", "") == "" {
		t.Error("the confirmation page lost Ada's letter or its button")
	}
	for _, m := range outboxMails(t, st) {
		if m.Template == mail.TemplateContactTarget && m.ReplyTo == "ada@example.org" {
			t.Fatal("Ada's letter was queued past a full day")
		}
	}
	counts, err := st.(store.Outreach).OutreachCounts(ctx, "riverside", "write-the-council")
	held := int64(0)
	for _, c := range counts {
		if c.Target == "moss" && c.Outcome == store.OutcomeHeld {
			held += c.Count
		}
	}
	if err != nil || held != 2 {
		t.Errorf("held back = %d, %v; want 2 (Bo's letter, pressed twice, and Ada's)", held, err)
	}

	// An hour on, the same button queues her letter, for a later hour.
	e.clock.add(time.Hour)
	cv.Set("token", d.Find("form input[name=token]").AttrOr("value", ""))
	e.clock.add(time.Minute)
	res = e.post(t, writePage+"/confirm", cv, nil)
	wantStatus(t, res, 303)
	if loc := res.Header.Get("Location"); !strings.Contains(loc, "later=moss") {
		t.Errorf("confirmed an hour on: Location %q, want later=moss", loc)
	}
}

// TestContactDomainShareToldPlainly (real SQLite, real SMTP on loopback):
// one person with a catch-all domain could fill a decision-maker's day,
// then every genuine supporter got "a full day of letters waiting". Now,
// with the queue half full and one domain holding it, another letter from
// that domain is refused at its confirmation, where only the inbox's
// owner reads the answer: the page comes back with the letter and a plain
// word on why (429, Retry-After), counted held back once however often
// the button is pressed; a supporter at another domain writes as before.
//
// TestContactDomainShareNoProbe: the write form answered that letter 429
// "many letters waiting from addresses at the same email domain as yours"
// before any confirmation, so anyone could type x@company.example and
// learn whether that domain's people had written to the decision-maker in
// numbers. The write form now answers it as any other (303, a
// confirmation sent to the typed address).
func TestContactDomainShareToldPlainly(t *testing.T) {
	st := openSQLite(t)
	e := newMailEnv(t, st, writeFiles(t, 1))
	ctx := context.Background()
	tm := st.(store.TargetMail)
	half := (store.DripCapacity(1) + 1) / 2
	for i := range half {
		if _, err := tm.QueueTargetMail(ctx, store.TargetMailing{Org: "riverside", Campaign: "write-the-council", Action: "write",
			Target: "moss", Sender: fmt.Sprintf("x%02d@catchall.example", i), PerHour: 1, At: e.clock.now()}); err != nil {
			t.Fatalf("the flood's letter %d: %v", i, err)
		}
	}
	xv := writeValues(t, e.signEnv, "moss", "Xavier", "x99@catchall.example")
	xv.Set("message", "Another of the same.")
	e.clock.add(time.Minute)
	t.Run("NoProbe", func(t *testing.T) { // TestContactDomainShareNoProbe
		wantStatus(t, e.post(t, writePage+"/write", xv, nil), 303)
	})
	got := e.deliver(t, 1)
	if len(got) != 1 || got[0].To[0] != "x99@catchall.example" {
		t.Fatalf("confirmations sent: %+v, want Xavier's", got)
	}
	link := linkIn(t, got[0].Text, "https://act.example.org"+writePage+"/confirm?c=")
	cd := doc(t, get(t, e.s, "GET", local(link), nil))
	cv := url.Values{}
	cd.Find("form input[type=hidden]").Each(func(_ int, s *goquery.Selection) { cv.Set(s.AttrOr("name", ""), s.AttrOr("value", "")) })
	e.clock.add(time.Minute)
	res := e.post(t, writePage+"/confirm", cv, nil)
	wantStatus(t, res, 429)
	if ra := res.Header.Get("Retry-After"); ra != "3600" {
		t.Errorf("Retry-After = %q, want 3600", ra)
	}
	d := doc(t, res)
	if msg := d.Find(".error-summary").Text(); !strings.Contains(msg, "same email domain") || strings.Contains(msg, "full day") {
		t.Errorf("the confirmation page says %q, want the domain's share said plainly", msg)
	}
	if !strings.Contains(d.Find(".email-copy").Text(), "Another of the same.") || d.Find("form input[name=c]").AttrOr("value", "") == "" {
		t.Error("the confirmation page lost Xavier's letter or its button")
	}
	cv.Set("token", d.Find("form input[name=token]").AttrOr("value", ""))
	e.clock.add(time.Minute)
	wantStatus(t, e.post(t, writePage+"/confirm", cv, nil), 429)
	bv := writeValues(t, e.signEnv, "moss", "Bo", "bo@example.org")
	e.clock.add(time.Minute)
	wantStatus(t, e.post(t, writePage+"/write", bv, nil), 303)
	got = e.deliver(t, 2)
	if len(got) != 2 || got[1].To[0] != "bo@example.org" {
		t.Errorf("confirmations sent: %d, want Xavier's then Bo's", len(got))
	}
	for _, m := range outboxMails(t, st) {
		if m.Template == mail.TemplateContactTarget && m.ReplyTo == "x99@catchall.example" {
			t.Error("Xavier's letter was queued past its domain's share")
		}
	}
	counts, err := st.(store.Outreach).OutreachCounts(ctx, "riverside", "write-the-council")
	held := int64(0)
	for _, c := range counts {
		if c.Target == "moss" && c.Outcome == store.OutcomeHeld {
			held += c.Count
		}
	}
	if err != nil || held != 1 {
		t.Errorf("held back = %d, %v; want 1 (one letter, pressed twice)", held, err)
	}
}
