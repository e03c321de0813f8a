package web

import (
	"compress/gzip"
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"github.com/placard/placard/internal/attribution"
	"github.com/placard/placard/internal/campaign"
	"github.com/placard/placard/internal/campaign/campaigntest"
	"github.com/placard/placard/internal/formtoken"
	"github.com/placard/placard/internal/signing"
	"github.com/placard/placard/internal/site"
	"github.com/placard/placard/internal/store"
	"github.com/placard/placard/internal/store/sqlite"
	"github.com/placard/placard/views"
)

// wantThanks checks a signing answer's Location: the thank-you page for
// the outcome, carrying a claim (a new signer's personal link).
func wantThanks(t testing.TB, res *http.Response, want string) {
	t.Helper()
	loc := res.Header.Get("Location")
	base, claim, _ := strings.Cut(loc, "&"+paramClaim+"=")
	if base != want || claim == "" {
		t.Errorf("Location: got %q, want %q with &%s=…", loc, want, paramClaim)
	}
}

// claimOf returns the claim of a signing answer's Location.
func claimOf(t testing.TB, res *http.Response) string {
	t.Helper()
	u, err := url.Parse(res.Header.Get("Location"))
	if err != nil {
		t.Fatalf("Location %q: %v", res.Header.Get("Location"), err)
	}
	return u.Query().Get(paramClaim)
}

// signVia fetches page (with its query), signs its petition as email and
// returns the answer.
func (e *signEnv) signVia(t *testing.T, page, email string) *http.Response {
	t.Helper()
	v := e.formValues(t, page, "petition-form")
	v.Set("email", email)
	e.clock.add(5 * time.Second)
	path, _, _ := strings.Cut(page, "?")
	return e.post(t, path+"/sign", v, nil)
}

func wantSources(t *testing.T, st store.Store, slug string, want ...signing.SourceCount) {
	t.Helper()
	got, err := st.Sources(context.Background(), "riverside", slug)
	if err != nil {
		t.Fatalf("Sources: %v", err)
	}
	if !slices.Equal(got, want) {
		t.Errorf("Sources(%s): got %+v, want %+v", slug, got, want)
	}
}

