package store

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"golang.org/x/net/publicsuffix"

	"github.com/placard/placard/internal/ratelimit"
	"github.com/placard/placard/internal/signing"
)

// Outreach counts calls and emails to decision-makers. It is a separate,
// small interface (engines implement it beside Store) because it holds
// nothing about supporters: a count per campaign, action, target, kind,
// outcome and hour, and no row per event, so no row can be lined up with
// a signature, a log line or another row.
type Outreach interface {
	// RecordOutreach adds one to the count of e's campaign, action, target,
	// kind and outcome in the hour e.At falls in (UTC; minutes and seconds
	// are dropped before anything is written).
	RecordOutreach(ctx context.Context, e OutreachEvent) error
	// OutreachCounts returns org's counts (of one campaign, or of every
	// campaign when campaign is ""), summed over hours, sorted by campaign,
	// action, target, kind and outcome.
	OutreachCounts(ctx context.Context, org, campaign string) ([]OutreachCount, error)
}

// Kinds of outreach.
const (
	OutreachCall  = "call"
	OutreachEmail = "email"
)

// OutreachEvent is one anonymous call or email: which target of which
// action, and how it went. It has no field for the supporter.
type OutreachEvent struct {
	Org, Campaign, Action string
	// Target is the target's id in the action.
	Target string
	// Kind is OutreachCall or OutreachEmail.
	Kind string
	// Outcome is what the supporter chose, such as "staff", "voicemail" or
	// "no-answer" for a call, "sent" for an email.
	Outcome string
	// At is when it happened; only its hour is kept.
	At time.Time
}

// OutreachCount is how many calls or emails of one kind and outcome reached
// one target of one action.
type OutreachCount struct {
	Org, Campaign, Action, Target, Kind, Outcome string
	Count                                        int64
}

// OutreachHour is the hour an outreach event is kept under: t in UTC,
// without minutes and seconds.
func OutreachHour(t time.Time) time.Time { return t.UTC().Truncate(time.Hour) }

// TargetMail queues supporters' own messages to decision-makers (a contact
// action with send: server), enforcing the two rules that protect the
// targets' inboxes and the supporters: at most PerHour messages to one
// target in any hour (the rest wait their turn: a drip) and at most one
// message from one supporter to one target per campaign. The supporter's
// address is kept only as a keyed hash (HMAC-SHA-256 with the store's
// Secret) for the second rule, and Erase removes that hash with the
// address's undelivered messages. Both engines implement it beside Store;
// storetest.RunTargetMail is its suite.
type TargetMail interface {
	// QueueTargetMail, in one transaction: records that q.Sender wrote to
	// q.Target in q.Campaign (ErrAlreadySent, and nothing queued, when
	// they already had), gives q.Messages the NotBefore of the target's
	// next free slot (q.At when this hour has room, else the start of the
	// first hour with room), adds them to the outbox and counts one email
	// to the target (outcome "queued"). It returns that NotBefore.
	//
	// A target's queue holds at most MaxDripAhead of its drip: when the
	// next free slot would be due later than that, nothing is queued or
	// recorded (the supporter may try again once the drip has moved on),
	// the letter is counted held back (NoteHeld: once per inbox), and the
	// error is ErrTargetFull.
	//
	// Once the queue is half full, a letter from an email domain that
	// already holds half of the letters waiting is refused the same way
	// (ErrDomainShare, which is an ErrTargetFull): one person with a
	// catch-all domain cannot fill a decision-maker's day.
	QueueTargetMail(ctx context.Context, q TargetMailing) (time.Time, error)
	// TargetMailRoom reports whether a letter from sender (a normalised
	// address; "" to ask only about the queue's length) to target queued
	// at at would find a slot (QueueTargetMail's rules, read without
	// writing): the write form asks before a confirmation is sent for a
	// letter that could not be queued.
	TargetMailRoom(ctx context.Context, org, campaign, target, sender string, perHour int, at time.Time) (bool, error)
	// NoteHeld counts one letter from sender to target turned away for a
	// full queue (outcome OutcomeHeld), once per sender's inbox, target
	// and campaign within HeldFor: a supporter pressing Send again and
	// again is one letter held back. Only the inbox's keyed hash is kept,
	// for HeldFor, and erasing the address deletes it.
	NoteHeld(ctx context.Context, org, campaign, action, target, sender string, at time.Time) error
	// TargetQueues lists org's decision-makers whose queue holds letters
	// due at or after at's hour: how far it runs and how much of it one
	// email domain holds, for the console.
	TargetQueues(ctx context.Context, org string, at time.Time) ([]TargetQueue, error)
	// SweepTargetMail deletes, of every target, the held-back inboxes
	// older than HeldFor and the domain counts of hours before now's:
	// what QueueTargetMail and NoteHeld delete as they go, deleted on a
	// clock too, so a campaign that goes quiet keeps no inbox's hash past
	// HeldFor. serve runs it every few minutes; several instances may run
	// it at once. It returns how many rows went.
	SweepTargetMail(ctx context.Context, now time.Time) (int, error)
}

