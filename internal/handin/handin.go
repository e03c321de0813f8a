// Package handin makes the printable A4 hand-in document of a petition or
// letter: its text, the number of counted signatures and, when the
// organisation's delivery is names, the names and places of the signers
// whose consent covered delivery. It reads signatures through a function
// (the store's, a page at a time) twice — counting, then naming while the
// document is written — and knows nothing of HTTP or SQL.
//
// A signer's consent covers delivery when they ticked the consent sentence
// the petition or letter shows now, in any of its languages: an
// organisation that rewrites its consent to say names will be handed in
// names only those who agreed to that sentence; everyone else is counted.
package handin

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/placard/placard/internal/campaign"
	"github.com/placard/placard/internal/i18n"
	"github.com/placard/placard/internal/markdown"
	"github.com/placard/placard/internal/signing"
	"github.com/placard/placard/views"
)

// ErrNotSignable is a campaign with no petition or letter that takes signatures.
var ErrNotSignable = errors.New("handin: this campaign has no petition or letter taking signatures")

// Each calls fn for every approved (counted) signature of the campaign, in
// the order they arrived (ascending id); the store's approved signatures,
// read a page at a time (store.Each). Build calls it twice.
type Each func(ctx context.Context, fn func(*signing.Signature) error) error

// Doc is a rendered hand-in document.
type Doc struct {
	// HTML is the whole document.
	HTML []byte
	// StyleHash is the CSP source of its one inline style ('sha256-…').
	StyleHash string
}

var md = markdown.New()

// Action finds the campaign's action that takes signatures: the one with
// id, or the first petition or letter taking signatures when id is "".
func Action(c *campaign.Campaign, id string) *campaign.Action {
	for i := range c.Actions {
		a := &c.Actions[i]
		signable := a.Kind == campaign.KindPetition && a.Petition != nil ||
			a.Kind == campaign.KindLetter && a.Letter != nil && a.Letter.Signing
		if signable && (id == "" || a.ID == id) {
			return a
		}
	}
	return nil
}

// Build makes the document's view model for campaign c's signable action
// id ("" for the first), in the campaign's default language, dated now.
func Build(ctx context.Context, c *campaign.Campaign, id string, each Each, now time.Time) (views.HandinProps, error) {
	a := Action(c, id)
	if a == nil {
		return views.HandinProps{}, ErrNotSignable
	}
	org := c.Org
	lang := org.Language
	l := i18n.New(lang, org.Strings[lang])
	consents := consentTexts(c, a.ID)
	names := org.Delivery == campaign.DeliveryNames
	// First pass: counts only. The names are read again as the document
	// is written (p.Signers), up to the last signature counted here, so
	// memory holds a page of signatures, not every name.
	count, unnamed, named := 0, 0, 0
	var last int64
	err := each(ctx, func(s *signing.Signature) error {
		if s.Action != a.ID || s.Status != signing.StatusApproved {
			return nil
		}
		count++
		last = max(last, s.ID)
		if !names {
			return nil
		}
		if !consents[strings.TrimSpace(s.ConsentText)] {
			unnamed++
			return nil
		}
		named++
		return nil
	})
	if err != nil {
		return views.HandinProps{}, err
	}
	p := views.HandinProps{
		L: l, Lang: lang, Dir: l.Dir(),
		DocTitle: l.T("handin.doctitle", "title", c.Title),
		Title:    c.Title, Org: org.Name,
		Count: l.Number(count), Date: l.Date(now),
		Names: names, Named: named,
	}
	if names && named > 0 {
		var readErr error
		p.Signers = func(yield func(views.HandinSigner) bool) {
			stop := errors.New("stop")
			left := named
			err := each(ctx, func(s *signing.Signature) error {
				// One signed after the count is left out, and no more
				// than were counted are named (one waiting at the count
				// and approved since has an id below last), so the names
				// never outnumber it; one erased since is not printed.
				if s.Action != a.ID || s.Status != signing.StatusApproved || s.ID > last ||
					!consents[strings.TrimSpace(s.ConsentText)] {
					return nil
				}
				if left == 0 {
					return stop
				}
				left--
				if !yield(views.HandinSigner{Name: signerName(s), Place: place(s)}) {
					return stop
				}
				return nil
			})
			if err != nil && err != stop {
				readErr = err
			}
		}
		p.SignersErr = func() error { return readErr }
	}
	if unnamed > 0 {
		p.Unnamed = l.Number(unnamed)
	}
	opt := markdown.Options{HeadingLevel: 2, IDPrefix: "handin-", ImageURL: func(string) string { return "" }}
	switch {
	case a.Petition != nil:
		p.Target = a.Petition.Target
		p.TextHTML = md.HTML(string(a.Petition.Text), opt)
	case a.Letter != nil:
		p.Target = a.Letter.To
		p.Salutation, p.Closing = a.Letter.Salutation, a.Letter.Closing
		p.TextHTML = md.HTML(string(a.Letter.Body), opt)
	}
	p.CSS = css(l, c.Title)
	return p, nil
}

