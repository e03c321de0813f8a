package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"time"

	"github.com/placard/placard/internal/campaign"
	"github.com/placard/placard/internal/signing"
	"github.com/placard/placard/internal/store"
)

// purgeNow is the clock of `signatures purge`; tests replace it.
var purgeNow = time.Now

// purgeInterval is how often serve looks for campaigns whose retention has
// passed. Retention is counted in days, so once a day is soon enough.
const purgeInterval = 24 * time.Hour

// purged is one campaign whose signatures were (or, in a dry run, would be)
// erased by the retention rule.
type purged struct {
	org, campaign string
	due           time.Time // when the retention ran out
	n             int       // signatures erased, or that would be
	// removed is the slug of a removed campaign whose rows stand under
	// campaign (removed.go); "" for a campaign of the site.
	removed string
}

// purgeDue erases the signatures of every campaign of site whose retention
// after close_at has run out at now, keeping their counts, and returns the
// campaigns where there was something to erase. With dryRun nothing is
// changed and n counts what would be erased. Campaigns without retention,
// without close_at or not yet due are left alone.
func purgeDue(ctx context.Context, st store.Store, site *campaign.Site, now time.Time, dryRun bool) ([]purged, error) {
	var out []purged
	if site == nil {
		return nil, nil
	}
	for _, o := range site.Orgs {
		for _, c := range o.Campaigns {
			due := c.PurgeAt()
			if due.IsZero() || now.Before(due) {
				continue
			}
			p := purged{org: o.Slug, campaign: c.Slug, due: due}
			var err error
			if dryRun {
				err = st.Signatures(ctx, o.Slug, c.Slug, "", func(*signing.Signature) error { p.n++; return nil })
			} else {
				p.n, err = st.Purge(ctx, o.Slug, c.Slug)
			}
			if err != nil {
				return out, fmt.Errorf("%s/%s: %w", o.Slug, c.Slug, err)
			}
			if p.n > 0 {
				out = append(out, p)
			}
		}
	}
	return purgeRemoved(ctx, st, site, now, dryRun, out)
}

// purgeRemoved is purgeDue for the campaigns whose file was removed
// (store.Removals), their retention counted from the removal. Rows still
// under the slug are first kept apart (when the site has no campaign of
// that name: one that has is kept apart at its load), so the purge only
// ever erases under a name no campaign can have: a campaign of that slug
// loaded meanwhile by another instance loses nothing.
func purgeRemoved(ctx context.Context, st store.Store, site *campaign.Site, now time.Time, dryRun bool, out []purged) ([]purged, error) {
	rm, ok := st.(store.Removals)
	if !ok {
		return out, nil
	}
	recs, err := rm.RemovedCampaigns(ctx, "")
	if err != nil {
		return out, err
	}
	for _, r := range recs {
		due := r.PurgeAt()
		if due.IsZero() || now.Before(due) || r.Signatures == 0 {
			continue
		}
		p := purged{org: r.Org, campaign: r.Name, due: due, n: r.Signatures, removed: r.Campaign}
		if dryRun {
			out = append(out, p)
			continue
		}
		if r.Name == r.Campaign {
			if site.Org(r.Org).Campaign(r.Campaign) != nil {
				continue // kept apart when this site was loaded, or by newer files
			}
			k, err := rm.KeepApart(ctx, r.Org, r.Campaign, "", now, now) // no campaign of it loaded: kept apart
			if err != nil {
				return out, fmt.Errorf("%s/%s: %w", r.Org, r.Campaign, err)
			}
			if k.Name == "" {
				continue // another instance kept them apart meanwhile: next round
			}
			p.campaign = k.Name
		}
		if p.n, err = st.Purge(ctx, r.Org, p.campaign); err != nil {
			return out, fmt.Errorf("%s/%s: %w", r.Org, p.campaign, err)
		}
		if p.n > 0 {
			out = append(out, p)
		}
	}
	return out, nil
}

