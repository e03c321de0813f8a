package storetest

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/placard/placard/internal/signing"
	"github.com/placard/placard/internal/store"
)

// Signers is how many concurrent signers BenchCommitter runs: the issue's
// end-to-end benchmark uses 64 as well, so the figures compare.
const Signers = 64

// BenchCommitter measures durable signatures per second through a
// Committer over s with Signers goroutines each signing in a loop, every
// signature a distinct email (an insert, never a duplicate). It reports
// "signatures/s", the 99th percentile of Sign's latency ("p99-ms") and the
// mean batch size the writer formed ("sigs/batch").
func BenchCommitter(b *testing.B, s store.Store) {
	b.Helper()
	c := store.NewCommitter(s, store.CommitterOptions{})
	ctx := context.Background()
	var next atomic.Int64
	var wg sync.WaitGroup
	var failed atomic.Int64
	lat := make([][]time.Duration, Signers)
	b.ResetTimer()
	for w := range Signers {
		wg.Go(func() {
			for {
				i := next.Add(1)
				if i > int64(b.N) {
					return
				}
				sig := Sig("bench", "c", fmt.Sprintf("%d-%d@example.org", w, i))
				start := time.Now()
				if err := c.Sign(ctx, sig); err != nil {
					failed.Add(1)
				}
				lat[w] = append(lat[w], time.Since(start))
			}
		})
	}
	wg.Wait()
	b.StopTimer()
	all := slices.Concat(lat...)
	slices.Sort(all)
	if len(all) > 0 {
		b.ReportMetric(float64(all[len(all)*99/100].Microseconds())/1000, "p99-ms")
	}
	c.Close()
	if n := failed.Load(); n > 0 {
		b.Fatalf("%d of %d signatures failed", n, b.N)
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "signatures/s")
	if st := c.Stats(); st.Batches > 0 {
		b.ReportMetric(float64(st.Signatures)/float64(st.Batches), "sigs/batch")
	}
}

// BenchSerial measures one signature per transaction, with no group
// commit: the rate a store reaches when every signature pays its own
// fsync. Beside BenchCommitter it shows what batching buys.
func BenchSerial(b *testing.B, s store.Store) {
	b.Helper()
	ctx := context.Background()
	b.ResetTimer()
	for i := range b.N {
		res, err := s.AddSignatures(ctx, []*signing.Signature{Sig("bench", "serial", fmt.Sprintf("%d@example.org", i))})
		if err != nil || res[0] != nil {
			b.Fatalf("AddSignatures: %v %v", err, res)
		}
	}
	b.StopTimer()
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "signatures/s")
}
