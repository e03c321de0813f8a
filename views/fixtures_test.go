package views

import "html/template"

// The fixtures below are realistic, fixed view models for every page: the
// same values on every run, so golden files stay stable. Together the two
// campaign fixtures hold every kind of call to action and both layouts; the
// closed fixture covers the victory banner and closed actions.

const testBase = "https://act.example.org"

func testPage(title, path string) Page {
	return Page{
		Lang:         "en",
		Dir:          "ltr",
		Title:        title,
		Description:  "Calls to action from the Riverside Coalition.",
		CanonicalURL: testBase + path,
		SiteName:     "Placard",
		OGType:       "website",
		OGLocale:     "en_GB",
		Image: &ShareImage{
			URL: testBase + "/riverside/save-the-library/og.png", Width: 1200, Height: 630,
			Alt: "Children reading in the library's main room", Type: "image/png",
		},
		TwitterSite:   "@riverside",
		JSONLD:        `{"@context":"https://schema.org","@type":"WebPage","name":"Save the library"}`,
		StylesheetURL: "/static/style.3f2a9c1d.css",
		ScriptURL:     "/static/app.8e1b7d20.js",
		ThemeCSS:      ":root{--brand:#0b5d3b;--accent:#0b5d3b}",
		Brand: Brand{Name: "Riverside Coalition", URL: "/riverside",
			Logo: &Img{URL: "/static/riverside/logo.1a2b3c.svg", Alt: "Riverside Coalition logo", Width: 48, Height: 48}},
		Breadcrumbs: []Link{{Label: "Home", URL: "/"}, {Label: "Riverside Coalition", URL: "/riverside"}},
		Footer: Footer{
			OrgName: "Riverside Coalition", Website: "https://riverside.example",
			PrivacyURL: "https://riverside.example/privacy",
			Social:     []Link{{Label: "Riverside Coalition on Bluesky", URL: "https://bsky.app/profile/riverside.example"}},
		},
	}
}

func indexFixture() IndexPageProps {
	p := testPage("Placard — campaigns you can act on", "/")
	p.OGType = "website"
	p.ThemeCSS = ""
	p.TwitterSite = ""
	p.Brand = Brand{Name: "Placard", URL: "/"}
	p.Breadcrumbs = nil
	p.Footer = Footer{}
	return IndexPageProps{
		Page:    p,
		Heading: "Organisations and their campaigns",
		Orgs: []OrgCard{
			{Name: "Coalition for Shared Futures", URL: "/shared-futures", Summary: "Member organisations building a shared future through civil society.", CampaignCount: 1, CampaignCountText: "1 campaign"},
			{Name: "Riverside Coalition", URL: "/riverside", Summary: "A coalition of 40 neighbourhood groups working for safe, shared public space.",
				Logo: &Img{URL: "/static/riverside/logo.1a2b3c.svg", Alt: "Riverside Coalition logo", Width: 48, Height: 48}, CampaignCount: 3, CampaignCountText: "3 campaigns"},
		},
	}
}

func orgFixture() OrgPageProps {
	p := testPage("Riverside Coalition", "/riverside")
	p.Breadcrumbs = []Link{{Label: "Home", URL: "/"}}
	return OrgPageProps{
		Page: p,
		Org: OrgProfile{
			Name: "Riverside Coalition", Website: "https://riverside.example",
			Logo:      &Img{URL: "/static/riverside/logo.1a2b3c.svg", Alt: "Riverside Coalition logo", Width: 96, Height: 96},
			AboutHTML: template.HTML("<p>A coalition of 40 neighbourhood groups working for safe, shared public space.</p><p>We have organised since 1998.</p>"),
			Media:     &Person{Name: "Sam Ortiz", Role: "Press officer", Phone: "+1 555 0100", TelURL: "tel:+15550100", Email: "press@riverside.example", MailtoURL: "mailto:press@riverside.example"},
			Social:    []Link{{Label: "Bluesky", URL: "https://bsky.app/profile/riverside.example"}},
			DonateURL: "https://riverside.example/give", PrivacyURL: "https://riverside.example/privacy",
		},
		Campaigns: []CampaignCard{
			{Title: "Save the Riverside library", URL: "/riverside/save-the-library", Summary: "The council votes on 3 March.", DateText: "10 February 2026", DateISO: "2026-02-10",
				Image: &Img{URL: "/static/riverside/reading-room.9f8e7d.jpg", Alt: "Children reading in the library's main room", Width: 1200, Height: 630}},
			{Title: "Keep the river path open", URL: "/riverside/river-path", Summary: "The path stays public.", DateText: "2 June 2025", DateISO: "2025-06-02", StatusText: "Victory"},
		},
		Share: shareFixture(),
	}
}

