package site

import (
	"encoding/json"
	"html/template"
	"slices"
	"strconv"
	"strings"

	"github.com/placard/placard/internal/attribution"
	"github.com/placard/placard/internal/campaign"
	"github.com/placard/placard/internal/formtoken"
	"github.com/placard/placard/internal/i18n"
	"github.com/placard/placard/internal/markdown"
	"github.com/placard/placard/views"
)

// This file maps the domain (campaign.*) to view models (views.*): every
// string a page shows is formatted here, every address made absolute or
// hashed here, so the components only lay things out.

// descriptionLimit keeps meta descriptions within what search engines and
// share previews show.
const descriptionLimit = 200

// basePage fills the parts of views.Page every page of org (or of the site,
// when org is nil) shares.
func (b *builder) basePage(org *campaign.Org) views.Page {
	p := views.Page{
		SiteName:       b.opt.SiteName,
		StylesheetURL:  b.snap.Stylesheet,
		ScriptURL:      b.snap.script,
		ReachScriptURL: b.snap.reachScript,
		DevScriptURL:   b.snap.devScript,
		OGType:         "website",
		Brand:          views.Brand{Name: b.opt.SiteName, URL: "/"},
	}
	var langCode string
	p.L = b.localizer(org)
	b.l = p.L
	if org == nil {
		b.siteFrame(&p)
	} else {
		langCode = org.Language
		// A page of an organisation is shared as the organisation's.
		p.OGSiteName = org.Name
		p.ThemeCSS = themeCSS(org)
		p.Brand = views.Brand{Name: org.DisplayShortName(), URL: orgPath(org), Logo: b.picture(org, org.Logo, logoSizes(2.5))}
		p.TwitterSite = twitterHandle(org.Social.X)
		p.Footer = views.Footer{
			OrgName:    org.Name,
			Website:    org.Website,
			PrivacyURL: org.PrivacyPolicy,
			Social:     socialLinks(org.Social),
		}
	}
	p.Lang, p.Dir, p.OGLocale = LangInfo(langCode)
	return p
}

// sitePage is the page frame for error and 404 pages.
func (b *builder) sitePage(title string) views.Page {
	p := b.basePage(nil)
	p.Title = title + " — " + b.opt.SiteName
	p.Description = title
	p.CanonicalURL = b.opt.Base + "/"
	p.Image = b.snap.siteImage
	p.Noindex = true
	p.JSONLD = mustJSON(map[string]any{"@context": "https://schema.org", "@type": "WebPage", "name": title})
	return p
}

// socialLinks lists an organisation's accounts in a fixed order.
func socialLinks(s campaign.Social) []views.Link {
	var out []views.Link
	for _, l := range []views.Link{
		{Label: "X", URL: s.X}, {Label: "Bluesky", URL: s.Bluesky}, {Label: "Mastodon", URL: s.Mastodon},
		{Label: "Facebook", URL: s.Facebook}, {Label: "Instagram", URL: s.Instagram}, {Label: "LinkedIn", URL: s.LinkedIn},
		{Label: "YouTube", URL: s.YouTube}, {Label: "TikTok", URL: s.TikTok}, {Label: "Threads", URL: s.Threads},
		{Label: "Telegram", URL: s.Telegram}, {Label: "WhatsApp", URL: s.WhatsApp},
	} {
		if l.URL != "" {
			out = append(out, l)
		}
	}
	return out
}

// img turns an organiser's picture into a view image served under /static/.
func (b *builder) img(org *campaign.Org, im *campaign.Image) *views.Img {
	a := imageAsset(org, im)
	if a == nil {
		return nil
	}
	v := &views.Img{URL: b.assetURL(org, a), Alt: im.Alt, Credit: im.Credit, Width: a.Width, Height: a.Height}
	if v.Width == 0 && isRaster(a) {
		v.Width, v.Height = rasterSize(a)
	}
	return v
}

// md renders an organiser's Markdown for org's pages, nesting its headings
// under level and prefixing its ids, with the organisation's typography.
func (b *builder) md(org *campaign.Org, src campaign.Markdown, level int, idPrefix string) template.HTML {
	return b.mdAs(org, src, level, idPrefix, org.Verbatim())
}

