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
	"time"

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
	// already had that email (including an earlier entry of the same batch),
	// ErrInvalidSignature (an *InvalidSignatureError) for a row the tables
	// would refuse (CheckSignature): that row is refused before any SQL and
	// the rest of the batch stored as usual. err is non-nil only when the transaction as a whole failed, in which
	// case nothing was stored and results is nil.
	//
	// The transaction writes signatures and tallies only: never a referrals
	// or sources row, which would then share the signature's transaction
	// id (PostgreSQL's xmin) or WAL commit (SQLite). What a signature
	// brought is counted by AddCredits, in transactions of its own (a
	// personal link's row is made by the first credit it gets).
	AddSignatures(ctx context.Context, sigs []*signing.Signature) (results []error, err error)

	// Counts returns the tally of every campaign that has signatures. It
	// must be cheap — proportional to the number of campaigns, not of
	// signatures — because every instance polls it about once a second.
	Counts(ctx context.Context) ([]signing.Count, error)

	// PublicSigners returns the most recent approved signers of one
	// campaign who chose to be shown, newest first, at most limit.
	PublicSigners(ctx context.Context, org, campaign string, limit int) ([]signing.PublicSigner, error)

	// Organisations returns one campaign's approved organisation sign-ons,
	// oldest first, with ID, Org, Campaign, Action, Kind, Status, Name,
	// Organisation, Role, Public and CreatedAt set (no contact details).
	// Letters list them on every rendering, so it reads only those rows
	// (an index holds just them), however many other signatures there are.
	Organisations(ctx context.Context, org, campaign string) ([]signing.Signature, error)

	// Signatures returns one campaign's signatures with the given status
	// (all statuses when status is ""), oldest first, calling fn for each;
	// it stops at fn's first error and returns it. It is how exports and
	// moderation lists read without holding everything in memory.
	Signatures(ctx context.Context, org, campaign string, status signing.Status, fn func(*signing.Signature) error) error

	// SetStatus moves a signature to a moderation status. It returns
	// ErrNotFound when no signature has that id, and, changing nothing,
	// ErrRemovedCampaign when it would approve a signature of a removed
	// campaign (as Moderation.Decide). It tells no one:
	// organisers' decisions go through Moderation.Decide, which queues
	// what they tell the organisation's systems with them.
	SetStatus(ctx context.Context, id int64, status signing.Status) error

	// Erase deletes every signature with the given email (normalised by the
	// caller) on every campaign and returns how many were removed. When it
	// returns without error, no byte of those signatures is left in the
	// engine's database files (storetest.RunWipe): SQLite zeroes deleted
	// content (secure_delete) and empties its WAL; PostgreSQL rewrites the
	// table, its indexes and TOAST (VACUUM FULL). PostgreSQL's own WAL
	// segments, and any backups, keep them until they are recycled. A
	// rewrite that cannot be made then (a long reader, a cancelled ctx)
	// stays owed and is made later (Rewrites); the erasure does not fail
	// for it.
	Erase(ctx context.Context, email string) (int, error)

	// Purge deletes every signature of one campaign — the retention
	// period after it closed has passed — and returns how many were
	// removed, with the same on-disk promise as Erase. Unlike Erase it keeps
	// the campaign's counts: approved signatures and organisations stay
	// counted; pending ones, which nobody can approve any more, stop
	// counting as pending. The revision moves when anything was removed.
	Purge(ctx context.Context, org, campaign string) (int, error)

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

	// AddCredits adds new signatures per campaign and source, and per
	// personal link (Credit.Referrer) of that campaign: a link's row is
	// made by its first credit, with the count (no link is stored before
	// it brings a signature; a legacy link's row, stored when it was made,
	// is added to). One transaction holding no signature; rows are written
	// in key order, never in the order the signatures came. A campaign
	// that holds no signature at all gets nothing, checked by the same
	// statements that write: a credit only follows a stored signature, so
	// such a campaign was purged (or erased) while the credit was held in
	// memory, and a row written now would bring back its personal links.
	// A credit of a slug whose rows were moved apart (Removals.KeepApart)
	// after its first signature was counted is dropped too: some of its
	// signatures may have been moved apart, and written now it would
	// count for the new campaign of that slug. "After" compares the
	// move's own time, read under its lock (migration 041), with the
	// database's clock read as the call begins less the credit's Age and
	// the time the call has taken: no margin, and no wait for a lock,
	// enters. A credit counted after the move counts, however soon after
	// it. Age must therefore count from a moment before its first
	// signature was handed to the store (web counts from the request's
	// start), and be handed over at once. A move recorded before 041
	// keeps the former rule (its kept_apart_at and CreditMargin).
	AddCredits(ctx context.Context, credits []signing.Credit) error

	// Sources returns one campaign's arrivals and signatures per source, in
	// source byte order; "" is the source of signatures made without one.
	Sources(ctx context.Context, org, campaign string) ([]signing.SourceCount, error)

	// Referrals returns one campaign's personal links that brought at least
	// one signature, most signatures first (then by token), at most limit.
	Referrals(ctx context.Context, org, campaign string, limit int) ([]signing.ReferralCount, error)

	// Referral returns campaign org/campaign's personal link with public
	// token token, or ErrNotFound. With secretHash, only a legacy link
	// (made before links were keyed by the link secret, stored with the
	// hash of its private key) whose stored hash is *secretHash (compared
	// in constant time); without, only a link whose row its credits made
	// (no hash: its token, keyed by the secret, is the proof).
	Referral(ctx context.Context, org, campaign, token string, secretHash *[32]byte) (signing.ReferralCount, error)

	// ClaimOnce records that the thank-you claim with this nonce has been
	// opened and reports whether this was the first time: true for exactly
	// one call per nonce among every instance sharing the database, however
	// many race. The record is kept at least until expires (the claim's own
	// expiry, after which it no longer opens) and dropped some time after.
	// It holds nothing about the signer: the nonce is random.
	//
	// PostgreSQL keeps the nonces in an unlogged table (one indexed insert;
	// no WAL, so nothing to archive, and a crash of the database server
	// forgets them, at worst showing a private address a second time). One
	// SQLite file serves one instance, so SQLite keeps them in memory and
	// never waits for its writer or the disk.
	ClaimOnce(ctx context.Context, nonce []byte, expires time.Time) (first bool, err error)

	// Changes returns a channel that receives a value soon after a change
	// to any campaign's signatures commits (AddSignatures inserting,
	// SetStatus, Erase removing): on PostgreSQL made by any instance sharing
	// the database (LISTEN/NOTIFY), on SQLite made through this store. A
	// reader re-reads Tallies after each value; values coalesce, so one may
	// stand for many changes, and a change committed after a value was
	// taken always brings another. The first value comes once the engine is
	// listening (at once on SQLite). Wherever the engine may miss changes —
	// PostgreSQL while its listening connection is lost and being
	// re-established, SQLite always, since another process such as the CLI
	// may write the same file — it also sends a value every fallback, so
	// polling carries on as before. The channel is closed once ctx ends.
	Changes(ctx context.Context, fallback time.Duration) <-chan struct{}

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