func sectionsFixture() CampaignPageProps {
	p := testPage("Save the Riverside library — Riverside Coalition", "/riverside/save-the-library")
	p.OGType = "article"
	return CampaignPageProps{
		Page:    p,
		OrgName: "Riverside Coalition",
		OrgURL:  "/riverside",
		Campaign: CampaignView{
			Title:    "Save the Riverside library",
			Summary:  "The council votes on 3 March. Here is how you can help in ten minutes.",
			DateText: "10 February 2026", DateISO: "2026-02-10",
			Image: &Img{URL: "/static/riverside/reading-room.9f8e7d.jpg", Alt: "Children reading in the library's main room", Width: 1200, Height: 630, Credit: "Photo: Ana Ruiz",
				SrcSet: "/static/riverside/reading-room-480w.5a6b7c.jpg 480w, /static/riverside/reading-room-800w.8d9e0f.jpg 800w, /static/riverside/reading-room.9f8e7d.jpg 1200w",
				Sizes:  "(min-width: 52rem) 48rem, calc(100vw - 2rem)"},
			BodyHTML: template.HTML(`<p>The Riverside branch is the last public library on the east bank. <a href="https://riverside.example/budget" rel="nofollow noopener" target="_blank">The draft budget</a> closes it in April.</p>`),
			Hashtags: []string{"#SaveRiversideLibrary"},
		},
		Actions: []ActionView{
			{ID: "statement", Kind: "statement", Title: "Our statement",
				Statement: &StatementView{Dateline: "NEW YORK", DateText: "10 February 2026", DateISO: "2026-02-10",
					BodyHTML:     template.HTML("<p>The coalition calls on the council to keep the library open.</p>"),
					Media:        &Person{Name: "Sam Ortiz", Role: "Press officer", Phone: "+1 555 0100", TelURL: "tel:+15550100", Email: "press@riverside.example", MailtoURL: "mailto:press@riverside.example"},
					Availability: "Our staff are available for interview.",
					AboutName:    "Riverside Coalition",
					AboutHTML:    template.HTML("<p>A coalition of 40 neighbourhood groups.</p>")}},
			{ID: "letter", Kind: "letter", Title: "Read our open letter",
				Letter: &LetterView{To: "Mayor of Riverside", Salutation: "Dear Mayor Chen,",
					BodyHTML: template.HTML("<p>We write as the organisations that use the library every week.</p>"),
					Closing:  "With hope for your leadership,",
					Organisations: []SignatoryView{
						{Name: "Riverside Readers", URL: "https://readers.example", Logo: &Img{URL: "/static/riverside/readers.4d5e6f.png", Alt: "Riverside Readers logo", Width: 120, Height: 60}},
						{Name: "East Bank Tenants", URL: "https://tenants.example"},
						{Name: "Parents for Play"},
					},
					Individuals: []SignatoryView{
						{Name: "Rabbi Miriam Katz", Role: "Congregation Beth Am"},
						{Name: "Dr Omar Haddad", Role: "Riverside Clinic", URL: "https://clinic.example"},
					},
					SignatoryCountText: "Signed by 3 organisations and 2 people",
					Tally:              &Tally{Count: 41, CountText: "41 people and organisations have added their names", Goal: 100, GoalText: "Help us reach 100", Percent: 41},
					Form:               letterForm()}},
			{ID: "petition", Kind: "petition", Title: "Sign the petition",
				IntroHTML: template.HTML("<p>Add your name before the vote.</p>"),
				Petition: &PetitionView{Target: "Riverside City Council",
					TextHTML: template.HTML("<p>Keep the Riverside library open and fund it for five years.</p>"),
					Goal:     5000, GoalText: "5,000 signatures",
					Tally: &Tally{Count: 1234, CountText: "1,234 people have signed", Goal: 2500, GoalText: "Help us reach 2,500", Percent: 49,
						Recent: []SignerView{
							{Name: "<b>Mallory</b> & co", Detail: "GB", WhenText: "10 February 2026", WhenISO: "2026-02-10"},
							{Name: "مريم حداد", WhenText: "9 February 2026", WhenISO: "2026-02-09"},
						}},
					Form: petitionForm()}},
			{ID: "contact", Kind: "contact", Title: "Call your council member",
				Contact: &ContactView{Regions: []string{"East ward", "West ward"}, Region: "East ward",
					FormAction: "/riverside/save-the-library#contact",
					Targets: []TargetView{{Name: "Councillor Lee", Role: "Member for the East ward", Region: "East ward", Phone: "+1 555 0111", TelURL: "tel:+15550111",
						Email: "lee@council.example", MailtoURL: "mailto:lee@council.example?subject=Keep%20the%20library%20open&body=Please%20vote%20no."}},
					ScriptHTML: template.HTML("<p>Hello, I live in your ward and I ask you to vote to keep the library open.</p>"),
					Subject:    "Keep the library open",
					Message:    "Dear Councillor,\n\nPlease vote no on the closure.\n\nThank you."}},
			{ID: "share", Kind: "share", Title: "Spread the word",
				Share: shareFixture()},
			{ID: "resources", Kind: "resources", Title: "Read the report",
				Resources: &ResourcesView{Items: []ResourceView{
					{Title: "What the library gives Riverside", URL: "/static/riverside/report.abc123.pdf", Description: "Our 2025 survey of 1,200 library users.", DateText: "1 December 2025", DateISO: "2025-12-01", FormatText: "PDF, 1.2 MB", Download: true},
					{Title: "The council's draft budget", URL: "https://council.example/budget"},
				}}},
		},
		Related: []CampaignCard{
			{Title: "Keep the river path open", URL: "/riverside/river-path", Summary: "The path stays public.", DateText: "2 June 2025", DateISO: "2025-06-02", StatusText: "Victory"},
			{Title: "Libraries for all", URL: "https://libraries.example/campaign", Summary: "A national campaign for public libraries.", External: true, OrgName: "Libraries Network"},
		},
	}
}