// campaignMD renders Markdown of campaign c (of an action of kind k, or ""
// for the campaign's own texts) with the typography that applies to it
// (campaign.Campaign.Verbatim).
//
// The campaign's texts are remembered until another campaign's are asked
// for: its page is laid out again for each share rotation and contact
// region (rotationProps, addLive), with the same texts.
func (b *builder) campaignMD(c *campaign.Campaign, k campaign.Kind, src campaign.Markdown, level int, idPrefix string) template.HTML {
	key := mdKey{src: string(src), level: level, idPrefix: idPrefix, verbatim: c.Verbatim(k)}
	if b.mdFor != c || b.mdMemo == nil {
		b.mdFor, b.mdMemo = c, map[mdKey]template.HTML{}
	}
	if h, ok := b.mdMemo[key]; ok {
		return h
	}
	h := b.mdAs(c.Org, src, level, idPrefix, key.verbatim)
	b.mdMemo[key] = h
	return h
}

// mdKey is what a campaign's Markdown is rendered from (campaignMD).
type mdKey struct {
	src      string
	level    int
	idPrefix string
	verbatim bool
}

// mdAs renders Markdown for org's pages, keeping quotes and dashes as typed
// when verbatim.
func (b *builder) mdAs(org *campaign.Org, src campaign.Markdown, level int, idPrefix string, verbatim bool) template.HTML {
	return b.markdown.HTML(string(src), markdown.Options{
		Verbatim:     verbatim,
		HeadingLevel: level,
		IDPrefix:     idPrefix,
		ImageURL: func(p string) string {
			if org == nil {
				return ""
			}
			a := org.Assets[strings.TrimPrefix(p, "./")]
			if a == nil || !strings.HasPrefix(a.ContentType, "image/") {
				return ""
			}
			return b.assetURL(org, a)
		},
		ImageSize: func(p string) markdown.ImageSize {
			if org == nil {
				return markdown.ImageSize{}
			}
			return b.textPicture(org, org.Assets[strings.TrimPrefix(p, "./")])
		},
	})
}

// indexProps is the site index.
func (b *builder) indexProps(site *campaign.Site) views.IndexPageProps {
	p := b.basePage(nil)
	name := b.opt.SiteName
	p.Title = name
	p.CanonicalURL = b.opt.Base + "/"
	p.Image = b.snap.siteImage
	var cards []views.OrgCard
	var names []string
	if site != nil {
		for _, o := range site.Orgs {
			n := 0
			for _, c := range o.Campaigns {
				if b.public(c) {
					n++
				}
			}
			text := Plural(n, "campaign", "campaigns")
			if n == 0 {
				text = "No campaigns yet"
			}
			cards = append(cards, views.OrgCard{
				Name:              o.Name,
				URL:               "/" + o.Slug,
				Summary:           markdown.Truncate(b.markdown.PlainText(string(o.About)), descriptionLimit),
				Logo:              b.picture(o, o.Logo, logoSizes(3)),
				CampaignCount:     n,
				CampaignCountText: text,
			})
			names = append(names, o.Name)
		}
	}
	p.Description = "Calls to action from " + joinNames(names) + "."
	if len(names) == 0 {
		p.Description = "Calls to action: sign, call, share, listen and give."
	}
	if d := b.siteDescription(); d != "" {
		p.Description = d
	}
	p.Description = markdown.Truncate(p.Description, descriptionLimit)
	p.JSONLD = mustJSON(map[string]any{
		"@context":    "https://schema.org",
		"@type":       "WebSite",
		"name":        name,
		"url":         p.CanonicalURL,
		"description": p.Description,
	})
	return views.IndexPageProps{Page: p, Heading: name, Orgs: cards}
}

// joinNames writes "A", "A and B", "A, B and C".
func joinNames(names []string) string {
	switch len(names) {
	case 0:
		return ""
	case 1:
		return names[0]
	}
	return strings.Join(names[:len(names)-1], ", ") + " and " + names[len(names)-1]
}

