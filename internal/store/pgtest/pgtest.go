// Package pgtest gives tests a PostgreSQL database of their own.
//
// DSN returns the URL of a fresh, empty database, created for the calling
// test and dropped when it ends. The server is PLACARD_TEST_POSTGRES when
// that is set (a postgres:// URL of a role allowed to CREATE DATABASE);
// otherwise a throwaway cluster that this test process starts itself from
// Debian's server binaries (/usr/lib/postgresql/*/bin): initdb into a temp
// folder (as the postgres user when running as root, since initdb refuses
// root), listening only on a unix socket in that folder, never on TCP. The
// cluster is shared by every test of the process and stopped, and its
// folder removed, when the process exits — even if it is killed.
//
// Without binaries or PLACARD_TEST_POSTGRES the test is skipped with a
// message saying so; under CI=true it fails instead, because CI must run
// every engine. With go test -short (make test-short) every PostgreSQL test
// is skipped, installed or not.
package pgtest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// Env is the variable naming an existing server to use instead of a
// throwaway cluster.
const Env = "PLACARD_TEST_POSTGRES"

var (
	once      sync.Once
	serverURL string // admin URL of the server (database postgres or the given one)
	startErr  error
	missing   string // why there is no server, when skipping
)

// DSN returns a postgres:// URL of a new empty database for t, dropped in
// t.Cleanup. It skips (or, under CI=true, fails) t when no server can be had.
func DSN(t testing.TB) string {
	t.Helper()
	skipShort(t)
	once.Do(start)
	if missing != "" {
		if os.Getenv("CI") == "true" {
			t.Fatalf("PostgreSQL is required under CI=true: %s", missing)
		}
		t.Skipf("skipping PostgreSQL test: %s", missing)
	}
	if startErr != nil {
		t.Fatalf("starting PostgreSQL for tests: %v", startErr)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	admin, err := pgx.Connect(ctx, serverURL)
	if err != nil {
		t.Fatalf("connecting to the test server: %v", err)
	}
	defer admin.Close(ctx)
	b := make([]byte, 6)
	rand.Read(b)
	name := "placard_test_" + hex.EncodeToString(b)
	if _, err := admin.Exec(ctx, "CREATE DATABASE "+name); err != nil {
		t.Fatalf("creating test database: %v", err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		c, err := pgx.Connect(ctx, serverURL)
		if err != nil {
			t.Logf("dropping test database %s: %v", name, err)
			return
		}
		defer c.Close(ctx)
		if _, err := c.Exec(ctx, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)"); err != nil {
			t.Logf("dropping test database %s: %v", name, err)
		}
	})
	return withDatabase(serverURL, name)
}

// withDatabase returns u with its database replaced by name. u is a
// postgres:// URL or a key=value string (where a later key wins).
func withDatabase(u, name string) string {
	if !strings.Contains(u, "://") {
		return u + " dbname=" + name
	}
	p, err := url.Parse(u)
	if err != nil {
		return u + "&dbname=" + name
	}
	p.Path = "/" + name
	return p.String()
}

func start() {
	if u := os.Getenv(Env); u != "" {
		serverURL = u
		return
	}
	bin := findBin()
	if bin == "" {
		missing = "no PostgreSQL server binaries in /usr/lib/postgresql/*/bin (install Debian's postgresql package) and " + Env + " is not set"
		return
	}
	c, err := startCluster(bin)
	if err != nil {
		startErr = err
		return
	}
	serverURL = c.URL()
}

// findBin returns the newest /usr/lib/postgresql/N/bin holding initdb,
// pg_ctl and postgres, or "".
func findBin() string {
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	sort.Slice(dirs, func(i, j int) bool {
		vi, _ := strconv.Atoi(filepath.Base(filepath.Dir(dirs[i])))
		vj, _ := strconv.Atoi(filepath.Base(filepath.Dir(dirs[j])))
		return vi > vj
	})
	for _, d := range dirs {
		ok := true
		for _, b := range []string{"initdb", "pg_ctl", "postgres"} {
			if _, err := os.Stat(filepath.Join(d, b)); err != nil {
				ok = false
			}
		}
		if ok {
			return d
		}
	}
	return ""
}

