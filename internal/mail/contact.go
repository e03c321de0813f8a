package mail

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"strings"

	"github.com/placard/placard/internal/campaign"
	"github.com/placard/placard/internal/i18n"
	"github.com/placard/placard/internal/outbox"
	"github.com/placard/placard/views"
)

// The emails of a contact action with send: server (issue 16), named in
// ContactPayload.Template: the link a supporter follows to confirm their
// address, their message to the decision-maker, and their copy.
const (
	TemplateContactConfirm = "contact-confirm"
	TemplateContactTarget  = "contact"
	TemplateContactCopy    = "contact-copy"
)

// ContactPayload is what the outbox keeps of a contact email until it is
// delivered. Unlike Payload it carries the supporter's own words (subject
// and body), which the campaign files cannot write again.
type ContactPayload struct {
	Template string `json:"template"`
	Lang     string `json:"lang"`
	Org      string `json:"org"`
	Campaign string `json:"campaign"`
	// To is the recipient: the target's office, or the supporter.
	To string `json:"to"`
	// ReplyTo and FromName are the supporter's address and name on the
	// message to the target: it goes from the organisation's address,
	// and replies go to the supporter.
	ReplyTo  string `json:"reply_to,omitempty"`
	FromName string `json:"from_name,omitempty"`
	Subject  string `json:"subject"`
	Body     string `json:"body"`
	// TargetName is whom the message is for; Link is the confirmation link.
	TargetName string `json:"target_name,omitempty"`
	Link       string `json:"link,omitempty"`
	// Action and Target are the contact action's and the decision-maker's
	// ids, on the letter and its copy: a letter waits up to a day, and is
	// sent to the target's address as the campaign file has it when it
	// goes (RenderContact). Letters queued before have none.
	Action string `json:"action,omitempty"`
	Target string `json:"target,omitempty"`
	// TargetEmail is, on the copy, the address the letter was queued to
	// (on the letter it is To), for finding a target whose id changed.
	TargetEmail string `json:"target_email,omitempty"`
}

// ErrTargetGone means a waiting letter's decision-maker is no longer in
// its campaign's contact action, or has no email address there any more:
// the organiser took them out, so the letter is not sent.
var ErrTargetGone = errors.New("mail: the decision-maker is no longer in the campaign file, or has no email address there; the letter was not sent")

// currentTarget finds p's decision-maker in the campaign files as loaded
// now, by id, else by the address the letter was queued to (a target's id
// defaults to its name, so correcting a typo in the name changes it): ok
// false when p names none, or its campaign or action is not found by name
// (a renamed or removed campaign: the letter goes as queued);
// ErrTargetGone when the action is there but neither the target nor its
// address is.
func currentTarget(s *campaign.Site, p ContactPayload) (campaign.Target, bool, error) {
	if p.Target == "" || p.Action == "" {
		return campaign.Target{}, false, nil
	}
	o := s.Org(p.Org)
	if o == nil {
		return campaign.Target{}, false, nil
	}
	c := o.Campaign(p.Campaign)
	if c == nil {
		return campaign.Target{}, false, nil
	}
	for _, a := range c.Actions {
		if a.Contact == nil || a.ID != p.Action {
			continue
		}
		queued := p.TargetEmail
		if p.Template == TemplateContactTarget {
			queued = p.To
		}
		for _, t := range a.Contact.Targets {
			// The same id with both another name and another address
			// is another person (an id a targets file gives a seat,
			// reused for whoever holds it now): the supporter wrote to
			// the one they saw, not to them.
			if t.ID == p.Target && t.Email != "" && (sameName(t.Name, p.TargetName) ||
				sameName(nameIn(c.In(p.Lang), a.ID, t.ID), p.TargetName) || strings.EqualFold(t.Email, queued)) {
				return t, true, nil
			}
		}
		for _, t := range a.Contact.Targets {
			if t.Email != "" && queued != "" && strings.EqualFold(t.Email, queued) {
				return t, true, nil
			}
		}
		return campaign.Target{}, false, ErrTargetGone
	}
	return campaign.Target{}, false, nil
}

// sameName reports whether a and b are the same name but for case and
// spacing; a letter queued without its target's name matches any.
func sameName(a, b string) bool {
	return b == "" || strings.EqualFold(strings.Join(strings.Fields(a), " "), strings.Join(strings.Fields(b), " "))
}

// nameIn is the name of action's target id in campaign c (a campaign in
// the letter's language: a target's name may be translated, and the
// letter carries it as its writer read it), "" when not found.
func nameIn(c *campaign.Campaign, action, id string) string {
	for _, a := range c.Actions {
		if a.Contact == nil || a.ID != action {
			continue
		}
		for _, t := range a.Contact.Targets {
			if t.ID == id {
				return t.Name
			}
		}
	}
	return ""
}

