package console

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/go-chi/chi/v5"

	"github.com/placard/placard/internal/accounts"
	"github.com/placard/placard/internal/campaign"
	"github.com/placard/placard/internal/store"
)

// signedIn reports whether b's session still signs in: the console's home
// answers instead of sending to the sign-in page.
func (b *browser) signedIn() bool {
	b.e.t.Helper()
	res := b.get(Prefix + "/riverside")
	return res.StatusCode == http.StatusOK
}

// legacySession gives a new browser a session of o stored as every
// session was before migration 025: how it signed in not recorded.
func (e *env) legacySession(o accounts.Organiser, at time.Time) *browser {
	e.t.Helper()
	secret, hash := accounts.NewSecret()
	if err := e.acc.AddSession(context.Background(), accounts.Session{Hash: hash, OrganiserID: o.ID, CreatedAt: at, LastSeen: at}); err != nil {
		e.t.Fatal(err)
	}
	b := e.browser()
	b.cookies[e.c.cookie] = secret
	return b
}

// signInWithKey signs a new browser in with passkey k of the organiser
// whose user handle is handle.
func (e *env) signInWithKey(k *softKey, handle string) *browser {
	e.t.Helper()
	b := e.browser()
	wantStatus(e.t, b.postJSON(Prefix+"/signin/passkey/finish", k.assert(e.t, b.post(Prefix+"/signin/passkey/begin", url.Values{}), handle)), http.StatusOK)
	return b
}

// addKey registers a new passkey from b (signed in within FreshFor).
func (b *browser) addKey(t *testing.T) *softKey {
	t.Helper()
	k := newSoftKey(t, true)
	wantStatus(t, b.postJSON(Prefix+"/passkey/finish", k.register(t, b.post(Prefix+"/passkey/begin", url.Values{}))), http.StatusOK)
	return k
}

var linkToken = regexp.MustCompile(`/signin/link\?t=([A-Za-z0-9_-]{43})`)

// signInByEmail signs a new browser in with an emailed link.
func (e *env) signInByEmail(email string) *browser {
	e.t.Helper()
	before := len(e.mail.all())
	b := e.browser()
	wantRedirect(e.t, b.post(Prefix+"/signin/link", url.Values{"email": {email}}), Prefix+"/signin?sent=1")
	e.c.sending.Wait()
	all := e.mail.all()
	if len(all) != before+1 {
		e.t.Fatalf("asking for a link sent %d emails, want 1", len(all)-before)
	}
	m := linkToken.FindStringSubmatch(all[len(all)-1].body)
	if m == nil {
		e.t.Fatalf("no sign-in link in %q", all[len(all)-1].body)
	}
	wantRedirect(e.t, b.post(Prefix+"/signin/link/use", url.Values{"token": {m[1]}}), Prefix)
	return b
}

