package mail

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"strconv"
	"time"

	"github.com/placard/placard/internal/attribution"
	"github.com/placard/placard/internal/campaign"
	"github.com/placard/placard/internal/i18n"
	"github.com/placard/placard/internal/signing"
	"github.com/placard/placard/internal/site"
	"github.com/placard/placard/views"
)

// The emails Placard writes, named in Payload.Template.
const (
	// TemplateConfirm asks a signer to confirm (double opt-in).
	TemplateConfirm = "confirm"
	// TemplateThanks thanks a counted signer, with their personal link.
	TemplateThanks = "thanks"
	// TemplateData carries a fresh link to the supporter's data page.
	TemplateData = "data"
)

// Payload is what is kept of an email until it is delivered: which email,
// to whom, in which language, about what. The message itself is rendered
// at delivery from the campaign files then loaded, so the outbox holds a
// few dozen bytes rather than pages of HTML, and a fix to a template
// reaches mail not yet sent.
type Payload struct {
	Template string `json:"template"`
	Lang     string `json:"lang"`
	Org      string `json:"org,omitempty"`
	Campaign string `json:"campaign,omitempty"`
	// To is the normalised address.
	To string `json:"to,omitempty"`
	// Ref is the public token of the signer's personal link (thanks).
	Ref string `json:"ref,omitempty"`
	// Days is how long an unconfirmed signature waits (confirm).
	Days int `json:"days,omitempty"`
	// Signed names the signature a confirmation is for: its CreatedAt in
	// microseconds since 1970 (confirm). Its link carries it (Claims.Signed).
	Signed int64 `json:"signed,omitempty"`
	// Confirmed marks the thank-you sent once its signer confirmed: only
	// the inbox's owner causes it, so no pace holds it (SharedPace). A
	// thank-you without it was sent by a signature anyone could make.
	Confirmed bool `json:"confirmed,omitempty"`
	// Again marks a confirmation queued again by a repeat of its
	// signature (web resendConfirmation), not by the signature itself:
	// it waits for its inbox's turn only within the hour, while the
	// signature's own confirmation keeps its place until the signature's
	// deadline (SharedPace), so repeats typed by anyone cannot pile up
	// ahead of it.
	Again bool `json:"again,omitempty"`
}

// Encode is the payload as JSON (appendPayload, or encoding/json for
// the rare field it leaves to it).
func (p Payload) Encode() []byte {
	if b, ok := appendPayload(make([]byte, 0, payloadSize(p)), p); ok {
		return b
	}
	b, _ := json.Marshal(p)
	return b
}

// DecodePayload reads a payload, refusing an unknown template.
func DecodePayload(b []byte) (Payload, error) {
	var p Payload
	if err := json.Unmarshal(b, &p); err != nil {
		return p, fmt.Errorf("mail: unreadable payload: %w", err)
	}
	return p, checkPayload(p)
}

// checkPayload refuses a payload of an unknown template, or without a
// recipient or an organisation.
func checkPayload(p Payload) error {
	switch p.Template {
	case TemplateConfirm, TemplateThanks, TemplateData:
	default:
		return fmt.Errorf("mail: unknown template %q", p.Template)
	}
	if p.To == "" || p.Org == "" {
		return errors.New("mail: payload without a recipient or an organisation")
	}
	return nil
}

// Renderer turns payloads into messages.
type Renderer struct {
	// Base is the site's public address, without a trailing slash.
	Base string
	// Site returns the campaigns as last loaded.
	Site func() *campaign.Site
	// Tokens seals the links in the message.
	Tokens *Tokens
	// Now is the clock links expire by.
	Now func() time.Time
	// Loaded, when set, is when the files Site returns were read (serve's
	// last good load). Several instances on one database read their files
	// each at its own reload, so a message queued after that naming an
	// organisation or campaign these files lack may be of newer files
	// another instance read first — a campaign just added. It is tried
	// again (ErrNotLoaded), not given up as gone, for up to NotLoadedFor;
	// nil gives it up at once.
	Loaded func() time.Time
}

// ErrNotLoaded is a message's failure when its organisation or campaign
// is not in this server's campaign files, read before the message was
// queued: another instance, or this one reloaded, may serve it. Tried again.
var ErrNotLoaded = errors.New("mail: the organisation or campaign is not in this server's campaign files, read before the message was queued; tried again, as another server, or this one after a reload, may have it")

// NotLoadedFor is how long after its queueing a message whose campaign
// this server's files lack (ErrNotLoaded) is tried again before it is
// given up as gone, as a campaign removed is.
const NotLoadedFor = time.Hour

// loadSlack allows for the instances' clocks: a message queued up to this
// much before this server read its files may still be of newer ones.
const loadSlack = time.Minute

// ErrGone means the payload's organisation or campaign is no longer in
// the campaign files: the message can never be written.
var ErrGone = errors.New("mail: the organisation or campaign is no longer published")

