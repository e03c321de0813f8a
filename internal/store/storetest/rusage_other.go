//go:build !unix

package storetest

import (
	"testing"
	"time"
)

// rusage would be the process's CPU time so far; there is no getrusage
// here (Windows, Plan 9), so a benchmark that asks for CPU per signature
// stops and says so rather than report a figure it did not measure.
func rusage(b *testing.B) time.Duration {
	b.Fatal("the process's CPU time needs getrusage, which only Unix systems have: run this benchmark without processCPU here")
	return 0
}