// orgProps is an organisation's page.
func (b *builder) orgProps(o *campaign.Org) views.OrgPageProps {
	p := b.basePage(o)
	p.Title = o.Name + " — " + b.opt.SiteName
	p.CanonicalURL = b.opt.Base + orgPath(o)
	p.Description = markdown.Truncate(b.markdown.PlainText(string(o.About)), descriptionLimit)
	if p.Description == "" {
		p.Description = p.L.T("org.description", "org", o.Name)
	}
	b.alternates(&p, o, func(x *campaign.Org) string { return orgPath(x) })
	p.Image = b.orgShareImage(o)
	p.Breadcrumbs = []views.Link{{Label: b.opt.SiteName, URL: "/"}}
	p.JSONLD = mustJSON(orgJSONLD(b, o, p.CanonicalURL, p.Description))
	p.Discovery = []views.Discovery{b.feedLink(o)}

	prof := views.OrgProfile{
		Name:       o.Name,
		Website:    o.Website,
		Logo:       b.picture(o, o.Logo, logoSizes(6)),
		AboutHTML:  b.md(o, o.About, 3, "about-"),
		Media:      person(o.MediaContact),
		Social:     socialLinks(o.Social),
		DonateURL:  o.Donate,
		PrivacyURL: o.PrivacyPolicy,
	}
	var cards []views.CampaignCard
	for _, c := range o.Campaigns {
		if b.public(c) {
			cards = append(cards, b.card(c, o))
		}
	}
	msg := func(campaign.Network) string { return p.Description }
	share := b.shareLinksView(orgPath(o), p.CanonicalURL, msg, o.Name, nil)
	OrderShare(share, o.ShareNetworks)
	return views.OrgPageProps{Page: p, Org: prof, Campaigns: cards, Share: share}
}

// orgJSONLD describes an organisation for search engines.
func orgJSONLD(b *builder, o *campaign.Org, pageURL, description string) map[string]any {
	m := map[string]any{
		"@context":    "https://schema.org",
		"@type":       "Organization",
		"name":        o.Name,
		"url":         pageURL,
		"description": description,
	}
	if o.Website != "" {
		m["url"] = o.Website
	}
	if logo := b.img(o, o.Logo); logo != nil {
		m["logo"] = b.opt.Base + logo.URL
	}
	var same []string
	for _, l := range socialLinks(o.Social) {
		same = append(same, l.URL)
	}
	if len(same) > 0 {
		m["sameAs"] = same
	}
	return m
}

// person is a contact with ready-made tel: and mailto: links.
func person(p *campaign.Person) *views.Person {
	if p == nil || (p.Name == "" && p.Phone == "" && p.Email == "") {
		return nil
	}
	v := &views.Person{Name: p.Name, Role: p.Role, Phone: p.Phone, Email: p.Email, TelURL: telURL(p.Phone)}
	if p.Email != "" {
		v.MailtoURL = MailtoURL(p.Email, "", "")
	}
	return v
}

// card is a campaign as a card; page is the organisation whose page shows it.
func (b *builder) card(c *campaign.Campaign, page *campaign.Org) views.CampaignCard {
	v := views.CampaignCard{
		Title:    c.Title,
		URL:      CampaignPath(c),
		Summary:  c.Summary,
		DateText: b.localizer(c.Org).Date(c.Date),
		DateISO:  isoDate(c.Date),
		Image:    b.picture(c.Org, c.Image, cardSizes),
	}
	switch b.status(c) {
	case campaign.StatusVictory:
		v.StatusText, v.Status = b.localizer(c.Org).T("card.victory"), "victory"
	case campaign.StatusClosed:
		v.StatusText, v.Status = b.localizer(c.Org).T("card.closed"), "closed"
	}
	if page != nil && c.Org != page {
		v.OrgName = c.Org.Name
	}
	return v
}

// status is the campaign's effective status: closed once close_at has passed.
func (b *builder) status(c *campaign.Campaign) campaign.Status {
	switch c.Status {
	case campaign.StatusClosed, campaign.StatusVictory, campaign.StatusDraft:
		return c.Status
	}
	if !c.CloseAt.IsZero() && !b.opt.Now().Before(c.CloseAt) {
		return campaign.StatusClosed
	}
	return campaign.StatusPublished
}

