package store

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/placard/placard/internal/signing"
)

// ErrClosed is returned by Committer.Sign after Close has begun: the
// signature was not stored.
var ErrClosed = errors.New("store: committer closed")

// CommitterOptions tunes a Committer. The zero value is ready to use.
type CommitterOptions struct {
	// MaxBatch caps how many signatures go into one transaction
	// (default 512). Bigger batches amortise the fsync further but make
	// every signer in the batch wait for the whole transaction.
	MaxBatch int
	// QueueSize is how many signatures may wait for the writer before Sign
	// blocks (default 4 × MaxBatch), which is back-pressure, not loss.
	QueueSize int
	// CommitTimeout bounds one batch's transaction (default 30 s). It is
	// the committer's own deadline, independent of any signer's context, so
	// one impatient signer cannot abort a batch holding others' signatures.
	CommitTimeout time.Duration
}

// Committer is group commit in front of a Store: concurrent Sign calls are
// gathered by one writer goroutine into batches, and each batch is one
// AddSignatures call — one transaction, one fsync. A signer waits for its
// batch to be durably committed, so durability is exactly the store's, while
// throughput is batch size × the disk's fsync rate instead of the fsync rate.
//
// The writer never waits to fill a batch: it takes whatever is queued (up to
// MaxBatch), commits, and repeats. Under light load a batch is one signature
// and latency is one commit; under heavy load batches grow by themselves
// while the previous commit is in flight.
type Committer struct {
	s    Store
	opts CommitterOptions

	mu     sync.RWMutex // guards closed and sends on queue against Close
	closed bool
	queue  chan *request
	done   chan struct{} // closed when the writer has drained and exited

	batches, signatures atomic.Int64 // committed transactions and their signatures
	lastCommit          atomic.Int64 // when the last batch ended, Unix nanoseconds (0: never)
	committing          atomic.Bool  // a batch is being committed now (Busy)

	// sigs is the writer's buffer for a batch's signatures, reused from
	// batch to batch (only the writer goroutine touches it) and cleared
	// after each, so it keeps no one's details.
	sigs []*signing.Signature
	// caught is the writer's buffer for a batch's passes, counted by
	// campaign (Pass), reused the same way.
	caught []Caught
	// traps is s as a Traps, nil if it counts no caught form.
	traps Traps

	// deadline is the context batches commit under and renew when it is
	// to be replaced (batchContext); only the writer goroutine touches
	// them.
	deadline context.Context
	cancel   context.CancelFunc // kept for vet; the deadline ends the context
	renew    time.Time
}

// CommitStats counts a Committer's work since it started.
type CommitStats struct {
	// Batches is how many transactions committed; Signatures how many
	// signatures they held (inserted or found already signed).
	// Signatures/Batches is the mean batch size: how many signatures shared
	// each fsync.
	Batches, Signatures int64
	// Queued is how many signatures are waiting for the writer right now.
	Queued int
}

// Stats returns the Committer's counters, for benchmarks and metrics.
func (c *Committer) Stats() CommitStats {
	return CommitStats{Batches: c.batches.Load(), Signatures: c.signatures.Load(), Queued: len(c.queue)}
}

// Request states. A request moves queued → taken when the writer puts it in
// a batch, or queued → abandoned when its signer gives up first; the
// compare-and-swap between the two decides which happened.
const (
	stateQueued int32 = iota
	stateTaken
	stateAbandoned
)

type request struct {
	sig *signing.Signature
	// org and campaign are a pass's (sig nil): the campaign its caught
	// form is counted for.
	org, campaign string
	state         atomic.Int32
	result        chan error // buffered 1: the writer never blocks on a departed signer
}

// NewCommitter starts a Committer's writer goroutine over s. Call Close to
// drain and stop it; Close does not close s.
func NewCommitter(s Store, opts CommitterOptions) *Committer {
	if opts.MaxBatch <= 0 {
		opts.MaxBatch = 512
	}
	if opts.QueueSize <= 0 {
		opts.QueueSize = 4 * opts.MaxBatch
	}
	if opts.CommitTimeout <= 0 {
		opts.CommitTimeout = 30 * time.Second
	}
	c := &Committer{
		s:     s,
		opts:  opts,
		queue: make(chan *request, opts.QueueSize),
		done:  make(chan struct{}),
	}
	c.traps, _ = s.(Traps)
	go c.run()
	return c
}

