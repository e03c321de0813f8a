package mail_test

import (
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"github.com/placard/placard/internal/campaign"
	"github.com/placard/placard/internal/mail"
)

var update = flag.Bool("update", false, "rewrite the golden emails in testdata/ from the current output")

// exampleSite loads the example campaigns the guide describes.
func exampleSite(t *testing.T) *campaign.Site {
	t.Helper()
	s, problems := campaign.Load(filepath.Join("..", "..", "campaigns"))
	if problems.HasErrors() {
		t.Fatalf("loading the example campaigns: %v", problems)
	}
	return s
}

func renderer(t *testing.T) (*mail.Renderer, *mail.Tokens) {
	s := exampleSite(t)
	tokens := mail.NewTokens([]byte("0123456789abcdef0123456789abcdef"))
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	return &mail.Renderer{Base: "https://act.example", Site: func() *campaign.Site { return s }, Tokens: tokens, Now: func() time.Time { return now }}, tokens
}

// tokenInURL finds the sealed tokens, which change every run (a random
// nonce each), so goldens hold a placeholder.
var tokenInURL = regexp.MustCompile(`([?&])t=[A-Za-z0-9_%-]+`)

// TestGoldenEmails renders the thank-you and confirmation emails in
// English, Arabic and Hebrew from the example campaigns and compares them
// with testdata/*.golden.html and .golden.txt (go test -update rewrites).
func TestGoldenEmails(t *testing.T) {
	r, _ := renderer(t)
	for _, tc := range []struct{ name, tmpl, lang, org, campaign, ref string }{
		{"thanks-en", mail.TemplateThanks, "en", "northgate-tenants", "tell-the-courier", "abcdefgh23"},
		{"thanks-ar", mail.TemplateThanks, "ar", "shared-shore", "keep-the-library-open-late", "abcdefgh23"},
		{"thanks-he", mail.TemplateThanks, "he", "shared-shore", "keep-the-library-open-late", "abcdefgh23"},
		{"confirm-en", mail.TemplateConfirm, "en", "northgate-tenants", "tell-the-courier", ""},
		{"confirm-ar", mail.TemplateConfirm, "ar", "shared-shore", "keep-the-library-open-late", ""},
		{"confirm-he", mail.TemplateConfirm, "he", "shared-shore", "keep-the-library-open-late", ""},
		{"data-en", mail.TemplateData, "en", "northgate-tenants", "", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := mail.Payload{Template: tc.tmpl, Lang: tc.lang, Org: tc.org, Campaign: tc.campaign, To: "sam@example.net", Ref: tc.ref, Days: 7}
			m, err := r.Render(p, "evt1")
			if err != nil {
				t.Fatal(err)
			}
			for ext, got := range map[string]string{".golden.html": m.HTML, ".golden.txt": m.Subject + "\n\n" + m.Text} {
				got = tokenInURL.ReplaceAllString(got, "${1}t=TOKEN")
				path := filepath.Join("testdata", tc.name+ext)
				if *update {
					if err := os.MkdirAll("testdata", 0o755); err != nil {
						t.Fatal(err)
					}
					if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
						t.Fatal(err)
					}
					continue
				}
				want, err := os.ReadFile(path)
				if err != nil {
					t.Fatalf("%v (run go test ./internal/mail -update to create it)", err)
				}
				if got != string(want) {
					t.Errorf("%s differs from the golden file; if the change is intended, run go test ./internal/mail -update and review the diff", path)
				}
			}
		})
	}
}

// TestEmailContent checks what every email must carry, whatever its
// wording: direction, language, no remote resources, the links.
func TestEmailContent(t *testing.T) {
	r, tokens := renderer(t)
	m, err := r.Render(mail.Payload{Template: mail.TemplateThanks, Lang: "he", Org: "shared-shore", Campaign: "keep-the-library-open-late", To: "sam@example.net", Ref: "abcdefgh23"}, "e")
	if err != nil {
		t.Fatal(err)
	}
	doc, err := goquery.NewDocumentFromReader(strings.NewReader(m.HTML))
	if err != nil {
		t.Fatal(err)
	}
	if dir, _ := doc.Find("html").Attr("dir"); dir != "rtl" {
		t.Errorf("html dir = %q, want rtl", dir)
	}
	if lang, _ := doc.Find("html").Attr("lang"); lang != "he" {
		t.Errorf("html lang = %q, want he", lang)
	}
	if n := doc.Find("img, script, link, iframe, object, embed, [src], [background]").Length(); n != 0 {
		t.Errorf("%d elements load something; an email loads nothing", n)
	}
	if strings.Contains(m.HTML, "sam@example.net") || strings.Contains(m.Text, "sam@example.net") {
		t.Error("the address appears in the message's links or text")
	}
	if !strings.Contains(m.HTML, "https://act.example/shared-shore/keep-the-library-open-late/he?ref=abcdefgh23") {
		t.Error("the personal link is missing")
	}
	if !strings.Contains(m.Unsubscribe, "https://act.example/shared-shore/mail/unsubscribe?t=") {
		t.Errorf("unsubscribe = %q", m.Unsubscribe)
	}
	// The unsubscribe link names the address only sealed.
	u := m.Unsubscribe[strings.Index(m.Unsubscribe, "t=")+2:]
	c, err := tokens.Open(strings.ReplaceAll(u, "%3D", "="), mail.PurposeUnsubscribe, time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC))
	if err != nil || c.Email != "sam@example.net" || c.Org != "shared-shore" {
		t.Errorf("unsubscribe token opens to %+v, %v", c, err)
	}
	if _, err := tokens.Open(u, mail.PurposeData, time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)); err == nil {
		t.Error("an unsubscribe token opened as a data-page token")
	}
	// The visible link is there too, in both parts.
	if doc.Find(`a[href="`+m.Unsubscribe+`"]`).Length() != 1 || !strings.Contains(m.Text, m.Unsubscribe) {
		t.Error("no visible unsubscribe link")
	}
}