// TargetQueue is one decision-maker's queue as the console shows it.
type TargetQueue struct {
	Campaign, Target string
	// Last is the hour of the queue's last slot: its letters are all due
	// by the end of it.
	Last time.Time
	// Waiting is how many letters are due this hour or later (those
	// queued since migration 050), and Top how many of them come from
	// the one email domain with the most.
	Waiting, Top int
}

// HeldFor is how long NoteHeld remembers an inbox turned away: as long
// as a confirmation link works, so the presses of one letter count once.
const HeldFor = 48 * time.Hour

// ErrDomainShare means the decision-maker's queue is half full or more
// and the sender's email domain holds half of it already: nothing was
// queued. It is an ErrTargetFull (errors.Is), answered alike.
var ErrDomainShare = fmt.Errorf("%w: one email domain holds half of it", ErrTargetFull)

// DripCapacity is how many letters a target's queue holds at perHour:
// this hour's and MaxDripAhead's.
func DripCapacity(perHour int) int { return (int(MaxDripAhead/time.Hour) + 1) * max(perHour, 1) }

// DomainOverShare is the fair-share rule: with waiting letters in a
// target's queue, mine of them from the sender's email domain, a new
// letter from that domain is refused once the queue is at least half
// full and the domain holds at least half of what waits. A flood from one
// domain so stops at half the day, leaving the other half to everyone
// else, while a campaign whose supporters mostly share a big provider is
// only slowed when its queue is past half full anyway.
func DomainOverShare(mine, waiting, perHour int) bool {
	return mine > 0 && 2*waiting >= DripCapacity(perHour) && 2*mine >= waiting
}

// DomainHash is the keyed hash kept for the email domain of sender's
// inbox (ratelimit.Mailbox), counted per target while its letters wait.
// The domain is the registered one (ShareDomain): subdomains cost nothing
// to whoever holds a domain with a wildcard MX record.
func DomainHash(secret []byte, sender string) []byte {
	box := ratelimit.Mailbox(sender)
	m := hmac.New(sha256.New, secret)
	m.Write([]byte("placard/outreach-domain\x00" + ShareDomain(box[strings.LastIndexByte(box, '@')+1:])))
	return m.Sum(nil)
}

// ShareDomain is the domain the fair share counts host under: its public
// suffix and one label more (mail.s1.example.org and s2.example.org are
// example.org; a.example.co.uk is example.co.uk), lower-cased, without a
// final dot; host itself when it has none (a bare suffix, an address
// literal). Counted per host name, one person with a catch-all domain
// and a wildcard MX record had a new "domain" for every letter.
func ShareDomain(host string) string {
	host = strings.TrimSuffix(strings.ToLower(host), ".")
	if d, err := publicsuffix.EffectiveTLDPlusOne(host); err == nil {
		return d
	}
	return host
}

