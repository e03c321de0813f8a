package site

import (
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/placard/placard/internal/campaign"
	"github.com/placard/placard/internal/i18n"
	"github.com/placard/placard/internal/tallywatch"
	"github.com/placard/placard/views"
)

// The pages after signing: the new signer's place, and the donation ask
// on the thank-you page.

// Place words a new signer's place among count signers, in lc's language,
// with the goal the organiser set while it is still ahead ("You are number
// 13: help us reach 5,000."). A count below one (figures not yet fetched)
// reads as one: the signer who sees the page has signed.
func (lc *SigningCampaign) Place(count int) string {
	count = max(count, 1)
	goal := 0
	for _, sa := range lc.Signables {
		goal = max(goal, sa.goal)
	}
	l := lc.Loc
	if l == nil {
		l = i18n.English()
	}
	if goal > count {
		return l.T("journey.place.goal", "n", l.Number(count), "goal", l.Number(goal))
	}
	return l.T("journey.place", "n", l.Number(count))
}

// Signatures is the count of signatures lc's page shows (or will show
// once rendered): the tally watcher's, which follows the store within a
// fraction of a second; 0 before the first.
func (lc *SigningCampaign) Signatures() int {
	lc.mu.Lock()
	defer lc.mu.Unlock()
	if lc.tally != nil {
		return lc.tally.Signatures
	}
	return 0
}

// donateAsk is the thank-you page's invitation to give: the campaign's
// first donate call to action's first destination and amounts, else the
// organisation's donate: page; nil when there is neither.
func donateAsk(l *i18n.Localizer, c *campaign.Campaign) *views.DonateAsk {
	var d *campaign.Donate
	for _, a := range c.Actions {
		if a.Donate != nil {
			d = a.Donate
			break
		}
	}
	if d == nil && c.Org.Donate == "" {
		return nil
	}
	dv := donateView(c.Org, d, l.Money)
	if len(dv.Destinations) == 0 || dv.Destinations[0].URL == "" {
		return nil
	}
	dst := dv.Destinations[0]
	ask := &views.DonateAsk{
		Title:   l.T("journey.donate.title"),
		Text:    l.T("journey.donate.body", "org", dst.Name),
		Amounts: dst.Amounts,
		URL:     dst.URL,
		Label:   l.T("journey.donate.go", "org", dst.Name),
	}
	if len(ask.Amounts) > 0 {
		ask.Label = l.T("journey.donate.other")
	}
	return ask
}

// copyMessage is a share block's one message to copy: text (which holds
// the link) and, on a line of their own, the hashtags it does not already
// hold. On their own line the hashtags read left to right with their #
// first even below Arabic or Hebrew text (the field lays out each line in
// its own direction).
func copyMessage(text string, tags []string) string {
	var rest []string
	for _, t := range tags {
		if !strings.Contains(text, t) {
			rest = append(rest, t)
		}
	}
	if len(rest) == 0 {
		return text
	}
	return text + "\n" + strings.Join(rest, " ")
}

// OrderShare puts sv's network links in the organisation's order
// (org.yaml's share_networks): the networks it lists first, in its order,
// then the others in their usual order. The first two are the block's
// primary buttons.
func OrderShare(sv *views.ShareView, order []campaign.Network) {
	if len(order) == 0 {
		return
	}
	rank := func(n string) int {
		if i := slices.Index(order, campaign.Network(n)); i >= 0 {
			return i
		}
		return len(order)
	}
	slices.SortStableFunc(sv.Links, func(a, b views.ShareLink) int { return rank(a.Network) - rank(b.Network) })
}

// inLanguageFirst returns up to n of hits with each page that exists in
// lang (at its address followed by /lang) replaced by that page, and those
// pages first.
func inLanguageFirst(known, hits []views.Link, lang string, n int) []views.Link {
	if lang == "" {
		return hits
	}
	suffix := "/" + lang
	inLang := map[string]views.Link{}
	for _, l := range known {
		if strings.HasSuffix(l.URL, suffix) {
			inLang[l.URL] = l
		}
	}
	var first, rest []views.Link
	seen := map[string]bool{}
	for _, h := range hits {
		if l, ok := inLang[h.URL+suffix]; ok {
			h = l
		}
		if seen[h.URL] {
			continue
		}
		seen[h.URL] = true
		if _, ok := inLang[h.URL]; ok {
			first = append(first, h)
		} else {
			rest = append(rest, h)
		}
	}
	out := append(first, rest...)
	return out[:min(len(out), n)]
}

// staticMastodon points a static copy's Mastodon form at the live server
// (formOrigin), whose share redirect works from any page: a static host
// has none of its own. Without a live server the form is left out, and
// the other networks remain.
func staticMastodon(sv *views.ShareView, m Mode, formOrigin string) {
	if m != ModeStatic {
		return
	}
	if formOrigin == "" {
		sv.Mastodon.Action = ""
		return
	}
	sv.Mastodon.Action = formOrigin + sv.Mastodon.Action
}

// bakedTally is the figures a static copy shows (placard build --db): the
// counts only. The names of recent public signers are left out, since a
// copy is kept and served long after anyone could be erased from it.
func bakedTally(t *tallywatch.Tally) *tallywatch.Tally {
	if t == nil {
		return nil
	}
	return &tallywatch.Tally{Tally: t.Tally}
}

// Reflow undoes the hard line breaks a YAML block (|) keeps, for text that
// becomes an email: paragraphs (separated by a blank line) stay, and
// inside one a line break becomes a space, except after a line that ends
// in a comma, colon or semicolon ("Dear Councillor,"), one shorter than 40
// characters (an address, a name under a sign-off), or before a list item
// (- , * or 1.), which the organiser broke on purpose.
func Reflow(text string) string {
	paras := strings.Split(strings.ReplaceAll(strings.TrimSpace(text), "\r\n", "\n"), "\n\n")
	for i, p := range paras {
		lines := strings.Split(p, "\n")
		var b strings.Builder
		for j, line := range lines {
			line = strings.TrimRight(line, " \t")
			b.WriteString(line)
			if j == len(lines)-1 {
				break
			}
			next := strings.TrimSpace(lines[j+1])
			if strings.HasSuffix(line, ",") || strings.HasSuffix(line, ":") || strings.HasSuffix(line, ";") ||
				utf8.RuneCountInString(strings.TrimSpace(line)) < 40 || listItem(next) {
				b.WriteString("\n")
			} else {
				b.WriteString(" ")
			}
		}
		paras[i] = b.String()
	}
	return strings.Join(paras, "\n\n")
}

// listItem reports whether line starts a list item: "- ", "* " or "1. ".
func listItem(line string) bool {
	if strings.HasPrefix(line, "- ") || strings.HasPrefix(line, "* ") {
		return true
	}
	i := strings.IndexFunc(line, func(r rune) bool { return r < '0' || r > '9' })
	return i > 0 && strings.HasPrefix(line[i:], ". ")
}