func shareFixture() *ShareView {
	u := testBase + "/riverside/save-the-library"
	return &ShareView{
		URL: u,
		Links: []ShareLink{
			{Network: "x", Label: "Share on X", URL: "https://x.com/intent/post?text=Save%20the%20library&url=" + u},
			{Network: "bluesky", Label: "Share on Bluesky", URL: "https://bsky.app/intent/compose?text=Save%20the%20library%20" + u},
			{Network: "facebook", Label: "Share on Facebook", URL: "https://www.facebook.com/sharer/sharer.php?u=" + u, Text: "The Riverside library needs us before 3 March."},
			{Network: "linkedin", Label: "Share on LinkedIn", URL: "https://www.linkedin.com/sharing/share-offsite/?url=" + u, Text: "The Riverside library needs us before 3 March."},
			{Network: "whatsapp", Label: "Share on WhatsApp", URL: "https://wa.me/?text=Save%20the%20library%20" + u},
			{Network: "telegram", Label: "Share on Telegram", URL: "https://t.me/share/url?url=" + u + "&text=Save%20the%20library"},
			{Network: "email", Label: "Share by email", URL: "mailto:?subject=Save%20the%20library&body=" + u},
		},
		Mastodon: MastodonShare{Action: "/riverside/save-the-library/share/mastodon", Text: "Save the library " + u + " #SaveRiversideLibrary"},
		Hashtags: []string{"#SaveRiversideLibrary", "#Riverside"},
	}
}