// purgeLoop is serve's retention rule: it purges once at start and then at
// every tick, with the site current at that moment and the time now gives,
// until ctx ends; each round also deletes the console sessions that have
// ended (deleteEndedSessions), the erasure notes of organisations it
// has not served for webhook.UnservedNoteKeep (dropUnservedNotes) and the
// messages dead for outbox.DeadKeep, erasure notices among them
// (webhook.DeadNoticeKeep) (dropDeadNotices). A
// failure is logged and tried again at the next tick.
// Before each round flush (when not nil) writes the credits the server
// holds in memory, so none written later brings back a row of a campaign
// purged in this round (the store skips a campaign without signatures
// too: store.Store.AddCredits); a failed flush is logged and the purge
// goes on.
func purgeLoop(ctx context.Context, st store.Store, site func() *campaign.Site, now func() time.Time, tick <-chan time.Time, flush func(context.Context) error, log *slog.Logger) {
	for {
		if flush != nil {
			if err := flush(ctx); err != nil && ctx.Err() == nil {
				log.Warn("retention: writing the personal links' counts before purging failed", "err", err)
			}
		}
		at, served := now(), site()
		done, err := purgeDue(ctx, st, served, at, false)
		for _, p := range done {
			if p.removed != "" {
				log.Info("retention: erased the signatures of a removed campaign, keeping its counts",
					"campaign", p.org+"/"+p.removed, "kept_apart_as", p.org+"/"+p.campaign, "signatures", p.n, "due", p.due.UTC().Format(time.DateOnly))
				continue
			}
			log.Info("retention: erased the signatures of a closed campaign, keeping its counts",
				"campaign", p.org+"/"+p.campaign, "signatures", p.n, "due", p.due.UTC().Format(time.DateOnly))
		}
		if err != nil && ctx.Err() == nil {
			log.Error("retention: erasing the signatures of a closed campaign failed; trying again tomorrow", "err", err)
		}
		deleteEndedSessions(ctx, st, at, log)
		dropUnservedNotes(ctx, st, served, at, log) // erasurenotes.go
		dropDeadNotices(ctx, st, at, log)           // deadnotices.go
		select {
		case <-ctx.Done():
			return
		case <-tick:
		}
	}
}

// deleteEndedSessions deletes the console's sessions ended at now (idle,
// or past their 12 hours) and its expired one-time tokens. A session
// ends at the browser's next request, but one nobody came back to kept
// its row, and who signed in when and how, for good. A failure is logged
// and tried again at the next round.
func deleteEndedSessions(ctx context.Context, st store.Store, now time.Time, log *slog.Logger) {
	ss, ok := st.(store.Sessions)
	if !ok {
		return
	}
	n, err := ss.DeleteEndedSessions(ctx, now)
	if err != nil {
		if ctx.Err() == nil {
			log.Warn("console: deleting ended sign-in sessions failed; trying again tomorrow", "err", err)
		}
		return
	}
	if n > 0 {
		log.Info("console: deleted ended sign-in sessions", "sessions", n)
	}
}

const purgeSynopsis = `Erase the signatures of every campaign whose retention has passed: the
'retention' of org.yaml or of the campaign (such as 180d), counted from
its close_at. Only the counts are kept. placard serve does the same once a
day; this command lets you run it now, or see what it would do.

The erasure has the same guarantee as 'signatures erase': no byte of the
signatures is left in the database files (see docs/security.md).

  --dry-run   list what would be erased, and change nothing

Example: placard signatures purge --dry-run`

