package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/placard/placard/internal/signing"
	"github.com/placard/placard/internal/store"
)

const statsSynopsis = `Show where one campaign's supporters came from: for each share source
(x, bluesky, mastodon, facebook, linkedin, whatsapp, telegram, email, copy,
share, personal, qr, embed, feed), the page views that arrived with it and
the signatures made from those pages; and the supporters' personal links
that brought the most signatures, by their public token.

Only counts are kept: nothing here says who arrived or who signed, and a
personal link's token does not say whose link it is. Signatures are counted
as they were made (organisations awaiting approval included, later
erasures not taken off); "(none)" is signatures from a page reached
without a source. Arrivals reach the database a few seconds after the
page view.

It also shows the calls and emails supporters made to each decision-maker
of the campaign's contact actions, by outcome (spoke to staff, voicemail,
no answer; sent): counts only, per target, never who called.

ORG/SLUG names the campaign as in its address, such as
riverside/save-the-library.`

// statsReport is what stats prints, and its JSON form.
type statsReport struct {
	Campaign  string          `json:"campaign"`
	Sources   []statsSource   `json:"sources"`
	Referrals []statsReferral `json:"referrals"`
	// Outreach is left out of the JSON for a campaign without calls or
	// emails, so reports of petitions keep their shape.
	Outreach []statsOutreach `json:"outreach,omitempty"`
	// ConfirmationsUnsent is how many confirmation emails were given up
	// unsent (their inbox had no turn before their signature expired:
	// store.MailPace.NoteUnsent); left out when none, as Outreach.
	ConfirmationsUnsent int `json:"confirmations_unsent,omitempty"`
	// SignaturesRefused is how many signatures the database could not
	// hold as sent (store.Refusals.NoteRefused; their signers were asked
	// to change a field); left out when none, as Outreach.
	SignaturesRefused int `json:"signatures_refused,omitempty"`
	// BotsTurnedAway is how many sign forms were caught by the form's
	// trap, a field people never see (store.Traps: answered as signed,
	// nothing of them stored, not in any count of signatures); left out
	// when none, as Outreach.
	BotsTurnedAway int `json:"bots_turned_away,omitempty"`
}

// statsOutreach is the count of calls or emails of one outcome to one
// target of one contact action.
type statsOutreach struct {
	Action  string `json:"action"`
	Target  string `json:"target"`
	Kind    string `json:"kind"`
	Outcome string `json:"outcome"`
	Count   int64  `json:"count"`
}

type statsSource struct {
	Source     string `json:"source"`
	Arrivals   int    `json:"arrivals"`
	Signatures int    `json:"signatures"`
}

type statsReferral struct {
	Token      string `json:"token"`
	Signatures int    `json:"signatures"`
}

// stats is `placard stats ORG/SLUG [--format text|json] [--top N]`.
func stats(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	const cmd = "stats"
	fset := newFlags(cmd, cmd+" ORG/SLUG [--format text|json] [--top N]", statsSynopsis, stdout, stderr)
	format := fset.String("format", "text", "output `format`: text (a table) or json")
	top := fset.Int("top", 10, "how many personal links to list, the most signatures first")
	db := fset.dbFlag()
	pos, help, err := fset.parse(args, getenv)
	if help || err != nil {
		return err
	}
	if len(pos) != 1 {
		return usageErr(cmd, "name one campaign as ORG/SLUG, such as riverside/save-the-library")
	}
	org, slug, err := parseCampaignRef(cmd, pos[0])
	if err != nil {
		return usageErr(cmd, "%q: name the campaign as ORG/SLUG, as in its address, such as riverside/save-the-library", pos[0])
	}
	f := strings.ToLower(strings.TrimSpace(*format))
	if f != "text" && f != "json" {
		return usageErr(cmd, "--format must be text or json, not %q%s", *format, didYouMean(f, []string{"text", "json"}))
	}
	if *top < 0 {
		return usageErr(cmd, "--top must be 0 or more, not %d", *top)
	}
	st, err := openSignatureStore(ctx, cmd, *db)
	if err != nil {
		return err
	}
	defer st.Close()
	sources, err := st.Sources(ctx, org, slug)
	if err != nil {
		return failure("reading the counts of %s/%s: %v", org, slug, err)
	}
	var refs []signing.ReferralCount
	if *top > 0 {
		if refs, err = st.Referrals(ctx, org, slug, *top); err != nil {
			return failure("reading the personal links of %s/%s: %v", org, slug, err)
		}
	}
	rep := statsReport{Campaign: org + "/" + slug, Sources: []statsSource{}, Referrals: []statsReferral{}}
	if o, ok := st.(store.Outreach); ok {
		counts, err := o.OutreachCounts(ctx, org, slug)
		if err != nil {
			return failure("reading the calls and emails of %s/%s: %v", org, slug, err)
		}
		for _, c := range counts {
			rep.Outreach = append(rep.Outreach, statsOutreach{Action: c.Action, Target: c.Target, Kind: c.Kind, Outcome: c.Outcome, Count: c.Count})
		}
	}
	if mp, ok := st.(store.MailPace); ok {
		unsent, err := mp.UnsentCounts(ctx, org)
		if err != nil {
			return failure("reading the confirmations of %s/%s never sent: %v", org, slug, err)
		}
		rep.ConfirmationsUnsent = unsent[slug]
	}
	if rf, ok := st.(store.Refusals); ok {
		refused, err := rf.RefusedCounts(ctx, org)
		if err != nil {
			return failure("reading the refused signatures of %s/%s: %v", org, slug, err)
		}
		rep.SignaturesRefused = refused[slug]
	}
	if tr, ok := st.(store.Traps); ok {
		caught, err := tr.CaughtCounts(ctx, org)
		if err != nil {
			return failure("reading the bots turned away from %s/%s: %v", org, slug, err)
		}
		rep.BotsTurnedAway = caught[slug]
	}
	for _, s := range sources {
		rep.Sources = append(rep.Sources, statsSource{Source: s.Source, Arrivals: s.Arrivals, Signatures: s.Signatures})
	}
	for _, r := range refs {
		rep.Referrals = append(rep.Referrals, statsReferral{Token: r.Token, Signatures: r.Signatures})
	}
	if f == "json" {
		b, err := json.MarshalIndent(rep, "", "  ")
		if err != nil {
			return err
		}
		_, err = fmt.Fprintf(stdout, "%s\n", b)
		return err
	}
	return writeStats(stdout, rep)
}

