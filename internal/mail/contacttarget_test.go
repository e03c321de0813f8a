package mail_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/placard/placard/internal/campaign"
	"github.com/placard/placard/internal/campaign/campaigntest"
	"github.com/placard/placard/internal/mail"
)

// contactFiles is an organisation with one contact action (send: server)
// whose decision-makers are targets, as the CSV file targets gives them.
func contactFiles(targets string) campaigntest.Files {
	return campaigntest.Files{
		"riverside/org.yaml": "name: Riverside Coalition\nwebsite: https://riverside.example\nlanguage: en\n",
		"riverside/write-the-council.yaml": `title: Write to the council
summary: Ask them to keep the library open.
date: 2026-02-01
actions:
  - kind: contact
    id: write
    targets: council
    send: server
    per_hour: 2
    subject: Keep the library open
    message: Please keep the library open in the evenings.
`,
		"riverside/targets/council.csv": "id,name,title,phone,email\n" + targets,
	}
}

// TestContactLetterGoesToTheTargetAsNow: a letter waits in the drip up to
// a day, and was sent to the address the campaign file gave when it was
// confirmed — after the organiser corrected a wrong address (someone
// else's inbox) or took the decision-maker out (they left office), the
// supporter's name, address and words still went there. It now goes to
// the address the file gives when it is sent, and not at all (nor its
// copy) when the decision-maker or their address is gone. Failed before:
// the letter went to old@council.example, and the removed target's
// letter and copy rendered without error.
func TestContactLetterGoesToTheTargetAsNow(t *testing.T) {
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	var site *campaign.Site
	r := &mail.Renderer{Base: "https://act.example", Site: func() *campaign.Site { return site }, Now: func() time.Time { return now }}
	letter := mail.ContactPayload{Template: mail.TemplateContactTarget, Lang: "en", Org: "riverside", Campaign: "write-the-council",
		To: "old@council.example", ReplyTo: "ada@example.org", FromName: "Ada Lovelace", Subject: "Keep it open", Body: "Please.",
		TargetName: "Bo Moss", Action: "write", Target: "moss"}
	cp := letter
	cp.Template, cp.To, cp.TargetEmail = mail.TemplateContactCopy, "ada@example.org", "old@council.example"

	site = campaigntest.Site(t, contactFiles("moss,Bo Moss,Councillor,+1 555 0100,new@council.example\nlind,Cy Lind,Councillor,+1 555 0101,lind@council.example\n"))
	if m, err := r.RenderContact(letter, "e1"); err != nil || m.To != "new@council.example" {
		t.Errorf("the address changed while the letter waited: sent to %q, %v; want new@council.example", m.To, err)
	}
	if m, err := r.RenderContact(cp, "e2"); err != nil || m.To != "ada@example.org" {
		t.Errorf("the supporter's copy: to %q, %v; want ada@example.org", m.To, err)
	}
	older := letter
	older.Action, older.Target = "", "" // queued before the letter named its target
	if m, err := r.RenderContact(older, "e3"); err != nil || m.To != "old@council.example" {
		t.Errorf("a letter without its target's id: to %q, %v; want it sent as queued", m.To, err)
	}

	for name, targets := range map[string]string{
		"removed":    "lind,Cy Lind,Councillor,+1 555 0101,lind@council.example\n",
		"no address": "moss,Bo Moss,Councillor,+1 555 0100,\nlind,Cy Lind,Councillor,+1 555 0101,lind@council.example\n",
	} {
		site = campaigntest.Site(t, contactFiles(targets))
		for _, p := range []mail.ContactPayload{letter, cp} {
			if m, err := r.RenderContact(p, "e4"); !errors.Is(err, mail.ErrTargetGone) {
				t.Errorf("%s: %s rendered to %q, %v; want ErrTargetGone", name, p.Template, m.To, err)
			}
		}
	}

	// The organiser corrected the target's name, and with it its id (the
	// name's slug by default): found by the address the letter was
	// queued to, the letter and its copy still go.
	site = campaigntest.Site(t, contactFiles("bo-moss,Bo Moss,Councillor,+1 555 0100,old@council.example\n"))
	for _, p := range []mail.ContactPayload{letter, cp} {
		if m, err := r.RenderContact(p, "e6"); err != nil {
			t.Errorf("the target's id changed, its address not: %s rendered to %q, %v; want sent", p.Template, m.To, err)
		}
	}

	// A campaign renamed (org.yaml redirects) keeps its messages under
	// the old name: not found by name, the letter goes as queued.
	files := contactFiles("lind,Cy Lind,Councillor,+1 555 0101,lind@council.example\n")
	files["riverside/write-to-the-council.yaml"] = files["riverside/write-the-council.yaml"]
	delete(files, "riverside/write-the-council.yaml")
	site = campaigntest.Site(t, files)
	if m, err := r.RenderContact(letter, "e5"); err != nil || !strings.EqualFold(m.To, "old@council.example") {
		t.Errorf("a letter of a campaign no longer found by its name: to %q, %v; want sent as queued", m.To, err)
	}
}

