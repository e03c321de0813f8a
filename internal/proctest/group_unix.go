//go:build unix

package proctest

import (
	"os/exec"
	"syscall"
)

func ownGroup(cmd *exec.Cmd) {
	if cmd.SysProcAttr == nil {
		cmd.SysProcAttr = &syscall.SysProcAttr{}
	}
	cmd.SysProcAttr.Setpgid = true
}

func signal(pid int, sig syscall.Signal) { _ = syscall.Kill(pid, sig) }

// killGroup kills every process of the group pgid leads.
func killGroup(pgid int) { _ = syscall.Kill(-pgid, syscall.SIGKILL) }

func kill(pid int) { _ = syscall.Kill(pid, syscall.SIGKILL) }
