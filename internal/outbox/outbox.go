// Package outbox delivers the messages the store keeps in its outbox
// (store.Outbox): emails, webhook calls, CRM records. A Worker claims due
// messages, hands each to the Deliverer registered for its Kind, and
// records the outcome: delivered messages leave the outbox, failed ones
// are retried with exponential backoff and jitter until they are older
// than the maximum age, then marked dead for an operator to retry or drop
// (placard outbox).
//
// A running worker does not wait for a batch's slowest delivery: it keeps
// up to Options.Slots deliveries in flight and claims again as soon as
// one ends, and it keeps at most Options.PerLane of them to one
// destination (store.OutboxLane: an organisation's messages of one kind
// to one target), claiming around a destination that is full. So a
// webhook receiver that answers just inside the timeout holds only its
// own lane, while confirmations and other organisations' messages keep
// going out.
//
// A worker given Options.Busy yields to signing: while signatures are
// arriving it claims nothing, leaving the database's single writer and
// the disk to the burst, and delivers once it goes quiet (or after
// MaxYield, one batch at a time, so mail is never starved).
//
// Delivery is at least once. Every attempt of a message carries the same
// Message.ID, so receivers drop duplicates by it. The package knows
// nothing of HTTP or SQL: deliverers do the talking, the store the
// keeping.
package outbox

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"math"
	mrand "math/rand/v2"
	"os"
	"slices"
	"sync"
	"time"

	"github.com/placard/placard/internal/signing"
	"github.com/placard/placard/internal/store"
)

// Deliverer hands one message on. It returns nil once the receiver has
// accepted it, an error wrapped by Permanent when trying again cannot
// help (the receiver refused it for good), and any other error when a
// later attempt may succeed. Its error text is logged and kept with the
// message, so it must name no person: no address, name or postcode.
// Deliver must respect ctx's deadline.
type Deliverer interface {
	Deliver(ctx context.Context, m signing.Message) error
}

// DelivererFunc adapts a function to Deliverer.
type DelivererFunc func(ctx context.Context, m signing.Message) error

// Deliver calls f.
func (f DelivererFunc) Deliver(ctx context.Context, m signing.Message) error { return f(ctx, m) }

type permanentError struct{ err error }

func (p permanentError) Error() string { return p.err.Error() }
func (p permanentError) Unwrap() error { return p.err }

// Permanent marks err as final: the message is marked dead at once rather
// than retried. Permanent(nil) is nil.
func Permanent(err error) error {
	if err == nil {
		return nil
	}
	return permanentError{err}
}

// IsPermanent reports whether err, or an error it wraps, came from
// Permanent.
func IsPermanent(err error) bool {
	var p permanentError
	return errors.As(err, &p)
}

type heldError struct{ err error }

func (h heldError) Error() string { return h.err.Error() }
func (h heldError) Unwrap() error { return h.err }

// Held marks err as a wait, not a failure: the message must wait for an
// earlier one about the same person still pending (store.OutboxOrder).
// The worker tries it again after the usual backoff but never gives it
// up for its age while it waits: its age starts again when it is held
// (OutboxOrder.Hold), so once the earlier one is delivered or dead it is
// delivered, or retried for its own full maximum age. Held(nil) is nil.
func Held(err error) error {
	if err == nil {
		return nil
	}
	return heldError{err}
}

// IsHeld reports whether err, or an error it wraps, came from Held.
func IsHeld(err error) bool {
	var h heldError
	return errors.As(err, &h)
}

type laterError struct {
	at   time.Time
	err  error
	kept bool // Until: the deliverer keeps its own deadline
}

func (l laterError) Error() string { return l.err.Error() }
func (l laterError) Unwrap() error { return l.err }

// Later says the message may not go yet but may at at (an inbox's turn
// under a pace shared by every instance): the worker leaves it pending
// until then, recording err, as no failure — no backoff, no failure
// logged. Past the maximum age it is marked dead as any other. Later(at,
// nil) is nil.
func Later(at time.Time, err error) error {
	if err == nil {
		return nil
	}
	return laterError{at: at, err: err}
}