// Render writes the document into memory (tests, small documents).
func Render(ctx context.Context, p views.HandinProps) (Doc, error) {
	var b bytes.Buffer
	if err := Write(ctx, p, &b); err != nil {
		return Doc{}, err
	}
	return Doc{HTML: b.Bytes(), StyleHash: StyleHash(p)}, nil
}

// Write writes the document to w as it is made: the signers' names are
// read a page at a time while it is written, never held all at once. An
// error may come after some of it was written; the document is then
// incomplete and must not be delivered as it is.
func Write(ctx context.Context, p views.HandinProps, w io.Writer) error {
	if err := views.HandinPage(p).Render(ctx, w); err != nil {
		return err
	}
	if p.SignersErr != nil {
		if err := p.SignersErr(); err != nil {
			return fmt.Errorf("reading the signers: %w", err)
		}
	}
	return nil
}

// StyleHash is the CSP source of the document's one inline style
// ('sha256-…').
func StyleHash(p views.HandinProps) string {
	sum := sha256.Sum256([]byte(p.CSS))
	return "'sha256-" + base64.StdEncoding.EncodeToString(sum[:]) + "'"
}

// consentTexts are the consent sentences the action shows now, in every
// language of the campaign, as the signing form words them (the action's
// own, else the organisation's, else Placard's default in that language).
func consentTexts(c *campaign.Campaign, id string) map[string]bool {
	out := map[string]bool{}
	for _, lang := range c.Org.Langs() {
		cl := c.In(lang)
		a := Action(cl, id)
		if a == nil {
			continue
		}
		text := ""
		switch {
		case a.Petition != nil:
			text = a.Petition.Consent
		case a.Letter != nil:
			text = a.Letter.Consent
		}
		if text == "" {
			text = cl.Org.Consent
		}
		if text == "" {
			text = i18n.New(lang, cl.Org.Strings[lang]).T("sign.consent.default", "org", cl.Org.Name)
		}
		out[strings.TrimSpace(text)] = true
	}
	return out
}

// signerName is the name as handed in: an organisation's signature on a
// letter names the person, their role and the organisation.
func signerName(s *signing.Signature) string {
	parts := []string{strings.TrimSpace(s.Name)}
	for _, x := range []string{s.Role, s.Organisation} {
		if x = strings.TrimSpace(x); x != "" {
			parts = append(parts, x)
		}
	}
	return strings.Join(parts, ", ")
}

// place is the signer's postcode and country, as given.
func place(s *signing.Signature) string {
	var parts []string
	for _, x := range []string{s.Postcode, s.Country} {
		if x = strings.TrimSpace(x); x != "" {
			parts = append(parts, x)
		}
	}
	return strings.Join(parts, ", ")
}

// css is the document's style sheet: A4 pages whose margins repeat the
// campaign's title (top) and the page number (foot) on every page.
func css(l *i18n.Localizer, title string) string {
	// The markers have no letters, so T leaves them unisolated.
	const n, total = "\x01", "\x02"
	page := l.T("handin.page", "n", n, "total", total)
	var counter []string
	for len(page) > 0 {
		i := strings.IndexAny(page, n+total)
		if i < 0 {
			counter = append(counter, cssString(page))
			break
		}
		if i > 0 {
			counter = append(counter, cssString(page[:i]))
		}
		if page[i] == n[0] {
			counter = append(counter, "counter(page)")
		} else {
			counter = append(counter, "counter(pages)")
		}
		page = page[i+1:]
	}
	return fmt.Sprintf(`@page{size:A4;margin:22mm 18mm 20mm;`+
		`@top-center{content:%s;font:9pt/1.2 "DejaVu Sans",sans-serif;color:#333;}`+
		`@bottom-center{content:%s;font:9pt/1.2 "DejaVu Sans",sans-serif;color:#333;}}`+
		`html{font:11pt/1.45 "DejaVu Serif",Georgia,serif;color:#000;background:#fff;}`+
		`body{margin:0 auto;max-width:174mm;padding:1rem;}`+
		`h1{font-size:20pt;line-height:1.2;margin:.2em 0 .4em;}`+
		`.handin-from,.handin-to,.handin-date{margin:.2em 0;}`+
		`.handin-text{margin:1.5em 0;}`+
		`.handin-count{font-weight:bold;font-size:13pt;margin:1.2em 0;}`+
		`table{width:100%%;border-collapse:collapse;font-size:10pt;}`+
		`caption{text-align:start;font-weight:bold;margin:.5em 0;}`+
		`th,td{text-align:start;padding:2pt 4pt;border-bottom:.5pt solid #999;vertical-align:top;}`+
		`thead{display:table-header-group;}tr{break-inside:avoid;}`+
		`.handin-note{border:1px solid #666;padding:.5em;background:#ffd;}`+
		`@media print{body{padding:0;max-width:none;}.handin-note{display:none;}}`,
		cssString(title), strings.Join(counter, " "))
}

// cssString quotes s as a CSS string that cannot end the string, the rule
// or the style element: quotes, backslashes, angle brackets and controls
// are written as escapes.
func cssString(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch {
		case r == '"' || r == '\\' || r == '<' || r == '>' || r == '&' || r < 0x20 || r == 0x7f:
			fmt.Fprintf(&b, "\\%x ", r)
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}
