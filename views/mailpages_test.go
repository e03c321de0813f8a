package views

import (
	"strings"
	"testing"
)

// Fixtures of the email flow's pages; pages() lists them, so the checks
// every page gets (no inline script, axe, the Nu checker) cover them.

func confirmPageFixture() MailPageProps {
	p := testPage("Confirm your signature — Save the Riverside library", "")
	p.Noindex, p.JSONLD = true, ""
	return MailPageProps{Page: p, CampaignTitle: "Save the Riverside library", CampaignURL: "/riverside/save-the-library",
		Heading:    "Confirm your signature",
		Paragraphs: []string{"Press the button to confirm your signature on “Save the Riverside library”. Until you do, it is not counted."},
		Form:       &MailForm{Action: "/riverside/save-the-library/confirm", Token: "c2VhbGVk", Button: "Confirm my signature"}}
}

func dataRequestFixture() MailPageProps {
	p := testPage("See your data at Riverside Coalition", "")
	p.Noindex, p.JSONLD = true, ""
	return MailPageProps{Page: p, Heading: "See your data at Riverside Coalition",
		Paragraphs: []string{"Enter your email address."},
		Form: &MailForm{Action: "/riverside/mail/data", Lang: "en", EmailLabel: "Your email address", Email: "not an address",
			Error: "Enter an email address, like name@example.org.", Button: "Send me the link"}}
}

func dataPageFixture() DataPageProps {
	p := testPage("Your data at Riverside Coalition", "")
	p.Noindex, p.JSONLD = true, ""
	return DataPageProps{Page: p, Heading: "Your data at Riverside Coalition",
		Intro: "This is everything Riverside Coalition holds about ada@example.org.", Done: "Done: your name is no longer shown on public lists.",
		Action: "/riverside/mail/data", Token: "c2VhbGVk", CanWithdraw: true, CanHide: true,
		EraseWarn: "Erasing removes every signature of this address at once.",
		Signatures: []DataSignature{{Campaign: "Save the Riverside library", CampaignURL: "/riverside/save-the-library",
			Signed: "Signed on 20 February 2026", Consent: "Riverside may keep my name.", Contact: "Keep me informed.", Public: "Shown",
			Details: []DataField{{"Your name", "Ada Lovelace"}, {"Email address", "ada@example.org"}}}}}
}

// TestMailPages: each form posts its token back, works without
// JavaScript, and the email field says what is wrong beside it.
func TestMailPages(t *testing.T) {
	d, _ := parse(t, MailPage(confirmPageFixture()))
	form := wantCount(t, d, "form.mail-form", 1)
	wantAttr(t, form, "method", "post")
	wantAttr(t, form.Find("input[name=t]"), "value", "c2VhbGVk")
	d, _ = parse(t, MailPage(dataRequestFixture()))
	in := wantCount(t, d, "input#mail-email", 1)
	wantAttr(t, in, "aria-invalid", "true")
	wantAttr(t, in, "aria-describedby", "mail-email-error")
	d, _ = parse(t, DataPage(dataPageFixture()))
	if n := d.Find("form.data-action").Length(); n != 4 {
		t.Errorf("%d data forms, want download, withdraw, hide and erase", n)
	}
	if !strings.Contains(text(d.Find("main")), "Ada Lovelace") {
		t.Error("the data page does not show what is held")
	}
}