func signaturesPurge(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	const cmd = "signatures purge"
	fset := newFlags(cmd, cmd+" [--dry-run]", purgeSynopsis, stdout, stderr)
	dir := fset.campaignsFlag("`folder` holding one folder per organisation")
	dry := fset.Bool("dry-run", false, "list what would be erased, and change nothing")
	db := fset.dbFlag()
	secretEnv := fset.secretEnvFlag() // secretenv.go
	pos, help, err := fset.parse(args, getenv)
	if help || err != nil {
		return err
	}
	if len(pos) > 0 {
		return usageErr(cmd, "purge takes no arguments, got %q; it reads the retention of every campaign in --campaigns", pos[0])
	}
	opts, err := loadOptions(fset, *secretEnv)
	if err != nil {
		return err
	}
	site, problems := campaign.LoadWith(*dir, opts)
	if problems.HasErrors() {
		printProblems(stderr, problems)
		return failure("the campaigns in %s have %s; fix them first, so no retention is misread (placard check %s lists them)",
			*dir, countText(len(problems.Errors()), "problem", "problems"), *dir)
	}
	st, err := openSignatureStore(ctx, cmd, *db)
	if err != nil {
		return err
	}
	defer st.Close()
	noteQuarantine(st, stderr) // quarantine.go
	if !*dry {
		// Rows still under a renamed campaign's old name follow it first,
		// as serve's own purge does, so its retention reaches them.
		moveRenamed(ctx, st, site, slog.New(slog.NewTextHandler(stderr, nil)))
	}
	done, err := purgeDue(ctx, st, site, purgeNow(), *dry)
	verb := "Erased"
	if *dry {
		verb = "Would erase"
	}
	total := 0
	for _, p := range done {
		total += p.n
		if p.removed != "" {
			fmt.Fprintf(stdout, "%s %s of the removed campaign %s/%s, %s (retention after its removal ran out on %s); its counts stay.\n",
				verb, countText(p.n, "signature", "signatures"), p.org, p.removed, storedAs(p.org, p.removed, p.campaign), p.due.UTC().Format(time.DateOnly))
			continue
		}
		fmt.Fprintf(stdout, "%s %s of %s/%s (retention ran out on %s); its counts stay.\n",
			verb, countText(p.n, "signature", "signatures"), p.org, p.campaign, p.due.UTC().Format(time.DateOnly))
	}
	if err != nil {
		return failure("erasing signatures past their retention: %v", err)
	}
	if len(done) == 0 {
		fmt.Fprintln(stdout, "No campaign has signatures past its retention.")
	} else if len(done) > 1 {
		fmt.Fprintf(stdout, "%s %s in all.\n", verb, countText(total, "signature", "signatures"))
	}
	if *dry {
		return listRemoved(ctx, st, stdout)
	}
	saidOwed(ctx, st, stderr) // rewrites.go
	return nil
}

// listRemoved lists, for a dry run, every removed campaign that still
// holds signatures, whether or not its retention has run out, so the
// operator can export, erase or move them.
func listRemoved(ctx context.Context, st store.Store, stdout io.Writer) error {
	rm, ok := st.(store.Removals)
	if !ok {
		return nil
	}
	recs, err := rm.RemovedCampaigns(ctx, "")
	if err != nil {
		return failure("listing the removed campaigns: %v", err)
	}
	head := false
	for _, r := range recs {
		if r.Signatures == 0 {
			continue
		}
		if !head {
			fmt.Fprintln(stdout, "\nRemoved campaigns whose signatures are stored (export them with placard signatures export --campaign ORG/NAME):")
			head = true
		}
		keep := "kept until erased by hand"
		if due := r.PurgeAt(); !due.IsZero() {
			keep = "erased from " + due.UTC().Format(time.DateOnly)
		}
		fmt.Fprintf(stdout, "  %s/%s: %s, removed on %s, %s; %s\n", r.Org, r.Name, countText(r.Signatures, "signature", "signatures"),
			r.RemovedAt.UTC().Format(time.DateOnly), keep, storedAs(r.Org, r.Campaign, r.Name))
	}
	return nil
}

// storedAs says where a removed campaign's signatures stand.
func storedAs(org, slug, name string) string {
	if name == slug {
		return "still under its old name until a campaign of that name is loaded"
	}
	return "kept apart as " + org + "/" + name + " (if " + org + "/" + slug + " is the same campaign back, run: placard signatures move " + org + " " + name + " " + slug + ")"
}