// TestReferralFlow: a signer gets a personal link and, once, the address
// of its private page; a second signer who follows the link credits it;
// the private page then says 1. Sources count per share source. Runs on
// every engine.
func TestReferralFlow(t *testing.T) {
	forEachEngine(t, func(t *testing.T, st store.Store) {
		e := newSignEnv(t, st, nil)
		res := e.signVia(t, libraryPage+"?src=whatsapp", "ann@example.org")
		wantStatus(t, res, 303)
		wantThanks(t, res, libraryPage+"/thanks?outcome=signed")
		thanksURL := res.Header.Get("Location")

		// The first look shows the personal link and the private address.
		res = get(t, e.s, "GET", thanksURL, nil)
		wantStatus(t, res, 200)
		wantHeader(t, res, "Cache-Control", "no-store")
		wantHeader(t, res, "Referrer-Policy", "no-referrer")
		// Its Mastodon form goes on to the reader's own server.
		if csp := res.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "form-action 'self' https:") {
			t.Errorf("personal thank-you page's policy %q does not let its Mastodon form reach the reader's server", csp)
		}
		d := doc(t, res)
		if a := d.Find(".personal-link form.mastodon-form").AttrOr("action", ""); a != libraryPage+"/share/mastodon" {
			t.Errorf("personal Mastodon form posts to %q, want %s/share/mastodon", a, libraryPage)
		}
		personal := d.Find("#personal-link").AttrOr("value", "")
		private := d.Find("#private-link").AttrOr("value", "")
		prefix := "https://act.example.org" + libraryPage + "?ref="
		if !strings.HasPrefix(personal, prefix) || !attribution.ValidToken(strings.TrimPrefix(personal, prefix)) {
			t.Fatalf("personal link: got %q, want %s and a %d-character token", personal, prefix, refTokenLen)
		}
		token := strings.TrimPrefix(personal, prefix)
		if !strings.HasPrefix(private, "https://act.example.org"+libraryPage+"/impact?key=") {
			t.Fatalf("private link: got %q, want the campaign's /impact?key=…", private)
		}
		// The network links share the personal link, tagged.
		if x := d.Find(".personal-link a.share-x").AttrOr("href", ""); !strings.Contains(x, site.QueryEscape(personal+"&src=x")) {
			t.Errorf("personal X link %q does not carry %s&src=x", x, personal)
		}
		// A second look (a reload) shows the link but never the key again.
		d = doc(t, get(t, e.s, "GET", thanksURL, nil))
		if d.Find("#private-link").Length() != 0 {
			t.Errorf("the private address was shown a second time")
		}
		if got := d.Find("#personal-link").AttrOr("value", ""); got != personal {
			t.Errorf("personal link on reload: got %q, want %q", got, personal)
		}
		if !strings.Contains(d.Find(".personal-link").Text(), "shown once") {
			t.Errorf("reload does not say the private address was shown once")
		}

		// The private page says no signatures yet.
		key := strings.TrimPrefix(private, "https://act.example.org")
		res = get(t, e.s, "GET", key, nil)
		wantStatus(t, res, 200)
		wantHeader(t, res, "Cache-Control", "no-store")
		wantHeader(t, res, "X-Robots-Tag", "noindex")
		if h := doc(t, res).Find("h1").Text(); !strings.Contains(h, "not brought a signature yet") {
			t.Errorf("private page before any referral: h1 %q", h)
		}

		// Bo follows Ann's link and signs; the form carried the link.
		v := e.formValues(t, libraryPage+"?ref="+token, "petition-form")
		if got, want := v.Get(attribution.FormField), string(attribution.FormValue(attribution.SourcePersonal, token)); got != want {
			t.Errorf("via field through a personal link: got %q, want %q", got, want)
		}
		res = e.signVia(t, libraryPage+"?ref="+token, "bo@example.org")
		wantThanks(t, res, libraryPage+"/thanks?outcome=signed")
		// Bo again: answered as a first signature, and credited like one,
		// so the count cannot tell whether an address had signed
		// (TestRepeatCreditIndistinguishable).
		res = e.signVia(t, libraryPage+"?ref="+token, "bo@example.org")
		wantThanks(t, res, libraryPage+"/thanks?outcome=signed")

		// Credits wait for a batch of signatures before they are written
		// (attribution.Credits); a stopping server writes what it holds.
		if err := e.s.flushCredits(context.Background(), false); err != nil {
			t.Fatal(err)
		}
		wantSources(t, st, "save-the-library")
		if err := e.s.flushCredits(context.Background(), true); err != nil {
			t.Fatal(err)
		}
		d = doc(t, get(t, e.s, "GET", key, nil))
		if h := d.Find("h1").Text(); h != "Your link brought 2 signatures" {
			t.Errorf("private page after two referrals: h1 %q, want %q", h, "Your link brought 2 signatures")
		}
		if got := d.Find("#impact-link").AttrOr("value", ""); got != personal {
			t.Errorf("private page's link: got %q, want %q", got, personal)
		}
		wantSources(t, st, "save-the-library",
			signing.SourceCount{Source: "personal", Signatures: 2},
			signing.SourceCount{Source: "whatsapp", Signatures: 1})

		// Malformed keys get the 404; a well-formed key the store does not
		// hold, or one on another campaign's address, reads as a new link
		// that has brought nothing (TestRepeatSignatureIndistinguishable).
		for _, bad := range []string{"/impact?key=" + strings.Repeat("a", refKeyLen-1), "/impact?key=short", "/impact?key=" + strings.Repeat("1", refKeyLen), "/impact"} {
			res := get(t, e.s, "GET", libraryPage+bad, nil)
			wantStatus(t, res, 404)
			wantHeader(t, res, "Cache-Control", "no-store")
			if h := doc(t, res).Find("h1").Text(); !strings.Contains(h, "private page") {
				t.Errorf("%s: h1 %q, want it to say the private page was not found", bad, h)
			}
		}
		for _, unknown := range []string{strings.Replace(key, libraryPage, "/riverside/open-letter", 1), libraryPage + "/impact?key=" + strings.Repeat("a", refKeyLen)} {
			res := get(t, e.s, "GET", unknown, nil)
			wantStatus(t, res, 200)
			if h := doc(t, res).Find("h1").Text(); !strings.Contains(h, "not brought a signature yet") {
				t.Errorf("%s: h1 %q, want a new link's page", unknown, h)
			}
		}
	})
}

