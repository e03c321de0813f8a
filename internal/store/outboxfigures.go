package store

import (
	"context"
	"time"
)

// OutboxFigures counts one organisation's outbox for the console's
// dashboard without holding it in memory: the database counts, and the
// few messages the dashboard must look into are handed over one at a
// time. Both engines implement it beside Outbox;
// storetest.RunOutboxFigures is its suite.
type OutboxFigures interface {
	// OutboxFigures returns how many of org's messages wait (pending,
	// leased ones included; erasure notes are not among them, see
	// NoteFigures) and how many failed for good (dead), as List
	// would show them (bundled messages are taken apart first, as List
	// does), and, when held is not nil, calls it with the campaign and
	// payload of each of org's pending emails whose NotBefore is after
	// now (kept back by a drip, or being delivered), stopping at its first
	// error, which it returns.
	OutboxFigures(ctx context.Context, org string, now time.Time, held func(campaign string, payload []byte) error) (waiting, dead int, err error)
}

// NoteFigures counts the erasure notes waiting in the outbox (kind
// "erasure", stored with status 'note'): what an erasure made without
// an organisation's settings leaves for placard serve to turn into its
// CRMs' notices. They are counted apart from the other messages, by
// organisation, so the console and placard can say what they are, and
// placard serve can tell the operator of those whose organisation it no
// longer serves, which wait until it does again or are dropped by hand.
// Counts only: never an address. Both engines implement it beside
// Outbox; storetest.RunOutboxFigures is its suite.
type NoteFigures interface {
	// NoteCounts returns how many erasure notes wait, by organisation
	// slug; an organisation with none is absent.
	NoteCounts(ctx context.Context) (map[string]int, error)
}

// UnservedNotes are the erasure notes of one organisation that placard
// serve has seen wait while it did not serve the organisation (NoteExpiry).
type UnservedNotes struct {
	// Org is the organisation's slug.
	Org string
	// Since is when serve first saw the organisation hold notes it does
	// not serve, without any serve having served it since.
	Since time.Time
	// Notes is how many notes wait; Oldest and Newest are when the first
	// and the last of them were made.
	Notes          int
	Oldest, Newest time.Time
}

// NoteExpiry bounds how long an erasure note keeps an address when its
// organisation is not served: the note's notices cannot be made without
// the organisation's settings, so it would wait, holding the erased
// person's address, for good. placard serve records since when it has
// seen each organisation with notes unserved (MarkUnserved, at start,
// at every reload and daily), and deletes the notes that have waited a
// retention period both since they were made and since that moment
// (DropUnservedNotes). Both engines implement it beside Outbox;
// storetest.RunOutboxFigures is its suite. Slugs, times and counts only,
// never an address.
type NoteExpiry interface {
	// MarkUnserved records that the organisations in unserved, as seen
	// by a serve at now, hold erasure notes it does not serve: one not
	// yet recorded is recorded since now, one recorded keeps its time.
	// Every other organisation's record is deleted — served again (by
	// this instance, or, on a shared database, by another), or without
	// notes — so its clock starts again when it is next seen unserved.
	MarkUnserved(ctx context.Context, unserved []string, now time.Time) error
	// UnservedNotes returns, sorted by organisation, the recorded
	// organisations that still hold notes.
	UnservedNotes(ctx context.Context) ([]UnservedNotes, error)
	// DropUnservedNotes deletes, and erases as an erasure does, the
	// erasure notes made at or before before of every organisation
	// recorded unserved since at or before before, and returns how many
	// it deleted by organisation (none absent). Several instances may
	// run it at once: each note is deleted, and counted, once.
	DropUnservedNotes(ctx context.Context, before time.Time) (map[string]int, error)
}