func stepsFixture() CampaignPageProps {
	p := testPage("Four ways to help — Coalition for Shared Futures", "/shared-futures/four-ways")
	p.OGType = "article"
	p.Brand = Brand{Name: "Coalition for Shared Futures", URL: "/shared-futures"}
	s := shareFixture()
	s.URL = testBase + "/shared-futures/four-ways"
	return CampaignPageProps{
		Page:    p,
		OrgName: "Coalition for Shared Futures",
		OrgURL:  "/shared-futures",
		Campaign: CampaignView{
			Title:    "How you can support activists working on the ground",
			Summary:  "Four practical steps for people far away.",
			DateText: "19 October 2025", DateISO: "2025-10-19",
			BodyHTML: template.HTML("<p>Here are four steps anyone can take today.</p>"),
			Steps:    true,
		},
		Actions: []ActionView{
			{ID: "listen", Kind: "listen", Number: 1, Icon: "👂", Title: "Listen",
				IntroHTML: template.HTML("<p>Hear the voices of grassroots peacebuilders.</p>"),
				Listen: &ListenView{Items: []MediaView{
					{Title: "Episode 12: Common ground", Source: "Groundwork", URL: "https://groundwork.example/12", DurationText: "34 min", DurationISO: "PT34M", FormatText: "Podcast", Description: "Two organisers on working together."},
					{Title: "Member statements", URL: "https://shared-futures.example/statements", FormatText: "Statement"},
				}}},
			{ID: "amplify", Kind: "share", Number: 2, Icon: "🔊", Title: "Amplify", Share: s},
			{ID: "engage", Kind: "engage", Number: 3, Icon: "🤝", Title: "Engage",
				Engage: &EngageView{Groups: []MemberGroup{
					{Region: "North", Members: []MemberView{{Name: "Hands Together", URL: "https://hands.example", Description: "Joint youth programmes.", Email: "hello@hands.example", MailtoURL: "mailto:hello@hands.example"}}},
					{Region: "South", Members: []MemberView{{Name: "Olive Circle", URL: "https://olive.example", Description: "Farmers' cooperative."}}},
				}}},
			{ID: "support", Kind: "donate", Number: 4, Icon: "💰", Title: "Support",
				Donate: &DonateView{Destinations: []DestinationView{
					{Name: "Coalition for Shared Futures", URL: "https://shared-futures.example/give", Description: "Funds our members' work.",
						Amounts: []Link{{Label: "$25", URL: "https://shared-futures.example/give?amount=25"}, {Label: "$50", URL: "https://shared-futures.example/give?amount=50"}}},
					{Name: "Hands Together", URL: "https://hands.example/donate"},
				}}},
		},
	}
}

func closedFixture() CampaignPageProps {
	c := sectionsFixture()
	c.Page.Title = "Keep the river path open — Riverside Coalition"
	c.Page.CanonicalURL = testBase + "/riverside/river-path"
	c.Campaign.Title = "Keep the river path open"
	c.Campaign.Status = "victory"
	c.Campaign.StatusText = "We won: the river path stays public"
	c.Campaign.OutcomeHTML = template.HTML("<p>On 2 June the council voted 9–2 to keep the path public. Thank you.</p>")
	c.Related = nil
	c.Actions = []ActionView{c.Actions[2], c.Actions[3]}
	// Without a share action of its own, the page closes with share links.
	c.Share = shareFixture()
	for i := range c.Actions {
		c.Actions[i].Closed = true
	}
	return c
}

func notFoundFixture() NotFoundPageProps {
	p := testPage("Page not found — Placard", "/riverside/save-the-libary")
	p.Noindex = true
	p.Breadcrumbs = nil
	p.ThemeCSS = ""
	p.JSONLD = ""
	return NotFoundPageProps{
		Page:        p,
		Path:        "/riverside/save-the-libary",
		Suggestions: []Link{{Label: "Save the Riverside library", URL: "/riverside/save-the-library"}, {Label: "Riverside Coalition", URL: "/riverside"}},
		HomeURL:     "/",
	}
}

func errorFixture() ErrorPageProps {
	p := testPage("That request was too large — Placard", "/")
	p.Noindex = true
	p.Breadcrumbs = nil
	p.JSONLD = ""
	return ErrorPageProps{
		Page: p, Status: 413, Heading: "That request was too large",
		Message: "Please shorten what you wrote and try again.", HomeURL: "/",
	}
}

