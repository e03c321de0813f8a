// Package proctest ends the programs a test starts beside it (nginx, a
// built placard) together with everything they started, and proves it:
// nothing a test started may outlive it.
//
// A program started with OwnGroup leads a process group of its own, so
// its children (nginx's workers) can be found and killed with it. Stop
// asks the leader to stop with a signal of the caller's choice (nginx's
// graceful SIGQUIT, which waits for its workers), waits for it, kills
// whatever is left of the group, and fails the test naming any process of
// the group, or any whose command line holds the test's own folder, that
// /proc still shows. Killing only the leader with SIGKILL, as the nginx
// tests did, left its workers running for good, re-parented to PID 1.
package proctest

import (
	"fmt"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"
)

// Stop ends the process group that pid leads (see OwnGroup): it sends sig
// to pid, waits up to grace for exited to close (the caller closes it once
// its cmd.Wait has returned), then kills the whole group with SIGKILL and
// waits for exited. Last it checks with Leftovers that no process of the
// group, and none whose command line holds mark, is left.
func Stop(t testing.TB, pid int, sig syscall.Signal, grace time.Duration, exited <-chan struct{}, mark string) {
	t.Helper()
	signal(pid, sig)
	select {
	case <-exited:
	case <-time.After(grace):
		t.Logf("process %d did not stop within %v of signal %v; killing its process group", pid, grace, sig)
	}
	killGroup(pid)
	<-exited
	Leftovers(t, pid, mark)
}

// Leftovers waits until /proc shows no live process of process group
// pgid (when pgid > 0) and none whose command line holds mark (when mark
// is not ""). Those still there after 30 s fail t, named, and are killed.
// A process gone from its parent's sight (a worker whose master was
// killed, a browser's child once the browser is) takes a moment to end:
// hence a deadline, not a single look.
func Leftovers(t testing.TB, pgid int, mark string) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		left := Alive(pgid, mark)
		if len(left) == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Errorf("processes left running after the test stopped them:\n%s", List(left))
			if pgid > 0 {
				killGroup(pgid)
			}
			for _, p := range left {
				kill(p.PID)
			}
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// End kills every live process of process group pgid (when pgid > 0)
// and every one whose command line holds mark (when mark is not ""),
// whoever their parent, and waits until /proc shows none of them; it fails
// t only for one still there 30 s later. For what a test cannot stop
// gracefully: a program killed at its timeout, whose own children (a
// browser a tool launched in a session of its own) would run on.
func End(t testing.TB, pgid int, mark string) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		if pgid > 0 {
			killGroup(pgid)
		}
		left := Alive(pgid, mark)
		if len(left) == 0 {
			return
		}
		for _, p := range left {
			kill(p.PID)
		}
		if time.Now().After(deadline) {
			t.Errorf("processes still running after they were killed:\n%s", List(left))
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// KillGroup kills every process of the process group pgid leads (see
// OwnGroup) with SIGKILL: for exec.Cmd's Cancel, so that a context's end
// stops what the command started too.
func KillGroup(pgid int) error {
	killGroup(pgid)
	return nil
}

// Process is a process /proc shows.
type Process struct {
	PID, PPID, PGID int
	Cmdline         string // arguments joined by spaces
}

// List is processes one a line, for a failure message.
func List(ps []Process) string {
	var b strings.Builder
	for _, p := range ps {
		fmt.Fprintf(&b, "\tpid %d (parent %d, group %d): %s\n", p.PID, p.PPID, p.PGID, p.Cmdline)
	}
	return b.String()
}

// Children returns the live processes whose parent is pid.
func Children(pid int) []Process {
	var out []Process
	for _, p := range all() {
		if p.PPID == pid {
			out = append(out, p)
		}
	}
	return out
}

// Alive returns the live processes (not zombies) of process group pgid,
// and those whose command line holds mark (a whole path, holdsMark) when
// mark is not "".
func Alive(pgid int, mark string) []Process {
	var out []Process
	for _, p := range all() {
		if (pgid > 0 && p.PGID == pgid) || (mark != "" && holdsMark(p.Cmdline, mark)) {
			out = append(out, p)
		}
	}
	return out
}

// holdsMark reports whether cmdline holds mark as a whole path: followed
// by its end, a space (the next argument) or a slash (a path inside it).
// A test's folders are numbered 001 … 010 and os.MkdirTemp's numbers
// vary in length, so "…/001" also begins "…/0010", another process's.
func holdsMark(cmdline, mark string) bool {
	for i := 0; ; {
		j := strings.Index(cmdline[i:], mark)
		if j < 0 {
			return false
		}
		end := i + j + len(mark)
		if end == len(cmdline) || cmdline[end] == ' ' || cmdline[end] == '/' {
			return true
		}
		i += j + 1
	}
}

// Gone reports whether pid no longer runs (a zombie has stopped running).
func Gone(pid int) bool {
	for _, p := range all() {
		if p.PID == pid {
			return false
		}
	}
	return true
}

// OwnGroup makes cmd, once started, the leader of a new process group, so
// that Stop can end it with everything it starts.
func OwnGroup(cmd *exec.Cmd) { ownGroup(cmd) }
