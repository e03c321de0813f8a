package sqlite_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/placard/placard/internal/store/storetest"
)

// BenchmarkCommitter: durable signatures per second through the group
// Committer, 64 concurrent signers, on a file in the temp folder.
func BenchmarkCommitter(b *testing.B) {
	storetest.BenchCommitter(b, openTemp(b))
}

// BenchmarkSerial: one signature per transaction (one fsync each), for
// comparison with BenchmarkCommitter.
func BenchmarkSerial(b *testing.B) {
	storetest.BenchSerial(b, openTemp(b))
}

// BenchmarkFsync is the disk's raw durable-write rate: append 4 KiB to a
// file in the same temp folder the databases use, then fsync, repeatedly.
// A store that acknowledged one signature per fsync could go no faster.
func BenchmarkFsync(b *testing.B) {
	f, err := os.Create(filepath.Join(b.TempDir(), "fsync.bin"))
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	buf := make([]byte, 4096)
	for i := range buf {
		buf[i] = byte(i)
	}
	b.ResetTimer()
	for range b.N {
		if _, err := f.Write(buf); err != nil {
			b.Fatal(err)
		}
		if err := f.Sync(); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "fsyncs/s")
}