// skipShort skips t under go test -short, which runs no PostgreSQL.
func skipShort(t testing.TB) {
	t.Helper()
	if testing.Short() {
		t.Skip("skipping PostgreSQL test: go test -short does not run PostgreSQL")
	}
}

// Cluster is a PostgreSQL cluster this test process started: a data folder
// and a server listening only on a unix socket inside it.
type Cluster struct {
	bin, dir, data string
	asUser         []string // runuser prefix when running as root
}

// NewCluster starts a private cluster for a test that must stop or crash
// the server (which it cannot do to a shared one), and stops it and removes
// its folder when t ends. It needs the server binaries even when
// PLACARD_TEST_POSTGRES is set; without them it skips t, or fails it under
// CI=true.
func NewCluster(t testing.TB) *Cluster {
	t.Helper()
	skipShort(t)
	bin := findBin()
	if bin == "" {
		msg := "no PostgreSQL server binaries in /usr/lib/postgresql/*/bin (install Debian's postgresql package)"
		if os.Getenv("CI") == "true" {
			t.Fatalf("PostgreSQL is required under CI=true: %s", msg)
		}
		t.Skipf("skipping PostgreSQL test: %s", msg)
	}
	c, err := startCluster(bin)
	if err != nil {
		t.Fatalf("starting a PostgreSQL cluster: %v", err)
	}
	t.Cleanup(func() {
		c.pgctl("-m", "immediate", "-w", "stop")
		os.RemoveAll(c.dir)
	})
	return c
}

// URL is the admin URL of the cluster (superuser postgres, database
// postgres). Make a database of your own with CREATE DATABASE.
func (c *Cluster) URL() string {
	return "postgres://postgres@/postgres?host=" + url.QueryEscape(c.dir) + "&sslmode=disable"
}

// Database creates a new empty database and returns its URL.
func (c *Cluster) Database(t testing.TB) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	admin, err := pgx.Connect(ctx, c.URL())
	if err != nil {
		t.Fatalf("connecting to the test cluster: %v", err)
	}
	defer admin.Close(ctx)
	b := make([]byte, 6)
	rand.Read(b)
	name := "placard_test_" + hex.EncodeToString(b)
	if _, err := admin.Exec(ctx, "CREATE DATABASE "+name); err != nil {
		t.Fatalf("creating test database: %v", err)
	}
	return withDatabase(c.URL(), name)
}

// ServerLog returns what the server has written to its own log so far
// (pg_ctl's -l file): a test reads it to prove that no failing statement
// put a person's address or name there.
func (c *Cluster) ServerLog(t testing.TB) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(c.dir, "server.log"))
	if err != nil {
		t.Fatalf("reading the test cluster's log: %v", err)
	}
	return string(data)
}

// Crash stops the server the way a crash does ("immediate" shutdown: every
// server process quits at once, nothing is flushed or checkpointed), so the
// next Start replays the WAL exactly as after a crash.
func (c *Cluster) Crash(t testing.TB) {
	t.Helper()
	if err := c.pgctl("-m", "immediate", "-w", "stop"); err != nil {
		t.Fatalf("crashing the test cluster: %v", err)
	}
}

// Start starts the server again after Crash.
func (c *Cluster) Start(t testing.TB) {
	t.Helper()
	if err := c.start(); err != nil {
		t.Fatalf("restarting the test cluster: %v", err)
	}
}