// TestClaims: a claim opens only for its campaign, only until it expires,
// and a forged one gives the plain thank-you page.
func TestClaims(t *testing.T) {
	e := newSignEnv(t, openSQLite(t), nil)
	res := e.signVia(t, libraryPage, "cy@example.org")
	claim := claimOf(t, res)
	c := e.s.claims
	now := e.s.cfg.Now()
	if _, _, _, ok, _ := c.Open(context.Background(), "riverside/open-letter", claim, now, true); ok {
		t.Errorf("a claim opened for another campaign")
	}
	if _, _, _, ok, _ := c.Open(context.Background(), "riverside/save-the-library", claim, now.Add(formtoken.ClaimTTL+time.Second), true); ok {
		t.Errorf("a claim opened after it expired")
	}
	// A HEAD (a link checker, a prefetch) does not use up the one showing.
	wantStatus(t, get(t, e.s, "HEAD", res.Header.Get("Location"), nil), 200)
	if doc(t, get(t, e.s, "GET", res.Header.Get("Location"), nil)).Find("#private-link").Length() != 1 {
		t.Errorf("after a HEAD, the first GET does not show the private address")
	}
	forged := []byte(claim)
	forged[len(forged)/2] ^= 1
	for _, bad := range []string{string(forged), "x", ""} {
		d := doc(t, get(t, e.s, "GET", libraryPage+"/thanks?outcome=signed&claim="+url.QueryEscape(bad), nil))
		if d.Find("#personal-link").Length() != 0 {
			t.Errorf("claim %q: the page shows a personal link", bad)
		}
	}
	// The honeypot's answer looks the same, and stores nothing.
	v := e.formValues(t, libraryPage, "petition-form")
	v.Set("email", "bot@example.org")
	v.Set(site.FieldHoneypot, "https://spam.example")
	e.clock.add(formtoken.MinAge) // a form sent at once is refused as too quick, trap or not
	res = e.post(t, libraryPage+"/sign", v, nil)
	wantThanks(t, res, libraryPage+"/thanks?outcome=signed")
}

// TestViaSplicedPerResponse: the cached page's form carries the visitor's
// source and personal link, in the plain and the gzip body alike, and a
// blank value for everyone else; nothing else in the page changes.
func TestViaSplicedPerResponse(t *testing.T) {
	e := newSignEnv(t, openSQLite(t), nil)
	tok := "abcdefgh23"
	for _, c := range []struct{ query, want string }{
		{"", string(attribution.BlankFormValue())},
		{"?src=x", string(attribution.FormValue("x", ""))},
		{"?src=X&ref=" + tok, string(attribution.FormValue("x", tok))},
		{"?ref=" + tok, string(attribution.FormValue(attribution.SourcePersonal, tok))},
		{"?src=nonsense&ref=toolongtoken1", string(attribution.BlankFormValue())},
		{"?src=%3Cscript%3E", string(attribution.BlankFormValue())},
	} {
		for _, gz := range []bool{false, true} {
			h := http.Header{}
			if gz {
				h.Set("Accept-Encoding", "gzip")
			}
			res := get(t, e.s, "GET", libraryPage+c.query, h)
			var r io.Reader = res.Body
			if gz {
				zr, err := gzip.NewReader(res.Body)
				if err != nil {
					t.Fatalf("%s gzip: %v", c.query, err)
				}
				r = zr
			}
			b, err := io.ReadAll(r)
			if err != nil {
				t.Fatalf("%s (gzip %v): reading: %v", c.query, gz, err)
			}
			if strconv.Itoa(len(b)) != res.Header.Get("Content-Length") && !gz {
				t.Errorf("%s: Content-Length %s, body %d", c.query, res.Header.Get("Content-Length"), len(b))
			}
			d, _ := goquery.NewDocumentFromReader(strings.NewReader(string(b)))
			if got := d.Find(`#petition-form input[name="via"]`).AttrOr("value", "?"); got != c.want {
				t.Errorf("%s (gzip %v): via = %q, want %q", c.query, gz, got, c.want)
			}
		}
	}
}

