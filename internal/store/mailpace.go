package store

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"time"

	"github.com/placard/placard/internal/ratelimit"
)

// MailPace is the pace of mail to one inbox shared by every instance on
// one database (the second line behind each instance's ratelimit.Pace):
// the outbox's email deliverer takes an inbox's turn here just before it
// sends a paced email, so N instances behind a load balancer let an inbox
// have Burst at once and one every Every between them, not N times as
// much. It is the generic cell rate algorithm, as ratelimit.Pace: one
// row per inbox, its keyed hash (PaceHash) and the moment its budget is
// whole again, nothing else. Nothing on the signing path touches it.
// Both engines implement it beside Store; storetest.RunMailPace is its
// suite, storetest.RunMailPaceShared its race between two instances.
type MailPace interface {
	// MailTurn takes inbox's turn at now when it has one — at most burst
	// at once, then one every every — and reports took true. Without one
	// it takes nothing and reports when the next turn comes. Taking a
	// turn is one statement: of two instances asking for an inbox's last
	// turn at once, one gets it.
	MailTurn(ctx context.Context, inbox []byte, every time.Duration, burst int, now time.Time) (next time.Time, took bool, err error)

	// GiveMailTurn gives back a turn MailTurn took for inbox: the email
	// it was taken for was not sent (the mail server could not be
	// reached), so a relay that is down does not spend an inbox's turns
	// on attempts that sent nothing. every is MailTurn's.
	GiveMailTurn(ctx context.Context, inbox []byte, every time.Duration) error

	// PurgeMailPace deletes the rows of inboxes whose budget is whole
	// again at now (they hold nothing a missing row does not) and
	// returns how many went.
	PurgeMailPace(ctx context.Context, now time.Time) (int, error)

	// NoteUnsent counts one confirmation of org's campaign given up
	// unsent: its inbox had no turn before its signature's deadline
	// (someone kept the inbox's turns spent). It keeps the count per
	// campaign only (migration 044): no address, no hash, no time, so it
	// outlives the signature's erasure without holding anything of it.
	NoteUnsent(ctx context.Context, org, campaign string) error

	// UnsentCounts returns NoteUnsent's counts of org by campaign
	// (campaigns with none left out).
	UnsentCounts(ctx context.Context, org string) (map[string]int, error)
}

// PaceHash is the keyed hash MailPace keeps for the inbox email reaches
// (ratelimit.Mailbox: a +tag dropped, Gmail's dots too): HMAC-SHA-256
// under the store's secret, the same on every instance, so they share
// the inbox's row, and an erasure of email finds it.
func PaceHash(secret []byte, email string) []byte {
	m := hmac.New(sha256.New, secret)
	m.Write([]byte("placard/mail-pace\x00" + ratelimit.Mailbox(email)))
	return m.Sum(nil)
}

// DataLinkPaceHash is the key under which MailPace keeps the pace of
// org's data-page links to the inbox email reaches (one per inbox and
// organisation every ten minutes, mail.SharedPace): the inbox's keyed
// hash under its own label, then the organisation, in the same table as
// PaceHash's rows but never equal to one. An erasure of email deletes
// every organisation's such row with its PaceHash row (DataLinkPrefix).
func DataLinkPaceHash(secret []byte, org, email string) []byte {
	return append(DataLinkPrefix(secret, email), org...)
}

// DataLinkPrefix is what every DataLinkPaceHash of email begins with.
func DataLinkPrefix(secret []byte, email string) []byte {
	m := hmac.New(sha256.New, secret)
	m.Write([]byte("placard/data-link-pace\x00" + ratelimit.Mailbox(email)))
	return m.Sum(nil)
}

// PaceSlack is how far ahead of now an inbox's whole-again time may be
// while it still has a turn: (burst-1) × every.
func PaceSlack(every time.Duration, burst int) time.Duration {
	return time.Duration(max(burst, 1)-1) * every
}
