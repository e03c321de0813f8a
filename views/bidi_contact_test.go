package views

import (
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
	"github.com/a-h/templ"
	"golang.org/x/net/html"

	"github.com/placard/placard/internal/i18n"
)

// TestAddressesIsolatedInRTL: on an Arabic page every phone number and
// email address shown as text — the contact action's targets, the contact
// page's representatives, a statement's press contact — sits in its own
// left-to-right isolate, so "+1 555 0111" does not read "0111 555 +1"
// and the Arabic around it keeps its order. Issue 13 B7.
func TestAddressesIsolatedInRTL(t *testing.T) {
	ar := func(p *Page) { p.Lang, p.Dir, p.L = "ar", "rtl", i18n.New("ar", nil) }
	cp := sectionsFixture()
	ar(&cp.Page)
	op := orgFixture()
	ar(&op.Page)
	contact := ContactPageProps{
		Page: testPage("اتصل بممثليك", "/riverside/save-the-library/contact"), Title: "اتصل بممثليك",
		Yours: []CallTarget{{ID: "lee", Name: "المستشارة لي", Phones: []PhoneLink{{Number: "+1 555 0111", TelURL: "tel:+15550111"}, {Number: "(020) 7946 0018", TelURL: "tel:+442079460018"}}}},
	}
	ar(&contact.Page)
	for name, page := range map[string]struct {
		doc  *goquery.Document
		want []string
	}{
		"campaign":     {parsed(t, CampaignPage(cp)), []string{"+1 555 0111", "lee@council.example", "+1 555 0100", "press@riverside.example"}},
		"organisation": {parsed(t, OrgPage(op)), []string{"+1 555 0100", "press@riverside.example"}},
		"contact page": {parsed(t, ContactPage(contact)), []string{"+1 555 0111", "(020) 7946 0018"}},
	} {
		found := map[string]bool{}
		page.doc.Find("main *").Each(func(_ int, s *goquery.Selection) {
			for _, n := range s.Nodes {
				for c := n.FirstChild; c != nil; c = c.NextSibling {
					if c.Type != html.TextNode { // text nodes only
						continue
					}
					for _, w := range page.want {
						if !strings.Contains(c.Data, w) {
							continue
						}
						found[w] = true
						if goquery.NodeName(s) != "bdi" || s.AttrOr("dir", "") != "ltr" || strings.TrimSpace(c.Data) != w {
							t.Errorf("%s: %q sits in <%s dir=%q> as %q, want alone in <bdi dir=ltr>", name, w, goquery.NodeName(s), s.AttrOr("dir", ""), c.Data)
						}
					}
				}
			}
		})
		for _, w := range page.want {
			if !found[w] {
				t.Errorf("%s: %q not shown", name, w)
			}
		}
	}
}

// parsed is the rendered component as a document.
func parsed(t *testing.T, c templ.Component) *goquery.Document {
	t.Helper()
	doc, _ := parse(t, c)
	return doc
}
