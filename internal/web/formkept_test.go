package web

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/placard/placard/internal/campaign/campaigntest"
	"github.com/placard/placard/internal/formtoken"
	"github.com/placard/placard/internal/signing"
)

// TestRateLimitedFormKeepsDetails: a signer over the per-client limit
// (many people signing from one network: a rally on one Wi-Fi, a
// university) gets their form back (429, Retry-After) holding what they
// typed, with a plain message to wait a minute and press the button
// again, and a token that will still sign. Before, a bare error page told
// them to press Sign again from a form they no longer had.
func TestRateLimitedFormKeepsDetails(t *testing.T) {
	e := newSignEnv(t, openSQLite(t), func(c *Config) { c.RateLimit = 1 })
	srv := httptest.NewServer(e.s)
	defer srv.Close()

	first := e.formValues(t, libraryPage, "petition-form")
	e.clock.add(5 * time.Second)
	res := postHTTP(t, srv, libraryPage+"/sign?lang=en", first)
	res.Body.Close()
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("first signature: %d", res.StatusCode)
	}

	v := e.formValues(t, libraryPage, "petition-form")
	v.Set("name", "Grace Hopper")
	v.Set("email", "grace@example.org")
	v.Set("public", "yes")
	e.clock.add(5 * time.Second)
	res = postHTTP(t, srv, libraryPage+"/sign?lang=en", v)
	if res.StatusCode != http.StatusTooManyRequests || res.Header.Get("Retry-After") != "60" {
		t.Fatalf("over the limit: %d, Retry-After %q; want 429 and 60", res.StatusCode, res.Header.Get("Retry-After"))
	}
	if cc := res.Header.Get("Cache-Control"); cc != "no-store" {
		t.Errorf("Cache-Control %q, want no-store", cc)
	}
	d := doc(t, res)
	if h := strings.TrimSpace(d.Find("h1").Text()); h != "Too many signatures from your connection" {
		t.Errorf("heading %q", h)
	}
	if msg := d.Find(".sign-page .lede").Text(); !strings.Contains(msg, "wait a minute") || !strings.Contains(msg, "What you typed is kept") {
		t.Errorf("message %q, want it to say to wait a minute and that the details are kept", msg)
	}
	got := formOf(d.Find("form#petition-form"))
	for _, k := range []string{"name", "email", "consent", "public"} {
		if got.Get(k) != v.Get(k) {
			t.Errorf("the form shown again: %s = %q, want %q", k, got.Get(k), v.Get(k))
		}
	}
	if p, _ := e.s.tokens.Check("riverside/save-the-library", got.Get("token"), e.clock.now()); p != formtoken.OK {
		t.Errorf("the form shown again carries a token that would not sign: %v", p)
	}
	if c := e.count(t, "riverside", "save-the-library"); c.Signatures != 1 {
		t.Errorf("stored %d, want 1", c.Signatures)
	}
}

// TestRateLimitedEmbedFormKeepsDetails: the same inside a partner's
// frame: the embed's form comes back framed, holding the details.
func TestRateLimitedEmbedFormKeepsDetails(t *testing.T) {
	e := newEmbedEnv(t, func(c *Config) { c.RateLimit = 1 })
	srv := httptest.NewServer(e.s)
	defer srv.Close()
	for i, email := range []string{"ada@example.org", "grace@example.org"} {
		v := e.formValues(t, libraryEmbed, "petition-form")
		v.Set("email", email)
		e.clock.add(5 * time.Second)
		res := postHTTP(t, srv, libraryEmbed+"/sign?lang=en", v)
		if i == 0 {
			res.Body.Close()
			continue
		}
		if res.StatusCode != http.StatusTooManyRequests {
			t.Fatalf("over the limit: %d, want 429", res.StatusCode)
		}
		wantFramedBy(t, res, partner, localPartner)
		d := doc(t, res)
		if !strings.Contains(d.Find(".embed-action").Text(), "What you typed is kept") {
			t.Errorf("the frame does not say the details are kept")
		}
		if got := formOf(d.Find("form#petition-form")); got.Get("email") != email || got.Get("name") != v.Get("name") {
			t.Errorf("the frame's form holds %q %q, want the signer's", got.Get("name"), got.Get("email"))
		}
	}
}

