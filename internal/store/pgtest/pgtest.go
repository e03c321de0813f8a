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
// folder removed, when the process exits — even if it is killed. Nothing
// crashes the shared cluster, so it runs with fsync off (unless go test
// runs benchmarks); NewCluster's clusters, which tests crash, keep it on.
//
// Prepared is DSN for a database that starts in a prepared state (for the
// store: migrated), copied from a template made once per process.
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
	"errors"
	"flag"
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
	"github.com/jackc/pgx/v5/pgconn"
)

// Env is the variable naming an existing server to use instead of a
// throwaway cluster.
const Env = "PLACARD_TEST_POSTGRES"

var (
	once      sync.Once
	serverURL string // admin URL of the server (database postgres or the given one)
	startErr  error
	missing   string // why there is no server, when skipping
	external  bool   // the server is PLACARD_TEST_POSTGRES, not a throwaway cluster
	fileCopy  bool   // CREATE DATABASE ... STRATEGY FILE_COPY: see newDatabase
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
	return newDatabase(t, "")
}

// newDatabase creates a database for t on the shared server, a copy of
// template (or of template1 when template is ""), and drops it in
// t.Cleanup.
func newDatabase(t testing.TB, template string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	admin, err := pgx.Connect(ctx, serverURL)
	if err != nil {
		t.Fatalf("connecting to the test server: %v", err)
	}
	defer admin.Close(ctx)
	name := "placard_test_" + randomHex()
	create := "CREATE DATABASE " + name
	if template != "" {
		create += " TEMPLATE " + template
	}
	if fileCopy {
		// Copy the template's files rather than write every page of it
		// to the WAL (15's default): 0.1–0.2 s a database instead of
		// 1.1–1.3 s on a loaded 2-core machine. Its checkpoints cost
		// little with fsync off.
		create += " STRATEGY FILE_COPY"
	}
	if _, err := admin.Exec(ctx, create); err != nil {
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
		if err := dropDatabase(ctx, c, name, serverVersion(ctx, c)); err != nil {
			t.Logf("dropping test database %s: %v", name, err)
		}
	})
	return withDatabase(serverURL, name)
}

// serverVersion is the server's server_version_num (130000 for 13.0), 0
// when it cannot be read.
func serverVersion(ctx context.Context, c *pgx.Conn) int {
	var v int
	if err := c.QueryRow(ctx, "SELECT current_setting('server_version_num')::int").Scan(&v); err != nil {
		return 0
	}
	return v
}

// dropDatabase drops database name (a name this package made: no quoting
// needed) even while sessions are still connected to it, as a test's
// store may leave some. PostgreSQL 13 and later do that in one statement
// (WITH (FORCE)); on an older server given by PLACARD_TEST_POSTGRES,
// which refuses that syntax, it stops new connections, ends the
// sessions there and drops, ending again any session that slipped in
// between (object_in_use), a bounded number of times.
func dropDatabase(ctx context.Context, c *pgx.Conn, name string, version int) error {
	if version >= 130000 {
		_, err := c.Exec(ctx, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)")
		return err
	}
	var exists bool
	if err := c.QueryRow(ctx, "SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)", name).Scan(&exists); err != nil || !exists {
		return err
	}
	if _, err := c.Exec(ctx, "ALTER DATABASE "+name+" ALLOW_CONNECTIONS false"); err != nil {
		return err
	}
	var err error
	for range 20 {
		if _, err = c.Exec(ctx, "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()", name); err != nil {
			return err
		}
		_, err = c.Exec(ctx, "DROP DATABASE IF EXISTS "+name)
		var pe *pgconn.PgError
		if !errors.As(err, &pe) || pe.Code != "55006" {
			return err
		}
	}
	return err
}

