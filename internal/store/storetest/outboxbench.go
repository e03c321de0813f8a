package storetest

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/placard/placard/internal/signing"
	"github.com/placard/placard/internal/store"
)

// BenchBatchOutbox measures what the outbox adds to a committed batch of
// 64 signatures (issue 14: signing with the outbox on within 5% of
// without), on a store open returns. "off" signs without messages;
// "email" gives every signature its thank-you email, built as the sign
// handler builds it: thanks (mail.NewMessage, given by the caller, since
// this package cannot import mail without a cycle in other tests). With processCPU it also reports the process's CPU
// per signature (user + system, getrusage: for SQLite the writer, its
// fsyncs and the checkpointer, during AddSignatures and the messages'
// making), which compares on a loaded machine: run the two one after the
// other.
func BenchBatchOutbox(b *testing.B, open func(*testing.B) store.Store, thanks func(*signing.Signature) signing.Message, processCPU bool) {
	for _, withMail := range []bool{false, true} {
		name := "off"
		if withMail {
			name = "email"
		}
		b.Run(name, func(b *testing.B) {
			db := open(b)
			ctx := context.Background()
			const size = 64
			n := 0
			batch := func() []*signing.Signature {
				sigs := make([]*signing.Signature, size)
				for i := range sigs {
					n++
					sigs[i] = Sig("northgate-tenants", "tell-the-courier", fmt.Sprintf("signer-%d@example.org", n))
				}
				return sigs
			}
			// Warm up: the statements are prepared and cached.
			if _, err := db.AddSignatures(ctx, batch()); err != nil {
				b.Fatal(err)
			}
			var cpu time.Duration
			signed := 0
			b.ReportAllocs()
			b.ResetTimer()
			for done := 0; done < b.N; done += size {
				b.StopTimer()
				sigs := batch()
				var before time.Duration
				if processCPU {
					before = rusage(b)
				}
				b.StartTimer()
				if withMail {
					for _, s := range sigs {
						s.Outbox = append(s.Outbox, thanks(s))
					}
				}
				if _, err := db.AddSignatures(ctx, sigs); err != nil {
					b.Fatal(err)
				}
				if processCPU {
					b.StopTimer()
					cpu += rusage(b) - before
					signed += size
					b.StartTimer()
				}
			}
			if processCPU {
				b.ReportMetric(float64(cpu.Microseconds())/float64(signed), "cpu-µs/sig")
			}
		})
	}
}
