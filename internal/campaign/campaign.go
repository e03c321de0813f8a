// Package campaign is Placard's domain: organisations, their campaigns and the
// calls to action inside them, loaded from the YAML files organisers write.
//
// The package knows nothing of HTTP, SQL or HTML. Load reads a campaigns
// directory into an immutable Site snapshot and reports every problem it finds
// at once, each with the file, line and column the organiser needs to fix it.
//
// The struct fields below are the configuration format: the yaml tag is the
// key organisers write, and the doc comment on each field is the text the
// organiser's guide and the editor schema show. Fields tagged yaml:"-" are
// derived by the loader and never written by hand.
package campaign

import (
	"cmp"
	"slices"
	"strings"
	"time"

	"github.com/placard/placard/internal/targets"
)

// Site is one loaded campaigns directory: every organisation with its
// campaigns. A Site is never modified after Load returns it, so it can be
// shared by any number of goroutines; a reload builds a new Site.
type Site struct {
	// Orgs holds every organisation, sorted by name.
	Orgs []*Org
	// Config is site.yaml, the settings of the site as a whole; never nil
	// once loaded (empty without the file).
	Config *SiteConfig

	orgs map[string]*Org
}

// SiteConfig is the site as a whole, read from site.yaml in the campaigns folder itself
// (beside the organisations' folders). Every setting is optional, and so is the file.
type SiteConfig struct {
	// File is the path of site.yaml as the organiser typed it, for messages.
	File string `yaml:"-"`

	// Name names the whole site where a page belongs to no one organisation: the home page's
	// heading, the first link of the breadcrumb, the header of the page-not-found page and its
	// share previews, such as "Jewish Voice for Peace Action Center". Pages of an organisation
	// show the organisation's own name in share previews and embeds. Defaults to the default
	// organisation's name, else to the name the server was started with (Placard).
	Name string `yaml:"name"`
	// Description is a sentence about the site, for the home page and its share preview.
	Description string `yaml:"description"`
	// DefaultOrganisation is the folder name of the organisation the site belongs to: the home
	// page (/) shows its page, and the site's header shows its logo.
	DefaultOrganisation string `yaml:"default_organisation"`
	// Logo is the site's own logo, a picture in the assets folder of the campaigns folder
	// itself (such as assets/logo.svg), shown beside the site's name on pages that belong to
	// no one organisation (the home page, page not found). Without it those pages show the
	// default organisation's logo, if any.
	Logo *Image `yaml:"logo"`

	// Default is the organisation DefaultOrganisation names, set by the loader; nil for none.
	Default *Org `yaml:"-"`
}

// DisplayName returns the site's name: Name, else the default organisation's name, else
// fallback (the name the server was given).
func (c *SiteConfig) DisplayName(fallback string) string {
	switch {
	case c == nil:
		return fallback
	case strings.TrimSpace(c.Name) != "":
		return strings.TrimSpace(c.Name)
	case c.Default != nil:
		return c.Default.Name
	}
	return fallback
}

// DefaultOrg returns the organisation site.yaml's default_organisation
// names, or nil.
func (c *SiteConfig) DefaultOrg() *Org {
	if c == nil {
		return nil
	}
	return c.Default
}

// Org returns the organisation with the given slug, or nil.
func (s *Site) Org(slug string) *Org {
	if s == nil {
		return nil
	}
	return s.orgs[slug]
}

// Campaign returns the campaign orgSlug/slug, or nil when either is unknown.
func (s *Site) Campaign(orgSlug, slug string) *Campaign {
	o := s.Org(orgSlug)
	if o == nil {
		return nil
	}
	return o.Campaign(slug)
}

