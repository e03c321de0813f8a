package site

import (
	"net/url"
	"strings"
	"time"

	"github.com/placard/placard/internal/attribution"
	"github.com/placard/placard/internal/campaign"
	"github.com/placard/placard/internal/i18n"
	"github.com/placard/placard/internal/signing"
	"github.com/placard/placard/internal/tallywatch"
	"github.com/placard/placard/views"
)

// This file maps signing to view models: the form, the live tally and the
// thank-you pages.

// Form field names besides the signer's details (see BRIEF3's contract).
const (
	FieldAction   = "action"
	FieldToken    = "token"
	FieldHoneypot = "homepage"
	FieldConsent  = "consent"
	FieldContact  = "contact"
	FieldPublic   = "public"
	FieldLang     = "lang"
)

// RecentSigners is how many recent public signers a tally shows.
const RecentSigners = 10

// Signable is a petition or letter that takes signatures, with its rules.
type Signable struct {
	ID      string
	action  *campaign.Action
	Rules   campaign.Fields
	Consent string
	// Contact is the organisation's wording of the optional permission to
	// be contacted later, or "" for a form without that box.
	Contact string
	goal    int
	letter  bool
}

// Title is sa's heading on its campaign page: the organiser's title, or
// the default for its kind in l's language.
func (sa *Signable) Title(l *i18n.Localizer) string {
	if sa.action != nil && sa.action.Title != "" {
		return sa.action.Title
	}
	if sa.letter {
		return l.T("title.letter")
	}
	return l.T("title.petition")
}

// signableAction returns a's signing settings, or nil when a takes no
// signatures (any other kind, or a letter without signing: true).
func signableAction(c *campaign.Campaign, a *campaign.Action, id string) *Signable {
	return signableActionIn(i18n.New(c.Org.Language, c.Org.Strings[c.Org.Language]), c, a, id)
}

// signableActionIn is signableAction with the default consent text in l's language.
func signableActionIn(l *i18n.Localizer, c *campaign.Campaign, a *campaign.Action, id string) *Signable {
	sa := &Signable{ID: id, action: a}
	switch {
	case a.Kind == campaign.KindPetition && a.Petition != nil:
		sa.Rules, sa.Consent, sa.goal = a.Petition.Fields, a.Petition.Consent, a.Petition.Goal
	case a.Kind == campaign.KindLetter && a.Letter != nil && a.Letter.Signing:
		sa.Rules, sa.Consent, sa.goal, sa.letter = a.Letter.Fields, a.Letter.Consent, a.Letter.Goal, true
	default:
		return nil
	}
	if !sa.letter {
		// Organisation and role belong to letters only.
		sa.Rules.Organisation, sa.Rules.Role = campaign.FieldOff, campaign.FieldOff
	}
	if sa.Consent == "" {
		sa.Consent = c.Org.Consent
	}
	if sa.Consent == "" {
		sa.Consent = l.T("sign.consent.default", "org", c.Org.Name)
	}
	sa.Contact = strings.TrimSpace(c.Org.ContactPermission)
	return sa
}

