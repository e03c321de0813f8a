package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/placard/placard/internal/campaign"
	"github.com/placard/placard/internal/store"
	"github.com/placard/placard/internal/webhook"
)

// An erasure made without an organisation's settings leaves an erasure
// note (webhook.ErasureNotes) that placard serve turns into the notices
// for that organisation's CRMs. A note whose organisation serve does not
// serve waits (webhook.NoteDeliverer): serve says so at every start and
// reload, 'placard outbox list' counts the notes, and 'placard outbox
// drop --erasure-notes ORG' drops them once the operator has erased
// those people in the CRM by hand — or, at the latest, serve's daily
// round deletes them 30 days after it first found the organisation not
// served (dropUnservedNotes, store.NoteExpiry). Counts and slugs only,
// never an address.

// logUnservedNotes tells log of the erasure notes waiting for an
// organisation site does not serve, one warning per organisation, with
// when they are deleted if it stays unserved. It first records, at now,
// which organisations those are (markUnservedNotes).
func logUnservedNotes(ctx context.Context, st store.Store, site *campaign.Site, now time.Time, log *slog.Logger) {
	orgs, counts, drops, err := markUnservedNotes(ctx, st, site, now)
	if err != nil {
		if ctx.Err() == nil {
			log.Warn("counting the erasure notices waiting for CRMs failed; they are counted again at the next reload", "err", err)
		}
		return
	}
	for _, org := range orgs {
		text := unservedNotesText(org, counts[org])
		if u, ok := drops[org]; ok {
			first, last := webhook.NoteDropDates(u)
			text += ". " + dropsText(org, first, last)
		}
		log.Warn(text, "organisation", org, "erasure_notices", counts[org])
	}
}

// markUnservedNotes finds the organisations with erasure notes that site
// does not serve, records them at now (store.NoteExpiry.MarkUnserved:
// the organisations served again are forgotten, so their clock starts
// again) and returns them, sorted, with the notes of each and, for those
// recorded, since when (NoteDropDates). Nothing when the store counts no
// notes or site is nil.
func markUnservedNotes(ctx context.Context, st store.Store, site *campaign.Site, now time.Time) (orgs []string, counts map[string]int, drops map[string]store.UnservedNotes, err error) {
	nf, ok := st.(store.NoteFigures)
	if !ok || site == nil {
		return nil, nil, nil, nil
	}
	counts, err = nf.NoteCounts(ctx)
	if err != nil {
		return nil, nil, nil, err
	}
	orgs, _ = webhook.UnservedNotes(site, counts)
	ne, ok := st.(store.NoteExpiry)
	if !ok {
		return orgs, counts, nil, nil
	}
	if err := ne.MarkUnserved(ctx, orgs, now); err != nil {
		return nil, nil, nil, err
	}
	us, err := ne.UnservedNotes(ctx)
	if err != nil {
		return nil, nil, nil, err
	}
	drops = map[string]store.UnservedNotes{}
	for _, u := range us {
		drops[u.Org] = u
	}
	return orgs, counts, drops, nil
}

// dropUnservedNotes is serve's daily round for the erasure notes of
// organisations it does not serve: it records them (markUnservedNotes,
// warning of each as at start) and deletes, with the address each holds,
// the notes whose organisation it has seen unserved for
// webhook.UnservedNoteKeep, made at least that long ago, logging how
// many per organisation (a count and a slug, never an address). On a
// shared database every instance does it; a note is deleted, and logged,
// by one.
func dropUnservedNotes(ctx context.Context, st store.Store, site *campaign.Site, now time.Time, log *slog.Logger) {
	ne, ok := st.(store.NoteExpiry)
	if !ok || site == nil {
		return
	}
	// Recorded first (an organisation served again is forgotten before
	// anything is deleted), warned of last (what is left).
	if _, _, _, err := markUnservedNotes(ctx, st, site, now); err != nil {
		if ctx.Err() == nil {
			log.Error("recording the organisations whose erasure notices wait failed; nothing deleted, trying again tomorrow", "err", err)
		}
		return
	}
	dropped, err := ne.DropUnservedNotes(ctx, now.Add(-webhook.UnservedNoteKeep))
	defer logUnservedNotes(ctx, st, site, now, log)
	for _, org := range slices.Sorted(maps.Keys(dropped)) {
		log.Warn(fmt.Sprintf("deleted %s of organisation %s, which has not been served for %d days: placard never told its CRM of those erasures, so erase those people in its CRM by hand",
			countText(dropped[org], "erasure notice", "erasure notices"), org, int(webhook.UnservedNoteKeep/(24*time.Hour))),
			"organisation", org, "erasure_notices", dropped[org])
	}
	if err != nil && ctx.Err() == nil {
		log.Error("deleting the erasure notices of organisations no longer served failed; trying again tomorrow", "err", err)
	}
}

