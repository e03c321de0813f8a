package sqlite_test

import (
	"context"
	"io"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/placard/placard/internal/store/sqlite"
)

// wantPlainRefusal checks an Open refusal names the file and says what
// to do, with none of SQLite's codes, and that the folder holds no more
// files than before.
func wantPlainRefusal(t *testing.T, err error, path string, before []string, fix ...string) {
	t.Helper()
	if err == nil {
		t.Fatalf("Open(%s): nil, want a refusal", path)
	}
	msg := err.Error()
	if !strings.Contains(msg, path) || strings.Contains(msg, "(14)") || strings.Contains(msg, "(8)") {
		t.Errorf("Open(%s): %q; want the file named and no SQLite code", path, msg)
	}
	for _, f := range fix {
		if !strings.Contains(msg, f) {
			t.Errorf("Open(%s): %q; want it to say %q", path, msg, f)
		}
	}
	if after := list(t, filepath.Dir(path)); !slices.Equal(after, before) {
		t.Errorf("Open(%s) left files: %v, was %v", path, after, before)
	}
}

func list(t *testing.T, dir string) []string {
	t.Helper()
	es, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range es {
		names = append(names, e.Name())
	}
	return names
}

// TestOpenReadOnlyDisk (attack8): a database on a file system mounted
// read-only is refused at Open with a plain message naming the file and
// the fix; before, SQLite's "unable to open database file (14)".
func TestOpenReadOnlyDisk(t *testing.T) {
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "disk")
	if err := os.Mkdir(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size=4m,mode=0700", "tmpfs", dir).CombinedOutput(); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("mounting a small tmpfs (needed under CI=true): %v %s", err, out)
		}
		t.Skipf("cannot mount a tmpfs (needs root): %v %s", err, out)
	}
	t.Cleanup(func() { exec.Command("umount", dir).Run() })
	path := filepath.Join(dir, "placard.db")
	db, err := sqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	if out, err := exec.Command("mount", "-o", "remount,ro", dir).CombinedOutput(); err != nil {
		t.Fatalf("remounting read-only: %v %s", err, out)
	}
	before := list(t, dir)
	_, err = sqlite.Open(ctx, path)
	wantPlainRefusal(t, err, path, before, "read-only")
	_, err = sqlite.Open(ctx, filepath.Join(dir, "new.db"))
	wantPlainRefusal(t, err, filepath.Join(dir, "new.db"), before, "read-only")
}

// TestOpenUnwritable (attack8): a database file, or its folder, that the
// user placard runs as cannot write — copied in as root, restored from a
// backup with the wrong owner. Before, a file it could read but not
// write was opened read-only: serve started, answered pages, and every
// signature failed with "attempt to write a readonly database (8)"; a
// folder it could not write failed with "unable to open database file
// (14)". Now Open refuses, naming the file and the fix. Runs as the
// nobody user (root may write anything).
func TestOpenUnwritable(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("needs root, to run the open as another user")
	}
	nobody, err := user.Lookup("nobody")
	if err != nil {
		t.Skipf("no nobody user: %v", err)
	}
	uid, _ := strconv.Atoi(nobody.Uid)
	// A folder nobody can reach, holding a copy of this test binary.
	base, err := os.MkdirTemp("/tmp", "placard-unwritable-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(base) })
	if err := os.Chmod(base, 0o755); err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(base, "test.bin")
	copyFile(t, os.Args[0], bin, 0o755)
	openAs := func(path string) error {
		cmd := exec.Command("setpriv", "--reuid="+nobody.Uid, "--regid="+nobody.Gid, "--clear-groups", bin, "-test.run=^$")
		cmd.Env = append(os.Environ(), openerEnv+"="+path)
		out, err := cmd.Output()
		if err == nil {
			return nil
		}
		if _, ok := err.(*exec.ExitError); !ok {
			t.Fatalf("running as nobody: %v", err)
		}
		return errorString(strings.TrimSpace(string(out)))
	}
	ctx := context.Background()

	// A file nobody may read but not write, in a folder nobody may write.
	fileDir := filepath.Join(base, "file")
	if err := os.Mkdir(fileDir, 0o777); err != nil {
		t.Fatal(err)
	}
	os.Chmod(fileDir, 0o777)
	path := filepath.Join(fileDir, "placard.db")
	db, err := sqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	os.Chmod(path, 0o644)
	before := list(t, fileDir)
	wantPlainRefusal(t, openAs(path), path, before, "cannot write", "chown")

	// A file nobody owns, in a folder it may not write.
	dirDir := filepath.Join(base, "folder")
	if err := os.Mkdir(dirDir, 0o755); err != nil {
		t.Fatal(err)
	}
	path = filepath.Join(dirDir, "placard.db")
	db, err = sqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	if err := os.Chown(path, uid, -1); err != nil {
		t.Fatal(err)
	}
	before = list(t, dirDir)
	wantPlainRefusal(t, openAs(path), path, before, dirDir, "chown")
	// And a new file there.
	wantPlainRefusal(t, openAs(filepath.Join(dirDir, "new.db")), filepath.Join(dirDir, "new.db"), before, dirDir, "chown")
}

type errorString string

func (e errorString) Error() string { return string(e) }

func copyFile(t *testing.T, from, to string, mode os.FileMode) {
	t.Helper()
	src, err := os.Open(from)
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	dst, err := os.OpenFile(to, os.O_WRONLY|os.O_CREATE|os.O_EXCL, mode)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(dst, src); err != nil {
		t.Fatal(err)
	}
	if err := dst.Close(); err != nil {
		t.Fatal(err)
	}
}