// Until is Later for a message whose deliverer keeps its own deadline
// (a signature's confirmation waits for its inbox's turn as long as the
// signature waits, which may be longer than the maximum age): the worker
// leaves it pending until at however old it is, and the deliverer gives
// it up when its deadline passes. Until(at, nil) is nil.
func Until(at time.Time, err error) error {
	if err == nil {
		return nil
	}
	return laterError{at: at, err: err, kept: true}
}

type untriedError struct{ err error }

func (u untriedError) Error() string { return u.err.Error() }
func (u untriedError) Unwrap() error { return u.err }

// Untried says the deliverer never tried the message: it waited for a
// free connection to the mail server (--mail-connections) until its time
// limit. The worker puts it back as it was before the claim — due when
// it was due (store.OutboxEntry.Due), so it keeps its place before the
// messages queued after it, the same person's included; the attempt not
// counted and no backoff, since waiting is no failure — recording err,
// with no failure logged. Past the maximum age it is marked dead as any
// other, unless err is also Kept. Untried(nil) is nil.
func Untried(err error) error {
	if err == nil {
		return nil
	}
	return untriedError{err}
}

func isUntried(err error) bool {
	var u untriedError
	return errors.As(err, &u)
}

type keptError struct{ err error }

func (k keptError) Error() string { return k.err.Error() }
func (k keptError) Unwrap() error { return k.err }

// Kept marks a passing failure of a message whose deliverer keeps its own
// deadline (one it held with Until): tried again after the usual backoff,
// never marked dead for its age, which its holds took past the maximum
// age. The deliverer stops marking it once its deadline passes. Kept(nil)
// is nil.
func Kept(err error) error {
	if err == nil {
		return nil
	}
	return keptError{err}
}

func isKept(err error) bool {
	var k keptError
	return errors.As(err, &k)
}

// goneError is StillHeld's answer for a message taken away since its
// claim.
type goneError struct{}

func (goneError) Error() string {
	return "outbox: the message was erased, delivered or taken over by another worker during its delivery; not sent"
}

// errGone is the one goneError.
var errGone error = goneError{}

// IsGone reports whether err, or an error it wraps, came from StillHeld:
// the worker records nothing for such a message (its row is gone, or
// another worker's).
func IsGone(err error) bool {
	var g goneError
	return errors.As(err, &g)
}

// heldKey carries a worker's check of its claims in a delivery's ctx.
type heldKey struct{}

// StillHeld is what a deliverer asks as late as it can before message
// id leaves (before the SMTP conversation, the HTTP request): nil while
// the worker delivering it still holds its claim; an error IsGone
// reports when it was erased (on any instance: an erasure deletes
// claimed rows too), delivered, dropped or claimed by another worker
// since — the deliverer then hands it on to no one and returns that
// error; another error when the check itself failed (tried again
// later). Outside a worker's delivery, or with an outbox that cannot
// tell (store.OutboxHeld), nil.
func StillHeld(ctx context.Context, id string) error {
	check, _ := ctx.Value(heldKey{}).(func(context.Context, string) (bool, error))
	if check == nil {
		return nil
	}
	held, err := check(ctx, id)
	switch {
	case err != nil:
		return fmt.Errorf("outbox: checking the message is still to be sent: %w", err)
	case !held:
		return errGone
	}
	return nil
}