// Org is an organisation, read from campaigns/<slug>/org.yaml.
type Org struct {
	// Slug is the folder name; it is the organisation's URL, /<slug>.
	Slug string `yaml:"-"`
	// File is the path of org.yaml as the organiser typed it, for messages.
	File string `yaml:"-"`

	// Name is the organisation's full name, as it appears in headings and share previews.
	Name string `yaml:"name"`
	// ShortName is used where space is tight, such as the page header on a phone. Defaults to Name.
	ShortName string `yaml:"short_name"`
	// Website is the organisation's own site, a full https:// address.
	Website string `yaml:"website"`
	// Logo is the organisation's logo, a file in the organisation's folder (SVG, PNG or JPEG).
	Logo *Image `yaml:"logo"`
	// About is the organisation's boilerplate, in Markdown: who you are, what you do.
	About Markdown `yaml:"about"`
	// Colours are the brand colours used for buttons and accents.
	Colours Colours `yaml:"colours"`
	// MediaContact is who journalists should call; press statements use it unless they name their own.
	MediaContact *Person `yaml:"media_contact"`
	// Social lists the organisation's own accounts, each a full address.
	Social Social `yaml:"social"`
	// Donate is the address of the organisation's donation page.
	Donate string `yaml:"donate"`
	// ShareNetworks are the networks your share buttons offer first, in your order, such as
	// [whatsapp, telegram, email]: the first two are the large buttons, the others follow as
	// small links. Networks you leave out still appear, after them. Names: x, bluesky, mastodon,
	// facebook, linkedin, whatsapp, telegram, email.
	ShareNetworks []Network `yaml:"share_networks"`
	// PrivacyPolicy is the address of the organisation's privacy policy.
	PrivacyPolicy string `yaml:"privacy_policy"`
	// Language is the language campaigns are written in, as a code such as en, ar or he. Defaults to en,
	// or to the first of languages. A country may follow for its spelling and dates: en-US writes
	// "October 19, 2023" and "organizations", en and en-GB "19 October 2023" and "organisations". With several languages it is the default one: its pages live at the
	// plain addresses, and a text missing in another language falls back to it.
	Language string `yaml:"language"`
	// Languages are the languages the organisation writes in, such as [en, ar, he]. Any text in
	// org.yaml or a campaign may then be written once per language (title: {en: …, ar: …}), and each
	// language gets its own pages, at /org/ar and /org/campaign/ar.
	Languages []string `yaml:"languages"`
	// Strings is the organisation's own wording for the site's buttons, labels and thank-you texts,
	// per language: strings: {en: {sign.submit.petition: Add my name}}. The section "Wording"
	// below lists every name.
	Strings map[string]map[string]string `yaml:"strings"`
	// Consent is the sentence beside the required consent box on every signing form, saying what
	// the organisation will do with a signer's details to count and deliver the signature, such as
	// "Riverside Coalition may keep my name and email to count and deliver this petition. I can
	// ask them to erase them at any time." Asking to contact signers later is a separate, optional
	// box: see contact_permission. A petition or letter may set its own.
	Consent string `yaml:"consent"`
	// ContactPermission is the sentence beside a second, optional box on every signing form,
	// asking permission to contact the signer later, such as "Keep me informed about our
	// work for renters." It is unticked until the signer ticks it, and is recorded (the exact
	// sentence and when) only then, apart from the consent. Without it no such box is shown.
	ContactPermission string `yaml:"contact_permission"`
	// Retention is how long signatures are kept after a campaign closes (its close_at), written
	// as a number of days, weeks or years: 180d, 26w or 2y (a year is 365 days). Once it has
	// passed, placard serve (daily) and placard signatures purge erase the campaign's
	// signatures and keep only its counts. A campaign may set its own. Without it signatures
	// are kept until you erase them.
	Retention string `yaml:"retention"`
	// RetentionDays is Retention in days, 0 for none; set by the loader.
	RetentionDays int `yaml:"-"`
	// Typography is how Markdown texts treat quotes and dashes: verbatim keeps every character as
	// typed (' stays ', -- stays --); smart turns them into typographic ones (’ and –). Without it,
	// letters and statements are verbatim, since their words are signed or quoted as written, and
	// other texts are smart. A campaign may set its own.
	Typography Typography `yaml:"typography"`
	// Delivery says what the printed hand-in document of a petition or letter shows the
	// decision-maker: count (the default) gives the text and the number of signatures;
	// names adds the names and places of the signers whose consent covered delivery
	// (they ticked the consent sentence the petition or letter shows now).
	Delivery Delivery `yaml:"delivery"`
	// Members is the organisation's directory of member or partner organisations; an engage
	// call to action without its own list shows these.
	Members []Member `yaml:"members"`
	// Redirects keeps renamed campaigns' old addresses working: in org.yaml a
	// mapping of old slug to new slug (redirects: {old-name: new-name}), kept
	// here in file order. The old slug must not be a current campaign and the
	// new one must be.
	Redirects []Redirect `yaml:"redirects"`
	// EmbedOrigins lists the other sites allowed to show this organisation's
	// campaigns inside their own pages (the /embed address of each campaign),
	// each written as scheme and host only, such as https://partner.example
	// (a port is allowed, a path is not). Browsers refuse to show the embed
	// anywhere else; leave it out and no site can embed the campaigns.
	EmbedOrigins []string `yaml:"embed_origins"`
	// Email is how signers are emailed when the server sends email (serve --smtp): whether a
	// signature waits for its signer to confirm their address, and how long. A campaign may set
	// its own.
	Email *Email `yaml:"email"`
	// Webhooks are your own systems (a CRM, a spreadsheet bridge) that Placard tells about
	// signatures as they happen, each an https:// address with the events it wants. See
	// docs/webhooks.md.
	Webhooks []Webhook `yaml:"webhooks"`
	// NameFields is how signing forms ask for a signer's name: one (the default) asks for it
	// in one field; split asks for the given name and the family name in two, so exports and
	// your CRM get them apart. A campaign may set its own.
	NameFields NameFields `yaml:"name_fields"`
	// OSDI sends each confirmed signature to Action Network (or another system with the same API)
	// through its record signature helper. See docs/webhooks.md.
	OSDI *OSDI `yaml:"osdi"`

	// Campaigns holds the organisation's campaigns, newest first (by date, then title).
	Campaigns []*Campaign `yaml:"-"`
	// Assets holds every file of the organisation's folder that a page refers to, by
	// path relative to the folder (for example "assets/logo.svg").
	Assets map[string]*Asset `yaml:"-"`
	// TargetFiles holds the decision-makers of each file in the targets/ folder, by file
	// name without its extension (targets/senate.csv is "senate"), in file order.
	TargetFiles map[string][]Target `yaml:"-"`

	campaigns map[string]*Campaign
	// translations holds the organisation in each of its other languages (Org.In).
	translations map[string]*Org
}

