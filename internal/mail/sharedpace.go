package mail

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"github.com/placard/placard/internal/outbox"
	"github.com/placard/placard/internal/ratelimit"
	"github.com/placard/placard/internal/signing"
	"github.com/placard/placard/internal/store"
)

// The pace of the emails anyone can have sent to an address they type (a
// signature's confirmation or thank-you, a contact letter's
// confirmation), per inbox: three at once, then one every ten minutes,
// put off up to an hour. Each instance's web server keeps it in memory
// (web/datalimit.go), as the first line; SharedPace keeps it in the
// database, for all instances together, as the second.
const (
	PaceEvery   = 10 * time.Minute
	PaceBurst   = 3
	PaceHorizon = time.Hour
)

// DataLinkEvery is how often one inbox may be sent a link to its data
// page by one organisation: never put off (asking again sends it). The
// web server keeps it per instance (web/datalimit.go) as the first line,
// SharedPace for all instances together just before the link leaves.
const DataLinkEvery = 10 * time.Minute

// Paced reports whether an email of template is paced: anyone may have
// caused it by typing an address. The thank-you once its signer
// confirmed (confirmed), a letter to a decision-maker, the writer's copy
// and the data-page link (paced apart, per organisation, by the web
// server) are not.
func Paced(template string, confirmed bool) bool {
	switch template {
	case TemplateConfirm, TemplateContactConfirm:
		return true
	case TemplateThanks:
		return !confirmed
	}
	return false
}

// SharedPace is the pace of paced emails (Paced) kept in the database for
// every instance together (store.MailPace), taken by the deliverer just
// before it sends one: each instance's own pace lets an inbox three at
// once, and N instances behind a load balancer 3N, but they share this
// one. It is consulted where mail leaves, never on the signing path.
//
// An email with no turn now is held until its turn (outbox.Later). A
// signature's own confirmation is held (outbox.Until) as long as its
// signature waits — until the signature's deadline, when it is erased
// unconfirmed — and only then given up: counted per campaign
// (store.MailPace.NoteUnsent: the console's dashboard, placard stats) and
// logged. Dropping it after an hour, as before, let whoever kept an
// inbox's turns spent make its owner's genuine signature silently never
// confirm. Every other paced email is held when its turn comes within
// PaceHorizon of when it was queued, and otherwise not sent — by the
// rules of the first line: a thank-you's signature counts; a letter's
// confirmation is not sent, and the page said to write again; a
// confirmation queued again by a repeat of its signature (Payload.Again)
// is a copy, and the next repeat may send one — so repeats typed by
// anyone never pile up in the outbox ahead of the signature's own, which
// keeps its place (the outbox hands held emails due at one turn over
// oldest first). What it holds, leaves out or gives up is logged as
// counts only (Run), never the address or its hash.
type SharedPace struct {
	Store store.MailPace
	// Secret is the installation's key (store.Store.Secret), under
	// which inboxes are hashed (store.PaceHash) alike on every instance.
	Secret func(ctx context.Context) ([]byte, error)
	// Log receives the counts (default: none).
	Log *slog.Logger
	// Now is the clock (default time.Now).
	Now func() time.Time

	tally ratelimit.Tally[paceKey]
}

type paceKey struct{ org, campaign, mail, what string }

// Why the shared pace held an email back (the log's "what").
const (
	sharedHeld    = "put off: its inbox had its share lately across all instances"
	sharedDropped = "not sent: its inbox has no turn within the hour across all instances"
	sharedGaveUp  = "given up: its inbox had no turn across all instances before its signature's deadline"
	sharedAgain   = "not sent: a link to the same data page went to its inbox in the last ten minutes from another instance"
)

// errHeld is what the outbox keeps as a held email's last error.
var errHeld = errors.New("mail: held until its inbox's turn (the pace every instance shares)")

func (sp *SharedPace) now() time.Time {
	if sp.Now == nil {
		return time.Now()
	}
	return sp.Now()
}

// take takes the turn of m's inbox (to) for an email of template, and
// reports whether to send it now: nil error and send false when it is
// left out or given up, an outbox.Later or outbox.Until error when it is
// held. until, when not zero, is the deadline of a signature's own
// confirmation: it is held until then, however long, and given up and
// counted past it. A nil SharedPace lets everything go.
func (sp *SharedPace) take(ctx context.Context, m signing.Message, template, to string, until time.Time) (send bool, t *turn, err error) {
	if sp == nil || sp.Store == nil {
		return true, nil, nil
	}
	secret, err := sp.Secret(ctx)
	if err != nil {
		return false, nil, err
	}
	now := sp.now()
	inbox := store.PaceHash(secret, to)
	next, took, err := sp.Store.MailTurn(ctx, inbox, PaceEvery, PaceBurst, now)
	if err != nil {
		return false, nil, keep(err, until, now)
	}
	if took {
		return true, &turn{inbox, PaceEvery, until}, nil
	}
	send, err = sp.held(ctx, m, template, now, next, until)
	return send, nil, err
}

// keep marks err, a passing failure of a signature's own confirmation
// whose deadline until has not come, outbox.Kept: its holds (outbox.Until)
// may have taken it past the outbox's maximum age, and an outbox that
// aged it out at its first failure lost a valid signature's only
// confirmation. Past until (or with none) err is left as it is.
func keep(err error, until, now time.Time) error {
	if err == nil || until.IsZero() || !now.Before(until) || outbox.IsPermanent(err) {
		return err
	}
	return outbox.Kept(err)
}

