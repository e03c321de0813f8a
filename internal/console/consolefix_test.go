package console

import (
	"context"
	"encoding/base64"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"github.com/placard/placard/internal/accounts"
	"github.com/placard/placard/internal/signing"
)

// TestViewerSeesCountsNotPeople: a viewer's moderation page says how many
// signatures wait, per campaign, and nothing about who signed (no name,
// organisation, role, comment or address); no other page or download a
// viewer can reach shows them either. An editor still sees the queue.
func TestViewerSeesCountsNotPeople(t *testing.T) {
	e, _ := editEnv(t) // the file editor's pages too
	id := e.pendingOrg(t, "Northside Tenants")
	approved := &signing.Signature{
		Org: "riverside", Campaign: "open-letter", Action: "letter", Kind: signing.KindIndividual, Status: signing.StatusApproved,
		Name: "Robin Approved", Email: "robin@example.org", Comment: "Approved and public", Public: true,
		ConsentText: "Riverside may email me about this campaign.", ConsentAt: e.clock.now(), Lang: "en", CreatedAt: e.clock.now(),
	}
	if res, err := e.st.AddSignatures(context.Background(), []*signing.Signature{approved}); err != nil || res[0] != nil {
		t.Fatalf("AddSignatures: %v %v", err, res)
	}
	// A comment of its own, to look for.
	sig := &signing.Signature{
		Org: "riverside", Campaign: "open-letter", Action: "letter",
		Kind: signing.KindOrganisation, Status: signing.StatusPending,
		Name: "Quinn Vale", Email: "quinn@example.org", Organisation: "Eastbank Allotments", Role: "Treasurer",
		Comment: "Our members use the library every week", Public: true,
		ConsentText: "Riverside may email me about this campaign.", ConsentAt: e.clock.now(), Lang: "en", CreatedAt: e.clock.now(),
	}
	if res, err := e.st.AddSignatures(context.Background(), []*signing.Signature{sig}); err != nil || res[0] != nil {
		t.Fatalf("AddSignatures: %v %v", err, res)
	}
	secrets := []string{"Northside Tenants", "Pat Lee", "Chair", "northsidetenants@example.org",
		"Eastbank Allotments", "Quinn Vale", "Treasurer", "Our members use the library", "quinn@example.org"}

	v := e.signIn("riverside", "ann@example.org", accounts.RoleViewer)
	res := v.get(Prefix + "/riverside/moderation")
	wantStatus(t, res, 200)
	d := doc(t, res)
	page := d.Text()
	for _, s := range secrets {
		if strings.Contains(page, s) {
			t.Errorf("a viewer's moderation page shows %q", s)
		}
	}
	var cells []string
	d.Find("table.queue tbody td").Each(func(_ int, c *goquery.Selection) { cells = append(cells, strings.TrimSpace(c.Text())) })
	if row := strings.Join(cells, " | "); row != "An open letter to the council | 2" {
		t.Errorf("a viewer's moderation page: want one row \"An open letter to the council 2\", got %q", row)
	}
	if d.Find("main button, main input[type=checkbox]").Length() != 0 {
		t.Error("a viewer's moderation page has buttons")
	}

	// Every GET a viewer may make under the organisation, with each
	// campaign file's name where a page takes one (the hand-in document
	// lists approved signers, so their details count here too).
	secrets = append(secrets, "Robin Approved", "robin@example.org", "Approved and public")
	var paths []string
	for _, rt := range orgRoutes(t, e.c) {
		if rt[0] != http.MethodGet {
			continue
		}
		paths = append(paths, Prefix+fill(rt[1], "riverside", "open-letter"))
		if strings.Contains(rt[1], "{name}") {
			paths = append(paths, Prefix+strings.ReplaceAll(fill(strings.ReplaceAll(rt[1], "{name}", "open-letter.yaml"), "riverside", "open-letter"), "{name}", "open-letter.yaml"))
		}
	}
	if !slices.Contains(paths, Prefix+"/riverside/files/open-letter.yaml/handin") {
		t.Fatalf("the walk misses the hand-in document: %v", paths)
	}
	for _, p := range paths {
		for _, q := range []string{"", "?format=csv", "?format=json"} {
			path := p + q
			res := v.get(path)
			body, _ := io.ReadAll(res.Body)
			for _, s := range secrets {
				if strings.Contains(string(body), s) {
					t.Errorf("viewer GET %s (%d) shows %q", path, res.StatusCode, s)
				}
			}
		}
	}

	// An editor still decides with the names in view.
	ed := e.signIn("riverside", "sam@example.org", accounts.RoleEditor)
	res = ed.get(Prefix + "/riverside/moderation")
	wantStatus(t, res, 200)
	d = doc(t, res)
	for _, s := range []string{"Northside Tenants", "Pat Lee, Chair", "Eastbank Allotments", "Our members use the library every week"} {
		if !strings.Contains(d.Text(), s) {
			t.Errorf("an editor's moderation page lacks %q", s)
		}
	}
	if d.Find("button[name=approve]").Length() != 2 {
		t.Errorf("an editor's moderation page: want 2 approve buttons")
	}
	// The walk's paths are real: an editor opens the hand-in document.
	wantStatus(t, ed.get(Prefix+"/riverside/files/open-letter.yaml/handin"), 200)
	_ = id
}