// TestRemovedPasskeyEndsItsSessions: an organiser who loses a phone
// removes its passkey, and every session that passkey opened — the
// thief's — ends at once, in the same transaction; so do sessions opened
// before Placard recorded how (it may have been that passkey). Sessions
// opened another way stay. The organiser is told how many ended, the log
// records it, and a browser that signed in with the removed passkey
// itself is signed out too and told why. Before, removing a passkey left
// every session it had opened valid until it ended by itself (up to 12
// hours).
func TestRemovedPasskeyEndsItsSessions(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, nil)
	b := e.signIn("riverside", "sam@example.org", accounts.RoleEditor) // an invitation's session
	o, _ := e.acc.FindOrganiser(ctx, "riverside", "sam@example.org")
	handle := fmt.Sprint(o.ID)
	phone, laptop := b.addKey(t), b.addKey(t)
	old := e.legacySession(o, e.clock.now().Add(-time.Hour))
	e.clock.add(time.Minute)
	thief, thief2 := e.signInWithKey(phone, handle), e.signInWithKey(phone, handle)
	mine := e.signInWithKey(laptop, handle)
	mailed := e.signInByEmail("sam@example.org")
	// Another organiser's session is never touched.
	kimB := e.signIn("harbour", "kim@example.org", accounts.RoleEditor)
	kim, _ := e.acc.FindOrganiser(ctx, "harbour", "kim@example.org")
	kimOld := e.legacySession(kim, e.clock.now())
	for _, br := range []*browser{b, old, thief, thief2, mine, mailed} {
		if !br.signedIn() {
			t.Fatal("a session is not signed in before the removal")
		}
	}

	// The passkeys page says which passkey this browser signed in with.
	// (Both were added at the same time, so their order is their ids'.)
	phoneID, laptopID := b64.EncodeToString(phone.id), b64.EncodeToString(laptop.id)
	d := doc(t, mine.get(Prefix+"/passkey"))
	marked := d.Find("table.passkeys tbody tr").FilterFunction(func(_ int, s *goquery.Selection) bool {
		return strings.Contains(s.Text(), "This browser signed in with it")
	})
	if v, _ := marked.Find(`input[name="id"]`).Attr("value"); marked.Length() != 1 || v != laptopID {
		t.Errorf("seen from the laptop, %d rows are marked as this browser's passkey, want only the laptop's", marked.Length())
	}

	// A browser whose way in was not recorded is warned that any removal
	// signs it out; the others are not.
	old2 := e.legacySession(o, e.clock.now()) // fresh enough to remove passkeys
	if !strings.Contains(body(t, old2.get(Prefix+"/passkey")), "signed in before Placard recorded how") {
		t.Error("the passkeys page of a session from before the upgrade does not warn that removing any passkey signs it out")
	}
	if strings.Contains(body(t, mine.get(Prefix+"/passkey")), "signed in before Placard recorded how") {
		t.Error("the passkeys page warns a session whose passkey is known")
	}

	wantRedirect(t, mine.post(Prefix+"/passkey/remove", url.Values{"id": {phoneID}}), Prefix+"/passkey?removed=1&ended=4")
	for name, br := range map[string]*browser{"the thief": thief, "the thief's second": thief2, "a session from before the upgrade": old, "another from before the upgrade": old2} {
		if br.signedIn() {
			t.Errorf("%s is still signed in after its passkey was removed", name)
		}
	}
	for name, br := range map[string]*browser{"the invitation's": b, "the laptop's": mine, "the emailed link's": mailed} {
		if !br.signedIn() {
			t.Errorf("%s session ended with another passkey", name)
		}
	}
	if res := kimB.get(Prefix + "/harbour"); res.StatusCode != http.StatusOK {
		t.Error("another organiser's session ended")
	}
	if res := kimOld.get(Prefix + "/harbour"); res.StatusCode != http.StatusOK {
		t.Error("another organiser's session from before the upgrade ended")
	}
	if got := doc(t, mine.get(Prefix+"/passkey?removed=1&ended=4")).Find("main .notice").Text(); !strings.Contains(got, "no longer signs you in") || !strings.Contains(got, "The 4 sessions it had opened have ended") {
		t.Errorf("the notice after removing: %q, want how many sessions ended", got)
	}
	log, _ := e.acc.Audit(ctx, "riverside", 50)
	if len(log) == 0 || log[0].Action != ActPasskeyRemoved || log[0].Detail != "4 sessions ended" {
		t.Fatalf("the log's newest entry: %+v, want the removal with 4 sessions ended", log[0])
	}
	if got := body(t, b.get(Prefix+"/riverside/audit")); !strings.Contains(got, "4 open sessions ended") {
		t.Error("the audit page does not say how many sessions the removal ended")
	}

	// The laptop removes its own passkey: it is signed out too, and told.
	res := mine.post(Prefix+"/passkey/remove", url.Values{"id": {laptopID}})
	wantRedirect(t, res, Prefix+"/signin?removed=here&ended=1")
	if mine.signedIn() {
		t.Error("the browser that signed in with the removed passkey is still signed in")
	}
	if got := doc(t, mine.get(Prefix+"/signin?removed=here&ended=1")).Find("main .notice").Text(); !strings.Contains(got, "This browser had signed in with it, so you are signed out here too") {
		t.Errorf("the sign-in page after removing this browser's passkey: %q", got)
	}
	if !b.signedIn() || !mailed.signedIn() {
		t.Error("sessions opened another way ended with the last passkey")
	}
}

