package campaign

import (
	"errors"
	"io/fs"
	"os"
	"strings"
	"syscall"
)

// openNoLinks opens name (a valid slash path, readableName's) inside r one
// name at a time with O_NOFOLLOW, so that no symbolic link is followed on
// the way: a link there now was made after the check resolved the path
// through none, and is refused (errChanged) however it was made — os.Root
// alone would follow a link that stays inside r, such as one to the
// organisation's own .git/config. dir opens a folder (to list it); a file
// is opened without waiting (a named pipe opens at once).
func openNoLinks(r *os.Root, name string, dir bool) (*os.File, error) {
	at, err := r.Open(".")
	if err != nil {
		return nil, err
	}
	names := strings.Split(name, "/")
	if name == "." {
		names = nil
	}
	for i, n := range names {
		flags := syscall.O_RDONLY | syscall.O_NOFOLLOW | syscall.O_CLOEXEC
		last := i == len(names)-1
		switch {
		case !last || dir:
			flags |= syscall.O_DIRECTORY
		default:
			flags |= syscall.O_NONBLOCK
		}
		var fd int
		for {
			fd, err = syscall.Openat(int(at.Fd()), n, flags, 0)
			if !errors.Is(err, syscall.EINTR) {
				break
			}
		}
		at.Close()
		if err != nil {
			if errors.Is(err, syscall.ELOOP) || errors.Is(err, syscall.ENOTDIR) && isLink(r, names[:i+1]) {
				err = errChanged
			}
			return nil, &fs.PathError{Op: "open", Path: name, Err: err}
		}
		at = os.NewFile(uintptr(fd), name)
	}
	return at, nil
}

// isLink reports whether the path of names in r is a symbolic link.
func isLink(r *os.Root, names []string) bool {
	info, err := r.Lstat(strings.Join(names, "/"))
	return err == nil && info.Mode()&fs.ModeSymlink != 0
}
