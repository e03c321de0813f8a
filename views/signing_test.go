package views

import (
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
)

// field returns the labelled control named name inside s, and its label.
func field(t *testing.T, doc *goquery.Document, s *goquery.Selection, name string) (ctl, label *goquery.Selection) {
	t.Helper()
	ctl = s.Find(`[name="` + name + `"]`)
	if ctl.Length() != 1 {
		t.Fatalf("control %q: got %d, want 1", name, ctl.Length())
	}
	id, _ := ctl.Attr("id")
	label = doc.Find(`label[for="` + id + `"]`)
	if label.Length() != 1 {
		t.Fatalf("control %q (id %q): got %d labels, want 1", name, id, label.Length())
	}
	return ctl, label
}

func TestSignFormFirstShow(t *testing.T) {
	p := sectionsFixture()
	f := p.Actions[2].Petition.Form
	doc, s := actionSection(t, p, "petition")
	form := s.Find("form.sign-form")
	if form.Length() != 1 {
		t.Fatalf("petition form: got %d, want 1", form.Length())
	}
	wantAttr(t, form, "method", "post")
	wantAttr(t, form, "action", f.Action)
	wantCount(t, doc, "#petition .error-summary, #petition .error, #petition [aria-invalid]", 0)

	// Each field labelled, required or optional said in words, with its autocomplete.
	want := []struct{ name, label, typ, auto string }{
		{"name", "Your name (required)", "text", "name"},
		{"email", "Email address (required)", "email", "email"},
		{"postcode", "Postcode (optional)", "text", "postal-code"},
		{"country", "Country (optional)", "", "country"},
		{"comment", "Why are you signing? (optional)", "", "off"},
	}
	for _, w := range want {
		ctl, label := field(t, doc, form, w.name)
		if got := text(label); got != w.label {
			t.Errorf("%s label: got %q, want %q", w.name, got, w.label)
		}
		if w.typ != "" {
			wantAttr(t, ctl, "type", w.typ)
		}
		wantAttr(t, ctl, "autocomplete", w.auto)
		_, req := ctl.Attr("required")
		if want := strings.Contains(w.label, "(required)"); req != want {
			t.Errorf("%s: required attribute %v, want %v", w.name, req, want)
		}
	}
	email, _ := field(t, doc, form, "email")
	wantAttr(t, email, "aria-describedby", "petition-form-email-hint")
	wantAttr(t, email, "maxlength", "254")
	if got := text(doc.Find("#petition-form-email-hint")); got != "We never show it on this site." {
		t.Errorf("email hint: got %q", got)
	}
	country, _ := field(t, doc, form, "country")
	if n := country.Find("option").Length(); n != 4 {
		t.Errorf("country options: got %d, want 4", n)
	}
	wantCount(t, doc, "#petition option[selected]", 0)
	if goquery.NodeName(s.Find(`[name="comment"]`)) != "textarea" {
		t.Errorf("comment: want a textarea")
	}

	// Consent: the organisation's text, required, unticked, with the privacy policy link.
	consent, label := field(t, doc, form, "consent")
	wantAttr(t, consent, "type", "checkbox")
	wantAttr(t, consent, "value", "yes")
	if _, ok := consent.Attr("checked"); ok {
		t.Errorf("consent: ticked on first show, want unticked")
	}
	if got := text(label); got != f.ConsentText+" (required)" {
		t.Errorf("consent label: got %q, want %q", got, f.ConsentText+" (required)")
	}
	wantAttr(t, form.Find(".privacy a"), "href", f.PrivacyURL)

	// Showing one's name is an opt-in, off by default.
	public, label := field(t, doc, form, "public")
	wantAttr(t, public, "type", "checkbox")
	if _, ok := public.Attr("checked"); ok {
		t.Errorf("public: ticked by default, want unticked")
	}
	if got := text(label); got != "Show my name publicly on this page (optional)" {
		t.Errorf("public label: got %q", got)
	}

	// The honeypot: hidden from sight (class) and from assistive technology,
	// never focusable, never autofilled, labelled for anyone who meets it.
	hp, label := field(t, doc, form, "homepage")
	wantAttr(t, hp, "tabindex", "-1")
	wantAttr(t, hp, "autocomplete", "off")
	wantAttr(t, hp, "value", "")
	wrap := hp.Closest(".hp")
	wantAttr(t, wrap, "aria-hidden", "true")
	if got := text(label); got != "Leave this empty" {
		t.Errorf("honeypot label: got %q", got)
	}

	// Hidden token and action id, written verbatim; a clear submit button.
	wantAttr(t, form.Find(`input[type="hidden"][name="token"]`), "value", f.Token)
	wantAttr(t, form.Find(`input[type="hidden"][name="action"]`), "value", "petition")
	if got := text(form.Find(`button[type="submit"]`)); got != "Sign the petition" {
		t.Errorf("submit: got %q", got)
	}

	// The letter's form asks for an organisation and role, with its own ids.
	_, l := actionSection(t, p, "letter")
	lf := l.Find("form.sign-form")
	wantAttr(t, lf, "id", "letter-form")
	wantAttr(t, lf.Find(`[name="action"]`), "value", "letter")
	_, label = field(t, doc, lf, "organisation")
	if got := text(label); got != "Organisation (optional)" {
		t.Errorf("organisation label: got %q", got)
	}
	ctl, _ := field(t, doc, lf, "role")
	wantAttr(t, ctl, "autocomplete", "organization-title")
	if got := text(l.Find(".add-name > h3")); got != "Add your name" {
		t.Errorf("letter form heading: got %q", got)
	}
}

