package web

import (
	"context"
	"errors"
	"maps"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/placard/placard/internal/signing"
	"github.com/placard/placard/internal/site"
	"github.com/placard/placard/internal/store"
)

// TestHoneypotAnsweredAsASignature: a form whose hidden trap field is
// filled (a bot, or a person's browser that filled it in) is answered
// where a real signature of the same form would lead, and stores
// nothing. Failed before: every such answer led to the campaign's own
// thank-you page with a claim — inside a partner's embed a page that may
// not be framed (the frame went blank), on a campaign that asks signers
// to confirm "thank you, signed" instead of "check your inbox", and for
// an organisation's sign-on on a letter "signed" instead of "waiting for
// approval", each telling a script that its trap had been seen.
func TestHoneypotAnsweredAsASignature(t *testing.T) {
	trap := func(v url.Values) url.Values {
		v.Set("email", "bot@example.org")
		v.Set(site.FieldHoneypot, "https://spam.example")
		return v
	}
	t.Run("embed", func(t *testing.T) {
		e := newEmbedEnv(t, nil)
		v := trap(e.formValues(t, libraryEmbed, "petition-form"))
		e.clock.add(5 * time.Second)
		res := e.post(t, libraryPage+"/embed/sign?origin="+url.QueryEscape(localPartner), v, nil)
		wantStatus(t, res, 303)
		want := libraryPage + "/embed/thanks?outcome=signed&origin=" + url.QueryEscape(localPartner)
		if loc := res.Header.Get("Location"); loc != want {
			t.Errorf("Location %q, want %q as a signature from the embed gets", loc, want)
		}
		if c := e.count(t, "riverside", "save-the-library"); c.Signatures != 0 {
			t.Errorf("honeypot signature stored: %+v", c)
		}
	})
	t.Run("confirm", func(t *testing.T) {
		e := newMailEnv(t, openSQLite(t), confirmFiles(t))
		v := trap(e.formValues(t, libraryPage, "petition-form"))
		e.clock.add(5 * time.Second)
		res := e.post(t, libraryPage+"/sign", v, nil)
		wantStatus(t, res, 303)
		if loc := res.Header.Get("Location"); loc != libraryPage+"/confirm?lang=en" {
			t.Errorf("Location %q, want the check-your-inbox page a held signature gets", loc)
		}
		res = e.post(t, libraryPage+"/embed/sign", v, nil)
		if loc := res.Header.Get("Location"); strings.Contains(loc, paramClaim) {
			t.Errorf("embed form on a campaign without an embed: Location %q carries a claim", loc)
		}
		if c := e.count(t, "riverside", "save-the-library"); c.Signatures != 0 || c.Pending != 0 {
			t.Errorf("honeypot signature stored: %+v", c)
		}
	})
	t.Run("action gone", func(t *testing.T) {
		// An action id the page no longer has, on a campaign with two:
		// a real form comes back to choose (422), and so does this one.
		e := newSignEnv(t, openSQLite(t), nil)
		withTwoAsks(t, e, signFiles(t))
		v := trap(e.formValues(t, twoAsksPage, "first-form"))
		v.Set("action", "gone")
		e.clock.add(5 * time.Second)
		res := e.post(t, twoAsksPage+"/sign", v, nil)
		wantStatus(t, res, 422)
		if d := doc(t, res); d.Find("form.sign-form").Length() != 2 || d.Find(`input[name=homepage][value="https://spam.example"]`).Length() != 0 {
			t.Errorf("want both forms to choose from, neither holding the trap's value")
		}
	})
	t.Run("organisation", func(t *testing.T) {
		e := newSignEnv(t, openSQLite(t), nil)
		const page = "/riverside/open-letter"
		v := trap(e.formValues(t, page, "letter-form"))
		v.Set("organisation", "South Group")
		e.clock.add(5 * time.Second)
		res := e.post(t, page+"/sign", v, nil)
		wantStatus(t, res, 303)
		wantThanks(t, res, page+"/thanks?outcome=pending")
		if c := e.count(t, "riverside", "open-letter"); c.Signatures != 0 || c.Pending != 0 {
			t.Errorf("honeypot signature stored: %+v", c)
		}
	})
}