// TestContactLetterNotToTheSeatsNextHolder: a targets file may give an
// id to a seat (ward-3) rather than a person; when Bo Moss leaves and Dee
// Ray takes the seat, the organiser puts her name and address on the
// row. A letter written to Bo Moss, waiting in the drip, was re-addressed
// by id to Dee Ray's inbox: the supporter's name, address and words went
// to a person they never chose. The same id is the same person only if
// the name or the address is still the one the letter was written to.
// Failed before: the letter rendered to dee@council.example.
func TestContactLetterNotToTheSeatsNextHolder(t *testing.T) {
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	var site *campaign.Site
	r := &mail.Renderer{Base: "https://act.example", Site: func() *campaign.Site { return site }, Now: func() time.Time { return now }}
	letter := mail.ContactPayload{Template: mail.TemplateContactTarget, Lang: "en", Org: "riverside", Campaign: "write-the-council",
		To: "bo@council.example", ReplyTo: "ada@example.org", FromName: "Ada Lovelace", Subject: "Keep it open", Body: "Please.",
		TargetName: "Bo Moss", Action: "write", Target: "ward-3"}
	cp := letter
	cp.Template, cp.To, cp.TargetEmail = mail.TemplateContactCopy, "ada@example.org", "bo@council.example"

	site = campaigntest.Site(t, contactFiles("ward-3,Dee Ray,Councillor,+1 555 0100,dee@council.example\n"))
	for _, p := range []mail.ContactPayload{letter, cp} {
		if m, err := r.RenderContact(p, "e1"); !errors.Is(err, mail.ErrTargetGone) {
			t.Errorf("the seat's id now names another person at another address: %s rendered to %q, %v; want ErrTargetGone", p.Template, m.To, err)
		}
	}
	// The name corrected, the address the same: the same person.
	site = campaigntest.Site(t, contactFiles("ward-3,Bo  moss-Smith,Councillor,+1 555 0100,BO@council.example\n"))
	if m, err := r.RenderContact(letter, "e2"); err != nil || !strings.EqualFold(m.To, "bo@council.example") {
		t.Errorf("name corrected, address kept: to %q, %v; want bo@council.example", m.To, err)
	}
	// The address corrected, the name the same (spacing and case aside).
	site = campaigntest.Site(t, contactFiles("ward-3,bo  Moss,Councillor,+1 555 0100,moss@council.example\n"))
	if m, err := r.RenderContact(letter, "e3"); err != nil || m.To != "moss@council.example" {
		t.Errorf("address corrected, name kept: to %q, %v; want moss@council.example", m.To, err)
	}
}

// TestContactLetterTranslatedTargetName: a target's name may be written
// once per language, and the letter carries it as its writer read it
// (here in Arabic). Its address corrected while it waited, the letter
// still goes to them: their name in the letter's language is theirs.
// Would fail if only the default language's name were compared: the
// letter given up as gone (ErrTargetGone).
func TestContactLetterTranslatedTargetName(t *testing.T) {
	files := campaigntest.Files{
		"riverside/org.yaml": "name: Riverside Coalition\nwebsite: https://riverside.example\nlanguages: [en, ar]\n",
		"riverside/write-the-council.yaml": `title: {en: Write to the council, ar: اكتب إلى المجلس}
summary: {en: Keep the library open., ar: أبقوا المكتبة مفتوحة.}
date: 2026-02-01
actions:
  - kind: contact
    id: write
    send: server
    subject: Keep the library open
    message: Please keep the library open in the evenings.
    targets:
      - id: moss
        name: {en: Bo Moss, ar: بو موس}
        email: new@council.example
`,
	}
	site := campaigntest.Site(t, files)
	r := &mail.Renderer{Base: "https://act.example", Site: func() *campaign.Site { return site }, Now: time.Now}
	letter := mail.ContactPayload{Template: mail.TemplateContactTarget, Lang: "ar", Org: "riverside", Campaign: "write-the-council",
		To: "old@council.example", ReplyTo: "ada@example.org", FromName: "Ada", Subject: "Keep it open", Body: "Please.",
		TargetName: "بو موس", Action: "write", Target: "moss"}
	if m, err := r.RenderContact(letter, "e1"); err != nil || m.To != "new@council.example" {
		t.Errorf("a letter written in Arabic to Bo Moss, whose address changed: to %q, %v; want new@council.example", m.To, err)
	}
}
