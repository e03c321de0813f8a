package main

import (
	"context"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/placard/placard/internal/mail/mailtest"
	"github.com/placard/placard/internal/store"
	"github.com/placard/placard/internal/store/sqlite"
)

// mailCampaigns copies the Shared Shore example (English, Arabic and
// Hebrew) into a temporary folder with confirmation on, and adds a second
// petition that asks for none.
func mailCampaigns(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	if err := os.CopyFS(filepath.Join(dir, "shared-shore"), os.DirFS(filepath.Join("..", "..", "campaigns", "shared-shore"))); err != nil {
		t.Fatal(err)
	}
	org := filepath.Join(dir, "shared-shore", "org.yaml")
	b, err := os.ReadFile(org)
	if err != nil {
		t.Fatal(err)
	}
	b = append(b, "\nemail: {confirm: true, unconfirmed_days: 3}\n"...)
	if err := os.WriteFile(org, b, 0o644); err != nil {
		t.Fatal(err)
	}
	second := `title: {en: Light the beach path, ar: أنيروا ممر الشاطئ, he: האירו את שביל החוף}
summary: {en: Lights for the path., ar: أضواء للممر., he: תאורה לשביל.}
date: 2026-11-20
email: {confirm: false}
actions:
  - kind: petition
    target: {en: The council, ar: المجلس, he: העירייה}
    text: {en: Light the path., ar: أنيروا الممر., he: האירו את השביל.}
`
	if err := os.WriteFile(filepath.Join(dir, "shared-shore", "light-the-path.yaml"), []byte(second), 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

// counted is the store's approved count of one campaign, read from the
// database file beside the running server.
func counted(t *testing.T, db, org, campaign string) int {
	t.Helper()
	st, err := sqlite.Open(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	cs, err := st.Counts(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cs {
		if c.Org == org && c.Campaign == campaign {
			return c.Signatures
		}
	}
	return 0
}

// TestServeEmailConfirmation runs placard serve with --smtp against a
// real SMTP server on loopback, JavaScript off, in English, Arabic and
// Hebrew: sign → not counted → the confirmation arrives (in the signer's
// language) → open its link (nothing happens) → Confirm → counted; the
// thank-you arrives with the personal link; one-click unsubscribe → no
// further mail to that address.
func TestServeEmailConfirmation(t *testing.T) {
	smtp := mailtest.Start(t)
	dir := mailCampaigns(t)
	db := sqliteDB(t)
	base, logs := startSigningServe(t, dir, db, "--smtp", "smtp://"+smtp.Addr+"?tls=off", "--mail-from", "Shared Shore <hello@shared-shore.example>", "--mail-rate", "0")
	if strings.Contains(logs.String(), "hunter") || !strings.Contains(logs.String(), "emailing signers") {
		t.Errorf("serve's log does not say it emails signers:\n%s", logs.String())
	}
	const ref = "shared-shore/keep-the-library-open-late"
	sent := 0
	var lastThanks mailtest.Mail
	for i, lang := range []string{"en", "ar", "he"} {
		page := "/" + ref
		if lang != "en" {
			page += "/" + lang
		}
		email := lang + "-signer@example.org"
		doc, _ := getPage(t, base+page)
		f := findSignForm(t, base, page, doc)
		res, body := postForm(t, base, f.action, f.with(map[string]string{"name": "Signer " + lang, "email": email, "consent": "yes"}))
		wait := "/" + ref + "/confirm?lang=" + lang
		if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != wait {
			t.Fatalf("%s: sign: %d to %q, want 303 to %s\n%s", lang, res.StatusCode, res.Header.Get("Location"), wait, body)
		}
		if n := counted(t, db, "shared-shore", "keep-the-library-open-late"); n != i {
			t.Fatalf("%s: %d counted before confirming, want %d", lang, n, i)
		}
		d, _ := getPage(t, base+wait)
		wantDir := map[string]string{"en": "ltr", "ar": "rtl", "he": "rtl"}[lang]
		if got := d.Find("html").AttrOr("dir", ""); got != wantDir || d.Find("html").AttrOr("lang", "") != lang {
			t.Errorf("%s: check-your-inbox page lang %q dir %q", lang, d.Find("html").AttrOr("lang", ""), got)
		}

		sent++
		m := smtp.Wait(t, sent)[sent-1]
		if m.To[0] != email || m.Header.Get("Content-Language") != lang {
			t.Fatalf("%s: confirmation to %v in %q", lang, m.To, m.Header.Get("Content-Language"))
		}
		if !strings.Contains(m.HTML, `dir="`+wantDir+`"`) {
			t.Errorf("%s: the confirmation's HTML is not %s", lang, wantDir)
		}
		link := regexp.MustCompile(regexp.QuoteMeta(base+"/"+ref+"/confirm?t=") + `[^\s"<>]+`).FindString(m.Text)
		if link == "" {
			t.Fatalf("%s: no confirmation link in:\n%s", lang, m.Text)
		}
		// A scanner opening the link confirms nothing.
		d, _ = getPage(t, link)
		if n := counted(t, db, "shared-shore", "keep-the-library-open-late"); n != i {
			t.Fatalf("%s: opening the link counted the signature", lang)
		}
		tok := d.Find("form.mail-form input[name=t]").AttrOr("value", "")
		action := d.Find("form.mail-form").AttrOr("action", "")
		res, body = postForm(t, base, base+action, url.Values{"t": {tok}})
		if res.StatusCode != http.StatusSeeOther || !strings.Contains(res.Header.Get("Location"), "/thanks?outcome=signed&claim=") {
			t.Fatalf("%s: confirm: %d to %q\n%s", lang, res.StatusCode, res.Header.Get("Location"), body)
		}
		if n := counted(t, db, "shared-shore", "keep-the-library-open-late"); n != i+1 {
			t.Fatalf("%s: %d counted after confirming, want %d", lang, n, i+1)
		}
		sent++
		lastThanks = smtp.Wait(t, sent)[sent-1]
		personal := regexp.MustCompile(regexp.QuoteMeta(base+page) + `\?ref=[a-z2-7]{10}`)
		if !personal.MatchString(lastThanks.Text) || lastThanks.Header.Get("List-Unsubscribe-Post") != "List-Unsubscribe=One-Click" {
			t.Errorf("%s: the thank-you lacks the personal link or one-click unsubscribe:\n%s", lang, lastThanks.Text)
		}
	}

	// One click in the Hebrew signer's mail client.
	unsub := strings.Trim(lastThanks.Header.Get("List-Unsubscribe"), "<>")
	req, _ := http.NewRequest(http.MethodPost, unsub, strings.NewReader("List-Unsubscribe=One-Click"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	res, err := noRedirects.Do(req)
	if err != nil || res.StatusCode != http.StatusOK {
		t.Fatalf("one-click unsubscribe: %v %v", res, err)
	}
	res.Body.Close()
	// The same address signs the organisation's other petition (no
	// confirmation there): its thank-you is never sent.
	doc, _ := getPage(t, base+"/shared-shore/light-the-path/he")
	f := findSignForm(t, base, "/shared-shore/light-the-path/he", doc)
	if res, body := postForm(t, base, f.action, f.with(map[string]string{"name": "Signer he", "email": "he-signer@example.org", "consent": "yes"})); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("second petition: %d\n%s", res.StatusCode, body)
	}
	waitOutboxEmpty(t, db)
	if got := len(smtp.Mails()); got != sent {
		t.Errorf("%d emails after unsubscribing, want still %d", got, sent)
	}
}

// waitOutboxEmpty polls the outbox of the SQLite file db until every
// message has been handled (delivered, or suppressed and so done).
func waitOutboxEmpty(t *testing.T, db string) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		st, err := sqlite.Open(context.Background(), db)
		if err != nil {
			t.Fatal(err)
		}
		var ob store.Outbox = st
		list, err := ob.List(context.Background(), "")
		st.Close()
		if err != nil {
			t.Fatal(err)
		}
		if len(list) == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d messages still in the outbox", len(list))
		}
		time.Sleep(50 * time.Millisecond) // polling the worker's progress, with the deadline above
	}
}
