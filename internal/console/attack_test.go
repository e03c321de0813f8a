package console

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/placard/placard/internal/accounts"
	"github.com/placard/placard/internal/editing"
	"github.com/placard/placard/internal/export"
	"github.com/placard/placard/internal/signing"
	"github.com/placard/placard/internal/store"
	"github.com/placard/placard/internal/store/sqlite"
)

// TestDraftsOfOthersStayUnseen: an attack on another organisation's
// unpublished campaigns through the editor's checker. harbour has a draft,
// recall-the-mayor, with a short address; riverside's editor guesses at it
// from every checking route (check, save, preview, a new campaign) with a
// related link a letter away, the draft's exact name and its short
// address. Nothing riverside's editor is shown may tell the draft from a
// campaign that does not exist: its name never appears, and the answer to
// the exact name is the answer to a made-up one.
func TestDraftsOfOthersStayUnseen(t *testing.T) {
	e, dir := editEnv(t)
	draft := "title: Recall the mayor\nsummary: Not yet.\nstatus: draft\nshort: recall\ndate: 2026-02-01\nactions:\n  - kind: petition\n    target: Council\n    text: Later.\n"
	if err := os.WriteFile(filepath.Join(dir, "harbour/recall-the-mayor.yaml"), []byte(draft), 0o644); err != nil {
		t.Fatal(err)
	}
	b := e.signIn("riverside", "sam@example.org", accounts.RoleEditor)
	before, _ := os.ReadFile(filepath.Join(dir, "riverside/won.yaml"))
	version := editing.Version(before)
	with := func(extra string) string { return string(before) + extra }
	answer := func(path string, form url.Values) (int, string) {
		t.Helper()
		res := b.post(path, form)
		return res.StatusCode, body(t, res)
	}
	check := func(text string) (int, string) {
		return answer(Prefix+"/riverside/files/won.yaml/check", url.Values{"text": {text}})
	}
	for _, text := range []string{
		with("related:\n  - campaign: harbour/recall-the-mayr\n"),
		with("related:\n  - campaign: harbour/recall-the-mayor\n"),
		with("related:\n  - campaign: recall-the-mayr\n"),
		with("short: recall\n"),
	} {
		for _, route := range []struct {
			path string
			form url.Values
		}{
			{Prefix + "/riverside/files/won.yaml/check", url.Values{"text": {text}}},
			{Prefix + "/riverside/files/won.yaml", url.Values{"do": {"check"}, "text": {text}}},
			{Prefix + "/riverside/files/won.yaml/preview", url.Values{"text": {text}}},
		} {
			status, got := answer(route.path, route.form)
			if status >= 500 {
				t.Errorf("%s: %d", route.path, status)
			}
			typed := strings.Contains(text, "recall-the-mayor")
			if (!typed && strings.Contains(got, "recall-the-mayor")) || strings.Contains(got, "is a draft") {
				t.Errorf("%s with\n%s\nanswers with harbour's draft:\n%s", route.path, text[len(before):], got)
			}
		}
	}
	// The exact name of the draft is answered as a name nobody uses (the
	// check's JSON does not repeat the text, so the answers compare whole).
	_, exact := check(with("related:\n  - campaign: harbour/recall-the-mayor\n"))
	if strings.Contains(exact, `"ok":true`) {
		t.Errorf("a related link to another organisation's draft checks as fine, telling it exists: %s", exact)
	}
	_, none := check(with("related:\n  - campaign: harbour/recall-the-queen\n"))
	if strip := func(s string) string {
		return strings.NewReplacer("recall-the-mayor", "X", "recall-the-queen", "X").Replace(s)
	}; strip(exact) != strip(none) {
		t.Errorf("the draft's name and a made-up one answer differently:\n%s\n%s", exact, none)
	}
	// Saving such a link is refused and writes nothing.
	status, _ := answer(Prefix+"/riverside/files/won.yaml", url.Values{"do": {"save"}, "version": {version}, "text": {with("related:\n  - campaign: harbour/recall-the-mayor\n")}})
	if status != http.StatusUnprocessableEntity {
		t.Errorf("saving a link to harbour's draft: %d, want 422", status)
	}
	// harbour's own editor still links to its draft (a warning), and the
	// operator's placard check still names it.
	h := e.signIn("harbour", "kim@example.org", accounts.RoleEditor)
	sing, _ := os.ReadFile(filepath.Join(dir, "harbour/sing.yaml"))
	res := h.post(Prefix+"/harbour/files/sing.yaml/check", url.Values{"text": {string(sing) + "related:\n  - campaign: recall-the-mayor\n"}})
	if got := body(t, res); !strings.Contains(got, `"ok":true`) || !strings.Contains(got, "recall-the-mayor") {
		t.Errorf("harbour's editor linking to its own draft: %s", got)
	}
}