// TestHoneypotRefusedLikeASignature: a trap form that a real one of the
// same content would have refused — an address that is no address, a
// form token sent a second time — is refused the same way, so a script
// cannot find the trap by sending a bad form with it filled and without.
// Failed before: the trap was answered 303 "thank you" before the form
// was checked, where the same form without it got 422, and its token was
// never spent, so a second send of it was "thanked" again.
func TestHoneypotRefusedLikeASignature(t *testing.T) {
	e := newSignEnv(t, openSQLite(t), nil)
	send := func(trap bool, mod func(url.Values)) (first, second int) {
		v := e.formValues(t, libraryPage, "petition-form")
		if trap {
			v.Set(site.FieldHoneypot, "https://spam.example")
		}
		mod(v)
		e.clock.add(5 * time.Second)
		first = e.post(t, libraryPage+"/sign", v, nil).StatusCode
		second = e.post(t, libraryPage+"/sign", v, nil).StatusCode
		return first, second
	}
	for name, mod := range map[string]func(url.Values){
		"no address": func(v url.Values) { v.Set("email", "not an address") },
		"sent twice": func(v url.Values) { v.Set("email", "twice@example.org") },
	} {
		f, s := send(false, mod)
		tf, ts := send(true, mod)
		if tf != f || ts != s {
			t.Errorf("%s: a real form got %d then %d, the trap form %d then %d", name, f, s, tf, ts)
		}
	}
	if c := e.count(t, "riverside", "save-the-library"); c.Signatures != 1 {
		t.Errorf("got %+v, want the one real signature", c)
	}
}

// gatedRecorder is the committer with a gate in front: each Sign or Pass
// says so on entered and goes on only when gate lets it.
type gatedRecorder struct {
	*store.Committer
	entered chan string
	gate    chan struct{}
}

func (g gatedRecorder) Sign(ctx context.Context, sig *signing.Signature) error {
	g.entered <- "sign"
	<-g.gate
	return g.Committer.Sign(ctx, sig)
}

func (g gatedRecorder) Pass(ctx context.Context, org, campaign string) error {
	g.entered <- "pass"
	<-g.gate
	return g.Committer.Pass(ctx, org, campaign)
}

// TestHoneypotWaitsLikeASignature: a form with its trap filled is answered
// only once the committer's next batch has passed, as a signature is
// (store.Committer.Pass), storing nothing: answered at once, it told a bot
// by its speed alone that its form had been thrown away. Asserted by
// structure: the answer is held at the same gate a signature's is.
// Failed before: the honeypot's answer came without ever reaching the
// recorder.
func TestHoneypotWaitsLikeASignature(t *testing.T) {
	st := openSQLite(t)
	var g gatedRecorder
	e := newSignEnv(t, st, func(c *Config) {
		g = gatedRecorder{Committer: c.Recorder.(*store.Committer), entered: make(chan string, 1), gate: make(chan struct{})}
		c.Recorder = g
	})
	answer := func(v url.Values) (string, *http.Response) {
		done := make(chan *http.Response, 1)
		go func() { done <- e.post(t, libraryPage+"/sign", v, nil) }()
		var what string
		select {
		case what = <-g.entered:
		case res := <-done:
			t.Fatalf("answered (%d %s) without waiting for the committer", res.StatusCode, res.Header.Get("Location"))
		}
		select {
		case res := <-done:
			t.Fatalf("answered (%d) while held at the committer's gate", res.StatusCode)
		default:
		}
		g.gate <- struct{}{}
		return what, <-done
	}
	v := e.formValues(t, libraryPage, "petition-form")
	v.Set("email", "ann@example.org")
	e.clock.add(5 * time.Second)
	what, res := answer(v)
	if what != "sign" || res.StatusCode != 303 {
		t.Fatalf("a signature: %s then %d", what, res.StatusCode)
	}

	v = e.formValues(t, libraryPage, "petition-form")
	v.Set("email", "bot@example.org")
	v.Set(site.FieldHoneypot, "https://spam.example")
	e.clock.add(5 * time.Second)
	what, res = answer(v)
	if what != "pass" {
		t.Errorf("the honeypot's answer waited on %q, want a pass of the committer", what)
	}
	wantStatus(t, res, 303)
	wantThanks(t, res, libraryPage+"/thanks?outcome=signed")
	if c := e.count(t, "riverside", "save-the-library"); c.Signatures != 1 {
		t.Errorf("signatures after one signature and one trap: %+v, want 1", c)
	}
}

// outageStore is a real store whose signing transactions fail while down
// is set, as a full disk or a lost database makes them fail: the
// signatures' (AddSignatures) and the caught forms' (store.Traps).
type outageStore struct {
	store.Store
	down atomic.Bool
}

var errOutage = errors.New("the disk is full")

func (o *outageStore) AddSignatures(ctx context.Context, sigs []*signing.Signature) ([]error, error) {
	if o.down.Load() {
		return nil, errOutage
	}
	return o.Store.AddSignatures(ctx, sigs)
}

func (o *outageStore) AddBatch(ctx context.Context, sigs []*signing.Signature, caught []store.Caught) ([]error, error) {
	if o.down.Load() {
		return nil, errOutage
	}
	return o.Store.(store.Traps).AddBatch(ctx, sigs, caught)
}

func (o *outageStore) CaughtCounts(ctx context.Context, org string) (map[string]int, error) {
	return o.Store.(store.Traps).CaughtCounts(ctx, org)
}

