package views

import (
	"context"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
)

// personalThanksFixture is the thank-you page a new signer sees the first
// time: their personal link with share buttons, their private page's
// address, and the next step.
func personalThanksFixture() ThanksPageProps {
	p := thanksFixture()
	link := "https://act.example.org/riverside/save-the-library?ref=k3mq7rx2ab"
	share := stepsFixture().Actions[1].Share
	sv := ShareView{URL: link, Mastodon: MastodonShare{Action: "/riverside/save-the-library/share/mastodon", Text: "Help " + link + "&src=mastodon"},
		NativeURL: link + "&src=share", NativeText: "Help save the library"}
	if share != nil {
		sv.Links = share.Links
	}
	p.Personal = &PersonalLinkView{URL: link, Share: sv,
		PrivateURL: "https://act.example.org/riverside/save-the-library/impact?key=abcdefghijklmnopqrstuvwxyz"}
	p.Next = &NextStep{Title: "Call your councillor", URL: "/riverside/save-the-library#contact", Icon: "📞"}
	p.DonateText = "You can also give"
	return p
}

// impactFixture is a personal link's private page.
func impactFixture() ImpactPageProps {
	p := testPage("Your link brought 3 signatures — Save the Riverside library", "")
	p.Noindex = true
	p.JSONLD = ""
	return ImpactPageProps{Page: p, CampaignTitle: "Save the Riverside library", CampaignURL: "/riverside/save-the-library",
		Count: 3, Heading: "Your link brought 3 signatures",
		LinkURL: "https://act.example.org/riverside/save-the-library?ref=k3mq7rx2ab"}
}

func TestPersonalThanks(t *testing.T) {
	d, _ := parse(t, ThanksPage(personalThanksFixture()))
	if got := d.Find("#personal-link").AttrOr("value", ""); !strings.HasSuffix(got, "?ref=k3mq7rx2ab") {
		t.Errorf("personal link field: got %q", got)
	}
	if d.Find("#private-link").Length() != 1 || !strings.Contains(d.Find(".private-link").Text(), "shown only this once") {
		t.Errorf("the private address is missing or does not say it is shown once")
	}
	if d.Find(".share-ask").Length() != 0 {
		t.Errorf("the plain 'Yes, I'll share' box is shown beside the personal link")
	}
	if got := d.Find(".next-ask .next-step a").AttrOr("href", ""); got != "/riverside/save-the-library#contact" {
		t.Errorf("next step: got %q", got)
	}
	if b := d.Find("button[data-share-url]"); b.Length() != 1 || b.AttrOr("hidden", "x") == "x" {
		t.Errorf("the Share… button must be there and hidden until the script finds a share sheet")
	}
	// Shown again: no address, a note instead.
	p := personalThanksFixture()
	p.Personal.PrivateURL, p.Personal.KeyShown = "", true
	d, _ = parse(t, ThanksPage(p))
	if d.Find("#private-link").Length() != 0 || !strings.Contains(d.Find(".personal-link").Text(), "shown once") {
		t.Errorf("a reloaded thank-you page must not show the private address, and must say why")
	}
}

func TestStepDoneButtons(t *testing.T) {
	d, _ := parse(t, CampaignPage(stepsFixture()))
	steps := d.Find("ol.steps > li.step")
	buttons := d.Find("ol.steps > li.step button.step-done[hidden][aria-pressed=false]")
	if steps.Length() == 0 || buttons.Length() != steps.Length() {
		t.Errorf("got %d hidden 'done' buttons for %d steps, want one per step", buttons.Length(), steps.Length())
	}
	if d.Find(".sections button.step-done").Length() != 0 {
		t.Errorf("a sections page has step buttons")
	}
}

// TestIsolatedHashtagsAndAddresses: in a share message shown on an Arabic
// or Hebrew page, each hashtag and address is isolated (bdi), so the #
// stays in front of its tag and an address reads left to right (issue 13
// B7); the rest of the text is unchanged and nothing is lost.
func TestIsolatedHashtagsAndAddresses(t *testing.T) {
	msg := "أبقوا المكتبة مفتوحة: وقّعوا هنا https://act.example.org/shore/library?src=mastodon. #ShoreLibrary #مكتبة_الشاطئ ثم # وحدها"
	var b strings.Builder
	if err := isolated(msg).Render(context.Background(), &b); err != nil {
		t.Fatal(err)
	}
	got := b.String()
	for _, want := range []string{
		`<bdi dir="ltr">https://act.example.org/shore/library?src=mastodon</bdi>.`,
		`<bdi>#ShoreLibrary</bdi>`, `<bdi>#مكتبة_الشاطئ</bdi>`, `ثم # وحدها`,
	} {
		if !strings.Contains(got, want) {
			t.Errorf("isolated(%q) = %q, want it to contain %q", msg, got, want)
		}
	}
	d, err := goquery.NewDocumentFromReader(strings.NewReader(got))
	if err != nil {
		t.Fatal(err)
	}
	if d.Text() != msg {
		t.Errorf("text changed: got %q, want %q", d.Text(), msg)
	}
}
