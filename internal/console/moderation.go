package console

import (
	"errors"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/placard/placard/internal/accounts"
	"github.com/placard/placard/internal/campaign"
	"github.com/placard/placard/internal/signing"
	"github.com/placard/placard/internal/store"
	"github.com/placard/placard/internal/webhook"
	"github.com/placard/placard/views/admin"
)

// maxBulk bounds how many signatures one moderation POST may name.
const maxBulk = 1000

// pending reads the organisation's signatures waiting for approval, per
// campaign in the order the organisation lists them, oldest first.
func (c *Console) pending(r *http.Request, org *campaign.Org) ([]*signing.Signature, error) {
	var out []*signing.Signature
	for _, camp := range org.Campaigns {
		if !signs(camp) {
			continue
		}
		err := c.cfg.Store.Signatures(r.Context(), org.Slug, camp.Slug, signing.StatusPending, func(s *signing.Signature) error {
			cp := *s
			out = append(out, &cp)
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}

// moderationPage lists the queue, with approve and reject buttons, to
// editors. No contact detail is shown: deciding needs the name, not the
// address. A viewer sees only how many wait on each campaign.
func (c *Console) moderationPage(w http.ResponseWriter, r *http.Request) error {
	org := c.org(r)
	p := c.page(r, localizer(r).T("console.nav.moderation"))
	list, err := c.pending(r, org)
	if err != nil {
		return err
	}
	o, _ := OrganiserFrom(r.Context())
	m := admin.Moderation{Action: Prefix + "/" + org.Slug + "/moderation", ReadOnly: !o.CanChange(org.Slug)}
	if m.ReadOnly {
		// A viewer sees counts, not people (accounts.Organiser.CanChange):
		// how many wait on each campaign, never who signed.
		m.Waiting = pendingCounts(p.L.Number, org, list)
		c.render(w, r, http.StatusOK, admin.ModerationPage(p, m))
		return nil
	}
	for _, s := range list {
		title := s.Campaign
		if camp := org.Campaign(s.Campaign); camp != nil {
			title = camp.Title
		}
		who := s.Organisation
		if who == "" {
			who = s.Name
		}
		m.Pending = append(m.Pending, admin.PendingRow{
			ID: strconv.FormatInt(s.ID, 10), Campaign: s.Campaign, CampaignTitle: title,
			Organisation: who, Name: s.Name, Role: s.Role, Comment: s.Comment, Created: p.L.Date(s.CreatedAt),
		})
	}
	switch q := r.URL.Query(); q.Get("done") {
	case "approved", "rejected":
		n, _ := strconv.Atoi(q.Get("n"))
		p.Notice = p.L.T("console.moderation."+q.Get("done"), "n", p.L.Number(n))
	}
	c.render(w, r, http.StatusOK, admin.ModerationPage(p, m))
	return nil
}

// moderate approves or rejects one signature (approve=ID or reject=ID) or
// the ticked ones (do=approve|reject with id=ID…). Only signatures waiting
// in this organisation's queue are touched; any other id is refused
// without changing anything. The public pages follow through the store's
// change reports (tallywatch), within a second.
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
	default:
		return badRequest("console.err.moderate")
	}
	if len(ids) == 0 {
		return badRequest("console.err.moderate.none")
	}
	if len(ids) > maxBulk {
		return errTooBig
	}
	list, err := c.pending(r, org)
	if err != nil {
		return err
	}
	waiting := map[int64]*signing.Signature{}
	for _, s := range list {
		waiting[s.ID] = s
	}
	var chosen []int64
	for _, v := range ids {
		id, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
		if err != nil || waiting[id] == nil {
			// Not in this organisation's queue (already decided, or
			// someone else's): nothing is changed.
			return badRequest("console.err.moderate.gone")
		}
		if !slices.Contains(chosen, id) {
			chosen = append(chosen, id)
		}
	}
	// All or nothing, checked again as it is written: what another
	// organiser decided, or a supporter erased, since the queue was read
	// is left as it is, and so is everything else ticked.
	if err := c.decide(r, org, chosen, status); errors.Is(err, store.ErrNotFound) {
		return badRequest("console.err.moderate.gone")
	} else if err != nil {
		return err
	}
	perCampaign := map[string]int{}
	for _, id := range chosen {
		perCampaign[waiting[id].Campaign]++
	}
	act, done := accounts.ActApprove, "approved"
	if status == signing.StatusRejected {
		act, done = accounts.ActReject, "rejected"
	}
	camps := make([]string, 0, len(perCampaign))
	for k := range perCampaign {
		camps = append(camps, k)
	}
	slices.Sort(camps)
	for _, camp := range camps {
		if err := c.audit(r, org.Slug, act, strconv.Itoa(perCampaign[camp])+" on "+camp); err != nil {
			return err
		}
	}
	http.Redirect(w, r, Prefix+"/"+org.Slug+"/moderation?done="+done+"&n="+strconv.Itoa(len(chosen)), http.StatusSeeOther)
	return nil
}

// decide moves the chosen signatures of org from pending to status, all or
// none (store.Moderation), and queues in the same transaction what the
// decision tells the organisation's systems (webhook.Changes): an
// approved signature now counts, so its CRM hears of it as of a signature
// that counts at once — signature.created and, with the signer's
// permission, the Action Network record; a rejected one never counted
// and sends nothing.
func (c *Console) decide(r *http.Request, org *campaign.Org, ids []int64, status signing.Status) error {
	m, ok := c.cfg.Store.(store.Moderation)
	if !ok {
		return errors.New("console: the store cannot moderate signatures")
	}
	now := c.now()
	told := false
	err := m.Decide(r.Context(), org.Slug, ids, signing.StatusPending, status, func(changes []signing.Change) ([]signing.Message, error) {
		msgs := webhook.Changes(org, changes, now, c.cfg.SiteURL)
		told = len(msgs) > 0
		return msgs, nil
	})
	if err == nil && told && c.cfg.WakeOutbox != nil {
		c.cfg.WakeOutbox()
	}
	return err
}

// pendingCounts is how many signatures wait on each of org's campaigns, in
// the order of list (the organisation's order), for a viewer's page.
func pendingCounts(number func(int) string, org *campaign.Org, list []*signing.Signature) []admin.WaitingRow {
	var out []admin.WaitingRow
	var counts []int
	index := map[string]int{}
	for _, s := range list {
		i, ok := index[s.Campaign]
		if !ok {
			title := s.Campaign
			if camp := org.Campaign(s.Campaign); camp != nil {
				title = camp.Title
			}
			i = len(out)
			index[s.Campaign] = i
			out = append(out, admin.WaitingRow{CampaignTitle: title})
			counts = append(counts, 0)
		}
		counts[i]++
	}
	for i := range out {
		out[i].Count = number(counts[i])
	}
	return out
}
