// Package tallywatch follows the signature counts in the store: it polls
// store.Store.Tallies whenever the store reports a change, finds the
// campaigns whose revision moved, fetches what their pages show besides
// the counts (recent public signers, approved organisations) and hands the
// new figures to a callback. It knows nothing of pages: the web server's
// callback re-renders them.
package tallywatch

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/placard/placard/internal/signing"
	"github.com/placard/placard/internal/store"
)

// Tally is what the store last said about one campaign: its counts and
// revision, its most recent public signers and, for a campaign that lists
// them, its approved organisations.
type Tally struct {
	store.Tally
	// Recent are the most recent approved public signers, newest first.
	Recent []signing.PublicSigner
	// Orgs are the approved organisation sign-ons, oldest first, for a
	// letter's list of signatories.
	Orgs []signing.Signature
}

// Store is the part of store.Store the watcher reads.
type Store interface {
	Tallies(ctx context.Context) ([]store.Tally, error)
	PublicSigners(ctx context.Context, org, campaign string, limit int) ([]signing.PublicSigner, error)
	Organisations(ctx context.Context, org, campaign string) ([]signing.Signature, error)
	Changes(ctx context.Context, fallback time.Duration) <-chan struct{}
}

// Config is what a Watcher reads and whom it tells.
type Config struct {
	Store Store
	// Recent is how many recent public signers a Tally holds.
	Recent int
	// ListsOrgs reports whether campaign key ("org/slug") shows its
	// approved organisations, which are fetched only then. Nil means none
	// does.
	ListsOrgs func(key string) bool
	// Deliver receives the campaigns whose figures changed, by key; a nil
	// Tally means the campaign has no signatures any more. Its error is
	// returned by Poll; the figures count as delivered all the same.
	Deliver func(changed map[string]*Tally) error
	// Flush writes counts kept in memory elsewhere (arrivals, credits):
	// Run calls it every Interval, and with final set once more as it
	// stops. Nil means nothing to flush.
	Flush func(ctx context.Context, final bool) error
	// Interval is how often Run flushes, and how often the store polls in
	// place of change reports it may miss. 0 means one second.
	Interval time.Duration
	// Logger receives Run's warnings; nil discards them.
	Logger *slog.Logger
}

// Watcher follows one store's tallies.
type Watcher struct {
	cfg Config
	// mu makes polls run one at a time and guards revs.
	mu sync.Mutex
	// revs is the revision last delivered per campaign.
	revs map[string]int64
}

// New returns a watcher for cfg.
func New(cfg Config) *Watcher {
	if cfg.Interval <= 0 {
		cfg.Interval = time.Second
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.ListsOrgs == nil {
		cfg.ListsOrgs = func(string) bool { return false }
	}
	if cfg.Deliver == nil {
		cfg.Deliver = func(map[string]*Tally) error { return nil }
	}
	if cfg.Flush == nil {
		cfg.Flush = func(context.Context, bool) error { return nil }
	}
	return &Watcher{cfg: cfg, revs: map[string]int64{}}
}

// Poll asks the store for every campaign's counts and, for each campaign
// whose revision changed since the last poll (or which has gone), fetches
// its recent public signers and approved organisations and delivers them.
// A campaign whose figures could not be read is left for the next poll.
// Run calls it; tests call it directly to move the numbers deterministically.
func (w *Watcher) Poll(ctx context.Context) error {
	st := w.cfg.Store
	w.mu.Lock()
	defer w.mu.Unlock()
	tallies, err := st.Tallies(ctx)
	if err != nil {
		return fmt.Errorf("reading the signature counts: %w", err)
	}
	now := map[string]store.Tally{}
	for _, c := range tallies {
		now[c.Org+"/"+c.Campaign] = c
	}
	var changed []string
	for k, c := range now {
		// The revision, not the counts: an erased public signer and a new
		// signature between two polls leave the counts as they were.
		if rev, ok := w.revs[k]; !ok || rev != c.Revision {
			changed = append(changed, k)
		}
	}
	for k := range w.revs {
		if _, ok := now[k]; !ok {
			changed = append(changed, k) // every signature erased
		}
	}
	if len(changed) == 0 {
		return nil
	}

	fresh := map[string]*Tally{}
	var errs []error
	for _, k := range changed {
		c, ok := now[k]
		if !ok {
			fresh[k] = nil
			continue
		}
		t := &Tally{Tally: c}
		if c.Signatures > 0 {
			if t.Recent, err = st.PublicSigners(ctx, c.Org, c.Campaign, w.cfg.Recent); err != nil {
				errs = append(errs, fmt.Errorf("reading the recent signers of %s: %w", k, err))
				continue
			}
		}
		if c.Organisations > 0 && w.cfg.ListsOrgs(k) {
			// Only the organisations, through their own index: the cost
			// of a refresh must not grow with the letter's signatures.
			if t.Orgs, err = st.Organisations(ctx, c.Org, c.Campaign); err != nil {
				errs = append(errs, fmt.Errorf("reading the approved organisations of %s: %w", k, err))
				continue
			}
		}
		fresh[k] = t
	}
	for k, t := range fresh {
		if t == nil {
			delete(w.revs, k)
		} else {
			w.revs[k] = t.Revision
		}
	}
	if len(fresh) > 0 {
		if err := w.cfg.Deliver(fresh); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// minPollGap is the least time between two polls woken by changes: under
// a stream of signatures a page is re-rendered about five times a second,
// not once per commit.
const minPollGap = 200 * time.Millisecond

// Run keeps the figures following the signatures until ctx is done: it
// polls the store whenever the store reports a change (store.Store.Changes:
// PostgreSQL's NOTIFY from any instance, SQLite's own commits), at most
// once per minPollGap, and the store falls back to a poll every Interval
// wherever it may miss changes. Flush is called every Interval, and once
// more with final set when ctx is done. Failures are logged and the pages
// keep their last numbers.
func (w *Watcher) Run(ctx context.Context) {
	interval, log := w.cfg.Interval, w.cfg.Logger
	gap := min(minPollGap, interval)
	changes := w.cfg.Store.Changes(ctx, interval)
	t := time.NewTicker(interval)
	defer t.Stop()
	failing, flushFailing := false, false
	poll := func() {
		if err := w.Poll(ctx); err != nil && ctx.Err() == nil {
			if !failing {
				log.Warn("updating the live signature counts failed; pages keep their last numbers", "err", err)
			}
			failing = true
		} else if failing {
			log.Info("live signature counts are updating again")
			failing = false
		}
	}
	flush := func() {
		if err := w.cfg.Flush(ctx, false); err != nil && ctx.Err() == nil {
			if !flushFailing {
				log.Warn("storing the share-source counts failed; they are kept for the next try", "err", err)
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
			_ = w.cfg.Flush(fctx, true)
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