// TestNotStoredFormKeepsDetails: when the store fails (a full disk, a
// lost database), the signer is told plainly their signature was not
// recorded (503) on their form, holding what they typed; pressing the
// button again once the store is back signs. Before, a bare error page
// told them to go back, and what they typed was gone.
func TestNotStoredFormKeepsDetails(t *testing.T) {
	e := newSignEnv(t, openSQLite(t), nil)
	srv := httptest.NewServer(e.s)
	defer srv.Close()
	working := e.s.cfg.Recorder
	e.s.cfg.Recorder = refusingRecorder{}

	v := e.formValues(t, libraryPage, "petition-form")
	v.Set("public", "yes")
	e.clock.add(5 * time.Second)
	res := postHTTP(t, srv, libraryPage+"/sign?lang=en", v)
	if res.StatusCode != http.StatusServiceUnavailable {
		t.Fatalf("store failing: %d, want 503", res.StatusCode)
	}
	d := doc(t, res)
	if h := strings.TrimSpace(d.Find("h1").Text()); h != "Your signature was NOT recorded" {
		t.Errorf("heading %q", h)
	}
	if msg := d.Find(".sign-page .lede").Text(); !strings.Contains(msg, "What you typed is kept") {
		t.Errorf("message %q, want it to say the details are kept", msg)
	}
	again := formOf(d.Find("form#petition-form"))
	for _, k := range []string{"name", "email", "consent", "public"} {
		if again.Get(k) != v.Get(k) {
			t.Errorf("the form shown again: %s = %q, want %q", k, again.Get(k), v.Get(k))
		}
	}

	e.s.cfg.Recorder = working
	res = postHTTP(t, srv, libraryPage+"/sign?lang=en", again)
	res.Body.Close()
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("pressing the button again once the store is back: %d, want 303", res.StatusCode)
	}
	if c := e.count(t, "riverside", "save-the-library"); c.Signatures != 1 {
		t.Errorf("stored %d, want 1", c.Signatures)
	}
}

// TestLongestHonestFormSigns: the largest form a browser sends for a
// person (every field a letter can ask for, each at its length limit in
// characters that take three bytes and nine once percent-encoded) is
// well under the body limit and signs; only a body no form produces gets
// the 413 that keeps nothing (design.md, Signing).
func TestLongestHonestFormSigns(t *testing.T) {
	e := newSignEnv(t, openSQLite(t), nil)
	f := signFiles(t)
	f["riverside/full-letter.yaml"] = `title: Every field of a letter
summary: Add your name.
date: 2026-02-01
actions:
  - kind: letter
    id: letter
    to: The council
    body: Keep the library open.
    signing: true
    fields:
      postcode: optional
      country: optional
      phone: optional
      comment: optional
      organisation: optional
      role: optional
`
	if err := e.s.SetSite(campaigntest.Site(t, f)); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(e.s)
	defer srv.Close()
	const page = "/riverside/full-letter"
	v := e.formValues(t, page, "letter-form")
	wide := func(n int) string { return strings.Repeat("界", n) }
	v.Set("name", wide(signing.MaxName))
	v.Set("comment", wide(signing.MaxComment))
	v.Set("organisation", wide(signing.MaxName))
	v.Set("role", wide(signing.MaxName))
	v.Set("email", strings.Repeat("a", 64)+"@"+strings.Repeat("b", 63)+"."+strings.Repeat("c", 63)+".example.org")
	v.Set("postcode", "SW1A 1AA")
	v.Set("country", "GB")
	v.Set("phone", "+44 20 7946 0000")
	v.Set("contact", "yes")
	v.Set("public", "yes")
	if n := len(v.Encode()); n > maxSignBody*7/8 {
		t.Fatalf("the longest honest form is %d bytes, within an eighth of the %d-byte limit", n, maxSignBody)
	}
	e.clock.add(5 * time.Second)
	res := postHTTP(t, srv, page+"/sign?lang=en", v)
	res.Body.Close()
	// Signing for an organisation waits for the organisers' approval.
	if loc := res.Header.Get("Location"); res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(loc, page+"/thanks?outcome=pending") {
		t.Fatalf("the longest honest form: %d to %q, want 303 to the thank-you page (pending)", res.StatusCode, loc)
	}
}

