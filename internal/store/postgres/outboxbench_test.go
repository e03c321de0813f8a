package postgres_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/placard/placard/internal/mail"
	"github.com/placard/placard/internal/signing"
	"github.com/placard/placard/internal/store/storetest"
)

// BenchmarkBatchOutbox: what the outbox adds to a committed batch of 64
// signatures (issue 14: signing with the outbox on within 5% of without).
// "off" signs without messages; "email" gives every signature its
// thank-you email, built as the sign handler builds it. Both report the
// server's CPU and WAL per signature (serverCost), which compare on a
// loaded machine: run them one after the other. Measured with a thank-you
// email per signature, off and email alternating: before bundles
// (5c09de8) 15.9 → 24.8 server-µs/sig and 700 → 1,253 WAL-B/sig; with
// bundles 16.1 → 18.2 µs and 700 → 738 B.
func BenchmarkBatchOutbox(b *testing.B) {
	for _, withMail := range []bool{false, true} {
		name := "off"
		if withMail {
			name = "email"
		}
		b.Run(name, func(b *testing.B) {
			db := openBench(b)
			ctx := context.Background()
			const size = 64
			n := 0
			batch := func() []*signing.Signature {
				sigs := make([]*signing.Signature, size)
				for i := range sigs {
					n++
					sigs[i] = storetest.Sig("northgate-tenants", "tell-the-courier", fmt.Sprintf("signer-%d@example.org", n))
				}
				return sigs
			}
			// Warm up: the statement is prepared and cached.
			if _, err := db.AddSignatures(ctx, batch()); err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			b.ResetTimer()
			for done := 0; done < b.N; done += size {
				b.StopTimer()
				sigs := batch()
				b.StartTimer()
				if withMail {
					for _, s := range sigs {
						s.Outbox = append(s.Outbox, mail.NewMessage(mail.Payload{Template: mail.TemplateThanks,
							Lang: s.Lang, Org: s.Org, Campaign: s.Campaign, To: s.Email, Ref: "abcdefghijklm"}))
					}
				}
				if _, err := db.AddSignatures(ctx, sigs); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