// Encode is the payload as JSON.
func (p ContactPayload) Encode() []byte {
	b, _ := json.Marshal(p)
	return b
}

// decodeContact reads b when it is a contact payload.
func decodeContact(b []byte) (ContactPayload, bool) {
	var p ContactPayload
	if json.Unmarshal(b, &p) != nil {
		return p, false
	}
	switch p.Template {
	case TemplateContactConfirm, TemplateContactTarget, TemplateContactCopy:
		return p, p.To != "" && p.Org != ""
	}
	return p, false
}

// RenderContact writes the contact email p describes; id becomes its
// Message-ID.
func (r *Renderer) RenderContact(p ContactPayload, id string) (Message, error) {
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
	props := views.MailProps{Lang: loc.Lang(), Dir: loc.Dir(), Brand: Brand(org.Colours.Primary), OrgName: org.Name}
	paragraphs := func(body string) []string {
		var out []string
		for _, para := range strings.Split(strings.ReplaceAll(body, "\r\n", "\n"), "\n\n") {
			if para = strings.TrimSpace(para); para != "" {
				out = append(out, para)
			}
		}
		return out
	}
	m := Message{ID: id, To: p.To, Lang: loc.Lang()}
	if p.Template == TemplateContactTarget || p.Template == TemplateContactCopy {
		// The organiser may have changed the decision-maker's address,
		// or taken them out, while the letter waited in the drip.
		t, ok, err := currentTarget(s, p)
		if err != nil {
			return Message{}, err
		}
		if ok && p.Template == TemplateContactTarget {
			m.To = t.Email
		}
	}
	switch p.Template {
	case TemplateContactConfirm:
		props.Subject = loc.T("contact.mail.confirm.subject", "name", p.TargetName)
		props.Heading = props.Subject
		// Nothing the form's visitor typed: the address is unconfirmed
		// (anyone may type anyone's), and the organisation's server must
		// not carry a stranger's words to it. The link's page shows the
		// message (sealed in the link) before it is sent.
		props.Paragraphs = []string{loc.T("contact.mail.confirm.open", "name", p.TargetName)}
		props.Button = &views.MailLink{Label: loc.T("contact.write.submit"), URL: p.Link}
		props.Note = loc.T("contact.mail.confirm.ignore")
	case TemplateContactTarget:
		props.Subject = p.Subject
		props.Paragraphs = append(paragraphs(p.Body), p.FromName)
		props.Note = loc.T("contact.mail.via", "name", p.FromName, "org", org.Name)
		m.ReplyTo, m.FromName = p.ReplyTo, p.FromName
	case TemplateContactCopy:
		props.Subject = loc.T("contact.mail.copy.subject", "subject", p.Subject)
		props.Paragraphs = append([]string{loc.T("contact.mail.copy", "name", p.TargetName)}, paragraphs(p.Body)...)
	}
	if len(props.Paragraphs) == 0 {
		return Message{}, errors.New("mail: a contact email without text")
	}
	if p.Template != TemplateContactTarget && r.Tokens != nil {
		// The emails to the supporter's address stop at the
		// organisation's suppression list, so they carry its
		// unsubscribe link: a confirmation may reach a stranger whose
		// address someone typed, over and over.
		props.Unsubscribe = r.unsubscribe(org, loc, p.To, r.Now())
		if p.Template == TemplateContactConfirm {
			props.Unsubscribe.Intro = "" // as on a signature's confirmation
		}
		m.Unsubscribe = props.Unsubscribe.URL
	}
	props.Preheader = props.Paragraphs[0]
	var html bytes.Buffer
	if err := views.MailHTML(props).Render(context.Background(), &html); err != nil {
		return Message{}, err
	}
	m.Subject, m.HTML, m.Text = props.Subject, html.String(), views.MailText(props)
	return m, nil
}

// prepareContact writes a contact email for DeliverBatch to send with the
// rest of its batch (send false: nothing to send). Messages to the
// supporter stop at the organisation's suppression list like every other;
// the message to the decision-maker does not (it is not the organisation
// writing to them).
func (d *Deliverer) prepareContact(ctx context.Context, p ContactPayload, id string) (Message, bool, error) {
	if p.Template != TemplateContactTarget && d.Suppressed != nil {
		off, err := d.Suppressed(ctx, p.Org, p.To)
		if err != nil {
			return Message{}, false, err
		}
		if off {
			return Message{}, false, nil
		}
	}
	msg, err := d.Renderer.RenderContact(p, id)
	if errors.Is(err, ErrGone) || errors.Is(err, ErrTargetGone) {
		return Message{}, false, d.Renderer.gone(id, err)
	}
	if err != nil {
		return Message{}, false, outbox.Permanent(err)
	}
	return msg, true, nil
}