// TestExportSafeWhereSemicolonsSeparate: an attack on the CSV download
// through a spreadsheet that splits on semicolons — Excel does when the
// computer's list separator is ';', as in French, German and Spanish,
// three of the console's languages. A signer named x;=cmd|' /C calc'!A0;
// puts a formula at the start of a cell there unless the field is quoted.
// Read as ';'-separated, no cell of the download may start as a formula;
// read as ','-separated, the name is as the signer typed it but for an
// apostrophe before the formula (hidden by spreadsheets).
func TestExportSafeWhereSemicolonsSeparate(t *testing.T) {
	e := newEnv(t, nil)
	b := e.signIn("riverside", "sam@example.org", accounts.RoleEditor)
	name := "x;=cmd|' /C calc'!A0;"
	sig := &signing.Signature{
		Org: "riverside", Campaign: "open-letter", Action: "letter", Kind: signing.KindIndividual, Status: signing.StatusApproved,
		Name: name, Email: "x@example.org", Postcode: "AB1;@SUM(1+1);", Comment: "hi\t;-2+3;", Organisation: `Org;"=1+1`,
		ConsentText: "Riverside may email me about this campaign.", ConsentAt: e.clock.now(), Lang: "en", CreatedAt: e.clock.now(),
	}
	if res, err := e.st.AddSignatures(context.Background(), []*signing.Signature{sig}); err != nil || res[0] != nil {
		t.Fatalf("AddSignatures: %v %v", err, res)
	}
	res := b.get(Prefix + "/riverside/open-letter/export?format=csv")
	wantStatus(t, res, http.StatusOK)
	got := must(io.ReadAll(res.Body))
	semi := csv.NewReader(bytes.NewReader(got))
	semi.Comma, semi.FieldsPerRecord, semi.LazyQuotes = ';', -1, true
	rows, err := semi.ReadAll()
	if err != nil {
		t.Fatalf("reading the download with ';' between cells: %v", err)
	}
	for _, row := range rows {
		for _, cell := range row {
			// A spreadsheet takes a cell's opening quotes away first.
			if cell = strings.TrimLeft(cell, `"`); cell != "" && strings.ContainsRune("=+-@\t\r", rune(cell[0])) {
				t.Errorf("with ';' between cells, a cell starts as a formula: %q\n%s", cell, got)
			}
		}
	}
	comma, err := csv.NewReader(bytes.NewReader(got)).ReadAll()
	if err != nil || len(comma) != 2 {
		t.Fatalf("reading the download with ',': %d rows, %v", len(comma), err)
	}
	if i, want := slices.Index(export.Columns, "name"), "x;'=cmd|' /C calc'!A0;"; comma[1][i] != want {
		t.Errorf("the name reads %q, want %q", comma[1][i], want)
	}
}

// racing is the SQLite store with a hook run once, right before the
// console's decision is written: what another organiser (or the supporter
// erasing themselves) does between the page's read and its write. (The
// page is read by its own GET; the POST reads nothing before deciding.)
type racing struct {
	*sqlite.DB
	mu    sync.Mutex
	after func()
}