func TestSignPageReshow(t *testing.T) {
	p := signFixture()
	doc, html := parse(t, SignPage(p))
	if got := text(doc.Find("h1")); got != "Check your details" {
		t.Errorf("h1: got %q", got)
	}
	form := doc.Find("form.sign-form")

	// The summary at the top lists every problem, each linking to its field.
	sum := form.Children().First()
	if !sum.HasClass("error-summary") {
		t.Fatalf("first thing in the form: got %s.%s, want the error summary", goquery.NodeName(sum), sum.AttrOr("class", ""))
	}
	wantAttr(t, sum, "role", "alert")
	if got := text(sum.Find("h2")); got != "There is a problem" {
		t.Errorf("summary heading: got %q", got)
	}
	links := sum.Find("a")
	if links.Length() != len(p.Form.Errors) {
		t.Fatalf("summary links: got %d, want %d", links.Length(), len(p.Form.Errors))
	}
	for i, e := range p.Form.Errors {
		wantAttr(t, links.Eq(i), "href", "#petition-form-"+e.Field)
		if got := text(links.Eq(i)); got != e.Message {
			t.Errorf("summary %d: got %q, want %q", i, got, e.Message)
		}
		if doc.Find("#petition-form-"+e.Field).Length() != 1 {
			t.Errorf("summary links to #petition-form-%s: no such field", e.Field)
		}
	}

	// Errors next to their fields, tied to them for screen readers.
	for _, name := range []string{"email", "comment", "consent"} {
		ctl, _ := field(t, doc, form, name)
		wantAttr(t, ctl, "aria-invalid", "true")
		desc := ctl.AttrOr("aria-describedby", "")
		errID := "petition-form-" + name + "-error"
		if !strings.Contains(" "+desc+" ", " "+errID+" ") {
			t.Errorf("%s aria-describedby: got %q, want it to include %q", name, desc, errID)
		}
		msg := doc.Find("#" + errID)
		if !strings.HasPrefix(text(msg), "Error: ") || !ctl.Closest(".field").Is(".field-error") {
			t.Errorf("%s error: got %q, want it beside the field, starting Error:", name, text(msg))
		}
	}
	wantAttr(t, doc.Find("#petition-form-email"), "aria-describedby", "petition-form-email-hint petition-form-email-error")
	for _, name := range []string{"name", "postcode", "country", "public"} {
		ctl, _ := field(t, doc, form, name)
		if _, ok := ctl.Attr("aria-invalid"); ok {
			t.Errorf("%s: marked invalid without an error", name)
		}
	}

	// Values kept, markup as text; checkboxes as the signer left them.
	name, _ := field(t, doc, form, "name")
	wantAttr(t, name, "value", p.Form.Fields[0].Value)
	wantAttr(t, doc.Find("#petition-form-email"), "value", "ana@example")
	wantAttr(t, doc.Find("#petition-form-country option[selected]"), "value", "GB")
	if got := doc.Find("#petition-form-comment").Text(); got != p.Form.Fields[4].Value {
		t.Errorf("comment kept: got %q, want %q", got, p.Form.Fields[4].Value)
	}
	if strings.Contains(html, "<script>alert") || strings.Contains(html, "</textarea> line") {
		t.Errorf("kept values written as markup")
	}
	if _, ok := doc.Find("#petition-form-public").Attr("checked"); !ok {
		t.Errorf("public: want still ticked on a re-show after the signer ticked it")
	}
	if _, ok := doc.Find("#petition-form-consent").Attr("checked"); ok {
		t.Errorf("consent: want unticked (the signer did not tick it)")
	}
	wantAttr(t, doc.Find(`input[name="homepage"]`), "value", "")
	wantAttr(t, doc.Find("main .back a"), "href", p.CampaignURL)

	// A closed campaign's refusal: no form, the reason, the way back.
	p.Form.Closed, p.Form.ClosedText, p.Heading = true, "Signing has ended: the council voted on 3 March.", ""
	doc, _ = parse(t, SignPage(p))
	wantCount(t, doc, "form, input, .error-summary", 0)
	if got := text(doc.Find("h1")); got != "Signing has ended" {
		t.Errorf("closed h1: got %q", got)
	}
	if got := text(doc.Find(".closed-text")); got != p.Form.ClosedText {
		t.Errorf("closed text: got %q", got)
	}
}

