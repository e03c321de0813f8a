package main

import (
	"os"
	"syscall"
)

// datasync makes f's written bytes durable with fdatasync, which skips
// the metadata (the modification time) that fsync also writes: what a
// database's log write costs on Linux, the system the floor is measured on.
func datasync(f *os.File) error {
	return syscall.Fdatasync(int(f.Fd()))
}