// Redirect is one renamed campaign: /org/From answers 301 to /org/To.
type Redirect struct {
	From, To string
}

// Campaign returns the organisation's campaign with the given slug, or nil.
func (o *Org) Campaign(slug string) *Campaign {
	if o == nil {
		return nil
	}
	return o.campaigns[slug]
}

// DisplayShortName returns ShortName, or Name when no short name was given.
func (o *Org) DisplayShortName() string {
	if o.ShortName != "" {
		return o.ShortName
	}
	return o.Name
}

// Markdown is text written in Markdown. Raw HTML in it is never passed through
// to a page.
type Markdown string

// Colours are an organisation's brand colours, each written as #rrggbb.
type Colours struct {
	// Primary colours buttons and links. It must be dark enough for white text on it to be readable.
	Primary string `yaml:"primary"`
	// Accent colours highlights such as the progress bar. Defaults to Primary.
	Accent string `yaml:"accent"`
}

// Email is how signers are emailed, in org.yaml or a campaign file, such as
// email: {confirm: true, unconfirmed_days: 7}. It matters only when the
// server sends email (placard serve --smtp); without that nothing is sent
// and signatures count at once.
type Email struct {
	// Confirm set to true holds each signature until its signer opens the link emailed to them
	// and presses the button there (double opt-in): until then it is not counted, listed or
	// exported.
	Confirm *bool `yaml:"confirm"`
	// UnconfirmedDays is how many days a signature waits for confirmation before it is erased.
	// Defaults to 7.
	UnconfirmedDays int `yaml:"unconfirmed_days"`
}

// Social holds an organisation's accounts on each network, each a full https:// address.
type Social struct {
	X         string `yaml:"x"`
	Bluesky   string `yaml:"bluesky"`
	Mastodon  string `yaml:"mastodon"`
	Facebook  string `yaml:"facebook"`
	Instagram string `yaml:"instagram"`
	LinkedIn  string `yaml:"linkedin"`
	YouTube   string `yaml:"youtube"`
	TikTok    string `yaml:"tiktok"`
	Threads   string `yaml:"threads"`
	Telegram  string `yaml:"telegram"`
	WhatsApp  string `yaml:"whatsapp"`
}

// Image is a picture from the organisation's folder, with the text a screen
// reader says in its place.
type Image struct {
	// Src is the file, relative to the organisation's folder, such as assets/photo.jpg.
	Src string `yaml:"src"`
	// Alt describes the picture for people who cannot see it. Required.
	Alt string `yaml:"alt"`
	// Credit names the photographer or source, shown under the picture.
	Credit string `yaml:"credit"`

	// Asset is the file Src names, read by the loader.
	Asset *Asset `yaml:"-"`
}

// Asset is a file from an organisation's folder that pages link to or show.
// The loader reads it once; pages serve it from memory under a content-hashed name.
type Asset struct {
	// Path is the file's path relative to the organisation's folder, with forward slashes.
	Path string
	// Data is the file's content.
	Data []byte
	// Hash is a short hex digest of Data, used in the asset's URL so it can be cached forever.
	Hash string
	// ContentType is the file's media type, such as image/png or application/pdf.
	ContentType string
	// Width and Height are the pixel size of a PNG, JPEG or GIF image, and the
	// declared size of an SVG when it has one; 0 otherwise.
	Width, Height int
	// NoCopies is set for a picture whose header reads but whose picture
	// data does not decode (cut short or damaged): it is served as it is,
	// with no smaller copies for phones, and the check warns.
	NoCopies bool
}

// Person is someone to contact, such as a media contact.
type Person struct {
	// Name is the person's name.
	Name string `yaml:"name"`
	// Role is the person's job or title.
	Role string `yaml:"role"`
	// Phone is a phone number, written with its country code: +1 555 0100.
	Phone string `yaml:"phone"`
	// Email is an email address.
	Email string `yaml:"email"`
}

// Webhook is one address Placard calls when something happens to a signature: webhooks:
// [{url: https://crm.example.org/placard, secret_env: PLACARD_ORG_NORTHGATE__WEBHOOK_SECRET, events:
// [signature.created]}].
type Webhook struct {
	// URL is where the events are sent, a full https:// address.
	URL string `yaml:"url"`
	// SecretEnv is the name of the environment variable holding the secret that signs every
	// call, such as PLACARD_ORG_NORTHGATE__WEBHOOK_SECRET: it starts with PLACARD_ORG_ and the
	// organisation's folder name followed by two underscores, unless the server's operator allows it with --secret-env. The
	// secret itself never goes in a file.
	SecretEnv string `yaml:"secret_env"`
	// Events lists what to send: signature.created, signature.confirmed, signature.updated, signature.erased.
	Events []string `yaml:"events"`
}

