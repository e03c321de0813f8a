package store

import (
	"context"
	"encoding/json"
	"time"

	"github.com/placard/placard/internal/signing"
)

// OutboxOrder keeps what a CRM hears about one person in the order it
// happened. Webhook and Action Network messages are retried apart from
// each other, so a signature.created retried for an hour could reach the
// CRM after the signature.updated (a withdrawal, a rejection) made after
// it, or a re-signature's signature.created before the signature.erased
// of the erasure before it — and the CRM would keep what the later event
// undid. The deliverer asks Earlier before each attempt and waits (tries
// again later) while it holds. Both engines implement it; storetest
// RunOutboxOrder is its suite.
type OutboxOrder interface {
	// Earlier reports whether a webhook or OSDI message made before m
	// (its id sorts first: ids sort in the order they were made) to the
	// same Target, of the same Org and about the same address is still
	// pending in the outbox — waiting, being retried, or being delivered
	// — and so must reach the receiver first. About the same address:
	// filed under m.Email, or filed under no address and naming it in its
	// payload (ErasedAddress: a signature.erased notice, an erasure's
	// unsubscribe; or an erasure note of m.Org naming it, NotedAddress,
	// whatever its receiver), in its stored form or its A-label form
	// (signing.ASCIIEmail: an unsubscribe goes once per spelling, and
	// the A-label one names no other). A message filed under no address has nothing
	// earlier: the erasure that made it deleted every message filed
	// under its address. A dead message is not waited for (it is an
	// operator's to retry or drop); bundled messages are not read (they
	// are a signature's first messages, taken apart by the claim before
	// any later row is due), but where instances claim side by side
	// (PostgreSQL) a bundle made before m that holds its address counts
	// as earlier: another instance may be taking it apart right now.
	Earlier(ctx context.Context, m signing.Message) (bool, error)

	// Hold leaves message id pending until next after an attempt that
	// found an earlier message still pending (Earlier), recording
	// reason: it waited, it did not fail. Its CreatedAt — the start of
	// the worker's maximum age — becomes since, so a message held while
	// the earlier one is retried for two days is not given up with it:
	// once that one is delivered or dead, it gets its own retries.
	Hold(ctx context.Context, id string, since, next time.Time, reason string) error
}

// NotedAddress is how an erasure note (outbox kind "erasure",
// webhook.ErasureNotes: an erasure made without the campaign files,
// turned into its notices by placard serve) names the erased address in
// its payload. Earlier looks for it too: until serve turns the note, its
// notices do not exist, and a re-signature's events delivered in the
// same claim would reach the CRM before them.
func NotedAddress(email string) []byte {
	b, _ := json.Marshal(email) // a string never fails
	return append([]byte(`"erased":`), b...)
}

// ErasedAddress is how a message filed under no address names email in
// its payload (`"address":` and the address as JSON writes it, as
// webhook bodies and OSDI records do): what Earlier looks for.
func ErasedAddress(email string) []byte {
	b, _ := json.Marshal(email) // a string never fails
	return append([]byte(`"address":`), b...)
}