// dropsText says when the erasure notes of org are deleted if it stays
// unserved: from first, the last of them by last.
func dropsText(org string, first, last time.Time) string {
	when := "on " + first.UTC().Format(time.DateOnly)
	if d := last.UTC().Format(time.DateOnly); d != first.UTC().Format(time.DateOnly) {
		when = "from " + first.UTC().Format(time.DateOnly) + " to " + d
	}
	return fmt.Sprintf("If %s is still not served then, placard serve deletes them %s (%d days after it first found %s not served, and after each was made), and its CRM is never told",
		org, when, int(webhook.UnservedNoteKeep/(24*time.Hour)), org)
}

// unservedNotesText is what the operator is told of n erasure notes of
// org, which is not served.
func unservedNotesText(org string, n int) string {
	return fmt.Sprintf("%s for organisation %s's CRM could not be sent because %s is no longer served: serve %s again to send them, "+
		"or erase those people in its CRM by hand and run 'placard outbox drop --erasure-notes %s' to drop the notices",
		countText(n, "erasure notice", "erasure notices"), org, org, org, org)
}

// notesLine is what 'placard outbox list' adds when erasure notes wait:
// how many, by organisation, and what to do with those of an
// organisation no longer served; "" when none waits.
func notesLine(ctx context.Context, st store.Store) (string, error) {
	nf, ok := st.(store.NoteFigures)
	if !ok {
		return "", nil
	}
	counts, err := nf.NoteCounts(ctx)
	if err != nil || len(counts) == 0 {
		return "", err
	}
	orgs := slices.Sorted(func(yield func(string) bool) {
		for o := range counts {
			if !yield(o) {
				return
			}
		}
	})
	var by []string
	total := 0
	for _, o := range orgs {
		by = append(by, fmt.Sprintf("%s %d", o, counts[o]))
		total += counts[o]
	}
	line := fmt.Sprintf("Erasure notices waiting to tell CRMs of people erased here (kind erasure): %d (%s). "+
		"placard serve sends them with the organisation's settings; one whose organisation it no longer serves waits until it is served again, "+
		"or until you erase those people in its CRM by hand and run 'placard outbox drop --erasure-notes ORGANISATION', "+
		"and is deleted %d days after serve first found its organisation not served.",
		total, strings.Join(by, ", "), int(webhook.UnservedNoteKeep/(24*time.Hour)))
	ne, ok := st.(store.NoteExpiry)
	if !ok {
		return line, nil
	}
	us, err := ne.UnservedNotes(ctx)
	if err != nil {
		return "", err
	}
	for _, u := range us {
		first, last := webhook.NoteDropDates(u)
		line += fmt.Sprintf(" placard serve first found %s not served on %s. %s.", u.Org, u.Since.UTC().Format(time.DateOnly), dropsText(u.Org, first, last))
	}
	return line, nil
}

// dropNotes is 'placard outbox drop --erasure-notes ORG': it deletes the
// erasure notes of org undelivered, for an operator who erased those
// people in the organisation's CRM by hand.
func dropNotes(ctx context.Context, cmd, db, org string, stdout io.Writer) error {
	if org == "" || len(org) > 200 || strings.IndexFunc(org, func(r rune) bool { return r <= ' ' || r == 0x7f || r == utf8.RuneError }) >= 0 {
		return usageErr(cmd, "--erasure-notes needs an organisation's name as 'placard outbox list' shows it, not %q", org)
	}
	s, ob, err := openOutbox(ctx, cmd, db)
	if err != nil {
		return err
	}
	defer s.Close()
	es, err := ob.List(ctx, store.OutboxPending)
	if err != nil {
		return failure("could not read the outbox: %v", err)
	}
	var ids []string
	for _, e := range es {
		if e.Kind == webhook.MessageErasure && e.Org == org {
			ids = append(ids, e.ID)
		}
	}
	if len(ids) == 0 {
		fmt.Fprintf(stdout, "No erasure notices of organisation %s are waiting: nothing dropped.\n", org)
		return nil
	}
	n, err := ob.Drop(ctx, ids)
	if err != nil {
		return failure("could not drop the erasure notices: %v", err)
	}
	fmt.Fprintf(stdout, "Dropped %s of organisation %s: its CRM will not be told of those erasures by placard, so make sure those people are erased there.\n",
		countText(n, "erasure notice", "erasure notices"), org)
	saidOwed(ctx, s, stdout) // rewrites.go
	return nil
}