// Options tunes a Worker. The zero value of each field takes its default.
type Options struct {
	// Name identifies this worker in the outbox's claims (default: host
	// name, process id and a random suffix).
	Name string
	// Batch is how many messages one claim takes at most (default 16);
	// they are delivered side by side.
	Batch int
	// Slots is how many messages a running worker keeps in flight at
	// most (default 4 × Batch): it claims again whenever one is free.
	Slots int
	// PerLane is how many of them may go to one destination
	// (store.OutboxLane) at once (default Batch, at most Slots): a slow
	// receiver holds no more, and its other messages wait, unclaimed and
	// not counted as attempts, for one of its own to end. One busy
	// destination alone still gets a whole batch at a time, as before.
	PerLane int
	// Timeout bounds one delivery attempt (default 30 s).
	Timeout time.Duration
	// Lease is how long a claim keeps other workers away (default
	// 2 × Timeout + 30 s). A worker killed mid-delivery loses its claims
	// when the lease runs out, and they are delivered again.
	Lease time.Duration
	// MaxAge is how long a message is retried after it entered the
	// outbox before it is marked dead (default 48 h).
	MaxAge time.Duration
	// FirstRetry and MaxRetry bound the backoff between attempts
	// (defaults 30 s and 1 h): FirstRetry after the first failure,
	// doubling each time up to MaxRetry, each drawn at random between
	// half and all of it (jitter), so failures do not come back in step.
	FirstRetry, MaxRetry time.Duration
	// Idle is how often the worker looks for due messages when it has
	// not been woken (default 2 s).
	Idle time.Duration
	// Busy, if set, reports whether signatures are arriving right now
	// (store.Committer.Busy). While it does, the worker claims nothing,
	// so the burst keeps the database's writer and disk to itself; it
	// looks again every YieldPoll, and after MaxYield of yielding it
	// delivers one batch anyway, so mail is never starved.
	Busy func() bool
	// YieldPoll is how often a yielding worker looks again (default
	// 100 ms); MaxYield is the longest it yields before delivering one
	// batch (default 30 s).
	YieldPoll, MaxYield time.Duration
	// Log receives one line per failed attempt and dead message.
	Log *slog.Logger
	// Now is the clock (default time.Now); tests set it.
	Now func() time.Time
}

func (o *Options) fill() {
	if o.Name == "" {
		host, _ := os.Hostname()
		var b [4]byte
		rand.Read(b[:])
		o.Name = fmt.Sprintf("%s-%d-%s", host, os.Getpid(), hex.EncodeToString(b[:]))
	}
	if o.Batch <= 0 {
		o.Batch = 16
	}
	if o.Slots <= 0 {
		o.Slots = 4 * o.Batch
	}
	if o.PerLane <= 0 {
		o.PerLane = o.Batch
	}
	o.PerLane = min(o.PerLane, o.Slots)
	if o.Timeout <= 0 {
		o.Timeout = 30 * time.Second
	}
	if o.Lease <= 0 {
		o.Lease = 2*o.Timeout + 30*time.Second
	}
	if o.MaxAge <= 0 {
		o.MaxAge = defaultMaxAge
	}
	if o.FirstRetry <= 0 {
		o.FirstRetry = 30 * time.Second
	}
	if o.MaxRetry <= 0 {
		o.MaxRetry = time.Hour
	}
	if o.Idle <= 0 {
		o.Idle = 2 * time.Second
	}
	if o.YieldPoll <= 0 {
		o.YieldPoll = 100 * time.Millisecond
	}
	if o.MaxYield <= 0 {
		o.MaxYield = 30 * time.Second
	}
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
	if o.Now == nil {
		o.Now = time.Now
	}
}

// Backoff is how long to wait after failed attempt number attempt (1 for
// the first): first × 2^(attempt-1), capped at ceiling, scaled by jitter
// (between 0 and 1) into its upper half, so never less than half of it.
func Backoff(attempt int, first, ceiling time.Duration, jitter float64) time.Duration {
	d := float64(first) * math.Pow(2, float64(max(attempt-1, 0)))
	if d > float64(ceiling) || math.IsInf(d, 0) {
		d = float64(ceiling)
	}
	return time.Duration(d/2 + d/2*min(max(jitter, 0), 1))
}

// Worker delivers an outbox's messages through deliverers registered by
// kind. Several workers (one per instance) may share one outbox.
type Worker struct {
	ob    store.Outbox
	kinds map[string]Deliverer
	opts  Options
	wake  chan struct{}

	// yielding is when the worker began leaving the writer to signing
	// (zero: it is not yielding). Only Run's goroutine touches it.
	yielding time.Time

	// mu guards the deliveries in flight under Run: how many in all and
	// per lane. freed is signalled when one ends.
	mu       sync.Mutex
	inFlight int
	lanes    map[store.OutboxLane]int
	freed    chan struct{}
}