// OSDI is an Action Network (OSDI) endpoint that receives each confirmed signature: osdi: {url:
// https://actionnetwork.org/api/v2/petitions/…/signatures, api_key_env: PLACARD_ORG_NORTHGATE__AN_KEY}.
type OSDI struct {
	// URL is the petition's record signature helper address, a full https:// address ending in
	// /signatures.
	URL string `yaml:"url"`
	// APIKeyEnv is the name of the environment variable holding the API key, such as
	// PLACARD_ORG_NORTHGATE__AN_KEY: it starts with PLACARD_ORG_ and the organisation's folder
	// name, unless the server's operator allows it with --secret-env. The key itself never goes
	// in a file.
	APIKeyEnv string `yaml:"api_key_env"`
}

// Member is an organisation in a directory: a coalition member or partner to contact or join.
type Member struct {
	// Name is the organisation's name.
	Name string `yaml:"name"`
	// Link is the organisation's website.
	Link string `yaml:"link"`
	// Region is where the organisation works, used to group the directory.
	Region string `yaml:"region"`
	// Description says what the organisation does, in a sentence or two.
	Description string `yaml:"description"`
	// Email is an address to contact the organisation.
	Email string `yaml:"email"`
}

// PurgeAt is when the campaign's signatures are due to be erased: close_at
// plus the retention that applies. It is zero (never) without a retention
// or without close_at.
func (c *Campaign) PurgeAt() time.Time {
	if c.RetentionDays <= 0 || c.CloseAt.IsZero() {
		return time.Time{}
	}
	return c.CloseAt.AddDate(0, 0, c.RetentionDays)
}

// PublicAt reports whether the campaign has a public page at now: every
// status but draft, once publish_at (if any) has been reached.
func (c *Campaign) PublicAt(now time.Time) bool {
	return c.Status != StatusDraft && (c.PublishAt.IsZero() || !now.Before(c.PublishAt))
}

// Delivery is what a hand-in document shows: the count alone, or names too.
type Delivery string

// The deliveries.
const (
	// DeliveryCount hands in the text and the number of signatures (the default).
	DeliveryCount Delivery = "count"
	// DeliveryNames adds the names and places of signers whose consent covered delivery.
	DeliveryNames Delivery = "names"
)

// NameFields is how a signing form asks for a name: in one field or two.
type NameFields string

// The ways of asking for a name.
const (
	// NameFieldsOne asks for the name in one field (the default).
	NameFieldsOne NameFields = "one"
	// NameFieldsSplit asks for the given name and the family name in two fields.
	NameFieldsSplit NameFields = "split"
)

// Status is where a campaign is in its life.
type Status string

// The statuses a campaign can have.
const (
	// StatusPublished is the default: the campaign is public and open.
	StatusPublished Status = "published"
	// StatusDraft campaigns are not public.
	StatusDraft Status = "draft"
	// StatusClosed campaigns are public but no longer take actions.
	StatusClosed Status = "closed"
	// StatusVictory campaigns are public, closed, and show that they won.
	StatusVictory Status = "victory"
)

// Layout is how a campaign presents its calls to action.
type Layout string

// The layouts a campaign can use.
const (
	// LayoutSections shows each call to action as a section with its own heading. The default.
	LayoutSections Layout = "sections"
	// LayoutSteps shows the calls to action as numbered steps with icons, like a
	// "Listen. Amplify. Engage. Support." guide.
	LayoutSteps Layout = "steps"
)

