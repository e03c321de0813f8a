package web

import (
	"context"
	"errors"

	"github.com/placard/placard/internal/site"
	"github.com/placard/placard/internal/tallywatch"
)

// This file connects the live campaign pages to the store's tallies: the
// watcher (internal/tallywatch) finds what changed, and the server
// re-renders the pages that show it.

// newWatcher returns the watcher of s's store, delivering to s.
func (s *Server) newWatcher() *tallywatch.Watcher {
	return tallywatch.New(tallywatch.Config{
		Store:  s.cfg.Store,
		Recent: site.RecentSigners,
		ListsOrgs: func(key string) bool {
			lc := s.snap.Load().SigningByKey(key)
			return lc != nil && lc.HasLetter()
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
// last numbers. Beside it, it tells the counts of mail the mailbox pace
// held back that still wait for a log line (flushPaceLog), each minute
// and as it stops.
func (s *Server) Run(ctx context.Context) {
	done := make(chan struct{})
	go func() { s.flushPaceLog(ctx); close(done) }() // datalimit.go
	if s.watch != nil {
		s.watch.Run(ctx)
	}
	<-done
}

// deliverTallies records the changed figures and re-renders the pages
// that show them; every language of a campaign shows the one tally.
func (s *Server) deliverTallies(changed map[string]*tallywatch.Tally) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	snap := s.snap.Load() // the newest, should a reload have swapped it
	var errs []error
	for k, t := range changed {
		if t == nil {
			delete(s.tallies, k)
		} else {
			s.tallies[k] = t
		}
		for _, lc := range snap.SigningKeys[k] {
			if err := site.RenderSigning(lc, t); err != nil {
				errs = append(errs, err)
			}
		}
	}
	return errors.Join(errs...)
}
