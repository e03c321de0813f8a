package views

import "html/template"

// ContactPageProps is a contact action's own page: the postcode lookup, the
// supporter's representatives first and everyone else after, each with
// the call script filled in and an "I called" form. It is rendered per
// request and never stored.
type ContactPageProps struct {
	Page Page
	// Title is the action's title; CampaignTitle and CampaignURL lead back.
	Title, CampaignTitle, CampaignURL string
	// LookupAction is the page's own address, the GET form's action; empty
	// when the action has no lookup table.
	LookupAction string
	// Lang is the page's language when it is not the default, sent back by
	// the forms.
	Lang string
	// Postcode is what the supporter typed, normalised, shown in the field.
	Postcode string
	// Problem is a message about the postcode (unknown, not a postcode).
	Problem string
	// Districts are the districts to choose from when the postcode lies in
	// several; District is the chosen one.
	Districts []ContactDistrict
	District  string
	// Yours are the supporter's own representatives; Others everyone else.
	Yours, Others []CallTarget
	// Calls is "N calls made" for the action, or "" when none were counted.
	Calls string
	// Thanked is the thank-you after "I called", Next the target to call
	// next (nil when the list is done), Done that it is done.
	Thanked string
	Next    *CallTarget
	Done    bool
	// Again asks to press "I called" again after an expired form.
	Again string
	// Closed hides the "I called" forms.
	Closed bool
	// Notice says what became of a message written to a target: sent for
	// confirmation, on its way, or refused as a second one.
	Notice string
}

// ContactDistrict is one district to choose, with the address that picks it.
type ContactDistrict struct {
	Name, URL string
	Current   bool
}

// CallTarget is one decision-maker on the contact page.
type CallTarget struct {
	// ID is the target's id, the page anchor's and the form's.
	ID, Name, Role, Region, Party string
	Phones                        []PhoneLink
	Hours, Address                string
	Email                         string
	// MailtoURL, GmailURL and OutlookURL open a prefilled message.
	MailtoURL, GmailURL, OutlookURL string
	// ScriptHTML is the call script with the placeholders filled in.
	ScriptHTML template.HTML
	// Form is the "I called" form.
	Form CallForm
	// Write is the form that sends the supporter's own message through
	// the organisation (send: server), or nil.
	Write *WriteForm
	// Photo is the target's picture from the organisation's folder, with
	// alt text in the page's language, or nil.
	Photo *Img
}

// WriteForm is a supporter's message to one target (send: server): the
// organisation's subject and message to edit, their name and address, and
// whether they want a copy. Errors are the problems of a form sent back.
type WriteForm struct {
	Action, Token, Target, Lang string
	Subject, Message            string
	Name, Email                 string
	Copy                        bool
	Errors                      []string
	// Open shows the form unfolded (it was sent back with problems).
	Open bool
}

// ConfirmPageProps asks a supporter, from the link in their email, to
// send their message to a target: a POST, so link checkers that open
// every link send nothing.
type ConfirmPageProps struct {
	Page                                 Page
	Heading, Intro, Subject, Message     string
	Action, Token, Seal, Button, BackURL string
	// Error says why the letter was not sent (a full queue), the letter
	// and its button kept.
	Error string
}

// PhoneLink is an office number with its tel: link.
type PhoneLink struct {
	Number, TelURL string
}

// CallForm is the "I called" form of one target: it posts the target and
// the outcome, and the postcode and district only to find the next
// target on the page it redirects to; none of them is kept.
type CallForm struct {
	Action, Token, Target, Postcode, District, Lang string
}
