// Package views holds Placard's templ components. Components take the view
// models defined in this file — plain structs of display-ready strings and
// URLs — never domain or storage types, and they do no I/O: everything a page
// shows, including formatted dates and absolute URLs, arrives in its props.
package views

import (
	"html/template"

	"github.com/placard/placard/internal/i18n"
)

// Page is what the shared layout needs on every page: the document head
// (title, canonical URL, share metadata) and the header and footer.
type Page struct {
	// Lang is the BCP 47 code of the page's language, for <html lang>.
	Lang string
	// Dir is "ltr" or "rtl", for <html dir>.
	Dir string
	// Title is the full document title, such as "Save the library — Riverside Coalition".
	Title string
	// Description is the meta description and og:description.
	Description string
	// CanonicalURL is the page's absolute address, built from --base-url.
	CanonicalURL string
	// SiteName is og:site_name and the name in the footer.
	SiteName string
	// OGSiteName, when set, is og:site_name instead of SiteName: the
	// organisation's name on its own pages, so shared previews show it.
	OGSiteName string
	// OGType is og:type: "website" or "article".
	OGType string
	// OGLocale is og:locale, such as en_GB.
	OGLocale string
	// Image is og:image and twitter:image; never nil on a rendered page.
	Image *ShareImage
	// TwitterSite is the organisation's @handle on X for twitter:site, or empty.
	TwitterSite string
	// JSONLD is the page's schema.org description, already marshalled as JSON
	// with <, > and & escaped, so it is safe inside a script element.
	JSONLD string
	// Noindex asks search engines not to index the page (404s, drafts).
	Noindex bool
	// MetaCSP, when set, is the page's Content-Security-Policy written
	// into the page itself (<meta http-equiv>, first in the head, before
	// anything it governs): a "not found" page a static host may send
	// without the headers of its file (site.MetaPolicy).
	MetaCSP string
	// Preview marks a page seen at a secret preview address before it is
	// public: a banner at the top says so, so nobody mistakes it for the live page.
	Preview bool
	// Draft marks a campaign not yet public shown by serve --dev at its
	// own address: a banner says it is a draft.
	Draft bool
	// StylesheetURL is the content-hashed address of the one stylesheet.
	StylesheetURL string
	// ScriptURL is the content-hashed address of the optional enhancement
	// script; pages work fully without it.
	ScriptURL string
	// ReachScriptURL is the content-hashed address of the optional reach
	// script (share sheet, remembered Mastodon server, ticked steps).
	ReachScriptURL string
	// DevScriptURL is the content-hashed address of the live-preview script,
	// set only by `placard serve --dev`; production pages leave it empty and
	// so never carry the script.
	DevScriptURL string
	// ThemeCSS is a short CSS rule setting the brand colour custom properties,
	// such as ":root{--brand:#0b5d3b;--accent:#0b5d3b}", or empty for the
	// default theme. It is inlined in a style element whose hash the
	// Content-Security-Policy allows.
	ThemeCSS string
	// Brand is the name and logo shown in the page header.
	Brand Brand
	// Breadcrumbs lead from the site index to the current page's parent.
	Breadcrumbs []Link
	// Footer is the organisation's contact links, or the site's.
	Footer Footer
	// L writes the interface strings in the page's language (with the
	// organisation's own wording); nil means English.
	L *i18n.Localizer
	// Alternates lists the page in every language it exists in, the
	// current one included, for hreflang links and the language switcher;
	// empty when the page has one language.
	Alternates []Alternate
	// XDefaultURL is the hreflang="x-default" address: the page in the
	// organisation's default language.
	XDefaultURL string
	// Untranslated marks a page that is no translation of another (an
	// error page): its Alternates make only the language switcher, and
	// the head claims no alternate language (no hreflang links, no
	// og:locale:alternate).
	Untranslated bool
	// Suggest, when set, offers the page in the reader's preferred language.
	Suggest *Suggestion
	// Discovery lists machine-readable companions of the page, written as
	// <link rel="alternate"> in the head: the organisation's Atom feed, the
	// campaign's oEmbed description.
	Discovery []Discovery
}