// campaignProps is a campaign page; region, when it names one of the
// contact targets' regions, selects it. It also returns every region the
// page's region pickers offer, for building the variants.
func (b *builder) campaignProps(c *campaign.Campaign, region string) (views.CampaignPageProps, []string) {
	o := c.Org
	canonical := b.opt.Base + CampaignPath(c)
	p := b.basePage(o)
	p.Title = c.Title + " — " + o.Name
	p.CanonicalURL = canonical
	p.Description = markdown.Truncate(strings.TrimSpace(c.Summary), descriptionLimit)
	if p.Description == "" {
		p.Description = markdown.Truncate(b.markdown.PlainTextAs(string(c.Body), c.Verbatim("")), descriptionLimit)
	}
	p.OGType = "article"
	p.Image = b.campaignShareImage(c)
	p.Breadcrumbs = []views.Link{{Label: b.opt.SiteName, URL: "/"}, {Label: o.Name, URL: orgPath(o)}}
	b.alternates(&p, o, func(x *campaign.Org) string { return CampaignPath(c.In(x.Language)) })
	l := p.L

	st := b.status(c)
	closed := st == campaign.StatusClosed || st == campaign.StatusVictory
	cv := views.CampaignView{
		Title:    c.Title,
		Summary:  c.Summary,
		DateText: l.Date(c.Date),
		DateISO:  isoDate(c.Date),
		Image:    b.picture(o, c.Image, heroSizes),
		BodyHTML: b.campaignMD(c, "", c.Body, 2, "body-"),
		Hashtags: hashtags(c.Hashtags),
		Steps:    c.Layout == campaign.LayoutSteps,
	}
	if closed {
		cv.Status = string(st)
		cv.StatusText = l.T("campaign.ended")
		if st == campaign.StatusVictory {
			cv.StatusText = l.T("campaign.won")
		}
		cv.OutcomeHTML = b.campaignMD(c, "", c.Outcome, 3, "outcome-")
	}

	var allRegions []string
	var actions []views.ActionView
	for i, a := range c.Actions {
		id := a.ID // the loader gives every action one
		title := a.Title
		if title == "" {
			title = l.T("title." + string(a.Kind))
		}
		av := views.ActionView{
			ID:        id,
			Kind:      string(a.Kind),
			Number:    i + 1,
			Icon:      a.Icon,
			Title:     title,
			IntroHTML: b.campaignMD(c, a.Kind, a.Text, 3, id+"-intro-"),
			Closed:    closed,
		}
		b.fillAction(&av, c, a, canonical, region, &allRegions)
		actions = append(actions, av)
	}
	slices.SortFunc(allRegions, func(x, y string) int { return strings.Compare(strings.ToLower(x), strings.ToLower(y)) })
	allRegions = slices.CompactFunc(allRegions, strings.EqualFold)

	// A campaign without a share action still closes with share links, so
	// every page can be passed on.
	var pageShare *views.ShareView
	if !hasKind(c, campaign.KindShare) {
		pageShare = b.shareView(c, nil, canonical)
	}
	var related []views.CampaignCard
	for _, r := range c.Related {
		switch {
		case r.Target != nil:
			if b.public(r.Target) && r.Target.Org != nil {
				related = append(related, b.card(r.Target.In(o.Language), o))
			}
		case r.Link != "":
			related = append(related, views.CampaignCard{Title: r.Title, URL: r.Link, Summary: r.Summary, External: true})
		}
	}

	p.JSONLD = mustJSON(b.articleJSONLD(c, p))
	p.Discovery = b.campaignDiscovery(c)
	cp := views.CampaignPageProps{
		Page:     p,
		OrgName:  o.Name,
		OrgURL:   orgPath(o),
		Campaign: cv,
		Actions:  actions,
		Related:  related,
		Share:    pageShare,
	}
	addNextSteps(&cp)
	return cp, allRegions
}

// articleJSONLD describes a campaign as an Article, or a NewsArticle when
// it carries a press statement.
func (b *builder) articleJSONLD(c *campaign.Campaign, p views.Page) map[string]any {
	o := c.Org
	typ := "Article"
	if hasKind(c, campaign.KindStatement) {
		typ = "NewsArticle"
	}
	publisher := map[string]any{"@type": "Organization", "name": o.Name}
	if o.Website != "" {
		publisher["url"] = o.Website
	}
	if logo := b.img(o, o.Logo); logo != nil {
		publisher["logo"] = map[string]any{"@type": "ImageObject", "url": b.opt.Base + logo.URL}
	}
	headline := []rune(c.Title)
	if len(headline) > 110 {
		headline = append(headline[:109], '…')
	}
	m := map[string]any{
		"@context":         "https://schema.org",
		"@type":            typ,
		"headline":         string(headline),
		"description":      p.Description,
		"url":              p.CanonicalURL,
		"mainEntityOfPage": p.CanonicalURL,
		"inLanguage":       p.Lang,
		"author":           publisher,
		"publisher":        publisher,
	}
	if !c.Date.IsZero() {
		m["datePublished"] = isoDate(c.Date)
	}
	if p.Image != nil {
		m["image"] = []string{p.Image.URL}
	}
	if len(c.Hashtags) > 0 {
		m["keywords"] = strings.Join(c.Hashtags, ", ")
	}
	return m
}