// petitionForm is a first showing of a petition's signing form: name,
// email, postcode (optional), country (optional), comment (optional).
func petitionForm() *SignForm {
	return &SignForm{
		Action: "/riverside/save-the-library/sign", ID: "petition-form", ActionID: "petition",
		Fields: []FormField{
			{Name: "name", Label: "Your name", Type: "text", Autocomplete: "name", Required: true, MaxLength: 200},
			{Name: "email", Label: "Email address", Hint: "We never show it on this site.", Type: "email", Autocomplete: "email", Required: true, MaxLength: 254},
			{Name: "postcode", Label: "Postcode", Type: "text", Autocomplete: "postal-code", MaxLength: 20},
			{Name: "country", Label: "Country", Type: "select", Autocomplete: "country", MaxLength: 2,
				Options: []Option{{"", "Choose your country"}, {"FR", "France"}, {"GB", "United Kingdom"}, {"US", "United States"}}},
			{Name: "comment", Label: "Why are you signing?", Type: "textarea", Autocomplete: "off", MaxLength: 2000},
		},
		ConsentText:  "Riverside Coalition may email me about this campaign. I can unsubscribe at any time.",
		PublicLabel:  "Show my name publicly on this page",
		HoneypotName: "homepage",
		TokenName:    "token", Token: "TOKENPLACEHOLDER00000000000000000000000000000",
		SubmitLabel: "Sign the petition",
		PrivacyURL:  "https://riverside.example/privacy",
	}
}

// letterForm is a letter's form, which also asks for an organisation and role.
func letterForm() *SignForm {
	f := petitionForm()
	f.ID, f.ActionID, f.SubmitLabel = "letter-form", "letter", "Add your name"
	f.Fields = []FormField{
		f.Fields[0], f.Fields[1],
		{Name: "organisation", Label: "Organisation", Hint: "Only if you sign for an organisation.", Type: "text", Autocomplete: "organization", MaxLength: 200},
		{Name: "role", Label: "Your role", Type: "text", Autocomplete: "organization-title", MaxLength: 200},
	}
	return f
}

// signFixture is the form shown again with problems (status 422), keeping
// what was typed — markup included, which must show as text.
func signFixture() SignPageProps {
	p := testPage("Check your details — Save the Riverside library", "/riverside/save-the-library/sign")
	p.Noindex = true
	p.JSONLD = ""
	f := *petitionForm()
	f.Fields = append([]FormField(nil), f.Fields...)
	f.Fields[0].Value = `"><script>alert(1)</script>`
	f.Fields[1].Value = "ana@example"
	f.Fields[1].Error = "Enter the part of your email address after the @, such as example.org in name@example.org"
	f.Fields[3].Value = "GB"
	f.Fields[4].Value = "First line\nsecond </textarea> line"
	f.Fields[4].Error = "Your comment must be 2,000 characters or fewer"
	f.PublicChecked = true
	f.Errors = []FieldError{
		{Field: "email", Message: f.Fields[1].Error},
		{Field: "comment", Message: f.Fields[4].Error},
		{Field: "consent", Message: "Tick the consent box to agree to how your details will be used"},
	}
	return SignPageProps{Page: p, CampaignTitle: "Save the Riverside library", CampaignURL: "/riverside/save-the-library",
		Heading: "Check your details", Form: f}
}

// thanksFixture is the thank-you page after a counted signature.
func thanksFixture() ThanksPageProps {
	p := testPage("Thank you — Save the Riverside library", "/riverside/save-the-library/thanks")
	p.Noindex = true
	p.JSONLD = ""
	return ThanksPageProps{Page: p, CampaignTitle: "Save the Riverside library", CampaignURL: "/riverside/save-the-library",
		Outcome: "signed", Heading: "Your signature counted",
		Message:  "Thank you. You are one of 1,235 people asking the council to keep the library open.",
		ShareURL: "/riverside/save-the-library#share", DonateURL: "/riverside/save-the-library#donate", DonateText: "Not now"}
}
