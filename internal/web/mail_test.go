package web

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/placard/placard/internal/campaign/campaigntest"
	"github.com/placard/placard/internal/mail"
	"github.com/placard/placard/internal/mail/mailtest"
	"github.com/placard/placard/internal/outbox"
	"github.com/placard/placard/internal/signing"
	"github.com/placard/placard/internal/store"
	"github.com/placard/placard/internal/store/sqlite"
)

// mailEnv is a signing server that emails signers through a real SMTP
// server on loopback, with its outbox worker driven by the test (deliver).
type mailEnv struct {
	*signEnv
	smtp   *mailtest.Server
	worker *outbox.Worker
}

// newMailEnv serves files (signFiles with the changes a test makes) with
// email on.
func newMailEnv(t *testing.T, st store.Store, files campaigntest.Files) *mailEnv {
	t.Helper()
	c := &clock{t: clockStart}
	committer := store.NewCommitter(st, store.CommitterOptions{})
	t.Cleanup(func() { committer.Close() })
	key, err := st.Secret(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	tokens := mail.NewTokens(key)
	s, err := New(Config{BaseURL: "https://act.example.org", SiteName: "Act", Store: st, Recorder: committer,
		RateLimit: -1, Now: c.now, MailTokens: tokens}, campaigntest.Site(t, files))
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	smtp := mailtest.Start(t)
	server, err := mail.ParseServer(smtp.URL())
	if err != nil {
		t.Fatal(err)
	}
	from, _ := mail.ParseFrom("Riverside Coalition <hello@riverside.example>")
	d := &mail.Deliverer{
		Renderer: &mail.Renderer{Base: "https://act.example.org", Site: s.CurrentSite, Tokens: tokens, Now: c.now},
		Sender:   mail.NewSender(server, from, mail.SenderOptions{TLS: smtp.ClientTLS}),
		Suppressed: func(ctx context.Context, org, email string) (bool, error) {
			return store.SuppressedAddress(ctx, st.(store.Mail), key, org, email)
		},
	}
	w := outbox.NewWorker(st.(store.Outbox), map[string]outbox.Deliverer{signing.MessageEmail: d}, outbox.Options{})
	return &mailEnv{signEnv: &signEnv{s: s, st: st, clock: c}, smtp: smtp, worker: w}
}

// deliver runs the outbox once and returns every mail received so far,
// failing unless there are want of them.
func (e *mailEnv) deliver(t *testing.T, want int) []mailtest.Mail {
	t.Helper()
	if _, err := e.worker.Once(context.Background()); err != nil {
		t.Fatalf("delivering: %v", err)
	}
	if want == 0 || want == len(e.smtp.Mails()) {
		got := e.smtp.Mails()
		if len(got) != want {
			t.Fatalf("got %d emails, want %d", len(got), want)
		}
		return got
	}
	return e.smtp.Wait(t, want)
}

// linkIn finds the address in text that starts with prefix.
func linkIn(t *testing.T, text, prefix string) string {
	t.Helper()
	m := regexp.MustCompile(regexp.QuoteMeta(prefix) + `[^\s"<>]*`).FindString(text)
	if m == "" {
		t.Fatalf("no link starting %s in:\n%s", prefix, text)
	}
	return m
}

// local is an absolute address of the test site as a request target.
func local(link string) string { return strings.TrimPrefix(link, "https://act.example.org") }

func confirmFiles(t *testing.T) campaigntest.Files {
	f := signFiles(t)
	f["riverside/org.yaml"] += "contact_permission: Keep me informed about the library.\nemail: {confirm: true, unconfirmed_days: 5}\n"
	f["riverside/every-field.yaml"] += "email: {confirm: false}\n"
	return f
}

// TestMailConfirmFlow is the double opt-in end to end, JavaScript off,
// with a real SMTP server: sign → not counted → the email arrives → open
// the link (nothing happens) → Confirm → counted; the thank-you arrives
// with the personal link; one-click unsubscribe → no further mail.
func TestMailConfirmFlow(t *testing.T) {
	forEachEngine(t, func(t *testing.T, st store.Store) {
		e := newMailEnv(t, st, confirmFiles(t))
		v := e.formValues(t, libraryPage, "petition-form")
		v.Set("public", "yes")
		e.clock.add(5 * time.Second)
		res := e.post(t, libraryPage+"/sign", v, nil)
		wantStatus(t, res, 303)
		wait := res.Header.Get("Location")
		if wait != libraryPage+"/confirm?lang=en" {
			t.Fatalf("after signing: Location %q, want the check-your-inbox page", wait)
		}
		if c := e.count(t, "riverside", "save-the-library"); c.Signatures != 0 {
			t.Fatalf("counted before confirming: %+v", c)
		}
		d := doc(t, get(t, e.s, "GET", wait, nil))
		if h := d.Find("h1").Text(); !strings.Contains(h, "confirm your signature") {
			t.Errorf("check-your-inbox heading %q", h)
		}
		// A repeat is answered the same way, and sends the waiting
		// signature's confirmation again (the first may have been lost,
		// or never sent: mailhold_test.go), no new signature.
		v2 := e.formValues(t, libraryPage, "petition-form")
		e.clock.add(5 * time.Second)
		if res := e.post(t, libraryPage+"/sign", v2, nil); res.Header.Get("Location") != wait {
			t.Errorf("repeat: Location %q, want %q", res.Header.Get("Location"), wait)
		}

		mails := e.deliver(t, 2)
		for _, m := range mails {
			if !strings.Contains(m.Subject, "Please confirm your signature") || m.To[0] != "ada@example.org" {
				t.Fatalf("confirmation: subject %q to %v", m.Subject, m.To)
			}
		}
		m := mails[0]
		if !strings.Contains(m.Text, "erased in 5 days") {
			t.Errorf("the confirmation does not say the signature waits 5 days:\n%s", m.Text)
		}
		link := local(linkIn(t, m.Text, "https://act.example.org"+libraryPage+"/confirm?t="))

		// Opening the link (as a mail scanner does) changes nothing.
		res = get(t, e.s, "GET", link, nil)
		wantStatus(t, res, 200)
		d = doc(t, res)
		if c := e.count(t, "riverside", "save-the-library"); c.Signatures != 0 {
			t.Fatalf("counted on GET: %+v", c)
		}
		form := d.Find("form.mail-form")
		tok := form.Find("input[name=t]").AttrOr("value", "")
		if form.AttrOr("method", "") != "post" || tok == "" || d.Find("form.mail-form button").Text() != "Confirm my signature" {
			t.Fatalf("confirm page has no Confirm button form")
		}
		res = e.post(t, form.AttrOr("action", ""), url.Values{"t": {tok}}, nil)
		wantStatus(t, res, 303)
		if loc := res.Header.Get("Location"); !strings.HasPrefix(loc, libraryPage+"/thanks?outcome=signed&claim=") {
			t.Errorf("after confirming: Location %q, want the thank-you page with a personal link", loc)
		}
		if c := e.count(t, "riverside", "save-the-library"); c.Signatures != 1 {
			t.Fatalf("not counted after confirming: %+v", c)
		}
		// The link is single-use.
		wantStatus(t, e.post(t, form.AttrOr("action", ""), url.Values{"t": {tok}}, nil), 400)
		if c := e.count(t, "riverside", "save-the-library"); c.Signatures != 1 {
			t.Errorf("counted twice: %+v", c)
		}

		// The repeat's link named the same signature: confirmed already.
		wantStatus(t, get(t, e.s, "GET", local(linkIn(t, mails[1].Text, "https://act.example.org"+libraryPage+"/confirm?t=")), nil), 400)

		mails = e.deliver(t, 3)
		thanks := mails[2]
		if !strings.Contains(thanks.Subject, "Thank you for signing") {
			t.Fatalf("second email %q, want the thank-you", thanks.Subject)
		}
		if !regexp.MustCompile(`https://act\.example\.org/riverside/save-the-library\?ref=[a-z2-7]{10}`).MatchString(thanks.HTML) {
			t.Errorf("the thank-you has no personal link:\n%s", thanks.Text)
		}
		unsub := thanks.Header.Get("List-Unsubscribe")
		if thanks.Header.Get("List-Unsubscribe-Post") != "List-Unsubscribe=One-Click" || !strings.HasPrefix(unsub, "<https://act.example.org/riverside/mail/unsubscribe?t=") {
			t.Fatalf("List-Unsubscribe %q", unsub)
		}

		// One click in the mail client: the provider's server POSTs.
		req, _ := http.NewRequest("POST", local(strings.Trim(unsub, "<>")), strings.NewReader("List-Unsubscribe=One-Click"))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		rec := serve(e.s, req)
		if rec.StatusCode != 200 {
			t.Fatalf("one-click unsubscribe: %d", rec.StatusCode)
		}
		// A thank-you for another campaign (no confirmation there) is
		// never sent to the address now.
		v3 := e.formValues(t, "/riverside/every-field", "sign-form")
		v3.Set("postcode", "N1")
		v3.Set("country", "GB")
		e.clock.add(5 * time.Second)
		wantStatus(t, e.post(t, "/riverside/every-field/sign", v3, nil), 303)
		if n, _ := e.worker.Once(context.Background()); n != 1 {
			t.Fatalf("claimed %d messages, want the one thank-you", n)
		}
		if got := len(e.smtp.Mails()); got != 3 {
			t.Errorf("%d emails after unsubscribing, want still 3", got)
		}
	})
}

func serve(h http.Handler, req *http.Request) *http.Response {
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec.Result()
}

// TestMailConfirmRefusals: every hostile confirmation or unsubscribe
// request gets a plain 4xx, never a 500, and never counts anything.
func TestMailConfirmRefusals(t *testing.T) {
	e := newMailEnv(t, openSQLite(t), confirmFiles(t))
	tokens := e.s.cfg.MailTokens
	now := e.clock.now()
	other := tokens.Seal(mail.Claims{Purpose: mail.PurposeConfirm, Org: "riverside", Campaign: "every-field", Email: "a@example.org", Expires: now.Add(time.Hour).Unix()})
	expired := tokens.Seal(mail.Claims{Purpose: mail.PurposeConfirm, Org: "riverside", Campaign: "save-the-library", Email: "a@example.org", Expires: now.Add(-time.Second).Unix()})
	unsub := tokens.Seal(mail.Claims{Purpose: mail.PurposeUnsubscribe, Org: "riverside", Email: "a@example.org", Expires: now.Add(time.Hour).Unix()})
	for _, tc := range []struct {
		method, target string
		body           url.Values
		want           int
	}{
		{"GET", libraryPage + "/confirm?t=garbage", nil, 400},
		{"GET", libraryPage + "/confirm?t=" + url.QueryEscape(other), nil, 400},
		{"GET", libraryPage + "/confirm?t=" + url.QueryEscape(expired), nil, 400},
		{"GET", libraryPage + "/confirm?t=" + url.QueryEscape(unsub), nil, 400},
		{"GET", libraryPage + "/confirm?t=" + strings.Repeat("A", 4000), nil, 400},
		{"POST", libraryPage + "/confirm", url.Values{"t": {"\xff"}}, 400},
		{"POST", libraryPage + "/confirm", url.Values{"t": {strings.Repeat("x", 20000)}}, 413},
		{"GET", "/nobody/x/confirm", nil, 404},
		{"GET", "/riverside/mail/unsubscribe?t=nope", nil, 400},
		{"POST", "/riverside/mail/unsubscribe", url.Values{"t": {"nope"}}, 400},
		{"GET", "/nobody/mail/unsubscribe?t=" + url.QueryEscape(unsub), nil, 404},
		{"DELETE", "/riverside/mail/unsubscribe?t=" + url.QueryEscape(unsub), nil, 405},
	} {
		var res *http.Response
		if tc.method == "POST" {
			res = e.post(t, tc.target, tc.body, nil)
		} else {
			res = get(t, e.s, tc.method, tc.target, nil)
		}
		if res.StatusCode != tc.want {
			t.Errorf("%s %.80s: %d, want %d", tc.method, tc.target, res.StatusCode, tc.want)
		}
	}
	if c := e.count(t, "riverside", "save-the-library"); c.Signatures != 0 {
		t.Errorf("counted: %+v", c)
	}
	// A cross-site POST to the confirmation is refused as signing's is.
	res := e.post(t, libraryPage+"/confirm", url.Values{"t": {"x"}}, http.Header{"Sec-Fetch-Site": {"cross-site"}})
	wantStatus(t, res, 403)
}

// TestMailOff: without --smtp the email pages do not exist, signatures
// count at once whatever email: says, and nothing is queued.
func TestMailOff(t *testing.T) {
	st := openSQLite(t)
	c := &clock{t: clockStart}
	s, err := New(Config{BaseURL: "https://act.example.org", Store: st, RateLimit: -1, Now: c.now}, campaigntest.Site(t, confirmFiles(t)))
	if err != nil {
		t.Fatal(err)
	}
	e := &signEnv{s: s, st: st, clock: c}
	v := e.formValues(t, libraryPage, "petition-form")
	e.clock.add(5 * time.Second)
	res := e.post(t, libraryPage+"/sign", v, nil)
	if loc := res.Header.Get("Location"); !strings.HasPrefix(loc, libraryPage+"/thanks?outcome=signed") {
		t.Errorf("Location %q", loc)
	}
	if c := e.count(t, "riverside", "save-the-library"); c.Signatures != 1 {
		t.Errorf("count %+v, want 1", c)
	}
	if list, _ := st.(store.Outbox).List(context.Background(), ""); len(list) != 0 {
		t.Errorf("queued %d messages without email", len(list))
	}
	for _, p := range []string{libraryPage + "/confirm", "/riverside/mail/unsubscribe?t=x", "/riverside/mail/data"} {
		wantStatus(t, get(t, s, "GET", p, nil), 404)
	}
}

// signedForData signs the library petition publicly with permission to
// contact (no confirmation asked) and returns the env once the thank-you
// email has arrived (the first mail).
func signedForData(t *testing.T, st store.Store) *mailEnv {
	t.Helper()
	f := signFiles(t)
	f["riverside/org.yaml"] += "contact_permission: Keep me informed about the library.\n"
	e := newMailEnv(t, st, f)
	v := e.formValues(t, libraryPage, "petition-form")
	v.Set("public", "yes")
	v.Set("contact", "yes")
	v.Set("comment", "")
	e.clock.add(5 * time.Second)
	wantStatus(t, e.post(t, libraryPage+"/sign", v, nil), 303)
	m := e.deliver(t, 1)[0]
	if !strings.Contains(m.Subject, "Thank you for signing") {
		t.Fatalf("email %q, want the thank-you", m.Subject)
	}
	return e
}

// dataEnvSigned is signedForData followed by the thank-you's data-page
// link: a button that emails the data page's link (the second mail),
// which it returns.
func dataEnvSigned(t *testing.T, st store.Store) (*mailEnv, string) {
	t.Helper()
	e := signedForData(t, st)
	return e, e.dataLinkVia(t, e.smtp.Mails()[0])
}

// dataLinkVia presses the button the data-page link of thanks opens and
// returns the data page's link from the email that brings it.
func (e *mailEnv) dataLinkVia(t *testing.T, thanks mailtest.Mail) string {
	t.Helper()
	d := doc(t, get(t, e.s, "GET", local(linkIn(t, thanks.Text, "https://act.example.org/riverside/mail/data?t=")), nil))
	form := d.Find("form.mail-form")
	n := len(e.smtp.Mails())
	wantStatus(t, e.post(t, form.AttrOr("action", ""), url.Values{"t": {form.Find("input[name=t]").AttrOr("value", "")}}, nil), 200)
	m := e.deliver(t, n+1)[n]
	if !strings.Contains(m.Subject, "Your data at") {
		t.Fatalf("email %q, want the data page's link", m.Subject)
	}
	return local(linkIn(t, m.Text, "https://act.example.org/riverside/mail/data?t="))
}

// TestMailDataPage: the supporter's data page — view, download, withdraw,
// hide, erase — each a POST with the cross-origin check; erase leaves no
// byte of the supporter in the SQLite files.
func TestMailDataPage(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "placard.db")
	st, err := sqlite.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	e, link := dataEnvSigned(t, st)
	res := get(t, e.s, "GET", link, nil)
	wantStatus(t, res, 200)
	if res.Header.Get("Referrer-Policy") != "no-referrer" {
		t.Errorf("Referrer-Policy %q", res.Header.Get("Referrer-Policy"))
	}
	d := doc(t, res)
	page := text(d.Find("main"))
	for _, want := range []string{"Save the library", "ada@example.org", "Riverside Coalition may email me about this campaign.", "Keep me informed about the library.", "Shown"} {
		if !strings.Contains(page, want) {
			t.Errorf("data page lacks %q:\n%s", want, page)
		}
	}
	tok := d.Find("form.data-action input[name=t]").First().AttrOr("value", "")
	post := func(action string, h http.Header) *http.Response {
		return e.post(t, "/riverside/mail/data/"+action, url.Values{"t": {tok}}, h)
	}
	// Another site cannot make the supporter's browser erase them.
	wantStatus(t, post("erase", http.Header{"Sec-Fetch-Site": {"cross-site"}}), 403)

	res = post("download", nil)
	wantStatus(t, res, 200)
	if cd := res.Header.Get("Content-Disposition"); !strings.HasPrefix(cd, "attachment;") {
		t.Errorf("download Content-Disposition %q", cd)
	}
	var got struct {
		Email      string `json:"email"`
		Signatures []struct {
			Campaign, Name, ConsentText, ContactText string
			Public                                   bool
		} `json:"signatures"`
	}
	b, _ := io.ReadAll(res.Body)
	if err := json.Unmarshal(b, &got); err != nil || got.Email != "ada@example.org" || len(got.Signatures) != 1 || got.Signatures[0].Campaign != "save-the-library" || !got.Signatures[0].Public {
		t.Errorf("download: %s (%v)", b, err)
	}

	wantStatus(t, post("withdraw", nil), 200)
	wantStatus(t, post("hide", nil), 200)
	sigs, _ := st.Supporter(context.Background(), "riverside", "ada@example.org")
	if len(sigs) != 1 || sigs[0].ContactText != "" || sigs[0].Public {
		t.Errorf("after withdraw and hide: %+v", sigs)
	}
	res = post("erase", nil)
	wantStatus(t, res, 200)
	if !strings.Contains(text(doc(t, res).Find("main")), "holds no signature") {
		t.Error("after erasing, the page does not say nothing is held")
	}
	if c := e.count(t, "riverside", "save-the-library"); c.Signatures != 0 {
		t.Errorf("count after erasing: %+v", c)
	}
	for _, f := range []string{path, path + "-wal"} {
		b, err := os.ReadFile(f)
		if err != nil && !os.IsNotExist(err) {
			t.Fatal(err)
		}
		for _, m := range []string{"ada@example.org", "Ada Lovelace"} {
			if strings.Contains(string(b), m) {
				t.Errorf("%s still holds %q after erasing", filepath.Base(f), m)
			}
		}
	}
}

