package console

import (
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/placard/placard/internal/accounts"
	"github.com/placard/placard/internal/campaign"
	"github.com/placard/placard/internal/i18n"
	"github.com/placard/placard/internal/signing"
	"github.com/placard/placard/internal/store"
	"github.com/placard/placard/internal/webhook"
	"github.com/placard/placard/views/admin"
)

// maxBulk bounds how many signatures one moderation POST may name.
const maxBulk = 1000

// queuePage is how many waiting signatures one moderation page shows: few
// enough to read and decide, however long the queue (store.Paging reads
// exactly this many, by id).
const queuePage = 50

// queue is where a moderation page is: the campaign filtered ("" for all
// of the organisation's signing campaigns) and the id it starts after or
// ends before (0 for neither: the oldest). Its values come from the
// address or the form, so each is checked.
type queue struct {
	campaign      string
	after, before int64
}

// readQueue reads the moderation page's place from v (the query, or the
// form a decision posts). An unknown campaign answers 404, as an unknown
// page does; a malformed place a plain 400.
func readQueue(org *campaign.Org, v url.Values) (queue, error) {
	var q queue
	if c := v.Get("campaign"); c != "" {
		camp := org.Campaign(c)
		if camp == nil || !signs(camp) {
			return q, errNotFound
		}
		q.campaign = camp.Slug
	}
	for _, f := range []struct {
		name string
		to   *int64
	}{{"after", &q.after}, {"before", &q.before}} {
		s := v.Get(f.name)
		if s == "" {
			continue
		}
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil || n < 1 {
			return q, badRequest("console.err.page")
		}
		*f.to = n
	}
	if q.after > 0 && q.before > 0 {
		return q, badRequest("console.err.page")
	}
	return q, nil
}

// url is the moderation page at q with extra added (done=…), the filter
// first: the address a link or a redirect names.
func (q queue) url(org string, extra ...string) string {
	v := []string{}
	if q.campaign != "" {
		v = append(v, "campaign="+url.QueryEscape(q.campaign))
	}
	if q.after > 0 {
		v = append(v, "after="+strconv.FormatInt(q.after, 10))
	}
	if q.before > 0 {
		v = append(v, "before="+strconv.FormatInt(q.before, 10))
	}
	v = append(v, extra...)
	u := Prefix + "/" + org + "/moderation"
	if len(v) > 0 {
		u += "?" + strings.Join(v, "&")
	}
	return u
}

// signingCampaigns are org's campaigns that take signatures, in the
// organisation's order: the moderation queue's campaigns.
func signingCampaigns(org *campaign.Org) []*campaign.Campaign {
	var out []*campaign.Campaign
	for _, camp := range org.Campaigns {
		if signs(camp) {
			out = append(out, camp)
		}
	}
	return out
}

// waitingCounts is how many signatures wait on each of org's signing
// campaigns, from the tallies: counted as signatures are written, so the
// page never reads the queue to count it.
func (c *Console) waitingCounts(r *http.Request, org *campaign.Org) (map[string]int, error) {
	tallies, err := c.cfg.Store.Tallies(r.Context())
	if err != nil {
		return nil, err
	}
	out := map[string]int{}
	for _, t := range tallies {
		if t.Org == org.Slug {
			out[t.Campaign] = t.Pending
		}
	}
	return out, nil
}