// passkeyID is the id the passkeys page's Remove button posts for the
// organiser's n-th passkey (oldest first).
func (e *env) passkeyID(t *testing.T, organiserID int64, n int) string {
	t.Helper()
	list, err := e.acc.Credentials(context.Background(), organiserID)
	if err != nil || len(list) <= n {
		t.Fatalf("Credentials: %d, %v; want more than %d", len(list), err, n)
	}
	return base64.RawURLEncoding.EncodeToString(list[n].ID)
}

// TestPasskeysListedAndRemoved: the organiser's passkeys page lists each
// passkey with when it was added and last signed in; Remove (a POST from
// the console itself, in a fresh sign-in) takes one away, with an entry in
// the log, and it signs nobody in after. Adding one emails the organiser.
// Another organiser's passkey is never removed, and neither is the last
// one when the server sends no email (the organiser could not sign in
// again).
func TestPasskeysListedAndRemoved(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, nil)
	b := e.signIn("riverside", "sam@example.org", accounts.RoleEditor)
	o, _ := e.acc.FindOrganiser(ctx, "riverside", "sam@example.org")
	handle := fmt.Sprint(o.ID)
	k1, k2 := newSoftKey(t, true), newSoftKey(t, true)
	wantCode(t, b.postJSON(Prefix+"/passkey/finish", k1.register(t, b.post(Prefix+"/passkey/begin", url.Values{}))), http.StatusOK)

	// The organiser is told.
	var told []sentMail
	for _, m := range e.mail.all() {
		if m.to == "sam@example.org" && strings.Contains(m.subject, "passkey was added") {
			told = append(told, m)
		}
	}
	if len(told) != 1 || !strings.Contains(told[0].body, "1 March 2026, 12:00 UTC") || !strings.Contains(told[0].body, testBase+Prefix+"/passkey") || !strings.Contains(told[0].body, "If it was not you") {
		t.Fatalf("emails about the new passkey: %+v, want one with its date and the passkeys page", told)
	}

	// Listed, never used yet; the only one, so the page says what removing it means.
	res := b.get(Prefix + "/passkey")
	wantStatus(t, res, 200)
	d := doc(t, res)
	if rows := d.Find("table.passkeys tbody tr"); rows.Length() != 1 || !strings.Contains(rows.Text(), "Not yet") || !strings.Contains(rows.Text(), "1 March 2026, 12:00 UTC") {
		t.Errorf("the passkeys page: %q, want one passkey added 1 March 2026, not used yet", rows.Text())
	}
	if !strings.Contains(d.Text(), "If you remove it, you sign in with a link by email") {
		t.Error("the passkeys page does not say the only passkey's removal leaves email sign-in")
	}
	if d.Find(`header a[href="/admin/passkey"]`).Length() != 1 {
		t.Error("the header has no link to the passkeys page")
	}

	// A sign-in with it is its last use.
	e.clock.add(time.Hour)
	in := e.browser()
	wantCode(t, in.postJSON(Prefix+"/signin/passkey/finish", k1.assert(t, in.post(Prefix+"/signin/passkey/begin", url.Values{}), handle)), http.StatusOK)
	if got := body(t, in.get(Prefix+"/passkey")); !strings.Contains(got, "1 March 2026, 13:00 UTC") {
		t.Error("the passkeys page does not show the sign-in at 13:00 as the last use")
	}

	// A second passkey, then remove the first.
	wantCode(t, in.postJSON(Prefix+"/passkey/finish", k2.register(t, in.post(Prefix+"/passkey/begin", url.Values{}))), http.StatusOK)
	id1 := e.passkeyID(t, o.ID, 0)
	// From another site: refused.
	wantCode(t, in.do(http.MethodPost, Prefix+"/passkey/remove", url.Values{"id": {id1}}, "Sec-Fetch-Site", "cross-site", "Origin", "https://evil.example"), http.StatusForbidden)
	// Junk and another organiser's passkey: refused, nothing removed.
	kim := e.signIn("harbour", "kim@example.org", accounts.RoleEditor)
	kimKey := newSoftKey(t, true)
	wantCode(t, kim.postJSON(Prefix+"/passkey/finish", kimKey.register(t, kim.post(Prefix+"/passkey/begin", url.Values{}))), http.StatusOK)
	ko, _ := e.acc.FindOrganiser(ctx, "harbour", "kim@example.org")
	for _, bad := range []string{"", "!!!", "AAAA", e.passkeyID(t, ko.ID, 0), strings.Repeat("A", 5000)} {
		wantCode(t, in.post(Prefix+"/passkey/remove", url.Values{"id": {bad}}), http.StatusBadRequest)
	}
	if list, _ := e.acc.Credentials(ctx, ko.ID); len(list) != 1 {
		t.Fatal("another organiser's passkey was removed")
	}
	// This browser signed in with it, so it is signed out too
	// (TestRemovedPasskeyEndsItsSessions).
	wantRedirect(t, in.post(Prefix+"/passkey/remove", url.Values{"id": {id1}}), Prefix+"/signin?removed=here&ended=1")
	if list, _ := e.acc.Credentials(ctx, o.ID); len(list) != 1 || base64.RawURLEncoding.EncodeToString(list[0].ID) == id1 {
		t.Fatalf("after removing the first passkey: %d left", len(list))
	}
	out := e.browser()
	if got := out.postJSON(Prefix+"/signin/passkey/finish", k1.assert(t, out.post(Prefix+"/signin/passkey/begin", url.Values{}), handle)).StatusCode; got == http.StatusOK {
		t.Error("a removed passkey still signs in")
	}
	log, _ := e.acc.Audit(ctx, "riverside", 50)
	removed := 0
	for _, l := range log {
		if l.Action == ActPasskeyRemoved && l.Actor == "sam@example.org" {
			removed++
		}
	}
	if removed != 1 {
		t.Errorf("%d passkey removals in the log, want 1", removed)
	}

	// A session signed in long ago removes nothing.
	wantCode(t, in.postJSON(Prefix+"/signin/passkey/finish", k2.assert(t, in.post(Prefix+"/signin/passkey/begin", url.Values{}), handle)), http.StatusOK)
	for range 4 {
		e.clock.add(accounts.FreshFor / 3)
		wantCode(t, in.get(Prefix+"/riverside"), http.StatusOK)
	}
	id2 := e.passkeyID(t, o.ID, 0)
	wantCode(t, in.post(Prefix+"/passkey/remove", url.Values{"id": {id2}}), http.StatusForbidden)
	if d := doc(t, in.get(Prefix+"/passkey")); d.Find("table.passkeys tbody tr").Length() != 1 || d.Find("main form").Length() != 0 {
		t.Error("an old session's passkeys page: want the list without Remove")
	}
}

