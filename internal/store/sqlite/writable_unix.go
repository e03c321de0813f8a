//go:build unix

package sqlite

import (
	"fmt"
	"os"
	"syscall"
)

// folderWritable reports whether this process may create files in dir
// (access(2) with W_OK: EROFS on a read-only disk, EACCES without the
// permission).
func folderWritable(dir string) error {
	const wOK = 0x2
	if err := syscall.Access(dir, wOK); err != nil {
		return &os.PathError{Op: "access", Path: dir, Err: err}
	}
	return nil
}

// owners says who placard runs as and who owns path, by number.
func owners(path string) string {
	fi, err := os.Stat(path)
	if err != nil {
		return ""
	}
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return ""
	}
	return fmt.Sprintf(" (placard runs as user id %d; it belongs to user id %d)", os.Geteuid(), st.Uid)
}