// NewWorker returns a worker for ob delivering each kind of message
// through deliverers[kind]. A message of a kind with no deliverer here is
// put back for an hour (another instance may handle it) until it ages out.
func NewWorker(ob store.Outbox, deliverers map[string]Deliverer, opts Options) *Worker {
	opts.fill()
	kinds := make(map[string]Deliverer, len(deliverers))
	for k, d := range deliverers {
		kinds[k] = d
	}
	return &Worker{ob: ob, kinds: kinds, opts: opts, wake: make(chan struct{}, 1),
		lanes: map[store.OutboxLane]int{}, freed: make(chan struct{}, 1)}
}

// Wake tells the worker that messages may be due now (a signature with
// messages was just stored), so it looks before its idle interval ends.
// It never blocks.
func (w *Worker) Wake() {
	select {
	case w.wake <- struct{}{}:
	default:
	}
}

// Run delivers until ctx ends, then returns once the deliveries in flight
// have finished and been recorded (each is bounded by Timeout). It
// returns nil on a clean stop.
//
// Run keeps up to Slots deliveries in flight, PerLane to one destination,
// and claims again whenever one ends rather than after a whole batch.
// Claiming while earlier messages are still in flight keeps the outbox's
// order: an in-flight message stays pending until its outcome is
// recorded, so a later event about the same person finds it (Earlier)
// and waits.
func (w *Worker) Run(ctx context.Context) error {
	var flying sync.WaitGroup
	defer flying.Wait()
	t := time.NewTimer(0)
	defer t.Stop()
	yielding := false
	// limited: the last claim was cut short by full slots or lanes, so
	// a delivery ending may let more be claimed.
	limited := false
	for {
		// While yielding to signing the worker looks again at YieldPoll
		// and is deaf to wakes: every signature wakes it, and each wake
		// found signing busy again — a goroutine switch, a timer reset
		// and a look per signature, paid by the burst it yields to.
		wake, freed := w.wake, w.freed
		if yielding {
			wake, freed = nil, nil
		}
		if !limited {
			freed = nil
		}
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		case <-wake:
		case <-freed:
		}
		wait := w.opts.Idle
		yielding, limited = false, false
		for {
			if !w.mayClaim() {
				wait = w.opts.YieldPoll
				yielding = true
				break
			}
			n, asked, short, err := w.dispatch(ctx, &flying)
			if err != nil && ctx.Err() == nil {
				w.opts.Log.Warn("outbox: claiming messages failed; trying again shortly", "err", err)
			}
			limited = short
			// As many as asked for suggests more are due: claim again at
			// once (dispatch asks for none when every slot is taken).
			if err != nil || asked == 0 || n < asked || ctx.Err() != nil {
				break
			}
		}
		if !t.Stop() {
			select {
			case <-t.C:
			default:
			}
		}
		t.Reset(wait)
	}
}

// dispatch claims as many due messages as there are free slots (at most
// Batch), around the lanes that are full, and starts delivering them; each
// delivery records its own outcome and frees its slots when it ends. It
// returns how many it claimed and asked for, and whether the claim was
// cut short by full slots or lanes (so a delivery ending may let more
// be claimed).
func (w *Worker) dispatch(ctx context.Context, flying *sync.WaitGroup) (n, asked int, short bool, err error) {
	w.mu.Lock()
	asked = min(w.opts.Batch, w.opts.Slots-w.inFlight)
	var busy []store.OutboxLane
	for l, k := range w.lanes {
		if k >= w.opts.PerLane {
			busy = append(busy, l)
		}
	}
	w.mu.Unlock()
	short = asked < w.opts.Batch || len(busy) > 0
	if asked <= 0 {
		return 0, 0, true, nil
	}
	lanes, around := w.ob.(store.OutboxLanes)
	var es []store.OutboxEntry
	if around {
		es, err = lanes.ClaimAround(ctx, w.opts.Name, asked, w.opts.Lease, busy)
	} else {
		es, err = w.ob.Claim(ctx, w.opts.Name, asked, w.opts.Lease)
	}
	if err != nil || len(es) == 0 {
		return 0, asked, short, err
	}
	bg := context.WithoutCancel(ctx)
	keep, back := w.take(es, around)
	if len(back) > 0 {
		// More of one lane than it has room for: give them back untried,
		// in their place in the queue (the next claim goes around that
		// lane until one of its deliveries ends). Should that fail, their lease runs out and
		// they are claimed again: late, never lost.
		short = true
		if err := lanes.Release(bg, w.opts.Name, back); err != nil {
			w.opts.Log.Warn("outbox: giving back messages for a busy destination failed; they are delivered once their claim runs out", "err", err, "messages", len(back))
		}
	}
	for _, g := range w.split(keep) {
		flying.Go(func() {
			w.record(bg, w.deliver(bg, g))
			w.give(g)
		})
	}
	return len(es), asked, short, nil
}