// Campaign is one call-to-action page, read from campaigns/<org>/<slug>.yaml.
type Campaign struct {
	// Org is the organisation the campaign belongs to.
	Org *Org `yaml:"-"`
	// Slug is the file name without .yaml; it is the campaign's URL, /<org>/<slug>.
	Slug string `yaml:"-"`
	// File is the file's path as the organiser typed it, for messages.
	File string `yaml:"-"`

	// Title is the campaign's headline.
	Title string `yaml:"title"`
	// Summary is one or two sentences shown on cards and in share previews. Keep it under 200 characters.
	Summary string `yaml:"summary"`
	// Date is when the campaign was published, as YYYY-MM-DD.
	Date time.Time `yaml:"date"`
	// Short is a short address for posters and flyers, such as save-the-pool
	// for /save-the-pool, which leads to the campaign page. The poster prints
	// it instead of the full address. Lower-case letters, digits and hyphens;
	// no two campaigns on the site may share one, and it cannot be an
	// organisation's folder name.
	Short string `yaml:"short"`
	// Status is published (the default), draft, closed or victory.
	Status Status `yaml:"status"`
	// CloseAt is when the campaign stops taking actions, as YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ.
	CloseAt time.Time `yaml:"close_at"`
	// Retention is how long this campaign's signatures are kept after close_at, instead of the
	// organisation's retention: 180d, 26w or 2y.
	Retention string `yaml:"retention"`
	// RetentionDays is the retention that applies, in days (the campaign's own, else the
	// organisation's), 0 for none; set by the loader.
	RetentionDays int `yaml:"-"`
	// PublishAt is when a published campaign first appears, as YYYY-MM-DD or
	// YYYY-MM-DDTHH:MM:SSZ. Before it the campaign is treated like a draft: not
	// listed and not found. Zero means public as soon as it is loaded.
	PublishAt time.Time `yaml:"publish_at"`
	// Outcome is shown at the top of a closed or victory campaign, in Markdown.
	Outcome Markdown `yaml:"outcome"`
	// Image is the campaign's main picture, also used when the page is shared.
	Image *Image `yaml:"image"`
	// Hashtags are added to the end of every share message (and counted in each network's limit), written without the #.
	Hashtags []string `yaml:"hashtags"`
	// Body is the campaign's main text, in Markdown.
	Body Markdown `yaml:"body"`
	// Layout is sections (the default) or steps.
	Layout Layout `yaml:"layout"`
	// Typography is verbatim or smart for this campaign's texts, instead of the organisation's.
	Typography Typography `yaml:"typography"`
	// Related lists other campaigns to show at the end of the page.
	Related []Related `yaml:"related"`
	// Actions are the calls to action, in the order they appear.
	Actions []Action `yaml:"actions"`
	// Email overrides the organisation's email settings for this campaign, such as
	// email: {confirm: false}.
	Email *Email `yaml:"email"`
	// NameFields overrides the organisation's name_fields for this campaign: one or split.
	NameFields NameFields `yaml:"name_fields"`
	// Confirm and UnconfirmedDays are the email settings that apply (the campaign's own, else
	// the organisation's); set by the loader.
	Confirm         bool `yaml:"-"`
	UnconfirmedDays int  `yaml:"-"`

	// translations holds the campaign in each of its organisation's other languages (Campaign.In).
	translations map[string]*Campaign
}

// Related is a link to another campaign: either a campaign of this site,
// written as its slug (or org/slug for another organisation's), or an outside
// page written as a mapping with title, link and summary.
type Related struct {
	// Campaign is a campaign of this site, as slug or org/slug.
	Campaign string `yaml:"campaign"`
	// Title is the headline of an outside page.
	Title string `yaml:"title"`
	// Link is the address of an outside page.
	Link string `yaml:"link"`
	// Summary is a sentence about an outside page.
	Summary string `yaml:"summary"`

	// Target is the campaign Campaign names, resolved by the loader.
	Target *Campaign `yaml:"-"`
}

// Kind names a kind of call to action.
type Kind string

// The kinds of call to action.
const (
	KindStatement Kind = "statement"
	KindLetter    Kind = "letter"
	KindPetition  Kind = "petition"
	KindContact   Kind = "contact"
	KindShare     Kind = "share"
	KindListen    Kind = "listen"
	KindEngage    Kind = "engage"
	KindDonate    Kind = "donate"
	KindResources Kind = "resources"
)

// Kinds lists every kind of call to action, in the order the guide documents them.
var Kinds = []Kind{KindStatement, KindLetter, KindPetition, KindContact, KindShare, KindListen, KindEngage, KindDonate, KindResources}

// Action is one call to action. In YAML it is one mapping: the common fields
// below plus the fields of its kind. Exactly one of the kind pointers is set,
// the one that matches Kind.
type Action struct {
	// Kind is the kind of call to action: statement, letter, petition, contact, share,
	// listen, engage, donate or resources.
	Kind Kind `yaml:"kind"`
	// ID is the action's anchor in the page address (#id). Defaults to the kind, numbered if repeated.
	ID string `yaml:"id"`
	// Icon is an emoji or short symbol shown beside the title, such as "👂".
	Icon string `yaml:"icon"`
	// Title is the action's heading. Each kind has a sensible default, such as "Sign the petition".
	Title string `yaml:"title"`
	// Text is a short introduction in Markdown, shown under the title.
	Text Markdown `yaml:"text"`

	Statement *Statement `yaml:"-"`
	Letter    *Letter    `yaml:"-"`
	Petition  *Petition  `yaml:"-"`
	Contact   *Contact   `yaml:"-"`
	Share     *Share     `yaml:"-"`
	Listen    *Listen    `yaml:"-"`
	Engage    *Engage    `yaml:"-"`
	Donate    *Donate    `yaml:"-"`
	Resources *Resources `yaml:"-"`
}

// Statement is a press statement.
type Statement struct {
	// Dateline is the place the statement is issued from, such as NEW YORK.
	Dateline string `yaml:"dateline"`
	// Date is the statement's date, as YYYY-MM-DD. Defaults to the campaign's date.
	Date time.Time `yaml:"date"`
	// Body is the statement, in Markdown.
	Body Markdown `yaml:"body"`
	// MediaContact is who journalists should call. Defaults to the organisation's media contact.
	MediaContact *Person `yaml:"media_contact"`
	// Availability is a line about press availability, such as "Our staff are available for interview."
	Availability string `yaml:"availability"`
}