// Discovery is one <link rel="alternate" type=… href=… title=…>.
type Discovery struct {
	// Type is the media type, such as application/atom+xml.
	Type string
	// Title names the companion, such as "Riverside Coalition — campaigns and statements".
	Title string
	// URL is its absolute address.
	URL string
}

// ShareImage is the picture social networks show with a shared link.
type ShareImage struct {
	// URL is the image's absolute address.
	URL string
	// Width and Height are the image's size in pixels.
	Width, Height int
	// Alt describes the image.
	Alt string
	// Type is the image's media type, such as image/png.
	Type string
}

// Brand is the header's home link: an organisation's, or the site's.
type Brand struct {
	// Name is the text of the home link.
	Name string
	// URL is where the home link goes.
	URL string
	// Logo is shown beside the name, or nil.
	Logo *Img
}

// Footer is the footer's content.
type Footer struct {
	// OrgName is the organisation the page belongs to, or empty on site pages.
	OrgName string
	// Website is the organisation's own site, or empty.
	Website string
	// PrivacyURL is the organisation's privacy policy, or empty.
	PrivacyURL string
	// Social lists the organisation's accounts.
	Social []Link
}

// Link is a labelled address.
type Link struct {
	// Label is the visible text.
	Label string
	// URL is the address.
	URL string
}

// Img is a picture to show on the page.
type Img struct {
	// URL is the image's address (a content-hashed /static/ path for organisers' files).
	URL string
	// Alt is the alternative text; empty only for decorative images.
	Alt string
	// Width and Height are the image's intrinsic size, or 0 when unknown;
	// when known they are written out so the layout does not shift.
	Width, Height int
	// SrcSet offers the picture in several widths for the browser to choose
	// from ("/static/a.480w.HASH.jpg 480w, …, /static/a.HASH.jpg 1200w"),
	// or is empty when there is only URL.
	SrcSet string
	// Sizes says how wide the picture is shown ("(min-width: 52rem) 48rem,
	// calc(100vw - 2rem)"), so the browser can choose from SrcSet before
	// laying out the page; written only with SrcSet.
	Sizes string
	// Credit names the photographer or source, or is empty.
	Credit string
}

// Person is a contact: a name with optional role, phone and email.
type Person struct {
	Name  string
	Role  string
	Phone string
	// TelURL is a tel: link for Phone, or empty.
	TelURL string
	Email  string
	// MailtoURL is a mailto: link for Email, or empty.
	MailtoURL string
}

// IndexPageProps is the site index: every organisation.
type IndexPageProps struct {
	Page Page
	// Heading is the page's h1.
	Heading string
	// Orgs are the organisations, sorted by name.
	Orgs []OrgCard
}

// OrgCard is an organisation as listed on the site index.
type OrgCard struct {
	Name string
	URL  string
	// Summary is the first paragraph of the organisation's about text, as plain text.
	Summary string
	Logo    *Img
	// CampaignCount is the number of public campaigns.
	CampaignCount int
	// CampaignCountText is CampaignCount in words, such as "3 campaigns".
	CampaignCountText string
}

// OrgPageProps is an organisation's page: its profile and campaigns.
type OrgPageProps struct {
	Page Page
	Org  OrgProfile
	// Campaigns are the organisation's public campaigns, newest first.
	Campaigns []CampaignCard
	// Share offers share links for the organisation page itself.
	Share *ShareView
}

// OrgProfile is an organisation's public profile.
type OrgProfile struct {
	Name       string
	Website    string
	Logo       *Img
	AboutHTML  template.HTML
	Media      *Person
	Social     []Link
	DonateURL  string
	PrivacyURL string
}

// CampaignCard is a campaign as listed on an organisation page or as a related campaign.
type CampaignCard struct {
	Title   string
	URL     string
	Summary string
	// DateText is the date for people, such as "10 February 2026"; DateISO is
	// YYYY-MM-DD for the time element. Both are empty for outside links.
	DateText string
	DateISO  string
	Image    *Img
	// StatusText is "Closed" or "Victory" (in the page's language), or empty for open campaigns.
	StatusText string
	// Status is "closed" or "victory" when StatusText is set, for the
	// badge's style whatever the language.
	Status string
	// OrgName is set when the card belongs to another organisation than the page's.
	OrgName string
	// External marks a link to another site.
	External bool
}

