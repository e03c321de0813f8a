package postgres_test

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/placard/placard/internal/store/pgtest"
	"github.com/placard/placard/internal/store/postgres"
	"github.com/placard/placard/internal/store/storetest"
)

func openBench(b *testing.B) *postgres.DB {
	b.Helper()
	dsn := pgtest.DSN(b)
	db, err := postgres.Open(context.Background(), dsn)
	if err != nil {
		b.Fatalf("Open: %v", err)
	}
	b.Cleanup(func() { db.Close() })
	serverCost(b, dsn)
	return db
}

// serverCost reports, when the benchmark ends, what the server spent per
// signature: its backends' CPU (user + system, from /proc: the test
// cluster runs on this machine) and the WAL written. Unlike signatures/s
// these barely move when other programs load the machine, so trees can be
// compared on a busy one. It measures from now to the end of the
// benchmark, which includes the setup (Open), negligible beside b.N
// signatures.
func serverCost(b *testing.B, dsn string) {
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		b.Fatal(err)
	}
	// The backends serving placard (application_name, set by Open), and
	// their CPU clock ticks; a backend that exits between two readings
	// takes its ticks with it, so read before Close.
	ticks := func() (t int64) {
		rows, err := conn.Query(ctx, `SELECT pid FROM pg_stat_activity WHERE application_name = 'placard'`)
		if err != nil {
			b.Fatal(err)
		}
		pids, err := pgx.CollectRows(rows, pgx.RowTo[int32])
		if err != nil {
			b.Fatal(err)
		}
		for _, pid := range pids {
			stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
			if err != nil {
				continue
			}
			// Fields after the command's closing parenthesis: utime and
			// stime are the 12th and 13th.
			f := strings.Fields(string(stat[strings.LastIndexByte(string(stat), ')')+1:]))
			if len(f) < 13 {
				continue
			}
			u, _ := strconv.ParseInt(f[11], 10, 64)
			s, _ := strconv.ParseInt(f[12], 10, 64)
			t += u + s
		}
		return t
	}
	lsn := func() (l string) {
		if err := conn.QueryRow(ctx, `SELECT pg_current_wal_lsn()::text`).Scan(&l); err != nil {
			b.Fatal(err)
		}
		return l
	}
	t0, l0 := ticks(), lsn()
	b.Cleanup(func() {
		defer conn.Close(ctx)
		t1, l1 := ticks(), lsn()
		var wal int64
		if err := conn.QueryRow(ctx, `SELECT pg_wal_lsn_diff($1::pg_lsn, $2::pg_lsn)::bigint`, l1, l0).Scan(&wal); err != nil {
			b.Fatal(err)
		}
		// Linux counts CPU in clock ticks of 1/100 s (USER_HZ).
		b.ReportMetric(float64(t1-t0)*1e4/float64(b.N), "server-µs/sig")
		b.ReportMetric(float64(wal)/float64(b.N), "WAL-B/sig")
	})
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
