package signing

import (
	"crypto/rand"
	"encoding/base32"
	"io"
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
// first 6 bytes are the time in milliseconds since 1970 and the other 10
// come from crypto/rand, so ids never collide (80 random bits within a
// millisecond) and later ids sort after earlier ones: a new message lands
// at the end of the outbox's index, on a page the last one dirtied,
// instead of on a random page of its own. The time in an id says no more
// than the email's Date or the webhook's timestamp already do.
func NewMessageID() string {
	var b [16]byte
	rand.Read(b[6:]) // never fails (it crashes the program instead)
	return encodeMessageID(time.Now(), &b)
}

// messageID is NewMessageID at now with randomness from r.
func messageID(now time.Time, r io.Reader) string {
	var b [16]byte
	if _, err := io.ReadFull(r, b[6:]); err != nil {
		panic(err)
	}
	return encodeMessageID(now, &b)
}

// encodeMessageID writes now's milliseconds into b's first 6 bytes and
// returns b as an id.
func encodeMessageID(now time.Time, b *[16]byte) string {
	ms := uint64(now.UnixMilli())
	for i := 5; i >= 0; i-- {
		b[i], ms = byte(ms), ms>>8
	}
	var out [26]byte
	messageIDEncoding.Encode(out[:], b[:])
	return string(out[:])
}
