package console

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/placard/placard/internal/accounts"
	"github.com/placard/placard/internal/attribution"
	"github.com/placard/placard/internal/campaign"
	"github.com/placard/placard/internal/i18n"
	"github.com/placard/placard/internal/outbox"
	"github.com/placard/placard/internal/signing"
	"github.com/placard/placard/internal/store"
	"github.com/placard/placard/internal/webhook"
	"github.com/placard/placard/views/admin"
)

// chartDays is how many days the signatures chart shows, ending today.
const chartDays = 30

// topLinks is how many personal links the dashboard lists per campaign.
const topLinks = 5

// dashboard lists the organisation's campaigns with their status and
// figures. Everything shown is a count: no supporter appears here.
func (c *Console) dashboard(w http.ResponseWriter, r *http.Request) error {
	org := c.org(r)
	p := c.page(r, org.Name)
	ctx := r.Context()
	tallies, err := c.cfg.Store.Tallies(ctx)
	if err != nil {
		return err
	}
	counts := map[string]signing.Count{}
	for _, t := range tallies {
		if t.Org == org.Slug {
			counts[t.Campaign] = t.Count
		}
	}
	now := c.now().UTC()
	// The outbox is counted by the store, and only the emails a drip
	// holds back are looked into, one at a time: the dashboard never
	// holds the outbox (store.OutboxFigures).
	held := heldEmails(org)
	waiting, failed := 0, 0
	if c.cfg.Outbox != nil {
		if waiting, failed, err = c.outboxFigures(ctx, org.Slug, now, held.add); err != nil {
			return err
		}
	}
	outreach, err := c.orgOutreach(ctx, org, held.by)
	if err != nil {
		return err
	}
	queues, err := c.targetQueues(ctx, org.Slug, now)
	if err != nil {
		return err
	}
	// Confirmations given up unsent for want of their inbox's turn
	// (mail.SharedPace): counts only.
	var unsent map[string]int
	if mp, ok := c.cfg.Store.(store.MailPace); ok {
		if unsent, err = mp.UnsentCounts(ctx, org.Slug); err != nil {
			return err
		}
	}
	// Signatures refused as sent (store.Refusals): counts only.
	var refused map[string]int
	if rf, ok := c.cfg.Store.(store.Refusals); ok {
		if refused, err = rf.RefusedCounts(ctx, org.Slug); err != nil {
			return err
		}
	}
	// Sign forms caught by the form's trap (store.Traps): counts only.
	var caught map[string]int
	if tr, ok := c.cfg.Store.(store.Traps); ok {
		if caught, err = tr.CaughtCounts(ctx, org.Slug); err != nil {
			return err
		}
	}
	var d admin.Dashboard
	for _, camp := range org.Campaigns {
		row := admin.CampaignRow{
			Title: camp.Title, Slug: camp.Slug, URL: "/" + org.Slug + "/" + camp.Slug,
			StatusKey: lifecycle(camp, now), Signs: signs(camp),
			ModerateURL: Prefix + "/" + org.Slug + "/moderation?campaign=" + url.QueryEscape(camp.Slug),
		}
		row.Status = p.L.T("console.status." + row.StatusKey)
		if row.Signs {
			n := counts[camp.Slug]
			row.Count, row.Pending, row.Unsent, row.Refused = n.Signatures+n.Organisations, n.Pending, unsent[camp.Slug], refused[camp.Slug]
			row.Bots = caught[camp.Slug]
			days, err := c.acc.SignaturesPerDay(ctx, org.Slug, camp.Slug, now.Truncate(24*time.Hour).AddDate(0, 0, 1-chartDays))
			if err != nil {
				return err
			}
			row.Chart = drawChart(p.L, days, now)
		}
		srcs, err := c.cfg.Store.Sources(ctx, org.Slug, camp.Slug)
		if err != nil {
			return err
		}
		row.Sources, row.Wordings = sourceRows(p.L, srcs)
		refs, err := c.cfg.Store.Referrals(ctx, org.Slug, camp.Slug, topLinks)
		if err != nil {
			return err
		}
		for _, ref := range refs {
			row.Referrals = append(row.Referrals, admin.ReferralRow{Token: ref.Token, Signatures: p.L.Number(ref.Signatures)})
		}
		row.Outreach = outreachTables(p.L, camp, outreach, queues, now)
		d.Campaigns = append(d.Campaigns, row)
	}
	if c.cfg.Outbox != nil {
		d.Outbox = p.L.T("console.dashboard.outbox", "waiting", p.L.Number(waiting), "failed", p.L.Number(failed))
		// Damaged bundles set aside (store.Quarantine): no organisation
		// can be told apart in them, so the count is the server's, and
		// only a site admin, the one who can retry or drop them, sees
		// it. Shown to every organiser it would tell them of other
		// organisations' signing, and, watched around an erasure, that
		// another organisation held an address.
		o, _ := OrganiserFrom(ctx)
		// Erasure notes (store.NoteFigures) are counted apart, as what
		// they are. Those of organisations no longer served wait until
		// one is served again or they are dropped by hand: only a site
		// admin, who can do either, sees them (slugs and a count, never
		// an address), as serve's log tells the operator.
		if nf, ok := c.cfg.Outbox.(store.NoteFigures); ok {
			notes, err := nf.NoteCounts(ctx)
			if err != nil {
				return err
			}
			if n := notes[org.Slug]; n > 0 {
				d.Outbox += " " + p.L.T("console.dashboard.notes", "n", p.L.Number(n))
			}
			if o.Role == accounts.RoleSiteAdmin {
				if orgs, n := webhook.UnservedNotes(c.cfg.Site(), notes); n > 0 {
					d.Outbox += " " + p.L.T("console.dashboard.unserved", "orgs", strings.Join(orgs, ", "), "n", p.L.Number(n))
					// When serve deletes them if still not served
					// (store.NoteExpiry): the first of each
					// organisation's, as serve recorded it.
					if ne, ok := c.cfg.Outbox.(store.NoteExpiry); ok {
						us, err := ne.UnservedNotes(ctx)
						if err != nil {
							return err
						}
						for _, u := range us {
							if slices.Contains(orgs, u.Org) {
								first, _ := webhook.NoteDropDates(u)
								d.Outbox += " " + p.L.T("console.dashboard.unserved_drop", "org", u.Org, "date", p.L.Date(first))
							}
						}
					}
				}
			}
		}
		// Erasure notices the outbox gave up on keep the erased address
		// for the organisation's CRM until serve deletes them
		// (webhook.DeadNoticeDrop): its organisers, who own the CRM, are
		// told how many and until when (a count and a date).
		// Every other dead message holds a person's data too (an
		// address, a letter's words) until serve deletes it
		// (outbox.DeadDrop): how many and from when.
		if failed > 0 {
			notices, others, err := c.deadMessages(ctx, org.Slug)
			if err != nil {
				return err
			}
			if notices.n > 0 {
				d.Outbox += " " + p.L.T("console.dashboard.dead_notices", "n", p.L.Number(notices.n), "date", p.L.Date(notices.first))
			}
			if others.n > 0 {
				d.Outbox += " " + p.L.T("console.dashboard.dead_messages", "n", p.L.Number(others.n), "date", p.L.Date(others.first))
			}
		}
		if q, ok := c.cfg.Outbox.(store.Quarantine); ok && o.Role == accounts.RoleSiteAdmin {
			n, err := q.Quarantined(ctx)
			if err != nil {
				return err
			}
			if n > 0 {
				d.Outbox += " " + p.L.T("console.dashboard.quarantined", "n", p.L.Number(n))
			}
		}
	}
	c.render(w, r, http.StatusOK, admin.DashboardPage(p, d))
	return nil
}

