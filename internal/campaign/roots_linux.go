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
	top, err := r.Open(".")
	if err != nil || name == "." {
		return top, err
	}
	defer top.Close()
	topFD := int(top.Fd())
	at, rest := topFD, name
	for {
		n, more, found := strings.Cut(rest, "/")
		flags := syscall.O_RDONLY | syscall.O_NOFOLLOW | syscall.O_CLOEXEC
		if found || dir {
			flags |= syscall.O_DIRECTORY
		} else {
			flags |= syscall.O_NONBLOCK
		}
		var fd int
		for {
			fd, err = syscall.Openat(at, n, flags, 0)
			if !errors.Is(err, syscall.EINTR) {
				break
			}
		}
		if at != topFD {
			syscall.Close(at)
		}
		if err != nil {
			if errors.Is(err, syscall.ELOOP) || errors.Is(err, syscall.ENOTDIR) && isLink(r, name[:len(name)-len(rest)+len(n)]) {
				err = errChanged
			}
			return nil, &fs.PathError{Op: "open", Path: name, Err: err}
		}
		if !found {
			return os.NewFile(uintptr(fd), name), nil
		}
		at, rest = fd, more
	}
}

// isLink reports whether p, a path in r, is a symbolic link.
func isLink(r *os.Root, p string) bool {
	info, err := r.Lstat(p)
	return err == nil && info.Mode()&fs.ModeSymlink != 0
}
