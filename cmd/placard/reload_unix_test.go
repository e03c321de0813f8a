//go:build unix

package main

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// TestServeSIGHUPReloads: SIGHUP to the process reloads without --watch.
func TestServeSIGHUPReloads(t *testing.T) {
	dir := copyTestdata(t)
	base, logs := startServeLogs(t, dir)
	file := filepath.Join(dir, "quiet-league", "listen-in.yaml")
	plant(t, file, "title: Listen in", "title: Listen hupped")
	p, err := os.FindProcess(os.Getpid())
	if err != nil {
		t.Fatal(err)
	}
	if err := p.Signal(syscall.SIGHUP); err != nil {
		t.Fatalf("sending SIGHUP: %v", err)
	}
	eventually(t, "SIGHUP did not reload:\n"+logs.String(), func() bool {
		_, body := fetch(t, base+"/quiet-league/listen-in")
		return strings.Contains(body, "Listen hupped")
	})
}
