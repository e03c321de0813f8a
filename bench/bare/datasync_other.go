//go:build !linux

package main

import "os"

// datasync makes f's written bytes durable. Elsewhere than Linux there is
// no fdatasync in package syscall, so it is a full fsync (File.Sync; on
// macOS an fsync, which the disk may still cache): the floor still builds
// and runs there, and measures a little more than a database's log write.
func datasync(f *os.File) error {
	return f.Sync()
}