func (c *Cluster) run(args ...string) error {
	full := append(append([]string{}, c.asUser...), args...)
	cmd := exec.Command(full[0], full[1:]...)
	cmd.Dir = c.dir
	out, err := cmd.CombinedOutput()
	if err != nil {
		return fmt.Errorf("%s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return nil
}

func (c *Cluster) pgctl(args ...string) error {
	return c.run(append([]string{filepath.Join(c.bin, "pg_ctl"), "-D", c.data}, args...)...)
}

func (c *Cluster) start() error {
	// Throwaway-cluster settings. fsync and synchronous_commit stay ON: the
	// suite, the crash tests and the benchmarks must see a durable commit
	// and its real cost.
	opts := strings.Join([]string{
		"-c listen_addresses=''",              // no TCP at all
		"-c unix_socket_directories=" + c.dir, // the socket lives in our folder
		"-c fsync=on",
		"-c synchronous_commit=on",
		"-c max_connections=200",      // several pools in parallel tests
		"-c wal_level=minimal",        // no replication: less WAL to write
		"-c max_wal_senders=0",        // required by wal_level=minimal
		"-c checkpoint_timeout=30min", // no timed checkpoints mid-test
		"-c max_wal_size=4GB",
	}, " ")
	return c.pgctl("-l", filepath.Join(c.dir, "server.log"), "-w", "-t", "60", "-o", opts, "start")
}

// startCluster initialises and starts a cluster in a new temp folder. A
// watchdog process stops the cluster and removes the folder once this
// process has gone, however it ended.
func startCluster(bin string) (*Cluster, error) {
	// The socket path must fit in 107 bytes, and as root the postgres user
	// must be able to reach the folder: a long or private TMPDIR fails
	// either way, so use /tmp then.
	parent := os.TempDir()
	if os.Geteuid() == 0 || len(parent) > 60 {
		parent = "/tmp"
	}
	dir, err := os.MkdirTemp(parent, "placard-pg-")
	if err != nil {
		return nil, err
	}
	c := &Cluster{bin: bin, dir: dir, data: filepath.Join(dir, "data")}
	// initdb refuses to run as root: run the server as the postgres user,
	// which then must own the folder.
	if os.Geteuid() == 0 {
		u, err := user.Lookup("postgres")
		if err != nil {
			os.RemoveAll(dir)
			return nil, fmt.Errorf("running as root, and there is no postgres user to run the server as: %w", err)
		}
		uid, _ := strconv.Atoi(u.Uid)
		gid, _ := strconv.Atoi(u.Gid)
		if err := os.Chown(dir, uid, gid); err != nil {
			os.RemoveAll(dir)
			return nil, err
		}
		c.asUser = []string{"runuser", "-u", "postgres", "--"}
	}
	if err := c.run(filepath.Join(bin, "initdb"), "-D", c.data, "-U", "postgres", "--auth=trust",
		"--encoding=UTF8", "--locale=C", "--no-instructions"); err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	if err := c.start(); err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	watchdog(bin, dir, c.data, c.asUser)
	return c, nil
}

// watchdog starts a small shell that waits for this process to exit and
// then stops the cluster and removes its folder. It outlives a killed test
// binary, so no cluster is left running.
func watchdog(bin, dir, data string, asUser []string) {
	stop := strings.Join(append(append([]string{}, asUser...),
		filepath.Join(bin, "pg_ctl"), "-D", data, "-m", "immediate", "-w", "stop"), " ")
	script := fmt.Sprintf(`while kill -0 %d 2>/dev/null; do sleep 0.5; done; %s >/dev/null 2>&1; rm -rf %s`,
		os.Getpid(), stop, dir)
	cmd := exec.Command("sh", "-c", script)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = nil, nil, nil
	// Its own session: a signal to the test's process group does not stop
	// the cleanup.
	setsid(cmd)
	if err := cmd.Start(); err == nil {
		go cmd.Wait() // reap if it ends first (it should not)
	}
}

// DataDir is the cluster's data folder (PGDATA), for tests that search the
// files PostgreSQL writes. Call Checkpoint first so what the server holds
// in its shared buffers is on disk.
func (c *Cluster) DataDir() string { return c.data }

// Checkpoint runs CHECKPOINT as the superuser: every dirty page in the
// server's shared buffers is written to its data file, and relation files
// dropped since the last checkpoint are removed.
func (c *Cluster) Checkpoint(t testing.TB) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	admin, err := pgx.Connect(ctx, c.URL())
	if err != nil {
		t.Fatalf("connecting to the test cluster: %v", err)
	}
	defer admin.Close(ctx)
	if _, err := admin.Exec(ctx, "CHECKPOINT"); err != nil {
		t.Fatalf("CHECKPOINT: %v", err)
	}
}
