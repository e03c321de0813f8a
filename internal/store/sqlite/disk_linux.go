package sqlite

import (
	"errors"
	"syscall"
)

// stRdonly is statfs's flag for a file system mounted read-only.
const stRdonly = 0x1

// diskProblem reports the file system holding dir as read-only, or as
// having less than min bytes free for an unprivileged writer.
func diskProblem(dir string, min uint64) error {
	var st syscall.Statfs_t
	if err := syscall.Statfs(dir, &st); err != nil {
		return errors.New("cannot read the state of the disk holding the database")
	}
	if st.Flags&stRdonly != 0 {
		return errors.New("the disk holding the database is read-only")
	}
	if st.Bavail*uint64(st.Bsize) < min {
		return errors.New("the disk holding the database is full")
	}
	return nil
}
