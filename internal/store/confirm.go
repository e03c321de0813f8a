package store

import (
	"context"
	"time"

	"github.com/placard/placard/internal/signing"
)

// Confirming confirms one signature and queues what confirming sends in
// the same transaction: a CRM hears of a signature that waited for its
// signer only once its address is confirmed, and never of one that
// expired unconfirmed. Both engines implement it beside Mail;
// storetest.RunConfirming is its behavioural suite.
type Confirming interface {
	// ConfirmSigned moves email's unconfirmed signature on org/campaign
	// to the status it would have had without confirmation, as
	// Mail.Confirm does, but only the signature made at signed (its
	// CreatedAt, to the microsecond), so a link emailed for one
	// signature never confirms a later one made with the same address;
	// a zero signed confirms whichever is waiting (links made before
	// links named their signature). In the same transaction it adds to
	// the outbox the messages then returns for the confirmed signature
	// (then may be nil). It returns ErrNotFound, changing nothing, when
	// no such signature waits.
	ConfirmSigned(ctx context.Context, org, campaign, email string, signed time.Time, then func(*signing.Signature) []signing.Message) (signing.Signature, error)
}

// Resending queues a waiting signature's confirmation again (a repeat of
// it with a turn, web/mail.go resendConfirmation) only while that
// signature still waits: the repeat reads it, and an erasure between the
// read and the queueing left an email queued to a person just erased.
// Both engines implement it beside Confirming; storetest.RunConfirming
// covers it.
type Resending interface {
	// QueueWaiting adds msgs to the outbox, in one transaction, only if
	// email's signature on org/campaign made at signed (its CreatedAt, to
	// the microsecond) is still unconfirmed, and reports whether it did.
	// An erasure of that signature either comes first, and nothing is
	// queued, or waits for the transaction, and deletes what it queued
	// with the signature.
	QueueWaiting(ctx context.Context, org, campaign, email string, signed time.Time, msgs []signing.Message) (bool, error)
}
