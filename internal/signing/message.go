package signing

import (
	"crypto/rand"
	"encoding/base32"
	"strings"
	"time"
)

// Message is one outgoing event — an email to send, a webhook to call — kept
// in the store's outbox until a deliverer has handed it on. A message caused
// by a new signature travels in that Signature's Outbox and is written in
// the same transaction as the signature, so an acknowledged signature never
// misses its message and a rolled-back one never sends.
type Message struct {
	// ID is random and never changes: every delivery attempt carries it as
	// its idempotency key (a webhook's webhook-id), so a receiver can drop
	// the duplicates that at-least-once delivery brings. NewMessageID makes
	// one.
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

// NewMessageID returns a fresh random message id: 16 bytes from
// crypto/rand as 26 lower-case base32 letters and digits, safe in a URL,
// a header and a file name.
func NewMessageID() string {
	var b [16]byte
	rand.Read(b[:])
	return strings.ToLower(base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(b[:]))
}
