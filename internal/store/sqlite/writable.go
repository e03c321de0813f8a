package sqlite

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
)

// checkWritable refuses, before SQLite sees it, a database that placard
// could not write: a file on a disk mounted read-only, a file the user
// placard runs as cannot write (SQLite would quietly open it read-only:
// serve started, and every signature failed), or a folder it cannot
// create files in (SQLite keeps its -wal and -shm files beside the
// database). Its messages name the file and the fix, for an operator
// who is not a programmer. abs is the database's absolute path; path as
// the operator gave it. It creates nothing.
func checkWritable(abs, path string) error {
	// A path that is a symlink is opened where it points: SQLite follows
	// the link and keeps its -wal and -shm files beside the file itself,
	// so that file's folder is the one to check, not the link's
	// (TestOpenThroughSymlink).
	if real, err := filepath.EvalSymlinks(abs); err == nil {
		abs = real
	}
	dir := filepath.Dir(abs)
	if err := folderWritable(dir); err != nil {
		if errors.Is(err, syscall.EROFS) {
			return readOnlyDisk(path)
		}
		if errors.Is(err, fs.ErrPermission) {
			return fmt.Errorf("placard cannot create files in %s, the folder of the database %s (SQLite keeps its -wal and -shm files beside the database)%s: give the folder to the user placard runs as (chown), or run placard as the folder's owner",
				dir, path, owners(dir))
		}
		// Another failure (the folder is missing…) is Open's to report.
		return nil
	}
	f, err := os.OpenFile(abs, os.O_RDWR, 0)
	switch {
	case err == nil:
		f.Close()
		return nil
	case errors.Is(err, syscall.EROFS):
		return readOnlyDisk(path)
	case errors.Is(err, fs.ErrPermission):
		return fmt.Errorf("placard cannot write the database file %s%s: give the file to the user placard runs as (chown), or run placard as the file's owner",
			path, owners(abs))
	}
	return nil // no file yet (Open creates it), or Open's to report
}

func readOnlyDisk(path string) error {
	return fmt.Errorf("the database %s is on a disk mounted read-only: remount it read-write (mount -o remount,rw), or keep the database on a writable disk", path)
}