// Sign stores sig durably and returns nil once the transaction holding it
// has committed; sig.ID is then set. It returns ErrAlreadySigned when the
// campaign already has that email (nothing changed), or the store's error
// when the transaction failed. Only nil means the signature is certainly
// kept, so only nil may be reported to the signer as success.
//
// When a batch's transaction fails, each of its signatures is retried alone
// once, so one signature the database refuses cannot fail the others. A
// batch whose COMMIT was sent but whose answer was lost (the database
// server died at that moment) is in doubt; its retry then finds the rows
// and answers ErrAlreadySigned — which is true — or fails again.
//
// Cancellation: if ctx ends while sig is still queued, Sign withdraws it and
// returns ctx.Err(); it is then certain that sig was NOT stored. If ctx
// ends after the writer has already put sig into a transaction, withdrawing
// is no longer possible, so Sign does not return early: it waits for that
// transaction (bounded by CommitterOptions.CommitTimeout) and returns its
// true outcome. In short: nil means stored; ctx.Err() means not stored;
// ErrAlreadySigned means an earlier signature with that email is stored;
// ErrClosed means not stored; any other error means the store failed and
// the signature must be reported as not recorded (signing again is safe:
// at worst it answers ErrAlreadySigned).
func (c *Committer) Sign(ctx context.Context, sig *signing.Signature) error {
	if sig == nil {
		return errors.New("store: Sign of no signature")
	}
	return c.wait(ctx, sig, "", "")
}

// Pass waits as a signature sent now would — queued, taken into the
// writer's next batch, answered when that batch's transaction ends — and
// stores nothing of the form: a trap (the sign form's honeypot) answers
// after it, so its answer comes on the same signal as a real signature's
// and a bot cannot tell from when it was answered that its form was
// thrown away (internal/web, TestHoneypotWaitsLikeASignature).
//
// The pass is counted for org's campaign in its batch's transaction
// (Traps.AddBatch), so a batch of passes alone still runs one: on a
// quiet site a pass costs a transaction and its fsync as a signature
// does, and during an outage it fails as a signature does (its error is
// then the batch's, and the caller answers as for a signature not
// recorded). A store that counts nothing (no Traps) runs no transaction
// for passes alone.
func (c *Committer) Pass(ctx context.Context, org, campaign string) error {
	return c.wait(ctx, nil, org, campaign)
}

// wait queues sig (nil: a pass of org's campaign) and waits for its
// batch, as Sign says.
func (c *Committer) wait(ctx context.Context, sig *signing.Signature, org, campaign string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	req := requests.Get().(*request)
	req.sig, req.org, req.campaign = sig, org, campaign
	c.mu.RLock()
	if c.closed {
		c.mu.RUnlock()
		req.free()
		return ErrClosed
	}
	select {
	case c.queue <- req:
	case <-ctx.Done():
		c.mu.RUnlock()
		req.free()
		return ctx.Err()
	}
	c.mu.RUnlock()

	select {
	case err := <-req.result:
		req.free()
		return err
	case <-ctx.Done():
		if req.state.CompareAndSwap(stateQueued, stateAbandoned) {
			// The writer may still hold it (it skips an abandoned
			// request): it is left to the collector, never reused.
			return ctx.Err()
		}
		// Already in a committing batch: report what really happened.
		err := <-req.result
		req.free()
		return err
	}
}

// requests keeps Sign's requests for reuse: a signature's request and its
// result channel were two of the Committer's three allocations. Only a
// request whose result its signer has received goes back (free); by then
// the writer has sent its one result and touches it no more.
var requests = sync.Pool{New: func() any { return &request{result: make(chan error, 1)} }}

// free puts r back in requests, holding no signature.
func (r *request) free() {
	r.sig, r.org, r.campaign = nil, "", ""
	r.state.Store(stateQueued)
	requests.Put(r)
}

// Close stops accepting signatures, waits for every queued one to be
// committed (their signers get their true results), and stops the writer.
// It is safe to call more than once.
func (c *Committer) Close() error {
	c.mu.Lock()
	if !c.closed {
		c.closed = true
		close(c.queue)
	}
	c.mu.Unlock()
	<-c.done
	return nil
}