// take counts the claimed entries in flight, lane by lane, in due order.
// Those beyond their lane's room come back in back — unless the outbox
// cannot give claims back (hard false), when every entry is kept.
func (w *Worker) take(es []store.OutboxEntry, hard bool) (keep, back []store.OutboxEntry) {
	w.mu.Lock()
	defer w.mu.Unlock()
	for _, e := range es {
		l := store.LaneOf(e.Message)
		if hard && w.lanes[l] >= w.opts.PerLane {
			back = append(back, e)
			continue
		}
		w.lanes[l]++
		w.inFlight++
		keep = append(keep, e)
	}
	return keep, back
}

// give frees the slots of deliveries that ended and tells Run.
func (w *Worker) give(es []store.OutboxEntry) {
	w.mu.Lock()
	for _, e := range es {
		l := store.LaneOf(e.Message)
		if w.lanes[l]--; w.lanes[l] <= 0 {
			delete(w.lanes, l)
		}
		w.inFlight--
	}
	w.mu.Unlock()
	select {
	case w.freed <- struct{}{}:
	default:
	}
}

// mayClaim reports whether the worker may claim a batch now: signing is
// quiet (Options.Busy), or the worker has yielded for MaxYield already, in
// which case it claims once and starts yielding afresh.
func (w *Worker) mayClaim() bool {
	if w.opts.Busy == nil || !w.opts.Busy() {
		w.yielding = time.Time{}
		return true
	}
	now := w.opts.Now()
	if w.yielding.IsZero() {
		w.yielding = now
		return false
	}
	if now.Sub(w.yielding) >= w.opts.MaxYield {
		w.yielding = now
		return true
	}
	return false
}

// BatchDeliverer is a Deliverer that hands several messages on at once
// (email: one SMTP connection for a whole batch instead of one each). The
// worker gives it all the messages of its kind in a claimed batch, in due
// order. DeliverBatch returns one error per message, in the same order,
// each as Deliver would return it; it must respect ctx's deadline.
type BatchDeliverer interface {
	Deliverer
	DeliverBatch(ctx context.Context, ms []signing.Message) []error
}

// outcome is one delivery attempt's result, to be recorded.
type outcome struct {
	e   store.OutboxEntry
	ok  bool // a deliverer for its kind is registered here
	err error
}

// Once claims one batch of due messages, delivers them — side by side,
// and the messages of a kind whose deliverer is a BatchDeliverer together
// — and records the outcomes: the delivered ones in one Done, the others
// one by one. It returns how many it claimed. Deliveries and their
// records outlive ctx's cancellation (bounded by Timeout), so a shutdown
// does not leave a delivered message looking undelivered. (Run does not
// wait for a whole batch; Once is for one pass, as placard outbox and
// tests make.)
func (w *Worker) Once(ctx context.Context) (int, error) {
	es, err := w.ob.Claim(ctx, w.opts.Name, w.opts.Batch, w.opts.Lease)
	if err != nil || len(es) == 0 {
		return 0, err
	}
	bg := context.WithoutCancel(ctx)
	groups := w.split(es)
	outs := make([][]outcome, len(groups))
	var wg sync.WaitGroup
	for i, g := range groups {
		wg.Go(func() { outs[i] = w.deliver(bg, g) })
	}
	wg.Wait()
	w.record(bg, slices.Concat(outs...))
	return len(es), nil
}