// lifecycle is where a campaign is: draft, scheduled (published with a
// publish_at still to come), published, closed (by status or close_at) or
// victory.
func lifecycle(c *campaign.Campaign, now time.Time) string {
	switch {
	case c.Status == campaign.StatusDraft:
		return "draft"
	case c.Status == campaign.StatusVictory:
		return "victory"
	case c.Status == campaign.StatusClosed || (!c.CloseAt.IsZero() && !now.Before(c.CloseAt)):
		return "closed"
	case !c.PublishAt.IsZero() && now.Before(c.PublishAt):
		return "scheduled"
	}
	return "published"
}

// signs reports whether a campaign takes signatures.
func signs(c *campaign.Campaign) bool {
	for _, a := range c.Actions {
		if a.Petition != nil || a.Letter != nil {
			return true
		}
	}
	return false
}

// Chart geometry, in SVG user units (= CSS pixels at 1:1).
const (
	chartW   = 300
	chartH   = 80
	chartGap = 2
)

// drawChart lays out the last chartDays days' bars; days holds only days
// with signatures.
func drawChart(l *i18n.Localizer, days []store.DayCount, now time.Time) admin.Chart {
	by := map[string]int{}
	maxN := 0
	for _, d := range days {
		by[d.Day.Format(time.DateOnly)] = d.Count
		maxN = max(maxN, d.Count)
	}
	start := now.UTC().Truncate(24*time.Hour).AddDate(0, 0, 1-chartDays)
	ch := admin.Chart{Width: chartW, Height: chartH, Max: l.Number(maxN), Label: l.T("console.chart.label"), Empty: maxN == 0}
	bw := chartW / chartDays
	for i := range chartDays {
		day := start.AddDate(0, 0, i)
		n := by[day.Format(time.DateOnly)]
		h := 0
		if maxN > 0 {
			h = n * (chartH - 2) / maxN
			if n > 0 && h == 0 {
				h = 1 // a day with any signature shows
			}
		}
		ch.Bars = append(ch.Bars, admin.Bar{X: i * bw, Y: chartH - 1 - h, W: bw - chartGap, H: h, Day: l.Date(day), Count: l.Number(n)})
	}
	ch.From, ch.To = l.Date(start), l.Date(start.AddDate(0, 0, chartDays-1))
	return ch
}

