package store

import (
	"context"
	"time"

	"github.com/placard/placard/internal/signing"
)

// OutboxStatus is where a message is in the outbox.
type OutboxStatus string

// The outbox statuses. A delivered message leaves the outbox altogether.
const (
	// OutboxPending messages wait for their NotBefore, or are being
	// delivered by a worker whose lease has not run out.
	OutboxPending OutboxStatus = "pending"
	// OutboxDead messages failed for good (a permanent refusal, or
	// retries past the maximum age); they stay until retried or dropped.
	OutboxDead OutboxStatus = "dead"
)

// OutboxEntry is a message as the outbox holds it.
type OutboxEntry struct {
	signing.Message
	Status OutboxStatus
	// Attempts counts the claims so far, including the current one for
	// an entry Claim just returned.
	Attempts int
	// LastError is why the last attempt failed ("" before any failure).
	// Deliverers word it without personal data.
	LastError string
	// CreatedAt is when the message entered the outbox.
	CreatedAt time.Time
	// Due is, for an entry Claim or ClaimAround just returned, when the
	// message was due before the claim moved its NotBefore to the
	// lease's end (zero from every other method): OutboxLanes.Release puts it back
	// there, in its place in the queue.
	Due time.Time
}

// Outbox is the durable queue of outgoing messages (a transactional
// outbox). Messages caused by a signature enter it through
// Signature.Outbox, in the signature's own transaction (AddSignatures);
// Enqueue is for messages no new signature causes. Both engines implement
// it; storetest.RunOutbox is its behavioural suite.
//
// Delivery is at least once: a worker Claims due messages for a lease,
// delivers them, and reports Done, Retry or Dead. A worker that dies
// mid-delivery simply lets its lease run out, and the messages are due
// again. Erase removes every message whose Email is the erased address,
// and Purge every message of the purged campaign, with the same on-disk
// promise as for signatures; a delivered message is deleted, so no
// payload outlives its delivery.
type Outbox interface {
	// Enqueue adds msgs in one transaction of its own. A message whose ID
	// is already in the outbox is left as it is (enqueueing is
	// idempotent).
	Enqueue(ctx context.Context, msgs []signing.Message) error

	// Claim takes up to n pending messages whose NotBefore has passed,
	// oldest due first, for worker: each one's NotBefore moves to now +
	// lease and its Attempts goes up by one, so no other claim takes it
	// until the lease runs out. On PostgreSQL several instances claim at
	// once without waiting for each other (FOR UPDATE SKIP LOCKED); on
	// SQLite one writer claims at a time. Erasure notes (kind "erasure")
	// are stored so that no older placard's claim selects them
	// (migration 046) and are claimed first; they are reported pending.
	Claim(ctx context.Context, worker string, n int, lease time.Duration) ([]OutboxEntry, error)

	// Done deletes delivered messages, payload and all, in one
	// transaction: a worker reports a whole batch at once. A message
	// already gone is not an error.
	Done(ctx context.Context, ids ...string) error

	// Retry leaves a message pending until next, recording lastError.
	Retry(ctx context.Context, id string, next time.Time, lastError string) error

	// Dead marks a message failed for good, recording lastError. An
	// erasure note (kind "erasure") is deleted instead: given up, it
	// would only keep the erased address.
	Dead(ctx context.Context, id string, lastError string) error

	// List returns the messages with status ("" for every status), oldest
	// first.
	List(ctx context.Context, status OutboxStatus) ([]OutboxEntry, error)

	// Requeue makes the messages with these ids pending and due now,
	// whatever their status, and returns how many it found.
	Requeue(ctx context.Context, ids []string) (int, error)

	// Drop deletes the messages with these ids undelivered and returns
	// how many it found, with Erase's on-disk promise: the messages hold
	// addresses (RunWipe/DropLeavesNoBytes).
	Drop(ctx context.Context, ids []string) (int, error)
}

// OutboxLane is one destination of the outbox's messages: an
// organisation's messages of one kind to one target (a webhook's URL, an
// OSDI endpoint; "" for email). A worker keeps at most a few deliveries in
// flight per lane, so one slow receiver cannot take every delivery slot.
type OutboxLane struct{ Org, Kind, Target string }

// LaneOf is the lane of m.
func LaneOf(m signing.Message) OutboxLane {
	return OutboxLane{Org: m.Org, Kind: m.Kind, Target: m.Target}
}

// OutboxHeld lets a worker ask, just before a message leaves (the SMTP
// conversation, the HTTP POST), whether its claim on it still stands: an
// erasure on any instance deletes claimed rows too, and a message sent
// after its person was erased is mail to someone who asked to be
// forgotten, or a CRM event after the erasure notice. Both engines
// implement it.
type OutboxHeld interface {
	// Held reports whether message id is still in the outbox, pending
	// and claimed by worker: false once it was erased, delivered,
	// dropped, or claimed by another worker after this one's lease ran
	// out. One read by primary key.
	Held(ctx context.Context, worker, id string) (bool, error)
}

// OutboxLanes lets a worker claim around its busy destinations. Both
// engines implement it; storetest's OutboxLanes case is its suite.
type OutboxLanes interface {
	// ClaimAround is Claim leaving every message of a lane in busy where
	// it is: not claimed, its attempts not counted, due as before. The
	// ordering rules are Claim's (erasure notes first, then oldest due
	// first) among the messages it may take.
	ClaimAround(ctx context.Context, worker string, n int, lease time.Duration, busy []OutboxLane) ([]OutboxEntry, error)

	// Release gives back entries of ClaimAround that worker did not
	// attempt: due again when they were due before the claim (their
	// Due), so each keeps its place in the queue — a sign-in email due
	// since 1970 still goes before a backlog — the claim's attempt not
	// counted, their status and last error as they were. A message no
	// longer claimed by worker (its lease ran out and another claimed
	// it, or it is gone) is left alone.
	Release(ctx context.Context, worker string, back []OutboxEntry) error

	// Untried puts back an entry of ClaimAround (or Claim) that worker
	// attempted but could not try — every connection to the mail server
	// stayed busy until its time limit: due again when it was due before
	// the claim (its Due), so it keeps its place in the queue and its
	// order against the same person's later messages; the claim's
	// attempt not counted, since a wait is no failure and must neither
	// lengthen its backoff nor march it toward being given up; lastError
	// recorded (why it waits); its status as it was. A message no longer
	// claimed by worker is left alone.
	Untried(ctx context.Context, worker string, e OutboxEntry, lastError string) error
}
