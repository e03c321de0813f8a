//go:build unix

package storetest

import (
	"syscall"
	"testing"
	"time"
)

// rusage is the process's CPU time so far, user and system.
func rusage(b *testing.B) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
