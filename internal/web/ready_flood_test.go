package web

import (
	"context"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/placard/placard/internal/store"
)

// slowReadyStore counts the Ready calls running at once; each takes a
// while, as a commit waiting on a row lock or an fsync does.
type slowReadyStore struct {
	store.Store
	running, most, calls atomic.Int32
}

func (s *slowReadyStore) Ready(ctx context.Context) error {
	n := s.running.Add(1)
	defer s.running.Add(-1)
	s.calls.Add(1)
	for {
		m := s.most.Load()
		if n <= m || s.most.CompareAndSwap(m, n) {
			break
		}
	}
	time.Sleep(50 * time.Millisecond)
	return nil
}

// TestReadyzFloodOneCommitAtATime: /readyz is public and each probe is a
// real commit to one heartbeat row. Many probes at once must not each take
// a database connection and queue a commit (on PostgreSQL they serialise on
// the row lock while holding pool connections the signatures need; on
// SQLite they queue on the one writer): probes arriving while one is
// running share its answer. Before the fix, 40 concurrent probes ran 40
// Ready calls, dozens at once.
func TestReadyzFloodOneCommitAtATime(t *testing.T) {
	st := &slowReadyStore{Store: openSQLite(t)}
	e := newSignEnv(t, st, nil)
	var wg sync.WaitGroup
	for range 40 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			res := get(t, e.s, "GET", "/readyz", nil)
			if res.StatusCode != http.StatusOK {
				t.Errorf("/readyz: got %d, want 200", res.StatusCode)
			}
		}()
	}
	wg.Wait()
	if most := st.most.Load(); most != 1 {
		t.Errorf("at most %d Ready calls ran at once, want 1", most)
	}
	if calls := st.calls.Load(); calls > 20 {
		t.Errorf("%d Ready calls for 40 simultaneous probes, want them to share", calls)
	}
}
