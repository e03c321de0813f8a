package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"slices"
	"strings"
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
// those people in the CRM by hand. Counts and slugs only, never an
// address.

// logUnservedNotes tells log of the erasure notes waiting for an
// organisation site does not serve, one warning per organisation.
func logUnservedNotes(ctx context.Context, st store.Store, site *campaign.Site, log *slog.Logger) {
	nf, ok := st.(store.NoteFigures)
	if !ok || site == nil {
		return
	}
	counts, err := nf.NoteCounts(ctx)
	if err != nil {
		if ctx.Err() == nil {
			log.Warn("counting the erasure notices waiting for CRMs failed; they are counted again at the next reload", "err", err)
		}
		return
	}
	orgs, _ := webhook.UnservedNotes(site, counts)
	for _, org := range orgs {
		log.Warn(unservedNotesText(org, counts[org]), "organisation", org, "erasure_notices", counts[org])
	}
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
	return fmt.Sprintf("Erasure notices waiting to tell CRMs of people erased here (kind erasure): %d (%s). "+
		"placard serve sends them with the organisation's settings; one whose organisation it no longer serves waits until it is served again, "+
		"or until you erase those people in its CRM by hand and run 'placard outbox drop --erasure-notes ORGANISATION'.",
		total, strings.Join(by, ", ")), nil
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
	return nil
}