// TestArrivalsCounted: page views with a known source count, once each,
// per campaign; preview fetchers, unknown sources and other pages do not.
func TestArrivalsCounted(t *testing.T) {
	st := openSQLite(t)
	e := newSignEnv(t, st, nil)
	bot := http.Header{"User-Agent": {"facebookexternalhit/1.1"}}
	for _, r := range []struct {
		target string
		h      http.Header
	}{
		{libraryPage + "?src=x", nil},
		{libraryPage + "?src=x&region=North", nil},
		{libraryPage + "?src=qr", nil},
		{libraryPage + "?src=x", bot},
		{libraryPage + "?src=x", http.Header{"Sec-Purpose": {"prefetch"}}},
		{libraryPage + "?src=made-up", nil},
		{libraryPage, nil},
		{"/riverside/every-field?src=email", nil},
		{"/riverside?src=x", nil},
		{"/riverside/nothing-here?src=x", nil},
	} {
		get(t, e.s, "GET", r.target, r.h)
	}
	if err := e.s.FlushArrivals(context.Background()); err != nil {
		t.Fatalf("FlushArrivals: %v", err)
	}
	wantSources(t, st, "save-the-library", signing.SourceCount{Source: "qr", Arrivals: 1}, signing.SourceCount{Source: "x", Arrivals: 2})
	wantSources(t, st, "every-field", signing.SourceCount{Source: "email", Arrivals: 1})
	// A second flush has nothing new to add.
	if err := e.s.FlushArrivals(context.Background()); err != nil {
		t.Fatalf("FlushArrivals: %v", err)
	}
	wantSources(t, st, "every-field", signing.SourceCount{Source: "email", Arrivals: 1})
}

// TestNextStep: share and contact actions offer the next action, the last
// one a related campaign; the thank-you page offers what follows the petition.
func TestNextStep(t *testing.T) {
	e := newSignEnv(t, openSQLite(t), nil)
	d := doc(t, get(t, e.s, "GET", libraryPage, nil))
	share := d.Find("section#share .next-step a")
	if share.Length() != 1 || share.AttrOr("href", "") != "#donate" {
		t.Errorf("share action's next step: got %d links to %q, want one to #donate", share.Length(), share.AttrOr("href", ""))
	}
	res := e.signVia(t, libraryPage, "dee@example.org")
	n := doc(t, get(t, e.s, "GET", res.Header.Get("Location"), nil)).Find(".next-ask .next-step a")
	if n.Length() != 1 || !strings.HasPrefix(n.AttrOr("href", ""), libraryPage+"#") || n.AttrOr("href", "") == libraryPage+"#share" {
		t.Errorf("thank-you page's next step: got %d links to %q, want one into the campaign page, past its share action", n.Length(), n.AttrOr("href", ""))
	}
}