func (s *racing) Decide(ctx context.Context, org string, ids []int64, from, to signing.Status, tell store.Tell) (map[string]int, error) {
	s.mu.Lock()
	after := s.after
	s.after = nil
	s.mu.Unlock()
	if after != nil {
		after()
	}
	return s.DB.Decide(ctx, org, ids, from, to, tell)
}

// TestModerationRaces: an attack on moderation's promise that "if someone
// else decided one of them meanwhile, nothing is changed". Between the
// console's read of the queue and its write, another editor approves, or
// the supporter erases their signature: the reject that follows must
// change nothing (a 400 asking to reload, never a 500), in a bulk
// decision not even the others ticked, and write no audit entry.
func TestModerationRaces(t *testing.T) {
	ctx := context.Background()
	var race *racing
	e := newEnv(t, func(c *Config) {
		race = &racing{DB: c.Store.(*sqlite.DB)}
		c.Store = race
	})
	b := e.signIn("riverside", "sam@example.org", accounts.RoleEditor)
	audited := func() int {
		log, _ := e.acc.Audit(ctx, "riverside", 100)
		n := 0
		for _, l := range log {
			if l.Action == accounts.ActApprove || l.Action == accounts.ActReject {
				n++
			}
		}
		return n
	}

	// Another editor approves between the read and the reject.
	id := e.pendingOrg(t, "Northside Tenants")
	race.after = func() {
		if err := e.st.SetStatus(ctx, id, signing.StatusApproved); err != nil {
			t.Error(err)
		}
	}
	wantCode(t, b.post(Prefix+"/riverside/moderation", url.Values{"reject": {fmt.Sprint(id)}}), http.StatusBadRequest)
	if s := e.status(t, id); s != signing.StatusApproved {
		t.Errorf("another editor's approval became %s", s)
	}

	// The supporter erases their signature meanwhile.
	gone := e.pendingOrg(t, "Eastside Tenants")
	race.after = func() {
		if _, err := e.st.Erase(ctx, "eastsidetenants@example.org"); err != nil {
			t.Error(err)
		}
	}
	wantCode(t, b.post(Prefix+"/riverside/moderation", url.Values{"approve": {fmt.Sprint(gone)}}), http.StatusBadRequest)

	// Two ticked; one is decided meanwhile: neither changes.
	x, y := e.pendingOrg(t, "Westside Tenants"), e.pendingOrg(t, "Southside Tenants")
	race.after = func() {
		if err := e.st.SetStatus(ctx, y, signing.StatusApproved); err != nil {
			t.Error(err)
		}
	}
	wantCode(t, b.post(Prefix+"/riverside/moderation", url.Values{"do": {"reject"}, "id": {fmt.Sprint(x), fmt.Sprint(y)}}), http.StatusBadRequest)
	if sx, sy := e.status(t, x), e.status(t, y); sx != signing.StatusPending || sy != signing.StatusApproved {
		t.Errorf("after a refused bulk reject: %s and %s, want pending and approved", sx, sy)
	}
	if n := audited(); n != 0 {
		t.Errorf("%d approvals or rejections audited, none was made", n)
	}

	// Undisturbed, the bulk decision goes through, audited.
	res := b.post(Prefix+"/riverside/moderation", url.Values{"do": {"reject"}, "id": {fmt.Sprint(x)}})
	if loc := res.Header.Get("Location"); res.StatusCode != http.StatusSeeOther || loc != Prefix+"/riverside/moderation?done=rejected&n=1" {
		t.Errorf("an undisturbed reject: %d to %q", res.StatusCode, loc)
	}
	if s := e.status(t, x); s != signing.StatusRejected {
		t.Errorf("an undisturbed reject left %s", s)
	}
	if n := audited(); n != 1 {
		t.Errorf("%d decisions audited, want 1", n)
	}
}