// TestSessionsPage: an organiser sees every browser signed in as them —
// when, how (which passkey, an emailed link, an invitation, or not
// recorded), last used — and nothing else about it (no address, no
// browser); this browser's comes first. They end any other one, or all
// others at once, with plain forms (no script), from the console only;
// a session that is not theirs is refused and left alone. Before, there
// was no such page: a session opened elsewhere could only be waited out.
func TestSessionsPage(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, nil)
	b := e.signIn("riverside", "sam@example.org", accounts.RoleEditor)
	o, _ := e.acc.FindOrganiser(ctx, "riverside", "sam@example.org")
	k := b.addKey(t)
	e.clock.add(10 * time.Minute)
	pk := e.signInWithKey(k, fmt.Sprint(o.ID))
	e.clock.add(10 * time.Minute)
	mailed := e.signInByEmail("sam@example.org")
	old := e.legacySession(o, e.clock.now().Add(-time.Hour))
	idle := e.legacySession(o, e.clock.now().Add(-3*time.Hour)) // past IdleTimeout: signs nobody in
	kimB := e.signIn("harbour", "kim@example.org", accounts.RoleEditor)
	e.clock.add(2 * time.Minute)
	wantStatus(t, b.get(Prefix+"/riverside"), http.StatusOK) // last used now

	res := b.get(Prefix + "/sessions")
	wantStatus(t, res, http.StatusOK)
	page := doc(t, res)
	if page.Find(`header a[href="/admin/sessions"]`).Length() != 1 {
		t.Error("the header has no link to the sessions page")
	}
	if page.Find("script").Length() != 0 {
		t.Error("the sessions page loads a script; it must work without")
	}
	rows := page.Find("table.sessions tbody tr")
	if rows.Length() != 4 {
		t.Fatalf("%d sessions listed, want 4 (the idle one is over): %q", rows.Length(), rows.Text())
	}
	cell := func(r, c int) string { return strings.Join(strings.Fields(rows.Eq(r).Find("td").Eq(c).Text()), " ") }
	if got := cell(0, 0); !strings.Contains(got, "1 March 2026, 12:00 UTC") || !strings.Contains(got, "This browser") {
		t.Errorf("the first row: %q, want this browser's, signed in at 12:00", got)
	}
	if got := cell(0, 1); got != "An invitation" {
		t.Errorf("this browser signed in with %q, want an invitation", got)
	}
	if got := cell(0, 2); got != "1 March 2026, 12:22 UTC" {
		t.Errorf("this browser last used %q, want 12:22", got)
	}
	if rows.Eq(0).Find(`form[action="/admin/signout"] button`).Length() != 1 {
		t.Error("this browser's row has no Sign out")
	}
	tail := e.passkeyID(t, o.ID, 0)
	tail = tail[len(tail)-6:]
	for i, want := range []string{"A link by email", "This device's screen lock …" + tail, "Not recorded (signed in before an update)"} {
		if got := cell(i+1, 1); got != want {
			t.Errorf("row %d signed in with %q, want %q", i+1, got, want)
		}
	}
	text := page.Text()
	for _, leak := range []string{"192.0.2.1", "Go-http-client", "Mozilla"} {
		if strings.Contains(text, leak) {
			t.Errorf("the sessions page shows %q", leak)
		}
	}

	idOf := func(r int) string {
		v, ok := rows.Eq(r).Find(`input[name="id"]`).Attr("value")
		if !ok {
			t.Fatalf("row %d has no End form", r)
		}
		return v
	}
	pkID := idOf(2)
	if strings.Contains(body(t, b.get(Prefix+"/sessions")), fmt.Sprintf("%x", accounts.HashSecret(b.cookies[e.c.cookie]))) {
		t.Error("the page shows a session's stored hash")
	}

	// From another site: refused, nothing ends.
	wantCode(t, b.do(http.MethodPost, Prefix+"/sessions/end", url.Values{"id": {pkID}}, "Sec-Fetch-Site", "cross-site", "Origin", "https://evil.example"), http.StatusForbidden)
	// Junk, and another organiser's session: a plain 400, nothing ends.
	kimRows := doc(t, kimB.get(Prefix+"/sessions")).Find("table.sessions tbody tr")
	if kimRows.Length() != 1 {
		t.Fatalf("kim's sessions page lists %d, want only kim's own", kimRows.Length())
	}
	for _, bad := range []string{"", "x", strings.Repeat("A", 5000), "../../"} {
		res := b.post(Prefix+"/sessions/end", url.Values{"id": {bad}})
		if got := body(t, res); res.StatusCode != http.StatusBadRequest || !strings.Contains(got, "already ended, or it is not one of yours") {
			t.Errorf("ending %q: %d, want 400 saying so", bad, res.StatusCode)
		}
	}
	wantCode(t, kimB.post(Prefix+"/sessions/end", url.Values{"id": {pkID}}), http.StatusBadRequest)
	if !pk.signedIn() {
		t.Fatal("another organiser's request ended a session")
	}
	// Not signed in: refused.
	wantCode(t, e.browser().post(Prefix+"/sessions/end", url.Values{"others": {"1"}}), http.StatusForbidden)

	// End the passkey's session.
	wantRedirect(t, b.post(Prefix+"/sessions/end", url.Values{"id": {pkID}}), Prefix+"/sessions?done=one")
	if pk.signedIn() {
		t.Error("the ended session still signs in")
	}
	if got := doc(t, b.get(Prefix+"/sessions?done=one")).Find("main .notice").Text(); !strings.Contains(got, "that browser is signed out") {
		t.Errorf("the notice after ending one: %q", got)
	}
	wantCode(t, b.post(Prefix+"/sessions/end", url.Values{"id": {pkID}}), http.StatusBadRequest) // already ended

	// Everywhere else: the emailed link's and the old one end; this one,
	// and kim's, stay.
	wantRedirect(t, b.post(Prefix+"/sessions/end", url.Values{"others": {"1"}}), Prefix+"/sessions?done=others&n=2")
	if mailed.signedIn() || old.signedIn() || idle.signedIn() {
		t.Error("a session still signs in after Sign out everywhere else")
	}
	if !b.signedIn() {
		t.Fatal("Sign out everywhere else signed this browser out")
	}
	if res := kimB.get(Prefix + "/harbour"); res.StatusCode != http.StatusOK {
		t.Error("Sign out everywhere else signed another organiser out")
	}
	d := doc(t, b.get(Prefix+"/sessions?done=others&n=2"))
	if got := d.Find("main .notice").Text(); got != "Signed out everywhere else: 2 other sessions ended." {
		t.Errorf("the notice: %q", got)
	}
	if d.Find("table.sessions tbody tr").Length() != 1 || !strings.Contains(d.Text(), "You are signed in only here") || d.Find(`input[name="others"]`).Length() != 0 {
		t.Error("after signing out everywhere else: want one row, no such button, and a line saying so")
	}
	log, _ := e.acc.Audit(ctx, "riverside", 50)
	var acts []string
	for _, l := range log {
		if l.Action == ActSessionEnded || l.Action == ActSignedOutElsewhere {
			acts = append(acts, string(l.Action)+": "+l.Detail)
		}
	}
	if want := []string{"signed-out-elsewhere: 2 sessions ended", "session-ended: "}; strings.Join(acts, "|") != strings.Join(want, "|") {
		t.Errorf("the log: %q, want %q", acts, want)
	}

	// Ending this browser's own session by its id signs it out.
	list, _ := e.st.(store.Sessions).OrganiserSessions(ctx, o.ID)
	if len(list) != 1 {
		t.Fatalf("%d sessions left, want 1", len(list))
	}
	wantRedirect(t, b.post(Prefix+"/sessions/end", url.Values{"id": {sessionID(list[0].Hash)}}), Prefix+"/signin?out=1")
	if b.signedIn() {
		t.Error("ending this browser's own session left it signed in")
	}
}