// sourceRows splits the store's per-source figures into per-network rows
// and, for share messages that rotate, per-wording rows: a source tag
// NETWORK-N is wording N of the share action's messages on that network
// (attribution.SplitWording).
func sourceRows(l *i18n.Localizer, srcs []signing.SourceCount) (sources, wordings []admin.SourceRow) {
	type pair struct{ a, s int }
	bySource := map[string]*pair{}
	var order []string
	for _, s := range srcs {
		name, wording := attribution.SplitWording(s.Source)
		if name == "" {
			name = l.T("console.dashboard.direct")
		}
		p := bySource[name]
		if p == nil {
			p = &pair{}
			bySource[name] = p
			order = append(order, name)
		}
		p.a += s.Arrivals
		p.s += s.Signatures
		if wording > 0 {
			wordings = append(wordings, admin.SourceRow{Name: l.T("console.dashboard.wording.n", "network", name, "n", l.Number(wording)), Arrivals: l.Number(s.Arrivals), Signatures: l.Number(s.Signatures)})
		}
	}
	sort.Strings(order)
	for _, name := range order {
		p := bySource[name]
		if p.a == 0 && p.s == 0 {
			continue
		}
		sources = append(sources, admin.SourceRow{Name: name, Arrivals: l.Number(p.a), Signatures: l.Number(p.s)})
	}
	return sources, wordings
}

// deadCount is how many dead messages, and when serve deletes the first.
type deadCount struct {
	n     int
	first time.Time
}

func (d *deadCount) add(at time.Time) {
	if d.n == 0 || at.Before(d.first) {
		d.first = at
	}
	d.n++
}

// deadMessages counts org's messages the outbox gave up on — its erasure
// notices (deleted at webhook.DeadNoticeDrop) apart from the others
// (outbox.DeadDrop) — with when serve deletes the first of each.
func (c *Console) deadMessages(ctx context.Context, org string) (notices, others deadCount, err error) {
	es, err := c.cfg.Outbox.List(ctx, store.OutboxDead)
	if err != nil {
		return notices, others, err
	}
	for _, e := range es {
		switch {
		case e.Org != org:
		case webhook.ErasureNotice(e.Message):
			notices.add(webhook.DeadNoticeDrop(e.CreatedAt))
		default:
			others.add(outbox.DeadDrop(e.CreatedAt))
		}
	}
	return notices, others, nil
}
