package main

import (
	"context"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/placard/placard/internal/campaign"
	"github.com/placard/placard/internal/signing"
	"github.com/placard/placard/internal/store"
)

// TestOlderFilesRecordNoNewCampaign: two instances share a database during
// a rolling update of the campaign files. A has the new files, with a new
// petition (keepers/fresh), and takes its signatures; B, still on the
// files read before, settles for its daily purge. B must not record
// fresh as removed: its files are older than those A serves it from. It
// failed before (on each engine): B recorded keepers/fresh removed with
// no title, so A's next load moved the live petition's signatures apart
// (the page then counted none of them) and every approval of its waiting
// signatures was refused as a removed campaign's. Files read after A's
// that lack fresh still record it.
func TestOlderFilesRecordNoNewCampaign(t *testing.T) {
	for _, e := range engines() {
		t.Run(e.name, func(t *testing.T) {
			ctx := context.Background()
			log := slog.New(slog.NewTextHandler(io.Discard, nil))
			dir, db := retentionSite(t), e.db(t)
			st := openForTest(t, db)
			load := func() (*campaign.Site, time.Time) {
				t.Helper()
				at := time.Now()
				s, problems := campaign.Load(dir)
				if problems.HasErrors() {
					t.Fatalf("loading: %v", problems)
				}
				return s, at
			}
			records := func() []store.RemovedCampaign {
				t.Helper()
				rs, err := st.(store.Removals).RemovedCampaigns(ctx, "")
				if err != nil {
					t.Fatal(err)
				}
				return rs
			}
			// B's files, read a minute before A's: the offset to the
			// database's clock each instance measures (dbClock) is only as
			// exact as one query's round trip.
			older, olderAt := load()
			olderAt = olderAt.Add(-time.Minute)

			petition := "title: Fresh\nsummary: A new petition.\ndate: 2026-01-01\n" +
				"actions:\n  - kind: petition\n    target: The council\n    text: Please.\n"
			fresh := filepath.Join(dir, "keepers", "fresh.yaml")
			if err := os.WriteFile(fresh, []byte(petition), 0o644); err != nil {
				t.Fatal(err)
			}
			newer, newerAt := load() // A's
			keepRemovedApart(ctx, st, newer, newerAt, log)
			moveRenamed(ctx, st, newer, log)
			recordRemovedCampaigns(ctx, st, newer, nil, newerAt, log)
			seed(t, st, sig("keepers/fresh", "Ada", "ada@example.org", signing.KindIndividual,
				func(s *signing.Signature) { s.Status = signing.StatusPending }))

			// B settles on its older files (settlingFirst).
			keepRemovedApart(ctx, st, older, olderAt, log)
			moveRenamed(ctx, st, older, log)
			recordRemovedCampaigns(ctx, st, older, nil, olderAt, log)
			if rs := records(); len(rs) != 0 {
				t.Fatalf("files read before the new petition's recorded %+v, want nothing", rs)
			}
			// A loads again: the petition keeps its signature, which can
			// be approved.
			again, againAt := load()
			keepRemovedApart(ctx, st, again, againAt, log)
			if n, rows := countOf(t, st, "keepers/fresh"); n != 0 || rows != 1 {
				t.Errorf("keepers/fresh after A's next load: count %d with %d rows, want its waiting signature", n, rows)
			}

			// Removed in files read later, it is recorded.
			if err := os.Remove(fresh); err != nil {
				t.Fatal(err)
			}
			gone, goneAt := load()
			goneAt = goneAt.Add(time.Minute) // read well after A's
			recordRemovedCampaigns(ctx, st, gone, again, goneAt, log)
			if rs := records(); len(rs) != 1 || rs[0].Campaign != "fresh" {
				t.Errorf("files read after the removal recorded %+v, want keepers/fresh", rs)
			}
		})
	}
}
