package store_test

import (
	"context"
	"runtime"
	"testing"
	"time"

	"github.com/placard/placard/internal/store"
)

// TestCommitterBusyWhileCommitting: a batch whose commit takes longer than
// the quiet window (a slow fsync, a checkpoint) keeps the committer busy,
// though nothing waits in the queue: the outbox's deliveries must not take
// the writer from it. Before, Busy said no, and the worker claimed a batch
// in the middle of a burst of signing.
func TestCommitterBusyWhileCommitting(t *testing.T) {
	f := &fakeStore{seen: map[string]bool{}, gate: make(chan struct{}), entered: make(chan int, 1)}
	c := store.NewCommitter(f, store.CommitterOptions{})
	defer c.Close()
	done := make(chan error, 1)
	go func() { done <- c.Sign(context.Background(), sig("slow@example.org")) }()
	<-f.entered // the batch is in the store; the queue is empty
	if !c.Busy(time.Now().Add(time.Hour), time.Millisecond) {
		t.Error("not busy while a batch is being committed")
	}
	f.gate <- struct{}{}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	// The writer marks the batch over right after its signers hear back.
	deadline := time.Now().Add(10 * time.Second)
	for c.Busy(time.Now().Add(time.Hour), time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("still busy after the commit and the quiet window")
		}
		runtime.Gosched()
	}
}
