package views

// EmbedPageProps is a campaign's main call to action on its own, in a
// minimal page made to sit in an iframe on a partner's site (EmbedPage).
// Every link leaves the frame for a new tab; the signing form is the one
// thing that stays inside it.
type EmbedPageProps struct {
	// Page supplies the document head only: Title, Lang, Dir,
	// CanonicalURL, StylesheetURL and ThemeCSS (written exactly as Layout
	// writes it, so the same hash allows it). Header, footer and share
	// metadata are not shown.
	Page Page
	// FrameScriptURL is the content-hashed address of the script that tells
	// the parent page the embed's height; the page works without it.
	FrameScriptURL string
	// Origins are the partner sites allowed to frame the page; the resize
	// script sends its height to the one named in ?origin= only when it is
	// listed here (written space-separated in data-embed-origins).
	Origins []string
	// OrgName is the organisation, shown above the title.
	OrgName string
	// SiteName names the site in the "read the full campaign" link.
	SiteName string
	// CampaignURL is the campaign page's absolute address, opened in a new tab.
	CampaignURL string
	Title       string
	Summary     string
	// StatusText says a campaign has ended or won, or is empty when it is open.
	StatusText string
	// Notice replaces the action after a signature: what happened.
	Notice *EmbedNotice
	// Heading, when set, is said above the action, such as "Check your
	// details" when the form comes back with problems.
	Heading string
	// Message, when set, says plainly under the heading why the form came
	// back and what to do.
	Message string
	// Action is the campaign's main call to action, or nil (on a notice).
	Action *EmbedAction
	// PrivacyURL is the organisation's privacy policy, or empty.
	PrivacyURL string
	// Snippet, set only on a development server (placard serve --dev), is
	// the HTML partners paste, shown under the embed for organisers to copy
	// (placard embed prints the same).
	Snippet string
}

// EmbedAction is the one call to action an embed shows: a petition or
// letter with its live tally and signing form, or else a button to the
// first call to action (Link).
type EmbedAction struct {
	// ID prefixes the tally's and form's element ids.
	ID    string
	Title string
	// Target is who a petition or letter is addressed to, or empty.
	Target string
	// Tally is the live count, or nil.
	Tally *Tally
	// Form is the signing form, or nil.
	Form *SignForm
	// Closed replaces the form with the note that signing has ended.
	Closed bool
	// Link is the button to the call to action, for campaigns that take no
	// signatures here; it opens in a new tab.
	Link *Link
}

// EmbedNotice is a short message in place of the action, such as the
// thanks after signing.
type EmbedNotice struct {
	Heading string
	Message string
}