// hashtags writes tags with their # sign.
func hashtags(tags []string) []string {
	var out []string
	for _, t := range tags {
		t = strings.TrimPrefix(strings.TrimSpace(t), "#")
		if t != "" {
			out = append(out, "#"+t)
		}
	}
	return out
}

// fillAction sets the kind-specific view of one call to action.
func (b *builder) fillAction(av *views.ActionView, c *campaign.Campaign, a campaign.Action, canonical, region string, allRegions *[]string) {
	o := c.Org
	id := av.ID
	switch a.Kind {
	case campaign.KindStatement:
		s := a.Statement
		if s == nil {
			return
		}
		// The loader fills in the date and media contact a statement leaves out.
		av.Statement = &views.StatementView{
			Dateline:     s.Dateline,
			DateText:     b.localizer(o).Date(s.Date),
			DateISO:      isoDate(s.Date),
			BodyHTML:     b.campaignMD(c, a.Kind, s.Body, 3, id+"-"),
			Media:        person(s.MediaContact),
			Availability: s.Availability,
			AboutName:    o.Name,
			AboutHTML:    b.campaignMD(c, a.Kind, o.About, 4, id+"-about-"),
		}
	case campaign.KindLetter:
		l := a.Letter
		if l == nil {
			return
		}
		lv := &views.LetterView{
			To:         l.To,
			Salutation: l.Salutation,
			BodyHTML:   b.campaignMD(c, a.Kind, l.Body, 3, id+"-"),
			Closing:    l.Closing,
		}
		for _, s := range l.Organisations {
			lv.Organisations = append(lv.Organisations, views.SignatoryView{Name: s.Name, URL: s.Link, Logo: b.picture(o, s.Logo, logoSizes(3)), Role: s.Role})
		}
		for _, s := range l.Individuals {
			lv.Individuals = append(lv.Individuals, views.SignatoryView{Name: s.Name, URL: s.Link, Logo: b.picture(o, s.Logo, logoSizes(3)), Role: s.Role})
		}
		lv.SignatoryCountText = signedBy(b.localizer(o), len(l.Organisations), len(l.Individuals))
		if sa := signableAction(c, &a, id); sa != nil && b.forms() {
			lv.Form = b.signFormFor(c, sa, av.Closed)
		}
		av.Letter = lv
	case campaign.KindPetition:
		pt := a.Petition
		if pt == nil {
			return
		}
		pv := &views.PetitionView{Target: pt.Target, TextHTML: b.campaignMD(c, a.Kind, pt.Text, 3, id+"-"), Goal: pt.Goal}
		if pt.Goal > 0 {
			pv.GoalText = b.localizer(o).N("n.signatures", pt.Goal)
		}
		if sa := signableAction(c, &a, id); sa != nil && b.forms() {
			pv.Form = b.signFormFor(c, sa, av.Closed)
		}
		av.Petition = pv
	case campaign.KindContact:
		av.Contact = b.contactView(c, a.Contact, id, region, allRegions)
	case campaign.KindShare:
		av.Share = b.shareView(c, a.Share, canonical)
	case campaign.KindListen:
		if a.Listen == nil {
			return
		}
		lv := &views.ListenView{}
		for _, it := range a.Listen.Items {
			dt, di := b.localizer(o).Duration(it.Duration), i18n.ISODuration(it.Duration)
			format := it.Format
			if format == "" {
				format = "article"
			}
			lv.Items = append(lv.Items, views.MediaView{
				Title: it.Title, Source: it.Source, URL: it.Link,
				DurationText: dt, DurationISO: di,
				FormatText: b.localizer(o).T("media." + format), Description: it.Description,
			})
		}
		av.Listen = lv
	case campaign.KindEngage:
		members := o.Members
		if a.Engage != nil && len(a.Engage.Organisations) > 0 {
			members = a.Engage.Organisations
		}
		av.Engage = engageView(members)
	case campaign.KindDonate:
		av.Donate = donateView(o, a.Donate, b.localizer(o).Money)
	case campaign.KindResources:
		if a.Resources == nil {
			return
		}
		rv := &views.ResourcesView{}
		for _, r := range a.Resources.Items {
			item := views.ResourceView{
				Title: resourceTitle(r), URL: r.Link, Description: r.Description,
				DateText: b.localizer(o).Date(r.Date), DateISO: isoDate(r.Date),
			}
			asset := r.Asset
			if asset == nil && r.File != "" {
				asset = o.Assets[strings.TrimPrefix(r.File, "./")]
			}
			if asset != nil {
				item.URL = b.assetURL(o, asset)
				l := b.localizer(o)
				item.FormatText = l.FileFormat(asset.ContentType, asset.Path) + l.T("list.comma") + l.Size(len(asset.Data))
				item.Download = true
			}
			rv.Items = append(rv.Items, item)
		}
		av.Resources = rv
	}
}