// TestHoneypotFailsLikeASignature: while the store is down a signature
// is answered 503 "NOT recorded" on its form; a form with its trap filled
// is answered the same — status, heading, message, the form holding what
// was typed (never the trap's value) — and its token is released as a
// signature's is, so once the store is back the same form sent again is
// answered as a signature sent again: 303 to the thank-you page, and
// counted as caught, once. Failed before: the trap's form was answered
// 303 "signed" while signatures got 503, which told a bot its form had
// been thrown away.
func TestHoneypotFailsLikeASignature(t *testing.T) {
	st := &outageStore{Store: openSQLite(t)}
	e := newSignEnv(t, st, nil)
	srv := httptest.NewServer(e.s)
	defer srv.Close()
	type answer struct {
		status        int
		heading, lede string
		form          url.Values
	}
	send := func(v url.Values) answer {
		t.Helper()
		e.clock.add(5 * time.Second)
		res := postHTTP(t, srv, libraryPage+"/sign?lang=en", v)
		a := answer{status: res.StatusCode}
		if res.StatusCode == http.StatusSeeOther {
			res.Body.Close()
			return a
		}
		d := doc(t, res)
		a.heading = strings.TrimSpace(d.Find("h1").Text())
		a.lede = strings.TrimSpace(d.Find(".sign-page .lede").Text())
		a.form = formOf(d.Find("form#petition-form"))
		return a
	}
	person := e.formValues(t, libraryPage, "petition-form")
	person.Set("email", "ann@example.org")
	e.clock.add(time.Second) // a token of its own
	bot := e.formValues(t, libraryPage, "petition-form")
	bot.Set("email", "bot@example.org")
	bot.Set(site.FieldHoneypot, "https://spam.example")

	st.down.Store(true)
	sig, trap := send(person), send(bot)
	if sig.status != http.StatusServiceUnavailable {
		t.Fatalf("a signature while the store is down: %d, want 503", sig.status)
	}
	if trap.status != sig.status {
		t.Fatalf("while the store is down, a signature is answered %d and the trap's form %d; want the same", sig.status, trap.status)
	}
	if trap.heading != sig.heading || trap.lede != sig.lede {
		t.Errorf("while the store is down, a signature is answered %d %q %q and the trap's form %d %q %q; want the same",
			sig.status, sig.heading, sig.lede, trap.status, trap.heading, trap.lede)
	}
	for _, k := range []string{"name", "email", "consent"} {
		if sig.form.Get(k) != person.Get(k) || trap.form.Get(k) != bot.Get(k) {
			t.Errorf("the form shown again: %s = %q (signature) and %q (trap), want %q and %q",
				k, sig.form.Get(k), trap.form.Get(k), person.Get(k), bot.Get(k))
		}
	}
	if trap.form.Get(site.FieldHoneypot) != "" {
		t.Errorf("the form shown again holds the trap's value %q", trap.form.Get(site.FieldHoneypot))
	}
	if trap.form.Get("token") != bot.Get("token") || sig.form.Get("token") != person.Get("token") {
		t.Errorf("the forms shown again do not keep their tokens")
	}

	// The store is back: each form sent again is answered as a signature.
	st.down.Store(false)
	again := trap.form
	again.Set(site.FieldHoneypot, "https://spam.example")
	if a, b := send(sig.form), send(again); a.status != http.StatusSeeOther || b.status != a.status {
		t.Errorf("sent again once the store is back: signature %d, trap %d %q %q; want 303 both", a.status, b.status, b.heading, b.lede)
	}
	if c := e.count(t, "riverside", "save-the-library"); c.Signatures != 1 {
		t.Errorf("signatures: %+v, want 1", c)
	}
	if got, err := st.CaughtCounts(context.Background(), "riverside"); err != nil || !maps.Equal(got, map[string]int{"save-the-library": 1}) {
		t.Errorf("forms caught: %v, %v; want save-the-library 1 (the one that failed not counted)", got, err)
	}
}

// TestHoneypotCounted: on a quiet site a form with its trap filled is
// answered only once a transaction of its own has durably counted it for
// its campaign, as a signature alone is answered once its transaction
// has committed; nothing the form sent is kept. Failed before: the pass
// alone ran no transaction, and nothing counted it.
func TestHoneypotCounted(t *testing.T) {
	st := openSQLite(t)
	e := newSignEnv(t, st, nil)
	for range 2 {
		v := e.formValues(t, libraryPage, "petition-form")
		v.Set("email", "bot@example.org")
		v.Set(site.FieldHoneypot, "https://spam.example")
		e.clock.add(5 * time.Second)
		wantStatus(t, e.post(t, libraryPage+"/sign", v, nil), 303)
		// Counted by the time it is answered.
	}
	got, err := st.(store.Traps).CaughtCounts(context.Background(), "riverside")
	if err != nil || !maps.Equal(got, map[string]int{"save-the-library": 2}) {
		t.Errorf("forms caught after two traps answered: %v, %v; want save-the-library 2", got, err)
	}
	if c := e.count(t, "riverside", "save-the-library"); c.Signatures != 0 {
		t.Errorf("signatures after two traps: %+v, want none", c)
	}
}