// moderationPage shows one page of the queue, oldest first, with approve
// and reject buttons, to editors; older and newer pages are links, so it
// works without JavaScript. No contact detail is shown: deciding needs
// the name, not the address. A viewer sees only how many wait on each
// campaign. Every count comes from the tallies, and a page reads at most
// queuePage rows (store.Paging), whatever the queue holds.
func (c *Console) moderationPage(w http.ResponseWriter, r *http.Request) error {
	org := c.org(r)
	p := c.page(r, localizer(r).T("console.nav.moderation"))
	q, err := readQueue(org, r.URL.Query())
	if err != nil {
		return err
	}
	camps := signingCampaigns(org)
	counts, err := c.waitingCounts(r, org)
	if err != nil {
		return err
	}
	total := 0
	for _, camp := range camps {
		if q.campaign == "" || q.campaign == camp.Slug {
			total += counts[camp.Slug]
		}
	}
	o, _ := OrganiserFrom(r.Context())
	base := Prefix + "/" + org.Slug + "/moderation"
	m := admin.Moderation{Action: base, FilterAction: base, ReadOnly: !o.CanChange(org.Slug), Campaign: q.campaign}
	if total > 0 {
		m.Total = p.L.T("console.moderation.total", "n", p.L.Number(total))
	}
	if m.ReadOnly {
		// A viewer sees counts, not people (accounts.Organiser.CanChange):
		// how many wait on each campaign, never who signed.
		m.Waiting = waitingRows(p.L, camps, counts)
		c.render(w, r, http.StatusOK, admin.ModerationPage(p, m))
		return nil
	}
	m.Campaigns = append(m.Campaigns, admin.FilterOption{Label: p.L.T("console.moderation.filter.all"), Selected: q.campaign == ""})
	var slugs []string
	for _, camp := range camps {
		slugs = append(slugs, camp.Slug)
		m.Campaigns = append(m.Campaigns, admin.FilterOption{
			Value: camp.Slug, Selected: q.campaign == camp.Slug,
			Label: p.L.T("console.moderation.filter.option", "title", camp.Title, "n", p.L.Number(counts[camp.Slug])),
		})
	}
	if q.campaign != "" {
		slugs = []string{q.campaign}
	}
	var page store.SignaturePage
	if len(slugs) > 0 {
		if page, err = c.readPage(r, org.Slug, slugs, q); err != nil {
			return err
		}
	}
	for _, s := range page.Signatures {
		title := s.Campaign
		if camp := org.Campaign(s.Campaign); camp != nil {
			title = camp.Title
		}
		who := s.Organisation
		if who == "" {
			who = s.Name
		}
		id := strconv.FormatInt(s.ID, 10)
		m.Pending = append(m.Pending, admin.PendingRow{
			ID: id, Campaign: s.Campaign, CampaignTitle: title,
			Organisation: who, Name: s.Name, Role: s.Role, Comment: s.Comment, Created: p.L.Date(s.CreatedAt),
		})
		m.PageIDs = append(m.PageIDs, id)
	}
	if n := len(page.Signatures); n > 0 {
		first, last := page.Signatures[0].ID, page.Signatures[n-1].ID
		m.Shown = p.L.T("console.moderation.shown", "n", p.L.Number(n))
		m.ApprovePage = p.L.T("console.moderation.approve.page", "n", p.L.Number(n))
		m.RejectPage = p.L.T("console.moderation.reject.page", "n", p.L.Number(n))
		if page.Older {
			// A decision returns here: to the rows from this page's first on.
			m.After = strconv.FormatInt(first-1, 10)
			m.Older = queue{campaign: q.campaign, before: first}.url(org.Slug)
		}
		if page.Newer {
			m.Newer = queue{campaign: q.campaign, after: last}.url(org.Slug)
		}
	}
	switch v := r.URL.Query(); v.Get("done") {
	case "approved", "rejected":
		n, _ := strconv.Atoi(v.Get("n"))
		p.Notice = p.L.T("console.moderation."+v.Get("done"), "n", p.L.Number(max(n, 0)))
	}
	c.render(w, r, http.StatusOK, admin.ModerationPage(p, m))
	return nil
}

// readPage reads the queue's page at q. A page that has emptied since its
// link was made (its rows decided meanwhile) gives way to the first page,
// so a stale link shows what waits rather than nothing.
func (c *Console) readPage(r *http.Request, org string, campaigns []string, q queue) (store.SignaturePage, error) {
	pq := store.PageQuery{Org: org, Campaigns: campaigns, Status: signing.StatusPending, After: q.after, Before: q.before, Limit: queuePage}
	page, err := c.pages.SignaturePage(r.Context(), pq)
	if err != nil || len(page.Signatures) > 0 || (q.after == 0 && q.before == 0) {
		return page, err
	}
	pq.After, pq.Before = 0, 0
	return c.pages.SignaturePage(r.Context(), pq)
}

