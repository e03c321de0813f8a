package web

import (
	"os"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// procStat is what the kernel counted for this process: CPU time (user
// and system) and read/write system calls (/proc/self/io; zero where
// there is none). Unlike wall time, these barely move when other programs
// load the machine, so benchmarks report them per operation.
type procStat struct {
	cpu          time.Duration
	reads, write int64
}

func readProcStat() procStat {
	var st procStat
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) == nil {
		st.cpu = time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
	}
	if b, err := os.ReadFile("/proc/self/io"); err == nil {
		for line := range strings.SplitSeq(string(b), "\n") {
			k, v, _ := strings.Cut(line, ": ")
			n, _ := strconv.ParseInt(v, 10, 64)
			switch k {
			case "syscr":
				st.reads = n
			case "syscw":
				st.write = n
			}
		}
	}
	return st
}

// report adds the CPU time and system calls since st per op of n.
func (st procStat) report(b *testing.B, n int64, op string) {
	if n <= 0 {
		return
	}
	now := readProcStat()
	b.ReportMetric(float64(now.cpu-st.cpu)/float64(time.Microsecond)/float64(n), "cpu-µs/"+op)
	if now.reads > 0 {
		b.ReportMetric(float64(now.reads-st.reads)/float64(n), "reads/"+op)
		b.ReportMetric(float64(now.write-st.write)/float64(n), "writes/"+op)
	}
}