func randomHex() string {
	b := make([]byte, 6)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// Prepared returns the URL of a new database for t, like DSN, that starts
// as prepare left a database: prepare runs once per test process, on an
// empty database that then serves as the TEMPLATE every later call copies
// (CREATE DATABASE ... TEMPLATE copies files; running every migration again
// for each test took most of a store test's time). key names what prepare
// does — "migrated" for a database postgres.Open migrated — and calls with
// the same key share one template. prepare must close every connection it
// opened before it returns: PostgreSQL copies only a template nobody is
// connected to.
//
// Tests of the migrations themselves (an empty database, an older schema)
// call DSN instead. With PLACARD_TEST_POSTGRES, a server other test
// processes may share and whose leftovers nobody would drop, there is no
// template: each call runs prepare on a database of its own.
func Prepared(t testing.TB, key string, prepare func(dsn string) error) string {
	t.Helper()
	skipShort(t)
	once.Do(start)
	if missing != "" || startErr != nil || external {
		dsn := DSN(t)
		if err := prepare(dsn); err != nil {
			t.Fatalf("preparing the test database (%s): %v", key, err)
		}
		return dsn
	}
	templatesMu.Lock()
	tp := templates[key]
	if tp == nil {
		tp = &template{}
		templates[key] = tp
	}
	templatesMu.Unlock()
	tp.once.Do(func() { tp.name, tp.err = makeTemplate(key, prepare) })
	if tp.err != nil {
		t.Fatalf("preparing the template test database (%s): %v", key, tp.err)
	}
	return newDatabase(t, tp.name)
}

type template struct {
	once sync.Once
	name string
	err  error
}

var (
	templatesMu sync.Mutex
	templates   = map[string]*template{}
)

// makeTemplate creates a database, runs prepare on it and marks it a
// template that accepts no connections, so nothing can change it or keep
// it from being copied. It lives as long as the throwaway cluster.
func makeTemplate(key string, prepare func(dsn string) error) (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	admin, err := pgx.Connect(ctx, serverURL)
	if err != nil {
		return "", err
	}
	defer admin.Close(ctx)
	name := "placard_template_" + randomHex()
	if _, err := admin.Exec(ctx, "CREATE DATABASE "+name); err != nil {
		return "", err
	}
	if err := prepare(withDatabase(serverURL, name)); err != nil {
		return "", err
	}
	if _, err := admin.Exec(ctx, "ALTER DATABASE "+name+" WITH IS_TEMPLATE true ALLOW_CONNECTIONS false"); err != nil {
		return "", err
	}
	return name, nil
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
		external = true
		return
	}
	bin := findBin()
	if bin == "" {
		missing = "no PostgreSQL server binaries in /usr/lib/postgresql/*/bin (install Debian's postgresql package) and " + Env + " is not set"
		return
	}
	c, err := startCluster(bin, benchmarking())
	if err != nil {
		startErr = err
		return
	}
	serverURL = c.URL()
	fileCopy = c.fileCopy()
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
	durable        bool     // fsync on: see start
}

// NewCluster starts a private, durable cluster (fsync on) for a test that
// must stop or crash the server (which it cannot do to a shared one), and
// stops it and removes its folder when t ends. It needs the server
// binaries even when PLACARD_TEST_POSTGRES is set; without them it skips
// t, or fails it under CI=true.
func NewCluster(t testing.TB) *Cluster {
	t.Helper()
	return newCluster(t, true)
}

// NewFilesCluster is NewCluster with fsync off, for a test that needs a
// cluster of its own only to read the files it writes (after Checkpoint,
// which still writes every page to its file) and never crashes it: what
// fsync adds, the files surviving a power cut, is not what it looks at,
// and the wait for the disk was most of its time.
func NewFilesCluster(t testing.TB) *Cluster {
	t.Helper()
	return newCluster(t, false)
}

func newCluster(t testing.TB, durable bool) *Cluster {
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
	c, err := startCluster(bin, durable)
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
	name := "placard_test_" + randomHex()
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
	opts := []string{
		"-c listen_addresses=''",              // no TCP at all
		"-c unix_socket_directories=" + c.dir, // the socket lives in our folder
		"-c synchronous_commit=on",
		"-c max_connections=200",      // several pools in parallel tests
		"-c wal_level=minimal",        // no replication: less WAL to write
		"-c max_wal_senders=0",        // required by wal_level=minimal
		"-c checkpoint_timeout=30min", // no timed checkpoints mid-test
		"-c max_wal_size=4GB",
	}
	if c.durable {
		// A cluster a test crashes, and the one benchmarks measure: a
		// commit is acknowledged once its WAL is on disk, at its real cost.
		opts = append(opts, "-c fsync=on", "-c full_page_writes=on")
	} else {
		// The shared cluster of the tests: nothing crashes it, so what
		// an fsync buys (the data surviving a power cut) is never
		// looked at, and waiting for the disk was most of the store
		// tests' time on a loaded machine. Every write still reaches
		// the files (through the page cache), so tests that read them
		// see what they would. Sessions still run with
		// synchronous_commit on (postgres.Open forces it).
		opts = append(opts, "-c fsync=off", "-c full_page_writes=off")
	}
	return c.pgctl("-l", filepath.Join(c.dir, "server.log"), "-w", "-t", "60", "-o", strings.Join(opts, " "), "start")
}