// moderate approves or rejects one signature (approve=ID or reject=ID),
// the ticked ones (do=approve|reject with id=ID…) or every one the page
// showed (do=approve-page|reject-page with page=ID…: the ids the page
// was rendered with, so rows that joined the queue since are not
// touched). Only signatures waiting in this organisation's queue are
// changed, all or none (store.Moderation): if any of them was decided or
// erased meanwhile, nothing is, and the organiser is asked to reload. The
// public pages follow through the store's change reports (tallywatch),
// within a second.
func (c *Console) moderate(w http.ResponseWriter, r *http.Request) error {
	org := c.org(r)
	if err := readForm(w, r); err != nil {
		return err
	}
	f := r.PostForm
	var status signing.Status
	var ids []string
	switch {
	case f.Get("approve") != "":
		status, ids = signing.StatusApproved, []string{f.Get("approve")}
	case f.Get("reject") != "":
		status, ids = signing.StatusRejected, []string{f.Get("reject")}
	case f.Get("do") == "approve":
		status, ids = signing.StatusApproved, f["id"]
	case f.Get("do") == "reject":
		status, ids = signing.StatusRejected, f["id"]
	case f.Get("do") == "approve-page":
		status, ids = signing.StatusApproved, f["page"]
	case f.Get("do") == "reject-page":
		status, ids = signing.StatusRejected, f["page"]
	default:
		return badRequest("console.err.moderate")
	}
	if len(ids) == 0 {
		return badRequest("console.err.moderate.none")
	}
	if len(ids) > maxBulk {
		return errTooBig
	}
	// Where the answer returns: the filter and page the form came from.
	// They only steer the answer, so a stale or mangled one (a campaign
	// renamed since the page was read) leads to the whole queue rather
	// than losing the decision.
	back, err := readQueue(org, f)
	if err != nil {
		back = queue{}
	}
	back.before = 0
	var chosen []int64
	for _, v := range ids {
		id, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
		if err != nil || id < 1 {
			// No signature has it: nothing is changed.
			return badRequest("console.err.moderate.gone")
		}
		if !slices.Contains(chosen, id) {
			chosen = append(chosen, id)
		}
	}
	// All or nothing, checked as it is written: what another organiser
	// decided, or a supporter erased, since the page was read is left as
	// it is, and so is everything else named; what is recorded is what
	// the store moved.
	moved, err := c.decide(r, org, chosen, status)
	switch {
	case errors.Is(err, store.ErrNotFound):
		return badRequest("console.err.moderate.gone")
	case errors.Is(err, store.ErrRemovedCampaign):
		// A page read before its campaign was removed, or a form naming
		// any id of the organisation: a removed campaign's signature is
		// never approved (it may be rejected).
		return badRequest("console.err.moderate.removed")
	case err != nil:
		return err
	}
	act, done := accounts.ActApprove, "approved"
	if status == signing.StatusRejected {
		act, done = accounts.ActReject, "rejected"
	}
	n := 0
	camps := make([]string, 0, len(moved))
	for k, v := range moved {
		camps = append(camps, k)
		n += v
	}
	slices.Sort(camps)
	for _, camp := range camps {
		if err := c.audit(r, org.Slug, act, strconv.Itoa(moved[camp])+" on "+camp); err != nil {
			return err
		}
	}
	http.Redirect(w, r, back.url(org.Slug, "done="+done, "n="+strconv.Itoa(n)), http.StatusSeeOther)
	return nil
}

// decide moves the chosen signatures of org from pending to status, all or
// none (store.Moderation), and queues in the same transaction what the
// decision tells the organisation's systems (webhook.Changes): an
// approved signature now counts, so its CRM hears of it as of a signature
// that counts at once — signature.created and, with the signer's
// permission, the Action Network record; a rejected one never counted
// and sends nothing. moved is what the store moved on each campaign.
func (c *Console) decide(r *http.Request, org *campaign.Org, ids []int64, status signing.Status) (map[string]int, error) {
	now := c.now()
	told := false
	moved, err := c.moderation.Decide(r.Context(), org.Slug, ids, signing.StatusPending, status, func(changes []signing.Change) ([]signing.Message, error) {
		msgs := webhook.Changes(org, changes, now, c.cfg.SiteURL)
		told = len(msgs) > 0
		return msgs, nil
	})
	if err == nil && told && c.cfg.WakeOutbox != nil {
		c.cfg.WakeOutbox()
	}
	return moved, err
}

// waitingRows is how many signatures wait on each of camps that has any,
// in the organisation's order, for a viewer's page.
func waitingRows(l *i18n.Localizer, camps []*campaign.Campaign, counts map[string]int) []admin.WaitingRow {
	var out []admin.WaitingRow
	for _, camp := range camps {
		if n := counts[camp.Slug]; n > 0 {
			out = append(out, admin.WaitingRow{CampaignTitle: camp.Title, Count: l.Number(n)})
		}
	}
	return out
}