// TestLastPasskeyKeptWithoutEmail: on a server that sends no email, an
// organiser's only passkey is their only way in: the page offers no
// Remove for it and says why, and a POST is refused (409) leaving it.
// With a second passkey, either may go.
func TestLastPasskeyKeptWithoutEmail(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, func(c *Config) { c.Mail = nil })
	b := e.signIn("riverside", "sam@example.org", accounts.RoleEditor)
	o, _ := e.acc.FindOrganiser(ctx, "riverside", "sam@example.org")
	k1 := newSoftKey(t, true)
	wantCode(t, b.postJSON(Prefix+"/passkey/finish", k1.register(t, b.post(Prefix+"/passkey/begin", url.Values{}))), http.StatusOK)
	d := doc(t, b.get(Prefix+"/passkey"))
	if d.Find("main form button").Length() != 0 || !strings.Contains(d.Text(), "cannot be removed") {
		t.Error("the only passkey without email: want no Remove button and a reason")
	}
	res := b.post(Prefix+"/passkey/remove", url.Values{"id": {e.passkeyID(t, o.ID, 0)}})
	if got := body(t, res); res.StatusCode != http.StatusConflict || !strings.Contains(got, "Add another passkey first") {
		t.Errorf("removing the only passkey without email: %d, want 409 saying to add another first", res.StatusCode)
	}
	if list, _ := e.acc.Credentials(ctx, o.ID); len(list) != 1 {
		t.Fatal("the only passkey was removed")
	}
	k2 := newSoftKey(t, true)
	wantCode(t, b.postJSON(Prefix+"/passkey/finish", k2.register(t, b.post(Prefix+"/passkey/begin", url.Values{}))), http.StatusOK)
	wantRedirect(t, b.post(Prefix+"/passkey/remove", url.Values{"id": {e.passkeyID(t, o.ID, 0)}}), Prefix+"/passkey?removed=1&ended=0")
}