func TestTally(t *testing.T) {
	p := sectionsFixture()
	tl := p.Actions[2].Petition.Tally
	_, s := actionSection(t, p, "petition")
	if got := text(s.Find(".tally-count")); got != tl.CountText {
		t.Errorf("count: got %q, want %q", got, tl.CountText)
	}
	bar := s.Find("progress")
	wantAttr(t, bar, "max", "2500")
	wantAttr(t, bar, "value", "1234")
	wantAttr(t, bar, "aria-labelledby", "petition-count petition-goal")
	if got := text(bar); got != "49%" {
		t.Errorf("progress fallback text: got %q", got)
	}
	// Recent public signers: names in bdi, markup shown as text.
	names := s.Find(".signers li bdi.signer-name")
	if names.Length() != 2 {
		t.Fatalf("signers: got %d, want 2", names.Length())
	}
	if got := names.First().Text(); got != "<b>Mallory</b> & co" {
		t.Errorf("signer name: got %q, want the markup as text", got)
	}
	if names.First().Find("b").Length() != 0 {
		t.Errorf("signer's markup became an element")
	}
	_, html := parse(t, CampaignPage(p))
	if !strings.Contains(html, "&lt;b&gt;Mallory&lt;/b&gt; &amp; co") {
		t.Errorf("signer name: want it escaped in the HTML")
	}
	wantAttr(t, s.Find(".signers time").First(), "datetime", "2026-02-10")
	wantAttr(t, s.Find(".signers"), "aria-labelledby", "petition-recent")

	// A count past the goal fills the bar without overflowing it.
	tl.Count, tl.Goal = 3000, 2500
	_, s = actionSection(t, p, "petition")
	wantAttr(t, s.Find("progress"), "value", "2500")

	// The letter's tally sits under "Add your name", its list heading one level down.
	_, l := actionSection(t, sectionsFixture(), "letter")
	if got := text(l.Find(".add-name .tally-count")); !strings.HasPrefix(got, "41 ") {
		t.Errorf("letter count: got %q", got)
	}
}

func TestThanksPage(t *testing.T) {
	p := thanksFixture()
	doc, _ := parse(t, ThanksPage(p))
	if got := text(doc.Find("h1")); got != "Your signature counted" {
		t.Errorf("h1: got %q", got)
	}
	if got := text(doc.Find("main .lede")); got != p.Message {
		t.Errorf("message: got %q", got)
	}
	ask := doc.Find("section.share-ask")
	if got := text(ask.Find("h2")); got != "Will you share?" {
		t.Errorf("ask: got %q", got)
	}
	yes := ask.Find("a.btn").First()
	wantAttr(t, yes, "href", p.ShareURL)
	if got := text(yes); got != "Yes, I’ll share" || !yes.HasClass("btn-big") {
		t.Errorf("yes link: got %q (class %q), want the primary \"Yes, I’ll share\"", got, yes.AttrOr("class", ""))
	}
	no := ask.Find("a.btn-quiet")
	wantAttr(t, no, "href", p.DonateURL)
	if got := text(no); got != "Not now" {
		t.Errorf("no link: got %q", got)
	}

	for outcome, want := range map[string]string{
		"signed":  "Thank you: your signature counted",
		"pending": "Thank you: your organisation's signature is waiting for approval",
	} {
		q := thanksFixture()
		q.Outcome, q.Heading, q.Message = outcome, "", ""
		doc, _ := parse(t, ThanksPage(q))
		if got := text(doc.Find("h1")); got != want {
			t.Errorf("%s: h1 got %q, want %q", outcome, got, want)
		}
		if text(doc.Find("main .lede")) == "" {
			t.Errorf("%s: no message", outcome)
		}
		wantCount(t, doc, ".thanks-"+outcome, 1)
	}
	wantAttr(t, doc.Find("main .back a"), "href", p.CampaignURL)
	// When "Not now" leads back to the campaign, no second link says the same.
	p.DonateURL = p.CampaignURL
	doc, _ = parse(t, ThanksPage(p))
	wantCount(t, doc, "main .back", 0)
	// Without a donate action, no "Not now" link that leads nowhere.
	p.DonateURL = ""
	doc, _ = parse(t, ThanksPage(p))
	wantCount(t, doc, "section.share-ask a", 1)
}
