package sqlite

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/placard/placard/internal/signing"
	"github.com/placard/placard/internal/store/storetest"
)

// The pages a batch writes (issue 12): every page a transaction dirties
// is one frame of the write-ahead log, written and fsynced at its commit
// and copied again into the file by the next checkpoint. Rows keyed by
// something random (an email, a link's token) land on a page of their own
// once the table outgrows a batch, so each such index costs about a page
// per row; rows keyed by a growing id share the last page. These budgets
// are counted on a database already holding pagesPreload signatures and
// links, so the random keys are spread over many pages as in production;
// the keys come from a fixed seed, so the counts are the same every run.
const (
	// budgetFramesPerSigBatch bounds the WAL frames of one batch of
	// batchSize signatures (random addresses) to one campaign (measured: 76).
	budgetFramesPerSigBatch = 80
	// budgetFramesPerLinkBatch bounds the WAL frames of one batch of
	// batchSize personal links (random tokens) to one campaign (measured:
	// 142 with the UNIQUE index on secret_hash, 79 without).
	budgetFramesPerLinkBatch = 84
	// pagesPreload is how many signatures and links are stored first.
	pagesPreload = 20000
)

// workload makes the signatures and links of the signing benchmark:
// random addresses and tokens from a fixed seed.
type workload struct {
	rnd *rand.Rand
	n   int
}

func newWorkload() *workload { return &workload{rnd: rand.New(rand.NewPCG(12, 1))} }

const b32chars = "abcdefghijklmnopqrstuvwxyz234567"

func (w *workload) word(n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = b32chars[w.rnd.IntN(len(b32chars))]
	}
	return string(b)
}

func (w *workload) sigs(n int) []*signing.Signature {
	out := make([]*signing.Signature, n)
	for i := range out {
		w.n++
		out[i] = storetest.Sig("o", "c", fmt.Sprintf("%s.%d@example.org", w.word(12), w.n))
		out[i].Postcode = "N1 9GU"
	}
	return out
}

func (w *workload) links(n int) []signing.Referral {
	out := make([]signing.Referral, n)
	for i := range out {
		out[i].Token = w.word(10)
		for j := range out[i].SecretHash {
			out[i].SecretHash[j] = byte(w.rnd.Uint32())
		}
	}
	return out
}

// walFrames empties the WAL (TRUNCATE checkpoint: the caller holds no
// reader), runs fn, and returns how many frames fn's commits appended.
func walFrames(t testing.TB, db *DB, fn func()) int {
	t.Helper()
	if err := db.wipe(context.Background()); err != nil {
		t.Fatal(err)
	}
	fn()
	var pageSize int
	if err := db.w.QueryRow(`PRAGMA page_size`).Scan(&pageSize); err != nil {
		t.Fatal(err)
	}
	var seq int
	var name, path string
	if err := db.w.QueryRow(`PRAGMA database_list`).Scan(&seq, &name, &path); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(path + "-wal")
	if err != nil {
		t.Fatal(err)
	}
	// A WAL is a 32-byte header, then a 24-byte header and a page per frame.
	return int((fi.Size() - 32) / int64(pageSize+24))
}

// openPreloaded opens a database with the checkpointer stopped, holding
// pagesPreload signatures and links of the workload.
func openPreloaded(t testing.TB) (*DB, *workload) {
	t.Helper()
	ctx := context.Background()
	db, err := Open(ctx, filepath.Join(t.TempDir(), "pages.db"))
	if err != nil {
		t.Fatal(err)
	}
	close(db.stop)
	<-db.stopped
	db.stop = nil
	t.Cleanup(func() { db.Close() })
	w := newWorkload()
	for i := 0; i < pagesPreload; i += 128 {
		if _, err := db.AddSignatures(ctx, w.sigs(128)); err != nil {
			t.Fatal(err)
		}
		if _, err := db.AddLinks(ctx, "o", "c", w.links(128)); err != nil {
			t.Fatal(err)
		}
	}
	return db, w
}

// TestSigningPages: one batch of signatures, and one of personal links,
// write at most their budget of pages.
func TestSigningPages(t *testing.T) {
	if testing.Short() {
		t.Skip("preloads 20,000 signatures")
	}
	ctx := context.Background()
	db, w := openPreloaded(t)
	sigs, links := w.sigs(batchSize), w.links(batchSize)
	sf := walFrames(t, db, func() {
		if _, err := db.AddSignatures(ctx, sigs); err != nil {
			t.Fatal(err)
		}
	})
	lf := walFrames(t, db, func() {
		if _, err := db.AddLinks(ctx, "o", "c", links); err != nil {
			t.Fatal(err)
		}
	})
	t.Logf("a batch of %d signatures writes %d pages (budget %d); a batch of %d links %d (budget %d)",
		batchSize, sf, budgetFramesPerSigBatch, batchSize, lf, budgetFramesPerLinkBatch)
	if sf > budgetFramesPerSigBatch {
		t.Errorf("a batch of %d signatures writes %d pages; budget %d", batchSize, sf, budgetFramesPerSigBatch)
	}
	if lf > budgetFramesPerLinkBatch {
		t.Errorf("a batch of %d personal links writes %d pages; budget %d", batchSize, lf, budgetFramesPerLinkBatch)
	}
}

// BenchmarkSigningWrites is the writer's share of signing under load, for
// a CPU profile: per op, one batch of batchSize signatures and one of
// batchSize personal links (every signer takes a link), each its own
// durable transaction, on a database already holding pagesPreload of each.
//
//	go test ./internal/store/sqlite -run XXX -bench SigningWrites -cpuprofile cpu.out
func BenchmarkSigningWrites(b *testing.B) {
	ctx := context.Background()
	db, w := openPreloaded(b)
	b.ReportAllocs()
	r0, w0 := ioCalls()
	b.ResetTimer()
	for i := range b.N {
		b.StopTimer()
		sigs, links := w.sigs(batchSize), w.links(batchSize)
		b.StartTimer()
		if _, err := db.AddSignatures(ctx, sigs); err != nil {
			b.Fatal(err)
		}
		if _, err := db.AddLinks(ctx, "o", "c", links); err != nil {
			b.Fatal(err)
		}
		if i%8 == 7 { // the checkpointer's share
			db.passiveCheckpoint()
		}
	}
	b.StopTimer()
	b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N*batchSize), "µs/sig")
	if r1, w1 := ioCalls(); r1 > 0 {
		b.ReportMetric(float64(r1-r0)/float64(b.N*batchSize), "reads/sig")
		b.ReportMetric(float64(w1-w0)/float64(b.N*batchSize), "writes/sig")
	}
}

// ioCalls is the read and write system calls this process has made so far
// (Linux's /proc/self/io; zeros elsewhere).
func ioCalls() (reads, writes int64) {
	b, err := os.ReadFile("/proc/self/io")
	if err != nil {
		return 0, 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "syscr: "); ok {
			reads, _ = strconv.ParseInt(v, 10, 64)
		}
		if v, ok := strings.CutPrefix(line, "syscw: "); ok {
			writes, _ = strconv.ParseInt(v, 10, 64)
		}
	}
	return reads, writes
}
