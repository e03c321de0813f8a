package postgres_test

import (
	"context"
	"testing"

	"github.com/placard/placard/internal/store/pgtest"
	"github.com/placard/placard/internal/store/postgres"
	"github.com/placard/placard/internal/store/storetest"
)

func openBench(b *testing.B) *postgres.DB {
	b.Helper()
	db, err := postgres.Open(context.Background(), pgtest.DSN(b))
	if err != nil {
		b.Fatalf("Open: %v", err)
	}
	b.Cleanup(func() { db.Close() })
	return db
}

// BenchmarkCommitter: durable signatures per second through the group
// Committer, 64 concurrent signers (synchronous_commit on, fsync on).
func BenchmarkCommitter(b *testing.B) {
	storetest.BenchCommitter(b, openBench(b))
}

// BenchmarkSerial: one signature per transaction, for comparison.
func BenchmarkSerial(b *testing.B) {
	storetest.BenchSerial(b, openBench(b))
}