// split groups claimed entries into deliveries: each message on its own,
// except that the messages of a kind whose deliverer is a BatchDeliverer
// go together, in due order.
func (w *Worker) split(es []store.OutboxEntry) [][]store.OutboxEntry {
	var groups [][]store.OutboxEntry
	batches := map[string]int{} // kind → its group
	for _, e := range es {
		if d, ok := w.kinds[e.Kind]; ok {
			if _, batch := d.(BatchDeliverer); batch {
				if i, seen := batches[e.Kind]; seen {
					groups[i] = append(groups[i], e)
					continue
				}
				batches[e.Kind] = len(groups)
			}
		}
		groups = append(groups, []store.OutboxEntry{e})
	}
	return groups
}

// deliver makes one attempt at a group from split and returns the
// outcomes, one per entry. Its deliverers can ask StillHeld.
func (w *Worker) deliver(ctx context.Context, g []store.OutboxEntry) []outcome {
	if h, ok := w.ob.(store.OutboxHeld); ok {
		ctx = context.WithValue(ctx, heldKey{}, func(ctx context.Context, id string) (bool, error) {
			return h.Held(ctx, w.opts.Name, id)
		})
	}
	outs := make([]outcome, len(g))
	d, ok := w.kinds[g[0].Kind]
	for i, e := range g {
		outs[i] = outcome{e: e, ok: ok}
	}
	switch b, batch := d.(BatchDeliverer); {
	case !ok:
		outs[0].err = fmt.Errorf("no deliverer for %q messages on this instance", g[0].Kind)
	case batch:
		ms := make([]signing.Message, len(g))
		for i, e := range g {
			ms[i] = e.Message
		}
		for i, err := range w.attemptBatch(ctx, b, ms) {
			outs[i].err = err
		}
	default:
		outs[0].err = w.attempt(ctx, d, g[0].Message)
	}
	return outs
}

// attempt makes one attempt at m through d, bounded by Timeout.
func (w *Worker) attempt(ctx context.Context, d Deliverer, m signing.Message) error {
	dctx, cancel := context.WithTimeout(ctx, w.opts.Timeout)
	defer cancel()
	return safeDeliver(dctx, d, m)
}

// attemptBatch makes one attempt at each of ms through d together, bounded
// by Timeout as a whole (as the same messages delivered side by side
// would be). Should d panic, or answer with the wrong number of errors,
// each message is attempted on its own instead: at least once, under the
// same id.
func (w *Worker) attemptBatch(ctx context.Context, d BatchDeliverer, ms []signing.Message) []error {
	dctx, cancel := context.WithTimeout(ctx, w.opts.Timeout)
	errs, ok := safeDeliverBatch(dctx, d, ms)
	cancel()
	if ok && len(errs) == len(ms) {
		return errs
	}
	errs = make([]error, len(ms))
	for j, m := range ms {
		errs[j] = w.attempt(ctx, d, m)
	}
	return errs
}

// record writes the outcomes of a batch: every delivered message in one
// Done, each failed one rescheduled or marked dead.
func (w *Worker) record(ctx context.Context, outs []outcome) {
	var done []string
	for _, o := range outs {
		if o.err == nil {
			done = append(done, o.e.ID)
		}
	}
	if len(done) > 0 {
		if err := w.ob.Done(ctx, done...); err != nil {
			// The leases run out and the messages are tried again: at
			// least once.
			w.opts.Log.Warn("outbox: recording deliveries failed", "err", err, "messages", len(done))
		}
	}
	for _, o := range outs {
		if o.err != nil {
			w.fail(ctx, o)
		}
	}
}