// CampaignPageProps is a campaign page with all its calls to action.
type CampaignPageProps struct {
	Page     Page
	OrgName  string
	OrgURL   string
	Campaign CampaignView
	// Actions are the calls to action in order.
	Actions []ActionView
	// Related are the related campaigns and links.
	Related []CampaignCard
	// Share, when set, closes the page with a "Share this page" section; the
	// web layer sets it when the campaign has no share action of its own.
	Share *ShareView
}

// CampaignView is a campaign's own content.
type CampaignView struct {
	Title    string
	Summary  string
	DateText string
	DateISO  string
	Image    *Img
	BodyHTML template.HTML
	// Hashtags are written with their # sign.
	Hashtags []string
	// Steps is true for the numbered-steps layout, false for sections.
	Steps bool
	// Status is the campaign's state for the banner: "", "closed" or "victory".
	Status string
	// StatusText is the banner's heading, such as "This campaign has ended".
	StatusText string
	// OutcomeHTML is the organisers' note on a closed or victory campaign.
	OutcomeHTML template.HTML
}

// ActionView is one call to action. Kind says which of the kind fields is set.
type ActionView struct {
	// ID is the element id, so #ID links to the action.
	ID string
	// Kind is the action's kind, such as "petition".
	Kind string
	// Number is the step number (1-based) in the steps layout.
	Number int
	// Icon is an emoji or symbol shown before the title, or empty.
	Icon      string
	Title     string
	IntroHTML template.HTML
	// Closed is true when the campaign no longer takes actions.
	Closed bool
	// Next is offered after a share or contact action: the next call to
	// action, or a related campaign; nil for none (internal/site/nextstep.go).
	Next *NextStep

	Statement *StatementView
	Letter    *LetterView
	Petition  *PetitionView
	Contact   *ContactView
	Share     *ShareView
	Listen    *ListenView
	Engage    *EngageView
	Donate    *DonateView
	Resources *ResourcesView
}

// StatementView is a press statement.
type StatementView struct {
	// Dateline is the place, such as "NEW YORK".
	Dateline string
	DateText string
	DateISO  string
	BodyHTML template.HTML
	Media    *Person
	// Availability is the press-availability line, or empty.
	Availability string
	// AboutName and AboutHTML are the organisation's boilerplate, closing the
	// statement as press releases do ("About …"); AboutHTML may be empty.
	AboutName string
	AboutHTML template.HTML
}

// LetterView is an open letter.
type LetterView struct {
	To            string
	Salutation    string
	BodyHTML      template.HTML
	Closing       string
	Organisations []SignatoryView
	Individuals   []SignatoryView
	// SignatoryCountText is the number of signatories in words, such as "Signed by 10 organisations".
	SignatoryCountText string
	// Tally is the live count of added names, nil when the letter takes no signatures.
	Tally *Tally
	// Form is the form to add a name (a person's, or an organisation's for
	// moderation), nil when the letter takes no signatures.
	Form *SignForm
}

// SignatoryView is one signatory of a letter.
type SignatoryView struct {
	Name string
	// URL is the signatory's website, or empty.
	URL  string
	Logo *Img
	Role string
}

// PetitionView is a petition.
type PetitionView struct {
	// Target is who the petition is addressed to.
	Target   string
	TextHTML template.HTML
	// Goal is the number of signatures aimed for, 0 when none was set.
	Goal int
	// GoalText is the goal formatted for people, such as "5,000 signatures".
	GoalText string
	// Tally is the live count against the goal, nil before signing is open.
	Tally *Tally
	// Form is the signing form, nil when the petition takes no signatures.
	Form *SignForm
}

// Tally is a petition's or letter's live count, its goal (which climbs a
// ladder once reached) and the most recent signers who chose to be shown.
type Tally struct {
	// Count is the number of approved signatures; CountText says it for
	// people, such as "1,234 people have signed".
	Count     int
	CountText string
	// Goal is the goal shown now; GoalText says it, such as "Help us reach 2,500".
	Goal     int
	GoalText string
	// Percent is Count/Goal as a whole percentage, 0–100, for the progress bar.
	Percent int
	// Bar is the progress bar's value out of Goal: Count, but at least a
	// sliver once anyone has signed, so a bar beside a count above zero
	// never looks empty. 0 means Count.
	Bar int
	// Recent are the latest public signers, newest first.
	Recent []SignerView
}