// Render writes the message p describes; id becomes its Message-ID.
func (r *Renderer) Render(p Payload, id string) (Message, error) {
	s := r.Site()
	if s == nil {
		return Message{}, ErrGone
	}
	org := s.Org(p.Org)
	if org == nil {
		return Message{}, ErrGone
	}
	org = org.In(p.Lang)
	loc := i18n.New(org.Language, org.Strings[org.Language])
	now := r.Now()
	props := views.MailProps{
		Lang: loc.Lang(), Dir: loc.Dir(), Brand: Brand(org.Colours.Primary), OrgName: org.Name,
		Note: loc.T("mail.footer.why", "org", org.Name),
	}
	unsub := r.unsubscribe(org, loc, p.To, now)
	props.Unsubscribe = unsub
	switch p.Template {
	case TemplateConfirm, TemplateThanks:
		c := renamed(org, p.Campaign)
		if c == nil {
			return Message{}, ErrGone
		}
		c = c.In(org.Language)
		page := r.Base + site.CampaignPath(c)
		if p.Template == TemplateConfirm {
			days := p.Days
			if days <= 0 {
				days = 7
			}
			// Held for its inbox's turn (SharedPace), it may leave days
			// after it was queued: it says, and its link lasts, only
			// the days its signature has left.
			if left := confirmDeadline(c, p, id).Sub(now); p.Signed != 0 && left > 0 {
				days = min(days, int((left+24*time.Hour-1)/(24*time.Hour)))
			}
			props.Subject = loc.T("mail.confirm.subject", "title", c.Title)
			props.Heading = loc.T("mail.confirm.heading")
			props.Paragraphs = []string{loc.T("mail.confirm.body", "title", c.Title)}
			confirm := r.link(ConfirmPath(org.Slug, c.Slug), Claims{Purpose: PurposeConfirm, Org: org.Slug, Campaign: p.Campaign, Email: p.To, Lang: org.Language, Signed: p.Signed, Expires: now.Add(time.Duration(days) * 24 * time.Hour).Unix()})
			props.Button = &views.MailLink{Label: loc.T("mail.confirm.button"), URL: confirm}
			props.Note = loc.T("mail.confirm.ignore", "days", strconv.Itoa(days))
			// Nothing else until the address is confirmed: the person
			// who owns it may never have signed.
			props.Unsubscribe.Intro = ""
			break
		}
		props.Subject = loc.T("mail.thanks.subject", "title", c.Title)
		props.Heading = loc.T("mail.thanks.heading")
		props.Paragraphs = []string{loc.T("mail.thanks.body", "title", c.Title)}
		if p.Ref != "" && attribution.ValidToken(p.Ref) {
			link := page + "?" + attribution.ParamRef + "=" + p.Ref
			props.Personal = &views.MailPersonal{Intro: loc.T("mail.thanks.share"), URL: link, Share: shareButtons(org, c, link)}
		}
		if a := nextAction(c); a != nil {
			props.Next = &views.MailLink{Intro: loc.T("mail.thanks.next"), Label: a.Title, URL: page + "#" + a.ID}
		}
		if org.Donate != "" {
			props.Donate = &views.MailLink{Intro: loc.T("mail.thanks.donate.intro", "org", org.Name), Label: loc.T("mail.thanks.donate"), URL: org.Donate}
		}
		// Not the data page itself: thank-yous get forwarded, and the page
		// shows everything held about the signer. This link asks for one
		// to be mailed to the address, and works as long as the
		// unsubscribe link does.
		ask := r.link(DataPath(org.Slug), Claims{Purpose: PurposeDataRequest, Org: org.Slug, Email: p.To, Lang: org.Language, Expires: now.Add(UnsubscribeFor).Unix()})
		props.DataPage = &views.MailLink{Label: loc.T("mail.footer.data"), URL: ask}
	case TemplateData:
		props.Subject = loc.T("mail.data.subject", "org", org.Name)
		props.Heading = loc.T("mail.data.heading", "org", org.Name)
		props.Paragraphs = []string{loc.T("mail.data.body", "org", org.Name, "hours", strconv.Itoa(int(DataFor/time.Hour)))}
		dataLink := r.link(DataPath(org.Slug), Claims{Purpose: PurposeData, Org: org.Slug, Email: p.To, Lang: org.Language, Expires: now.Add(DataFor).Unix()})
		props.Button = &views.MailLink{Label: loc.T("mail.data.button"), URL: dataLink}
		props.Note = loc.T("mail.data.ignore")
	}
	props.Preheader = props.Paragraphs[0]
	var html bytes.Buffer
	if err := views.MailHTML(props).Render(context.Background(), &html); err != nil {
		return Message{}, err
	}
	return Message{
		ID: id, To: p.To, Lang: props.Lang, Subject: props.Subject,
		HTML: html.String(), Text: views.MailText(props), Unsubscribe: unsub.URL,
	}, nil
}

// deadline is confirmDeadline for p's campaign as the files say now, and
// the campaign's name now (p's may be an old one: org.yaml redirects);
// false when it is gone.
func (r *Renderer) deadline(p Payload, id string) (time.Time, string, bool) {
	s := r.Site()
	if s == nil {
		return time.Time{}, "", false
	}
	org := s.Org(p.Org)
	if org == nil {
		return time.Time{}, "", false
	}
	c := renamed(org, p.Campaign)
	if c == nil {
		return time.Time{}, "", false
	}
	return confirmDeadline(c, p, id), c.Slug, true
}

