// Package admin holds the organisers' console's templ components
// (internal/console serves them) and the view models they take. Every page
// is rendered inside Layout; components read their fixed wording through
// t, in the language Page.L speaks. Nothing here loads from another origin,
// and the only script is the console's own passkey.js, on the pages that
// offer a passkey.
package admin

import (
	"context"

	"github.com/placard/placard/internal/i18n"
)

//go:generate go tool templ generate -path ../..

// Page is what every console page shares.
type Page struct {
	// L speaks the organiser's language; nil is English.
	L *i18n.Localizer
	// Title is the page's own heading (the site name is added).
	Title string
	// SiteName names the installation.
	SiteName string
	// StyleURL and ScriptURL are the console's stylesheet and, on pages
	// offering a passkey, its script ("" for none).
	StyleURL, ScriptURL string
	// Who is the signed-in organiser's address; "" before sign-in.
	Who string
	// Org is the organisation being looked at ("" for none) and OrgName its name.
	Org, OrgName string
	// Nav lists the organisation's sections.
	Nav []NavItem
	// PasskeysURL is the organiser's passkeys page ("" when passkeys are
	// off); the header links to it.
	PasskeysURL string
	// SessionsURL is the organiser's sessions page ("" when the store
	// keeps none); the header links to it.
	SessionsURL string
	// ActivityURL is the site activity page, for a site admin ("" for
	// anyone else); the header links to it.
	ActivityURL string
	// SignOutURL is where the sign-out form posts.
	SignOutURL string
	// Notice is a line confirming what was just done ("" for none).
	Notice string
}

// NavItem is one link of the console's navigation.
type NavItem struct {
	Label, URL string
	Current    bool
}

// Message is a page that only says something: an error, or a notice
// with a link onwards.
type Message struct {
	Heading, Text string
	LinkText      string
	LinkURL       string
}

// TokenForm is a page with one button that spends a one-time token (an
// invitation, an emailed sign-in link): opening the link changes nothing,
// so a mail scanner following it signs nobody in.
type TokenForm struct {
	Heading, Text, Button string
	Action                string
	Token                 string
}

// SignIn is the sign-in page.
type SignIn struct {
	// PasskeyBegin and PasskeyFinish are the passkey ceremony's addresses.
	PasskeyBegin, PasskeyFinish, Next string
	// LinkAction is where the email-link form posts; "" when email is off.
	LinkAction string
	// Sent says an email-link request was taken.
	Sent bool
}

// Passkey is the page that registers a passkey for the signed-in organiser.
type Passkey struct {
	// Begin and Finish are the ceremony's addresses; "" when the session
	// is too old to add one (Stale).
	Begin, Finish, Next string
	// Count is how many passkeys the organiser has.
	Count int
	// Keys are the organiser's passkeys, oldest first.
	Keys []PasskeyRow
	// RemoveAction is where each Remove button posts; "" for no buttons.
	RemoveAction string
	// LastNote says what removing the only passkey means.
	LastNote string
	// HereNote says that removing any passkey signs this browser out (its
	// session's way of signing in was not recorded); "" for none.
	HereNote string
	// Stale: the session signed in too long ago to add or remove one;
	// StaleText says so and StaleLink (to StaleURL) signs in again.
	Stale                          bool
	StaleText, StaleLink, StaleURL string
}

// PasskeyRow is one of an organiser's passkeys.
type PasskeyRow struct {
	ID, Name, Added, LastUsed string
	// Here: this browser signed in with it, so removing it signs this
	// browser out too.
	Here bool
}

// Sessions is the organiser's sessions page.
type Sessions struct {
	// Rows are the open sessions, this browser's first.
	Rows []SessionRow
	// Others is how many rows are not this browser's.
	Others int
	// EndAction is where End and "Sign out everywhere else" post;
	// SignOutURL where this browser's own Sign out does.
	EndAction, SignOutURL string
}

// SessionRow is one open session: when it signed in, how (a passkey's
// name, an emailed link, an invitation), when it was last used. ID names
// it in the End form.
type SessionRow struct {
	ID, Opened, How, LastSeen string
	// Here: this browser's own session.
	Here bool
}

// OrgLink is one organisation in a site admin's list.
type OrgLink struct {
	Name, URL string
}

// Dashboard is an organisation's campaigns.
type Dashboard struct {
	Campaigns []CampaignRow
	// Outbox describes the outbox's state; "" when email and webhooks are off.
	Outbox string
}

// CampaignRow is one campaign on the dashboard.
type CampaignRow struct {
	Title, Slug, URL, Status, StatusKey string
	// Signs says whether the campaign takes signatures (petition, letter).
	Signs          bool
	Count, Pending int
	// Unsent is how many confirmation emails were given up unsent: their
	// inbox had no turn before their signature expired (store.MailPace).
	Unsent int
	// Refused is how many signatures the database could not hold as sent
	// (store.Refusals): their signers were asked to change a field.
	Refused int
	// Bots is how many sign forms were caught by the form's trap, a
	// field people never see (store.Traps): answered as signed, nothing
	// of them stored, in no count of signatures.
	Bots        int
	ModerateURL string
	Chart       Chart
	Sources     []SourceRow
	Wordings    []SourceRow
	Referrals   []ReferralRow
	// Outreach is, per contact action, the calls and emails to each
	// target (counts only).
	Outreach []OutreachTable
}