// TestShareRotation: a share action with two X messages is served as two
// pre-rendered pages in turn, on a plain cached page and on a live signing
// page alike; every other network without a list keeps its one message.
func TestShareRotation(t *testing.T) {
	site := func() *campaign.Site {
		f := testFiles(t)
		old := `      x: "Our library closes unless the council hears from us. {link} #SaveRiversideLibrary"`
		if !strings.Contains(f["riverside/save-the-library.yaml"], old) {
			t.Fatal("the library's share action has no X message to replace")
		}
		f["riverside/save-the-library.yaml"] = strings.Replace(f["riverside/save-the-library.yaml"], old,
			"      x: [\"First wording {link}\", \"Second wording {link}\"]", 1)
		return campaigntest.Site(t, f)
	}
	plain, err := New(Config{BaseURL: "https://act.example.org", SiteName: "Act"}, site())
	if err != nil {
		t.Fatal(err)
	}
	live, err := New(Config{BaseURL: "https://act.example.org", SiteName: "Act", Store: openSQLite(t)}, site())
	if err != nil {
		t.Fatal(err)
	}
	for name, s := range map[string]*Server{"cached page": plain, "live page": live} {
		seen := map[string]int{}
		for range 4 {
			d := doc(t, get(t, s, "GET", libraryPage, nil))
			x := d.Find("a.share-x").First().AttrOr("href", "")
			switch {
			case strings.Contains(x, "First%20wording"):
				seen["first"]++
			case strings.Contains(x, "Second%20wording"):
				seen["second"]++
			default:
				t.Errorf("%s: X link %q has neither message", name, x)
			}
			if b := d.Find("a.share-bluesky").First().AttrOr("href", ""); !strings.Contains(b, "3%20March") {
				t.Errorf("%s: Bluesky link %q lost its single default message", name, b)
			}
		}
		if seen["first"] != 2 || seen["second"] != 2 {
			t.Errorf("%s: four views showed %v, want each message twice", name, seen)
		}
		// A reload that names what the browser holds keeps that wording.
		for range 3 {
			first := get(t, s, "GET", libraryPage, nil)
			etag := first.Header.Get("Etag")
			if res := get(t, s, "GET", libraryPage, http.Header{"If-None-Match": {etag}}); res.StatusCode != 304 {
				t.Errorf("%s: revalidating with %s: got %d, want 304", name, etag, res.StatusCode)
			}
		}
	}
	// The Mastodon redirect's default text and static copies use the first.
	res := get(t, plain, "GET", libraryPage+"/share/mastodon?instance=social.example", sameOrigin)
	if loc := res.Header.Get("Location"); !strings.Contains(loc, "3%20March") {
		t.Errorf("Mastodon default text: %q", loc)
	}
}

// BenchmarkLivePageAttributed serves the live page to a visitor who came
// through a share link (?src=x&ref=…): the via slot is filled and, for
// gzip, the trailer's CRC-32 is computed for this response, and the
// arrival is counted. Compare with BenchmarkLivePage (no attribution).
func BenchmarkLivePageAttributed(b *testing.B) {
	for _, enc := range []string{"gzip", "identity"} {
		b.Run(enc, func(b *testing.B) {
			db, err := sqlite.Open(context.Background(), filepath.Join(b.TempDir(), "placard.db"))
			if err != nil {
				b.Fatal(err)
			}
			defer db.Close()
			s, err := New(Config{BaseURL: "https://act.example.org", Store: db, RateLimit: -1}, signSite(b))
			if err != nil {
				b.Fatal(err)
			}
			req := httptest.NewRequest("GET", libraryPage+"?src=x&ref=abcdefgh23", nil)
			req.Header.Set("Accept-Encoding", enc)
			benchServe(b, s, req)
		})
	}
}

// TestViaKeptOnReshow: a form shown again with problems keeps where the
// signer came from, so fixing a mistake does not lose the attribution.
func TestViaKeptOnReshow(t *testing.T) {
	e := newSignEnv(t, openSQLite(t), nil)
	v := e.formValues(t, libraryPage+"?src=telegram&ref=abcdefgh23", "petition-form")
	v.Del("consent")
	e.clock.add(5 * time.Second)
	res := e.post(t, libraryPage+"/sign", v, nil)
	wantStatus(t, res, 422)
	d := doc(t, res)
	want := string(attribution.FormValue("telegram", "abcdefgh23"))
	if got := d.Find(`form input[name="via"]`).AttrOr("value", ""); got != want {
		t.Errorf("re-shown form's via: got %q, want %q", got, want)
	}
	// A forged via on the re-shown form is dropped, not echoed.
	v.Set(attribution.FormField, `"><script>`)
	res = e.post(t, libraryPage+"/sign", v, nil)
	if n := doc(t, res).Find(`form input[name="via"]`).Length(); n != 0 {
		t.Errorf("a forged via was kept on the re-shown form")
	}
}