// TestRemovedOrganiserSignedOutAtOnce: removing an organiser (what
// `placard organisers remove` does) ends their open sessions at once:
// the next request is a stranger's. Lowering their role (`placard
// organisers role`) holds from their next request too: the session names
// the organiser, and the console reads the role at every request.
func TestRemovedOrganiserSignedOutAtOnce(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, nil)
	sam := e.signIn("riverside", "sam@example.org", accounts.RoleEditor)
	sam2 := e.signInByEmail("sam@example.org")
	kim := e.signIn("riverside", "kim@example.org", accounts.RoleEditor)
	e.pendingOrg(t, "Northside Tenants")
	for _, br := range []*browser{sam, sam2, kim} {
		wantStatus(t, br.get(Prefix+"/riverside/audit"), http.StatusOK)
	}

	// Kim becomes a viewer: at once, no audit log, no changes, no
	// exports; the navigation no longer offers the log.
	ko, _ := e.acc.FindOrganiser(ctx, "riverside", "kim@example.org")
	if err := e.st.(store.Roles).SetRole(ctx, ko.ID, accounts.RoleViewer); err != nil {
		t.Fatal(err)
	}
	wantCode(t, kim.get(Prefix+"/riverside/audit"), http.StatusForbidden)
	wantCode(t, kim.get(Prefix+"/riverside/open-letter/export?format=csv"), http.StatusForbidden)
	wantCode(t, kim.post(Prefix+"/riverside/moderation", url.Values{"approve": {"1"}}), http.StatusForbidden)
	if d := doc(t, kim.get(Prefix+"/riverside")); d.Find(`nav a[href="/admin/riverside/audit"]`).Length() != 0 {
		t.Error("a viewer's navigation still offers the audit log")
	}
	if !kim.signedIn() {
		t.Error("lowering the role signed kim out; it should only take the changes away")
	}

	// Sam is removed: both sessions end at once.
	so, _ := e.acc.FindOrganiser(ctx, "riverside", "sam@example.org")
	if err := e.acc.RemoveOrganiser(ctx, so.ID); err != nil {
		t.Fatal(err)
	}
	for _, br := range []*browser{sam, sam2} {
		wantRedirect(t, br.get(Prefix+"/riverside"), Prefix+"/signin")
		wantCode(t, br.post(Prefix+"/riverside/moderation", url.Values{"approve": {"1"}}), http.StatusForbidden)
	}
	if list, _ := e.st.(store.Sessions).OrganiserSessions(ctx, so.ID); len(list) != 0 {
		t.Errorf("a removed organiser keeps %d sessions", len(list))
	}
}

