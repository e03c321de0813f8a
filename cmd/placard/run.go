package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/placard/placard/internal/spell"
)

// Exit codes, as scripts and CI rely on them.
const (
	exitOK      = 0 // success; for check, every file is valid
	exitFailure = 1 // the work failed, such as invalid campaigns or a port in use
	exitUsage   = 2 // the command line was wrong
)

// exitError carries an exit code out of run. Its message has already been
// printed to stderr by the time run returns, so main only needs the code.
type exitError struct {
	code int
	msg  string
}

func (e *exitError) Error() string { return e.msg }

// failure is an exit-1 error whose message run prints.
func failure(format string, args ...any) error {
	return &exitError{code: exitFailure, msg: fmt.Sprintf(format, args...)}
}

// usageErr is an exit-2 error whose message run prints, followed by a hint
// to the command's --help.
func usageErr(cmd, format string, args ...any) error {
	return &exitError{code: exitUsage, msg: fmt.Sprintf(format, args...) + "\nRun 'placard " + cmd + " --help' for usage."}
}

// reported is an error whose details were already printed (such as the
// problem list of check).
func reported(code int) error { return &exitError{code: code} }

// exitCode maps run's error to the process exit code.
func exitCode(err error) int {
	if err == nil {
		return exitOK
	}
	var e *exitError
	if errors.As(err, &e) {
		return e.code
	}
	return exitFailure
}

const mainUsage = `placard checks and serves campaigns written as YAML files.

Usage:
  placard serve [flags]    serve the campaigns as web pages
  placard check [DIR]      check every file in DIR (default: campaigns)
  placard signatures ...   export, erase, approve or reject signatures
  placard stats ORG/SLUG   where a campaign's supporters came from
  placard new org|campaign write a new, commented file to start from
  placard build OUTDIR     write the site as files for a static host
  placard schema ...       print the editor schema of org|campaign files
  placard embed ORG/SLUG   print the code partner sites paste to embed a campaign
  placard organisers ...   invite, list or remove who may use the console (/admin/)
  placard outbox ...       list, retry or drop webhook calls and emails waiting to go

Run 'placard COMMAND --help' for a command's flags.
`

// run is the whole program: it reads args (without the program name) and
// the environment through getenv, writes output to stdout and messages to
// stderr, and returns nil or an error whose exit code exitCode gives. Every
// error message has been written to stderr by the time run returns.
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	err := dispatch(ctx, args, getenv, stdout, stderr)
	var e *exitError
	switch {
	case err == nil:
	case errors.As(err, &e):
		if e.msg != "" {
			fmt.Fprintln(stderr, "placard: "+e.msg)
		}
	default:
		fmt.Fprintln(stderr, "placard: "+err.Error())
	}
	return err
}

func dispatch(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, mainUsage)
		return reported(exitUsage)
	}
	switch args[0] {
	case "serve":
		return serve(ctx, args[1:], getenv, stdout, stderr)
	case "check":
		return check(args[1:], getenv, stdout, stderr)
	case "build":
		return build(args[1:], getenv, stdout, stderr)
	case "schema":
		return schemaCmd(args[1:], getenv, stdout, stderr)
	case "new":
		return newCmd(args[1:], getenv, stdout, stderr)
	case "signatures":
		return signatures(ctx, args[1:], getenv, stdout, stderr)
	case "embed":
		return embedCmd(args[1:], getenv, stdout, stderr)
	case "stats":
		return stats(ctx, args[1:], getenv, stdout, stderr)
	case "organisers":
		return organisers(ctx, args[1:], getenv, stdout, stderr)
	case "outbox":
		return outboxCmd(ctx, args[1:], getenv, stdout, stderr)
	case "help", "-h", "-help", "--help":
		fmt.Fprint(stdout, mainUsage)
		return nil
	}
	fmt.Fprint(stderr, mainUsage)
	return &exitError{code: exitUsage, msg: fmt.Sprintf("unknown command %q", args[0]) + didYouMean(args[0], commands)}
}

// commands are placard's commands, as did-you-mean offers them.
var commands = []string{"serve", "check", "signatures", "stats", "new", "build", "schema", "embed", "outbox", "organisers"}

// didYouMean returns "; did you mean X?" for the word of words that s most
// likely meant, or "": the first that s begins (serv for serve), else the
// nearest by spell.Closest.
func didYouMean(s string, words []string) string {
	if w := suggest(s, words); w != "" {
		return fmt.Sprintf("; did you mean %q?", w)
	}
	return ""
}

// suggest is the word of words that s most likely meant, or "": every
// did-you-mean of the command line (commands, subcommands, flags and
// choices) goes through it.
func suggest(s string, words []string) string {
	if t := strings.ToLower(strings.TrimSpace(s)); len(t) >= 2 {
		for _, w := range words {
			if strings.HasPrefix(w, t) {
				return w
			}
		}
	}
	return spell.Closest(s, words)
}