// wantCode is wantStatus for a response whose request is not kept.
func wantCode(t *testing.T, res *http.Response, want int) {
	t.Helper()
	if res.StatusCode != want {
		t.Errorf("got status %d, want %d (Location %q)", res.StatusCode, want, res.Header.Get("Location"))
	}
}

// TestEmailLinkAnswersBeforeMailing: an attack on "answers the same
// whether or not the address belongs to an organiser" through time. For an
// organiser's address the form made a link, stored it and queued a mail
// before answering (writes to disk: milliseconds), for any other address it
// answered at once — so the time taken told who organises a campaign. The
// answer must not wait for any of that: here the mail never finishes until
// the test lets it, and the form has answered by then.
func TestEmailLinkAnswersBeforeMailing(t *testing.T) {
	release := make(chan struct{})
	var once sync.Once
	let := func() { once.Do(func() { close(release) }) }
	t.Cleanup(let)
	var mailed sync.WaitGroup
	mailed.Add(1)
	e := newEnv(t, func(c *Config) {
		c.Mail = func(ctx context.Context, l Letter) error {
			defer mailed.Done()
			<-release
			return nil
		}
	})
	e.invite("riverside", "sam@example.org", accounts.RoleEditor)
	done := make(chan *http.Response, 1)
	go func() { done <- e.browser().post(Prefix+"/signin/link", url.Values{"email": {"sam@example.org"}}) }()
	select {
	case res := <-done:
		if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != Prefix+"/signin?sent=1" {
			t.Errorf("asking for a link: %d to %q", res.StatusCode, res.Header.Get("Location"))
		}
	case <-time.After(time.Minute):
		t.Fatal("the form waited for the organiser's mail before answering")
	}
	let()
	mailed.Wait() // the mail is still sent
	e.c.sending.Wait()
}

// TestPasskeyNeedsARecentSignIn: an attack on "a copied cookie kept busy
// stops working by the next day". Whoever holds a session cookie copied
// from a computer left signed in could add a passkey of their own and sign
// in with it for ever after, and the organiser has no page to see or
// remove it. Adding a passkey now needs a sign-in from the last
// accounts.FreshFor: after that the page asks to sign in again and the
// ceremony is refused; a new sign-in adds one again.
func TestPasskeyNeedsARecentSignIn(t *testing.T) {
	e := newEnv(t, nil)
	b := e.signIn("riverside", "sam@example.org", accounts.RoleEditor)
	res := b.post(Prefix+"/passkey/begin", url.Values{})
	if res.StatusCode != http.StatusOK || !strings.Contains(body(t, res), `"challenge"`) {
		t.Fatalf("right after the invitation, starting a passkey: %d", res.StatusCode)
	}
	// Someone keeps the session busy past the window.
	for range 4 {
		e.clock.add(accounts.FreshFor / 3)
		wantCode(t, b.get(Prefix+"/riverside"), http.StatusOK)
	}
	res = b.get(Prefix + "/passkey")
	page := body(t, res)
	if res.StatusCode != http.StatusOK || strings.Contains(page, "/passkey/begin") || !strings.Contains(page, `href="/admin/signin"`) {
		t.Errorf("the passkey page of an old session: %d, want a link to sign in again and no ceremony:\n%s", res.StatusCode, page)
	}
	res = b.post(Prefix+"/passkey/begin", url.Values{})
	if got := body(t, res); res.StatusCode != http.StatusForbidden || strings.Contains(got, "challenge") {
		t.Errorf("an old session starting a passkey: %d %s, want 403", res.StatusCode, got)
	}
	wantCode(t, b.post(Prefix+"/passkey/finish", url.Values{}), http.StatusForbidden)
	// Signed in again (here by an emailed link), the page works.
	wantCode(t, b.post(Prefix+"/signin/link", url.Values{"email": {"sam@example.org"}}), http.StatusSeeOther)
	wantCode(t, b.post(Prefix+"/signin/link/use", url.Values{"token": {e.linkFor(t, "sam@example.org")}}), http.StatusSeeOther)
	if res := b.post(Prefix+"/passkey/begin", url.Values{}); res.StatusCode != http.StatusOK {
		t.Errorf("after signing in again, starting a passkey: %d", res.StatusCode)
	}
}