// SignerView is one signer shown on a page: only what they chose to make public.
type SignerView struct {
	// Name is the signer's name; Detail their organisation and role, or their country.
	Name   string
	Detail string
	// WhenText says when they signed, such as "3 February 2026".
	WhenText string
	WhenISO  string
}

// SignForm is the form that signs a petition or letter. It works as a
// plain POST without JavaScript; the web layer answers with a redirect to
// the thank-you page, or with the form again (status 422) showing each
// error next to its field and keeping what was typed.
type SignForm struct {
	// Action is the POST address.
	Action string
	// ID prefixes the form's element ids, unique on the page.
	ID string
	// Fields are the inputs in order: those the organisers chose, each
	// marked required or optional.
	Fields []FormField
	// ConsentText is the organisation's consent sentence beside the consent
	// box, which must be ticked; ConsentChecked keeps the box ticked on a re-show.
	ConsentText    string
	ConsentChecked bool
	// ContactText is the organisation's sentence asking permission to
	// contact the signer later, beside a second, optional box that is
	// unticked unless ContactChecked (a re-show after the signer ticked
	// it). No such box when empty.
	ContactText    string
	ContactChecked bool
	// PublicLabel is the "show my name publicly" opt-in's label; it is
	// unticked unless PublicChecked (a re-show after the signer ticked it).
	PublicLabel   string
	PublicChecked bool
	// HoneypotName is the name of a field people never see or fill (hidden
	// from sight and from assistive technology); bots that fill it are refused.
	HoneypotName string
	// ActionID is the petition's or letter's action id, sent as the hidden
	// field "action" so the web layer knows which call to action was signed.
	ActionID string
	// TokenName and Token are the hidden signed timestamp field. Token is
	// written verbatim as the input's value.
	TokenName string
	Token     string
	// AttributionName and Attribution are the hidden field saying which
	// share source and personal link the signer arrived through; no field
	// when AttributionName is empty. Attribution is written verbatim as the
	// input's value.
	AttributionName string
	Attribution     string
	// SubmitLabel is the button text, such as "Sign the petition" or "Add your name".
	SubmitLabel string
	// Errors summarises the problems above the form on a re-show, each
	// linking to its field; empty on a first show.
	Errors []FieldError
	// Closed replaces the form with ClosedText, such as "Signing has ended."
	Closed     bool
	ClosedText string
	// PrivacyURL links the organisation's privacy policy beside the consent box, or is empty.
	PrivacyURL string
	// NewTab opens the form's links (the privacy policy) in a new tab, as
	// an embed needs: its frame is too small to show another page.
	NewTab bool
	// Lang is the page's language, sent as the hidden field "lang" so the
	// signature records it and the answer comes in the same language.
	Lang string
}

// FormField is one input of a signing form.
type FormField struct {
	// Name is the input's name, such as "email"; the element id is SignForm.ID + "-" + Name.
	Name string
	// Label is the visible label; Hint optional help under it.
	Label string
	Hint  string
	// Type is "text", "email", "tel", "textarea" or "select".
	Type string
	// Autocomplete is the input's autocomplete token, such as "email" or "postal-code".
	Autocomplete string
	Required     bool
	// MaxLength is the most characters accepted.
	MaxLength int
	// Value is what the signer typed, kept on a re-show.
	Value string
	// Options are a select's choices (value and label), the first usually empty.
	Options []Option
	// Error is the problem with this field, shown next to it, or empty.
	Error string
}

// Option is one choice of a select.
type Option struct {
	Value, Label string
}

// FieldError is one problem in the summary above a re-shown form.
type FieldError struct {
	// Field is the input's name, so the summary can link to it.
	Field   string
	Message string
}

// ContactView asks the reader to call or email decision-makers.
type ContactView struct {
	// Regions are the distinct regions of the targets, sorted; empty when
	// targets have no regions, in which case no picker is shown.
	Regions []string
	// Region is the region the reader picked, or empty.
	Region string
	// FormAction is the GET address of the region picker, including the #ID fragment.
	FormAction string
	// Targets are the decision-makers to show: all of them, or those of Region.
	Targets []TargetView
	// ScriptHTML is the call script.
	ScriptHTML template.HTML
	// Subject and Message are the prefilled email, shown so readers can copy them.
	Subject string
	Message string
	// LookupURL is the action's own page when it finds representatives by
	// postcode (the GET form's action); PageURL the same page for an action
	// without a lookup table (calls counted there). Empty when there is none.
	LookupURL, PageURL string
}