// TestSiteActivity: what site admins do outside any organisation (their
// sign-ins, passkeys and sessions, site admins invited) is audited under
// no organisation, and no page showed it. A site admin now reads it on
// the site activity page, linked from the header; anyone else gets 404
// and no link, and the page holds no organisation's entries.
func TestSiteActivity(t *testing.T) {
	e := newEnv(t, nil)
	admin := e.signIn("", "ops@example.org", accounts.RoleSiteAdmin)
	sam := e.signIn("riverside", "sam@example.org", accounts.RoleEditor)
	wantStatus(t, admin.get(Prefix+"/riverside/open-letter/export?format=csv"), http.StatusOK) // in riverside's log
	res := admin.get(Prefix + "/activity")
	wantStatus(t, res, http.StatusOK)
	d := doc(t, res)
	if d.Find(`header a[href="/admin/activity"]`).Length() != 1 {
		t.Error("a site admin's header has no link to the site activity")
	}
	rows := d.Find("main table tbody tr")
	var lines []string
	rows.Each(func(_ int, s *goquery.Selection) {
		lines = append(lines, strings.Join(s.Find("td").Map(func(_ int, c *goquery.Selection) string { return c.Text() }), " | "))
	})
	joined := strings.Join(lines, "\n")
	if !strings.Contains(joined, "ops@example.org | signed in | with an invitation") || !strings.Contains(joined, "server operator | invited an organiser | as site admin") {
		t.Errorf("the site activity:\n%s\nwant the site admin's invitation and sign-in", joined)
	}
	if strings.Contains(joined, "sam@example.org") || strings.Contains(joined, "downloaded") {
		t.Errorf("the site activity holds an organisation's entries:\n%s", joined)
	}
	wantCode(t, sam.get(Prefix+"/activity"), http.StatusNotFound)
	if d := doc(t, sam.get(Prefix+"/riverside")); d.Find(`a[href="/admin/activity"]`).Length() != 0 {
		t.Error("an organiser's header links to the site activity")
	}
	wantRedirect(t, e.browser().get(Prefix+"/activity"), Prefix+"/signin")
}

// TestConsolePagesNamed: every page the console serves directly under
// /admin/ is one campaign.ConsolePage names, so an organisation's folder
// of that name is warned about when it loads (its console pages are
// hidden behind the console's own).
func TestConsolePagesNamed(t *testing.T) {
	e := newEnv(t, nil)
	seen := map[string]bool{}
	err := chi.Walk(e.c.handler.(chi.Routes), func(_, route string, _ http.Handler, _ ...func(http.Handler) http.Handler) error {
		first, _, _ := strings.Cut(strings.TrimPrefix(route, "/"), "/")
		if first != "" && !strings.HasPrefix(first, "{") && !seen[first] {
			seen[first] = true
			if !campaign.ConsolePage(first) {
				t.Errorf("the console serves /admin/%s, which campaign.ConsolePage does not name", first)
			}
		}
		return nil
	})
	if err != nil || !seen["sessions"] || !seen["activity"] {
		t.Fatalf("walking the routes: %v, saw %v", err, seen)
	}
}
