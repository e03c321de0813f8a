package main

import (
	"context"
	"log/slog"
	"time"

	"github.com/placard/placard/internal/campaign"
	"github.com/placard/placard/internal/store"
)

// Removed campaigns (store.Removals). A campaign whose file is gone leaves
// its rows under its name. serve records it removed after each good load
// (at start, after every reload, before each retention purge), and keeps
// its rows apart — moved to <slug>~removed-YYYYMMDD — before a campaign
// of that slug serves again, so a new letter never counts or lists the
// signers of an old one. A campaign back with the title it was removed
// with (store.Fingerprint; known when a reload found it gone, not when it
// went while serve was stopped) is the same campaign returning — a file
// missing for one load: a checkout, a hand mv away and back, a rollback —
// and its record is dropped with its rows left where they are.
//
// Only a good load decides: serve refuses to start, and a reload to swap,
// when any file has a problem, so a broken file is never taken for a
// removed one (a --dev start with problems serves no organisation, and
// nothing is decided about organisations not loaded). A name is removed
// when its organisation is loaded, no campaign file has it, no
// `redirects` line of org.yaml names it as an old name (its rows follow
// the rename, move.go), and it is not a kept-apart name itself. An
// organisation whose folder is gone decides nothing: its rows stay as
// they are, reached by erasures by address, until its folder is back.

// keepRemovedApart moves, before site serves, the rows of every removed
// campaign that site has again, under another title or removed while
// stopped, to its kept-apart name, and logs what the organiser may do if
// it is the same campaign returning; one back with its title keeps them. loaded is when
// site's files were read: a removal recorded after it (another instance,
// with newer files) is not acted on. A failure is logged; it is tried
// again at the next load. It reports whether any rows were moved: the
// figures the server holds for that name are then stale.
func keepRemovedApart(ctx context.Context, st store.Store, site *campaign.Site, loaded time.Time, log *slog.Logger) (moved bool) {
	rm, ok := st.(store.Removals)
	if !ok || site == nil || len(site.Orgs) == 0 {
		return false
	}
	// First, what these files serve is remembered as of when they were
	// read: an instance on older files, which lack a campaign new in
	// these (a rolling update, its daily purge's settling), then records
	// no removal of it, which would keep its signatures apart at the
	// next load.
	clock := dbClock(ctx, rm, log)
	if err := rm.SeenCampaigns(ctx, servedNames(site), clock(loaded)); err != nil && ctx.Err() == nil {
		log.Error("remembering the campaigns served failed; an instance on older files may record a new campaign as removed until the next reload", "err", err)
	}
	recs, err := rm.RemovedCampaigns(ctx, "")
	if err != nil {
		if ctx.Err() == nil {
			log.Error("reading the removed campaigns failed; a campaign given a removed one's name may count its signatures until the next reload", "err", err)
		}
		return false
	}
	for _, r := range recs {
		if !r.KeptApartAt.IsZero() || r.Name != r.Campaign {
			continue
		}
		o := site.Org(r.Org)
		if o == nil || o.Campaign(r.Campaign) == nil {
			continue
		}
		c := o.Campaign(r.Campaign)
		k, err := rm.KeepApart(ctx, r.Org, r.Campaign, campaignFingerprint(c), clock(loaded), clock(time.Now()))
		if err != nil {
			if ctx.Err() == nil {
				log.Error("keeping a removed campaign's signatures apart from the new campaign of the same name failed; trying again at the next reload",
					"campaign", r.Org+"/"+r.Campaign, "err", err)
			}
			continue
		}
		if k.Returned {
			log.Info("campaign "+r.Org+"/"+r.Campaign+" is back; its "+countText(r.Signatures, "signature stays", "signatures stay")+" with it",
				"campaign", r.Org+"/"+r.Campaign, "signatures", r.Signatures)
			continue
		}
		if k.Name == "" {
			continue
		}
		moved = true
		log.Warn(keptApartMessage(r.Org, r.Campaign, k.Name, k.Signatures),
			"campaign", r.Org+"/"+r.Campaign, "kept_apart_as", r.Org+"/"+k.Name,
			"signatures", k.Signatures, "count_rows", k.Rows, "removed", r.RemovedAt.UTC().Format(time.DateOnly))
	}
	return moved
}

// servedNames lists what site serves under each loaded organisation: its
// campaigns, and the old names of renamed ones (present).
func servedNames(site *campaign.Site) []store.CampaignName {
	var out []store.CampaignName
	for _, o := range site.Orgs {
		for _, c := range o.Campaigns {
			out = append(out, store.CampaignName{Org: o.Slug, Campaign: c.Slug})
		}
		for _, r := range o.Redirects {
			out = append(out, store.CampaignName{Org: o.Slug, Campaign: r.From})
		}
	}
	return out
}

// keptApartMessage says, in plain words, what happened to a removed
// campaign's signatures when a campaign of its name came back, and what
// to run if it is the same campaign.
func keptApartMessage(org, slug, name string, n int) string {
	return "a campaign named " + org + "/" + slug + " is back after its file was removed: the " +
		countText(n, "signature", "signatures") + " of the removed campaign are kept apart as " + org + "/" + name +
		", not counted or shown on the new page; if this is the same campaign returning, run: placard signatures move " +
		org + " " + name + " " + slug
}