// confirmDeadline is when the signature a confirmation of c is for stops
// waiting and is erased unconfirmed (serve's unconfirmed loop): its
// CreatedAt (Payload.Signed) and c's unconfirmed_days. A payload without
// Signed (queued before it existed) counts its Days from when the message
// was queued (id).
func confirmDeadline(c *campaign.Campaign, p Payload, id string) time.Time {
	if p.Signed == 0 {
		queued, _ := signing.MessageTime(id)
		days := p.Days
		if days <= 0 {
			days = campaign.DefaultUnconfirmedDays
		}
		return queued.Add(time.Duration(days) * 24 * time.Hour)
	}
	days := c.UnconfirmedDays
	if days <= 0 {
		days = campaign.DefaultUnconfirmedDays
	}
	return time.UnixMicro(p.Signed).Add(time.Duration(days) * 24 * time.Hour)
}

// unsubscribe is the link that puts to on org's suppression list, shown
// at the foot of an email and sent as its List-Unsubscribe address.
func (r *Renderer) unsubscribe(org *campaign.Org, loc *i18n.Localizer, to string, now time.Time) *views.MailLink {
	u := r.link(UnsubscribePath(org.Slug), Claims{Purpose: PurposeUnsubscribe, Org: org.Slug, Email: to, Lang: org.Language, Expires: now.Add(UnsubscribeFor).Unix()})
	return &views.MailLink{Intro: loc.T("mail.footer.unsubscribe.intro", "org", org.Name), Label: loc.T("mail.footer.unsubscribe"), URL: u}
}

// ConfirmPath is where a confirmation email's link leads. Like the other
// addresses of emails' links, it carries no language: the language of the
// page travels sealed in the token (Claims.Lang).
func ConfirmPath(org, campaign string) string { return "/" + org + "/" + campaign + "/confirm" }

// UnsubscribePath is where an organisation's emails unsubscribe.
func UnsubscribePath(org string) string { return "/" + org + "/mail/unsubscribe" }

// DataPath is the supporter's data page of an organisation.
func DataPath(org string) string { return "/" + org + "/mail/data" }

// link is the absolute address of path with the sealed claims as ?t=.
func (r *Renderer) link(path string, c Claims) string {
	return r.Base + path + "?t=" + url.QueryEscape(r.Tokens.Seal(c))
}

// hexColour is a colour an organisation may give.
var hexColour = regexp.MustCompile(`^#(?:[0-9a-fA-F]{3}){1,2}$`)

// Brand is the organisation's colour when it is one, else Placard's
// default: nothing else may reach a style attribute.
func Brand(primary string) string {
	if hexColour.MatchString(primary) {
		return primary
	}
	return "#1f3a5f"
}

// shareButtons are the share links of the networks the organisation is
// on (all of them when it lists none), named by the network, which reads
// the same in every language.
func shareButtons(org *campaign.Org, c *campaign.Campaign, link string) []views.MailLink {
	msg, subject, tags := site.CampaignMessages(c, site.FirstShare(c), 0)
	sv := site.ShareViewFor(site.CampaignPath(c), link, msg, subject, tags)
	on := map[string]bool{
		"x": org.Social.X != "", "bluesky": org.Social.Bluesky != "", "facebook": org.Social.Facebook != "",
		"linkedin": org.Social.LinkedIn != "", "whatsapp": org.Social.WhatsApp != "", "telegram": org.Social.Telegram != "",
	}
	any := false
	for _, v := range on {
		any = any || v
	}
	var out []views.MailLink
	for _, l := range sv.Links {
		name, ok := networkNames[l.Network]
		if !ok || (any && !on[l.Network]) {
			continue
		}
		out = append(out, views.MailLink{Label: name, URL: l.URL})
	}
	return out
}

// networkNames are the networks offered in emails, by their own names.
var networkNames = map[string]string{
	"x": "X", "bluesky": "Bluesky", "facebook": "Facebook", "linkedin": "LinkedIn",
	"whatsapp": "WhatsApp", "telegram": "Telegram",
}

// nextAction is the call to action after the campaign's first petition or
// letter, the next step a new signer is offered.
func nextAction(c *campaign.Campaign) *campaign.Action {
	for i, a := range c.Actions {
		if a.Petition == nil && a.Letter == nil {
			continue
		}
		for j := i + 1; j < len(c.Actions); j++ {
			if c.Actions[j].Title != "" {
				return &c.Actions[j]
			}
		}
		return nil
	}
	return nil
}

// renamed is org's campaign named slug, or, for a message queued before
// the campaign was renamed, the campaign an org.yaml redirect now sends
// that name to; nil when there is neither. A confirmation's claims keep
// the name the signature was stored under, which the confirm page takes
// through the same redirect, wherever the move has got to.
func renamed(org *campaign.Org, slug string) *campaign.Campaign {
	if c := org.Campaign(slug); c != nil {
		return c
	}
	for _, r := range org.Redirects {
		if r.From == slug {
			return org.Campaign(r.To)
		}
	}
	return nil
}