// Letter is an open letter with its signatories.
type Letter struct {
	// To is the addressee, such as "President of the Republic", shown above the letter. Optional: the salutation may say it.
	To string `yaml:"to"`
	// Salutation opens the letter, such as "Dear President,".
	Salutation string `yaml:"salutation"`
	// Body is the letter, in Markdown.
	Body Markdown `yaml:"body"`
	// Closing ends the letter, such as "With gratitude for your leadership,".
	Closing string `yaml:"closing"`
	// Organisations are the organisations that signed, in the order to list them.
	Organisations []Signatory `yaml:"organisations"`
	// Individuals are the people who signed, in the order to list them.
	Individuals []Signatory `yaml:"individuals"`
	// Signing opens the letter to more signatures: true lets people and
	// organisations add their names with the form described by Fields.
	Signing bool `yaml:"signing"`
	// Goal is the number of signatures aimed for when Signing is on, as for a petition,
	// counting the organisations and people listed as well as those who sign with the form.
	Goal int `yaml:"goal"`
	// Fields are the details the signing form asks for, as for a petition;
	// letters may also ask for organisation and role.
	Fields Fields `yaml:"fields"`
	// Consent overrides the organisation's consent text for this letter.
	Consent string `yaml:"consent"`
}

// Signatory is an organisation or person who signed a letter.
type Signatory struct {
	// Name is the organisation's or person's name.
	Name string `yaml:"name"`
	// Link is the signatory's website.
	Link string `yaml:"link"`
	// Logo is an organisation's logo, a file in the organisation's folder.
	Logo *Image `yaml:"logo"`
	// Role is a person's role and affiliation, such as "Rabbi, Congregation Beth Am".
	Role string `yaml:"role"`
}

// Petition is a petition to a decision-maker.
type Petition struct {
	// Target is who the petition is addressed to, such as "Riverside City Council".
	Target string `yaml:"target"`
	// Text is what signers ask for, in Markdown.
	Text Markdown `yaml:"text"`
	// Goal is the number of signatures the campaign aims for, a whole number.
	// When it is reached the page shows the next step of a ladder (100, 250,
	// 500, 1,000, 2,500, 5,000, 10,000 …). Without it the page shows the count
	// alone, with no goal and no progress bar.
	Goal int `yaml:"goal"`
	// Fields are the details the signing form asks for. Defaults to name and email, both required.
	Fields Fields `yaml:"fields"`
	// Consent overrides the organisation's consent text for this petition.
	Consent string `yaml:"consent"`
}

// FieldRule says whether a signing form asks for a detail: "required",
// "optional", or "" (not asked).
type FieldRule string

// The rules a signing field can have.
const (
	FieldOff      FieldRule = ""
	FieldRequired FieldRule = "required"
	FieldOptional FieldRule = "optional"
)

// Fields chooses, from a fixed set, the details a signing form asks for, each
// required or optional. Name and email default to required; the rest are not
// asked unless listed. Organisation and role exist only on letters: a signer
// who gives an organisation signs on its behalf, and organisations are listed
// only after the organisers approve them.
type Fields struct {
	// SplitNames is true when the form asks for the name as a given name and a family name
	// (name_fields: split, the campaign's own setting else the organisation's); the name rule
	// then applies to both. Set by the loader.
	SplitNames bool `yaml:"-"`

	Name         FieldRule `yaml:"name"`
	Email        FieldRule `yaml:"email"`
	Postcode     FieldRule `yaml:"postcode"`
	Country      FieldRule `yaml:"country"`
	Phone        FieldRule `yaml:"phone"`
	Comment      FieldRule `yaml:"comment"`
	Organisation FieldRule `yaml:"organisation"`
	Role         FieldRule `yaml:"role"`
}

// Contact asks supporters to call or email decision-makers.
type Contact struct {
	// Targets are the decision-makers to contact: a list, or the name of a file in the
	// organisation's targets/ folder (targets: senate reads targets/senate.csv or .yaml).
	Targets []Target `yaml:"targets"`
	// TargetsFile is the file targets: named, when it named one; set by the loader.
	TargetsFile string `yaml:"-"`
	// Filter keeps only the targets whose role contains role:, whose party is party: and
	// whose district is district:, such as filter: {role: senator}. Without targets:, it
	// picks from every file in targets/.
	Filter *TargetFilter `yaml:"filter"`
	// Lookup names a table in the targets/ folder that maps postcodes to districts, such as
	// postcodes.csv; the page then asks for the reader's postcode and shows their own
	// representatives first.
	Lookup string `yaml:"lookup"`
	// LookupTable is Lookup read and checked; set by the loader.
	LookupTable *targets.Lookup `yaml:"-"`
	// Send is how emails reach the targets: client (the default) opens the supporter's own
	// email app or webmail; server lets supporters edit the message on the page, confirm
	// their address and have Placard send it from the organisation's address, with replies
	// going to them.
	Send string `yaml:"send"`
	// PerHour is, with send: server, the most messages one target receives in an hour; the
	// rest wait for the following hours. Defaults to 20.
	PerHour int `yaml:"per_hour"`
	// Script is what to say on the phone, in Markdown.
	Script Markdown `yaml:"script"`
	// Subject is the subject line of the prefilled email.
	Subject string `yaml:"subject"`
	// Message is the body of the prefilled email, plain text.
	Message string `yaml:"message"`
}