// TestMailDataRequest: the request form answers the same whether or not
// the address is known, sends a fresh link only to a known one, and
// refuses what is not an address.
func TestMailDataRequest(t *testing.T) {
	e := signedForData(t, openSQLite(t))
	form := doc(t, get(t, e.s, "GET", "/riverside/mail/data", nil))
	if form.Find("form.mail-form input[name=email]").Length() != 1 {
		t.Fatal("the request page has no address field")
	}
	ask := func(email string) string {
		res := e.post(t, "/riverside/mail/data", url.Values{"email": {email}, "lang": {"en"}}, nil)
		wantStatus(t, res, 200)
		return text(doc(t, res).Find("main"))
	}
	known, unknown := ask("ADA@example.org"), ask("stranger@example.org")
	if known != unknown || !strings.Contains(known, "Check your inbox") {
		t.Errorf("answers differ or do not say to check the inbox:\n%s\n%s", known, unknown)
	}
	mails := e.deliver(t, 2)
	if m := mails[1]; !strings.Contains(m.Subject, "Your data at") || m.To[0] != "ada@example.org" {
		t.Errorf("second email %q to %v, want the data link to ada", m.Subject, m.To)
	}
	wantStatus(t, e.post(t, "/riverside/mail/data", url.Values{"email": {"not an address"}}, nil), 422)
	wantStatus(t, e.post(t, "/riverside/mail/data", url.Values{"email": {"a@b.example"}}, http.Header{"Sec-Fetch-Site": {"cross-site"}}), 403)
	wantStatus(t, get(t, e.s, "GET", "/riverside/mail/data?t=forged", nil), 400)
	wantStatus(t, get(t, e.s, "GET", "/riverside/mail/data/erase", nil), 405)
	wantStatus(t, e.post(t, "/riverside/mail/data/explode", url.Values{"t": {"x"}}, nil), 404)
}

// TestMailConfirmEmbed: a signature held for confirmation from a
// partner's embed lands on the check-your-inbox page inside the frame.
func TestMailConfirmEmbed(t *testing.T) {
	f := confirmFiles(t)
	f["riverside/org.yaml"] += "embed_origins: [" + partner + ", " + localPartner + "]\n"
	e := newMailEnv(t, openSQLite(t), f)
	v := e.formValues(t, libraryEmbed, "petition-form")
	e.clock.add(5 * time.Second)
	res := e.post(t, libraryPage+"/embed/sign", v, nil)
	wantStatus(t, res, 303)
	loc := res.Header.Get("Location")
	if loc != libraryPage+"/confirm?lang=en&embed=1" {
		t.Fatalf("Location %q, want the check-your-inbox page for the frame", loc)
	}
	res = get(t, e.s, "GET", loc, nil)
	wantStatus(t, res, 200)
	wantFramedBy(t, res, partner, localPartner)
	if c := e.count(t, "riverside", "save-the-library"); c.Signatures != 0 {
		t.Errorf("counted before confirming: %+v", c)
	}
}
