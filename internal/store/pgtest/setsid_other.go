//go:build !unix

package pgtest

import "os/exec"

func setsid(*exec.Cmd) {}