// signedBy counts a letter's signatories in words.
func signedBy(l *i18n.Localizer, orgs, people int) string {
	switch {
	case orgs > 0 && people > 0:
		return l.T("letter.signedby.both", "orgs", l.N("n.organisations", orgs), "people", l.N("n.people", people))
	case orgs > 0:
		return l.T("letter.signedby", "who", l.N("n.organisations", orgs))
	case people > 0:
		return l.T("letter.signedby", "who", l.N("n.people", people))
	}
	return ""
}

// contactView lists the decision-makers, filtered to region when the reader
// picked one of the targets' regions.
func (b *builder) contactView(c *campaign.Campaign, ct *campaign.Contact, id, region string, allRegions *[]string) *views.ContactView {
	if ct == nil {
		return nil
	}
	subject := ct.Subject
	if subject == "" {
		subject = c.Title
	}
	cv := &views.ContactView{
		FormAction: CampaignPath(c) + "#" + id,
		ScriptHTML: b.campaignMD(c, campaign.KindContact, ct.Script, 4, id+"-script-"),
		Subject:    subject,
		Message:    Reflow(ct.Message),
	}
	seen := map[string]bool{}
	for _, t := range ct.Targets {
		if t.Region != "" && !seen[strings.ToLower(t.Region)] {
			seen[strings.ToLower(t.Region)] = true
			cv.Regions = append(cv.Regions, t.Region)
		}
	}
	slices.SortFunc(cv.Regions, func(x, y string) int { return strings.Compare(strings.ToLower(x), strings.ToLower(y)) })
	*allRegions = append(*allRegions, cv.Regions...)
	for _, r := range cv.Regions {
		if strings.EqualFold(r, region) {
			cv.Region = r
		}
	}
	for _, t := range ct.Targets {
		// Targets without a region (a national office, say) concern everyone.
		if cv.Region != "" && t.Region != "" && !strings.EqualFold(t.Region, cv.Region) {
			continue
		}
		tv := views.TargetView{Name: t.Name, Role: t.Role, Region: t.Region, Phone: t.Phone, TelURL: telURL(t.Phone), Email: t.Email,
			Party: t.Party, Address: t.Address, Photo: b.targetPhoto(c.Org, t, b.l)}
		if t.Email != "" {
			body := Reflow(ct.Message) // the email keeps paragraphs, not the YAML's line breaks
			tv.MailtoURL = MailtoURL(t.Email, subject, body)
			tv.GmailURL, tv.OutlookURL = GmailURL(t.Email, subject, body), OutlookURL(t.Email, subject, body)
		}
		cv.Targets = append(cv.Targets, tv)
	}
	b.contactLinks(c, ct, id, cv)
	return cv
}

// shareView builds the share links and the Mastodon form.
func (b *builder) shareView(c *campaign.Campaign, sh *campaign.Share, canonical string) *views.ShareView {
	msg, subject, tags := CampaignMessages(c, sh, b.variant)
	sv := b.shareLinksWith(CampaignPath(c), canonical, msg, wordingSources(sh, b.variant), subject, tags)
	OrderShare(sv, c.Org.ShareNetworks)
	return sv
}

// shareLinksView builds the share links and the Mastodon form for the page
// at pagePath, and records the page's default Mastodon text for the
// Mastodon redirect.
func (b *builder) shareLinksView(pagePath, canonical string, msg func(campaign.Network) string, subject string, tags []string) *views.ShareView {
	return b.shareLinksWith(pagePath, canonical, msg, networkSource, subject, tags)
}

