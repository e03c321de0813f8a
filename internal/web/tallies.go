package web

import (
	"context"
	"errors"

	"github.com/placard/placard/internal/tallywatch"
)

// This file connects the live campaign pages to the store's tallies: the
// watcher (internal/tallywatch) finds what changed, and the server
// re-renders the pages that show it.

// newWatcher returns the watcher of s's store, delivering to s.
func (s *Server) newWatcher() *tallywatch.Watcher {
	return tallywatch.New(tallywatch.Config{
		Store:  s.cfg.Store,
		Recent: recentSigners,
		ListsOrgs: func(key string) bool {
			lc := s.snap.Load().liveByKey(key)
			return lc != nil && lc.hasLetter()
		},
		Deliver: s.deliverTallies,
		Flush: func(ctx context.Context, final bool) error {
			err := s.FlushArrivals(ctx)
			if final {
				err = errors.Join(err, s.flushCredits(ctx, true))
			}
			return err
		},
		Interval: s.cfg.TallyInterval,
		Logger:   s.log,
	})
}

// Poll asks the store for every campaign's counts and, for each campaign
// whose figures changed since the last poll, fetches its recent public
// signers and approved organisations and re-renders its pages. Run calls
// it every Config.TallyInterval; tests call it directly to move the
// numbers on a page deterministically. It does nothing when signing is off.
func (s *Server) Poll(ctx context.Context) error {
	if s.watch == nil {
		return nil
	}
	return s.watch.Poll(ctx)
}

// Run keeps the numbers on campaign pages following the signatures until
// ctx is done (tallywatch.Watcher.Run): it polls whenever the store reports
// a change, and flushes the arrival and credit counts every TallyInterval
// and once more as it stops. Failures are logged and the pages keep their
// last numbers.
func (s *Server) Run(ctx context.Context) {
	if s.watch == nil {
		return
	}
	s.watch.Run(ctx)
}

// deliverTallies records the changed figures and re-renders the pages
// that show them; every language of a campaign shows the one tally.
func (s *Server) deliverTallies(changed map[string]*tallywatch.Tally) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	snap := s.snap.Load() // the newest, should a reload have swapped it
	var errs []error
	for k, wt := range changed {
		var t *tally
		if wt == nil {
			delete(s.tallies, k)
		} else {
			t = &tally{count: wt.Count, rev: wt.Revision, recent: wt.Recent, orgs: wt.Orgs}
			s.tallies[k] = t
		}
		for _, lc := range snap.liveKeys[k] {
			if err := s.renderLive(lc, t); err != nil {
				errs = append(errs, err)
			}
		}
	}
	return errors.Join(errs...)
}