// SignForm is the form for sa on campaign c. values (nil on the page
// itself) and errs refill a re-shown form; token is the token to embed
// (formtoken.Placeholder on cached pages) and attr the attribution field's
// value (attribution.FormPlaceholder on cached pages, the blank value in a
// static copy, which cannot splice; "" for no field).
func SignForm(l *i18n.Localizer, c *campaign.Campaign, sa *Signable, token, attr string, closed bool, values url.Values, errs signing.FieldErrors) *views.SignForm {
	f := &views.SignForm{
		Action:       defaultCampaignPath(c) + "/sign",
		Lang:         c.Org.Language,
		ID:           sa.ID + "-form",
		ActionID:     sa.ID,
		ConsentText:  sa.Consent,
		ContactText:  sa.Contact,
		PublicLabel:  l.T("sign.public"),
		HoneypotName: FieldHoneypot,
		TokenName:    FieldToken,
		Token:        token,
		SubmitLabel:  l.T("sign.submit.petition"),
		PrivacyURL:   c.Org.PrivacyPolicy,
	}
	if c.Org.Language != "" {
		// The page's language in the address too, the first language's
		// included, so a refusal made before the form is read (too
		// large, from another site, over the rate limit) speaks it
		// rather than the browser's.
		f.Action += "?" + FieldLang + "=" + url.QueryEscape(c.Org.Language)
	}
	if attr != "" {
		f.AttributionName, f.Attribution = attribution.FormField, attr
	}
	if sa.letter {
		f.SubmitLabel = l.T("sign.submit.letter")
		f.PublicLabel = l.T("sign.public.letter")
	}
	if closed {
		f.Closed = true
		f.ClosedText = l.T("sign.closed")
		return f
	}
	var countries []views.Option
	for _, field := range signing.FormFields(sa.Rules) {
		in := formInputs[field.Name]
		ff := views.FormField{
			Name: field.Name, Label: l.T("field." + field.Name), Type: in.typ,
			Autocomplete: in.autocomplete, Required: field.Required, MaxLength: field.MaxLength,
			Value: values.Get(field.Name),
		}
		if in.hint {
			ff.Hint = l.T("field." + field.Name + ".hint")
		}
		if e, ok := errs[field.Name]; ok {
			ff.Error = l.Say(e)
		}
		if in.typ == "select" {
			if countries == nil {
				countries = countryOptions(l)
			}
			ff.Options = countries
		}
		f.Fields = append(f.Fields, ff)
	}
	// The boxes are drawn by the rule Check read them with, so a box whose
	// value counted (such as "Yes") is drawn ticked on a re-shown form.
	f.ConsentChecked = signing.Ticked(values.Get(FieldConsent))
	f.ContactChecked = sa.Contact != "" && signing.Ticked(values.Get(FieldContact))
	f.PublicChecked = signing.Ticked(values.Get(FieldPublic))
	for _, name := range errs.Fields() {
		f.Errors = append(f.Errors, views.FieldError{Field: name, Message: l.Say(errs[name])})
	}
	return f
}

// formInput is how a signing field is drawn: its input type ("text",
// "email", "tel", "textarea" or "select"), its autocomplete token, and
// whether help (the catalogue's field.NAME.hint) goes under it.
type formInput struct {
	typ, autocomplete string
	hint              bool
}

// formInputs are the inputs of signing.FormFields' fields, by name.
var formInputs = map[string]formInput{
	"name":         {"text", "name", false},
	"given_name":   {"text", "given-name", false},
	"family_name":  {"text", "family-name", false},
	"email":        {"email", "email", true},
	"postcode":     {"text", "postal-code", false},
	"country":      {"select", "country", false},
	"phone":        {"tel", "tel", false},
	"comment":      {"textarea", "off", false},
	"organisation": {"text", "organization", true},
	"role":         {"text", "organization-title", true},
}

// countryOptions is the country select's choices, "Choose…" first.
func countryOptions(l *i18n.Localizer) []views.Option {
	list := signing.CountriesIn(l.Lang())
	out := make([]views.Option, 0, len(list)+1)
	out = append(out, views.Option{Value: "", Label: l.T("sign.country.choose")})
	for _, c := range list {
		out = append(out, views.Option{Value: c.Code, Label: c.Name})
	}
	return out
}

