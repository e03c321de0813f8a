package console

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"net/http"
	"slices"
	"sort"
	"strconv"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/placard/placard/internal/accounts"
	"github.com/placard/placard/internal/campaign"
	"github.com/placard/placard/internal/export"
	"github.com/placard/placard/internal/i18n"
	"github.com/placard/placard/internal/mail"
	"github.com/placard/placard/internal/signing"
	"github.com/placard/placard/internal/store"
	"github.com/placard/placard/views/admin"
)

// outreachCounts is one target's figures on the dashboard.
type outreachCounts struct{ staff, voicemail, noAnswer, emails, waiting, held int }

// outreachKey names one target of one contact action of one campaign.
type outreachKey struct{ campaign, action, target string }

// orgOutreach reads the organisation's call and email counts
// (store.Outreach, when the store keeps them) and adds held, the messages
// to targets still waiting for the drip's next free hour (heldEmails).
// Everything is a count.
func (c *Console) orgOutreach(ctx context.Context, org *campaign.Org, held map[outreachKey]int) (map[outreachKey]*outreachCounts, error) {
	by := map[outreachKey]*outreachCounts{}
	get := func(k outreachKey) *outreachCounts {
		if by[k] == nil {
			by[k] = &outreachCounts{}
		}
		return by[k]
	}
	if o, ok := c.cfg.Store.(store.Outreach); ok {
		counts, err := o.OutreachCounts(ctx, org.Slug, "")
		if err != nil {
			return nil, err
		}
		for _, n := range counts {
			oc := get(outreachKey{n.Campaign, n.Action, n.Target})
			switch {
			case n.Kind == store.OutreachEmail && n.Outcome == store.OutcomeHeld:
				// Turned away, a full day of letters waiting: not sent.
				oc.held += int(n.Count)
			case n.Kind == store.OutreachEmail:
				oc.emails += int(n.Count)
			case n.Outcome == "staff":
				oc.staff += int(n.Count)
			case n.Outcome == "voicemail":
				oc.voicemail += int(n.Count)
			case n.Outcome == "no-answer":
				oc.noAnswer += int(n.Count)
			}
		}
	}
	for k, n := range held {
		get(k).waiting += n
	}
	return by, nil
}

// held counts, per target, the emails to it a drip holds back: the
// outbox's addresses are compared with the targets' own and never kept.
type held struct {
	targets map[dest][]outreachKey
	by      map[outreachKey]int
}

// dest is one campaign's recipient address.
type dest struct{ campaign, email string }

// heldEmails is a held for org's contact actions that send through the
// organisation (send: server): only their targets are counted, so what
// it keeps is bounded by the campaign files, however long the outbox.
func heldEmails(org *campaign.Org) *held {
	h := &held{targets: map[dest][]outreachKey{}, by: map[outreachKey]int{}}
	for _, camp := range org.Campaigns {
		for _, a := range camp.Actions {
			if a.Contact == nil || a.Contact.Send != "server" {
				continue
			}
			for _, t := range a.Contact.Targets {
				if t.Email != "" {
					d := dest{camp.Slug, t.Email}
					h.targets[d] = append(h.targets[d], outreachKey{camp.Slug, a.ID, t.ID})
				}
			}
		}
	}
	return h
}

// add counts one held email, if it is a message to one of the targets.
func (h *held) add(campaign string, payload []byte) error {
	if len(h.targets) == 0 {
		return nil
	}
	var p mail.ContactPayload
	if json.Unmarshal(payload, &p) != nil || p.Template != mail.TemplateContactTarget {
		return nil
	}
	if ks := h.targets[dest{campaign, p.To}]; len(ks) > 0 {
		h.by[ks[0]]++
	}
	return nil
}

// outboxFigures counts org's waiting and failed messages and hands held
// each email due after now (store.OutboxFigures); an outbox without it
// is listed, as before it existed.
func (c *Console) outboxFigures(ctx context.Context, org string, now time.Time, held func(campaign string, payload []byte) error) (waiting, failed int, err error) {
	if f, ok := c.cfg.Outbox.(store.OutboxFigures); ok {
		return f.OutboxFigures(ctx, org, now, held)
	}
	entries, err := c.cfg.Outbox.List(ctx, "")
	if err != nil {
		return 0, 0, err
	}
	for _, e := range entries {
		switch {
		case e.Org != org:
			continue
		case e.Status == store.OutboxDead:
			failed++
		default:
			waiting++
		}
		if e.Kind == signing.MessageEmail && e.Status != store.OutboxDead && e.NotBefore.After(now) {
			if err := held(e.Campaign, e.Payload); err != nil {
				return 0, 0, err
			}
		}
	}
	return waiting, failed, nil
}

// queueKey names one decision-maker's queue: the drip is per campaign
// and target (store.TargetQueue).
type queueKey struct{ campaign, target string }

// targetQueues reads org's queues still running at now, when the store
// keeps them.
func (c *Console) targetQueues(ctx context.Context, org string, now time.Time) (map[queueKey]store.TargetQueue, error) {
	tm, ok := c.cfg.Store.(store.TargetMail)
	if !ok {
		return nil, nil
	}
	qs, err := tm.TargetQueues(ctx, org, now)
	if err != nil {
		return nil, err
	}
	by := make(map[queueKey]store.TargetQueue, len(qs))
	for _, q := range qs {
		by[queueKey{q.Campaign, q.Target}] = q
	}
	return by, nil
}

// minDomainNotice is how many letters must wait before the console says
// one domain holds most of them: a few letters from one provider are
// no news.
const minDomainNotice = 10

