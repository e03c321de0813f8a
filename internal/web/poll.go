package web

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/placard/placard/internal/site"
	"github.com/placard/placard/internal/store"
)

// Poll asks the store for every campaign's counts and, for each campaign
// whose figures changed since the last poll, fetches its recent public
// signers and approved organisations and re-renders its pages. Run calls it
// every Config.TallyInterval; tests call it directly to move the numbers
// on a page deterministically. It does nothing when signing is off.
func (s *Server) Poll(ctx context.Context) error {
	st := s.cfg.Store
	if st == nil {
		return nil
	}
	s.pollMu.Lock()
	defer s.pollMu.Unlock()
	tallies, err := st.Tallies(ctx)
	if err != nil {
		return fmt.Errorf("reading the signature counts: %w", err)
	}
	now := map[string]store.Tally{}
	for _, c := range tallies {
		now[c.Org+"/"+c.Campaign] = c
	}
	// Only Poll changes s.tallies, and polls run one at a time, so reading
	// it needs only the lock against a snapshot build reading it.
	s.mu.Lock()
	var changed []string
	for k, c := range now {
		// The revision, not the counts: an erased public signer and a new
		// signature between two polls leave the counts as they were.
		if old := s.figures[k]; old == nil || old.Revision != c.Revision {
			changed = append(changed, k)
		}
	}
	for k := range s.figures {
		if _, ok := now[k]; !ok {
			changed = append(changed, k) // every signature erased
		}
	}
	snap := s.snap.Load()
	s.mu.Unlock()
	if len(changed) == 0 {
		return nil
	}

	fresh := map[string]*site.Figures{}
	var errs []error
	for _, k := range changed {
		c, ok := now[k]
		if !ok {
			fresh[k] = nil
			continue
		}
		t := &site.Figures{Count: c.Count, Revision: c.Revision}
		if c.Signatures > 0 {
			if t.Recent, err = st.PublicSigners(ctx, c.Org, c.Campaign, site.RecentSigners); err != nil {
				errs = append(errs, fmt.Errorf("reading the recent signers of %s: %w", k, err))
				continue
			}
		}
		if lc := snap.SigningByKey(k); lc != nil && lc.HasLetter() && c.Organisations > 0 {
			// Only the organisations, through their own index: the cost
			// of a refresh must not grow with the letter's signatures.
			if t.Orgs, err = st.Organisations(ctx, c.Org, c.Campaign); err != nil {
				errs = append(errs, fmt.Errorf("reading the approved organisations of %s: %w", k, err))
				continue
			}
		}
		fresh[k] = t
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	snap = s.snap.Load() // a reload may have swapped it meanwhile
	for k, t := range fresh {
		if t == nil {
			delete(s.figures, k)
		} else {
			s.figures[k] = t
		}
		// Every language of the campaign shows the one tally.
		for _, lc := range snap.SigningKeys[k] {
			if err := site.RenderSigning(lc, t); err != nil {
				errs = append(errs, err)
			}
		}
	}
	return errors.Join(errs...)
}

// minPollGap is the least time between two polls woken by changes: under
// a stream of signatures a page is re-rendered about five times a second,
// not once per commit.
const minPollGap = 200 * time.Millisecond

// Run keeps the numbers on campaign pages following the signatures until
// ctx is done: it polls the store whenever the store reports a change
// (store.Store.Changes: PostgreSQL's NOTIFY from any instance, SQLite's
// own commits), at most once per minPollGap, and the store falls back to
// a poll every Config.TallyInterval wherever it may miss changes. Shared
// counts of arrivals are flushed every TallyInterval. Failures are logged
// and the pages keep their last numbers.
func (s *Server) Run(ctx context.Context) {
	if s.cfg.Store == nil {
		return
	}
	gap := min(minPollGap, s.cfg.TallyInterval)
	changes := s.cfg.Store.Changes(ctx, s.cfg.TallyInterval)
	t := time.NewTicker(s.cfg.TallyInterval)
	defer t.Stop()
	failing, flushFailing := false, false
	poll := func() {
		if err := s.Poll(ctx); err != nil && ctx.Err() == nil {
			if !failing {
				s.log.Warn("updating the live signature counts failed; pages keep their last numbers", "err", err)
			}
			failing = true
		} else if failing {
			s.log.Info("live signature counts are updating again")
			failing = false
		}
	}
	flush := func() {
		if err := s.FlushArrivals(ctx); err != nil && ctx.Err() == nil {
			if !flushFailing {
				s.log.Warn("storing the share-source counts failed; they are kept for the next try", "err", err)
			}
			flushFailing = true
		} else if err == nil {
			flushFailing = false
		}
	}
	poll()
	flush()
	last := time.Now()
	for {
		select {
		case <-ctx.Done():
			// The last counts, with a little time of their own.
			fctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			_ = s.FlushArrivals(fctx)
			_ = s.flushCredits(fctx, true)
			cancel()
			return
		case _, ok := <-changes:
			if !ok {
				changes = nil // ctx is ending
				continue
			}
			// Changes arriving meanwhile wait in the channel (one value
			// stands for all) and bring one more poll after this one.
			if wait := gap - time.Since(last); wait > 0 {
				timer := time.NewTimer(wait)
				select {
				case <-ctx.Done():
					timer.Stop()
					continue
				case <-timer.C:
				}
			}
			poll()
			last = time.Now()
		case <-t.C:
			flush()
		}
	}
}
