package store_test

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/placard/placard/internal/signing"
	"github.com/placard/placard/internal/store"
)

// fakeStore records the batches it is given. It refuses any signature
// named "refuse" by failing the whole transaction, as a database does.
type fakeStore struct {
	store.Store // unused methods panic
	mu          sync.Mutex
	batches     []int
	seen        map[string]bool
	gate        chan struct{} // when non-nil, each AddSignatures waits for a value
	entered     chan int      // when non-nil, each AddSignatures first sends its batch size
}

func (f *fakeStore) AddSignatures(ctx context.Context, sigs []*signing.Signature) ([]error, error) {
	if f.entered != nil {
		f.entered <- len(sigs)
	}
	if f.gate != nil {
		<-f.gate
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.batches = append(f.batches, len(sigs))
	for _, s := range sigs {
		if s.Name == "refuse" {
			return nil, errors.New("refused by the database")
		}
		if s.Name == "panic" {
			panic("driver bug")
		}
	}
	res := make([]error, len(sigs))
	for i, s := range sigs {
		if f.seen[s.Email] {
			res[i] = store.ErrAlreadySigned
			continue
		}
		f.seen[s.Email] = true
		s.ID = int64(len(f.seen))
	}
	return res, nil
}

func sig(email string) *signing.Signature { return &signing.Signature{Email: email, Name: "n"} }

// TestCommitterBatches: signatures queued while a commit is in flight go
// into the next transaction together, up to MaxBatch.
func TestCommitterBatches(t *testing.T) {
	f := &fakeStore{seen: map[string]bool{}, gate: make(chan struct{}), entered: make(chan int, 100)}
	c := store.NewCommitter(f, store.CommitterOptions{MaxBatch: 10})
	var wg sync.WaitGroup
	// The first signature's commit is let through; the second's is held at
	// the gate, so the writer is busy while 25 more queue up.
	wg.Go(func() { c.Sign(context.Background(), sig("first@x")) })
	<-f.entered
	f.gate <- struct{}{}
	wg.Go(func() { c.Sign(context.Background(), sig("second@x")) })
	<-f.entered
	errs := make([]error, 25)
	for i := range errs {
		wg.Go(func() { errs[i] = c.Sign(context.Background(), sig(fmt.Sprintf("q%d@x", i))) })
	}
	for c.Stats().Queued < 25 {
		runtime.Gosched()
	}
	go func() {
		for range 4 { // second's commit, then 10 + 10 + 5
			f.gate <- struct{}{}
		}
	}()
	wg.Wait()
	c.Close()
	for i, err := range errs {
		if err != nil {
			t.Errorf("signature %d: got %v, want nil", i, err)
		}
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	total := 0
	for _, n := range f.batches {
		if n > 10 {
			t.Errorf("batch of %d, want at most MaxBatch 10", n)
		}
		total += n
	}
	if total != 27 {
		t.Errorf("signatures committed: got %d, want 27", total)
	}
	// first, second, then 25 queued at once: 10 + 10 + 5.
	if want := []int{1, 1, 10, 10, 5}; fmt.Sprint(f.batches) != fmt.Sprint(want) {
		t.Errorf("batch sizes: got %v, want %v", f.batches, want)
	}
	if st := c.Stats(); st.Signatures != 27 || st.Batches != int64(len(f.batches)) {
		t.Errorf("Stats: got %+v, want 27 signatures in %d batches", st, len(f.batches))
	}
}

// TestCommitterRefusedAlone: a signature that makes its transaction fail
// fails alone; the others of its batch are committed.
func TestCommitterRefusedAlone(t *testing.T) {
	f := &fakeStore{seen: map[string]bool{}}
	c := store.NewCommitter(f, store.CommitterOptions{})
	defer c.Close()
	var wg sync.WaitGroup
	errs := make([]error, 50)
	for i := range errs {
		wg.Go(func() {
			s := sig(fmt.Sprintf("s%d@x", i))
			if i == 7 {
				s.Name = "refuse"
			}
			errs[i] = c.Sign(context.Background(), s)
		})
	}
	wg.Wait()
	for i, err := range errs {
		if i == 7 {
			if err == nil || errors.Is(err, store.ErrAlreadySigned) {
				t.Errorf("refused signature: got %v, want the store's error", err)
			}
		} else if err != nil {
			t.Errorf("signature %d: got %v, want nil", i, err)
		}
	}
}

// TestCommitterSurvivesPanic: a store that panics fails that signature; the
// writer lives on and later signatures are stored.
func TestCommitterSurvivesPanic(t *testing.T) {
	f := &fakeStore{seen: map[string]bool{}}
	c := store.NewCommitter(f, store.CommitterOptions{})
	defer c.Close()
	bad := sig("bad@x")
	bad.Name = "panic"
	if err := c.Sign(context.Background(), bad); err == nil {
		t.Errorf("signature whose store call panicked: got nil, want an error")
	}
	if err := c.Sign(context.Background(), sig("after@x")); err != nil {
		t.Errorf("signature after a panic: got %v, want nil", err)
	}
}

// TestCommitterBusy checks that the committer counts as busy for quiet
// after a batch ends, and not before its first.
func TestCommitterBusy(t *testing.T) {
	c := store.NewCommitter(&fakeStore{seen: map[string]bool{}}, store.CommitterOptions{})
	defer c.Close()
	if c.Busy(time.Now(), time.Hour) {
		t.Fatal("a committer that never committed is busy")
	}
	if err := c.Sign(context.Background(), sig("a@example.org")); err != nil {
		t.Fatal(err)
	}
	if !c.Busy(time.Now(), time.Hour) {
		t.Error("not busy within the quiet window after a commit")
	}
	if c.Busy(time.Now().Add(2*time.Hour), time.Hour) {
		t.Error("still busy after the quiet window")
	}
}

// TestCommitterPass: a pass rides the writer's next batch as a signature
// sent at the same moment does and is answered only when that batch's
// transaction ends, storing nothing; with a store that counts no caught
// form, passes alone run no transaction.
func TestCommitterPass(t *testing.T) {
	f := &fakeStore{seen: map[string]bool{}, gate: make(chan struct{}), entered: make(chan int, 10)}
	c := store.NewCommitter(f, store.CommitterOptions{})
	defer c.Close()
	var wg sync.WaitGroup
	// The writer is held in a first batch while a pass and a signature queue.
	wg.Go(func() { c.Sign(context.Background(), sig("first@x")) })
	<-f.entered
	passed := make(chan error, 1)
	var second error
	wg.Go(func() { passed <- c.Pass(context.Background(), "o", "c") })
	wg.Go(func() { second = c.Sign(context.Background(), sig("second@x")) })
	for c.Stats().Queued < 2 {
		runtime.Gosched()
	}
	f.gate <- struct{}{} // the first batch ends
	if n := <-f.entered; n != 1 {
		t.Errorf("the batch with the pass gave the store %d signatures, want 1 (the pass stores nothing)", n)
	}
	// The next batch is in its transaction: the pass has not been answered.
	select {
	case err := <-passed:
		t.Fatalf("the pass returned (%v) before its batch's transaction ended", err)
	default:
	}
	f.gate <- struct{}{}
	if err := <-passed; err != nil {
		t.Errorf("Pass: %v", err)
	}
	wg.Wait()
	if second != nil {
		t.Errorf("the signature beside the pass: %v", second)
	}
	if st := c.Stats(); st.Signatures != 2 || st.Batches != 2 {
		t.Errorf("Stats: got %+v, want 2 signatures in 2 batches", st)
	}
	// A pass alone: answered, and a store that counts no caught form
	// (no store.Traps) is not called.
	f.gate = nil
	if err := c.Pass(context.Background(), "o", "c"); err != nil {
		t.Errorf("a lone pass: %v", err)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if fmt.Sprint(f.batches) != "[1 1]" {
		t.Errorf("batches: got %v, want [1 1]", f.batches)
	}
}

// trapStore is a fakeStore that counts caught forms (store.Traps): each
// AddBatch is one transaction, failing as a whole while down.
type trapStore struct {
	fakeStore
	down   bool
	caught [][]store.Caught // each AddBatch's caught, as given
}

func (f *trapStore) AddBatch(ctx context.Context, sigs []*signing.Signature, caught []store.Caught) ([]error, error) {
	f.mu.Lock()
	f.caught = append(f.caught, slices.Clone(caught))
	down := f.down
	f.mu.Unlock()
	if down {
		return nil, errors.New("the disk is full")
	}
	return f.fakeStore.AddSignatures(ctx, sigs)
}

func (f *trapStore) AddSignatures(ctx context.Context, sigs []*signing.Signature) ([]error, error) {
	f.mu.Lock()
	down := f.down
	f.mu.Unlock()
	if down {
		return nil, errors.New("the disk is full")
	}
	return f.fakeStore.AddSignatures(ctx, sigs)
}

func (f *trapStore) CaughtCounts(context.Context, string) (map[string]int, error) { return nil, nil }

// TestCommitterPassCounted: with a store that counts caught forms
// (store.Traps), a pass alone runs a transaction of its own counting it
// for its campaign — on a quiet site it costs what a signature costs —
// and passes sharing a batch are counted in its one transaction, by
// campaign. While the store is down a pass fails as a signature does. A
// batch with no pass is AddSignatures' alone. Failed before: a lone pass
// was answered nil without calling the store at all, even while every
// signature failed.
func TestCommitterPassCounted(t *testing.T) {
	f := &trapStore{fakeStore: fakeStore{seen: map[string]bool{}}}
	c := store.NewCommitter(f, store.CommitterOptions{})
	defer c.Close()
	ctx := context.Background()
	if err := c.Pass(ctx, "o", "c"); err != nil {
		t.Fatalf("a lone pass: %v", err)
	}
	f.mu.Lock()
	if fmt.Sprint(f.caught) != "[[{o c 1}]]" || fmt.Sprint(f.batches) != "[0]" {
		t.Errorf("a lone pass: AddBatch given %v, batches %v; want one transaction counting [{o c 1}] with no signature", f.caught, f.batches)
	}
	f.mu.Unlock()

	// A signature alone: AddSignatures, no AddBatch.
	if err := c.Sign(ctx, sig("ann@x")); err != nil {
		t.Fatalf("Sign: %v", err)
	}
	f.mu.Lock()
	if len(f.caught) != 1 {
		t.Errorf("a batch with no pass went through AddBatch: %v", f.caught)
	}
	f.mu.Unlock()

	// Passes and a signature in one batch: one transaction, by campaign.
	f.gate, f.entered = make(chan struct{}), make(chan int, 10)
	var wg sync.WaitGroup
	wg.Go(func() { c.Sign(ctx, sig("first@x")) })
	<-f.entered // the writer is held in a first batch
	errs := make(chan error, 4)
	for _, camp := range []string{"c", "d", "c"} {
		wg.Go(func() { errs <- c.Pass(ctx, "o", camp) })
	}
	wg.Go(func() { errs <- c.Sign(ctx, sig("second@x")) })
	for c.Stats().Queued < 4 {
		runtime.Gosched()
	}
	f.gate <- struct{}{}
	if n := <-f.entered; n != 1 {
		t.Errorf("the batch with three passes gave the store %d signatures, want 1", n)
	}
	f.gate <- struct{}{}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Errorf("beside the passes: %v", err)
		}
	}
	f.mu.Lock()
	if got := fmt.Sprint(f.caught[len(f.caught)-1]); got != "[{o c 2} {o d 1}]" && got != "[{o d 1} {o c 2}]" {
		t.Errorf("the shared batch counted %s, want o/c 2 and o/d 1", got)
	}
	f.gate, f.entered = nil, nil
	f.down = true
	f.mu.Unlock()

	// The store is down: the pass fails as the signature does.
	if err := c.Sign(ctx, sig("down@x")); err == nil {
		t.Error("a signature while the store is down: nil")
	}
	if err := c.Pass(ctx, "o", "c"); err == nil {
		t.Error("a pass while the store is down: nil, while a signature fails")
	}
}