// TestSiteAdminErasureInEveryLog: an attack on the audit log's promise
// that every erasure is written to the log of the organisation it touched.
// A site admin's erasure from riverside's Data page reaches every
// campaign of the installation, but only riverside's log said so: harbour's
// editors could not learn that their supporter's signature was removed,
// nor by whom. Each organisation whose signatures went now has its own
// entry with its own count (never another organisation's), and none holds
// the address.
func TestSiteAdminErasureInEveryLog(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, nil)
	admin := e.signIn("", "root@example.org", accounts.RoleSiteAdmin)
	e.harbourSignature(t) // ann@example.org on harbour
	for _, camp := range []string{"won", "open-letter"} {
		mine := &signing.Signature{Org: "riverside", Campaign: camp, Action: "sign", Kind: signing.KindIndividual, Status: signing.StatusApproved,
			Name: "Ann Other", Email: "ann@example.org", ConsentText: "x", ConsentAt: e.clock.now(), Lang: "en", CreatedAt: e.clock.now()}
		if _, err := e.st.AddSignatures(ctx, []*signing.Signature{mine}); err != nil {
			t.Fatal(err)
		}
	}
	res := admin.post(Prefix+"/riverside/erase", url.Values{"email": {"ann@example.org"}, "confirm": {"yes"}})
	if loc := res.Header.Get("Location"); res.StatusCode != http.StatusSeeOther || loc != Prefix+"/riverside/data?erased=3" {
		t.Fatalf("the site admin's erasure: %d to %q, want all 3 signatures", res.StatusCode, loc)
	}
	for org, want := range map[string]string{"riverside": "2 signatures", "harbour": "1 signatures"} {
		log, _ := e.acc.Audit(ctx, org, 10)
		var got []string
		for _, l := range log {
			if l.Action == accounts.ActErase {
				got = append(got, l.Actor+": "+l.Detail)
			}
		}
		if len(got) != 1 || got[0] != "root@example.org: "+want {
			t.Errorf("%s's log of the erasure: %q, want [root@example.org: %s]", org, got, want)
		}
	}
}

// TestDownloadsNotStartedByOtherSites: an attack on the downloads, which
// are GETs: a link on another site (or in an email read in the browser)
// made the signed-in organiser's browser fetch every supporter's details
// onto that computer — a shared one, perhaps — and wrote "exported" in
// the log under their name. The session cookie is SameSite=Lax, so it
// rides along on such a top-level navigation. A download another site
// starts (Sec-Fetch-Site cross-site or same-site) is now refused, written
// nowhere; one from the console's own pages, or typed into the address
// bar, is made as before.
func TestDownloadsNotStartedByOtherSites(t *testing.T) {
	ctx := context.Background()
	e, _ := editEnv(t)
	b := e.signIn("riverside", "sam@example.org", accounts.RoleEditor)
	e.pendingOrg(t, "Northside Tenants")
	audited := func() int {
		log, _ := e.acc.Audit(ctx, "riverside", 100)
		n := 0
		for _, l := range log {
			if l.Action == accounts.ActExport || l.Action == ActHandin {
				n++
			}
		}
		return n
	}
	downloads := []string{
		Prefix + "/riverside/open-letter/export?format=csv",
		Prefix + "/riverside/open-letter/export?format=json",
		Prefix + "/riverside/call/outreach?format=csv",
		Prefix + "/riverside/files/open-letter.yaml/handin",
	}
	for _, site := range []string{"cross-site", "same-site"} {
		for _, path := range downloads {
			res := b.do(http.MethodGet, path, nil, "Sec-Fetch-Site", site, "Sec-Fetch-Mode", "navigate")
			got := body(t, res)
			if res.StatusCode != http.StatusForbidden || strings.Contains(got, "Northside") || res.Header.Get("Content-Disposition") != "" {
				t.Errorf("%s started by a %s link: %d, want 403 and nothing of the supporters", path, site, res.StatusCode)
			}
		}
	}
	if n := audited(); n != 0 {
		t.Errorf("%d downloads audited after refusing them all", n)
	}
	for _, site := range []string{"same-origin", "none", ""} {
		for _, path := range downloads {
			if res := b.do(http.MethodGet, path, nil, "Sec-Fetch-Site", site); res.StatusCode != http.StatusOK {
				t.Errorf("%s with Sec-Fetch-Site %q: %d, want 200", path, site, res.StatusCode)
			}
		}
	}
	// Pages that only show something still open from a link elsewhere.
	for _, path := range []string{Prefix + "/riverside", Prefix + "/riverside/data", Prefix + "/riverside/files"} {
		if res := b.do(http.MethodGet, path, nil, "Sec-Fetch-Site", "cross-site"); res.StatusCode != http.StatusOK {
			t.Errorf("%s from a link on another site: %d, want 200", path, res.StatusCode)
		}
	}
}