// TestCommitsNameNoAddress: the console's commits kept each organiser's
// email address as the commit's author, in a history that outlives the
// organiser's removal or erasure. A commit's author is now a neutral
// "Organiser N <organiser-N@placard.invalid>" (N the organiser's number,
// which the audit log and `placard organisers list` tie to a person only
// while they are an organiser); no address goes into the history.
func TestCommitsNameNoAddress(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("git is not installed")
		}
		t.Skip("git is not installed")
	}
	e, dir := editEnv(t)
	e.c.cfg.Editing.Git = true
	gitIn := func(args ...string) string {
		t.Helper()
		cmd := exec.Command("git", append([]string{"-C", dir}, args...)...)
		cmd.Env = append(os.Environ(), "GIT_AUTHOR_NAME=Op", "GIT_AUTHOR_EMAIL=op@example.org", "GIT_COMMITTER_NAME=Op", "GIT_COMMITTER_EMAIL=op@example.org")
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
		return string(out)
	}
	gitIn("init", "--quiet")
	gitIn("config", "user.name", "Op")
	gitIn("config", "user.email", "op@example.org")
	gitIn("add", ".")
	gitIn("commit", "--quiet", "--no-gpg-sign", "-m", "start")

	b := e.signIn("riverside", "sam.jones@example.org", accounts.RoleEditor)
	o, _ := e.acc.FindOrganiser(context.Background(), "riverside", "sam.jones@example.org")
	page := body(t, b.get(Prefix+"/riverside/files/won.yaml"))
	m := versionInput.FindStringSubmatch(page)
	if m == nil {
		t.Fatal("no version in the editor page")
	}
	before, _ := os.ReadFile(filepath.Join(dir, "riverside/won.yaml"))
	good := strings.Replace(string(before), "title: We won", "title: We won the vote", 1)
	res := b.post(Prefix+"/riverside/files/won.yaml", url.Values{"do": {"save"}, "version": {m[1]}, "text": {good}})
	if res.StatusCode != http.StatusSeeOther || !strings.Contains(res.Header.Get("Location"), "saved=") {
		t.Fatalf("saving: %d to %q", res.StatusCode, res.Header.Get("Location"))
	}
	log := gitIn("log", "--format=%an|%ae|%cn|%ce|%B")
	want := fmt.Sprintf("Organiser %d|organiser-%d@placard.invalid|", o.ID, o.ID)
	if !strings.HasPrefix(log, want) {
		t.Errorf("the console's commit: %q, want it by %q", log, want)
	}
	if strings.Contains(log, "sam.jones") || strings.Contains(log, "example.org|Placard") {
		t.Errorf("the history holds the organiser's address:\n%s", log)
	}
}

// TestReinviteReplacesTheLink: inviting an address again (the command
// line's `placard organisers invite`, through Invitation) left the first
// link working beside the new one, so a link sent to a wrong or old
// mailbox could not be taken back by sending a new one. Re-inviting now
// revokes the address's earlier unused invitations in that organisation:
// the old link says it was replaced, and signs nobody in. Another
// organisation's invitation for the same address is left alone.
func TestReinviteReplacesTheLink(t *testing.T) {
	e := newEnv(t, nil)
	// The store drops tokens expired by the real clock when it adds one:
	// the test's invitations are made now.
	e.clock.mu.Lock()
	e.clock.t = time.Now().UTC()
	e.clock.mu.Unlock()
	old := e.invite("riverside", "sam@example.org", accounts.RoleEditor)
	harbour := e.invite("harbour", "sam@example.org", accounts.RoleEditor)
	fresh := e.invite("riverside", "sam@example.org", accounts.RoleEditor)

	b := e.browser()
	res := b.get(Prefix + "/invite?t=" + old)
	if got := body(t, res); res.StatusCode != http.StatusGone || !strings.Contains(got, "replaced by a newer invitation") || strings.Contains(got, old) {
		t.Errorf("the replaced link's page: %d, want 410 saying it was replaced, without a button", res.StatusCode)
	}
	res = b.post(Prefix+"/invite", url.Values{"token": {old}})
	if got := body(t, res); res.StatusCode != http.StatusGone || !strings.Contains(got, "replaced by a newer invitation") {
		t.Errorf("spending the replaced link: %d, want 410 saying it was replaced", res.StatusCode)
	}
	if len(b.cookies) != 0 {
		t.Errorf("the replaced link left cookies %v", b.cookies)
	}
	wantRedirect(t, e.browser().post(Prefix+"/invite", url.Values{"token": {fresh}}), Prefix+"/passkey")
	wantRedirect(t, e.browser().post(Prefix+"/invite", url.Values{"token": {harbour}}), Prefix+"/passkey")
	// A used link is used, not replaced.
	res = e.browser().post(Prefix+"/invite", url.Values{"token": {fresh}})
	if got := body(t, res); res.StatusCode != http.StatusGone || strings.Contains(got, "replaced") {
		t.Errorf("a used link: %d, want the plain 410", res.StatusCode)
	}
}
