package signing

import (
	"crypto/rand"
	"encoding/base32"
	"io"
	"sync/atomic"
	"time"
)

// Message is one outgoing event — an email to send, a webhook to call — kept
// in the store's outbox until a deliverer has handed it on. A message caused
// by a new signature travels in that Signature's Outbox and is written in
// the same transaction as the signature, so an acknowledged signature never
// misses its message and a rolled-back one never sends.
type Message struct {
	// ID is unique and never changes: every delivery attempt carries it as
	// its idempotency key (a webhook's webhook-id), so a receiver can drop
	// the duplicates that at-least-once delivery brings. NewMessageID makes
	// one; its ids sort in the order they were made, so the outbox, keyed
	// by them, grows at its end.
	ID string
	// Kind names the deliverer that handles it: "email", "webhook", "osdi".
	Kind string
	// Target says which endpoint of that kind (a webhook's URL, the OSDI
	// endpoint); "" for email.
	Target string
	// Email is the normalised address the message is about or goes to, so
	// an erasure or a suppression finds it; "" when there is none.
	Email string
	// Org and Campaign are the slugs the message belongs to (Campaign ""
	// for messages about the organisation as a whole).
	Org, Campaign string
	// Payload is what the deliverer needs, as JSON it understands.
	Payload []byte
	// NotBefore is the earliest time to deliver it; the zero time means
	// at once.
	NotBefore time.Time
}

// The message kinds Placard's deliverers handle.
const (
	MessageEmail   = "email"
	MessageWebhook = "webhook"
	MessageOSDI    = "osdi"
)

// messageIDEncoding is base32 with the "extended hex" alphabet in lower
// case (0-9, then a-v), whose text order is the order of the bytes it
// encodes.
var messageIDEncoding = base32.NewEncoding("0123456789abcdefghijklmnopqrstuv").WithPadding(base32.NoPadding)

// NewMessageID returns a fresh message id: 16 bytes as 26 lower-case
// base32 letters and digits, safe in a URL, a header and a file name. The
// first 6 bytes are the time in milliseconds since 1970, the next 2 count
// the ids this process made in that millisecond, and the last 8 come from
// crypto/rand, so ids never collide (64 random bits beside the same time
// and count) and every id sorts after the ones made before it: a new
// message lands at the end of the outbox's index, on a page the last one
// dirtied, instead of on a random page of its own. Without the count, the
// 64 messages of one batch, made within a millisecond, went into the last
// pages in random order, splitting them half full. The time in an id says
// no more than the email's Date or the webhook's timestamp already do.
func NewMessageID() string {
	var b [16]byte
	rand.Read(b[8:]) // never fails (it crashes the program instead)
	return encodeMessageID(nextStamp(time.Now()), &b)
}

// lastStamp is the time and count of the last id made: milliseconds since
// 1970 shifted left 16 bits, plus the count within that millisecond.
var lastStamp atomic.Uint64

// nextStamp returns the stamp of an id made at now: now's millisecond with
// count 0, or one more than the last stamp when that is not earlier (the
// same millisecond, or a clock set back). More than 65,536 ids in one
// millisecond carry into the next, running a little ahead of the clock.
func nextStamp(now time.Time) uint64 {
	ms := uint64(now.UnixMilli()) << 16
	for {
		last := lastStamp.Load()
		next := ms
		if next <= last {
			next = last + 1
		}
		if lastStamp.CompareAndSwap(last, next) {
			return next
		}
	}
}

// messageID is an id with stamp (nextStamp) and randomness from r.
func messageID(stamp uint64, r io.Reader) string {
	var b [16]byte
	if _, err := io.ReadFull(r, b[8:]); err != nil {
		panic(err)
	}
	return encodeMessageID(stamp, &b)
}

// encodeMessageID writes stamp (48 bits of milliseconds, 16 of count)
// into b's first 8 bytes and returns b as an id.
func encodeMessageID(stamp uint64, b *[16]byte) string {
	for i := 7; i >= 0; i-- {
		b[i], stamp = byte(stamp), stamp>>8
	}
	var out [26]byte
	messageIDEncoding.Encode(out[:], b[:])
	return string(out[:])
}

// MessageTime is when the message with id was made (NewMessageID), to
// the millisecond; false for an id NewMessageID did not make.
func MessageTime(id string) (time.Time, bool) {
	if len(id) != 26 {
		return time.Time{}, false
	}
	var b [16]byte
	if n, err := messageIDEncoding.Decode(b[:], []byte(id)); err != nil || n != 16 {
		return time.Time{}, false
	}
	var stamp uint64
	for _, c := range b[:8] {
		stamp = stamp<<8 | uint64(c)
	}
	return time.UnixMilli(int64(stamp >> 16)).UTC(), true
}