// TargetFilter picks targets by role, party or district; case is ignored.
type TargetFilter struct {
	// Role keeps targets whose role contains this word, such as senator.
	Role string `yaml:"role"`
	// Party keeps targets of this party.
	Party string `yaml:"party"`
	// District keeps targets of this district (their region).
	District string `yaml:"district"`
}

// Target is a decision-maker to call or email.
type Target struct {
	// ID is a short name for the target, kept with call and email counts. Defaults to the
	// name in lower case with hyphens.
	ID string `yaml:"id"`
	// Name is the decision-maker's name.
	Name string `yaml:"name"`
	// Role is their office, such as "Senator for Ohio".
	Role string `yaml:"role"`
	// Phone is their office number, with its country code.
	Phone string `yaml:"phone"`
	// Email is their office email address.
	Email string `yaml:"email"`
	// Region is the place they represent; when targets have regions, readers pick theirs.
	Region string `yaml:"region"`
	// Hours are the office's opening hours, such as Mon–Fri 9:00–17:00.
	Hours string `yaml:"hours"`
	// Party is the target's party; set from a targets file.
	Party string `yaml:"-"`
	// Phones are every office number, Phone first; set by the loader.
	Phones []string `yaml:"-"`
	// Address is the office's postal address; set from a targets file.
	Address string `yaml:"-"`
	// Languages are the languages the office answers in; set from a targets file.
	Languages []string `yaml:"-"`
	// Photo is the target's picture; set from a targets file.
	Photo *Asset `yaml:"-"`
}

// Network names a place a message can be shared.
type Network string

// The networks Placard makes share links for, in the order the page shows them.
const (
	NetworkX        Network = "x"
	NetworkBluesky  Network = "bluesky"
	NetworkMastodon Network = "mastodon"
	NetworkFacebook Network = "facebook"
	NetworkLinkedIn Network = "linkedin"
	NetworkWhatsApp Network = "whatsapp"
	NetworkTelegram Network = "telegram"
	NetworkEmail    Network = "email"
)

// Networks lists every network in page order.
var Networks = []Network{NetworkX, NetworkBluesky, NetworkMastodon, NetworkFacebook, NetworkLinkedIn, NetworkWhatsApp, NetworkTelegram, NetworkEmail}

// Share asks supporters to amplify the campaign with prewritten messages.
type Share struct {
	// Messages are the prewritten texts, per network. Write {link} where the
	// campaign's address goes; without it the address is added at the end.
	Messages ShareMessages `yaml:"messages"`
	// Hashtags override the campaign's hashtags for this action's messages, written without the #.
	Hashtags []string `yaml:"hashtags"`
	// EmailSubject is the subject line when sharing by email. Defaults to the campaign title.
	EmailSubject string `yaml:"email_subject"`
}

// ShareMessages holds the prewritten messages per network: one message, or
// a list of them that pages rotate through, so different visitors are
// offered different wordings. Networks without their own message use
// Default; when Default is empty they use the campaign summary.
type ShareMessages struct {
	// Default is used for every network without its own message.
	Default ShareText `yaml:"default"`
	// X is limited to 280 characters, the link counting as 23.
	X ShareText `yaml:"x"`
	// Bluesky is limited to 300 characters.
	Bluesky ShareText `yaml:"bluesky"`
	// Mastodon is limited to 500 characters.
	Mastodon ShareText `yaml:"mastodon"`
	// Facebook and LinkedIn take only the link; the message is shown for supporters to paste.
	Facebook ShareText `yaml:"facebook"`
	LinkedIn ShareText `yaml:"linkedin"`
	WhatsApp ShareText `yaml:"whatsapp"`
	Telegram ShareText `yaml:"telegram"`
	// Email is the body of the email.
	Email ShareText `yaml:"email"`
}

// ShareText is one share message, or several that pages rotate through.
// In YAML it is written as a single text or as a list of texts.
type ShareText []string

// First returns the first message, or "".
func (t ShareText) First() string {
	if len(t) == 0 {
		return ""
	}
	return t[0]
}