// TargetView is one decision-maker with ready-made links.
type TargetView struct {
	Name   string
	Role   string
	Region string
	Phone  string
	// TelURL is a tel: link, or empty.
	TelURL string
	Email  string
	// MailtoURL is a mailto: link with the subject and message prefilled, or empty.
	MailtoURL string
	// GmailURL and OutlookURL open the same message in those webmails, or are empty.
	GmailURL, OutlookURL string
	// Party and Address are the target's party and postal address, as the
	// targets file gives them, or empty.
	Party, Address string
	// Photo is the target's picture from the organisation's folder, with
	// alt text in the page's language, or nil.
	Photo *Img
}

// ShareView offers share links for every network and the link itself.
type ShareView struct {
	// URL is the address being shared: the campaign's canonical URL.
	URL string
	// Links are the share links in page order.
	Links []ShareLink
	// Mastodon is the form that asks for the reader's instance, since Mastodon
	// has no single share address.
	Mastodon MastodonShare
	// Hashtags are written with their # sign.
	Hashtags []string
	// LinkLabel labels the field holding URL; empty means "Link to this page".
	LinkLabel string
	// NativeURL and NativeText are what the "Share…" button hands to the
	// device's own share sheet (Web Share API); the button appears only
	// where the browser has one, and only when NativeURL is set.
	NativeURL  string
	NativeText string
	// Message is the one message to copy and paste anywhere: the first
	// share text with its link (tagged "copy") and, on a line of their
	// own, the hashtags. Empty shows the plain link field instead.
	Message string
}

// ShareLink is a plain link that opens a network's own share screen.
type ShareLink struct {
	// Network is the network's key, such as "x" or "email".
	Network string
	// Label is the link text, such as "Share on Bluesky".
	Label string
	// URL is the share address with the message prefilled.
	URL string
	// Text is the message, shown for networks whose share screen takes only a
	// link (Facebook, LinkedIn), so readers can paste it; otherwise empty.
	Text string
}

// MastodonShare is the small GET form that sends the reader to their own
// Mastodon instance's share screen.
type MastodonShare struct {
	// Action is the form's GET address on this site.
	Action string
	// Text is the message, sent as a hidden field.
	Text string
}

// ListenView lists things to listen to, watch or read.
type ListenView struct {
	Items []MediaView
}

// MediaView is one item to hear, watch or read, shown as a link.
type MediaView struct {
	Title  string
	Source string
	URL    string
	// DurationText is the length for people, such as "34 min", or empty.
	DurationText string
	// DurationISO is the ISO 8601 duration, such as PT34M, or empty.
	DurationISO string
	// FormatText is the item's format for people, such as "Podcast".
	FormatText  string
	Description string
}

// EngageView is a directory of organisations to contact or join.
type EngageView struct {
	// Groups are the organisations grouped by region, regions sorted; a
	// directory without regions is one group with an empty Region.
	Groups []MemberGroup
}

// MemberGroup is the directory's organisations in one region.
type MemberGroup struct {
	Region  string
	Members []MemberView
}

// MemberView is one organisation in a directory.
type MemberView struct {
	Name        string
	URL         string
	Description string
	Email       string
	MailtoURL   string
}

// DonateView lists places to give.
type DonateView struct {
	Destinations []DestinationView
}

// DestinationView is one place to give, with optional one-click amounts.
type DestinationView struct {
	Name        string
	URL         string
	Description string
	// Amounts are suggested amounts; each links to the donation page (with
	// the amount preset when the page supports it).
	Amounts []Link
}

// ResourcesView lists reports and documents.
type ResourcesView struct {
	Items []ResourceView
}

// ResourceView is one document.
type ResourceView struct {
	Title       string
	URL         string
	Description string
	DateText    string
	DateISO     string
	// FormatText describes a downloadable file, such as "PDF, 1.2 MB", or is empty for web pages.
	FormatText string
	// Download is true for files served by this site.
	Download bool
}