// TestRateLimitedRenamedFormKeepsDetails: a signer whose form was opened
// before the campaign was renamed (org.yaml's redirects) posts to the old
// address, which answers 308 to the new one. The rate limit counted that
// hop as a signature: over the limit, the old address (no campaign of its
// own) got the bare refusal and what they typed was gone; under it, the
// 308 spent one of the client's signatures, so the POST it leads to could
// be refused. The hop is not counted, and the POST at the new address is
// answered as any other: over the limit, the form comes back holding what
// they typed, to send again in a minute.
func TestRateLimitedRenamedFormKeepsDetails(t *testing.T) {
	files := signFiles(t)
	e := newHostileEnv(t, campaigntest.Files{
		"riverside/org.yaml": files["riverside/org.yaml"] + "redirects: {old-library: save-the-library}\n",
	}, func(c *Config) { c.RateLimit = 1 })
	const old = "/riverside/old-library/sign?lang=en"

	// Under the limit: the hop and the POST it leads to make one signature.
	v := e.formValues(t, libraryPage, "petition-form")
	v.Set("token", e.s.tokens.Issue("riverside/old-library", e.clock.now()))
	e.clock.add(5 * time.Second)
	res := postHTTP(t, e.srv, old, v)
	res.Body.Close()
	if res.StatusCode != http.StatusPermanentRedirect {
		t.Fatalf("POST to the old address: %d, want 308", res.StatusCode)
	}
	res = postHTTP(t, e.srv, res.Header.Get("Location"), v)
	res.Body.Close()
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("the first signature, sent to the old address: %d, want 303", res.StatusCode)
	}

	// Over it: the form comes back, holding what was typed.
	v = e.formValues(t, libraryPage, "petition-form")
	v.Set("token", e.s.tokens.Issue("riverside/old-library", e.clock.now()))
	v.Set("name", "Grace Hopper")
	v.Set("email", "grace@example.org")
	e.clock.add(5 * time.Second)
	res = postHTTP(t, e.srv, old, v)
	if res.StatusCode == http.StatusPermanentRedirect {
		res.Body.Close()
		res = postHTTP(t, e.srv, res.Header.Get("Location"), v)
	}
	if res.StatusCode != http.StatusTooManyRequests {
		t.Fatalf("over the limit: %d, want 429", res.StatusCode)
	}
	d := doc(t, res)
	got := formOf(d.Find("form#petition-form"))
	for _, k := range []string{"name", "email", "consent"} {
		if got.Get(k) != v.Get(k) {
			t.Errorf("over the limit, the form shown again: %s = %q, want %q", k, got.Get(k), v.Get(k))
		}
	}
	if a := d.Find("form#petition-form").AttrOr("action", ""); !strings.HasPrefix(a, libraryPage+"/sign") {
		t.Errorf("the form shown again posts to %q, want the campaign's new address", a)
	}
	if p, _ := e.s.tokens.Check("riverside/save-the-library", got.Get("token"), e.clock.now()); p != formtoken.OK {
		t.Errorf("the form shown again carries a token that would not sign: %v", p)
	}
	if c := e.count(t, "riverside", "save-the-library"); c.Signatures != 1 {
		t.Errorf("stored %d, want 1", c.Signatures)
	}
}

