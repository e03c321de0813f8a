package views

import "net/url"

// MailPageProps is a page of the email flow: "check your inbox" after
// signing, the confirmation and unsubscribe pages their links open (each a
// button that POSTs, since mail scanners fetch links), the data page's
// request form, and what each says once done.
type MailPageProps struct {
	Page Page
	// CampaignTitle and CampaignURL, when set, lead back to the campaign.
	CampaignTitle, CampaignURL string
	Heading                    string
	Paragraphs                 []string
	// Details, when set, are shown as a list before the form: what a
	// confirmation confirms, as it was typed.
	Details []DataField
	// Form, when set, is the page's one form.
	Form *MailForm
}

// MailForm is a POST form of the email flow.
type MailForm struct {
	// Action is where it posts (this site).
	Action string
	// Token is the link's sealed token, sent back as t.
	Token string
	// Lang is the page's language, sent back as lang.
	Lang string
	// EmailLabel, when set, adds an email field with this label; Email is
	// its value and Error a problem to show beside it.
	EmailLabel, Email, Error string
	// Button is the submit button's text.
	Button string
}

// DataPageProps is the supporter's own data page: everything held about
// one address by one organisation, and the choices they can change.
type DataPageProps struct {
	Page    Page
	Heading string
	// Intro says whose data this is; Done confirms an action just taken.
	Intro, Done string
	// Signatures are the address's signatures, oldest first; empty shows
	// None instead.
	Signatures []DataSignature
	None       string
	// Action is where the forms post (Action/download, …) and Token the
	// link's sealed token.
	Action, Token string
	// Lang is the page's language, named in each form's address
	// (…/erase?lang=ar), so a refusal made before the form is read (too
	// large, from another site, over the limit) and the answer speak it.
	Lang string
	// CanWithdraw and CanHide offer those buttons when they would change
	// something.
	CanWithdraw, CanHide bool
	// EraseWarn says what erasing does, beside its button.
	EraseWarn string
}

// DataSignature is one signature as the data page shows it.
type DataSignature struct {
	Campaign    string
	CampaignURL string
	// Signed is "Signed on 3 March 2026" in the page's language.
	Signed string
	// Status is set when the signature does not count yet.
	Status string
	// Consent is the consent sentence the signer ticked.
	Consent string
	// Contact is the permission to be contacted as given, or "Not given".
	Contact string
	// Public says whether the name is shown on public lists.
	Public string
	// Name, Email and the other details as stored.
	Details []DataField
}

// DataField is one labelled value on the data page.
type DataField struct {
	Label, Value string
}

// dataAction is the address of the data page's choice action: below
// p.Action, naming the page's language.
func (p DataPageProps) dataAction(action string) string {
	a := p.Action + "/" + action
	if p.Lang != "" {
		a += "?lang=" + url.QueryEscape(p.Lang)
	}
	return a
}