// TestPasskeysVerifyTheirUser: an attack on passkey sign-in with a
// security key that only checks someone touched it. Sign-in needs no
// address (the passkey names its organiser), so a key without a PIN or a
// fingerprint found or taken from an organiser's desk opened the console
// on its own: the console asked for user verification as "preferred",
// which lets the authenticator skip it. It is now required, at sign-in
// and when a passkey is added; one that verifies its user works as before.
func TestPasskeysVerifyTheirUser(t *testing.T) {
	e := newEnv(t, nil)
	b := e.signIn("riverside", "sam@example.org", accounts.RoleEditor)
	o, err := e.acc.FindOrganiser(context.Background(), "riverside", "sam@example.org")
	if err != nil {
		t.Fatal(err)
	}
	handle := fmt.Sprint(o.ID)

	// A key that verifies its user: added, and it signs in.
	good := newSoftKey(t, true)
	if res := b.postJSON(Prefix+"/passkey/finish", good.register(t, b.post(Prefix+"/passkey/begin", url.Values{}))); res.StatusCode != http.StatusOK {
		t.Fatalf("adding a passkey that verifies its user: %d %s", res.StatusCode, body(t, res))
	}
	in := e.browser()
	if res := in.postJSON(Prefix+"/signin/passkey/finish", good.assert(t, in.post(Prefix+"/signin/passkey/begin", url.Values{}), handle)); res.StatusCode != http.StatusOK {
		t.Fatalf("signing in with it: %d %s", res.StatusCode, body(t, res))
	}
	wantCode(t, in.get(Prefix+"/riverside"), http.StatusOK)

	// The same key when its user is not verified (touched only): no session.
	good.verifies = false
	thief := e.browser()
	res := thief.postJSON(Prefix+"/signin/passkey/finish", good.assert(t, thief.post(Prefix+"/signin/passkey/begin", url.Values{}), handle))
	if res.StatusCode == http.StatusOK {
		t.Error("a passkey whose user was not verified signed in")
	}
	if res := thief.get(Prefix + "/riverside"); res.StatusCode != http.StatusSeeOther {
		t.Errorf("after an unverified passkey, the dashboard: %d, want 303 to sign in", res.StatusCode)
	}

	// A key that cannot verify its user is not added.
	weak := newSoftKey(t, false)
	if res := b.postJSON(Prefix+"/passkey/finish", weak.register(t, b.post(Prefix+"/passkey/begin", url.Values{}))); res.StatusCode == http.StatusOK {
		t.Error("a passkey that does not verify its user was added")
	}
	if creds, _ := e.acc.Credentials(context.Background(), o.ID); len(creds) != 1 {
		t.Errorf("%d passkeys stored, want 1", len(creds))
	}
}