// queueNotes are the plain words for one target's queue: one when it runs
// longer than the day a queue may hold (every new letter is turned away
// until it is within a day), one when a single email domain holds most of
// what waits.
func queueNotes(l *i18n.Localizer, name string, q store.TargetQueue, now time.Time) []string {
	var notes []string
	cur := store.OutreachHour(now)
	end := q.Last.Add(time.Hour) // every letter of the last slot is due by then
	if q.Last.After(cur.Add(store.MaxDripAhead)) {
		// The cap refuses until the last slot is within MaxDripAhead
		// of the hour after the one a new letter would take.
		open := q.Last.Add(time.Hour - store.MaxDripAhead)
		notes = append(notes, l.T("console.outreach.queue.long", "name", name,
			"length", l.Duration(end.Sub(now).Round(time.Hour)),
			"when", l.Date(end)+" "+end.Format("15:04")+" UTC",
			"wait", l.Duration(max(open.Sub(now).Round(time.Hour), time.Hour))))
	}
	if q.Waiting >= minDomainNotice && 2*q.Top > q.Waiting {
		notes = append(notes, l.T("console.outreach.queue.domain", "name", name,
			"n", l.Number(q.Top), "total", l.Number(q.Waiting)))
	}
	return notes
}

// outreachTables lays out one campaign's contact actions: a row per target
// in the file's order, then any target counted before it left the file,
// and any word on a target's queue (queueNotes).
func outreachTables(l *i18n.Localizer, camp *campaign.Campaign, by map[outreachKey]*outreachCounts, queues map[queueKey]store.TargetQueue, now time.Time) []admin.OutreachTable {
	var tables []admin.OutreachTable
	for _, a := range camp.Actions {
		if a.Contact == nil {
			continue
		}
		name := a.Title
		if name == "" {
			name = a.ID
		}
		tb := admin.OutreachTable{Caption: l.T("console.outreach.caption", "action", name)}
		seen := map[string]bool{}
		row := func(label string, n *outreachCounts) {
			if n == nil {
				n = &outreachCounts{}
			}
			tb.Rows = append(tb.Rows, admin.OutreachRow{Target: label, Staff: l.Number(n.staff), Voicemail: l.Number(n.voicemail),
				NoAnswer: l.Number(n.noAnswer), Emails: l.Number(n.emails), Waiting: l.Number(n.waiting), Held: l.Number(n.held)})
		}
		for _, t := range a.Contact.Targets {
			seen[t.ID] = true
			row(t.Name, by[outreachKey{camp.Slug, a.ID, t.ID}])
			if q, ok := queues[queueKey{camp.Slug, t.ID}]; ok && a.Contact.Send == "server" {
				tb.Notes = append(tb.Notes, queueNotes(l, t.Name, q, now)...)
			}
		}
		var gone []string
		for k := range by {
			if k.campaign == camp.Slug && k.action == a.ID && !seen[k.target] {
				gone = append(gone, k.target)
			}
		}
		sort.Strings(gone)
		for _, id := range gone {
			row(id, by[outreachKey{camp.Slug, a.ID, id}])
		}
		if len(tb.Rows) > 0 {
			tables = append(tables, tb)
		}
	}
	return tables
}

// outreachRecord is one line of the calls-and-emails download: the fields
// (and JSON names) of placard stats --format json's outreach.
type outreachRecord struct {
	Action  string `json:"action"`
	Target  string `json:"target"`
	Kind    string `json:"kind"`
	Outcome string `json:"outcome"`
	Count   int64  `json:"count"`
}

// outreachExport downloads one contact campaign's calls and emails per
// target, kind and outcome (?format=csv|json). They are counts without
// supporters, but downloads are for editors and audited like the others.
func (c *Console) outreachExport(w http.ResponseWriter, r *http.Request) error {
	if err := c.mayChange(r); err != nil {
		return err
	}
	org := c.org(r)
	camp := org.Campaign(chi.URLParam(r, "campaign"))
	o, ok := c.cfg.Store.(store.Outreach)
	if camp == nil || !contacts(camp) || !ok {
		return errNotFound
	}
	format := r.URL.Query().Get("format")
	if format == "" {
		format = "csv"
	}
	if !slices.Contains(export.Formats, format) {
		return badRequest("console.err.format")
	}
	counts, err := o.OutreachCounts(r.Context(), org.Slug, camp.Slug)
	if err != nil {
		return err
	}
	if err := c.audit(r, org.Slug, accounts.ActExport, camp.Slug+" calls and emails as "+format); err != nil {
		return err
	}
	recs := make([]outreachRecord, 0, len(counts))
	for _, n := range counts {
		recs = append(recs, outreachRecord{Action: n.Action, Target: n.Target, Kind: n.Kind, Outcome: n.Outcome, Count: n.Count})
	}
	h := w.Header()
	h.Set("Content-Type", export.ContentType[format])
	h.Set("Content-Disposition", `attachment; filename="`+org.Slug+"-"+camp.Slug+"-outreach."+format+`"`)
	if format == "json" {
		return json.NewEncoder(w).Encode(recs)
	}
	cw := csv.NewWriter(w)
	cw.Write([]string{"action", "target", "kind", "outcome", "count"})
	for _, x := range recs {
		cw.Write([]string{export.DefuseCell(x.Action), export.DefuseCell(x.Target), x.Kind, export.DefuseCell(x.Outcome), strconv.FormatInt(x.Count, 10)})
	}
	cw.Flush()
	return cw.Error()
}

// contacts reports whether a campaign has a contact action.
func contacts(c *campaign.Campaign) bool {
	return slices.ContainsFunc(c.Actions, func(a campaign.Action) bool { return a.Contact != nil })
}
