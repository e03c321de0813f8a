// Package store keeps signatures. Store is the contract every engine meets
// (store/sqlite, the embedded default, and store/postgres, for several
// instances behind a load balancer); storetest holds the one behavioural
// suite both engines pass.
//
// Engines translate their driver's errors into the sentinel errors below, so
// callers only ever test errors.Is against this package.
package store

import (
	"context"
	"errors"

	"github.com/placard/placard/internal/signing"
)

// Sentinel errors every engine returns for these conditions.
var (
	// ErrAlreadySigned means the campaign already has a signature with this
	// normalised email. Nothing was changed.
	ErrAlreadySigned = errors.New("already signed")
	// ErrNotFound means no signature has the given id.
	ErrNotFound = errors.New("not found")
)

// Store is durable storage for signatures. Implementations are safe for
// concurrent use. Every method that writes returns only after the write is
// durably committed (SQLite synchronous=FULL in WAL mode; PostgreSQL
// synchronous_commit on): an acknowledged signature survives a crash or
// power loss.
//
// Times (ConsentAt, CreatedAt) are kept to the microsecond — PostgreSQL's
// precision, which the SQLite engine matches — and come back in UTC; every
// other field comes back exactly as given. Counts lists every campaign that
// has ever had a signature, in org then campaign order (byte order), so a
// campaign whose signatures were all erased reads as zeros rather than
// vanishing.
type Store interface {
	// AddSignatures inserts sigs in ONE transaction — the unit of group
	// commit — and sets each inserted signature's ID. results has one entry
	// per signature: nil when inserted, ErrAlreadySigned when the campaign
	// already had that email (including an earlier entry of the same batch).
	// err is non-nil only when the transaction as a whole failed, in which
	// case nothing was stored and results is nil.
	//
	// In the same transaction, each inserted signature's Reach becomes
	// counts: one signature for its Source (Sources), one for the personal
	// link named by Referrer when that link belongs to the same campaign
	// (unknown tokens are ignored), and its NewLink is created with no
	// signatures. A NewLink whose token or secret hash is already taken is
	// not created and its Token is cleared. Signatures found already signed
	// change no count. Reach is never written on the signature's row.
	AddSignatures(ctx context.Context, sigs []*signing.Signature) (results []error, err error)

	// Counts returns the tally of every campaign that has signatures. It
	// must be cheap — proportional to the number of campaigns, not of
	// signatures — because every instance polls it about once a second.
	Counts(ctx context.Context) ([]signing.Count, error)

	// PublicSigners returns the most recent approved signers of one
	// campaign who chose to be shown, newest first, at most limit.
	PublicSigners(ctx context.Context, org, campaign string, limit int) ([]signing.PublicSigner, error)

	// Signatures returns one campaign's signatures with the given status
	// (all statuses when status is ""), oldest first, calling fn for each;
	// it stops at fn's first error and returns it. It is how exports and
	// moderation lists read without holding everything in memory.
	Signatures(ctx context.Context, org, campaign string, status signing.Status, fn func(*signing.Signature) error) error

	// SetStatus moves a signature to a moderation status. It returns
	// ErrNotFound when no signature has that id.
	SetStatus(ctx context.Context, id int64, status signing.Status) error

	// Erase deletes every signature with the given email (normalised by the
	// caller) on every campaign and returns how many were removed.
	Erase(ctx context.Context, email string) (int, error)

	// Tallies is Counts with each campaign's Revision, exactly as cheap and
	// in the same order. Pollers that show recent signers use it: a change
	// can leave every count as it was (see Tally.Revision).
	Tallies(ctx context.Context) ([]Tally, error)

	// Secret returns the installation's 32-byte signing key, creating it
	// from crypto/rand on first use. Every instance sharing the database gets
	// the same key, so a form token issued by one is accepted by another.
	Secret(ctx context.Context) ([]byte, error)

	// AddArrivals adds page views that arrived through a share source to
	// each campaign's per-source counts, in one transaction. Web servers
	// count in memory and flush here every few seconds, so a page view never
	// waits for the database and no single visit is stored.
	AddArrivals(ctx context.Context, arrivals []signing.Arrivals) error

	// Sources returns one campaign's arrivals and signatures per source, in
	// source byte order; "" is the source of signatures made without one.
	Sources(ctx context.Context, org, campaign string) ([]signing.SourceCount, error)

	// Referrals returns one campaign's personal links that brought at least
	// one signature, most signatures first (then by token), at most limit.
	Referrals(ctx context.Context, org, campaign string, limit int) ([]signing.ReferralCount, error)

	// Referral returns the personal link whose private key hashes to
	// secretHash, or ErrNotFound.
	Referral(ctx context.Context, secretHash [32]byte) (signing.ReferralCount, error)

	// Ready reports whether the store can durably commit a write now: it
	// commits a tiny write to a row of its own (the "heartbeat" setting)
	// and, where the engine can see its disk, checks that the disk is
	// neither full nor read-only. Nothing it writes shows in any count. Its
	// error text names the problem without file paths, addresses or
	// credentials, for a readiness probe's answer. It is a probe, not a
	// hot path: one small commit per call.
	Ready(ctx context.Context) error

	// Close releases the engine's resources.
	Close() error
}

// Tally is one campaign's Count with its Revision.
type Tally struct {
	signing.Count
	// Revision goes up (by at least one) with every change to the campaign's
	// signatures — a signature added, moderated or erased — including
	// changes that leave every count as it was, such as an erased public
	// signer and a new signature landing between two polls. A poller that
	// shows recent public signers compares revisions, not counts.
	Revision int64
}