// fail records a failed attempt: dead when the failure is permanent or
// the message has aged out, else pending again after a backoff.
func (w *Worker) fail(ctx context.Context, o outcome) {
	e, err := o.e, o.err
	now := w.opts.Now()
	log := w.opts.Log.With("id", e.ID, "kind", e.Kind, "attempt", e.Attempts)
	var rerr error
	var later laterError
	switch {
	case IsGone(err):
		// Erased during its delivery (or delivered or taken over by
		// another worker): not sent, and nothing to record — a write
		// would find no row, or one that is another's now.
		log.Info("outbox: message gone during its delivery (erased, or taken over); not sent")
	case isUntried(err) && !IsPermanent(err):
		if now.Sub(e.CreatedAt) > w.opts.MaxAge && !isKept(err) {
			log.Warn("outbox: message undelivered past the maximum age; marked dead", "err", err)
			rerr = w.ob.Dead(ctx, e.ID, err.Error())
			break
		}
		log.Debug("outbox: message not tried (no free connection); back in its place", "err", err)
		if lanes, ok := w.ob.(store.OutboxLanes); ok {
			rerr = lanes.Untried(ctx, w.opts.Name, e, err.Error())
		} else {
			due := e.Due
			if due.IsZero() {
				due = now
			}
			rerr = w.ob.Retry(ctx, e.ID, due, err.Error())
		}
	case errors.As(err, &later) && !IsPermanent(err):
		if !later.kept && later.at.Sub(e.CreatedAt) > w.opts.MaxAge {
			log.Warn("outbox: message undelivered past the maximum age; marked dead", "err", err)
			rerr = w.ob.Dead(ctx, e.ID, err.Error())
		} else {
			log.Debug("outbox: message held until its turn", "err", err, "until", later.at)
			rerr = w.ob.Retry(ctx, e.ID, later.at, err.Error())
		}
	case IsPermanent(err):
		log.Warn("outbox: message refused for good; marked dead", "err", err)
		rerr = w.ob.Dead(ctx, e.ID, err.Error())
	case IsHeld(err):
		// A wait behind an earlier message is no failure: never dead for
		// its age, which starts again now.
		wait := Backoff(e.Attempts, w.opts.FirstRetry, w.opts.MaxRetry, mrand.Float64())
		log.Info("outbox: waiting for an earlier message to the same receiver", "retry_in", wait.Round(time.Second))
		if h, ok := w.ob.(store.OutboxOrder); ok {
			rerr = h.Hold(ctx, e.ID, now, now.Add(wait), err.Error())
		} else {
			rerr = w.ob.Retry(ctx, e.ID, now.Add(wait), err.Error())
		}
	default:
		wait := Backoff(e.Attempts, w.opts.FirstRetry, w.opts.MaxRetry, mrand.Float64())
		if !o.ok {
			wait = w.opts.MaxRetry
		}
		next := now.Add(wait)
		if next.Sub(e.CreatedAt) > w.opts.MaxAge && !isKept(err) {
			log.Warn("outbox: message undelivered past the maximum age; marked dead", "err", err)
			rerr = w.ob.Dead(ctx, e.ID, err.Error())
		} else {
			log.Info("outbox: delivery failed; will retry", "err", err, "retry_in", wait.Round(time.Second))
			rerr = w.ob.Retry(ctx, e.ID, next, err.Error())
		}
	}
	if rerr != nil {
		// The lease runs out and the message is tried again: at least once.
		log.Warn("outbox: recording a delivery's outcome failed", "err", rerr)
	}
}

// safeDeliverBatch calls d.DeliverBatch, reporting false if it panicked.
func safeDeliverBatch(ctx context.Context, d BatchDeliverer, ms []signing.Message) (errs []error, ok bool) {
	defer func() {
		if r := recover(); r != nil {
			errs, ok = nil, false
		}
	}()
	return d.DeliverBatch(ctx, ms), true
}

// safeDeliver calls d, turning a panic into a permanent error so one bad
// message cannot take the server down or come back forever.
func safeDeliver(ctx context.Context, d Deliverer, m signing.Message) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = Permanent(fmt.Errorf("the deliverer failed unexpectedly: %v", r))
		}
	}()
	return d.Deliver(ctx, m)
}