// NotFoundPageProps is the helpful 404 page.
type NotFoundPageProps struct {
	Page Page
	// Path is the address that was asked for.
	Path string
	// Suggestions are pages whose address is close to Path, best first.
	Suggestions []Link
	// HomeURL is the site index.
	HomeURL string
	// HomeLabel is the words of the button to HomeURL, such as "See
	// Riverside Coalition's campaigns"; empty for "Go to the home page".
	HomeLabel string
}

// ErrorPageProps is the page for any other error status.
type ErrorPageProps struct {
	Page   Page
	Status int
	// Heading is a short plain-language title, such as "That request was too large".
	Heading string
	// Message says what happened and what to do next. For 5xx it never contains internal details.
	Message string
	HomeURL string
}

// SignPageProps is the page a signing form is re-shown on when the signer
// must correct something (status 422), and the page a closed campaign's
// refusal is shown on.
type SignPageProps struct {
	Page Page
	// CampaignTitle and CampaignURL lead back to the campaign.
	CampaignTitle string
	CampaignURL   string
	// Heading is the page's h1, such as "Check your details".
	Heading string
	// Form is the form with the signer's values and the errors.
	Form SignForm
	// Message, when set, says plainly under the heading what happened and
	// what to do, such as why the form came back.
	Message string
	// Choices, when set, replace Form: each of the campaign's signing
	// forms under its action's title, holding what the signer typed, for
	// a form that named no action the page still has.
	Choices []SignChoice
}

// SignChoice is one of several signing forms on a SignPage, under its
// petition's or letter's title.
type SignChoice struct {
	Title string
	Form  SignForm
}

// ThanksPageProps is the page after a signature (Post/Redirect/Get).
type ThanksPageProps struct {
	Page          Page
	CampaignTitle string
	CampaignURL   string
	// Outcome is "signed" (the signature counted), "pending" (an
	// organisation awaiting approval) or "already" (this email had signed;
	// nothing changed). Heading and Message say it plainly.
	Outcome string
	Heading string
	Message string
	// ShareURL is where "Yes, I'll share" leads: the campaign's share prompts.
	ShareURL string
	// DonateURL is where "Not now" leads: the campaign's donate action, or
	// the campaign page when it has none.
	DonateURL string
	// DonateText is the label of that link, such as "Not now — donate instead".
	DonateText string
	// Personal is the new signer's own share link, or nil (internal/web/personal.go).
	Personal *PersonalLinkView
	// Next is the campaign's next call to action after signing, or nil.
	Next *NextStep
	// Place is the new signer's place among the signers, and the goal when
	// there is one ("You are number 13: help us reach 5,000."), or empty.
	Place string
	// Donate asks for a gift when the organisation takes donations, or nil.
	Donate *DonateAsk
}

// PosterPageProps is a campaign's printable A4 poster
// (/{org}/{campaign}/poster): the campaign's title and summary, a large QR
// code and the address in type big enough to read from a few steps away,
// for street stalls, notice boards and shop windows. The page has no site
// header, navigation or footer; on screen it shows the sheet with a short
// note on how to print it.
type PosterPageProps struct {
	// Page supplies the document head (title, language and direction,
	// stylesheet, theme, canonical address of the campaign). Its header and
	// footer fields are not used.
	Page Page
	// PosterStylesheetURL is the content-hashed address of the poster's own
	// stylesheet (A4 page size and the sheet's layout), loaded after the
	// site stylesheet.
	PosterStylesheetURL string
	// OrgName is the organisation's full name, shown at the top of the sheet.
	OrgName string
	// Logo is the organisation's logo, or nil.
	Logo *Img
	// Title and Summary are the campaign's, as on its page.
	Title, Summary string
	// QR is the code to scan; its URL is the QR SVG's address and Alt says
	// where it leads.
	QR Img
	// ShortURL is the campaign's address without the scheme, such as
	// act.example.org/riverside/save-the-library, printed large for people
	// who type rather than scan.
	ShortURL string
	// CampaignURL is the campaign page's address, for the on-screen link back.
	CampaignURL string
	// Action names what the poster asks of its reader, in the page's
	// language, such as "Sign the petition": the campaign's first signable
	// call to action, else its first one. Empty shows none.
	Action string
}