// own returns network n's own messages.
func (m ShareMessages) own(n Network) ShareText {
	switch n {
	case NetworkX:
		return m.X
	case NetworkBluesky:
		return m.Bluesky
	case NetworkMastodon:
		return m.Mastodon
	case NetworkFacebook:
		return m.Facebook
	case NetworkLinkedIn:
		return m.LinkedIn
	case NetworkWhatsApp:
		return m.WhatsApp
	case NetworkTelegram:
		return m.Telegram
	case NetworkEmail:
		return m.Email
	}
	return nil
}

// For returns network n's first message, falling back to Default.
func (m ShareMessages) For(n Network) string { return m.Variant(n, 0) }

// Variant returns network n's message for rotation v: the v-th of n's own
// messages (or of Default's, when n has none), counting round the list;
// "" when neither has any.
func (m ShareMessages) Variant(n Network, v int) string {
	t := m.own(n)
	if len(t) == 0 {
		t = m.Default
	}
	if len(t) == 0 {
		return ""
	}
	return t[v%len(t)]
}

// Variants is how many different renderings the messages need: the
// longest list among them, at least 1.
func (m ShareMessages) Variants() int {
	n := max(1, len(m.Default))
	for _, nw := range Networks {
		n = max(n, len(m.own(nw)))
	}
	return n
}

// Listen points supporters at voices to hear or read: audio, video, podcasts, statements.
type Listen struct {
	// Items are the things to listen to, watch or read, in order. They may be left out when the
	// action's text names and links what to listen to.
	Items []MediaItem `yaml:"items"`
}

// MediaItem is a recording or statement to listen to, watch or read. Placard
// links to it; it never embeds another site's player.
type MediaItem struct {
	// Title is the item's title.
	Title string `yaml:"title"`
	// Source is who published it, such as a podcast or newspaper name.
	Source string `yaml:"source"`
	// Link is the item's address.
	Link string `yaml:"link"`
	// Duration is how long it lasts, such as 34m or 1h5m.
	Duration time.Duration `yaml:"duration"`
	// Format is audio, video, podcast, statement or article. Defaults to article.
	Format string `yaml:"format"`
	// Description is a sentence about the item.
	Description string `yaml:"description"`
}

// The formats a MediaItem can have.
var MediaFormats = []string{"audio", "video", "podcast", "statement", "article"}

// Engage points supporters at organisations to contact or join.
type Engage struct {
	// Organisations is the directory to show. Defaults to the organisation's members; with
	// neither, the action's text (a sentence linking to a directory elsewhere) is the whole step.
	Organisations []Member `yaml:"organisations"`
}

// Donate asks supporters to give.
type Donate struct {
	// Destinations are where to give. Defaults to the organisation's own donation page; with
	// neither, the action's text (a sentence linking to where to give) is the whole step.
	Destinations []Destination `yaml:"destinations"`
	// Amounts are suggested amounts in whole units of Currency, such as [10, 25, 50].
	Amounts []int `yaml:"amounts"`
	// Currency is the three-letter code of the amounts, such as USD or EUR.
	Currency string `yaml:"currency"`
}

// Destination is a place to donate.
type Destination struct {
	// Name is who receives the gift.
	Name string `yaml:"name"`
	// Link is the donation page's address.
	Link string `yaml:"link"`
	// Description is a sentence about what the gift does.
	Description string `yaml:"description"`
	// AmountParam is the name of the query parameter the donation page reads a
	// preset amount from, such as amount; when set, suggested amounts link straight to it.
	AmountParam string `yaml:"amount_param"`
}

// Resources offers reports and documents to read or download.
type Resources struct {
	// Items are the documents, in order.
	Items []Resource `yaml:"items"`
}

// Resource is a report or document: an outside address (Link) or a file from
// the organisation's folder (File).
type Resource struct {
	// Title is the document's title. Without it the file's name or the site's host is shown.
	Title string `yaml:"title"`
	// Link is the document's address on another site.
	Link string `yaml:"link"`
	// File is a file in the organisation's folder, such as assets/report.pdf.
	File string `yaml:"file"`
	// Description is a sentence about the document.
	Description string `yaml:"description"`
	// Date is the document's publication date, as YYYY-MM-DD.
	Date time.Time `yaml:"date"`

	// Asset is the file File names, read by the loader.
	Asset *Asset `yaml:"-"`
}

// NewSite builds a Site from fully loaded organisations, indexing them and
// their campaigns by slug and sorting Orgs by name. Load uses it; tests may
// use it to build a Site by hand. Each org's Campaigns must already be set.
func NewSite(orgs []*Org) *Site {
	s := &Site{Orgs: slices.Clone(orgs), orgs: make(map[string]*Org, len(orgs))}
	slices.SortFunc(s.Orgs, func(a, b *Org) int {
		return cmp.Or(cmp.Compare(strings.ToLower(a.Name), strings.ToLower(b.Name)), cmp.Compare(a.Slug, b.Slug))
	})
	for _, o := range s.Orgs {
		s.orgs[o.Slug] = o
		o.campaigns = make(map[string]*Campaign, len(o.Campaigns))
		for _, c := range o.Campaigns {
			c.Org = o
			o.campaigns[c.Slug] = c
		}
	}
	return s
}