// recordRemovedCampaigns records, once site serves, every campaign of a
// loaded organisation that has rows but no file any more. prev is the
// site served before (nil at start): a campaign it had keeps its own
// retention, counted from now, and its fingerprint; otherwise the
// organisation's retention applies and the fingerprint is unknown (""). loaded is when site's files were read.
func recordRemovedCampaigns(ctx context.Context, st store.Store, site, prev *campaign.Site, loaded time.Time, log *slog.Logger) {
	rm, ok := st.(store.Removals)
	if !ok || site == nil || len(site.Orgs) == 0 {
		return
	}
	stored, err := rm.StoredCampaigns(ctx)
	if err != nil {
		if ctx.Err() == nil {
			log.Error("listing the campaigns with stored signatures failed; removed campaigns are looked for again at the next reload", "err", err)
		}
		return
	}
	var recs map[store.CampaignName]bool // read only when a name is missing
	var clock func(time.Time) time.Time
	for _, sc := range stored {
		o := site.Org(sc.Org)
		if o == nil || present(o, sc.Campaign) || store.IsKeptApart(sc.Campaign) {
			continue
		}
		if recs == nil {
			rs, err := rm.RemovedCampaigns(ctx, "")
			if err != nil {
				if ctx.Err() == nil {
					log.Error("reading the removed campaigns failed; trying again at the next reload", "err", err)
				}
				return
			}
			recs = map[store.CampaignName]bool{}
			for _, r := range rs {
				recs[store.CampaignName{Org: r.Org, Campaign: r.Name}] = true
			}
		}
		if recs[sc] {
			continue
		}
		days, fp := o.RetentionDays, ""
		if prev != nil {
			if po := prev.Org(sc.Org); po != nil {
				if c := po.Campaign(sc.Campaign); c != nil {
					days, fp = c.RetentionDays, campaignFingerprint(c)
				}
			}
		}
		if clock == nil {
			clock = dbClock(ctx, rm, log)
		}
		ok, err := rm.RecordRemoved(ctx, sc.Org, sc.Campaign, fp, clock(time.Now()), days, clock(loaded))
		if err != nil {
			if ctx.Err() == nil {
				log.Error("recording a removed campaign failed; trying again at the next reload", "campaign", sc.Org+"/"+sc.Campaign, "err", err)
			}
			continue
		}
		if !ok {
			continue
		}
		retention := "kept until erased by hand (placard signatures erase, or the console)"
		if days > 0 {
			retention = "erased " + countText(days, "day", "days") + " after today (its retention)"
		}
		log.Warn("campaign removed: its file is gone but its signatures are stored; they are "+retention+
			", and a new campaign of the same name will not count them",
			"campaign", sc.Org+"/"+sc.Campaign, "retention_days", days)
	}
}

// dbClock returns what converts a time of this instance's clock to the
// database's (store.Removals.Now), by the offset between them measured
// now: the removal records' times, and the times of the loads they are
// compared with, are all the database's, so instances whose clocks
// disagree still agree on which files are newer than a removal or a
// return. Only the difference of this clock's readings is taken, never
// the clock itself. When the database's clock cannot be read, times are
// left as they are (what the next call then does fails as well, and is
// tried again at the next load).
func dbClock(ctx context.Context, rm store.Removals, log *slog.Logger) func(time.Time) time.Time {
	local := time.Now()
	db, err := rm.Now(ctx)
	if err != nil {
		if ctx.Err() == nil {
			log.Warn("reading the database's clock failed; this instance's clock is used for the removed campaigns' times", "err", err)
		}
		return func(t time.Time) time.Time { return t }
	}
	offset := db.Sub(local)
	return func(t time.Time) time.Time { return t.Add(offset) }
}

// campaignFingerprint is what a removal record keeps of c to know it again when
// a campaign of its slug comes back (store.Fingerprint): its title in
// its organisation's default language (c itself; its translations are
// copies).
func campaignFingerprint(c *campaign.Campaign) string { return store.Fingerprint(c.Title) }

// present reports whether name is a campaign of o or the old name of one
// of its renamed campaigns.
func present(o *campaign.Org, name string) bool {
	if o.Campaign(name) != nil {
		return true
	}
	for _, r := range o.Redirects {
		if r.From == name {
			return true
		}
	}
	return false
}

// settlingFirst returns the site serving, as the retention purge reads
// it, after keeping removed campaigns' rows apart, moving renamed
// campaigns' rows (move.go) and recording removals, so the purge reaches
// every row under the name it stands. It holds the reloader's lock, so
// the site and the time its files were read go together.
func settlingFirst(ctx context.Context, st store.Store, rl *reloader, log *slog.Logger) func() *campaign.Site {
	return func() *campaign.Site {
		rl.mu.Lock()
		defer rl.mu.Unlock()
		s, loaded := rl.site.Load(), rl.loaded()
		keepRemovedApart(ctx, st, s, loaded, log) // first, as at start (serving.go)
		moveRenamed(ctx, st, s, log)
		recordRemovedCampaigns(ctx, st, s, nil, loaded, log)
		return s
	}
}