// shareLinksWith is shareLinksView with each network's source tag from src.
func (b *builder) shareLinksWith(pagePath, canonical string, msg, src func(campaign.Network) string, subject string, tags []string) *views.ShareView {
	sv := shareViewWith(pagePath, canonical, msg, src, subject, tags)
	for i := range sv.Links {
		sv.Links[i].Label = b.l.T("share.net." + sv.Links[i].Network)
	}
	if b.mode != ModePreview && b.variant == 0 {
		b.snap.Mastodon[pagePath] = sv.Mastodon.Text
		b.snap.MastodonLoc[pagePath] = b.l
	}
	if b.mode != ModePreview && !slices.Contains(b.snap.MastodonTexts[pagePath], sv.Mastodon.Text) {
		b.snap.MastodonTexts[pagePath] = append(b.snap.MastodonTexts[pagePath], sv.Mastodon.Text)
	}
	staticMastodon(&sv, b.mode, b.opt.FormOrigin)
	return &sv
}

// engageView groups a directory by region, regions sorted, organisations
// without a region last.
func engageView(members []campaign.Member) *views.EngageView {
	groups := map[string]*views.MemberGroup{}
	var order []string
	for _, m := range members {
		g := groups[m.Region]
		if g == nil {
			g = &views.MemberGroup{Region: m.Region}
			groups[m.Region] = g
			order = append(order, m.Region)
		}
		mv := views.MemberView{Name: m.Name, URL: m.Link, Description: m.Description, Email: m.Email}
		if m.Email != "" {
			mv.MailtoURL = MailtoURL(m.Email, "", "")
		}
		g.Members = append(g.Members, mv)
	}
	slices.SortFunc(order, func(x, y string) int {
		switch {
		case x == "":
			return 1
		case y == "":
			return -1
		}
		return strings.Compare(strings.ToLower(x), strings.ToLower(y))
	})
	ev := &views.EngageView{}
	for _, r := range order {
		ev.Groups = append(ev.Groups, *groups[r])
	}
	return ev
}

// donateView lists the places to give, with suggested amounts linking
// straight to a preset amount when the donation page supports it.
func donateView(o *campaign.Org, d *campaign.Donate, money func(amount int, currency string) string) *views.DonateView {
	var dests []campaign.Destination
	var amounts []int
	var currency string
	if d != nil {
		dests, amounts, currency = d.Destinations, d.Amounts, d.Currency
	}
	if len(dests) == 0 && o.Donate != "" {
		dests = []campaign.Destination{{Name: o.Name, Link: o.Donate}}
	}
	dv := &views.DonateView{}
	for _, dst := range dests {
		v := views.DestinationView{Name: dst.Name, URL: dst.Link, Description: dst.Description}
		for _, amt := range amounts {
			link := dst.Link
			if dst.AmountParam != "" {
				link = withQuery(link, dst.AmountParam, strconv.Itoa(amt))
			}
			v.Amounts = append(v.Amounts, views.Link{Label: money(amt, currency), URL: link})
		}
		dv.Destinations = append(dv.Destinations, v)
	}
	return dv
}

// mustJSON marshals JSON-LD. encoding/json escapes <, > and & as \u003c and
// so on, so the result is safe inside a script element.
func mustJSON(v any) string {
	data, err := json.Marshal(v)
	if err != nil {
		// Only maps of strings and slices are marshalled here; an error is
		// a programming mistake caught by every test.
		panic("web: marshalling JSON-LD: " + err.Error())
	}
	return string(data)
}

// signFormFor is the signing form on a campaign page: with a token
// placeholder on a live server, or, in a static copy (Config.FormOrigin),
// posting to the live server with no token.
func (b *builder) signFormFor(c *campaign.Campaign, sa *Signable, closed bool) *views.SignForm {
	if b.mode == ModePublic {
		// The visitor's source is spliced in per response.
		return SignForm(b.localizer(c.Org), c, sa, formtoken.Placeholder, attribution.FormPlaceholder, closed, nil, nil)
	}
	// A static copy cannot splice: the field is there, blank, so the
	// copy's bytes are the live page's for a visitor without a share tag.
	f := SignForm(b.localizer(c.Org), c, sa, "", string(attribution.BlankFormValue()), closed, nil, nil)
	f.Action = b.opt.FormOrigin + f.Action
	return f
}
