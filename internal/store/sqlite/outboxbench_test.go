package sqlite_test

import (
	"testing"

	"github.com/placard/placard/internal/store"
	"github.com/placard/placard/internal/store/storetest"
)

// BenchmarkBatchOutbox: what the outbox adds to a committed batch of 64
// signatures, with the process's CPU per signature (storetest.BenchBatchOutbox).
// `go test ./internal/store/sqlite -run XXX -bench BatchOutbox -benchtime 40000x`.
func BenchmarkBatchOutbox(b *testing.B) {
	storetest.BenchBatchOutbox(b, func(b *testing.B) store.Store { return openTemp(b) }, true)
}
