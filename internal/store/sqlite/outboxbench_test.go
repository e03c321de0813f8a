package sqlite_test

import (
	"testing"

	"github.com/placard/placard/internal/mail"
	"github.com/placard/placard/internal/signing"
	"github.com/placard/placard/internal/store"
	"github.com/placard/placard/internal/store/storetest"
)

// BenchmarkBatchOutbox: what the outbox adds to a committed batch of 64
// signatures, with the process's CPU per signature (storetest.BenchBatchOutbox).
// `go test ./internal/store/sqlite -run XXX -bench BatchOutbox -benchtime 40000x`.
func BenchmarkBatchOutbox(b *testing.B) {
	storetest.BenchBatchOutbox(b, func(b *testing.B) store.Store { return openTemp(b) }, thanks, true)
}

// thanks is the thank-you email the sign handler gives a signature.
func thanks(s *signing.Signature) signing.Message {
	return mail.NewMessage(mail.Payload{Template: mail.TemplateThanks,
		Lang: s.Lang, Org: s.Org, Campaign: s.Campaign, To: s.Email, Ref: "abcdefghijklm"})
}
