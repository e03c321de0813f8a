package site

import (
	"html"
	"html/template"
	"net/url"
	"strings"

	"github.com/placard/placard/internal/campaign"
	"github.com/placard/placard/internal/i18n"
	"github.com/placard/placard/views"
)

// ContactSuffix starts the address of a contact action's own page, below
// its campaign's: /org/slug/contact/ACTION (…/slug/ar/contact/ACTION in
// another language). The page is rendered per request: it answers a
// postcode, which is never stored.
const ContactSuffix = "/contact/"

// ContactAction is what a contact action's own page needs: the campaign
// and action, the organisation's page frame, and the call script rendered
// once with its placeholders kept for each target.
type ContactAction struct {
	Campaign *campaign.Campaign
	Action   *campaign.Action
	Contact  *campaign.Contact
	// ID is the action's id, kept with its outreach counts.
	ID string
	// Path is the page's address; CampaignPath the campaign page's.
	Path, CampaignPath string
	// Key names the campaign in the store and in form tokens: org/slug.
	Key string
	// Frame is the organisation's page frame, titled with the action.
	Frame views.Page
	// CSP is the page's policy (it posts the "I called" form to itself).
	CSP string
	Loc *i18n.Localizer
	// Script is the call script as HTML, with {target.name},
	// {target.title} and {supporter.postcode} still in it (FillScript).
	Script template.HTML
	// Subject and Message are the prefilled email.
	Subject, Message string
	// Photos are the targets' photos by target id, with alt text in the
	// page's language; a target without a photo has none.
	Photos map[string]*views.Img
}

// addContacts records the own page of each contact action of c.
func (b *builder) addContacts(c *campaign.Campaign, cp views.CampaignPageProps) {
	if b.mode != ModePublic {
		return
	}
	for i := range c.Actions {
		a := &c.Actions[i]
		if a.Contact == nil || len(a.Contact.Targets) == 0 {
			continue
		}
		id := cp.Actions[i].ID
		ca := &ContactAction{
			Campaign: c, Action: a, Contact: a.Contact, ID: id,
			CampaignPath: CampaignPath(c),
			Key:          c.Org.Slug + "/" + c.Slug,
			Loc:          b.localizer(c.Org),
			Script:       b.md(c.Org, a.Contact.Script, 3, id+"-script-"),
			Subject:      a.Contact.Subject,
			Message:      Reflow(a.Contact.Message),
		}
		if ca.Subject == "" {
			ca.Subject = c.Title
		}
		ca.Path = ca.CampaignPath + ContactSuffix + id
		for _, t := range a.Contact.Targets {
			if p := b.targetPhoto(c.Org, t, ca.Loc); p != nil {
				if ca.Photos == nil {
					ca.Photos = map[string]*views.Img{}
				}
				ca.Photos[t.ID] = p
			}
		}
		ca.Frame = b.basePage(c.Org)
		title := cp.Actions[i].Title
		if title == "" {
			title = c.Title
		}
		ca.Frame.Title = title + " — " + c.Title
		ca.Frame.Description = c.Summary
		ca.Frame.Breadcrumbs = []views.Link{{Label: b.opt.SiteName, URL: "/"}, {Label: c.Org.Name, URL: orgPath(c.Org)}, {Label: c.Title, URL: ca.CampaignPath}}
		ca.Frame.Noindex = true
		ca.CSP = policy(b.mode, ca.Frame.ThemeCSS, false, nil)
		b.snap.Contacts[ca.Path] = ca
	}
}

// FillScript puts a target's name and title and the supporter's postcode
// into a script rendered by AddContacts, each escaped as HTML.
func FillScript(script template.HTML, name, title, postcode string) template.HTML {
	return template.HTML(strings.NewReplacer(
		"{target.name}", html.EscapeString(name),
		"{target.title}", html.EscapeString(title),
		"{supporter.postcode}", html.EscapeString(postcode),
	).Replace(string(script)))
}

// GmailURL and OutlookURL open a new message in those webmails with the
// address, subject and body filled in.
func GmailURL(to, subject, body string) string {
	return "https://mail.google.com/mail/?" + url.Values{"view": {"cm"}, "fs": {"1"}, "to": {to}, "su": {subject}, "body": {body}}.Encode()
}

// OutlookURL: see GmailURL.
func OutlookURL(to, subject, body string) string {
	return "https://outlook.live.com/mail/0/deeplink/compose?" + url.Values{"to": {to}, "subject": {subject}, "body": {body}}.Encode()
}

// contactLinks points a campaign page's contact action at its own page
// and fills the page's script's placeholders with neutral words.
func (b *builder) contactLinks(c *campaign.Campaign, ct *campaign.Contact, id string, cv *views.ContactView) {
	cv.ScriptHTML = FillScript(cv.ScriptHTML, b.l.T("contact.placeholder.name"), b.l.T("contact.placeholder.title"), b.l.T("contact.placeholder.code"))
	if !b.forms() || len(ct.Targets) == 0 || b.mode != ModePublic && b.mode != ModeStatic {
		return
	}
	// A static copy's page leads to the live server (FormOrigin), which
	// answers the postcode and counts the calls.
	page := CampaignPath(c) + ContactSuffix + id
	if b.mode == ModeStatic {
		page = b.opt.FormOrigin + page
	}
	if ct.LookupTable != nil {
		cv.LookupURL = page
	} else {
		cv.PageURL = page
	}
}
