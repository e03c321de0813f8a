package views

import "strings"

// MailProps is one email to a signer, ready to render as HTML (MailHTML)
// and as plain text (MailText): the confirmation, the thank-you, or the
// link to the supporter's data page. Every text is already in the
// signer's language; every address is absolute.
type MailProps struct {
	// Lang and Dir are the message's language and direction (rtl for ar, he).
	Lang, Dir string
	// Brand is the organisation's primary colour as #rrggbb, already
	// checked; it colours the heading rule and buttons.
	Brand string
	// OrgName signs the message.
	OrgName string
	// Subject is the message's subject, also its HTML title.
	Subject string
	// Preheader is the line mail clients show after the subject.
	Preheader string
	// Heading and Paragraphs are the message's own words.
	Heading    string
	Paragraphs []string
	// Button is the main action (Confirm my signature, Open my data page).
	Button *MailLink
	// Personal is the signer's own share link, with a button per network.
	Personal *MailPersonal
	// Next is the campaign's next step, Donate the organisation's
	// donation ask; either may be nil.
	Next, Donate *MailLink
	// Note is a closing line in small print (why this message came).
	Note string
	// DataPage links to the supporter's own data page; Unsubscribe stops
	// every later email from the organisation. Either may be nil.
	DataPage, Unsubscribe *MailLink
}

// MailLink is a labelled address in an email.
type MailLink struct {
	// Intro is an optional sentence before the link.
	Intro string
	Label string
	URL   string
}

// MailPersonal is the signer's personal share link in an email.
type MailPersonal struct {
	// Intro says what the link is for.
	Intro string
	URL   string
	// Share has a link per network of the organisation's choice.
	Share []MailLink
}

// MailText renders p as the plain-text part of the email: the same
// content, each address on a line of its own.
func MailText(p MailProps) string {
	var b strings.Builder
	line := func(s string) {
		b.WriteString(s)
		b.WriteString("\n")
	}
	link := func(l *MailLink) {
		if l == nil {
			return
		}
		if l.Intro != "" {
			line(l.Intro)
		}
		line(l.Label + ":")
		line(l.URL)
		line("")
	}
	line(p.Heading)
	line(strings.Repeat("=", min(len([]rune(p.Heading)), 60)))
	line("")
	for _, para := range p.Paragraphs {
		line(para)
		line("")
	}
	link(p.Button)
	if p.Personal != nil {
		line(p.Personal.Intro)
		line(p.Personal.URL)
		line("")
		for _, s := range p.Personal.Share {
			line("- " + s.Label + ": " + s.URL)
		}
		line("")
	}
	link(p.Next)
	link(p.Donate)
	line("-- ")
	line(p.OrgName)
	if p.Note != "" {
		line(p.Note)
	}
	link(p.DataPage)
	link(p.Unsubscribe)
	return strings.TrimRight(b.String(), "\n") + "\n"
}