// TestCopiedPasskeyRefused: an attack with a copied security key. An
// authenticator that counts its signatures lets the server notice a copy:
// the copy's counter lags behind the original's. The console stored each
// sign-in's counter but let a lower one sign in all the same (the
// library's clone warning was never read). Now a sign-in whose counter
// went back is refused and written to the organisation's log; the
// original key, counting on, still signs in.
func TestCopiedPasskeyRefused(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, nil)
	b := e.signIn("riverside", "sam@example.org", accounts.RoleEditor)
	o, _ := e.acc.FindOrganiser(ctx, "riverside", "sam@example.org")
	handle := fmt.Sprint(o.ID)
	key := newSoftKey(t, true)
	key.count = 1
	wantCode(t, b.postJSON(Prefix+"/passkey/finish", key.register(t, b.post(Prefix+"/passkey/begin", url.Values{}))), http.StatusOK)
	signIn := func(count uint32) int {
		key.count = count
		in := e.browser()
		return in.postJSON(Prefix+"/signin/passkey/finish", key.assert(t, in.post(Prefix+"/signin/passkey/begin", url.Values{}), handle)).StatusCode
	}
	if got := signIn(7); got != http.StatusOK {
		t.Fatalf("the original key, counter 7: %d", got)
	}
	if got := signIn(3); got == http.StatusOK {
		t.Error("a copy whose counter is behind (3 after 7) signed in")
	}
	if got := signIn(8); got != http.StatusOK {
		t.Errorf("the original key, counting on (8): %d", got)
	}
	log, _ := e.acc.Audit(ctx, "riverside", 20)
	n := 0
	for _, l := range log {
		if l.Action == ActPasskeyCopied && l.Actor == "sam@example.org" {
			n++
		}
	}
	if n != 1 {
		t.Errorf("%d refused copies in the log, want 1", n)
	}
}

// TestEmailLinksSpacedPerOrganiser: an attack on an organiser's inbox
// through the sign-in form. The form is limited per client (ten a
// minute), so a handful of addresses could send one organiser hundreds of
// sign-in emails an hour — and the site's mail server the complaints. An
// organiser now gets at most one link per accounts.LinkTTL however many
// clients ask (the link already sent still works); the form answers the
// same throughout.
func TestEmailLinksSpacedPerOrganiser(t *testing.T) {
	e := newEnv(t, func(c *Config) {
		c.ClientKey = func(r *http.Request) string { return r.Header.Get("X-Test-Client") } // many clients
	})
	e.invite("riverside", "sam@example.org", accounts.RoleEditor)
	e.invite("harbour", "kim@example.org", accounts.RoleEditor)
	for i := range 30 {
		client := e.browser()
		res := client.do(http.MethodPost, Prefix+"/signin/link", url.Values{"email": {"sam@example.org"}}, "X-Test-Client", fmt.Sprint(i))
		if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != Prefix+"/signin?sent=1" {
			t.Fatalf("asking for a link, try %d: %d", i, res.StatusCode)
		}
	}
	wantCode(t, e.browser().post(Prefix+"/signin/link", url.Values{"email": {"kim@example.org"}}), http.StatusSeeOther)
	e.c.sending.Wait()
	to := map[string]int{}
	for _, m := range e.mail.all() {
		to[m.to]++
	}
	if to["sam@example.org"] != 1 || to["kim@example.org"] != 1 {
		t.Errorf("links sent: %v, want one each", to)
	}
	// Once the first link has run out, the next request sends a new one.
	e.clock.add(accounts.LinkTTL)
	wantCode(t, e.browser().post(Prefix+"/signin/link", url.Values{"email": {"sam@example.org"}}), http.StatusSeeOther)
	e.c.sending.Wait()
	if n := len(e.mail.all()); n != 3 {
		t.Errorf("%d links after the first expired, want 3", n)
	}
}
