package web

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/placard/placard/internal/signing"
	"github.com/placard/placard/internal/store"
)

// privateValues are the parts of a signing answer and of the pages it
// leads to that differ between any two signers: the claim, the personal
// link's token and the private key.
var privateValues = regexp.MustCompile(`(claim=)[A-Za-z0-9_-]+|(ref=|ref%3[dD])[a-z2-7]{10}|(key=|key%3[dD])[a-z2-7]{26}|(>|value=")[a-z2-7]{26}(<|")`)

func blankPrivate(s string) string { return privateValues.ReplaceAllString(s, "$1$2$3$4•$5") }

// signingView is everything a signer (or anyone watching them) can see of
// one signature: the answer's status and Location, the thank-you page it
// leads to, and the private page that page names.
type signingView struct {
	status          int
	location        string
	thanks, private string
	privateStatus   int
	key             string
}

func (e *signEnv) signAndLook(t *testing.T, email string) signingView {
	t.Helper()
	res := e.signVia(t, libraryPage, email)
	loc := res.Header.Get("Location")
	v := signingView{status: res.StatusCode, location: blankPrivate(loc)}
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign %s: got %d, want 303", email, res.StatusCode)
	}
	thanks := get(t, e.s, "GET", loc, nil)
	page := body(t, thanks)
	v.thanks = blankPrivate(page)
	m := regexp.MustCompile(`/impact\?key=([a-z2-7]{26})`).FindStringSubmatch(page)
	if m == nil {
		t.Fatalf("thank-you page of %s names no private page:\n%s", email, page)
	}
	v.key = m[1]
	p := get(t, e.s, "GET", libraryPage+"/impact?key="+v.key, nil)
	v.privateStatus = p.StatusCode
	v.private = p.Header.Get("Cache-Control") + "|" + p.Header.Get("X-Robots-Tag") + "|" + p.Header.Get("Referrer-Policy") + "|" + blankPrivate(body(t, p))
	return v
}

// TestRepeatSignatureIndistinguishable: an address that had already signed
// is answered exactly as a first signature — same status, same Location
// (but for the claim's random value), the same thank-you page with a
// personal link and private address, and a private page that reads as a
// new link's — while the store keeps exactly one signature and makes no
// link for the repeat. Before this change the repeat got outcome=already,
// no claim, and a page saying "already signed": anyone could tell whether
// an address had signed.
func TestRepeatSignatureIndistinguishable(t *testing.T) {
	forEachEngine(t, func(t *testing.T, st store.Store) {
		e := newSignEnv(t, st, nil)
		first := e.signAndLook(t, "ada@example.org")
		repeat := e.signAndLook(t, " ADA@example.org")
		fresh := e.signAndLook(t, "bo@example.org")
		for _, c := range []struct {
			name string
			got  signingView
		}{{"repeat", repeat}, {"second signer", fresh}} {
			if c.got.status != first.status || c.got.location != first.location {
				t.Errorf("%s: answer %d %q, first signature's %d %q", c.name, c.got.status, c.got.location, first.status, first.location)
			}
			if c.got.thanks != first.thanks {
				t.Errorf("%s: thank-you page differs from the first signature's:\n%s\n----\n%s", c.name, c.got.thanks, first.thanks)
			}
			if c.got.privateStatus != first.privateStatus || c.got.private != first.private {
				t.Errorf("%s: private page %d differs from the first signature's %d:\n%s\n----\n%s", c.name, c.got.privateStatus, first.privateStatus, c.got.private, first.private)
			}
		}
		if first.status != 303 || first.privateStatus != 200 || strings.Contains(strings.ToLower(first.thanks), "already") {
			t.Errorf("first signature: %d, private page %d, thanks says already: %v", first.status, first.privateStatus, strings.Contains(first.thanks, "already"))
		}
		// One signature for Ada, the first. Every link, the repeat's too,
		// is made on the spot and stored nowhere until it brings someone
		// (attribution.Links), so the store holds none of them.
		if c := e.count(t, "riverside", "save-the-library"); c.Signatures != 2 {
			t.Errorf("store count: got %d, want 2 (Ada once, Bo)", c.Signatures)
		}
		n := 0
		err := st.Signatures(context.Background(), "riverside", "save-the-library", "", func(s *signing.Signature) error {
			if s.Email == "ada@example.org" {
				n++
			}
			return nil
		})
		if err != nil || n != 1 {
			t.Errorf("Ada's rows: got %d (%v), want 1", n, err)
		}
		for _, k := range []struct {
			name, key string
			stored    bool
		}{{"first", first.key, false}, {"repeat", repeat.key, false}, {"second signer", fresh.key, false}} {
			_, err := st.Referral(context.Background(), "riverside", "save-the-library", e.s.links.Token(k.key), nil)
			if stored := err == nil; stored != k.stored || err != nil && !errors.Is(err, store.ErrNotFound) {
				t.Errorf("%s's link: stored %v (%v), want %v", k.name, stored, err, k.stored)
			}
		}
	})
}

