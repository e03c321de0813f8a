package site

import (
	"slices"

	"github.com/placard/placard/views"
)

// The next step a page offers once its reader has acted: the action or
// related campaign after it, and on the thank-you page the first action
// after signing.

// nextAfter is the step offered after actions[i]: the next action on the
// page (at page + "#id"), else the first related campaign, else nil.
func nextAfter(page string, actions []views.ActionView, related []views.CampaignCard, i int) *views.NextStep {
	if i+1 < len(actions) {
		a := actions[i+1]
		return &views.NextStep{Title: a.Title, URL: page + "#" + a.ID, Icon: a.Icon}
	}
	if len(related) > 0 && related[0].URL != "" {
		return &views.NextStep{Title: related[0].Title, URL: related[0].URL}
	}
	return nil
}

// addNextSteps offers the next step after every share and contact action
// of a campaign page: the actions people do elsewhere (on a network, on
// the phone) and then come back from.
func addNextSteps(cp *views.CampaignPageProps) {
	for i := range cp.Actions {
		if a := &cp.Actions[i]; a.Share != nil || a.Contact != nil {
			a.Next = nextAfter("", cp.Actions, cp.Related, i)
		}
	}
}

// ThanksNext is the thank-you page's next step: what follows the first
// petition or letter on the campaign page, passing over share actions (the
// thank-you page itself asks the signer to share).
func ThanksNext(path string, cp views.CampaignPageProps) *views.NextStep {
	for i, a := range cp.Actions {
		if a.Petition == nil && a.Letter == nil {
			continue
		}
		rest := slices.DeleteFunc(slices.Clone(cp.Actions[i+1:]), func(a views.ActionView) bool { return a.Share != nil })
		return nextAfter(path, append([]views.ActionView{a}, rest...), cp.Related, 0)
	}
	return nil
}
