// Command placard checks and serves campaigns written as YAML files.
//
//	placard serve [--addr 127.0.0.1:8080] [--campaigns campaigns] [--db placard-data/placard.db] [--base-url URL] [--dev]
//	placard check [DIR]
//
// main only wires the process to run: signals, arguments, environment and
// exit code. Everything else is in run, which tests call directly.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr)
	stop()
	os.Exit(exitCode(err))
}