// TestRenderGone: a payload whose campaign has gone is an error, not a
// panic or an empty message.
func TestRenderGone(t *testing.T) {
	r, _ := renderer(t)
	for _, p := range []mail.Payload{
		{Template: mail.TemplateThanks, Org: "nobody", Campaign: "x", To: "a@b.c"},
		{Template: mail.TemplateConfirm, Org: "northgate-tenants", Campaign: "gone", To: "a@b.c"},
	} {
		if _, err := r.Render(p, "x"); err != mail.ErrGone {
			t.Errorf("%+v: err %v, want ErrGone", p, err)
		}
	}
	if _, err := mail.DecodePayload([]byte(`{"template":"spam","org":"a","to":"b"}`)); err == nil {
		t.Error("an unknown template decoded")
	}
}

func TestTokens(t *testing.T) {
	tk := mail.NewTokens([]byte("secret-secret-secret"))
	now := time.Now()
	tok := tk.Seal(mail.Claims{Purpose: mail.PurposeConfirm, Org: "o", Campaign: "c", Email: "a@b.c", Expires: now.Add(time.Hour).Unix()})
	if c, err := tk.Open(tok, mail.PurposeConfirm, now); err != nil || c.Email != "a@b.c" {
		t.Fatalf("Open = %+v, %v", c, err)
	}
	if _, err := tk.Open(tok, mail.PurposeConfirm, now.Add(2*time.Hour)); err == nil {
		t.Error("an expired token opened")
	}
	if _, err := mail.NewTokens([]byte("another secret")).Open(tok, mail.PurposeConfirm, now); err == nil {
		t.Error("a token opened under another secret")
	}
	b := []byte(tok)
	b[len(b)/2] ^= 1
	for _, bad := range []string{"", "!!!", string(b), strings.Repeat("A", 5000)} {
		if _, err := tk.Open(bad, mail.PurposeConfirm, now); err == nil {
			t.Errorf("Open(%.20q) accepted", bad)
		}
	}
}

// TestTokenOldSpelling: a link sealed before the store rewrote addresses
// in their current form (an unsubscribe link works for 400 days) names
// the address as it was stored then; it opens in the current form, which
// is what the store holds now. A sealed address the current rules refuse
// opens as it was.
func TestTokenOldSpelling(t *testing.T) {
	tk := mail.NewTokens([]byte("secret-secret-secret"))
	now := time.Now()
	for sealed, want := range map[string]string{
		"ann@xn--bcher-kva.example": "ann@bücher.example",
		"ann@bücher\u3002example":   "ann@bücher.example",
		"zed@xn--zz.example":        "zed@xn--zz.example",
	} {
		tok := tk.Seal(mail.Claims{Purpose: mail.PurposeUnsubscribe, Org: "o", Email: sealed, Expires: now.Add(time.Hour).Unix()})
		if c, err := tk.Open(tok, mail.PurposeUnsubscribe, now); err != nil || c.Email != want {
			t.Errorf("Open of a link sealed for %q: %q, %v; want %q", sealed, c.Email, err, want)
		}
	}
}

// TestContactConfirmCarriesNoTypedWords: the confirmation of a message to
// a decision-maker goes to an address nobody has confirmed, so it repeats
// nothing typed on the form: otherwise anyone could have the organisation
// mail their own subject and text (a link, a lure) to any address. The
// link's page shows the message instead.
func TestContactConfirmCarriesNoTypedWords(t *testing.T) {
	r, _ := renderer(t)
	m, err := r.RenderContact(mail.ContactPayload{Template: mail.TemplateContactConfirm, Lang: "en", Org: "shared-shore",
		Campaign: "keep-the-library-open-late", To: "victim@example.net", TargetName: "Cllr Moss",
		Subject: "Your account is locked", Body: "Log in at https://evil.example/phish now.",
		Link: "https://act.example/shared-shore/keep-the-library-open-late/contact/write-moss/confirm?c=x"}, "e")
	if err != nil {
		t.Fatal(err)
	}
	for _, typed := range []string{"locked", "evil.example", "phish"} {
		if strings.Contains(m.HTML, typed) || strings.Contains(m.Text, typed) || strings.Contains(m.Subject, typed) {
			t.Errorf("the confirmation repeats the typed %q", typed)
		}
	}
	if !strings.Contains(m.Text, "Cllr Moss") || !strings.Contains(m.Text, "/confirm?c=x") {
		t.Errorf("the confirmation lacks the target or the link:\n%s", m.Text)
	}
}
