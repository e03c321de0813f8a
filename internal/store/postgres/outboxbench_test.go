package postgres_test

import (
	"testing"

	"github.com/placard/placard/internal/mail"
	"github.com/placard/placard/internal/signing"
	"github.com/placard/placard/internal/store"
	"github.com/placard/placard/internal/store/storetest"
)

// BenchmarkBatchOutbox: what the outbox adds to a committed batch of 64
// signatures (storetest.BenchBatchOutbox), with the server's CPU and WAL
// per signature (serverCost), which compare on a loaded machine: run off
// and email one after the other. Measured with a thank-you email per
// signature, off and email alternating: before bundles (5c09de8) 15.9 →
// 24.8 server-µs/sig and 700 → 1,253 WAL-B/sig; with bundles 16.1 → 18.2
// µs and 700 → 738 B.
func BenchmarkBatchOutbox(b *testing.B) {
	storetest.BenchBatchOutbox(b, func(b *testing.B) store.Store { return openBench(b) }, thanks, false)
}

// thanks is the thank-you email the sign handler gives a signature.
func thanks(s *signing.Signature) signing.Message {
	return mail.NewMessage(mail.Payload{Template: mail.TemplateThanks,
		Lang: s.Lang, Org: s.Org, Campaign: s.Campaign, To: s.Email, Ref: "abcdefghijklm"})
}
