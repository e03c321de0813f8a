package pgtest

import (
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// helperEnv makes TestKilledHelper start the throwaway cluster.
const helperEnv = "PLACARD_PGTEST_KILLED_HELPER"

// TestKilledHelper is the process TestKilledDuringInitdb kills: it only
// asks for a database, so that pgtest runs initdb.
func TestKilledHelper(t *testing.T) {
	if os.Getenv(helperEnv) != "1" {
		// Run by TestKilledDuringInitdb only; on its own it has nothing
		// to do (a return, not a skip: under CI=true .ci/run fails any
		// skipped test).
		return
	}
	DSN(t)
}

// TestKilledDuringInitdb: a test process killed while pgtest's initdb runs
// (go test's -timeout, Ctrl-C, a killed CI job) leaves no folder in /tmp.
// initdb is the slowest step of a start, and its folder, 39 MB, used to be
// handed to the watchdog only once initdb had finished, so every such kill
// left one behind for good.
func TestKilledDuringInitdb(t *testing.T) {
	skipShort(t)
	bin := findBin()
	if bin == "" {
		if os.Getenv("CI") == "true" {
			t.Fatal("no PostgreSQL server binaries in /usr/lib/postgresql/*/bin")
		}
		t.Skip("no PostgreSQL server binaries in /usr/lib/postgresql/*/bin")
	}
	for attempt := 0; attempt < 5; attempt++ {
		cmd := exec.Command(os.Args[0], "-test.run=^TestKilledHelper$", "-test.count=1")
		env := []string{helperEnv + "=1"}
		for _, e := range os.Environ() {
			if !strings.HasPrefix(e, Env+"=") {
				env = append(env, e)
			}
		}
		cmd.Env = env
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		folder := ""
		for folder == "" {
			if exited(cmd.Process.Pid) {
				break
			}
			if folder = initdbFolder(cmd.Process.Pid); folder == "" {
				time.Sleep(10 * time.Millisecond)
			}
		}
		cmd.Process.Signal(syscall.SIGKILL)
		cmd.Wait()
		if folder == "" {
			continue // initdb finished before it was seen: try again
		}
		deadline := time.Now().Add(2 * time.Minute)
		for {
			if _, err := os.Stat(folder); os.IsNotExist(err) {
				return
			}
			if time.Now().After(deadline) {
				t.Fatalf("a test process killed during initdb left %s behind, 2 minutes after it was killed", folder)
			}
			time.Sleep(100 * time.Millisecond)
		}
	}
	t.Skip("initdb ended before it could be seen, five times")
}

// exited reports whether pid has exited (a zombie counts).
func exited(pid int) bool {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return true
	}
	f := strings.Fields(string(b[strings.LastIndexByte(string(b), ')')+1:]))
	return len(f) > 0 && f[0] == "Z"
}

// initdbFolder returns the cluster folder of an initdb running under pid
// once it has begun writing its data folder, or "".
func initdbFolder(pid int) string {
	procs, _ := filepath.Glob("/proc/[0-9]*")
	parent := map[int]int{}
	for _, p := range procs {
		b, err := os.ReadFile(p + "/stat")
		if err != nil {
			continue
		}
		s := string(b)
		f := strings.Fields(s[strings.LastIndexByte(s, ')')+1:])
		if len(f) < 2 {
			continue
		}
		me, _ := strconv.Atoi(filepath.Base(p))
		parent[me], _ = strconv.Atoi(f[1])
	}
	for _, p := range procs {
		me, _ := strconv.Atoi(filepath.Base(p))
		under := false
		for q, n := parent[me], 0; q > 1 && n < 20; q, n = parent[q], n+1 {
			if q == pid {
				under = true
				break
			}
		}
		if !under {
			continue
		}
		b, _ := os.ReadFile(p + "/cmdline")
		args := strings.Split(string(b), "\x00")
		if len(args) == 0 || filepath.Base(args[0]) != "initdb" {
			continue
		}
		for i, a := range args[:len(args)-1] {
			if a == "-D" {
				data := args[i+1]
				if _, err := os.Stat(filepath.Join(data, "PG_VERSION")); err == nil {
					return filepath.Dir(data)
				}
			}
		}
	}
	return ""
}
