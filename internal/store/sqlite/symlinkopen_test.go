package sqlite_test

import (
	"context"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/placard/placard/internal/store/sqlite"
)

// TestOpenThroughSymlink (rev31a): a database path that is a symlink —
// /etc/placard/placard.db pointing at the data disk's
// /var/lib/placard/placard.db — is opened where the link points: SQLite
// follows it and keeps its -wal and -shm files beside the file itself.
// Open's writability check looked at the link's folder instead, which
// the user placard runs as need not write, and refused a database it
// could use ("placard cannot create files in …"). Runs as nobody.
func TestOpenThroughSymlink(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("needs root, to run the open as another user")
	}
	nobody, err := user.Lookup("nobody")
	if err != nil {
		t.Skipf("no nobody user: %v", err)
	}
	uid, _ := strconv.Atoi(nobody.Uid)
	gid, _ := strconv.Atoi(nobody.Gid)
	base, err := os.MkdirTemp("/tmp", "placard-symlink-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(base) })
	if err := os.Chmod(base, 0o755); err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(base, "test.bin")
	copyFile(t, os.Args[0], bin, 0o755)
	// The data folder belongs to nobody; the configuration folder, with
	// the link, to root.
	data, conf := filepath.Join(base, "data"), filepath.Join(base, "conf")
	for _, d := range []string{data, conf} {
		if err := os.Mkdir(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Chown(data, uid, gid); err != nil {
		t.Fatal(err)
	}
	target := filepath.Join(data, "placard.db")
	db, err := sqlite.Open(context.Background(), target)
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	if err := os.Chown(target, uid, gid); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(conf, "placard.db")
	if err := os.Symlink(target, link); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("setpriv", "--reuid="+nobody.Uid, "--regid="+nobody.Gid, "--clear-groups", bin, "-test.run=^$")
	cmd.Env = append(os.Environ(), openerEnv+"="+link)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("Open(%s), a link to a file nobody owns in a folder nobody owns: %v %s", link, err, strings.TrimSpace(string(out)))
	}
	if es, _ := os.ReadDir(conf); len(es) != 1 {
		t.Errorf("the link's folder holds %d files, want only the link", len(es))
	}
}
