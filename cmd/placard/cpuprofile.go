//go:build cpuprofile

package main

// A CPU profile of `placard serve`, for finding where a benchmark's time
// goes (bench/sign.sh, bench/pages.sh). Only in a binary built with the
// cpuprofile tag; a normal build has none of this.
//
//	mkdir -p /tmp/prof
//	GOFLAGS=-tags=cpuprofile PLACARD_CPUPROFILE=/tmp/prof ENGINES=sqlite bench/sign.sh
//	go tool pprof -top -cum /tmp/prof/cpu.*.pprof
//
// With PLACARD_CPUPROFILE naming a folder, serve profiles from start until
// SIGTERM or an interrupt (the bench scripts stop it so) into
// cpu.<pid>.pprof there. Idle time costs nothing in a CPU profile, so the
// profile is the load's.

import (
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"runtime/pprof"
	"syscall"
)

func init() {
	dir := os.Getenv("PLACARD_CPUPROFILE")
	if dir == "" || len(os.Args) < 2 || os.Args[1] != "serve" {
		return
	}
	f, err := os.Create(filepath.Join(dir, fmt.Sprintf("cpu.%d.pprof", os.Getpid())))
	if err != nil {
		fmt.Fprintln(os.Stderr, "placard: cpu profile:", err)
		return
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		fmt.Fprintln(os.Stderr, "placard: cpu profile:", err)
		f.Close()
		return
	}
	stop := make(chan os.Signal, 1)
	signal.Notify(stop, syscall.SIGTERM, os.Interrupt)
	go func() {
		<-stop
		pprof.StopCPUProfile()
		f.Close()
	}()
}