// turn is an inbox's turn taken under a shared pace, to be given back
// should its email not be sent. until is the deadline of a signature's
// own confirmation (take), zero for any other email.
type turn struct {
	inbox []byte
	every time.Duration
	until time.Time
}

// takeDataLink takes the turn of org's data-page links to the inbox of
// to (DataLinkEvery, store.DataLinkPaceHash), and reports whether to
// send one now. Without a turn it is left out, never put off: the
// supporter asks again, and the page said a link goes at most every ten
// minutes. It was kept per instance only, so N instances sent N links in
// ten minutes to an inbox whose address anyone may type into the form.
func (sp *SharedPace) takeDataLink(ctx context.Context, m signing.Message, org, to string) (send bool, t *turn, err error) {
	if sp == nil || sp.Store == nil {
		return true, nil, nil
	}
	secret, err := sp.Secret(ctx)
	if err != nil {
		return false, nil, err
	}
	now := sp.now()
	inbox := store.DataLinkPaceHash(secret, org, to)
	_, took, err := sp.Store.MailTurn(ctx, inbox, DataLinkEvery, 1, now)
	if err != nil || !took {
		if err == nil {
			sp.note(m, TemplateData, sharedAgain, now)
		}
		return false, nil, err
	}
	return true, &turn{inbox: inbox, every: DataLinkEvery}, nil
}

// held decides for an email with no turn now, its next at next: held
// until then, or left out, or given up (take).
func (sp *SharedPace) held(ctx context.Context, m signing.Message, template string, now, next, until time.Time) (send bool, err error) {
	if !until.IsZero() {
		if next.Before(until) {
			sp.note(m, template, sharedHeld, now)
			return false, outbox.Until(next, errHeld)
		}
		// Counted before the message leaves the outbox: should the
		// count fail, the message is tried again and counted then.
		if err := sp.Store.NoteUnsent(ctx, m.Org, m.Campaign); err != nil {
			return false, keep(err, until, now)
		}
		sp.note(m, template, sharedGaveUp, now)
		return false, nil
	}
	queued, ok := signing.MessageTime(m.ID)
	if !ok || queued.After(now) {
		queued = now
	}
	if next.Sub(queued) > PaceHorizon {
		sp.note(m, template, sharedDropped, now)
		return false, nil
	}
	sp.note(m, template, sharedHeld, now)
	return false, outbox.Later(next, errHeld)
}

// give gives back a turn take or takeDataLink took for an email that
// was not sent (store.MailPace.GiveMailTurn). A failure to give it back
// is logged, without the address, and costs the inbox one turn. It has
// time of its own (giveTimeout): the send often failed because ctx
// ended — an email that waited for a free connection until its
// attempt's time ran out (NoConnection) always does — and under it every
// such give failed, each wait spending a turn that sent nothing
// (TestWaitedEmailKeepsItsInboxTurn).
func (sp *SharedPace) give(ctx context.Context, t *turn) {
	if sp == nil || sp.Store == nil || t == nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), giveTimeout)
	defer cancel()
	err := sp.Store.GiveMailTurn(ctx, t.inbox, t.every)
	if err != nil && sp.Log != nil {
		sp.Log.Warn("giving an unsent email's turn back to its inbox's shared pace failed", "err", err)
	}
}

// giveTimeout bounds giving a turn back (give).
const giveTimeout = 10 * time.Second

// note counts one email held back, and logs the count when due.
func (sp *SharedPace) note(m signing.Message, template, what string, now time.Time) {
	k := paceKey{m.Org, m.Campaign, template, what}
	if n, due := sp.tally.Note(k, now); due {
		sp.log(k, n)
	}
}

func (sp *SharedPace) log(k paceKey, n int) {
	if sp.Log == nil {
		return
	}
	sp.Log.Warn("email to a typed address held back by its inbox's pace across all instances (someone may be typing one address over and over)",
		"org", k.org, "campaign", k.campaign, "mail", k.mail, "what", k.what, "count", n)
}

// paceTick is how often Run tells the counts that waited, and
// pacePurgeEvery how often it purges the inboxes whole again.
const (
	paceTick       = time.Minute
	pacePurgeEvery = 10 * time.Minute
)

// Run tells, every minute, the counts of emails held back since their
// last line — an attack's last minute too, which no later email would
// tell — and all of them when ctx ends; and every ten minutes purges the
// rows of inboxes whole again (store.MailPace.PurgeMailPace). It returns
// when ctx ends.
func (sp *SharedPace) Run(ctx context.Context) {
	t := time.NewTicker(paceTick)
	defer t.Stop()
	var purged time.Time
	for {
		now := sp.now()
		if now.Sub(purged) >= pacePurgeEvery || now.Before(purged) {
			if _, err := sp.Store.PurgeMailPace(ctx, now); err != nil && ctx.Err() == nil && sp.Log != nil {
				sp.Log.Warn("purging the shared mail pace failed; trying again later", "err", err)
			}
			purged = now
		}
		select {
		case <-ctx.Done():
			sp.tally.Flush(sp.now(), true, sp.log)
			return
		case <-t.C:
			sp.tally.Flush(sp.now(), false, sp.log)
		}
	}
}