// OutreachTable is one contact action's calls and emails, per target.
type OutreachTable struct {
	// Caption names the action.
	Caption string
	Rows    []OutreachRow
	// Notes tell the organiser, in plain words, of a decision-maker's
	// queue that needs their attention: longer than a day, or mostly
	// from one email domain.
	Notes []string
}

// OutreachRow is one target's counts: calls by outcome, emails written
// through the organisation, and those still waiting for the drip's next
// free hour.
type OutreachRow struct {
	Target                                      string
	Staff, Voicemail, NoAnswer, Emails, Waiting string
	// Held is how many letters were turned away because a day of letters
	// already waited for the target (store.OutcomeHeld).
	Held string
}

// Chart is a small bar chart of signatures per day, drawn on the server.
// Geometry is computed by the caller; the SVG has a title and the same
// figures follow in a table for screen readers and text browsers.
type Chart struct {
	Width, Height int
	Bars          []Bar
	// Max is the tallest bar's figure, written beside the axis.
	Max   string
	Label string
	// From and To are the first and last day shown.
	From, To string
	// Empty says no day had a signature: a sentence replaces the chart.
	Empty bool
}

// Bar is one day's bar.
type Bar struct {
	X, Y, W, H int
	Day, Count string
}

// SourceRow is arrivals and signatures for one share source or wording.
type SourceRow struct {
	Name                 string
	Arrivals, Signatures string
}

// ReferralRow is one personal link that brought signatures.
type ReferralRow struct {
	Token, Signatures string
}

// Moderation is one page of an organisation's queue of signatures
// waiting for approval, oldest first.
type Moderation struct {
	Action string
	// Pending is this page's rows (at most one page, never the queue).
	Pending []PendingRow
	// ReadOnly is a viewer's page: Waiting only, Pending empty (a viewer
	// sees counts, not people).
	ReadOnly bool
	// Waiting is how many wait on each campaign (a viewer's page).
	Waiting []WaitingRow
	// Total says how many wait (from the tallies, not by reading them),
	// on the campaign filtered or on all; Shown how many this page shows.
	Total, Shown string
	// FilterAction is where the campaign filter's form goes (GET), with
	// Campaigns its choices; the filter is offered with two or more.
	FilterAction string
	Campaigns    []FilterOption
	// Campaign is the campaign filtered ("" for all) and After where this
	// page starts ("" for the oldest): a decision sends them back so its
	// answer returns to the same place.
	Campaign, After string
	// Older and Newer are the links to the pages either side, "" when
	// there is none; each keeps the filter.
	Older, Newer string
	// PageIDs are the rows' ids, which the buttons for everyone on the
	// page decide: exactly those shown, never "whatever waits now".
	PageIDs []string
	// ApprovePage and RejectPage are those buttons' words.
	ApprovePage, RejectPage string
}

// FilterOption is one choice of a filter.
type FilterOption struct {
	Value, Label string
	Selected     bool
}

// WaitingRow is how many signatures wait for approval on one campaign.
type WaitingRow struct {
	CampaignTitle, Count string
}

// PendingRow is one organisation that signed and awaits approval.
type PendingRow struct {
	ID                       string
	Campaign, CampaignTitle  string
	Organisation, Name, Role string
	Comment, Created         string
}

// Data is an organisation's exports and the erase form.
type Data struct {
	Exports []ExportRow
	// Removed are the downloads of removed campaigns' signatures, kept
	// apart from any new campaign of the same name (store.Removals).
	Removed     []ExportRow
	EraseAction string
	ReadOnly    bool
}

// ExportRow is one campaign's download links.
type ExportRow struct {
	Title string
	Links []NavItem
}

// EraseConfirm asks to confirm an erasure.
type EraseConfirm struct {
	Action, Email string
}

// Audit is an organisation's audit log.
type Audit struct {
	// Intro says what the log holds ("" for none).
	Intro   string
	Entries []AuditRow
}

// AuditRow is one audit entry.
type AuditRow struct {
	At, Actor, Action, Detail string
}

type locKey struct{}

var english = i18n.New(i18n.Default, nil)

// WithLocalizer returns ctx carrying l for the components rendered with it.
func WithLocalizer(ctx context.Context, l *i18n.Localizer) context.Context {
	if l == nil {
		return ctx
	}
	return context.WithValue(ctx, locKey{}, l)
}

// t is the interface string key in the page's language.
func t(ctx context.Context, key string, args ...string) string {
	if l, ok := ctx.Value(locKey{}).(*i18n.Localizer); ok {
		return l.T(key, args...)
	}
	return english.T(key, args...)
}