// fileCopy reports whether CREATE DATABASE should copy files: on a
// cluster without fsync (where the checkpoints FILE_COPY takes cost
// little) of PostgreSQL 15 or later (which has STRATEGY).
func (c *Cluster) fileCopy() bool {
	if c.durable {
		return false
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	conn, err := pgx.Connect(ctx, c.URL())
	if err != nil {
		return false
	}
	defer conn.Close(ctx)
	return serverVersion(ctx, conn) >= 150000
}

// benchmarking reports whether go test was asked to run benchmarks: the
// shared cluster is then durable, so they measure a durable commit.
func benchmarking() bool {
	f := flag.Lookup("test.bench")
	return f != nil && f.Value.String() != ""
}

var (
	pristineOnce sync.Once
	pristine     string // a data folder fresh from initdb, copied for each cluster
	pristineErr  error
)

// initdbOnce runs initdb once per test process, into a folder removed
// when the process exits; every cluster starts from a copy of it, which
// takes a fraction of initdb's time. --no-sync: initdb's files need not
// survive a power cut, only a server crash, after which the page cache
// still holds them.
func initdbOnce(bin string) (string, error) {
	pristineOnce.Do(func() {
		dir, asUser, err := tempFolder()
		if err != nil {
			pristineErr = err
			return
		}
		c := &Cluster{bin: bin, dir: dir, data: filepath.Join(dir, "data"), asUser: asUser}
		// The watchdog first: a process killed while initdb runs (the
		// slowest step; go test's -timeout, Ctrl-C) must not leave the
		// folder behind.
		watchdog(bin, dir, c.data, asUser)
		if err := c.run(filepath.Join(bin, "initdb"), "-D", c.data, "-U", "postgres", "--auth=trust",
			"--encoding=UTF8", "--locale=C", "--no-instructions", "--no-sync"); err != nil {
			os.RemoveAll(dir)
			pristineErr = err
			return
		}
		pristine = c.data
	})
	return pristine, pristineErr
}

// tempFolder makes a new folder for a cluster: under /tmp when running as
// root or when TMPDIR is long, owned by the postgres user when running as
// root (initdb refuses root), with the runuser prefix to run as that user.
func tempFolder() (string, []string, error) {
	// The socket path must fit in 107 bytes, and as root the postgres user
	// must be able to reach the folder: a long or private TMPDIR fails
	// either way, so use /tmp then.
	parent := os.TempDir()
	if os.Geteuid() == 0 || len(parent) > 60 {
		parent = "/tmp"
	}
	dir, err := os.MkdirTemp(parent, "placard-pg-")
	if err != nil {
		return "", nil, err
	}
	if os.Geteuid() != 0 {
		return dir, nil, nil
	}
	u, err := user.Lookup("postgres")
	if err != nil {
		os.RemoveAll(dir)
		return "", nil, fmt.Errorf("running as root, and there is no postgres user to run the server as: %w", err)
	}
	uid, _ := strconv.Atoi(u.Uid)
	gid, _ := strconv.Atoi(u.Gid)
	if err := os.Chown(dir, uid, gid); err != nil {
		os.RemoveAll(dir)
		return "", nil, err
	}
	return dir, []string{"runuser", "-u", "postgres", "--"}, nil
}

// startCluster starts a cluster in a new temp folder, from a copy of the
// process's initdb. durable sets fsync (see start). A watchdog process
// stops the cluster and removes the folder once this process has gone,
// however it ended.
func startCluster(bin string, durable bool) (*Cluster, error) {
	src, err := initdbOnce(bin)
	if err != nil {
		return nil, err
	}
	dir, asUser, err := tempFolder()
	if err != nil {
		return nil, err
	}
	c := &Cluster{bin: bin, dir: dir, data: filepath.Join(dir, "data"), asUser: asUser, durable: durable}
	// The watchdog before the server starts: a process killed while
	// pg_ctl waits for it (up to a minute on a loaded machine) must not
	// leave a server running, nor its folder.
	watchdog(bin, dir, c.data, c.asUser)
	if err := c.run("cp", "-a", src, c.data); err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	if err := c.start(); err != nil {
		// pg_ctl gave up waiting; the server may still come up.
		c.pgctl("-m", "immediate", "-w", "stop")
		os.RemoveAll(dir)
		return nil, err
	}
	return c, nil
}

// watchdog starts a small shell that waits for this process to exit and
// then stops the cluster and removes its folder. It outlives a killed test
// binary, so no cluster is left running.
func watchdog(bin, dir, data string, asUser []string) {
	stop := strings.Join(append(append([]string{}, asUser...),
		filepath.Join(bin, "pg_ctl"), "-D", data, "-m", "immediate", "-w", "stop"), " ")
	// rm -rf again while the folder is there (for up to ten minutes): an
	// initdb the process left running still writes into it, so the first
	// rm can fail on a folder that is not empty.
	script := fmt.Sprintf(`while kill -0 %d 2>/dev/null; do sleep 0.5; done; %s >/dev/null 2>&1; `+
		`n=0; while [ -e %s ] && [ $n -lt 600 ]; do rm -rf %s 2>/dev/null || sleep 1; n=$((n+1)); done`,
		os.Getpid(), stop, dir, dir)
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
