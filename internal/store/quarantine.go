package store

import (
	"context"
	"sync/atomic"
)

// QuarantineEvent is what one committed transaction did with damaged
// outbox bundles. It holds counts only: nothing about any person.
type QuarantineEvent struct {
	// Quarantined is how many bundles were found unreadable (damaged
	// bytes, a truncated list of signatures, a bundle written by a newer
	// placard) and set aside, their messages unsent.
	Quarantined int
	// Removed is how many set-aside bundles an erasure or a purge deleted
	// undelivered, because their bytes might hold what it erased.
	Removed int
	// Unreadable is how many bundles PostgreSQL itself could not read
	// (their stored bytes damaged on disk) and that were therefore
	// deleted, unsent, by their key: they cannot be set aside to be read
	// again, nor searched by an erasure, which they must not stop.
	Unreadable int
}

// Quarantine is the outbox's holding place for bundles of signed messages
// (migration 022) that cannot be read. A damaged bundle must stop
// neither delivery nor erasure: a claim sets it aside and delivers the
// other bundles' messages; it is never retried on its own and nothing of
// it is ever sent half read. Every erasure and Purge deletes, in its own
// transaction, each set-aside bundle whose bytes hold the erased address
// (or the purged campaign's name), since privacy wins over delivery; the
// others stay until the operator drops them. Both engines implement it;
// storetest.RunQuarantine is its behavioural suite.
type Quarantine interface {
	// Quarantined returns how many bundles are set aside.
	Quarantined(ctx context.Context) (int, error)

	// DropQuarantined deletes every set-aside bundle, its messages
	// unsent, and returns how many it deleted, with the on-disk promise of
	// Erase for their bytes (storetest.RunWipe).
	DropQuarantined(ctx context.Context) (int, error)

	// RequeueQuarantined puts every set-aside bundle back among the
	// waiting ones, as it was (a newer placard may read what an older
	// one could not), and returns how many. One still unreadable is set
	// aside again by the next claim or listing.
	RequeueQuarantined(ctx context.Context) (int, error)

	// OnQuarantine sets f to be called after each committed transaction
	// that set aside or removed bundles, with what it did; nil stops the
	// calls. serve logs a warning from it. f must not call the store.
	OnQuarantine(f func(QuarantineEvent))
}

// QuarantineHook keeps the function an engine's OnQuarantine sets and
// tells it of what committed transactions set aside or removed; both
// engines hold one.
type QuarantineHook struct {
	f atomic.Pointer[func(QuarantineEvent)]
}

// Set sets the function told of quarantines; nil tells no one.
func (h *QuarantineHook) Set(f func(QuarantineEvent)) {
	if f == nil {
		h.f.Store(nil)
		return
	}
	h.f.Store(&f)
}

// Tell tells the function set of ev, a committed transaction's doing,
// when it did anything.
func (h *QuarantineHook) Tell(ev QuarantineEvent) {
	if ev == (QuarantineEvent{}) {
		return
	}
	if f := h.f.Load(); f != nil {
		(*f)(ev)
	}
}
