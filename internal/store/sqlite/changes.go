package sqlite

import (
	"context"
	"sync"
	"time"
)

// watchers are the channels of this store's Changes calls. A SQLite file
// serves one instance, so its own commits wake its own readers directly;
// changes from another process (the CLI) are seen at the fallback ticks.
type watchers struct {
	mu  sync.Mutex
	chs map[chan struct{}]struct{}
}

// Changes reports changes to the signatures (part of store.Store): at once
// after each commit made through this store, and every fallback for those
// made by other processes.
func (db *DB) Changes(ctx context.Context, fallback time.Duration) <-chan struct{} {
	ch := make(chan struct{}, 1)
	ch <- struct{}{} // listening from the start
	w := &db.watchers
	w.mu.Lock()
	if w.chs == nil {
		w.chs = map[chan struct{}]struct{}{}
	}
	w.chs[ch] = struct{}{}
	w.mu.Unlock()
	go func() {
		defer func() {
			w.mu.Lock()
			delete(w.chs, ch)
			close(ch)
			w.mu.Unlock()
		}()
		var tick <-chan time.Time
		if fallback > 0 {
			t := time.NewTicker(fallback)
			defer t.Stop()
			tick = t.C
		}
		for {
			select {
			case <-ctx.Done():
				return
			case <-tick:
				select {
				case ch <- struct{}{}:
				default:
				}
			}
		}
	}()
	return ch
}

// changed wakes every Changes channel; call it after a commit that changed
// signatures.
func (db *DB) changed() {
	w := &db.watchers
	w.mu.Lock()
	for ch := range w.chs {
		select {
		case ch <- struct{}{}:
		default: // a wake is already waiting
		}
	}
	w.mu.Unlock()
}
