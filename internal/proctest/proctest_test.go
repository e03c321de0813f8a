//go:build linux

package proctest

import (
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"
)

// TestStopEndsTheGroup: a leader that dies of its signal and leaves its
// children running (a shell's background jobs, as nginx's workers when
// only the master was killed) does not leave them behind: Stop kills the
// whole group.
func TestStopEndsTheGroup(t *testing.T) {
	cmd := exec.Command("sh", "-c", "sleep 300 & sleep 300 & wait")
	OwnGroup(cmd)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan struct{})
	go func() {
		_ = cmd.Wait()
		close(exited)
	}()
	var kids []Process
	for deadline := time.Now().Add(30 * time.Second); len(kids) < 2; kids = Children(cmd.Process.Pid) {
		if time.Now().After(deadline) {
			t.Fatalf("the shell started %d of its 2 sleeps within 30 s", len(kids))
		}
		time.Sleep(10 * time.Millisecond)
	}
	Stop(t, cmd.Process.Pid, syscall.SIGTERM, 30*time.Second, exited, "")
	for _, k := range kids {
		if !Gone(k.PID) {
			t.Errorf("%s (pid %d) still runs after Stop", k.Cmdline, k.PID)
			syscall.Kill(k.PID, syscall.SIGKILL)
		}
	}
	if left := Alive(cmd.Process.Pid, ""); len(left) > 0 {
		t.Errorf("the group still has processes after Stop:\n%s", List(left))
	}
}

// TestEndKillsByMark: a process in a session of its own (as a browser a
// tool launches detached), out of reach of its starter's process group,
// is ended by the folder on its command line.
func TestEndKillsByMark(t *testing.T) {
	mark := filepath.Join(t.TempDir(), "mark")
	if err := os.WriteFile(mark, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("tail", "-f", "/dev/null", mark)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go cmd.Wait()
	for deadline := time.Now().Add(30 * time.Second); len(Alive(0, mark)) == 0; {
		if time.Now().After(deadline) {
			t.Fatal("the marked tail did not show in /proc within 30 s")
		}
		time.Sleep(10 * time.Millisecond)
	}
	End(t, 0, mark)
	if !Gone(cmd.Process.Pid) {
		t.Errorf("the marked tail (pid %d) still runs after End", cmd.Process.Pid)
	}
}

// TestMarkIsWhole: a mark names one folder, not every path it begins.
// t.TempDir numbers a test's folders 001, 002 … 010, and os.MkdirTemp
// (Lighthouse's /tmp/placard-lh-N) draws numbers of varying length, so
// "…/001" is the start of "…/0010" and "placard-lh-12" of
// "placard-lh-123": End killed, and Leftovers waited 30 s for, another
// browser's or another run's processes. Failed before: End killed the
// tail whose command line holds the mark with a digit after it.
func TestMarkIsWhole(t *testing.T) {
	dir := t.TempDir()
	mark := filepath.Join(dir, "001")
	other := exec.Command("tail", "-f", "/dev/null", filepath.Join(dir, "0010", "x"))
	if err := other.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() {
		other.Process.Kill()
		other.Wait()
	}()
	otherMark := filepath.Join(dir, "0010")
	for deadline := time.Now().Add(30 * time.Second); len(Alive(0, otherMark)) == 0; {
		if time.Now().After(deadline) {
			t.Fatal("the other tail did not show in /proc within 30 s")
		}
		time.Sleep(10 * time.Millisecond)
	}
	if left := Alive(0, mark); len(left) > 0 {
		t.Errorf("Alive(%q) lists a process of another folder:\n%s", mark, List(left))
	}
	End(t, 0, mark)
	if Gone(other.Process.Pid) {
		t.Errorf("End(%q) killed the tail of %s", mark, otherMark)
	}
	// The mark itself still matches, followed by a path, a space or the end.
	for _, arg := range [][]string{{mark}, {mark + "/x"}, {mark, "/dev/null"}} {
		cmd := exec.Command("tail", append([]string{"-f", "/dev/null"}, arg...)...)
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		go cmd.Wait()
		for deadline := time.Now().Add(30 * time.Second); len(Alive(0, mark)) == 0; {
			if time.Now().After(deadline) {
				t.Fatalf("tail %q: not listed by Alive(%q) within 30 s", arg, mark)
			}
			time.Sleep(10 * time.Millisecond)
		}
		End(t, 0, mark)
		if !Gone(cmd.Process.Pid) {
			t.Errorf("tail %q still runs after End(%q)", arg, mark)
		}
	}
}
