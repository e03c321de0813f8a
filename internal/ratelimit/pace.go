package ratelimit

import (
	"hash/maphash"
	"slices"
	"strings"
	"sync"
	"time"
)

// Pace spaces the emails one mailbox is sent because someone typed its
// address into a public form (a signature's confirmation or thank-you, a
// contact letter's confirmation, a data-page link): Burst of them may go
// at once, then one every Every. A mail with no turn now may be put off
// until its turn when that comes within Horizon; past it, it has no turn.
// It is the generic cell rate algorithm: one time per mailbox, the moment
// its budget is whole again.
//
// Mailboxes are kept as keyed hashes (a random key per process) of
// Mailbox(address), never the address; per process and in memory only,
// at most Max of them (those nearest whole again are forgotten first), so
// a flood of made-up addresses costs a bounded amount of memory and buys a
// victim's mailbox at most a fresh Burst for every Max/4 addresses sent.
// The zero value of the fields takes their defaults; set them before the
// first Reserve.
type Pace struct {
	// Every is how often one more mail may go once the burst is spent
	// (default 10 minutes).
	Every time.Duration
	// Burst is how many may go at once to a mailbox not sent any lately
	// (default 1).
	Burst int
	// Horizon is how far ahead a mail may be put off (0: never; a mail
	// with no turn now has none).
	Horizon time.Duration
	// Max is how many mailboxes are remembered (default 8192).
	Max int

	mu   sync.Mutex
	seed maphash.Seed
	// whole is, per mailbox, when its budget is whole again (the
	// algorithm's theoretical arrival time).
	whole map[uint64]time.Time
}

// Reserve reports when a mail to email may go, counted among those of
// scope ("" for the whole installation, an organisation's slug to count
// its mails apart), and takes that turn: now, later (within Horizon), or
// none (ok false, nothing taken).
func (p *Pace) Reserve(scope, email string, now time.Time) (at time.Time, ok bool) {
	every := p.Every
	if every <= 0 {
		every = 10 * time.Minute
	}
	slack := time.Duration(max(p.Burst, 1)-1) * every
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.whole == nil {
		p.seed = maphash.MakeSeed()
		p.whole = map[uint64]time.Time{}
	}
	k := p.key(scope, email)
	w, seen := p.whole[k]
	if !w.After(now) {
		w = now // whole again
	} else if ahead := slack + p.Horizon + every; w.Sub(now) > ahead {
		// Further ahead than a turn ever leaves it: a clock set back, or
		// a request that read the time before another took a turn (a
		// form's body sent slowly). Held as spent, never made whole:
		// whoever sends a request late must not get a fresh burst. Kept
		// so, turn or none, so that a clock set back holds the mailbox
		// no longer than the pace ever would.
		w = now.Add(ahead)
		p.whole[k] = w
	}
	at = w.Add(-slack)
	if at.Before(now) {
		at = now
	}
	if at.Sub(now) > p.Horizon {
		return time.Time{}, false
	}
	if !seen {
		p.room(now)
	}
	p.whole[k] = w.Add(every)
	return at, true
}

// Release hands back a turn Reserve gave for email under scope at now,
// for a mail that was not sent after all (the store failed to keep it):
// the mailbox's budget is as if that turn had not been taken, less
// whatever time has passed. Only hand back a turn that was taken and whose
// mail went nowhere: a turn handed back for a mail that went would let
// the mailbox be sent more than its pace.
func (p *Pace) Release(scope, email string, now time.Time) {
	every := p.Every
	if every <= 0 {
		every = 10 * time.Minute
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.whole == nil {
		return
	}
	k := p.key(scope, email)
	w, seen := p.whole[k]
	if !seen {
		return
	}
	if w = w.Add(-every); w.After(now) {
		p.whole[k] = w
	} else {
		delete(p.whole, k) // whole again
	}
}

// key is the keyed hash of email's mailbox under scope; p.mu held and
// p.seed set.
func (p *Pace) key(scope, email string) uint64 {
	var h maphash.Hash
	h.SetSeed(p.seed)
	h.WriteString(scope)
	h.WriteByte(0)
	h.WriteString(Mailbox(email))
	return h.Sum64()
}

// room makes room for one more mailbox once Max are kept: those whole
// again are forgotten, and if that frees none, the quarter nearest to it
// (so a flood of made-up addresses pays one sort per Max/4 of them, not a
// scan each).
func (p *Pace) room(now time.Time) {
	limit := p.Max
	if limit <= 0 {
		limit = 8192
	}
	if len(p.whole) < limit {
		return
	}
	for k, w := range p.whole {
		if !w.After(now) {
			delete(p.whole, k)
		}
	}
	if len(p.whole) < limit {
		return
	}
	ws := make([]time.Time, 0, len(p.whole))
	for _, w := range p.whole {
		ws = append(ws, w)
	}
	slices.SortFunc(ws, time.Time.Compare)
	cut := ws[len(ws)/4]
	for k, w := range p.whole {
		if w.Before(cut) {
			delete(p.whole, k)
		}
	}
	for k := range p.whole {
		if len(p.whole) < limit {
			break
		}
		delete(p.whole, k) // all alike: any
	}
}

// Mailbox is the inbox a normalised address (signing.NormaliseEmail)
// reaches, for counting mails per inbox: a subaddress ("+tag" in the
// local part, which nearly every provider delivers to the same inbox)
// dropped, and for Gmail the dots of the local part too, and googlemail.com
// read as gmail.com. Two people can share a key only in these ways,
// which costs them no more than a shared budget.
func Mailbox(email string) string {
	local, domain, ok := strings.Cut(email, "@")
	if !ok {
		return email
	}
	if i := strings.IndexByte(local, '+'); i > 0 {
		local = local[:i]
	}
	if domain == "googlemail.com" {
		domain = "gmail.com"
	}
	if domain == "gmail.com" {
		local = strings.ReplaceAll(local, ".", "")
	}
	if len(local)+1+len(domain) == len(email) {
		return email
	}
	return local + "@" + domain
}
