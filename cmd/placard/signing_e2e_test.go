package main

import (
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
)

// TestSigningEndToEnd signs the way a person with JavaScript off does —
// fetch the page, read the form, wait, post, follow the redirect — against
// `placard serve` on each engine, and checks every promise of issue 3 the
// signer and the organiser can see: the signature counts, a second one with
// the same email changes nothing, mistakes are shown beside their fields with
// the values kept, closed campaigns refuse, organisations wait for approval
// and are listed once approved, and the signatures commands export and erase
// while the server runs.
func TestSigningEndToEnd(t *testing.T) {
	for _, e := range engines() {
		t.Run(e.name, func(t *testing.T) {
			db := e.db(t)
			base, logs := startSigningServe(t, signingCampaigns, db)
			t.Cleanup(func() {
				if t.Failed() {
					t.Logf("server log:\n%s", logs.String())
				}
			})
			signingEndToEnd(t, base, db)
			if strings.Contains(logs.String(), "level=ERROR") {
				t.Errorf("the server logged errors:\n%s", logs.String())
			}
		})
	}
}

func signingEndToEnd(t *testing.T, base, db string) {
	pet := loadForm(t, base, petitionRef)
	// with() mints each post a token old enough to sign (agedToken): no
	// wait for the forms' own tokens to age.
	let := loadForm(t, base, letterRef)

	t.Run("sign", func(t *testing.T) {
		text := wantSigned(t, base, pet, pet.with(map[string]string{
			"name": "Ada Lovelace", "email": "  Ada.Lovelace@Example.ORG ", "postcode": "BA1 1AA",
			"consent": "yes", "public": "yes",
		}), petitionRef, "signed")
		if !strings.Contains(strings.ToLower(text), "counted") {
			t.Errorf("thank-you page does not say the signature counted:\n%s", squash(text))
		}
		if !strings.Contains(text, "Will you share") {
			t.Errorf("thank-you page does not ask 'Will you share?':\n%s", squash(text))
		}
		rows := exportCSV(t, db, petitionRef)
		if len(rows) != 1 {
			t.Fatalf("after one signature: got %d rows exported, want 1", len(rows))
		}
		r := rows[0]
		for col, want := range map[string]string{
			"email": "ada.lovelace@example.org", "name": "Ada Lovelace", "postcode": "BA1 1AA",
			"kind": "individual", "status": "approved", "public": "true", "consent_text": orgConsent,
			"organisation_slug": "bay-runners", "campaign_slug": "light-the-path",
		} {
			if r[col] != want {
				t.Errorf("exported %s: got %q, want %q", col, r[col], want)
			}
		}
		for _, col := range []string{"consent_at", "created_at", "language", "action", "id"} {
			if r[col] == "" {
				t.Errorf("exported %s is empty; every signature keeps it", col)
			}
		}
		eventually(t, "the petition page does not list the public signer Ada Lovelace", func() bool {
			_, body := getPage(t, base+"/"+petitionRef)
			return strings.Contains(body, "Ada Lovelace")
		})
	})

	t.Run("duplicate", func(t *testing.T) {
		// A second signature is answered as a first (no page may tell
		// whether an address has signed), and stores nothing. So is the
		// same address in fullwidth letters: one person is one signer.
		for _, email := range []string{"ada.lovelace@example.org", "ＡＤＡ.ｌｏｖｅｌａｃｅ＠example.org"} {
			text := wantSigned(t, base, pet, pet.with(map[string]string{
				"name": "Ada L.", "email": email, "consent": "yes",
			}), petitionRef, "signed")
			if strings.Contains(strings.ToLower(text), "already") {
				t.Errorf("thank-you page for a second signature says 'already':\n%s", squash(text))
			}
			rows := exportCSV(t, db, petitionRef)
			if len(rows) != 1 || rows[0]["name"] != "Ada Lovelace" {
				t.Errorf("after a duplicate %q: got %d rows (first name %q), want 1 row still named Ada Lovelace", email, len(rows), first(rows, "name"))
			}
		}
		// Invisible characters and look-alike letters cannot make a new
		// signer out of the same address: they are refused.
		for _, email := range []string{"ada.love\u200blace@example.org", "ada.love\u00adlace@example.org", "ada.lovel\u0430ce@example.org"} {
			res, body := postForm(t, base, pet.action, pet.with(map[string]string{"name": "Ada L.", "email": email, "consent": "yes"}))
			if res.StatusCode != http.StatusUnprocessableEntity {
				t.Errorf("email %+q: got status %d, want 422\n%s", email, res.StatusCode, squash(body))
			}
		}
		if rows := exportCSV(t, db, petitionRef); len(rows) != 1 {
			t.Errorf("after the refused variants: got %d rows, want 1", len(rows))
		}
	})

	t.Run("invalid fields", func(t *testing.T) {
		v := pet.with(map[string]string{
			"name": "", "email": "not-an-address", "postcode": `<b>BA1</b>"x`, "homepage": "",
		}, "consent")
		res, body := postForm(t, base, pet.action, v)
		if res.StatusCode != http.StatusUnprocessableEntity {
			t.Fatalf("invalid fields: got status %d, want 422\n%s", res.StatusCode, body)
		}
		doc, err := goquery.NewDocumentFromReader(strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		form := doc.Find(`form[action$="/sign"], form[action*="/sign?lang="]`)
		if form.Length() == 0 {
			t.Fatalf("the 422 page has no signing form to correct and resend:\n%s", squash(doc.Text()))
		}
		for name, want := range map[string]string{"email": "not-an-address", "postcode": `<b>BA1</b>"x`} {
			if got, _ := form.Find(`[name="` + name + `"]`).Attr("value"); got != want {
				t.Errorf("422 page: %s input has value %q, want the typed %q kept", name, got, want)
			}
		}
		if strings.Contains(body, "<b>BA1</b>") {
			t.Errorf("422 page: the typed markup <b>BA1</b> appears unescaped")
		}
		for name, want := range map[string]string{"email": "@", "name": "name", "consent": "tick"} {
			msg := fieldMessage(form, name)
			if msg == "" || !strings.Contains(strings.ToLower(msg), want) {
				t.Errorf("422 page: got message %q next to %s, want a message mentioning %q", msg, name, want)
			}
		}
		if hp, _ := form.Find(`[name="homepage"]`).Attr("value"); hp != "" {
			t.Errorf("422 page: the honeypot has value %q, want empty", hp)
		}
		if n := len(exportCSV(t, db, petitionRef)); n != 1 {
			t.Errorf("after an invalid submission: got %d rows, want 1 (nothing stored)", n)
		}
	})

	t.Run("closed campaign", func(t *testing.T) {
		for _, ref := range []string{closedRef, pastDateRef} {
			doc, _ := getPage(t, base+"/"+ref)
			if doc.Find(`form[action$="/sign"], form[action*="/sign?lang="]`).Length() != 0 {
				t.Errorf("/%s is closed but still shows a signing form", ref)
			}
			if txt := strings.ToLower(doc.Text()); !strings.Contains(txt, "ended") && !strings.Contains(txt, "closed") {
				t.Errorf("/%s does not say that signing has ended:\n%s", ref, squash(doc.Text()))
			}
			// A post anyway (a form kept open in a tab, or a bot) is refused
			// plainly and stores nothing.
			v := pet.with(map[string]string{"name": "Late Signer", "email": "late@example.org", "consent": "yes"})
			res, body := postForm(t, base, base+"/"+ref+"/sign", v)
			if res.StatusCode != http.StatusGone {
				t.Errorf("POST /%s/sign: got status %d, want 410\n%s", ref, res.StatusCode, body)
			}
			if txt := strings.ToLower(body); !strings.Contains(txt, "ended") && !strings.Contains(txt, "closed") {
				t.Errorf("POST /%s/sign: the refusal does not say signing has ended:\n%s", ref, squash(body))
			}
			if rows := exportCSV(t, db, ref); len(rows) != 0 {
				t.Errorf("POST /%s/sign stored %d signatures on a closed campaign", ref, len(rows))
			}
		}
	})

	t.Run("organisation pending approved listed", func(t *testing.T) {
		text := wantSigned(t, base, let, let.with(map[string]string{
			"name": "Grace Hopper", "email": "grace@harbour-swim.example", "organisation": "Harbour Swim Club",
			"role": "Secretary", "consent": "yes", "public": "yes",
		}), letterRef, "pending")
		if len(strings.TrimSpace(text)) == 0 {
			t.Errorf("pending thank-you page is empty")
		}
		wantSigned(t, base, let, let.with(map[string]string{
			"name": "Night Owl", "email": "owl@night-owls.example", "organisation": "Night Owls Collective",
			"role": "Founder", "consent": "yes", "public": "yes",
		}), letterRef, "pending")
		// A person signing the letter for themselves is counted at once.
		wantSigned(t, base, let, let.with(map[string]string{
			"name": "Mary Somerville", "email": "mary@example.org", "consent": "yes",
		}), letterRef, "signed")

		out, errs, code := runCLI(t, "signatures", "pending", "--campaign", letterRef, "--db", db)
		if code != 0 {
			t.Fatalf("signatures pending: exit %d, want 0\n%s", code, errs)
		}
		harbour := pendingID(t, out, "Harbour Swim Club")
		owls := pendingID(t, out, "Night Owls Collective")
		for _, want := range []string{"Grace Hopper", "Secretary", "grace@harbour-swim.example"} {
			if !strings.Contains(out, want) {
				t.Errorf("signatures pending does not show %q:\n%s", want, out)
			}
		}
		if strings.Contains(out, "Mary Somerville") {
			t.Errorf("signatures pending lists an individual signer:\n%s", out)
		}
		_, body := getPage(t, base+"/"+letterRef)
		if strings.Contains(body, "Harbour Swim Club") {
			t.Errorf("the letter lists Harbour Swim Club before it was approved")
		}

		out, errs, code = runCLI(t, "signatures", "approve", harbour, "--db", db, "--no-webhooks")
		if code != 0 || !strings.Contains(out, "Approved signature "+harbour) {
			t.Fatalf("signatures approve %s: exit %d, stdout %q, stderr %q; want exit 0 and 'Approved signature %s.'", harbour, code, out, errs, harbour)
		}
		out, errs, code = runCLI(t, "signatures", "reject", owls, "--db", db, "--no-webhooks")
		if code != 0 || !strings.Contains(out, "Rejected signature "+owls) {
			t.Fatalf("signatures reject %s: exit %d, stdout %q, stderr %q", owls, code, out, errs)
		}
		eventually(t, "the letter page does not list the approved Harbour Swim Club", func() bool {
			_, body := getPage(t, base+"/"+letterRef)
			return strings.Contains(body, "Harbour Swim Club")
		})
		if _, body := getPage(t, base+"/"+letterRef); strings.Contains(body, "Night Owls Collective") {
			t.Errorf("the letter lists the rejected Night Owls Collective")
		}
		out, _, _ = runCLI(t, "signatures", "pending", "--campaign", letterRef, "--db", db)
		if !strings.Contains(out, "No organisations are waiting") {
			t.Errorf("signatures pending after approving and rejecting: got %q, want none waiting", out)
		}

		_, errs, code = runCLI(t, "signatures", "approve", "987654321", "--db", db, "--no-webhooks")
		if code != 1 || !strings.Contains(errs, "no signature has ID 987654321") {
			t.Errorf("signatures approve of an unknown ID: got exit %d, stderr %q; want exit 1 and 'no signature has ID 987654321'", code, errs)
		}
	})

	t.Run("export", func(t *testing.T) {
		// A signer whose name a spreadsheet would run as a formula.
		wantSigned(t, base, pet, pet.with(map[string]string{
			"name": `=HYPERLINK("http://evil.example","click")`, "email": "formula@example.org", "consent": "yes",
			"comment": "+1 and @everyone",
		}), petitionRef, "signed")
		rows := exportCSV(t, db, petitionRef)
		if len(rows) != 2 {
			t.Fatalf("export: got %d rows, want 2", len(rows))
		}
		if got := rows[1]["name"]; got != `'=HYPERLINK("http://evil.example","click")` {
			t.Errorf("export: a formula-like name came out as %q, want it prefixed with '", got)
		}
		if got := rows[1]["comment"]; got != "'+1 and @everyone" {
			t.Errorf("export: a comment starting with + came out as %q, want it prefixed with '", got)
		}
		for col := range rows[0] {
			if strings.Contains(col, "ip") && col != "id" {
				t.Errorf("export has a column %q; nothing IP-derived may be exported", col)
			}
		}
		js := exportJSON(t, db, petitionRef)
		if len(js) != 2 {
			t.Fatalf("export --format json: got %d objects, want 2", len(js))
		}
		if js[0]["email"] != "ada.lovelace@example.org" || js[0]["consent_text"] != orgConsent || js[0]["public"] != true {
			t.Errorf("export --format json: first object %v, want Ada's email, the consent text and public true", js[0])
		}
		if js[1]["name"] != `=HYPERLINK("http://evil.example","click")` {
			t.Errorf("export --format json: got name %v, want the value exactly as stored", js[1]["name"])
		}
		letter := exportCSV(t, db, letterRef)
		kinds := map[string]string{}
		for _, r := range letter {
			kinds[r["organisation"]+"|"+r["name"]] = r["kind"] + "/" + r["status"]
		}
		for k, want := range map[string]string{
			"Harbour Swim Club|Grace Hopper":  "organisation/approved",
			"Night Owls Collective|Night Owl": "organisation/rejected",
			"|Mary Somerville":                "individual/approved",
		} {
			if kinds[k] != want {
				t.Errorf("letter export: %s is %q, want %q (all rows: %v)", k, kinds[k], want, kinds)
			}
		}
	})

	t.Run("erase", func(t *testing.T) {
		// The same person also signed the letter: erase removes both.
		wantSigned(t, base, let, let.with(map[string]string{
			"name": "Ada Lovelace", "email": "ada.lovelace@example.org", "consent": "yes",
		}), letterRef, "signed")
		// Let the tally poll (about once a second) see the signatures above
		// first: both pages show the store's counts before the erase.
		// TestErasedSignerLeavesPage covers an erase the poll has not seen.
		waitForTallies(t, base, db, map[string]string{petitionRef: "petition", letterRef: "letter"})
		out, errs, code := runCLI(t, "signatures", "erase", "--email", " ＡＤＡ.Lovelace@example.org", "--db", db)
		if code != 0 || firstLine(out) != "Removed 2 signatures for ada.lovelace@example.org\n" {
			t.Fatalf("signatures erase: exit %d, stdout %q, stderr %q; want exit 0 and 'Removed 2 signatures for ada.lovelace@example.org'", code, out, errs)
		}
		for _, ref := range []string{petitionRef, letterRef} {
			for _, r := range exportCSV(t, db, ref) {
				if r["email"] == "ada.lovelace@example.org" {
					t.Errorf("after erase, %s still exports Ada's signature", ref)
				}
			}
		}
		out, _, code = runCLI(t, "signatures", "erase", "--email", "ada.lovelace@example.org", "--db", db)
		if code != 0 || strings.TrimSpace(out) != "Removed 0 signatures for ada.lovelace@example.org" {
			t.Errorf("second erase: exit %d, stdout %q; want exit 0 and 'Removed 0 signatures for …'", code, out)
		}
		var shown string
		waitFor(t, func() string {
			ps, err := openForTest(t, db).PublicSigners(t.Context(), "bay-runners", "light-the-path", 10)
			return fmt.Sprintf("the petition page still shows the erased signer Ada Lovelace: %s; the store's public signers: %v %v", shown, ps, err)
		}, func() bool {
			doc, _ := getPage(t, base+"/"+petitionRef)
			shown = "(page says: " + squash(doc.Find(".tally, [class*=tally], progress").First().Text()) + ") "
			doc.Find("*:contains('Ada Lovelace')").Last().Each(func(_ int, s *goquery.Selection) {
				h, _ := goquery.OuterHtml(s.Parent())
				shown += h
			})
			return !strings.Contains(shown, "Ada Lovelace")
		})
	})
}

// TestErasedSignerLeavesPage erases a public signer in the same second as
// someone else signs, so the campaign's count ends where it was: the erased
// name must still leave the page (the recent signers are personal data, and
// an unchanged count is no proof that they are unchanged).
func TestErasedSignerLeavesPage(t *testing.T) {
	db := sqliteDB(t)
	base, _ := startSigningServe(t, signingCampaigns, db)
	pet := loadForm(t, base, petitionRef)
	wantSigned(t, base, pet, pet.with(map[string]string{
		"name": "Erin Erased", "email": "erin@example.org", "consent": "yes", "public": "yes",
	}), petitionRef, "signed")
	eventually(t, "the petition page does not list the public signer Erin Erased", func() bool {
		_, body := getPage(t, base+"/"+petitionRef)
		return strings.Contains(body, "Erin Erased")
	})
	wantSigned(t, base, pet, pet.with(map[string]string{
		"name": "Quiet Signer", "email": "quiet@example.org", "consent": "yes",
	}), petitionRef, "signed")
	if out, errs, code := runCLI(t, "signatures", "erase", "--email", "erin@example.org", "--db", db); code != 0 {
		t.Fatalf("signatures erase: exit %d, stdout %q, stderr %q", code, out, errs)
	}
	eventually(t, "the petition page still shows Erin Erased after her signatures were erased", func() bool {
		_, body := getPage(t, base+"/"+petitionRef)
		return !strings.Contains(body, "Erin Erased")
	})
}

// TestSigningClosesWhileFormOpen closes a petition (status: closed, reloaded
// by --dev) while a signer has its form open with a valid token: the post is
// refused with 410 and a page that says signing has ended.
func TestSigningClosesWhileFormOpen(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "campaigns")
	if err := os.CopyFS(dir, os.DirFS(signingCampaigns)); err != nil {
		t.Fatal(err)
	}
	db := sqliteDB(t)
	base, logs := startSigningServe(t, dir, db, "--dev")
	f := loadForm(t, base, petitionRef)
	plant(t, filepath.Join(dir, "bay-runners", "light-the-path.yaml"), "date: 2026-10-01", "date: 2026-10-01\nstatus: closed")
	eventually(t, "the petition did not close after its file was edited (--dev reload):\n"+logs.String(), func() bool {
		doc, _ := getPage(t, base+"/"+petitionRef)
		return doc.Find(`form[action$="/sign"], form[action*="/sign?lang="]`).Length() == 0
	})
	res, body := postForm(t, base, f.action, f.with(map[string]string{
		"name": "Late Signer", "email": "late@example.org", "consent": "yes",
	}))
	if res.StatusCode != http.StatusGone {
		t.Errorf("signing a closed petition: got status %d, want 410", res.StatusCode)
	}
	if txt := strings.ToLower(body); !strings.Contains(txt, "ended") && !strings.Contains(txt, "closed") {
		t.Errorf("the refusal does not say signing has ended:\n%s", body)
	}
	if rows := exportCSV(t, db, petitionRef); len(rows) != 0 {
		t.Errorf("a closed petition stored %d signatures", len(rows))
	}
}