func TestThanksNextPassesShare(t *testing.T) {
	pet := views.ActionView{ID: "sign", Title: "Sign", Petition: &views.PetitionView{}}
	share := views.ActionView{ID: "share", Title: "Share", Share: &views.ShareView{}}
	give := views.ActionView{ID: "give", Title: "Give", Icon: "💰", Donate: &views.DonateView{}}
	rel := []views.CampaignCard{{Title: "Another", URL: "/o/another"}}
	for _, c := range []struct {
		actions []views.ActionView
		related []views.CampaignCard
		want    *views.NextStep
	}{
		{[]views.ActionView{pet, share, give}, nil, &views.NextStep{Title: "Give", URL: "/o/c#give", Icon: "💰"}},
		{[]views.ActionView{pet, share}, rel, &views.NextStep{Title: "Another", URL: "/o/another"}},
		{[]views.ActionView{pet, share}, nil, nil},
		{[]views.ActionView{share, give}, rel, nil},
	} {
		got := site.ThanksNext("/o/c", views.CampaignPageProps{Actions: c.actions, Related: c.related})
		if (got == nil) != (c.want == nil) || (got != nil && *got != *c.want) {
			t.Errorf("thanksNext(%d actions, %d related): got %+v, want %+v", len(c.actions), len(c.related), got, c.want)
		}
	}
}

// TestArrivalsConcurrent: page views counted while flushes run lose
// nothing and count nothing twice.
func TestArrivalsConcurrent(t *testing.T) {
	st := openSQLite(t)
	e := newSignEnv(t, st, nil)
	const workers, each = 8, 50
	// The flusher runs whenever a page view has been counted since its
	// last flush (woken, never spinning), and once more at the end.
	done := make(chan struct{})
	viewed := make(chan struct{}, 1)
	flushed := make(chan error, 1)
	go func() {
		var err error
		for {
			select {
			case <-done:
				flushed <- errors.Join(err, e.s.FlushArrivals(context.Background()))
				return
			case <-viewed:
				err = errors.Join(err, e.s.FlushArrivals(context.Background()))
			}
		}
	}()
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range each {
				get(t, e.s, "GET", "/riverside/every-field?src=telegram", nil)
				select {
				case viewed <- struct{}{}:
				default: // a flush is already due
				}
			}
		}()
	}
	wg.Wait()
	close(done)
	if err := <-flushed; err != nil {
		t.Fatalf("FlushArrivals: %v", err)
	}
	wantSources(t, st, "every-field", signing.SourceCount{Source: "telegram", Arrivals: workers * each})
}

// TestClaimShownOnceWhateverItsSpelling: the private address is shown once
// per claim, not once per way of writing it. A newline or carriage return
// added anywhere (%0A, %0D: the base64 decoder skips them) or a space must
// not show the key again.
func TestClaimShownOnceWhateverItsSpelling(t *testing.T) {
	forEachEngine(t, func(t *testing.T, st store.Store) {
		e := newSignEnv(t, st, nil)
		res := e.signVia(t, libraryPage, "dee@example.org")
		thanks := res.Header.Get("Location")
		claim := claimOf(t, res)
		if d := doc(t, get(t, e.s, "GET", thanks, nil)); d.Find("#private-link").Length() != 1 {
			t.Fatalf("the first look does not show the private address")
		}
		for _, spelling := range []string{
			url.QueryEscape(claim + "\n"),
			url.QueryEscape(claim + "\r\n"),
			url.QueryEscape("\n" + claim),
			url.QueryEscape(claim[:10] + "\n" + claim[10:]),
			url.QueryEscape(claim + " "),
		} {
			d := doc(t, get(t, e.s, "GET", libraryPage+"/thanks?outcome=signed&claim="+spelling, nil))
			if d.Find("#private-link").Length() != 0 {
				t.Errorf("claim=%s showed the private address a second time", spelling)
			}
		}
	})
}
