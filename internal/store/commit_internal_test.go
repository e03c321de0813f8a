package store

import (
	"testing"
	"time"
)

// TestBatchContext: a batch commits under a deadline at least
// CommitTimeout and less than CommitTimeout + 1 s away.
func TestBatchContext(t *testing.T) {
	c := &Committer{opts: CommitterOptions{CommitTimeout: time.Minute}}
	for range 3 {
		before := time.Now()
		ctx := c.batchContext()
		after := time.Now()
		dl, ok := ctx.Deadline()
		if !ok || dl.Before(before.Add(time.Minute)) || !dl.Before(after.Add(time.Minute+time.Second)) {
			t.Errorf("deadline %v, want in [%v, %v)", dl, before.Add(time.Minute), after.Add(time.Minute+time.Second))
		}
		if ctx.Err() != nil {
			t.Errorf("ended already: %v", ctx.Err())
		}
	}
}