// TestRepeatSignatureIndistinguishableEmbed: inside a partner's frame a
// repeat is answered as a first signature too.
func TestRepeatSignatureIndistinguishableEmbed(t *testing.T) {
	e := newEmbedEnv(t, nil)
	var locs, pages []string
	for _, email := range []string{"ada@example.org", "ada@example.org"} {
		v := e.formValues(t, libraryEmbed, "petition-form")
		v.Set("email", email)
		e.clock.add(5 * time.Second)
		res := e.post(t, libraryPage+"/embed/sign", v, nil)
		wantStatus(t, res, 303)
		loc := res.Header.Get("Location")
		locs = append(locs, loc)
		u, _ := url.Parse(loc)
		pages = append(pages, body(t, get(t, e.s, "GET", u.RequestURI(), nil)))
	}
	if locs[0] != locs[1] || pages[0] != pages[1] {
		t.Errorf("embed: repeat answered %q, first %q (pages equal: %v)", locs[1], locs[0], pages[0] == pages[1])
	}
	if c := e.count(t, "riverside", "save-the-library"); c.Signatures != 1 {
		t.Errorf("store count: got %d, want 1", c.Signatures)
	}
}

// TestRepeatCreditIndistinguishable: whoever holds a personal link sees its
// count on the private page, at once (attribution.Credits.PendingFor). Signing someone
// else's address through one's own link must move that count whether or
// not the address had signed: otherwise the count answers "has this
// address signed?" exactly, however busy the campaign (the public tally
// only hints, among everyone else's signatures). Before the fix a repeat
// was not credited: the victim's probe left the count at 0 and a fresh
// address's moved it.
func TestRepeatCreditIndistinguishable(t *testing.T) {
	forEachEngine(t, func(t *testing.T, st store.Store) {
		e := newSignEnv(t, st, nil)
		mine := e.signAndLook(t, "prober@example.org")
		token := e.s.links.Token(mine.key)
		e.signAndLook(t, "victim@example.org") // signed on their own
		brought := func() string {
			return doc(t, get(t, e.s, "GET", libraryPage+"/impact?key="+mine.key, nil)).Find("h1").Text()
		}
		before := brought()
		wantStatus(t, e.signVia(t, libraryPage+"?ref="+token, "victim@example.org"), 303)
		afterVictim := brought()
		wantStatus(t, e.signVia(t, libraryPage+"?ref="+token, "nobody@example.org"), 303)
		afterFresh := brought()
		if afterFresh == afterVictim {
			t.Fatalf("a fresh address through the link did not move its count (%q)", afterFresh)
		}
		if afterVictim == before {
			t.Errorf("probing an address that had signed left the link's count at %q, while a fresh address moved it to %q: the count tells who signed", before, afterFresh)
		}
	})
}
