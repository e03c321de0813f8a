package main

import (
	"bytes"
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/placard/placard/internal/signing"
	"github.com/placard/placard/internal/store"
)

// pageWatch is a store that tells how it was read: whole reads
// (Signatures) and pages, with how much of the output was already written
// when each page was asked for.
type pageWatch struct {
	store.Store
	out       *bytes.Buffer
	whole     int
	limits    []int
	rowsAtAsk []int // output lines written when each page was asked for
}

func (w *pageWatch) Signatures(ctx context.Context, org, campaign string, status signing.Status, fn func(*signing.Signature) error) error {
	w.whole++
	return w.Store.Signatures(ctx, org, campaign, status, fn)
}

func (w *pageWatch) SignaturePage(ctx context.Context, q store.PageQuery) (store.SignaturePage, error) {
	w.limits = append(w.limits, q.Limit)
	w.rowsAtAsk = append(w.rowsAtAsk, strings.Count(w.out.String(), "\n"))
	return w.Store.(store.Paging).SignaturePage(ctx, q)
}

// TestPendingReadsPages: `placard signatures pending` on a queue longer
// than a page lists every waiting organisation once, oldest first, reading
// pages of at most store.MaxPage and writing each before reading on, so
// memory holds a page, not the queue. It read the whole queue into memory
// (one Signatures call) before writing a line.
func TestPendingReadsPages(t *testing.T) {
	for _, e := range engines() {
		t.Run(e.name, func(t *testing.T) {
			db := e.db(t)
			st := openForTest(t, db)
			const orgs = 2*store.MaxPage + 200
			var sigs []*signing.Signature
			for i := range orgs {
				sigs = append(sigs, sig(letterRef, fmt.Sprintf("Person %d", i), fmt.Sprintf("o%04d@example.org", i), signing.KindOrganisation,
					func(s *signing.Signature) { s.Organisation = fmt.Sprintf("Group %04d", i) }))
				if i%4 == 0 { // individuals waiting too, never listed
					sigs = append(sigs, sig(letterRef, "Ind", fmt.Sprintf("i%04d@example.org", i), signing.KindIndividual,
						func(s *signing.Signature) { s.Action, s.Status = "letter", signing.StatusPending }))
				}
			}
			seed(t, st, sigs...)
			var want []int64
			for _, s := range sigs {
				if s.Kind == signing.KindOrganisation {
					want = append(want, s.ID)
				}
			}
			if len(want) != orgs || want[0] == 0 {
				t.Fatalf("seeded %d organisations with ids from %d", len(want), want[0])
			}

			var out bytes.Buffer
			w := &pageWatch{Store: st, out: &out}
			org, slug, _ := strings.Cut(letterRef, "/")
			n, err := listPending(context.Background(), w, org, slug, &out)
			if err != nil || n != orgs {
				t.Fatalf("listPending: %d, %v; want %d", n, err, orgs)
			}
			if got := listedIDs(out.String()); !slices.Equal(got, want) {
				t.Errorf("listed %d IDs, want the %d organisations waiting, oldest first", len(got), len(want))
			}
			if strings.Count(out.String(), "ORGANISATION") != 1 {
				t.Errorf("the header is written %d times, want once", strings.Count(out.String(), "ORGANISATION"))
			}
			if w.whole != 0 || len(w.limits) < 3 || slices.Max(w.limits) > store.MaxPage {
				t.Errorf("read %d times whole and %d pages of up to %v rows; want no whole read and pages of at most %d",
					w.whole, len(w.limits), w.limits, store.MaxPage)
			}
			if len(w.rowsAtAsk) == 0 || slices.Max(w.rowsAtAsk) < store.MaxPage {
				t.Errorf("lines written when each page was asked for: %v; want a page's rows written before the queue is read to its end", w.rowsAtAsk)
			}

			// The command itself, end to end.
			stdout, errs, code := runCLI(t, "signatures", "pending", "--campaign", letterRef, "--db", db)
			if code != 0 {
				t.Fatalf("pending: exit %d\n%s", code, errs)
			}
			if got := listedIDs(stdout); !slices.Equal(got, want) || !strings.Contains(stdout, fmt.Sprintf("%d organisations waiting", orgs)) {
				t.Errorf("placard signatures pending: %d IDs listed, want %d, and the count:\n%s", len(got), orgs, stdout[max(0, len(stdout)-300):])
			}
		})
	}
}

// listedIDs are the IDs at the start of the table's rows.
func listedIDs(out string) []int64 {
	var ids []int64
	for line := range strings.Lines(out) {
		f := strings.Fields(line)
		if len(f) == 0 || strings.Contains(line, "waiting") {
			continue
		}
		if id, err := strconv.ParseInt(f[0], 10, 64); err == nil {
			ids = append(ids, id)
		}
	}
	return ids
}