// writeStats prints the report as two tables, names on the left and
// numbers right-aligned.
func writeStats(w io.Writer, rep statsReport) error {
	fmt.Fprintf(w, "Where supporters of %s came from\n\n", rep.Campaign)
	if len(rep.Sources) == 0 {
		fmt.Fprintln(w, "No arrivals or signatures recorded yet.")
	} else {
		width := len("Source")
		for _, x := range rep.Sources {
			width = max(width, len(sourceName(x.Source)))
		}
		fmt.Fprintf(w, "%-*s  %10s  %10s\n", width, "Source", "Arrivals", "Signatures")
		var a, s int
		for _, x := range rep.Sources {
			fmt.Fprintf(w, "%-*s  %10d  %10d\n", width, sourceName(x.Source), x.Arrivals, x.Signatures)
			a, s = a+x.Arrivals, s+x.Signatures
		}
		fmt.Fprintf(w, "%-*s  %10d  %10d\n", width, "Total", a, s)
	}
	fmt.Fprintln(w)
	if rep.ConfirmationsUnsent > 0 {
		fmt.Fprintf(w, "Confirmation emails never sent: %d. Someone kept typing these signers' addresses, so their\n"+
			"inboxes had no turn before the signatures expired (the log says when). They can sign again.\n\n", rep.ConfirmationsUnsent)
	}
	if rep.SignaturesRefused > 0 {
		fmt.Fprintf(w, "Signatures refused as sent: %d. The database could not hold a value in them; each signer was\n"+
			"shown their form again, asked to change that field, and nothing was stored. The log names the field\n"+
			"(\"a signature was refused by the store\"): if it is not one the signer typed, such as the consent\n"+
			"text, check that setting with placard check, or report it as a bug.\n\n", rep.SignaturesRefused)
	}
	if rep.BotsTurnedAway > 0 {
		fmt.Fprintf(w, "Bots turned away: %d. These forms filled in a field people never see, as programs do;\n"+
			"they were answered as if signed, nothing of them was stored, and no count above includes them.\n"+
			"Nothing to do.\n\n", rep.BotsTurnedAway)
	}
	writeOutreach(w, rep.Outreach)
	if len(rep.Referrals) == 0 {
		_, err := fmt.Fprintln(w, "No personal link has brought a signature yet.")
		return err
	}
	fmt.Fprintf(w, "Personal links that brought signatures (top %d)\n\n", len(rep.Referrals))
	fmt.Fprintf(w, "%-10s  %10s\n", "Link token", "Signatures")
	var err error
	for _, r := range rep.Referrals {
		_, err = fmt.Fprintf(w, "%-10s  %10d\n", r.Token, r.Signatures)
	}
	return err
}

// sourceName is how the table names a source.
func sourceName(s string) string {
	if s == "" {
		return "(none)"
	}
	return s
}

// writeOutreach prints the calls and emails per target and outcome, when
// the campaign has any.
func writeOutreach(w io.Writer, os []statsOutreach) {
	if len(os) == 0 {
		return
	}
	fmt.Fprintf(w, "Calls and emails to decision-makers\n\n")
	width := len("Action/target")
	for _, o := range os {
		width = max(width, len(o.Action)+1+len(o.Target))
	}
	fmt.Fprintf(w, "%-*s  %-5s  %-10s  %6s\n", width, "Action/target", "Kind", "Outcome", "Count")
	var calls, emails, held int64
	for _, o := range os {
		fmt.Fprintf(w, "%-*s  %-5s  %-10s  %6d\n", width, o.Action+"/"+o.Target, o.Kind, o.Outcome, o.Count)
		switch {
		case o.Kind == store.OutreachCall:
			calls += o.Count
		case o.Outcome == store.OutcomeHeld:
			// Turned away for a full queue: not an email sent.
			held += o.Count
		default:
			emails += o.Count
		}
	}
	fmt.Fprintf(w, "%-*s  %d calls, %d emails\n\n", width, "Total", calls, emails)
	if held > 0 {
		fmt.Fprintf(w, "Letters held back: %d. A decision-maker already had a day of letters waiting (per_hour × 24),\n"+
			"or half a day from the supporter's own email domain, so these supporters were asked to send theirs\n"+
			"again later (each counted once, however often they pressed Send). Raise per_hour if their office can\n"+
			"read more; if one domain held most of the queue (the console says so), tell your administrator.\n\n", held)
	}
}