// TestRenamedTokenSearchIsItsOwn: a form's token refused for its campaign
// is checked against that campaign's old names only (Snapshot.OldKeys),
// not by walking every renamed and short address of the site: on a site
// of many organisations that walk (0.8 ms for 20,000 addresses) was paid
// by every POST with a forged token, and by every POST over the rate
// limit, which is not counted. The old names of each campaign are its
// own, and a token for one still signs.
func TestRenamedTokenSearchIsItsOwn(t *testing.T) {
	files := signFiles(t)
	e := newHostileEnv(t, campaigntest.Files{
		"riverside/org.yaml": files["riverside/org.yaml"] +
			"redirects: {old-library: save-the-library, older-library: save-the-library, old-letter: open-letter}\n",
	}, nil)
	snap := e.s.snap.Load()
	for key, want := range map[string][]string{
		"riverside/save-the-library": {"riverside/old-library", "riverside/older-library"},
		"riverside/open-letter":      {"riverside/old-letter"},
		"riverside/nothing":          nil,
	} {
		if got := snap.OldKeys(key); !slices.Equal(got, want) {
			t.Errorf("OldKeys(%s) = %q, want %q", key, got, want)
		}
	}
	v := e.formValues(t, libraryPage, "petition-form")
	v.Set("token", e.s.tokens.Issue("riverside/older-library", e.clock.now()))
	e.clock.add(5 * time.Second)
	res := postHTTP(t, e.srv, libraryPage+"/sign?lang=en", v)
	res.Body.Close()
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("a token for the campaign's older name: %d, want 303", res.StatusCode)
	}
	v = e.formValues(t, libraryPage, "petition-form")
	v.Set("email", "grace@example.org")
	v.Set("token", e.s.tokens.Issue("riverside/old-letter", e.clock.now()))
	e.clock.add(5 * time.Second)
	res = postHTTP(t, e.srv, libraryPage+"/sign?lang=en", v)
	res.Body.Close()
	if res.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("a token for another campaign's old name: %d, want 422", res.StatusCode)
	}
	if c := e.count(t, "riverside", "save-the-library"); c.Signatures != 1 {
		t.Errorf("stored %d, want 1", c.Signatures)
	}
}

// TestRateLimitedHoneypotLearnsNothing: a bot that filled the field people
// never see is answered as if it had signed, so it learns nothing
// (sign.go). Over the rate limit it was sent the bare refusal while a
// form without that field came back: two POSTs over the limit, one with
// each field filled, told a script which field is the trap. Both now get
// the same answer: the form back, holding the details but never the
// honeypot's value.
func TestRateLimitedHoneypotLearnsNothing(t *testing.T) {
	e := newSignEnv(t, openSQLite(t), func(c *Config) { c.RateLimit = 1 })
	srv := httptest.NewServer(e.s)
	defer srv.Close()
	v := e.formValues(t, libraryPage, "petition-form")
	e.clock.add(5 * time.Second)
	res := postHTTP(t, srv, libraryPage+"/sign?lang=en", v)
	res.Body.Close()

	answer := func(honeypot string) (int, string, url.Values) {
		v := e.formValues(t, libraryPage, "petition-form")
		v.Set("email", "bot@example.org")
		v.Set("homepage", honeypot)
		e.clock.add(5 * time.Second)
		res := postHTTP(t, srv, libraryPage+"/sign?lang=en", v)
		d := doc(t, res)
		return res.StatusCode, strings.TrimSpace(d.Find("h1").Text()), formOf(d.Find("form#petition-form"))
	}
	st, h, f := answer("")
	stHP, hHP, fHP := answer("https://spam.example")
	if st != http.StatusTooManyRequests || stHP != st || hHP != h {
		t.Errorf("over the limit: %d %q without the honeypot, %d %q with it; want the same 429", st, h, stHP, hHP)
	}
	if fHP.Get("email") != "bot@example.org" || f.Get("email") != fHP.Get("email") {
		t.Errorf("over the limit, the form comes back holding %q without the honeypot and %q with it", f.Get("email"), fHP.Get("email"))
	}
	if fHP.Get("homepage") != "" {
		t.Errorf("the form shown again holds the honeypot's value %q", fHP.Get("homepage"))
	}
	if c := e.count(t, "riverside", "save-the-library"); c.Signatures != 1 {
		t.Errorf("stored %d, want 1", c.Signatures)
	}
}
