//go:build !linux

package campaign

import (
	"io/fs"
	"os"
	"strings"
	"syscall"
)

// openNoLinks opens name inside r and refuses it (errChanged) when a name
// on the way is a symbolic link, or the file opened is not the one name
// names now. On Linux each name is opened with O_NOFOLLOW
// (roots_linux.go); here os.Root follows links that stay inside r, and the
// look afterwards stands in for it.
func openNoLinks(r *os.Root, name string, dir bool) (*os.File, error) {
	f, err := r.OpenFile(name, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		return nil, err
	}
	opened, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, err
	}
	names := strings.Split(name, "/")
	for i := range names {
		info, err := r.Lstat(strings.Join(names[:i+1], "/"))
		if err != nil || info.Mode()&fs.ModeSymlink != 0 || i == len(names)-1 && !os.SameFile(opened, info) {
			f.Close()
			return nil, &fs.PathError{Op: "open", Path: name, Err: errChanged}
		}
	}
	return f, nil
}
