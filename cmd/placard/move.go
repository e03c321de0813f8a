package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"

	"github.com/placard/placard/internal/campaign"
	"github.com/placard/placard/internal/store"
)

// moveRenamed moves the rows of every renamed campaign of site to its new
// name: for each org.yaml `redirects` line whose new name is a campaign of
// that organisation, the old name's signatures, counts and personal links
// (store.Renames). serve runs it at start and after every reload, and
// before each retention purge, so rows that landed under the old name
// while the rename was being loaded (a signing batch under way, credits
// counted in memory) follow too. A redirect whose old name holds nothing
// costs one read. A move is logged with its counts only; a failure is
// logged and tried again at the next load or purge.
func moveRenamed(ctx context.Context, st store.Store, site *campaign.Site, log *slog.Logger) {
	rn, ok := st.(store.Renames)
	if !ok || site == nil {
		return
	}
	for _, o := range site.Orgs {
		for _, r := range o.Redirects {
			if o.Campaign(r.To) == nil || o.Campaign(r.From) != nil {
				continue
			}
			res, err := rn.MoveCampaign(ctx, o.Slug, r.From, r.To)
			if err != nil {
				if ctx.Err() == nil {
					log.Error("moving a renamed campaign's signatures failed; trying again at the next reload",
						"from", o.Slug+"/"+r.From, "to", o.Slug+"/"+r.To, "err", err)
				}
				continue
			}
			if res.Moved() {
				log.Info("renamed campaign: its signatures follow it to the new name",
					"from", o.Slug+"/"+r.From, "to", o.Slug+"/"+r.To,
					"signatures", res.Signatures, "duplicates_removed", res.Duplicates, "count_rows", res.Rows)
			}
		}
	}
}

const moveSynopsis = `Move the signatures of a renamed campaign to its new name: everything
counted under the old name (signatures, counts, where signers came from,
personal links, calls and emails to decision-makers) is counted under the
new one. Someone who signed under both names keeps their first signature
and is counted once.

placard serve does this by itself, at start and whenever it reloads the
campaigns, for every 'redirects' line of org.yaml; this command is for
moving by hand, such as before a redirect is written. The new name must
be a campaign in --campaigns and the old one no longer. Running it again
moves nothing more. It is safe to run while placard serve runs.

A removed campaign's signatures are kept apart, under a name such as
save-the-library~removed-20261205, when a new campaign is given its name
(serve logs it, and placard signatures purge --dry-run lists them). If
the campaign back is the same one, move them to it by that name.

Example: placard signatures move riverside save-the-library keep-the-library`

func signaturesMove(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	const cmd = "signatures move"
	fset := newFlags(cmd, cmd+" ORG FROM TO", moveSynopsis, stdout, stderr)
	dir := fset.campaignsFlag("`folder` holding one folder per organisation, where TO must be a campaign")
	db := fset.dbFlag()
	secretEnv := fset.secretEnvFlag() // secretenv.go
	pos, help, err := fset.parse(args, getenv)
	if help || err != nil {
		return err
	}
	if len(pos) != 3 {
		return usageErr(cmd, "move takes three names: the organisation, the campaign's old name and its new name, such as: riverside save-the-library keep-the-library")
	}
	org, from, to := pos[0], pos[1], pos[2]
	for i, s := range pos {
		if i == 1 {
			// A removed campaign's signatures kept apart (removed.go)
			// move back under a name such as x~removed-20261205.
			if slug, ok := store.KeptApartSlug(s); ok && webName(slug) {
				continue
			}
		}
		if !webName(s) {
			return usageErr(cmd, "%q is not a name as in a web address (lower-case letters, digits and single hyphens, such as save-the-library)", oneLine(s))
		}
	}
	if from == to {
		return usageErr(cmd, "the old and the new name are both %q; name the campaign's old name, then its new one", from)
	}
	// The new name must be a campaign, and the old one no longer: rows
	// moved to a mistyped name would be counted on no page and reached by
	// no retention purge, and a live campaign's rows must stay its own.
	opts, err := loadOptions(fset, *secretEnv)
	if err != nil {
		return err
	}
	site, problems := campaign.LoadWith(*dir, opts)
	if problems.HasErrors() {
		printProblems(stderr, problems)
		return failure("the campaigns in %s have %s; fix them first, so the new name can be checked (placard check %s lists them)",
			*dir, countText(len(problems.Errors()), "problem", "problems"), *dir)
	}
	o := site.Org(org)
	switch {
	case o == nil:
		return usageErr(cmd, "there is no organisation %q in %s; name the folder of the organisation the campaign belongs to (or give --campaigns)", org, *dir)
	case o.Campaign(to) == nil:
		return usageErr(cmd, "%s/%s is not a campaign in %s: rename the campaign's file to %s.yaml first, so the moved signatures are counted on its page and reached by its retention", org, to, *dir, to)
	case o.Campaign(from) != nil:
		return usageErr(cmd, "%s/%s is still a campaign in %s; its signatures are its own — rename its file first, then move them", org, from, *dir)
	}
	st, err := openSignatureStore(ctx, cmd, *db)
	if err != nil {
		return err
	}
	defer st.Close()
	rn, ok := st.(store.Renames)
	if !ok {
		return failure("this database cannot move campaigns")
	}
	res, err := rn.MoveCampaign(ctx, org, from, to)
	if err != nil {
		return failure("moving %s/%s to %s/%s: %v", org, from, org, to, err)
	}
	if !res.Moved() {
		fmt.Fprintf(stdout, "Nothing is counted under %s/%s: nothing to move.\n", org, from)
		return nil
	}
	fmt.Fprintf(stdout, "Moved %s from %s/%s to %s/%s", countText(res.Signatures, "signature", "signatures"), org, from, org, to)
	if res.Duplicates > 0 {
		who := countText(res.Duplicates, "person", "people") + " signed under both names and counts once"
		if res.Duplicates > 1 {
			who = countText(res.Duplicates, "person", "people") + " signed under both names and count once"
		}
		fmt.Fprintf(stdout, "; %s (the later signature was removed)", who)
	}
	fmt.Fprintln(stdout, ".")
	return nil
}

// webName reports whether s is a web-address name as organisation and
// campaign slugs are: lower-case letters a–z, digits and single hyphens
// between them.
func webName(s string) bool {
	if s == "" || s[0] == '-' || s[len(s)-1] == '-' || len(s) > 200 {
		return false
	}
	prev := rune(0)
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-') || r == '-' && prev == '-' {
			return false
		}
		prev = r
	}
	return true
}