// run is the single writer: block for one request, take whatever else is
// already queued, commit, repeat, until the queue is closed and empty.
func (c *Committer) run() {
	defer close(c.done)
	batch := make([]*request, 0, c.opts.MaxBatch)
	for {
		req, ok := <-c.queue
		if !ok {
			return
		}
		batch = append(batch[:0], req)
	fill:
		for len(batch) < c.opts.MaxBatch {
			select {
			case req, ok := <-c.queue:
				if !ok {
					break fill
				}
				batch = append(batch, req)
			default:
				break fill
			}
		}
		c.committing.Store(true)
		c.commit(batch)
		c.committing.Store(false)
	}
}

// Busy reports whether signatures are arriving: some wait in the queue, a
// batch is being committed (however long its commit takes), or a batch
// ended less than quiet before now. Background writers (the
// outbox's deliveries) check it to leave the single writer and the disk to
// signing during a burst. It takes no lock.
func (c *Committer) Busy(now time.Time, quiet time.Duration) bool {
	if len(c.queue) > 0 || c.committing.Load() {
		return true
	}
	last := c.lastCommit.Load()
	return last != 0 && now.Sub(time.Unix(0, last)) < quiet
}

// commit takes the batch's live requests and stores them. If the
// transaction as a whole fails and held several signatures, each is retried
// in a transaction of its own, so one signature the database refuses cannot
// make the others in its batch fail.
func (c *Committer) commit(batch []*request) {
	live := batch[:0]
	for _, r := range batch {
		if r.state.CompareAndSwap(stateQueued, stateTaken) {
			live = append(live, r)
		}
	}
	if len(live) == 0 {
		return
	}
	if err := c.add(live); err != nil && len(live) > 1 {
		for _, r := range live {
			if err := c.add([]*request{r}); err != nil {
				r.result <- err
			}
		}
	} else if err != nil {
		live[0].result <- err
	}
}

// batchContext is the context a batch commits under: a deadline at least
// CommitTimeout and less than CommitTimeout + 1 s away. The batches of
// one second share it, so a batch pays for no context and timer of its
// own (five allocations, which a lone signature would otherwise carry);
// each ends by its own deadline.
func (c *Committer) batchContext() context.Context {
	now := time.Now()
	if c.deadline == nil || !now.Before(c.renew) {
		c.renew = now.Add(time.Second)
		c.deadline, c.cancel = context.WithDeadline(context.Background(), c.renew.Add(c.opts.CommitTimeout))
	}
	return c.deadline
}

// add runs one transaction and delivers per-signature results on success;
// on failure it delivers nothing and returns the error. A panic in the
// store becomes that batch's error: the writer must survive it, or every
// later signer would wait forever.
func (c *Committer) add(reqs []*request) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("store: AddSignatures panicked: %v", p)
		}
	}()
	sigs, caught := c.sigs[:0], c.caught[:0]
	for _, r := range reqs {
		if r.sig != nil {
			sigs = append(sigs, r.sig)
		} else if c.traps != nil { // a pass (Pass) is counted, nothing more
			caught = addCaught(caught, r.org, r.campaign)
		}
	}
	c.sigs, c.caught = sigs, caught
	defer clear(sigs)
	defer clear(caught)
	if len(sigs) == 0 && len(caught) == 0 {
		for _, r := range reqs {
			r.result <- nil
		}
		return nil
	}
	var results []error
	if len(caught) == 0 {
		// No pass: the batch is AddSignatures' and nothing more.
		results, err = c.s.AddSignatures(c.batchContext(), sigs)
	} else {
		results, err = c.traps.AddBatch(c.batchContext(), sigs, caught)
	}
	// Before any signer hears back, so a signer that returns sees it.
	c.lastCommit.Store(time.Now().UnixNano())
	if err != nil {
		if len(sigs) == 0 {
			return fmt.Errorf("store: committing a batch of caught forms: %w", err)
		}
		return fmt.Errorf("store: committing %d signature(s): %w", len(sigs), err)
	}
	if len(results) != len(sigs) {
		return errors.New("store: AddSignatures returned the wrong number of results")
	}
	c.batches.Add(1)
	c.signatures.Add(int64(len(sigs)))
	i := 0
	for _, r := range reqs {
		if r.sig == nil {
			r.result <- nil
			continue
		}
		r.result <- results[i]
		i++
	}
	return nil
}