// MaxDripAhead is how far ahead the drip may give a letter its slot: the
// queue for one decision-maker holds at most a day of it (24 × per_hour
// letters), so a flood (many supporters, or one attacker with many
// addresses) costs a bounded outbox and never delays a letter by days.
const MaxDripAhead = 24 * time.Hour

// Outcomes of an email to a target, as counted: OutcomeQueued for a
// letter queued, OutcomeHeld for one turned away because the target's
// queue was full (store.ErrTargetFull, or the write form's own check).
const (
	OutcomeQueued = "queued"
	OutcomeHeld   = "held"
)

// ErrTargetFull means the decision-maker's queue holds a day of letters
// already (MaxDripAhead): nothing was queued.
var ErrTargetFull = errors.New("store: the decision-maker's queue is full")

// DripFull reports whether a slot in newHour, taken at at, is further
// ahead than the drip may reach (MaxDripAhead).
func DripFull(newHour, at time.Time) bool {
	return newHour.After(OutreachHour(at).Add(MaxDripAhead))
}

// TargetMailing is one supporter's message to one target, with any copy.
type TargetMailing struct {
	Org, Campaign, Action, Target string
	// Sender is the supporter's normalised address; only its keyed hash
	// is written.
	Sender string
	// PerHour is the most messages the target may receive in one hour
	// (at least 1).
	PerHour int
	// Messages are the outbox messages to queue (the message to the
	// target, and the supporter's copy when asked for); their Email should
	// be Sender, so an erasure finds them.
	Messages []signing.Message
	// At is now.
	At time.Time
}

// ErrAlreadySent means the supporter has already written to this target in
// this campaign.
var ErrAlreadySent = errors.New("store: already written to this target")

// SenderHash is the keyed hash kept for a supporter's address: HMAC-SHA-256
// of the normalised address under the store's secret.
func SenderHash(secret []byte, email string) []byte {
	m := hmac.New(sha256.New, secret)
	m.Write([]byte("placard/outreach-sender\x00" + email))
	return m.Sum(nil)
}

// InboxHash is what QueueTargetMail records for a sender: the SenderHash
// of their inbox (ratelimit.Mailbox: no +tag, Gmail without dots), so
// that "one message per supporter per target" is not one per +tag, and
// erasing any address of the inbox forgets it.
func InboxHash(secret []byte, sender string) []byte {
	return SenderHash(secret, ratelimit.Mailbox(sender))
}

// OlderSenderHashes are the other hashes an earlier version may have
// recorded for sender's inbox, which QueueTargetMail also checks, since a
// hash cannot be rewritten: the SenderHash of the address as typed (kept
// before InboxHash), and of each other spelling (signing.EmailSpellings:
// the A-label form of a Unicode domain) and its inbox. None for most
// addresses, so it costs nothing there.
func OlderSenderHashes(secret []byte, sender string) [][]byte {
	cur := signing.CurrentForm(sender)
	seen := []string{ratelimit.Mailbox(sender)}
	var out [][]byte
	for _, e := range append([]string{sender}, signing.EmailSpellings(cur)...) {
		for _, f := range []string{e, ratelimit.Mailbox(e)} {
			if !slices.Contains(seen, f) {
				seen = append(seen, f)
				out = append(out, SenderHash(secret, f))
			}
		}
	}
	return out
}

// DripSlot is the drip's rule, shared by both engines: given the target's
// current slot (the hour it started and how many messages it holds; a zero
// hour for none), the message sent at at goes in the returned slot, and is
// due at the returned time.
func DripSlot(hour time.Time, n, perHour int, at time.Time) (newHour time.Time, newN int, due time.Time) {
	perHour = max(perHour, 1)
	cur := OutreachHour(at)
	if hour.Before(cur) {
		hour, n = cur, 0
	}
	if n >= perHour {
		hour, n = hour.Add(time.Hour), 0
	}
	due = at
	if hour.After(cur) {
		due = hour
	}
	return hour, n + 1, due
}