// figuresView is a campaign's live numbers against goal. A petition
// counts its signatures; a letter (letter non-nil) counts everyone it
// lists: the organisations and people written in its file, the
// organisations approved since, and the people who signed with the form,
// so a letter signed by ten organisations never says that no one has
// signed. Without a goal the organiser set there is no goal and no bar;
// with one, a bar beside a count above zero is never drawn empty.
func figuresView(l *i18n.Localizer, t *tallywatch.Tally, goal int, letter *views.LetterView) *views.Tally {
	var n int
	if t != nil {
		n = t.Count.Signatures
	}
	v := &views.Tally{Count: n, CountText: l.N("tally.count", n)}
	if letter != nil {
		var signedOrgs int
		if t != nil {
			signedOrgs = t.Count.Organisations
		}
		// Organisations lists the file's organisations and the approved
		// sign-ons (withFigures added them); Individuals the file's people.
		orgs := len(letter.Organisations)
		people := len(letter.Individuals) + max(0, n-signedOrgs)
		n = orgs + people
		v.Count = n
		if n > 0 {
			v.CountText = signedBy(l, orgs, people)
		}
	}
	if goal > 0 {
		g := signing.DisplayGoal(goal, n)
		v.Goal, v.GoalText = g, l.N("tally.goal", g)
		v.Percent = min(100, n*100/g)
		v.Bar = min(n, g)
		if n > 0 {
			// At least 2% of the bar, so a count above zero is seen on it.
			v.Bar = max(v.Bar, (g+49)/50)
			v.Percent = max(v.Percent, 1)
		}
	}
	if t != nil {
		for _, p := range t.Recent {
			// The day only, in the words' own time zone: the second of
			// signing would let whoever saw a connection post a form
			// then tie it to the named signer.
			sv := views.SignerView{Name: p.Name, WhenText: l.Date(p.CreatedAt), WhenISO: p.CreatedAt.Format(time.DateOnly)}
			if p.Kind == signing.KindOrganisation {
				sv.Detail = p.Organisation
				if p.Role != "" {
					sv.Detail = p.Role + ", " + p.Organisation
				}
			}
			v.Recent = append(v.Recent, sv)
		}
	}
	return v
}

// signatoryOf lists an approved organisation sign-on among a letter's
// signatories: the organisation's name always (signing for an organisation
// is a public act, and the organisers approved it), the person's name and
// role only when they chose to be shown.
func signatoryOf(s signing.Signature) views.SignatoryView {
	v := views.SignatoryView{Name: s.Organisation}
	if s.Public {
		v.Role = s.Name
		if s.Role != "" {
			v.Role += ", " + s.Role
		}
	}
	return v
}

// Outcomes of a signature, as the thank-you page's ?outcome= says them.
// There is no "already signed": an address that had signed is answered as
// a first signature is, so no page tells whether an address has signed.
const (
	OutcomeSigned  = "signed"
	OutcomePending = "pending"
)

var outcomes = []string{OutcomeSigned, OutcomePending}

// thanksProps is the thank-you page of campaign c for one outcome; shareURL
// and donateURL come from the campaign page's actions.
func (b *builder) thanksProps(c *campaign.Campaign, frame views.Page, outcome, shareURL, donateURL string, hasDonate bool) views.ThanksPageProps {
	p := frame
	p.Noindex = true
	p.CanonicalURL = b.opt.Base + CampaignPath(c) + "/thanks"
	// The switcher leads to the same answer in the campaign's other languages.
	b.alternates(&p, c.Org, func(x *campaign.Org) string {
		return CampaignPath(c.In(x.Language)) + "/thanks?outcome=" + outcome
	})
	l := b.localizer(c.Org)
	tp := views.ThanksPageProps{
		CampaignTitle: c.Title,
		CampaignURL:   CampaignPath(c),
		Outcome:       outcome,
		ShareURL:      shareURL,
		DonateURL:     donateURL,
		DonateText:    l.T("thanks.back"),
	}
	if hasDonate {
		tp.DonateText = l.T("thanks.donate")
	}
	switch outcome {
	case OutcomeSigned:
		tp.Heading = l.T("thanks.signed")
		tp.Message = l.T("thanks.signed.body", "title", c.Title)
	case OutcomePending:
		tp.Heading = l.T("thanks.pending")
		tp.Message = l.T("thanks.pending.body", "title", c.Title)
	}
	tp.Donate = donateAsk(l, c)
	p.Title = tp.Heading + " — " + c.Title
	p.Description = tp.Heading
	tp.Page = p
	return tp
}
