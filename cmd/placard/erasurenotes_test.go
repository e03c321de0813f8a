package main

import (
	"context"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/placard/placard/internal/campaign"
	"github.com/placard/placard/internal/signing"
	"github.com/placard/placard/internal/store"
)

// TestUnservedErasureNotesExpire: serve's daily round, with a clock the
// test controls, records an organisation holding erasure notes it does
// not serve, warns of them with the day they go, keeps them until they
// have waited 30 days since then, and then deletes them, saying so
// plainly, without the address; a served organisation's note stays.
// 'placard outbox list' says when they go. Failed before: no round
// deleted them — a note of an organisation no longer served kept the
// erased address without a time limit — and nothing said when.
func TestUnservedErasureNotesExpire(t *testing.T) {
	for _, e := range engines() {
		t.Run(e.name, func(t *testing.T) {
			dir, db := retentionSite(t), e.db(t)
			st := openForTest(t, db)
			site, problems := campaign.Load(dir)
			if problems.HasErrors() {
				t.Fatal(problems)
			}
			ctx := context.Background()
			note := func(org string) signing.Message {
				return signing.Message{ID: signing.NewMessageID(), Kind: "erasure", Org: org,
					Payload: []byte(`{"erased":"gone.person@example.org","at":"2026-12-05T16:00:00Z"}`)}
			}
			gone, served := note("old-org"), note("keepers")
			if err := st.(store.Outbox).Enqueue(ctx, []signing.Message{gone, served}); err != nil {
				t.Fatal(err)
			}
			logs := &lockedBuffer{}
			log := slog.New(slog.NewTextHandler(logs, nil))
			day, tick := make(chan time.Time), make(chan time.Time)
			rctx, cancel := context.WithCancel(ctx)
			stopped := make(chan struct{})
			go func() {
				defer close(stopped)
				purgeLoop(rctx, st, func() *campaign.Site { return site }, func() time.Time {
					select {
					case d := <-day:
						return d
					case <-rctx.Done():
						return time.Time{}
					}
				}, tick, nil, log)
			}()
			defer func() { cancel(); <-stopped }()
			// Each send waits for the loop: the round reads the clock
			// first and takes a tick only once done.
			round := func(d time.Time) { day <- d; tick <- time.Time{} }
			left := func() (ids []string) {
				es, err := st.(store.Outbox).List(ctx, "")
				if err != nil {
					t.Fatal(err)
				}
				for _, e := range es {
					ids = append(ids, e.ID)
				}
				return ids
			}
			first := time.Now().Add(time.Hour).UTC()
			due := first.Add(30 * 24 * time.Hour).Format(time.DateOnly)
			round(first)
			want := "placard serve deletes them on " + due
			if !strings.Contains(logs.String(), "1 erasure notice for organisation old-org's CRM could not be sent") || !strings.Contains(logs.String(), want) {
				t.Errorf("the first round's log does not warn of old-org's note and when it goes (want %q):\n%s", want, logs.String())
			}
			line, err := notesLine(ctx, st)
			if err != nil || !strings.Contains(line, "placard serve first found old-org not served on "+first.Format(time.DateOnly)) || !strings.Contains(line, want) {
				t.Errorf("outbox list's line = %q, %v; want when old-org was found not served and %q", line, err, want)
			}
			round(first.Add(29 * 24 * time.Hour)) // 29 days: kept
			if ids := left(); len(ids) != 2 {
				t.Errorf("after 29 days the outbox holds %v; want both notes", ids)
			}
			if strings.Contains(logs.String(), "deleted") {
				t.Errorf("a note was said deleted before its 30 days:\n%s", logs.String())
			}
			round(first.Add(30*24*time.Hour + time.Minute))
			if ids := left(); len(ids) != 1 || ids[0] != served.ID {
				t.Errorf("after 30 days the outbox holds %v; want keepers' note %s alone", ids, served.ID)
			}
			const told = "deleted 1 erasure notice of organisation old-org, which has not been served for 30 days: placard never told its CRM of those erasures, so erase those people in its CRM by hand"
			if !strings.Contains(logs.String(), told) {
				t.Errorf("the round that deleted old-org's note does not say so (want %q):\n%s", told, logs.String())
			}
			if strings.Contains(logs.String(), "gone.person") {
				t.Errorf("serve's log names the erased address:\n%s", logs.String())
			}
		})
	}
}
